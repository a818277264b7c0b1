"""Cross-document claim matching: which claims state the same proposition, and how they relate.

Candidates come from two places, so that neither misses what the other finds: embedding neighbours
(`storyline.ann.similar_pairs` over MiniLM vectors) and lexical blocks (claims sharing a main verb
and subject, or a number). Each candidate pair gets a "same proposition" score: cosine similarity
plus word overlap, shared numbers and agreement on predicate and subject (`proposition_score`).
Pairs above `MATCH_THRESHOLD` from different, independent documents are labelled:

- ``updates``: the same named actor, later, with the opposite polarity (a reversal);
- ``contradicts``: opposite polarity from different outlets about the same time;
- ``corroborates``: the same polarity from independent outlets (copies of one source never
  corroborate each other: documents in one duplicate group count as one source).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.ann import normalise, similar_pairs
from storyline.claims import Claim

RelationKind = str

#: Least `proposition_score` for two claims to be about the same proposition. Set on the demo corpus: it
#: is looser than paraphrase (benchmarks/bench_mrpc.py tunes about 1.05 for MRPC paraphrase) because
#: contradicting and updating claims word the proposition differently.
MATCH_THRESHOLD = 0.7
#: Least score for two claims to corroborate each other without sharing a number.
CORROBORATE_THRESHOLD = 0.85
#: Cosine similarity at which two claims match without sharing a verb, subject or number.
STRONG_COSINE = 0.55
#: Least cosine similarity for an embedding neighbour to become a candidate.
CANDIDATE_COSINE = 0.35
#: Least cosine similarity for a pair from a lexical block (shared verb and subject, or number).
BLOCK_COSINE = 0.1
#: Opposite claims further apart than this (days) are a change over time, not a contradiction.
CONTRADICTION_WINDOW_DAYS = 45
#: Lexical blocks larger than this are too common to be informative and are skipped.
MAX_BLOCK = 200

def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOP = _wordset(
    "a an the of to in on at for by with from and or but as is are was were be been being has have had it its "
    "this that these those he she they we i you his her their our my your who whom which what when where will "
    "would can could should may might must shall do does did not no never than then there here also about into "
    "over after before said says say told n't 's"
)
#: Verbs too general (or too personal: knowing, wanting) to identify a proposition by themselves.
_LIGHT_VERBS = _wordset("be have say do make go come take get tell add know think want see believe feel hope seem")
_PREPOSITION = re.compile(r"\s(?:of|from|in|at|on|for|with|who|which|that)\s")
_COMMITMENTS = frozenset({"ruled_out", "planned", "demanded"})
_WORD = re.compile(r"[a-z0-9]+")
_SMALL_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve"
_NUMBER_WORDS = {w: i for i, w in enumerate(_SMALL_NUMBERS.split()) if i >= 2}
_NUM = re.compile(r"\b\d[\d,.]*\b")
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True, slots=True)
class Relation:
    """How two claims from different documents relate.

    Args:
        kind: "corroborates", "contradicts" or "updates" (``b`` supersedes ``a``).
        a: id of the first (earlier) claim.
        b: id of the second claim.
        evidence: the two claim texts, then the outlets that carry them.
        explanation: one checkable sentence saying who reported what, when.
        score: the same-proposition score of the pair.
    """

    kind: RelationKind
    a: str
    b: str
    evidence: tuple[str, ...]
    explanation: str
    score: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form with the bundle's relation fields."""
        return {"kind": self.kind, "a": self.a, "b": self.b, "evidence": list(self.evidence),
                "explanation": self.explanation, "score": round(self.score, 3)}


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def keywords(text: str) -> frozenset[str]:
    """Content words of a text, lowercased and lightly stemmed.

    Args:
        text: any text.
    """
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


def numbers(text: str) -> frozenset[str]:
    """Numbers a text states, years left out (they date the claim rather than quantify it).

    Args:
        text: any text.
    """
    found = {m.group(0).rstrip(".,").replace(",", "") for m in _NUM.finditer(text)}
    found |= {str(_NUMBER_WORDS[w]) for w in _WORD.findall(text.lower()) if w in _NUMBER_WORDS}
    return frozenset(n for n in found if n and not _YEAR.fullmatch(n))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _head(phrase: str | None) -> str | None:
    """Rough head word of a noun phrase: its last content word before any preposition."""
    if not phrase:
        return None
    words = [w for w in _WORD.findall(_PREPOSITION.split(f" {phrase} ")[0].lower()) if w not in _STOP]
    return _stem(words[-1]) if words else None


def proposition_score(
    cosine: float,
    words_a: frozenset[str],
    words_b: frozenset[str],
    *,
    numbers_a: frozenset[str] = frozenset(),
    numbers_b: frozenset[str] = frozenset(),
    same_predicate: bool = False,
    same_subject: bool = False,
) -> float:
    """How strongly two sentences state the same proposition (higher is more).

    Args:
        cosine: cosine similarity of their embeddings.
        words_a: content words of the first (`keywords`).
        words_b: content words of the second.
        numbers_a: numbers of the first (`numbers`).
        numbers_b: numbers of the second.
        same_predicate: both have the same main verb (not a light verb such as "be" or "say").
        same_subject: both have the same subject head word.
    """
    score = cosine + 0.5 * _dice(words_a, words_b)
    if numbers_a & numbers_b:
        score += 0.15
    if same_predicate:
        score += 0.25
    if same_subject:
        score += 0.1
    return score


def _root(doc: str, duplicate_of: Mapping[str, str]) -> str:
    seen = {doc}
    while doc in duplicate_of and duplicate_of[doc] and duplicate_of[doc] not in seen:
        doc = duplicate_of[doc]
        seen.add(doc)
    return doc


def _outlet_key(outlet: str | None, doc_root: str) -> str:
    if not outlet:
        return f"doc:{doc_root}"
    value = re.sub(r"^the\s+", "", outlet.casefold().strip())
    value = re.sub(r"\.(com|net|org|co\.uk|news|info)$", "", value)
    return re.sub(r"[\W_]+", "", value)


def _same_actor(a: Claim, b: Claim) -> bool:
    if not a.actor or not b.actor:
        return False
    x, y = a.actor.casefold().split(), b.actor.casefold().split()
    return bool(x and y) and (x == y or x[-1] == y[-1])


def _opposite(a: Claim, b: Claim) -> bool:
    return a.polarity != b.polarity


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026") + "\u201d"


def _voice(c: Claim) -> str:
    if c.actor:
        return f"{c.actor}: "
    if c.attributed_to:
        return f"{c.attributed_to} (unnamed): "
    return ""


def _explain(kind: str, a: Claim, b: Claim, when_a: dt.date | None, when_b: dt.date | None,
             outlet_a: str | None, outlet_b: str | None) -> str:
    def side(c: Claim, when: dt.date | None, outlet: str | None) -> str:
        day = when.isoformat() if when else "undated"
        return f"{outlet or c.doc} ({day}) reports {_voice(c)}{_quote(c.text)}"

    verb = {"corroborates": "corroborated by", "contradicts": "contradicted by", "updates": "superseded by"}[kind]
    return f"{side(a, when_a, outlet_a)}; {verb} {side(b, when_b, outlet_b)}."


def _candidates(claims: Sequence[Claim], vecs: np.ndarray, *, k: int) -> dict[tuple[int, int], float]:
    """Candidate pairs (i < j) with their cosine similarity: embedding neighbours and lexical blocks."""
    ii, jj, ss = similar_pairs(vecs, threshold=CANDIDATE_COSINE, k=k)
    pairs: dict[tuple[int, int], float] = {
        (i, j): s for i, j, s in zip(ii.tolist(), jj.tolist(), ss.tolist(), strict=True)}
    blocks: dict[str, list[int]] = defaultdict(list)
    for idx, c in enumerate(claims):
        pred = c.predicate if c.predicate and c.predicate not in _LIGHT_VERBS else None
        subj = _head(c.subject)
        if pred and subj:
            blocks[f"ps:{pred}:{subj}"].append(idx)
        for n in numbers(c.text):
            blocks[f"n:{n}"].append(idx)
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        rows_of = np.asarray(sorted(set(members)))
        sims = vecs[rows_of] @ vecs[rows_of].T
        # Within a block a weaker embedding agreement is enough to be worth scoring.
        rows, cols = np.nonzero(np.triu(sims >= BLOCK_COSINE, k=1))
        for r, col in zip(rows.tolist(), cols.tolist(), strict=True):
            pairs.setdefault((int(rows_of[r]), int(rows_of[col])), float(sims[r, col]))
    return pairs


def match_claims(
    claims: Sequence[Claim],
    *,
    doc_dates: Mapping[str, dt.date | None],
    doc_outlets: Mapping[str, str | None],
    duplicate_of: Mapping[str, str],
    embeddings: np.ndarray | None = None,
    threshold: float = MATCH_THRESHOLD,
    k: int = 20,
) -> list[Relation]:
    """Relations between claims of different documents that state the same proposition.

    Args:
        claims: claims of all documents.
        doc_dates: publication date per document id (None when unknown).
        doc_outlets: outlet name per document id (None when unknown: the document is its own source).
        duplicate_of: document id -> id of the document it copies; a copy group counts as one source.
        embeddings: one row per claim (unit length); computed with `storyline.embed.embed` when None.
        threshold: least `proposition_score` for two claims to be about the same proposition.
        k: the most embedding neighbours considered per claim.
    """
    items = list(claims)
    if len(items) < 2:
        return []
    roots = [_root(c.doc, duplicate_of) for c in items]
    # A copy's claims that its source also carries word for word are the source's claims.
    source_texts = {(roots[i], " ".join(c.text.split()).casefold()) for i, c in enumerate(items) if c.doc == roots[i]}
    keep = [i for i, c in enumerate(items)
            if c.doc == roots[i] or (roots[i], " ".join(c.text.split()).casefold()) not in source_texts]
    items = [items[i] for i in keep]
    roots = [roots[i] for i in keep]
    if embeddings is None:
        from storyline.embed import embed

        vecs = embed([c.text for c in items])
    else:
        vecs = normalise(np.asarray(embeddings)[keep])
    words = [keywords(c.text) for c in items]
    nums = [numbers(c.text) for c in items]
    outlets = [_outlet_key(doc_outlets.get(c.doc), roots[i]) for i, c in enumerate(items)]
    preds = [c.predicate if c.predicate and c.predicate not in _LIGHT_VERBS else None for c in items]
    subjects = [_head(c.subject) for c in items]
    relations: list[Relation] = []
    for (i, j), cos in sorted(_candidates(items, vecs, k=k).items()):
        if roots[i] == roots[j]:
            continue
        a, b = items[i], items[j]
        same_pred = preds[i] is not None and preds[i] == preds[j]
        same_subj = subjects[i] is not None and subjects[i] == subjects[j]
        shared_num = bool(nums[i] & nums[j])
        # Topic overlap alone is not one proposition: ask for a shared verb, subject or number, or close
        # embeddings, before a pair becomes a relation.
        if not (same_pred or same_subj or shared_num or cos >= STRONG_COSINE):
            continue
        score = proposition_score(cos, words[i], words[j], numbers_a=nums[i], numbers_b=nums[j],
                                  same_predicate=same_pred, same_subject=same_subj)
        if score < threshold:
            continue
        rel = _label(a, b, score, doc_dates, doc_outlets, outlets[i], outlets[j])
        # A contradiction is a strong statement: it needs the same verb or subject on both sides.
        if rel is not None and rel.kind == "contradicts" and not (same_pred or same_subj):
            continue
        # Agreement is cheap (two texts on one topic agree on much): corroboration needs a closer
        # match unless both state the same figure.
        if rel is not None and rel.kind == "corroborates" and score < CORROBORATE_THRESHOLD and not shared_num:
            continue
        # Different figures (55 vs 40 cubic metres, two vs three officers) are not the same report.
        if rel is not None and rel.kind == "corroborates" and nums[i] and nums[j] and not shared_num:
            continue
        if rel is not None:
            relations.append(rel)
    relations.sort(key=lambda r: (-r.score, r.a, r.b))
    return relations


def _label(a: Claim, b: Claim, score: float, doc_dates: Mapping[str, dt.date | None],
           doc_outlets: Mapping[str, str | None], outlet_a: str, outlet_b: str) -> Relation | None:
    """The relation between two matching claims, earlier first, or None when they are not independent."""
    da, db = doc_dates.get(a.doc), doc_dates.get(b.doc)
    if da and db and db < da:
        a, b, da, db, outlet_a, outlet_b = b, a, db, da, outlet_b, outlet_a
    gap = abs((db - da).days) if da and db else None
    if _opposite(a, b):
        if _same_actor(a, b) and gap and {a.modality, b.modality} & _COMMITMENTS:
            kind = "updates"
        elif outlet_a != outlet_b and (gap is None or gap <= CONTRADICTION_WINDOW_DAYS):
            kind = "contradicts"
        else:
            return None
    elif outlet_a != outlet_b:
        kind = "corroborates"
    else:
        return None
    oa, ob = doc_outlets.get(a.doc), doc_outlets.get(b.doc)
    evidence = (a.text, b.text, *(o for o in (oa, ob) if o))
    return Relation(kind=kind, a=a.id, b=b.id, evidence=evidence,
                    explanation=_explain(kind, a, b, da, db, oa, ob), score=score)


def positions(
    claims: Sequence[Claim],
    relations: Sequence[Relation],
    *,
    doc_dates: Mapping[str, dt.date | None] | None = None,
) -> list[dict[str, object]]:
    """Each actor's stated positions on each topic over time, with the changes between them.

    A topic is a group of the actor's claims linked by relations (or one claim on its own when it
    is part of an ``updates`` relation or the actor made several claims linked to it). Only actors
    with at least one related claim are listed.

    Args:
        claims: all claims.
        relations: the relations `match_claims` found.
        doc_dates: publication date per document, used when a claim has no date of its own.
    """
    by_id = {c.id: c for c in claims}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for r in relations:
        if r.a in by_id and r.b in by_id:
            parent.setdefault(r.a, r.a)
            parent.setdefault(r.b, r.b)
            parent[find(r.a)] = find(r.b)
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for cid in parent:
        c = by_id[cid]
        if c.actor:
            groups[(c.actor, find(cid))].append(c)
    updates = [r for r in relations if r.kind == "updates"]
    dates = doc_dates or {}

    def when(c: Claim) -> str | None:
        day = dates.get(c.doc)
        return day.isoformat() if day else c.date

    out: list[dict[str, object]] = []
    for (actor, _), members in sorted(groups.items(), key=lambda kv: kv[0][0]):
        members.sort(key=lambda c: (when(c) or "", c.id))
        ids = {c.id for c in members}
        stance_of = {c.id: ("against" if c.polarity == "negated" else "for") for c in members}
        points = [{"date": when(c), "claim": c.id, "doc": c.doc, "stance": stance_of[c.id]} for c in members]
        changes = [{"from": r.a, "to": r.b, "date": when(by_id[r.b]), "explanation": r.explanation}
                   for r in updates if r.a in ids and r.b in ids]
        topic = min(members, key=lambda c: len(c.statement)).statement
        out.append({"actor": actor, "topic": topic, "points": points, "changes": changes})
    return out
