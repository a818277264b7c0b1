"""A small learned filter over rule-based attributions: content boundaries and keep/drop.

For each statement the rules find, a few alternative content spans are proposed (the span as
found, cut before a trailing relative clause or aside, the first quotation alone, extended to the
sentence or paragraph end...). A model over binary text features scores each alternative: a
logistic model, or gradient-boosted trees (`TreeEnsemble`) when the shipped file holds them. The
best alternative replaces the span, and statements whose best score is under the model's threshold
are dropped. The model ships as ``data/attribution/model.json`` (trained by
``benchmarks/train_attribution.py``); without that file the rules' output is returned unchanged.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.records import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Where an indirect statement usually ends: a relative clause, an aside, a dash, a new sentence.
_CUT = re.compile(
    r",\s+(?:who|which|whom|whose|where|when|while|despite|referring|according|citing|adding|saying|as|"
    r"after|before|because|although|though|even|but|and|in|with|including|a|an|the)\b"
    r"|\s+[—–]\s+|\s+--\s+|\s+\(|;\s|\.\s+(?=[A-Z“\"])"
)
_CLOSE_THEN_TEXT = re.compile(r"(?<=\S)[”\"](?=\s*\S)|''(?=\s)")
_OPEN = re.compile(r"[“\"]|``|''")
_QUOTE_START = re.compile(r"(?:^|(?<=\s))(?:[“\"]|``|'')")
_SENT_END = re.compile(r"[.?!][”\"’']?(?=\s|$)")
_NEXT_WORD = re.compile(r"\s*([^\s\w]|\w+)")
_PREV_WORD = re.compile(r"([^\s\w]|\w+)\s*$")
#: Alternatives considered per statement, so the cost stays linear in the number of statements.
_MAX_CUTS = 4
#: Longest extension (characters) an alternative may add after a statement.
_MAX_EXTEND = 2000
_MIN_CHARS = 8
#: Keep threshold for statements relayed by a named outlet ("..., Reuters reported"): the chain
#: of sources is the point of attribution, so these are kept on weaker evidence.
_RELAYED = 0.2
#: Spans scored together by the trees (bounds the presence matrix: rows x features booleans).
_TREE_BLOCK = 512
#: Characters of context looked at around a span.
_CONTEXT = 40


@dataclass(frozen=True, slots=True, eq=False)
class TreeEnsemble:
    """Gradient-boosted decision trees over binary features, stored as flat node arrays.

    A node sends a row right when its feature is present and left otherwise; a leaf points to
    itself on both sides (its feature is the always-absent last column), so every row can take
    ``depth`` steps from its roots and end on a leaf.

    Args:
        columns: feature name -> column.
        baseline: raw score before any tree (log-odds).
        feature: per node, the column it tests.
        left: per node, the next node when the feature is absent.
        right: per node, the next node when it is present.
        value: per node, the raw score a leaf adds.
        roots: the first node of each tree.
        depth: the deepest leaf's depth.
    """

    columns: dict[str, int]
    baseline: float
    feature: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    roots: np.ndarray
    depth: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TreeEnsemble:
        """Build from the ``trees`` object of the shipped model file.

        Args:
            data: ``features`` (column names), ``baseline``, ``roots``, ``depth`` and per-node lists
                ``feature``, ``left``, ``right``, ``value``.
        """
        names = [str(f) for f in data["features"]]
        return cls(columns={f: i for i, f in enumerate(names)}, baseline=float(data["baseline"]),
                   feature=np.asarray(data["feature"], dtype=np.int64), left=np.asarray(data["left"], dtype=np.int64),
                   right=np.asarray(data["right"], dtype=np.int64), value=np.asarray(data["value"], dtype=np.float64),
                   roots=np.asarray(data["roots"], dtype=np.int64), depth=int(data["depth"]))

    def raw(self, rows: list[list[str]]) -> np.ndarray:
        """Raw scores (log-odds), one per row of feature names.

        Args:
            rows: binary feature names per row; names the trees never test are ignored.
        """
        out = np.empty(len(rows), dtype=np.float64)
        # In blocks, so a document with thousands of statements keeps the presence matrix small.
        for at in range(0, len(rows), _TREE_BLOCK):
            block = rows[at: at + _TREE_BLOCK]
            present = np.zeros((len(block), len(self.columns) + 1), dtype=bool)
            for i, feats in enumerate(block):
                present[i, [j for j in map(self.columns.get, feats) if j is not None]] = True
            node = np.repeat(self.roots[None, :], len(block), axis=0)
            row = np.arange(len(block))[:, None]
            for _ in range(self.depth):
                node = np.where(present[row, self.feature[node]], self.right[node], self.left[node])
            out[at: at + len(block)] = self.baseline + self.value[node].sum(axis=1)
        return out


@dataclass(frozen=True, slots=True)
class BoundaryModel:
    """Weights of the alternative-span scorer.

    Args:
        weights: feature name -> weight.
        bias: intercept.
        threshold: statements whose best alternative scores under this probability are dropped.
        belief_threshold: the same for opinion and evaluation statements ("X thinks...").
        quote_threshold: the same for quotations found next to a cue, a colon or a dash.
        short_threshold: the same for short objects and topics of a cue ("announced his
            resignation", "asked about the deal"), the least precise candidates.
        trees: boosted trees that score instead of ``weights`` and ``bias`` when given.
    """

    weights: dict[str, float]
    bias: float
    threshold: float
    belief_threshold: float = 0.5
    quote_threshold: float = 0.5
    short_threshold: float = 0.5
    trees: TreeEnsemble | None = None


def alternatives(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """Candidate content spans for a statement found at ``text[start:end]``, the original first.

    Args:
        text: the document text.
        start: start of the statement's content.
        end: end of the statement's content.
    """
    out = [("orig", start, end)]
    seg = text[start:end]
    cuts = 0
    for m in _CUT.finditer(seg):
        cut = start + m.start()
        if cut - start < _MIN_CHARS:
            continue
        word = m.group(0).strip(" ,")
        out.append(("cut:" + (word.split()[0].lower() if word else "."), start, cut))
        cuts += 1
        if cuts >= _MAX_CUTS:
            break
    closing = _CLOSE_THEN_TEXT.search(seg)
    if closing is not None and start + _MIN_CHARS < start + closing.end() < end - 3:
        out.append(("q1", start, start + closing.end()))
    opening = _OPEN.search(seg)
    if opening is not None and opening.start() > 0:
        out.append(("qstart", start + opening.start(), end))
    # '"X," she said. "Y."': the content is both quotations, which one span can only hold with the
    # attribution between them; the last quotation alone matches when it is the longer part.
    openings = [m.start() for m in _QUOTE_START.finditer(seg)]
    if len(openings) >= 2 and end - (start + openings[-1]) >= _MIN_CHARS:
        out.append(("qlast", start + openings[-1], end))
    nl = text.find("\n", end, end + _MAX_EXTEND)
    # No paragraph end near: extend no further than the bound (keeps huge paragraphs linear).
    nl = min(len(text), end + _MAX_EXTEND) if nl < 0 else nl
    stop_sent = _SENT_END.search(text, end, nl)
    if stop_sent is not None and stop_sent.start() > end:
        out.append(("ext_sent", start, stop_sent.start()))
    if nl > end + 2 and nl - end < _MAX_EXTEND:
        stop = nl
        while stop > end and text[stop - 1] in " .\t\r":
            stop -= 1
        if stop > end:
            out.append(("ext_para", start, stop))
    return out


def _len_bin(n: int) -> str:
    return str(min(12, int(math.log2(n + 1))))


def features(text: str, quote: Quote, kind: str, start: int, end: int, *,
             context: list[str] | None = None, parse: ParseView | None = None) -> list[str]:
    """Binary feature names for one alternative span of ``quote``.

    Args:
        text: the document text.
        quote: the statement as the rules found it.
        kind: the alternative's kind (see `alternatives`).
        start: the alternative's start.
        end: the alternative's end.
        context: binary features of the rule and cue that found the statement.
        parse: the document's parse; adds the span's syntactic shape (see `parse_features`).
    """
    cue = (quote.cue or "").lower().split()
    cue_word = cue[0] if cue else "<none>"
    seg = text[start:end]
    words = len(seg.split())
    lb = _len_bin(end - start)
    ratio = (end - start) / max(1, quote.end - quote.start)
    rb = "lt.5" if ratio < 0.5 else "lt.9" if ratio < 0.9 else "eq" if ratio <= 1.1 else "lt2" if ratio < 2 else "ge2"
    after = _NEXT_WORD.match(text, end, min(len(text), end + _CONTEXT))
    before = _PREV_WORD.search(text, max(0, start - _CONTEXT), start)
    nxt = after.group(1).lower() if after else "<end>"
    prv = before.group(1).lower() if before else "<start>"
    direct = "d" if quote.direct else "i"
    spk = "none" if not quote.speaker_span else "anon" if quote.anonymous else "named"
    cue_pos = "na"
    if quote.speaker_span:
        a = quote.speaker_span[0]
        cue_pos = "spk_before" if a < start else "spk_inside" if a < end else "spk_after"
    marks = sum(seg.count(c) for c in "“”\"") + seg.count("''")
    f = [
        "k=" + kind, f"k={kind}|{direct}", f"k={kind}|cue={cue_word}", f"k={kind}|len={lb}",
        f"k={kind}|r={rb}", "cue=" + cue_word, f"cue={cue_word}|{direct}", "cls=" + (quote.cue_class or "none"),
        "dir=" + direct, "len=" + lb, f"len={lb}|{direct}", "w=" + _len_bin(words), "spk=" + spk, "pos=" + cue_pos,
        f"pos={cue_pos}|k={kind}", "nxt=" + nxt, "prv=" + prv, f"nxt={nxt}|{direct}", f"prv={prv}|{direct}",
        "nl=" + str("\n" in seg), "marks=" + str(min(marks, 4)), f"marks={min(marks, 4)}|k={kind}",
        "hedged=" + str(quote.hedged), "via=" + str(bool(quote.via)),
        "q0=" + str(seg[:1] in "“\"'‘«"), "q1=" + str(seg[-1:] in "”\"'’»"),
        "that=" + str(prv == "that"), "upper0=" + str(seg[:1].isupper()),
    ]
    toks = seg.split()
    first = toks[0].lower().strip("“”\"'‘’,") if toks else "<none>"
    last = toks[-1][-1:] if toks else "<none>"
    gap = (start - quote.speaker_span[1]) if quote.speaker_span and quote.speaker_span[1] <= start else (
        quote.speaker_span[0] - end if quote.speaker_span and quote.speaker_span[0] >= end else -1)
    f.extend((f"fw={first}", f"fw={first}|{direct}", f"lw={last}", f"lw={last}|k={kind}",
              f"gap={_len_bin(gap) if gap >= 0 else 'in'}", f"gap={_len_bin(gap) if gap >= 0 else 'in'}|{direct}",
              f"saycue={bool(_SAY.search(seg))}|{direct}"))
    if kind != "orig":
        f.extend(_delta(text, quote, kind, start, end))
    if context:
        f.extend(context)
        rule = next((c for c in context if c.startswith("rule=") and "|" not in c), "rule=")
        f.extend((f"{rule}|k={kind}", f"{rule}|k={kind}|len={lb}", f"{rule}|len={lb}"))
    if parse is not None:
        f.extend(parse_features(parse, quote, kind, start, end))
    return f


class ParseView:
    """A parsed document with the token lookup by character offset that `parse_features` needs.

    Args:
        doc: the spaCy ``Doc`` whose text the statements point into.
    """

    __slots__ = ("doc", "starts")

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = [t.idx for t in doc]

    def tokens(self, start: int, end: int) -> tuple[int, int]:
        """Token range ``[i, j)`` of the tokens that overlap the characters ``[start, end)``."""
        i = max(0, bisect.bisect_right(self.starts, start) - 1)
        if i < len(self.doc) and self.doc[i].idx + len(self.doc[i]) <= start:
            i += 1
        return i, bisect.bisect_left(self.starts, end)


def parse_features(parse: ParseView, quote: Quote, kind: str, start: int, end: int) -> list[str]:
    """Syntactic shape of an alternative span: whether it is one constituent and ends a sentence.

    A well-chosen content span is usually one clause (one token whose head lies outside it),
    stays in one sentence and stops at a sentence end or a clause boundary; what an alternative
    adds or cuts is judged by the dependency that ties it to the rest.

    Args:
        parse: the document's parse.
        quote: the statement as the rules found it.
        kind: the alternative's kind.
        start: the alternative's start.
        end: the alternative's end.
    """
    doc = parse.doc
    i, j = parse.tokens(start, end)
    if j <= i:
        return ["p_empty"]
    roots = [k for k in range(i, j) if not i <= doc[k].head.i < j or doc[k].head.i == k]
    roots = [k for k in roots if not doc[k].is_punct] or roots
    n_roots = min(len(roots), 3)
    crossings = min(2, sum(1 for k in range(i + 1, j) if doc[k].is_sent_start))
    # Only closing punctuation (at most three tokens) may lie between the span and the next sentence.
    k = j
    while k < min(len(doc), j + 3) and (doc[k].is_punct or doc[k].is_space) and not (k > j and doc[k].is_sent_start):
        k += 1
    at_end = k >= len(doc) or bool(doc[k].is_sent_start)
    f = [f"pr={n_roots}", f"pr={n_roots}|k={kind}", f"prd={doc[roots[0]].dep_}|k={kind}",
         f"pxs={kind}|{crossings}", f"pend={kind}|{at_end}"]
    if kind == "orig" or (start, end) == (quote.start, quote.end):
        return f
    if start != quote.start:
        d_start, d_end = min(start, quote.start), max(start, quote.start)
    else:
        d_start, d_end = min(end, quote.end), max(end, quote.end)
    # The part both spans share decides whether the delta's head is "kept".
    kept_start, kept_end = (quote.start, quote.end) if end - start > quote.end - quote.start else (start, end)
    di, dj = bisect.bisect_left(parse.starts, d_start), bisect.bisect_left(parse.starts, d_end)
    tops = [k for k in range(di, dj)
            if not di <= doc[k].head.i < dj and not doc[k].is_punct and not doc[k].is_space]
    if not tops:
        f.append(f"pdh={kind}|none")
        return f

    def where(k: int) -> str:
        head = doc[k].head
        return "self" if head.i == k else "kept" if kept_start <= head.idx < kept_end else "out"

    top = doc[tops[0]]
    w = where(tops[0])
    f.extend((f"pdh={kind}|{top.dep_}|{w}", f"pdw={kind}|{w}", f"pdn={kind}|{min(len(tops), 3)}",
              f"pdhp={kind}|{top.dep_}|{top.head.pos_}|{w}",
              f"pdall={kind}|{'+'.join(sorted({where(k) for k in tops}))}"))
    return f


_SAY = re.compile(r"\b(?:said|says|say|told|tells|added|asked|wrote|according)\b", re.IGNORECASE)


def _delta(text: str, quote: Quote, kind: str, start: int, end: int) -> list[str]:
    """Features of the text an alternative adds to or removes from the original span."""
    if start != quote.start:
        delta = text[min(start, quote.start): max(start, quote.start)]
    else:
        delta = text[min(end, quote.end): max(end, quote.end)]
    grow = "add" if end - start > quote.end - quote.start else "cut"
    first = _NEXT_WORD.match(delta)
    fw = first.group(1).lower() if first else "<none>"
    words = delta.split()
    second = words[1].lower().strip(",.;:\"“”") if len(words) > 1 else "<none>"
    db = _len_bin(len(delta))
    cue = "cue" if _SAY.search(delta) else "nocue"
    # Two cues in the added text usually mean it takes in another speaker's statement.
    n_cues = min(2, len(_SAY.findall(delta)))
    qm = "q" if any(c in delta for c in "“”\"") else "noq"
    direct = "d" if quote.direct else "i"
    return [f"dl={kind}|{db}", f"dl={kind}|{db}|{direct}", f"dfw={kind}|{fw}", f"dsw={kind}|{second}",
            f"dfw2={kind}|{fw}|{second}", f"dcue={kind}|{cue}", f"dq={kind}|{qm}", f"dcq={kind}|{cue}|{qm}|{direct}",
            f"dnl={kind}|{chr(10) in delta}", f"g={grow}|{db}", f"dend={kind}|{delta.rstrip()[-1:]}",
            f"dncue={kind}|{n_cues}|{qm}|{direct}"]


def score(model: BoundaryModel, feats: list[str]) -> float:
    """Probability that a span with these features matches the annotated content.

    Args:
        model: the weights.
        feats: binary feature names.
    """
    return score_rows(model, [feats])[0]


def score_rows(model: BoundaryModel, rows: list[list[str]]) -> list[float]:
    """`score` for many spans at once (one pass through the trees).

    Args:
        model: the weights.
        rows: binary feature names per span.
    """
    if not rows:
        return []
    if model.trees is not None:
        z = np.clip(model.trees.raw(rows), -30.0, 30.0)
        return [float(p) for p in 1.0 / (1.0 + np.exp(-z))]
    out = []
    for feats in rows:
        v = model.bias + sum(model.weights.get(name, 0.0) for name in feats)
        out.append(1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, v)))))
    return out


@functools.lru_cache(maxsize=1)
def load_model() -> BoundaryModel | None:
    """The packaged model, loaded once per process (None when the file is absent)."""
    try:
        raw = resources.files("storyline").joinpath("data/attribution/model.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):  # not shipped: the rules' spans stand
        return None
    data = json.loads(raw)
    trees = TreeEnsemble.from_json(data["trees"]) if data.get("trees") else None
    return BoundaryModel(weights={str(k): float(v) for k, v in data["weights"].items()},
                         bias=float(data["bias"]), threshold=float(data["threshold"]),
                         belief_threshold=float(data.get("belief_threshold", data["threshold"])),
                         quote_threshold=float(data.get("quote_threshold", data["threshold"])),
                         short_threshold=float(data.get("short_threshold", data["threshold"])), trees=trees)


def refine(text: str, quotes: list[Quote], *, context: list[list[str]] | None = None,
           model: BoundaryModel | None = None, doc: Doc | None = None) -> list[Quote]:
    """Re-choose each statement's content span and drop unlikely statements.

    Args:
        text: the document text the quotes point into.
        quotes: statements from the rules, in document order.
        context: per statement, binary features of the rule and cue that found it.
        model: the weights (default: the packaged model; without one ``quotes`` is returned).
        doc: the parse of ``text``; the packaged model was trained with it, so pass it when known.
    """
    model = model if model is not None else load_model()
    if model is None:
        return quotes
    parse = ParseView(doc) if doc is not None and doc.text == text else None
    limits: list[float] = []
    spans: list[list[tuple[int, int]]] = []
    rows: list[list[str]] = []
    for n, q in enumerate(quotes):
        ctx = context[n] if context is not None and n < len(context) else []
        alts = alternatives(text, q.start, q.end)
        spans.append([(a, b) for _, a, b in alts])
        rows.extend(features(text, q, k, a, b, context=ctx, parse=parse) for k, a, b in alts)
        limits.append(min(threshold_for(model, ctx), _RELAYED) if q.via else threshold_for(model, ctx))
    probs = iter(score_rows(model, rows))
    ranked = [sorted(((next(probs), a, b) for a, b in alts), key=lambda x: -x[0]) for alts in spans]
    nestable = [nestable_statement(context[n]) if context is not None and n < len(context) else False
                for n in range(len(quotes))]
    out: list[Quote] = []
    for n, a, b in select_spans(ranked, thresholds=limits, nestable=nestable):
        q = quotes[n]
        out.append(q if (a, b) == (q.start, q.end) else dataclasses.replace(q, start=a, end=b, text=text[a:b]))
    out.sort(key=lambda q: q.start)
    return out


def nestable_statement(context: list[str]) -> bool:
    """Whether a statement with these rule features may hold another statement inside it.

    Args:
        context: the statement's rule and cue features.
    """
    return any(c in _NESTABLE for c in context)


def _nested(a: int, b: int, c: int, d: int) -> bool:
    """Whether one of two different spans lies inside the other."""
    return (a, b) != (c, d) and ((a <= c and d <= b) or (c <= a and b <= d))


_QUOTE_RULES = frozenset({"rule=direct", "rule=colon", "rule=orphan", "rule=talk"})
#: Rules whose statements may hold another one inside them ("X said Y, according to Z", "In a poll, X
#: said Y"); the rules module lets such candidates in, and `select` keeps both.
NESTABLE_RULES = frozenset({"according", "poll"})
_NESTABLE = frozenset(f"rule={r}" for r in NESTABLE_RULES)
#: Statements of opinion, evidence and hearsay, kept on their own threshold.
_BELIEF_RULES = frozenset({"rule=belief", "rule=poll", "rule=hearsay"})


def threshold_for(model: BoundaryModel, context: list[str]) -> float:
    """The keep threshold for a statement, by the rule that found it.

    Args:
        model: the weights and thresholds.
        context: the statement's rule and cue features.
    """
    if any(c in _BELIEF_RULES for c in context):
        return model.belief_threshold
    if any(c in _QUOTE_RULES for c in context):
        return model.quote_threshold
    if any(c.startswith("comp=short-") for c in context):
        return model.short_threshold
    return model.threshold


def select(best: list[tuple[float, int, int]], *, thresholds: list[float],
           nestable: list[bool] | None = None) -> list[int]:
    """Indices of the statements to keep: scored at least their threshold, most likely first, and
    not mostly overlapping a statement already kept (one passage is one statement).

    Args:
        best: per statement, (probability, start, end) of its best alternative.
        thresholds: per statement, the keep threshold.
        nestable: per statement, whether it may contain or sit inside a kept one ("X told Y
            that Z, according to W" holds two statements, one inside the other).
    """
    return [n for n, _, _ in select_spans([[b] for b in best], thresholds=thresholds, nestable=nestable)]


def select_spans(ranked: list[list[tuple[float, int, int]]], *, thresholds: list[float],
                 nestable: list[bool] | None = None) -> list[tuple[int, int, int]]:
    """The statements to keep and their spans, as (index, start, end) in document order.

    Statements are taken most likely first. One whose best span mostly overlaps a kept statement
    falls back to its next alternative that scores at least its threshold and stays clear (two
    cues in one sentence: "X said A - B, Y noted, C"); with none, it is dropped.

    Args:
        ranked: per statement, its alternatives as (probability, start, end), best first.
        thresholds: per statement, the keep threshold.
        nestable: per statement, whether it may contain or sit inside a kept one ("X told Y
            that Z, according to W" holds two statements, one inside the other).
    """
    kept: list[tuple[int, int, int]] = []
    spans: list[tuple[int, int]] = []
    for n in sorted(range(len(ranked)), key=lambda k: -ranked[k][0][0] if ranked[k] else 0.0):
        # Only the nestable statement itself may join a kept one it holds or sits in: the reverse,
        # tried on train, adds inner statements that are mostly not annotated.
        nest = nestable is not None and nestable[n]
        for p, a, b in ranked[n]:
            if p < thresholds[n]:
                break
            if any(min(b, d) - max(a, c) > 0.5 * min(b - a, d - c) and not (nest and _nested(a, b, c, d))
                   for c, d in spans):
                continue
            kept.append((n, a, b))
            spans.append((a, b))
            break
    return sorted(kept)


__all__ = ["BoundaryModel", "TreeEnsemble", "alternatives", "features", "load_model", "nestable_statement", "refine",
           "score", "score_rows", "select", "select_spans", "threshold_for"]
