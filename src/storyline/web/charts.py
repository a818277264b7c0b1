"""Server-side charts: inline SVG timelines and the sources graph, and the claims matrix.

Everything here returns HTML/SVG strings in which every value from the bundle is escaped; the
charts carry no script and no style attributes (the page CSP allows neither), only classes.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

WIDTH = 960
LABEL_W = 190
PAD_R = 24
ROW_H = 24
AXIS_H = 34

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def slug(prefix: str, value: object) -> str:
    """A safe, stable HTML id for an arbitrary bundle id.

    Args:
        prefix: what kind of thing it is ("doc", "claim", ...).
        value: the bundle id (untrusted: it may hold any character).
    """
    text = str(value)
    clean = re.sub(r"[^A-Za-z0-9_-]", "_", text)[:60]
    if clean != text:  # keep ids distinct when cleaning merged two values
        clean += "-" + format(abs(hash_text(text)) % 16**8, "08x")
    return f"{prefix}-{clean}"


def hash_text(text: str) -> int:
    """A deterministic 64-bit FNV-1a hash (Python's hash() is salted per process)."""
    value = 0xCBF29CE484222325
    for byte in text.encode("utf-8"):
        value = ((value ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def parse_day(value: object) -> tuple[dt.date, dt.date] | None:
    """The interval a date string covers: "2025-03-02", "2025-03" (a month) or "2025" (a year).

    Args:
        value: an ISO-like date string (or a date), anything else gives None.
    """
    if isinstance(value, dt.date):
        return value, value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", text):
            day = dt.date.fromisoformat(text[:10])
            return day, day
        if re.fullmatch(r"\d{4}-\d{2}", text):
            first = dt.date.fromisoformat(text + "-01")
            nxt = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first, nxt - dt.timedelta(days=1)
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    except ValueError:
        return None
    return None


def doc_interval(doc: dict[str, Any]) -> tuple[dt.date | None, dt.date | None, bool]:
    """(earliest, latest, exact) of a document's publication date; (None, None, False) if unknown.

    Args:
        doc: a bundle document.
    """
    pub = doc.get("published") or {}
    value = parse_day(pub.get("value"))
    if value and pub.get("earliest") in (None, pub.get("value")) and pub.get("latest") in (None, pub.get("value")):
        return value[0], value[1], True
    lo = parse_day(pub.get("earliest"))
    hi = parse_day(pub.get("latest"))
    if lo or hi:
        return (lo[0] if lo else None), (hi[1] if hi else None), False
    if value:
        return value[0], value[1], True
    return None, None, False


@dataclass(slots=True)
class Axis:
    """A linear time scale from ``start`` to ``end`` onto the plot area."""

    start: dt.date
    end: dt.date

    @classmethod
    def around(cls, days: Iterable[dt.date]) -> Axis | None:
        """The axis covering ``days`` with a little margin, or None when there are none."""
        seen = sorted(days)
        if not seen:
            return None
        lo, hi = seen[0], seen[-1]
        margin = max(2, (hi - lo).days // 20)
        return cls(lo - dt.timedelta(days=margin), hi + dt.timedelta(days=margin))

    def x(self, day: dt.date) -> float:
        """Horizontal position of ``day``."""
        span = max(1, (self.end - self.start).days)
        return LABEL_W + (WIDTH - LABEL_W - PAD_R) * (day - self.start).days / span

    def ticks(self) -> list[tuple[dt.date, str]]:
        """Tick dates and labels: days, months or years depending on the span (at most ~10)."""
        span = (self.end - self.start).days
        out: list[tuple[dt.date, str]] = []
        if span <= 70:
            step = max(1, span // 8)
            day = self.start
            while day <= self.end:
                out.append((day, f"{day.day} {_MONTHS[day.month - 1]}"))
                day += dt.timedelta(days=step)
            return out
        if span <= 3 * 366:
            step = max(1, math.ceil(span / 30.5 / 9))
            month = dt.date(self.start.year, self.start.month, 1)
            while month <= self.end:
                if month >= self.start:
                    out.append((month, f"{_MONTHS[month.month - 1]} {month.year}"))
                idx = month.month - 1 + step
                month = dt.date(month.year + idx // 12, idx % 12 + 1, 1)
            return out
        step = max(1, math.ceil(span / 365 / 9))
        for year in range(self.start.year + 1, self.end.year + 1, step):
            out.append((dt.date(year, 1, 1), str(year)))
        return out

    def svg(self, height: int) -> str:
        """Tick lines across ``height`` and their labels along the bottom."""
        parts = []
        for day, label in self.ticks():
            x = self.x(day)
            parts.append(f'<line class="grid" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height - AXIS_H + 4}"/>'
                         f'<text class="tick" x="{x:.1f}" y="{height - AXIS_H + 20}" text-anchor="middle">'
                         f"{escape(label)}</text>")
        return "".join(parts)


def _short(text: object, limit: int = 28) -> str:
    value = " ".join(str(text or "").split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _svg_open(height: int, label: str, cls: str) -> str:
    return (f'<svg class="{cls}" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
            f'aria-label="{escape(label)}" preserveAspectRatio="xMinYMin meet">')


def timeline_svg(docs: Sequence[dict[str, Any]], claims: Sequence[dict[str, Any]], *,
                 label: str = "Timeline") -> str:
    """One lane per dated document (a dot, or a bar for an estimated interval) and one per claim actor.

    Args:
        docs: bundle documents of the story.
        claims: bundle claims of the story (those with a ``date`` are drawn).
        label: accessible name of the chart.
    """
    doc_rows = []
    for doc in docs:
        lo, hi, exact = doc_interval(doc)
        if lo or hi:
            doc_rows.append((doc, lo, hi, exact))
    doc_rows.sort(key=lambda r: ((r[1] or r[2] or dt.date.max), str(r[0].get("id"))))
    lanes: dict[str, list[tuple[dict[str, Any], tuple[dt.date, dt.date]]]] = defaultdict(list)
    for claim in claims:
        span = parse_day(claim.get("date"))
        if span:
            lanes[str(claim.get("actor") or "unattributed")].append((claim, span))
    days = [d for _, lo, hi, _ in doc_rows for d in (lo, hi) if d]
    days += [d for items in lanes.values() for _, span in items for d in span]
    axis = Axis.around(days)
    if axis is None:
        return '<p class="muted empty">No dated documents or claims to place on a time axis.</p>'
    rows = len(doc_rows) + len(lanes) + (1 if lanes else 0)
    height = rows * ROW_H + AXIS_H + 8
    parts = [_svg_open(height, label, "chart timeline"), axis.svg(height)]
    y = 6
    for doc, lo, hi, exact in doc_rows:
        name = f"{doc.get('outlet') or 'unknown outlet'}: {doc.get('title') or doc.get('source') or doc.get('id')}"
        parts.append(f'<text class="lane" x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">'
                     f"{escape(_short(doc.get('outlet') or doc.get('title') or doc.get('id')))}</text>")
        parts.append(f'<a href="#{slug("doc", doc.get("id"))}" data-jump="1">')
        if exact and lo:
            tip = f"{name} — published {lo.isoformat()}"
            parts.append(f'<circle class="pt doc" cx="{axis.x(lo):.1f}" cy="{y + 11}" r="6"><title>'
                         f"{escape(tip)}</title></circle>")
        else:
            x0 = axis.x(lo) if lo else LABEL_W
            x1 = axis.x(hi) if hi else WIDTH - PAD_R
            open_end = " open" if not (lo and hi) else ""
            tip = (f"{name} — estimated between {lo.isoformat() if lo else 'unknown'} and "
                   f"{hi.isoformat() if hi else 'unknown'}")
            parts.append(f'<rect class="est{open_end}" x="{x0:.1f}" y="{y + 5}" width="{max(6.0, x1 - x0):.1f}" '
                         f'height="12" rx="6"><title>{escape(tip)}</title></rect>')
        parts.append("</a>")
        y += ROW_H
    if lanes:
        parts.append(f'<text class="lane head" x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">Dated claims</text>'
                     f'<line class="sep" x1="{LABEL_W}" y1="{y + 11}" x2="{WIDTH - PAD_R}" y2="{y + 11}"/>')
        y += ROW_H
    for actor, items in sorted(lanes.items()):
        parts.append(f'<text class="lane" x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">'
                     f"{escape(_short(actor))}</text>")
        for claim, (lo, hi) in items:
            tip = f"{actor}: {claim.get('statement') or claim.get('text') or ''} ({claim.get('date')})"
            parts.append(f'<a href="#{slug("claim", claim.get("id"))}" data-jump="1">')
            if lo == hi:
                cx = axis.x(lo)
                parts.append(f'<path class="pt claim {_polarity(claim)}" d="M{cx:.1f} {y + 4}l7 7l-7 7l-7 -7z">'
                             f"<title>{escape(tip)}</title></path>")
            else:
                x0, x1 = axis.x(lo), axis.x(hi)
                parts.append(f'<rect class="est claim {_polarity(claim)}" x="{x0:.1f}" y="{y + 5}" '
                             f'width="{max(6.0, x1 - x0):.1f}" height="12" rx="2"><title>{escape(tip)}</title></rect>')
            parts.append("</a>")
        y += ROW_H
    parts.append("</svg>")
    undated = len(docs) - len(doc_rows)
    if undated:
        parts.append(f'<p class="muted">{undated} document(s) with no known date are not drawn.</p>')
    return "".join(parts)


def _polarity(claim: dict[str, Any]) -> str:
    return "neg" if claim.get("polarity") == "negated" else "pos"


def stance_class(stance: object) -> str:
    """CSS class for a stance label: "pro", "con" or "neutral"."""
    text = str(stance or "").lower()
    if any(w in text for w in ("disagree", "oppos", "against", "reject", "con", "negat", "rule")):
        return "con"
    if any(w in text for w in ("agree", "support", "favo", "pro", "for", "affirm")):
        return "pro"
    return "neutral"


def positions_svg(positions: Sequence[dict[str, Any]]) -> str:
    """One lane per (actor, topic): dated stance points, and change points as marked lines.

    Args:
        positions: ``bundle["positions"]`` entries.
    """
    days: list[dt.date] = []
    for pos in positions:
        for item in list(pos.get("points") or []) + list(pos.get("changes") or []):
            span = parse_day(item.get("date"))
            if span:
                days.extend(span)
    axis = Axis.around(days)
    if axis is None:
        return '<p class="muted empty">No dated positions.</p>'
    height = len(positions) * ROW_H * 2 + AXIS_H + 8
    parts = [_svg_open(height, "Positions of each actor over time", "chart positions"), axis.svg(height)]
    y = 6
    for pos in positions:
        title = f"{pos.get('actor') or 'unknown'} — {pos.get('topic') or ''}"
        parts.append(f'<text class="lane" x="{LABEL_W - 8}" y="{y + 15}" text-anchor="end">'
                     f"{escape(_short(pos.get('actor')))}</text>"
                     f'<text class="lane sub" x="{LABEL_W - 8}" y="{y + 31}" text-anchor="end">'
                     f"{escape(_short(pos.get('topic')))}</text>"
                     f'<line class="sep" x1="{LABEL_W}" y1="{y + 20}" x2="{WIDTH - PAD_R}" y2="{y + 20}"/>')
        for change in pos.get("changes") or []:
            span = parse_day(change.get("date"))
            if not span:
                continue
            x = axis.x(span[0])
            tip = (f"{title}: changed from {change.get('from')} to {change.get('to')} on {change.get('date')}. "
                   f"{change.get('explanation') or ''}")
            parts.append(f'<g class="change"><line x1="{x:.1f}" y1="{y + 2}" x2="{x:.1f}" y2="{y + 40}"/>'
                         f'<path d="M{x - 6:.1f} {y + 2}h12l-6 8z"/><title>{escape(tip)}</title></g>')
        for point in pos.get("points") or []:
            span = parse_day(point.get("date"))
            if not span:
                continue
            tip = f"{title}: {point.get('stance')} on {point.get('date')}"
            target = slug("claim", point["claim"]) if point.get("claim") else slug("doc", point.get("doc"))
            cls = stance_class(point.get("stance"))
            parts.append(f'<a href="#{target}" data-jump="1"><circle class="pt stance {cls}" '
                         f'cx="{axis.x(span[0]):.1f}" cy="{y + 20}" r="7"><title>{escape(tip)}</title></circle></a>')
        y += ROW_H * 2
    parts.append("</svg>")
    return "".join(parts)


def quote_chains(quotes: Sequence[dict[str, Any]], docs: dict[str, dict[str, Any]]) -> Counter[tuple[str, ...]]:
    """Count each relay chain speaker -> via... -> outlet over the quotes.

    Args:
        quotes: bundle quotes.
        docs: bundle documents by id (for the outlet that published the quote).
    """
    chains: Counter[tuple[str, ...]] = Counter()
    for quote in quotes:
        doc = docs.get(str(quote.get("doc")), {})
        outlet = doc.get("outlet") or doc.get("source") or "unknown outlet"
        speaker = quote.get("speaker") or "unattributed"
        via = [str(v) for v in quote.get("via") or [] if v]
        chains[(str(speaker), *via, str(outlet))] += 1
    return chains


def sources_svg(chains: Counter[tuple[str, ...]], *, max_nodes: int = 20) -> str:
    """Layered graph of who relayed whom: speakers left, intermediaries in the middle, outlets right.

    Args:
        chains: from `quote_chains`.
        max_nodes: most boxes per column; the rarest names beyond it share one "N others" box.
    """
    if not chains:
        return '<p class="muted empty">No attributed quotes, so no relay chains to draw.</p>'
    depth = max(len(c) for c in chains) - 1

    def placed(chain: tuple[str, ...]) -> list[tuple[int, str]]:
        # speaker in the first column, outlet in the last, relays spread in between in order
        cols = [0] + [min(depth - 1, i) for i in range(1, len(chain) - 1)] + [depth]
        return list(zip(cols, chain, strict=True))

    totals: list[Counter[str]] = [Counter() for _ in range(depth + 1)]
    for chain, count in chains.items():
        for col, name in placed(chain):
            totals[col][name] += count
    rename: dict[tuple[int, str], str] = {}
    for col, seen in enumerate(totals):
        if len(seen) > max_nodes:
            rest = [n for n, _ in seen.most_common()[max_nodes - 1:]]
            rename.update({(col, n): f"{len(rest)} others" for n in rest})
    columns: list[dict[str, int]] = [defaultdict(int) for _ in range(depth + 1)]
    edges: Counter[tuple[tuple[int, str], tuple[int, str]]] = Counter()
    for chain, count in chains.items():
        nodes = [(col, rename.get((col, name), name)) for col, name in placed(chain)]
        for col, name in nodes:
            columns[col][name] += count
        for a, b in itertools.pairwise(nodes):
            edges[(a, b)] += count
    gap = ROW_H + 8
    height = max(len(c) for c in columns) * gap + 40
    col_w = (WIDTH - 40) / max(1, depth)
    node_w = min(200.0, col_w * 0.7)
    pos: dict[tuple[int, str], tuple[float, float]] = {}
    heads = ["Speakers"] + ["Relayed via"] * (depth - 1) + ["Outlets"]
    parts = [_svg_open(height, "Sources graph: who relayed whom", "chart sources")]
    for col, names in enumerate(columns):
        x = 20 + col * col_w - (node_w if col == depth else 0) - (node_w / 2 if 0 < col < depth else 0)
        parts.append(f'<text class="colhead" x="{x + node_w / 2:.1f}" y="16" text-anchor="middle">{heads[col]}</text>')
        for row, (name, _) in enumerate(sorted(names.items(), key=lambda kv: (-kv[1], kv[0]))):
            pos[(col, name)] = (x, 28.0 + row * gap)
    for (a, b), count in sorted(edges.items()):
        xa, ya = pos[a]
        xb, yb = pos[b]
        x0, y0, x1, y1 = xa + node_w, ya + ROW_H / 2.0, xb, yb + ROW_H / 2.0
        mid = (x0 + x1) / 2
        tip = f"{a[1]} → {b[1]}: {count} quote(s)"
        curve = f"M{x0:.1f} {y0:.1f}C{mid:.1f} {y0:.1f} {mid:.1f} {y1:.1f} {x1:.1f} {y1:.1f}"
        parts.append(f'<path class="edge" d="{curve}" '
                     f'stroke-width="{1.5 + 1.5 * math.log2(count):.1f}"><title>{escape(tip)}</title></path>')
    for (col, name), (x, y) in pos.items():
        kind = "speaker" if col == 0 else "outlet" if col == depth else "via"
        parts.append(f'<g class="node {kind}"><rect x="{x:.1f}" y="{y:.1f}" width="{node_w:.1f}" height="{ROW_H}" '
                     f'rx="4"/><text x="{x + 8:.1f}" y="{y + 16:.1f}">{escape(_short(name, int(node_w / 8)))}</text>'
                     f"<title>{escape(name)} ({columns[col][name]} quote(s))</title></g>")
    parts.append("</svg>")
    return "".join(parts)


MatrixCell = str  # "corroborates" | "contradicts" | "mixed" | "silent"


MatrixRow = tuple[dict[str, Any], dict[str, MatrixCell]]


def claim_matrix(claims: Sequence[dict[str, Any]], relations: Sequence[dict[str, Any]],
                 docs: dict[str, dict[str, Any]]) -> tuple[list[str], list[MatrixRow]]:
    """Claims x outlets: does each outlet corroborate, contradict or stay silent on each claim?

    Claims linked by relations form one row; the earliest claim is the row's reference, and each
    other claim's sign is found by walking the relations (contradicting a contradiction agrees).

    Args:
        claims: bundle claims.
        relations: bundle relations.
        docs: bundle documents by id.

    Returns:
        (outlets, rows), each row a reference claim and outlet -> cell.
    """
    by_id = {str(c.get("id")): c for c in claims}
    links: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for rel in relations:
        a, b = str(rel.get("a")), str(rel.get("b"))
        if a in by_id and b in by_id:
            sign = -1 if rel.get("kind") == "contradicts" else 1
            links[a].append((b, sign))
            links[b].append((a, sign))

    same: dict[str, list[str]] = defaultdict(list)
    for claim in claims:  # the same normalised statement twice is the same claim, corroborated
        key = " ".join(str(claim.get("statement") or "").lower().split())
        if key:
            same[key].append(str(claim.get("id")))
    for ids in same.values():
        for other in ids[1:]:
            links[ids[0]].append((other, 1))
            links[other].append((ids[0], 1))

    def outlet_of(claim: dict[str, Any]) -> str:
        doc = docs.get(str(claim.get("doc")), {})
        return str(doc.get("outlet") or doc.get("source") or "unknown outlet")

    def order(claim: dict[str, Any]) -> tuple[str, str]:
        doc = docs.get(str(claim.get("doc")), {})
        return (str((doc.get("published") or {}).get("value") or claim.get("date") or "9999"), str(claim.get("id")))

    outlets = sorted({outlet_of(c) for c in claims})
    rows: list[MatrixRow] = []
    seen: set[str] = set()
    for claim in sorted(claims, key=order):
        cid = str(claim.get("id"))
        if cid in seen:
            continue
        signs = {cid: 1}
        queue = [cid]
        while queue:
            cur = queue.pop()
            for nxt, sign in links[cur]:
                if nxt not in signs:
                    signs[nxt] = signs[cur] * sign
                    queue.append(nxt)
        seen.update(signs)
        cells: dict[str, MatrixCell] = {o: "silent" for o in outlets}
        for other, sign in signs.items():
            outlet = outlet_of(by_id[other])
            verdict = "corroborates" if sign > 0 else "contradicts"
            cells[outlet] = verdict if cells[outlet] in ("silent", verdict) else "mixed"
        rows.append((claim, cells))
    return outlets, rows
