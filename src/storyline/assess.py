"""Per-document assessments: flags with a score, evidence strings and spans into the text.

Pure compute functions; the pipeline decides when to run them. Each returns ``list[Flag]`` (empty
when the analysis does not believe the flag holds). Thresholds and how they were calibrated are in
``docs/FLAGS.md``.

- `headline_contradicts_body`: the body undoes the headline's main event (see `assess_headline`).
- `editorializing`: the author's own sentences (quotations left out) read as loaded or opinionated.
- `weak_sourcing`: statements rest on anonymous sources, third-hand relays, or no attribution at all.
- `derivative_pairs`: documents most of whose sentences paraphrase an earlier document.
- `factual_inconsistency`: offices the KB says a person did not hold then (see `assess_roles`).
- `outlet_profiles`: per-outlet summaries of flags, sourcing, corroboration and copying.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from functools import lru_cache
from typing import Any

from storyline.assess_headline import headline_contradicts_body
from storyline.assess_roles import factual_inconsistency
from storyline.assess_text import Sentence, authorial, quoted_regions, sentences, words
from storyline.records import Flag, Quote

__all__ = [
    "assess_document",
    "derivative_pairs",
    "editorializing",
    "factual_inconsistency",
    "headline_contradicts_body",
    "opinion_label",
    "outlet_profiles",
    "paraphrase_sentences",
    "sentence_vectors",
    "weak_sourcing",
]

#: A sentence editorialises when the editorial model gives it at least this probability.
SENTENCE_THRESHOLD = 0.5
#: Document score (below) at which editorializing is flagged.
EDITORIAL_THRESHOLD = 0.35
#: Sentences with fewer words in the author's own voice are not scored (datelines, "he said.").
MIN_AUTHORIAL_WORDS = 5
#: Evidence sentences reported at most, and the least probability a reported sentence has.
MAX_EVIDENCE = 10
EVIDENCE_MIN = 0.4

# A line that labels the piece as opinion: a section label, a breadcrumb or a headline prefix.
_LABELS = r"opinion|analysis|commentary|comment|editorial|op-ed|column|columnists?|viewpoint|perspective|essay"
_LABEL_LINE = re.compile(rf"^\s*(?:{_LABELS})\s*[:|]?\s*$", re.IGNORECASE)
_LABEL_PREFIX = re.compile(rf"^\s*(?:{_LABELS})\s*[:|\-–—]\s+\S", re.IGNORECASE)
_CRUMB = re.compile(rf"(?:^|[>›/»|])\s*(?:{_LABELS})\s*(?:[>›/»|]|$)", re.IGNORECASE)
# Columnist sign-offs and disclaimers that only opinion pieces carry.
_DISCLAIMER = re.compile(
    r"\b(?:views (?:expressed )?(?:here |in this (?:article|piece|column) )?are (?:the author's|those of the author|"
    r"(?:his|her|their) own)|is a (?:contributing |guest |regular )?(?:columnist|opinion writer)|"
    r"this is an opinion (?:piece|column))",
    re.IGNORECASE,
)
_URL_SECTION = re.compile(rf"/(?:{_LABELS}|opinions|commentisfree|editorials)/", re.IGNORECASE)


def opinion_label(
    *, title: str | None = None, text: str = "", removed: Sequence[str] = (), url: str | None = None
) -> str | None:
    """The line that labels a piece as opinion or analysis ("OPINION", "Home > Opinion"), or None.

    Args:
        title: the headline.
        text: the cleaned body (its first lines are checked).
        removed: boilerplate lines cleaning dropped (labels usually end up there).
        url: the article URL (an /opinion/ section).
    """
    lines = [ln.strip() for ln in (*removed, *text.splitlines()[:3])]
    short = [ln for ln in lines if len(ln) <= 40]
    for line in short:  # an exact label line ("OPINION") is the clearest
        if _LABEL_LINE.match(line):
            return line
    for line in short:
        if _CRUMB.search(line) and re.search(r"[>›/»|]", line):
            return line
    if title and _LABEL_PREFIX.match(title):
        return title
    if url and _URL_SECTION.search(url):
        return url
    for line in [*text.splitlines()[-4:], *removed]:
        m = _DISCLAIMER.search(line)
        if m:
            return line.strip()[:160]
    return None


def _authorial_sentences(text: str) -> list[tuple[Sentence, str]]:
    """Each sentence long enough to score, with its own words (long quotations cut out)."""
    regions = quoted_regions(text)
    sents = [(s, authorial(s, regions)) for s in sentences(text)]
    return [(s, own) for s, own in sents if len(words(own)) >= MIN_AUTHORIAL_WORDS]


def editorial_inputs(texts: Iterable[str]) -> list[str]:
    """The sentences `editorializing` would score for each text, all together.

    A batch embeds them in one call before its documents are assessed one by one: one sorted
    batch of a few hundred sentences pads far less than one short batch per document.

    Args:
        texts: cleaned bodies.
    """
    return [own for text in texts for _, own in _authorial_sentences(text)]


def editorializing(
    text: str,
    *,
    title: str | None = None,
    removed: Sequence[str] = (),
    url: str | None = None,
    threshold: float = EDITORIAL_THRESHOLD,
) -> list[Flag]:
    """Flag a text whose author editorialises (``editorializing``), or return [].

    Only the author's own voice is scored: long quotations are cut out first, since a news report
    quoting an angry mayor is not itself editorialising. The document score mixes the share of
    sentences the model finds editorialising with the mean of the three worst; an opinion label
    ("OPINION", "Analysis") raises it and is reported as evidence.

    Args:
        text: the cleaned body.
        title: the headline.
        removed: boilerplate lines dropped by cleaning (to find opinion labels).
        url: the article URL (to find opinion sections).
        threshold: document score at which the flag is raised.
    """
    from storyline.editorial import editorial_score_batch

    sents = _authorial_sentences(text)
    if not sents:
        return []
    scores = editorial_score_batch([own for _, own in sents])
    score, share, top = document_editorial_score(scores)
    label = opinion_label(title=title, text=text, removed=removed, url=url)
    if label:
        score = min(1.0, score + 0.15)
    if score < threshold:
        return []
    worst = sorted(zip(scores, sents, strict=True), key=lambda x: -x[0])
    picked = [(p, s) for p, (s, _) in worst if p >= EVIDENCE_MIN][:MAX_EVIDENCE]
    picked.sort(key=lambda x: x[1].start)
    evidence = [s.text for _, s in picked]
    evidence.append(f"{share:.0%} of {len(scores)} sentences in the author's voice editorialise; "
                    f"worst three average {top:.2f}")
    if label:
        evidence.append(f"labelled as opinion: {label}")
    return [Flag(kind="editorializing", score=round(score, 3), evidence=evidence,
                 spans=[(s.start, s.end) for _, s in picked])]


def document_editorial_score(scores: Sequence[float]) -> tuple[float, float, float]:
    """(document score, share of editorialising sentences, mean of the three worst) from sentence scores.

    The score is 0.5 when about a fifth of the sentences editorialise and the worst read as clearly
    loaded; a share alone (many mild sentences) or one outburst alone stays below it.

    Args:
        scores: editorial probabilities of the author's sentences.
    """
    if not scores:
        return 0.0, 0.0, 0.0
    share = sum(p >= SENTENCE_THRESHOLD for p in scores) / len(scores)
    top = sorted(scores, reverse=True)[:3]
    top_mean = sum(top) / len(top)
    score = min(1.0, 0.5 * min(1.0, share / 0.4) + 0.5 * max(0.0, (top_mean - 0.3) / 0.5))
    return score, share, top_mean


# Unnamed-source wording, for quotes the extractor did not mark anonymous ("one of the officials").
_ANON_SPEAKER = re.compile(
    r"^(?:an?|the|one|two|three|four|several|some|many|other|same|senior|\d+|of|\s)*\b"
    r"(?:officials?|sources?|diplomats?|persons?|people|insiders?|aides?|advisers?|advisors?|"
    r"observers?|analysts?|individuals?|residents?|officers?|staffers?)\b",
    re.IGNORECASE,
)
_NON_STATEMENT = re.compile(r"\b(declined to comment|did not respond|could not be reached|no comment)\b", re.I)
#: Weak sourcing is flagged at this score.
SOURCING_THRESHOLD = 0.5
#: At least this many statements before anonymous sourcing can be judged.
MIN_SOURCED = 3


def _is_anonymous(q: Quote, text: str) -> bool:
    if q.anonymous:
        return True
    span = text[q.speaker_span[0] : q.speaker_span[1]] if q.speaker_span else (q.speaker or "")
    return bool(span) and not re.search(r"\b[A-Z][a-z]+\b", span[1:]) and bool(_ANON_SPEAKER.match(span))


def _speaker_evidence(q: Quote, text: str) -> tuple[int, int] | None:
    if not q.speaker_span:
        return None
    a, b = q.speaker_span
    before = text[max(0, a - 16) : a]
    m = re.search(r"(according to|citing)\s+$", before, re.IGNORECASE)
    return (a - len(before) + m.start(), b) if m else (a, b)


def weak_sourcing(
    text: str, quotes: Sequence[Quote], *, claims_count: int | None = None, threshold: float = SOURCING_THRESHOLD
) -> list[Flag]:
    """Flag a text whose statements rest on weak sources (``weak_sourcing``), or return [].

    Three signals, the strongest wins: most sourced statements come from unnamed sources; statements
    are relayed at second remove or more (``via`` chains of two or more); a long report attributes
    nothing at all.

    Args:
        text: the cleaned body.
        quotes: the attributed statements found in it (`storyline.extract_quotes`).
        claims_count: number of claims found in the text, when known (for the no-attribution signal).
        threshold: score at which the flag is raised.
    """
    sourced = [q for q in quotes if not _NON_STATEMENT.search(f"{q.cue or ''} {q.text}")]
    anon = [q for q in sourced if _is_anonymous(q, text)]
    relayed = [q for q in sourced if len(q.via) >= 2]
    n_sent = len(sentences(text))
    signals: list[tuple[float, str]] = []
    if len(sourced) >= MIN_SOURCED and anon:
        share = len(anon) / len(sourced)
        # 0.5 at two thirds anonymous, 1.0 when every statement is anonymous.
        signals.append((max(0.0, min(1.0, (share - 1 / 3) / (2 / 3))),
                        f"{len(anon)} of {len(sourced)} sourced statements come from unnamed sources"))
    if relayed:
        signals.append((min(1.0, 0.35 * len(relayed)),
                        f"{len(relayed)} statements relayed at second remove or more"))
    n_claims = claims_count if claims_count is not None else n_sent
    if not quotes and n_claims >= 10:
        signals.append((0.6, f"no statement in {n_claims} {'claims' if claims_count is not None else 'sentences'} "
                             "is attributed to a source"))
    if not signals:
        return []
    score = max(s for s, _ in signals)
    if score < threshold:
        return []
    spans: list[tuple[int, int]] = []
    evidence: list[str] = []
    for q in [*anon, *relayed]:
        span = _speaker_evidence(q, text)
        if span and span not in spans:
            spans.append(span)
            evidence.append(text[span[0] : span[1]] + (f" (via {' <- '.join(q.via)})" if len(q.via) >= 2 else ""))
    evidence += [reason for s, reason in signals if s > 0]
    return [Flag(kind="weak_sourcing", score=round(score, 3), evidence=evidence, spans=spans)]


#: A sentence is a paraphrase of another when their MiniLM cosine reaches this.
PARAPHRASE_COSINE = 0.8
#: A document is derivative when at least this share of its sentences paraphrase one earlier document.
DERIVATIVE_SHARE = 0.6
#: Document pairs whose mean sentence vectors are less similar than this are not compared.
CENTROID_COSINE = 0.7
#: Sentences shorter than this (words) are not compared: datelines and sign-offs match anything.
MIN_SENTENCE_WORDS = 6


def paraphrase_sentences(text: str) -> list[str]:
    """The sentences of ``text`` that paraphrase detection compares (short ones left out).

    Args:
        text: a cleaned body.
    """
    return [s.text for s in sentences(text) if len(words(s.text)) >= MIN_SENTENCE_WORDS]


@lru_cache(maxsize=1024)
def _paraphrase_sentences_of(text: str) -> tuple[str, ...]:
    """`paraphrase_sentences`, remembered: a store's paraphrase pass assesses a target against many parts."""
    return tuple(paraphrase_sentences(text))


def sentence_vectors(texts: Sequence[str]) -> Any:
    """Unit MiniLM vectors of sentences, one row each (float32), as `derivative_pairs` compares them.

    Args:
        texts: sentences (`paraphrase_sentences`).
    """
    import numpy as np

    from storyline.embed import embed

    vecs = np.asarray(embed(texts), dtype=np.float32)
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    return vecs / np.maximum(norms, 1e-9)


def derivative_pairs(
    docs: Sequence[tuple[str, str, dt.date | None]],
    *,
    duplicate_of: Mapping[str, str | None] | None = None,
    min_share: float = DERIVATIVE_SHARE,
    cosine: float = PARAPHRASE_COSINE,
    vectors: Sequence[Any] | None = None,
    targets: Collection[str] | None = None,
) -> dict[str, tuple[str, float, list[str]]]:
    """Documents that paraphrase an earlier one: ``{doc_id: (source_id, score, evidence)}``.

    A document is derivative of an earlier (or, undated, any other) document when most of its
    sentences have a paraphrase among that document's sentences. Documents already marked as
    near-duplicates (``duplicate_of``) are left to the copy flags. Among several candidate sources
    the one with the highest share wins (ties: the earliest).

    Args:
        docs: (doc_id, text, published date or None) for each document.
        duplicate_of: doc_id -> the id it near-duplicates (or None); those documents are skipped.
        min_share: share of sentences that must paraphrase the source.
        cosine: sentence cosine at which two sentences count as paraphrases.
        vectors: per document, its `paraphrase_sentences` as `sentence_vectors` (stored ones), so
            nothing is embedded again; None embeds them here.
        targets: only these documents are assessed (the others serve as candidate sources); None: all.
    """
    import numpy as np

    dup = {k for k, v in (duplicate_of or {}).items() if v}
    sents = [_paraphrase_sentences_of(text) if text else () for _, text, _ in docs]
    if vectors is None:
        flat = [s for ss in sents for s in ss]
        if not flat:
            return {}
        vecs = sentence_vectors(flat)
        blocks, pos = [], 0
        for ss in sents:
            blocks.append(vecs[pos : pos + len(ss)])
            pos += len(ss)
    else:
        blocks = [np.asarray(v, dtype=np.float32) for v in vectors]
    dim = next((b.shape[1] for b in blocks if b.ndim == 2 and len(b)), 0)
    if not dim:
        return {}
    # Document centroids prune the pairs: a text paraphrasing most of another sits close to it.
    cent = np.stack([b.mean(axis=0) if len(b) else np.zeros(dim, dtype=np.float32) for b in blocks])
    cent = cent / np.maximum(np.linalg.norm(cent, axis=1, keepdims=True), 1e-9)
    out: dict[str, tuple[str, float, list[str]]] = {}
    for i, (doc_id, _, day) in enumerate(docs):
        if doc_id in dup or len(sents[i]) < 3 or (targets is not None and doc_id not in targets):
            continue
        # One row at a time: an n x n matrix of centroid similarities would grow with the corpus squared.
        near = cent @ cent[i] >= CENTROID_COSINE
        best: tuple[float, int, list[str]] | None = None
        for j, (src_id, _, src_day) in enumerate(docs):
            if j == i or not near[j] or not len(blocks[j]) or src_id == doc_id:
                continue
            if day and src_day and (src_day > day or (src_day == day and j > i)):
                continue  # a source comes first; same-day ties go to the earlier listed document
            if not (day and src_day) and j > i:
                continue
            sim = blocks[i] @ blocks[j].T
            hit = sim.max(axis=1) >= cosine
            share = float(hit.mean())
            if share >= min_share and (best is None or share > best[0]):
                ev = [sents[i][k] for k in np.flatnonzero(hit)[:3]]
                best = (share, j, ev)
        if best is not None:
            out[doc_id] = (docs[best[1]][0], round(best[0], 3), best[2])
    return out


def derivative_flag(source_id: str, score: float, evidence: Sequence[str]) -> Flag:
    """The ``derivative`` flag for one `derivative_pairs` result.

    Args:
        source_id: id of the document it paraphrases.
        score: share of its sentences that paraphrase the source.
        evidence: paraphrased sentences.
    """
    return Flag(kind="derivative", score=score,
                evidence=[f"{score:.0%} of sentences paraphrase document {source_id}", *evidence])


def assess_document(
    text: str,
    *,
    title: str | None = None,
    quotes: Sequence[Quote] = (),
    removed: Sequence[str] = (),
    url: str | None = None,
    published: dt.date | None = None,
    kb: Any = None,
    mentions: Sequence[Any] | None = None,
    entities: Sequence[Any] | None = None,
) -> list[Flag]:
    """Every per-document flag (not copies or staleness, which need the corpus).

    Args:
        text: the cleaned body.
        title: the headline.
        quotes: statements found by `storyline.extract_quotes`.
        removed: boilerplate lines dropped by cleaning.
        url: the article URL.
        published: the article's date.
        kb: the knowledge base (None: skip the KB check).
        mentions: entity mentions of the text (`storyline.entities.Mention`), when resolved.
        entities: the text's entities (`storyline.entities.Entity`), when resolved.
    """
    flags = headline_contradicts_body(title, text)
    flags += editorializing(text, title=title, removed=removed, url=url)
    flags += weak_sourcing(text, quotes)
    if kb is not None:
        flags += factual_inconsistency(text, published=published, kb=kb, mentions=mentions, entities=entities)
    return flags


def outlet_profiles(
    documents: Iterable[Mapping[str, Any]],
    *,
    quotes: Iterable[Mapping[str, Any]] = (),
    claims: Iterable[Mapping[str, Any]] = (),
    relations: Iterable[Mapping[str, Any]] = (),
) -> list[dict[str, Any]]:
    """Per-outlet summaries from bundle-shaped records (``storyline export --format json`` fields).

    Each profile: ``outlet``, ``documents`` (count), ``flags`` (kind -> count), ``quotes``,
    ``named_share`` / ``anonymous_share`` of its quotes, ``corroborated`` / ``contradicted`` (its
    claims that another outlet's claims corroborate or contradict), ``original`` (documents others
    copy) and ``copies`` (its documents that copy another).

    Args:
        documents: bundle documents (``id``, ``outlet``, ``flags``, ``duplicate_of``).
        quotes: bundle quotes (``doc``, ``speaker``, optional ``anonymous``).
        claims: bundle claims (``id``, ``doc``).
        relations: bundle relations (``kind``, ``a``, ``b``).
    """
    docs = list(documents)
    outlet_of = {str(d["id"]): (d.get("outlet") or "unknown") for d in docs}
    prof: dict[str, dict[str, Any]] = {}

    def get(outlet: str) -> dict[str, Any]:
        return prof.setdefault(outlet, {
            "outlet": outlet, "documents": 0, "flags": Counter(), "quotes": 0, "named": 0, "anonymous": 0,
            "corroborated": 0, "contradicted": 0, "original": 0, "copies": 0,
        })

    copied: set[str] = set()
    for d in docs:
        p = get(outlet_of[str(d["id"])])
        p["documents"] += 1
        for f in d.get("flags") or ():
            p["flags"][f["kind"] if isinstance(f, Mapping) else str(f)] += 1
        if d.get("duplicate_of"):
            p["copies"] += 1
            copied.add(str(d["duplicate_of"]))
    for doc_id in copied:
        if doc_id in outlet_of:
            get(outlet_of[doc_id])["original"] += 1
    for q in quotes:
        p = get(outlet_of.get(str(q.get("doc")), "unknown"))
        p["quotes"] += 1
        if q.get("anonymous") or not q.get("speaker"):
            p["anonymous"] += 1
        else:
            p["named"] += 1
    claim_outlet = {str(c["id"]): outlet_of.get(str(c.get("doc")), "unknown") for c in claims}
    seen: dict[str, set[str]] = defaultdict(set)
    for r in relations:
        kind = r.get("kind")
        if kind not in ("corroborates", "contradicts"):
            continue
        a, b = str(r.get("a")), str(r.get("b"))
        oa, ob = claim_outlet.get(a), claim_outlet.get(b)
        if oa is None or ob is None or oa == ob:
            continue  # only another outlet's report says something about this one
        key = "corroborated" if kind == "corroborates" else "contradicted"
        for claim, outlet in ((a, oa), (b, ob)):
            if claim not in seen[key]:
                seen[key].add(claim)
                get(outlet)[key] += 1
    out = []
    for p in sorted(prof.values(), key=lambda p: (-p["documents"], p["outlet"])):
        n = p["quotes"]
        p["named_share"] = round(p["named"] / n, 3) if n else None
        p["anonymous_share"] = round(p["anonymous"] / n, 3) if n else None
        p["flags"] = dict(sorted(p["flags"].items()))
        out.append(p)
    return out
