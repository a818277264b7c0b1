"""Stance of a body towards a claim: agree, disagree, discuss or unrelated.

Two small logistic-regression stages run on hand-built features: first related vs unrelated (MiniLM
cosine between the claim and the body's best-matching sentences, stemmed word overlap), then agree vs
disagree vs discuss (refutation, hedging and confirmation cues, negation near the matched sentences,
and how the claim's own wording relates to them). Weights ship as JSON in ``data/stance/``; the
training script is ``benchmarks/train_stance.py``.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from storyline._exceptions import ModelUnavailableError
from storyline.records import Stance

#: Body sentences considered per body; leads carry the stance and this bounds the embedding cost.
MAX_SENTENCES = 30
#: Matched sentences whose cues count as "near" the claim.
TOP_K = 3

_SENT_SPLIT = re.compile(r"(?<=[.!?\"”])\s+(?=[\"“'‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z\"“])")
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Cue lexicons: written for this module, generic news wording.
_REFUTE = re.compile(
    r"\b(den(?:y|ies|ied|ial|ials|ying)|false(?:ly|hood)?|hoax(?:es)?|fake[ds]?|debunk(?:s|ed|ing)?|"
    r"no evidence|not true|untrue|baseless|unfounded|bogus|fabricat(?:ed|ion|ions)|refut(?:e|es|ed|ing)|"
    r"satir(?:e|ical)|parody|prank|myth|doctored|photoshop(?:ped)?|misleading|retract(?:s|ed|ion)?|"
    r"not real|no truth|quash(?:es|ed)?|scam|made up|never happened|rumou?rs? (?:are|is|were|was) "
    r"(?:false|untrue|baseless|wrong))\b",
    re.IGNORECASE,
)
# Weaker signs of contradiction: they also occur in bodies that merely add detail.
_CONTRA = re.compile(
    r"\b(reject(?:s|ed)?|dismiss(?:es|ed)?|mistaken(?:ly)?|did not|didn't|has not|hasn't|was not|wasn't|"
    r"is not|isn't|never|contrary|in fact|actually|turned out|however|but|joke|nothing to do with)\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\b(reported(?:ly)?|alleged(?:ly)?|claim(?:s|ed|ing)?|according to|unconfirmed|unverified|"
    r"rumou?r(?:s|ed)?|apparent(?:ly)?|purported(?:ly)?|suppos(?:ed|edly)|may|might|could|possibly|"
    r"perhaps|suggest(?:s|ed|ing)?|speculat(?:e|es|ed|ion)|appear(?:s|ed)? to|seem(?:s|ed)? to|"
    r"not clear|unclear|cannot be verified|could not be (?:independently )?verified|believed to|"
    r"said to be|if true|sources?|report(?:s)?|tweet(?:s|ed)?|viral|circulat(?:ing|ed))\b",
    re.IGNORECASE,
)
_CONFIRM = re.compile(
    r"\b(confirm(?:s|ed|ing)?|official(?:ly)?|announc(?:e|es|ed|ing)|reveal(?:s|ed)?|verified|"
    r"indeed|it is true|it's true|has been|have been|was found|were found|proved|proven|evidence shows|"
    r"statement|admit(?:s|ted)?|acknowledg(?:e|es|ed)|released)\b",
    re.IGNORECASE,
)
_NEGATION = re.compile(r"\b(not|no|never|none|nobody|nothing|neither|nor|without|n't)\b|n't\b", re.IGNORECASE)

# Function words that say nothing about topic overlap.
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "my",
        "him",
        "them",
        "us",
        "me",
        "who",
        "whom",
        "which",
        "what",
        "when",
        "where",
        "why",
        "how",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "may",
        "might",
        "must",
        "not",
        "no",
        "so",
        "than",
        "too",
        "very",
        "just",
        "about",
        "into",
        "over",
        "after",
        "before",
        "up",
        "down",
        "out",
        "off",
        "again",
        "then",
        "once",
        "here",
        "there",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "only",
        "own",
        "same",
        "also",
        "s",
        "t",
        "said",
        "says",
        "say",
        "new",
        "one",
        "two",
    ]
)

STAGE1_FEATURES = (
    "cos_max",
    "cos_top3",
    "cos_mean",
    "cos_lead",
    "overlap_body",
    "overlap_best",
    "overlap_lead",
    "bigram_overlap",
    "caps_overlap",
    "num_overlap",
)
STAGE2_FEATURES = (
    *STAGE1_FEATURES,
    "refute_near",
    "refute_lead",
    "refute_rate",
    "refute_any",
    "refute_best",
    "contra_near",
    "contra_rate",
    "hedge_near",
    "hedge_lead",
    "hedge_rate",
    "confirm_near",
    "confirm_lead",
    "confirm_rate",
    "neg_near",
    "neg_rate",
    "claim_refute",
    "claim_hedge",
    "claim_neg",
    "claim_question",
    "claim_x_body_refute",
    "body_only_refute",
    "quote_rate",
    "log_len",
)


@lru_cache(maxsize=20000)
def _stem(word: str) -> str:
    # Crude suffix stripping is enough to match "denies"/"denied" and "killing"/"killed".
    for suf in ("ingly", "edly", "ing", "ies", "ied", "ed", "es", "ly", "s"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            return word[: -len(suf)]
    return word


def _content(text: str) -> list[str]:
    return [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1]


def split_sentences(text: str) -> list[str]:
    """Split a body into sentences with a light rule (enough for matching, not for display).

    Args:
        text: the body text.
    """
    parts = (p.strip() for p in _SENT_SPLIT.split(text))
    return [p for p in parts if len(p) > 1]


@dataclass(frozen=True, slots=True)
class _Body:
    """What the features need from one body, computed once however many claims it meets."""

    sentences: list[str]
    vecs: np.ndarray
    stems: list[set[str]]
    all_stems: set[str]
    bigrams: set[tuple[str, str]]
    caps: set[str]
    nums: set[str]
    refute: np.ndarray
    contra: np.ndarray
    hedge: np.ndarray
    confirm: np.ndarray
    neg: np.ndarray
    quote_rate: float
    n_words: int


def _caps(text: str) -> set[str]:
    # Capitalised words not at the start of a sentence approximate names cheaply.
    return {m.group(1).lower() for m in re.finditer(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-zA-Z]{2,})", text)}


def _nums(text: str) -> set[str]:
    return set(re.findall(r"\b\d[\d,.]*\b", text))


def _prepare_body(body: str, vecs: np.ndarray, sentences: list[str]) -> _Body:
    stems = [set(_content(s)) for s in sentences]
    words = _content(body)
    n_words = max(1, len(_WORD.findall(body.lower())))
    return _Body(
        sentences=sentences,
        vecs=vecs,
        stems=stems,
        all_stems=set(words),
        bigrams=set(itertools.pairwise(words)),
        caps=_caps(body),
        nums=_nums(body),
        refute=np.array([len(_REFUTE.findall(s)) for s in sentences], dtype=np.float32),
        contra=np.array([len(_CONTRA.findall(s)) for s in sentences], dtype=np.float32),
        hedge=np.array([len(_HEDGE.findall(s)) for s in sentences], dtype=np.float32),
        confirm=np.array([len(_CONFIRM.findall(s)) for s in sentences], dtype=np.float32),
        neg=np.array([len(_NEGATION.findall(s)) for s in sentences], dtype=np.float32),
        quote_rate=100.0 * len(re.findall(r"[\"“”]", body)) / n_words,
        n_words=n_words,
    )


def _squash(count: float) -> float:
    # Cue counts have long tails; log keeps a short, cue-dense text from extrapolating far past training.
    return float(np.log1p(max(0.0, count)))


def _frac(part: set[Any], whole: set[Any]) -> float:
    return len(part & whole) / len(part) if part else 0.0


def pair_features(claim: str, claim_vec: np.ndarray, body: _Body) -> np.ndarray:
    """The stage-2 feature vector (stage 1 uses its leading columns) for one claim and prepared body.

    Args:
        claim: the claim text.
        claim_vec: its unit MiniLM vector.
        body: the prepared body.
    """
    n = len(body.sentences)
    if n == 0:
        return np.zeros(len(STAGE2_FEATURES), dtype=np.float32)
    cos = body.vecs @ claim_vec
    order = np.argsort(-cos)
    top = order[:TOP_K]
    lead = slice(0, min(3, n))
    c_words = _content(claim)
    c_stems = set(c_words)
    c_bigrams = set(itertools.pairwise(c_words))
    best = int(order[0])
    lead_stems: set[str] = set().union(*body.stems[lead])
    per_100 = 100.0 / body.n_words
    c_ref = float(len(_REFUTE.findall(claim)) > 0)
    b_ref = float(body.refute[top].sum() > 0)
    feats = [
        float(cos[best]),
        float(cos[top].mean()),
        float(cos.mean()),
        float(cos[lead].max()),
        _frac(c_stems, body.all_stems),
        _frac(c_stems, body.stems[best]),
        _frac(c_stems, lead_stems),
        _frac(c_bigrams, body.bigrams),
        _frac(_caps(" " + claim), body.caps),
        _frac(_nums(claim), body.nums),
        _squash(float(body.refute[top].sum())),
        _squash(float(body.refute[lead].sum())),
        _squash(float(body.refute.sum() * per_100)),
        float(body.refute.sum() > 0),
        float(body.refute[best] > 0),
        _squash(float(body.contra[top].sum())),
        _squash(float(body.contra.sum() * per_100)),
        _squash(float(body.hedge[top].sum())),
        _squash(float(body.hedge[lead].sum())),
        _squash(float(body.hedge.sum() * per_100)),
        _squash(float(body.confirm[top].sum())),
        _squash(float(body.confirm[lead].sum())),
        _squash(float(body.confirm.sum() * per_100)),
        _squash(float(body.neg[top].sum())),
        _squash(float(body.neg.sum() * per_100)),
        c_ref,
        float(len(_HEDGE.findall(claim)) > 0),
        float(len(_NEGATION.findall(claim)) > 0),
        float("?" in claim),
        c_ref * b_ref,
        (1.0 - c_ref) * float(body.refute[top].sum() + body.refute[lead].sum() > 0),
        _squash(body.quote_rate),
        float(np.log1p(body.n_words)),
    ]
    return np.asarray(feats, dtype=np.float32)


def featurize(pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """Stage-2 feature matrix for many pairs; each distinct claim and body is embedded once.

    Args:
        pairs: (claim, body) tuples.
    """
    from storyline.embed import embed

    claims = list(dict.fromkeys(c for c, _ in pairs))
    bodies = list(dict.fromkeys(b for _, b in pairs))
    body_sents = {b: split_sentences(b)[:MAX_SENTENCES] for b in bodies}
    flat = [s for b in bodies for s in body_sents[b]]
    vecs = embed(claims + flat)
    claim_vecs = dict(zip(claims, vecs[: len(claims)], strict=True))
    prepared: dict[str, _Body] = {}
    at = len(claims)
    for b in bodies:
        k = len(body_sents[b])
        prepared[b] = _prepare_body(b, vecs[at : at + k], body_sents[b])
        at += k
    if not pairs:
        return np.zeros((0, len(STAGE2_FEATURES)), dtype=np.float32)
    return np.stack([pair_features(c, claim_vecs[c], prepared[b]) for c, b in pairs])


@dataclass(frozen=True, slots=True)
class _LogReg:
    """A fitted, standardised logistic regression, read from JSON."""

    classes: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    prior: np.ndarray  # per-class weights applied after the softmax (rare stances are under-predicted)

    def proba(self, x: np.ndarray) -> np.ndarray:
        z = ((x - self.mean) / self.scale) @ self.coef.T + self.intercept
        if z.shape[1] == 1:  # binary: sklearn keeps one row of weights for the second class
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1.0 - p, p], axis=1)
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z) * self.prior
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> _LogReg:
        return cls(
            classes=tuple(d["classes"]),
            mean=np.asarray(d["mean"], dtype=np.float64),
            scale=np.asarray(d["scale"], dtype=np.float64),
            coef=np.asarray(d["coef"], dtype=np.float64),
            intercept=np.asarray(d["intercept"], dtype=np.float64),
            prior=np.asarray(d.get("prior") or [1.0] * len(d["classes"]), dtype=np.float64),
        )


@lru_cache(maxsize=1)
def _models() -> tuple[_LogReg, _LogReg]:
    try:
        raw = resources.files("storyline").joinpath("data/stance/model.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ModelUnavailableError("stance weights data/stance/model.json are missing; reinstall storyline") from exc
    d = json.loads(raw)
    return _LogReg.from_json(d["stage1"]), _LogReg.from_json(d["stage2"])


def predict(features: np.ndarray) -> list[Stance]:
    """Labels and confidences from a stage-2 feature matrix.

    Args:
        features: rows from `featurize`.
    """
    if len(features) == 0:
        return []
    s1, s2 = _models()
    n1 = len(STAGE1_FEATURES)
    p_rel = s1.proba(features[:, :n1].astype(np.float64))[:, list(s1.classes).index("related")]
    p2 = s2.proba(features.astype(np.float64))
    out = []
    for pr, row in zip(p_rel, p2, strict=True):
        if pr < 0.5:
            out.append(Stance(label="unrelated", score=round(float(1.0 - pr), 4)))
        else:
            j = int(np.argmax(row))
            label = s2.classes[j]
            out.append(Stance(label=label, score=round(float(pr * row[j]), 4)))  # type: ignore[arg-type]
    return out


def stance(claim: str, body: str) -> Stance:
    """Does ``body`` agree with, disagree with, discuss, or ignore ``claim``?

    Args:
        claim: a short claim, such as a headline.
        body: the text to compare.
    """
    return stance_batch([(claim, body)])[0]


def stance_batch(pairs: Iterable[tuple[str, str]]) -> list[Stance]:
    """`stance` for many (claim, body) pairs, in order; shared claims and bodies are embedded once.

    Args:
        pairs: (claim, body) tuples.
    """
    items = [(str(c or ""), str(b or "")) for c, b in pairs]
    if not items:
        return []
    out: list[Stance | None] = [None] * len(items)
    live = [i for i, (c, b) in enumerate(items) if c.strip() and b.strip()]
    for i in set(range(len(items))) - set(live):
        # Nothing to compare against: no evidence of any relation.
        out[i] = Stance(label="unrelated", score=1.0)
    if live:
        for i, s in zip(live, predict(featurize([items[i] for i in live])), strict=True):
            out[i] = s
    return [s for s in out if s is not None]
