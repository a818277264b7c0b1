"""Report stage: one self-contained, offline HTML file from the bundle.

The page shows the stories (timeline, claims matrix, claims), the actors' positions, the sources
graph, quotes, entities and one card per document with its flags highlighted in the text. It
loads nothing from outside: CSS and JS from ``storyline/web`` are inlined and allowed by hash in
a Content-Security-Policy, so nothing else can run. Every value from the bundle is escaped (it
comes from untrusted articles), ids are reduced to safe slugs, and only http(s) links are made.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from storyline.export import atomic_write, build_bundle
from storyline.store import Store
from storyline.web import asset, page_csp
from storyline.web.charts import (
    claim_matrix,
    doc_interval,
    positions_svg,
    quote_chains,
    slug,
    sources_svg,
    timeline_svg,
)

StoryHref = Callable[[dict[str, Any]], str]

_CELL_TEXT = {"corroborates": "✔ corroborates", "contradicts": "✖ contradicts", "mixed": "± mixed",
              "silent": "· silent"}


def render_report(bundle: dict[str, Any], *, title: str = "Storyline report", story_href: StoryHref | None = None,
                  upload: bool = False, max_documents: int | None = None, subtitle: str | None = None) -> str:
    """Render the bundle as one HTML page.

    Args:
        bundle: the export bundle (see `storyline.export.build_bundle`); ``positions`` is optional.
        title: the page title.
        story_href: link for each story in the story list (default: its section on this page).
        upload: include the upload form (web app with uploads enabled).
        max_documents: draw at most this many document cards (large databases in the web app).
        subtitle: a line of trusted HTML under the title (the app's own links; never article text).
    """
    docs: list[dict[str, Any]] = list(bundle.get("documents") or [])
    by_id = {str(d["id"]): d for d in docs}
    quotes = list(bundle.get("quotes") or [])
    claims = list(bundle.get("claims") or [])
    relations = list(bundle.get("relations") or [])
    positions = list(bundle.get("positions") or [])
    entities = list(bundle.get("entities") or [])
    groups = _story_groups(bundle, by_id)
    body = [
        '<a class="skip" href="#main">Skip to content</a>',
        '<header class="top"><h1>', escape(title), "</h1>",
        f'<p class="muted small">{subtitle}</p>' if subtitle else "",
        f'<p class="muted small">{len(docs)} documents · {len(quotes)} quotes · {len(claims)} claims · '
        f"{len(relations)} relations · {len(bundle.get('stories') or [])} stories</p>",
        '<div class="searchbar" role="search"><label for="search">Search</label>'
        '<input id="search" type="search" placeholder="Filter documents, quotes, claims…" autocomplete="off">'
        '<span id="search-status" class="muted small" aria-live="polite"></span></div>',
        '<nav aria-label="Sections"><ul><li><a href="#stories">Stories</a></li>'
        '<li><a href="#positions">Positions</a></li>'
        '<li><a href="#sources">Sources</a></li><li><a href="#quotes">Quotes</a></li>'
        '<li><a href="#entities">Entities</a></li><li><a href="#documents">Documents</a></li></ul></nav></header>',
        '<main id="main">',
    ]
    if upload:
        body.append(_upload_form())
    body.append(_flag_summary(docs))
    body.append(_stories_section(groups, story_href))
    for group in groups:
        body.append(_story_section(group, by_id, claims, relations))
    body.append(_positions_section(positions))
    body.append(_sources_section(quotes, by_id))
    body.append(_quotes_section(quotes, by_id))
    body.append(_entities_section(entities))
    body.append(_documents_section(docs, by_id, quotes, max_documents))
    body.append("</main>")
    css, js = asset("report.css"), asset("report.js")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta http-equiv="Content-Security-Policy" content="{escape(page_csp(connect_self=upload))}">'
            '<meta name="referrer" content="no-referrer">'
            f"<title>{escape(title)}</title><style>{css}</style></head><body>"
            + "".join(body) + f"<script>{js}</script></body></html>\n")


def subset_bundle(bundle: dict[str, Any], story_id: str) -> dict[str, Any] | None:
    """The part of the bundle about one story (its documents, their quotes and claims), or None.

    Args:
        bundle: the export bundle.
        story_id: the story's id.
    """
    story = next((s for s in bundle.get("stories") or [] if str(s.get("id")) == story_id), None)
    if story is None:
        return None
    members = {str(d) for d in story.get("documents") or []}
    members |= {str(d["id"]) for d in bundle.get("documents") or [] if str(d.get("story")) == story_id}
    claims = [c for c in bundle.get("claims") or [] if str(c.get("doc")) in members]
    claim_ids = {str(c.get("id")) for c in claims}
    positions = []
    for pos in bundle.get("positions") or []:
        points = [p for p in pos.get("points") or []
                  if str(p.get("doc")) in members or str(p.get("claim")) in claim_ids]
        if points:
            positions.append({**pos, "points": points})
    return {
        **bundle,
        "documents": [d for d in bundle.get("documents") or [] if str(d["id"]) in members],
        "quotes": [q for q in bundle.get("quotes") or [] if str(q.get("doc")) in members],
        "claims": claims,
        "relations": [r for r in bundle.get("relations") or [] if str(r.get("a")) in claim_ids
                      or str(r.get("b")) in claim_ids],
        "stories": [story],
        "positions": positions,
    }


def write_report(db: str | os.PathLike[str], *, out: str | os.PathLike[str] = "report.html") -> Path:
    """Write the HTML report of the analysis in ``db``.

    Args:
        db: the database file.
        out: the HTML file to write.
    """
    with Store(Path(db), read_only=True) as store:
        store.require_complete()
        bundle = build_bundle(store)
    html = render_report(bundle)
    path = Path(out)
    atomic_write(path, lambda fh: fh.write(html))
    return path


# -- sections ---------------------------------------------------------------------------------

def _story_groups(bundle: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The stories, plus a group for documents in none (all documents while nothing is grouped)."""
    groups = []
    placed: set[str] = set()
    for story in bundle.get("stories") or []:
        members = [str(d) for d in story.get("documents") or [] if str(d) in by_id]
        members += [i for i, d in by_id.items() if str(d.get("story")) == str(story.get("id")) and i not in members]
        placed.update(members)
        groups.append({**story, "documents": members, "synthetic": False})
    rest = [i for i in by_id if i not in placed]
    if rest:
        name = "Documents in no story" if groups else "All documents (not yet grouped into stories)"
        groups.append({"id": "_unassigned", "title": name, "documents": rest, "start": None, "end": None,
                       "synthetic": True})
    return groups


def _flag_summary(docs: list[dict[str, Any]]) -> str:
    counts = Counter(str(f.get("kind")) for d in docs for f in d.get("flags") or [])
    if not counts:
        return ""
    return ('<p class="flags-summary">Flags: ' + " ".join(
        f'<span class="flag">{escape(k)}: {n}</span>' for k, n in sorted(counts.items())) + "</p>")


def _stories_section(groups: list[dict[str, Any]], story_href: StoryHref | None) -> str:
    out = ['<section id="stories" aria-labelledby="h-stories"><h2 id="h-stories">Stories</h2>']
    if not groups:
        out.append('<p class="muted">No documents yet.</p>')
    else:
        out.append("<ul>")
        for group in groups:
            href = (story_href(group) if story_href and not group["synthetic"]
                    else "#" + slug("story", group["id"]))
            dates = _range_text(group.get("start"), group.get("end"))
            out.append(f'<li><a href="{escape(href)}">{escape(str(group.get("title") or group["id"]))}</a> '
                       f'<span class="muted small">{escape(dates)}{len(group["documents"])} documents</span></li>')
        out.append("</ul>")
    out.append("</section>")
    return "".join(out)


def _range_text(start: object, end: object) -> str:
    if start or end:
        return f"{start or '…'} – {end or '…'}, "
    return ""


def _story_section(group: dict[str, Any], by_id: dict[str, dict[str, Any]], claims: list[dict[str, Any]],
                   relations: list[dict[str, Any]]) -> str:
    sid = slug("story", group["id"])
    members = set(group["documents"])
    docs = [by_id[d] for d in group["documents"]]
    story_claims = [c for c in claims if str(c.get("doc")) in members]
    ids = {str(c.get("id")) for c in story_claims}
    story_rel = [r for r in relations if str(r.get("a")) in ids or str(r.get("b")) in ids]
    name = escape(str(group.get("title") or group["id"]))
    out = [f'<section class="story" id="{sid}" aria-labelledby="{sid}-h"><h2 id="{sid}-h">{name}</h2>',
           f'<p class="muted">{escape(_range_text(group.get("start"), group.get("end")))}{len(docs)} documents, '
           f"{len(story_claims)} claims</p>",
           f'<h3>Timeline</h3><figure class="timeline-fig"><div class="scroll" tabindex="0">'
           f'{timeline_svg(docs, story_claims, label="Timeline of " + str(group.get("title") or group["id"]))}</div>'
           '<figcaption class="legend"><span><i class="sw doc"></i>published (stated date)</span>'
           '<span><i class="sw est"></i>estimated date interval</span><span><i class="sw pos"></i>claim affirmed</span>'
           '<span><i class="sw neg"></i>claim negated</span></figcaption></figure>',
           _matrix(story_claims, story_rel, by_id, sid),
           _claims_list(story_claims, story_rel, by_id),
           "</section>"]
    return "".join(out)


def _matrix(claims: list[dict[str, Any]], relations: list[dict[str, Any]], by_id: dict[str, dict[str, Any]],
            sid: str) -> str:
    out = [f'<h3 id="{sid}-matrix-h">Claims matrix</h3><div class="scroll matrix-wrap" tabindex="0">']
    if not claims:
        out.append('<p class="muted empty">No claims extracted for this story yet, so no outlet can corroborate or '
                   "contradict one.</p></div>")
        return "".join(out)
    outlets, rows = claim_matrix(claims, relations, by_id)
    out.append(f'<table class="matrix" aria-labelledby="{sid}-matrix-h"><thead><tr><th scope="col">Claim</th>')
    out.extend(f'<th scope="col">{escape(o)}</th>' for o in outlets)
    out.append("</tr></thead><tbody>")
    for claim, cells in rows:
        label = claim.get("statement") or claim.get("text") or claim.get("id")
        out.append(f'<tr><th scope="row"><a href="#{slug("claim", claim.get("id"))}" data-jump="1">'
                   f'{escape(str(label))}</a> <span class="muted small">{escape(str(claim.get("actor") or ""))}'
                   "</span></th>")
        out.extend(f'<td class="cell {cells[o]}">{_CELL_TEXT[cells[o]]}</td>' for o in outlets)
        out.append("</tr>")
    out.append("</tbody></table></div>")
    return "".join(out)


def _claims_list(claims: list[dict[str, Any]], relations: list[dict[str, Any]],
                 by_id: dict[str, dict[str, Any]]) -> str:
    if not claims:
        return ""
    related: dict[str, list[tuple[dict[str, Any], str]]] = {}
    for rel in relations:
        related.setdefault(str(rel.get("a")), []).append((rel, str(rel.get("b"))))
        related.setdefault(str(rel.get("b")), []).append((rel, str(rel.get("a"))))
    out = ['<h3>Claims</h3><div class="claims">']
    for claim in claims:
        cid = str(claim.get("id"))
        doc = by_id.get(str(claim.get("doc")), {})
        meta = [str(claim.get(k)) for k in ("polarity", "modality") if claim.get(k)]
        if claim.get("date"):
            meta.append(f"dated {claim['date']}")
        if claim.get("attributed_to"):
            meta.append(f"attributed to {claim['attributed_to']}")
        if claim.get("via"):
            meta.append("via " + " → ".join(str(v) for v in claim["via"]))
        out.append(f'<div class="claim" id="{slug("claim", cid)}" tabindex="-1" data-searchable="1">'
                   f'<strong>{escape(str(claim.get("actor") or "unattributed"))}</strong>: '
                   f'{escape(str(claim.get("statement") or claim.get("text") or ""))}'
                   f'<div class="muted small">“{escape(str(claim.get("text") or ""))}” — '
                   f'<a href="#{slug("doc", claim.get("doc"))}" data-jump="1">'
                   f'{escape(str(doc.get("outlet") or doc.get("title") or claim.get("doc")))}</a>'
                   f'{" · " + escape(" · ".join(meta)) if meta else ""}</div>')
        rels = related.get(cid, [])
        if rels:
            out.append('<ul class="small">')
            for rel, other in rels:
                note = f" — {rel['explanation']}" if rel.get("explanation") else ""
                evidence = "; ".join(str(e) for e in rel.get("evidence") or [])
                out.append(f'<li>{escape(str(rel.get("kind")))} <a href="#{slug("claim", other)}" data-jump="1">'
                           f"{escape(other)}</a>{escape(note)}"
                           f'{" <span class=muted>(" + escape(evidence) + ")</span>" if evidence else ""}</li>')
            out.append("</ul>")
        out.append("</div>")
    out.append("</div>")
    return "".join(out)


def _positions_section(positions: list[dict[str, Any]]) -> str:
    out = ['<section id="positions" aria-labelledby="h-positions"><h2 id="h-positions">Positions of each actor</h2>']
    if not positions:
        out.append('<p class="muted empty">No actor positions tracked yet.</p></section>')
        return "".join(out)
    out.append(f'<figure><div class="scroll" tabindex="0">{positions_svg(positions)}</div>'
               '<figcaption class="legend"><span><i class="sw pro"></i>supports</span>'
               '<span><i class="sw con"></i>opposes</span><span><i class="sw neutral"></i>other</span>'
               '<span><i class="sw change"></i>change point</span></figcaption></figure><ul>')
    for pos in positions:
        changes = pos.get("changes") or []
        out.append(f'<li data-searchable="1"><strong>{escape(str(pos.get("actor") or "unknown"))}</strong> on '
                   f'{escape(str(pos.get("topic") or "?"))}: {len(pos.get("points") or [])} dated statements')
        if changes:
            out.append("<ul>")
            for ch in changes:
                out.append(f"<li>{escape(str(ch.get('date') or 'undated'))}: {escape(str(ch.get('from')))} → "
                           f"{escape(str(ch.get('to')))}"
                           f"{(' — ' + escape(str(ch['explanation']))) if ch.get('explanation') else ''}</li>")
            out.append("</ul>")
        out.append("</li>")
    out.append("</ul></section>")
    return "".join(out)


def _sources_section(quotes: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> str:
    chains = quote_chains(quotes, by_id)
    out = ['<section id="sources" aria-labelledby="h-sources"><h2 id="h-sources">Sources: who relayed whom</h2>',
           f'<figure><div class="scroll" tabindex="0">{sources_svg(chains)}</div>']
    if chains:
        out.append('<figcaption>Each quote runs from its speaker through the outlets or agencies it was relayed '
                   "via to the outlet that published it; thicker lines carry more quotes.</figcaption>")
    out.append("</figure>")
    if chains:
        out.append('<details><summary>Relay chains as a list</summary><ul class="chain">')
        for chain, count in chains.most_common():
            out.append(f"<li>{escape(' → '.join(chain))} <span class='muted'>({count})</span></li>")
        out.append("</ul></details>")
    out.append("</section>")
    return "".join(out)


def _quotes_section(quotes: list[dict[str, Any]], by_id: dict[str, dict[str, Any]]) -> str:
    out = ['<section id="quotes" aria-labelledby="h-quotes"><h2 id="h-quotes">Quotes</h2>']
    if not quotes:
        out.append('<p class="muted empty">No quotes extracted yet.</p>')
    for quote in quotes:
        doc = by_id.get(str(quote.get("doc")), {})
        via = " via " + " → ".join(str(v) for v in quote["via"]) if quote.get("via") else ""
        out.append(f'<div class="quote" id="{slug("quote", quote.get("id"))}" data-searchable="1">'
                   f'<strong>{escape(str(quote.get("speaker") or "unattributed"))}</strong>'
                   f'{escape(" (" + str(quote["cue"]) + ")") if quote.get("cue") else ""}{escape(via)}'
                   f"<blockquote>{escape(str(quote.get('text') or ''))}</blockquote>"
                   f'<span class="muted small">in <a href="#{slug("doc", quote.get("doc"))}" data-jump="1">'
                   f'{escape(str(doc.get("outlet") or doc.get("title") or quote.get("doc")))}</a></span></div>')
    out.append("</section>")
    return "".join(out)


def _entities_section(entities: list[dict[str, Any]]) -> str:
    out = ['<section id="entities" aria-labelledby="h-entities"><h2 id="h-entities">Entities</h2>']
    if not entities:
        out.append('<p class="muted empty">No entities resolved yet.</p></section>')
        return "".join(out)
    out.append('<div class="scroll" tabindex="0"><table><thead><tr><th scope="col">Name</th><th scope="col">Kind</th>'
               '<th scope="col">Also called</th></tr></thead><tbody>')
    for ent in entities:
        out.append(f'<tr data-searchable="1"><td>{escape(str(ent.get("name")))}</td>'
                   f'<td>{escape(str(ent.get("kind") or ""))}</td>'
                   f'<td>{escape(", ".join(str(a) for a in ent.get("aliases") or []))}</td></tr>')
    out.append("</tbody></table></div></section>")
    return "".join(out)


def _documents_section(docs: list[dict[str, Any]], by_id: dict[str, dict[str, Any]], quotes: list[dict[str, Any]],
                       max_documents: int | None) -> str:
    per_doc = Counter(str(q.get("doc")) for q in quotes)
    ordered = sorted(docs, key=lambda d: (str((d.get("published") or {}).get("value") or "9999"), str(d["id"])))
    shown = ordered if max_documents is None else ordered[:max_documents]
    out = ['<section id="documents" aria-labelledby="h-documents"><h2 id="h-documents">Documents</h2>']
    if len(shown) < len(ordered):
        out.append(f'<p class="muted">Showing {len(shown)} of {len(ordered)} documents; use the API '
                   "(<code>/api/documents</code>) or a story page for the rest.</p>")
    out.extend(_document_card(d, by_id, per_doc[str(d["id"])]) for d in shown)
    out.append("</section>")
    return "".join(out)


def _date_text(doc: dict[str, Any]) -> str:
    lo, hi, exact = doc_interval(doc)
    basis = (doc.get("published") or {}).get("basis") or "unknown"
    if exact and lo:
        return f"{lo.isoformat()} ({basis})"
    if lo or hi:
        return f"between {lo.isoformat() if lo else '…'} and {hi.isoformat() if hi else '…'} ({basis})"
    return "date unknown"


def _safe_url(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _document_card(doc: dict[str, Any], by_id: dict[str, dict[str, Any]], n_quotes: int) -> str:
    did = slug("doc", doc["id"])
    text = str(doc.get("text") or "")
    flags = list(doc.get("flags") or [])
    marks, targets = _flag_marks(did, text, flags)
    meta = [str(doc.get("outlet") or "unknown outlet")]
    if doc.get("author"):
        meta.append(f"by {doc['author']}")
    meta += [_date_text(doc), str(doc.get("source") or "")]
    out = [f'<article class="card" id="{did}" tabindex="-1" data-searchable="1" aria-labelledby="{did}-h">'
           f'<h3 id="{did}-h">{escape(str(doc.get("title") or doc.get("source") or doc["id"]))}</h3>'
           f'<p class="muted small">{escape(" · ".join(meta))}']
    url = _safe_url(doc.get("url"))
    if url:
        out.append(f' · <a href="{escape(url)}" rel="noopener noreferrer nofollow">original</a>')
    elif doc.get("url"):
        out.append(f" · {escape(str(doc['url']))}")
    out.append("</p>")
    if doc.get("duplicate_of"):
        original = by_id.get(str(doc["duplicate_of"]), {})
        out.append(f'<p>Copy of <a href="#{slug("doc", doc["duplicate_of"])}" data-jump="1">'
                   f'{escape(str(original.get("title") or doc["duplicate_of"]))}</a></p>')
    if flags:
        out.append('<p class="flags">')
        for i, flag in enumerate(flags):
            score = flag.get("score")
            score_text = f" {score:.2f}" if isinstance(score, int | float) else ""
            out.append(f'<a class="flag" href="#{targets[i]}" data-jump="1" '
                       f'aria-label="Show evidence for flag {escape(str(flag.get("kind")))}">'
                       f'{escape(str(flag.get("kind")))}{score_text}</a>')
        out.append('</p><ul class="evidence small">')
        for i, flag in enumerate(flags):
            evidence = "; ".join(str(e) for e in flag.get("evidence") or []) or "no evidence given"
            out.append(f'<li><strong>{escape(str(flag.get("kind")))}</strong>: '
                       f'<mark id="{did}-ev{i}" tabindex="-1">{escape(evidence)}</mark></li>')
        out.append("</ul>")
    words = len(text.split())
    quotes_note = f", {n_quotes} quotes" if n_quotes else ""
    out.append(f"<details><summary>Text ({words} words{quotes_note}{', flagged passages marked' if marks else ''})"
               f'</summary><pre class="text">{_highlight(text, marks)}</pre></details>')
    removed = [str(x) for x in doc.get("removed") or []]
    if removed:
        out.append(f"<details><summary>{len(removed)} boilerplate lines removed</summary><ul class='small'>"
                   + "".join(f"<li>{escape(line)}</li>" for line in removed) + "</ul></details>")
    out.append("</article>")
    return "".join(out)


def _flag_marks(did: str, text: str, flags: list[dict[str, Any]]) -> tuple[list[tuple[int, int, str, str]], list[str]]:
    """Spans to mark in the text (start, end, kind, id) and, per flag, the id its link jumps to.

    A flag's spans are used when given; else an evidence string found verbatim in the text;
    else the link goes to the flag's evidence line.
    """
    marks: list[tuple[int, int, str, str]] = []
    targets: list[str] = []
    for i, flag in enumerate(flags):
        spans: list[tuple[int, int]] = []
        for span in flag.get("spans") or []:
            if (isinstance(span, list | tuple) and len(span) == 2 and all(isinstance(v, int) for v in span)
                    and 0 <= span[0] < span[1] <= len(text)):
                spans.append((span[0], span[1]))
        if not spans:
            for ev in flag.get("evidence") or []:
                ev = str(ev).strip()
                at = text.find(ev) if len(ev) >= 8 else -1
                if at >= 0:
                    spans.append((at, at + len(ev)))
                    break
        first = f"{did}-f{i}"
        for n, (start, end) in enumerate(sorted(spans)):
            marks.append((start, end, str(flag.get("kind")), first if n == 0 else ""))
        targets.append(first if spans else f"{did}-ev{i}")
    marks.sort()
    kept: list[tuple[int, int, str, str]] = []
    for mark in marks:  # overlapping passages: keep the earlier one, merge the ids so links still land
        if kept and mark[0] < kept[-1][1]:
            if mark[3] and not kept[-1][3]:
                kept[-1] = (*kept[-1][:3], mark[3])
            elif mark[3]:
                targets[:] = [kept[-1][3] if t == mark[3] else t for t in targets]
            continue
        kept.append(mark)
    return kept, targets


def _highlight(text: str, marks: list[tuple[int, int, str, str]]) -> str:
    out, pos = [], 0
    for start, end, kind, mark_id in marks:
        out.append(escape(text[pos:start]))
        ident = f' id="{mark_id}" tabindex="-1"' if mark_id else ""
        out.append(f'<mark{ident} title="{escape(kind)}">{escape(text[start:end])}</mark>')
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def _upload_form() -> str:
    return ('<section id="add" aria-labelledby="h-add"><h2 id="h-add">Add a document</h2>'
            '<form id="upload" class="upload"><label>Article file (.html, .txt, .md, .json, .jsonl) '
            '<input name="file" type="file" required></label>'
            '<label>Access token <input name="token" type="password" autocomplete="off" required></label>'
            '<button type="submit">Upload and analyse</button>'
            '<p id="upload-status" class="muted" aria-live="polite"></p></form></section>')
