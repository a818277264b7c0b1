"""Editorialising wording: loaded, one-sided or opinionated sentences.

A logistic regression over the sentence's MiniLM embedding, a handful of lexicon counts (loaded
and emotive words, intensifiers, superlatives, scare quotes, opinion markers) and two word-bias
scores: how often annotators marked each of the sentence's words as the biased one when it occurred
(`learn_word_bias`, learned from BABE's word annotations). Weights and the word table ship as JSON in
``data/editorial/``; the training script is ``benchmarks/train_editorial.py``. The lexicon is also
used on its own by `loaded_phrases` to point at the words that make a sentence loaded.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from types import MappingProxyType

import numpy as np

from storyline._exceptions import ModelUnavailableError

# Loaded, emotive or pejorative words, written for this module. Stems (five letters or more) match
# any word they start; short words match only with the inflections listed, since a short stem such as
# "dire" or "mob" would also hit "director" or "mobile".
_LOADED_STEMS = (
    "absurd", "abusive", "aggressive", "alarming", "appall", "atroc", "awful", "baseless", "bigot", "bizarre",
    "blast", "blatant", "bloodbath", "brazen", "brutal", "bully", "bulli", "callous", "catastroph", "chaos",
    "chaotic", "cynical", "debacle", "deceit", "deceptive", "deplorable", "despicable", "destroy", "devastat",
    "disaster", "disastrous", "disgrace", "disgust", "dishonest", "draconian", "egregious", "extremis", "fanatic",
    "fear-monger", "fearmonger", "fiasco", "flagrant", "foolish", "fraudulent", "furious", "gleeful", "greed",
    "grotesque", "hateful", "hatred", "heinous", "hideous", "horrif", "horrible", "hypocri", "idiot", "ignorant",
    "incompeten", "infamous", "insane", "insult", "lavish", "ludicrous", "massacre", "menac", "moron", "nasty",
    "nefarious", "nightmar", "notorious", "obscene", "onslaught", "outrage", "pathetic", "propaganda", "racis",
    "radical", "rampage", "reckless", "regime", "ridicul", "ruthless", "sabotag", "savage", "scandal", "scheme",
    "shameful", "shameless", "shocking", "sinister", "slaughter", "smear", "stunning", "stupid", "terrif",
    "tyrann", "unhinged", "vicious", "villain", "xenophob", "zealot", "crackdown", "hardline", "militant",
    "puppet", "rampant", "rhetoric", "so-called", "plummet", "skyrocket", "tirade", "torment", "weaponiz",
    "hysteri", "frenz", "blunder", "meltdown", "slammed", "slamming", "lambast", "scath", "vilif", "demoniz",
    "demonis", "brainwash", "radicaliz",
)  # fmt: skip
_LOADED_WORDS = (
    "lie", "lies", "lied", "lying", "liar", "liars", "mob", "mobs", "rage", "raging", "raged", "rant", "rants",
    "ranting", "rigged", "sham", "slam", "slams", "thug", "thugs", "vile", "evil", "toxic", "crush", "crushed",
    "crushing", "wreck", "wrecked", "fringe", "rogue", "snub", "snubbed", "spew", "spewed", "spewing", "whine",
    "whining", "witch hunt", "war on", "illegal alien", "illegal aliens", "dire", "mania", "manic", "cult",
)  # fmt: skip
_INTENSIFIERS = (
    "very", "extremely", "totally", "absolutely", "utterly", "incredibly", "completely", "truly", "deeply",
    "highly", "hugely", "massively", "really", "so", "entirely", "enormously", "wildly", "overwhelmingly",
    "staggering", "remarkably", "especially", "outright", "sheer", "even", "just", "simply", "literally",
)  # fmt: skip
_OPINION = (
    "clearly", "obviously", "of course", "undoubtedly", "unfortunately", "fortunately", "sadly", "shockingly",
    "surprisingly", "ironically", "arguably", "apparently", "supposedly", "should", "must", "ought", "need to",
    "needs to", "i think", "i believe", "we must", "it is time", "it's time", "no doubt", "of all people",
    "only", "finally", "merely", "nothing but", "refuse", "refused", "dare", "admit", "admitted", "even though",
    "in reality", "the truth is", "let's be", "make no mistake", "so-called",
)  # fmt: skip
_NOT_SUPERLATIVE = frozenset(
    [
        "best",
        "interest",
        "honest",
        "modest",
        "protest",
        "test",
        "west",
        "rest",
        "arrest",
        "latest",
        "digest",
        "suggest",
        "forest",
        "guest",
        "request",
        "contest",
        "chest",
        "pest",
        "quest",
        "vest",
        "nest",
        "manifest",
        "invest",
        "harvest",
        "earnest",
        "conquest",
        "dishonest",
        "interest",
        "unrest",
    ]
)


def _alternation(items: Iterable[str], *, prefix: bool) -> re.Pattern[str]:
    body = "|".join(sorted((re.escape(w) for w in set(items)), key=len, reverse=True))
    tail = r"[\w-]*" if prefix else r"\b"
    return re.compile(rf"\b(?:{body}){tail}", re.IGNORECASE)


_LOADED = re.compile(
    rf"{_alternation(_LOADED_STEMS, prefix=True).pattern}|{_alternation(_LOADED_WORDS, prefix=False).pattern}",
    re.IGNORECASE,
)
# Only strong intensifiers mark a phrase; the weak ones ("so", "just") are counted, not pointed at.
_STRONG_INTENS = _alternation(
    ("extremely", "utterly", "incredibly", "absolutely", "totally", "massively", "wildly", "outright", "sheer"),
    prefix=False,
)
_INTENS = _alternation(_INTENSIFIERS, prefix=False)
_OPIN = _alternation(_OPINION, prefix=False)
_SUPERL = re.compile(r"\b(?:most|least)\s+[a-z]+|\b[a-z]{3,}est\b", re.IGNORECASE)
_SCARE = re.compile(r"[\"“‘'](?=\w)([^\"“”‘’']{1,30})[\"”’']")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

LEXICON_FEATURES = (
    "loaded",
    "intensifier",
    "opinion",
    "superlative",
    "scare_quote",
    "exclaim",
    "question",
    "all_caps",
    "first_person",
    "quote_share",
    "log_words",
)


#: Columns that `word_bias_features` adds after the lexicon counts.
WORD_BIAS_FEATURES = ("word_bias_max", "word_bias_sum")
#: Smoothing of `learn_word_bias`: a word seen once and marked once scores 1 / (1 + 1).
WORD_BIAS_ALPHA = 1.0


def _lower_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def learn_word_bias(
    sentences: Sequence[str],
    marked: Sequence[Iterable[str]],
    *,
    alpha: float = WORD_BIAS_ALPHA,
) -> dict[str, float]:
    """Per word, the share of sentences holding it where annotators marked it as biased wording.

    Only words marked at least once are kept; any other word scores 0.

    Args:
        sentences: annotated sentences.
        marked: for each sentence, the words or phrases marked as biased (a phrase counts each word).
        alpha: added to each word's sentence count, so rare words score lower.
    """
    seen: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    for sentence, words in zip(sentences, marked, strict=True):
        present = set(_lower_words(sentence))
        seen.update(present)
        hits.update({w for phrase in words for w in _lower_words(phrase)} & present)
    return {w: round(n / (seen[w] + alpha), 4) for w, n in sorted(hits.items())}


def word_bias_features(sentence: str, table: Mapping[str, float]) -> np.ndarray:
    """The highest and the summed word-bias score of the sentence's words (`WORD_BIAS_FEATURES`).

    Args:
        sentence: one sentence.
        table: word scores from `learn_word_bias`.
    """
    scores = [table.get(w, 0.0) for w in _lower_words(sentence)]
    return np.asarray([max(scores, default=0.0), sum(scores)], dtype=np.float32)


def _superlatives(text: str) -> int:
    return sum(1 for m in _SUPERL.finditer(text) if m.group(0).lower() not in _NOT_SUPERLATIVE)


def lexicon_features(sentence: str) -> np.ndarray:
    """Lexicon counts for one sentence, in the order of `LEXICON_FEATURES`.

    Args:
        sentence: one sentence.
    """
    words = _WORD.findall(sentence)
    n = max(1, len(words))
    quoted = sum(len(m.group(0)) for m in re.finditer(r"[\"“][^\"“”]*[\"”]", sentence))
    scare = sum(1 for m in _SCARE.finditer(sentence) if len(m.group(1).split()) <= 3)
    return np.asarray(
        [
            len(_LOADED.findall(sentence)),
            len(_INTENS.findall(sentence)),
            len(_OPIN.findall(sentence)),
            _superlatives(sentence),
            scare,
            sentence.count("!"),
            sentence.count("?"),
            sum(1 for w in words if len(w) > 2 and w.isupper()),
            len(re.findall(r"\b(?:I|we|our|us|my)\b", sentence)),
            quoted / max(1, len(sentence)),
            float(np.log1p(n)),
        ],
        dtype=np.float32,
    )


def loaded_phrases(text: str) -> list[tuple[int, int]]:
    """Character spans of loaded words, intensified words and scare quotes in ``text``.

    Args:
        text: any text.
    """
    spans = [m.span() for m in _LOADED.finditer(text)]
    for m in _STRONG_INTENS.finditer(text):
        nxt = re.match(r"\s+[A-Za-z-]+", text[m.end() :])
        if nxt:  # the intensifier and the word it strengthens
            spans.append((m.start(), m.end() + nxt.end()))
    spans += [m.span() for m in _SCARE.finditer(text) if len(m.group(1).split()) <= 3]
    return sorted(set(spans))


def features(sentences: Sequence[str], *, word_bias: Mapping[str, float] | None = None) -> np.ndarray:
    """Model inputs, one row per sentence: MiniLM embedding, lexicon counts, word-bias scores.

    Args:
        sentences: the sentences.
        word_bias: word scores from `learn_word_bias`; the shipped table when None.
    """
    from storyline.embed import DIM, embed

    width = DIM + len(LEXICON_FEATURES) + len(WORD_BIAS_FEATURES)
    if not sentences:
        return np.zeros((0, width), dtype=np.float32)
    table = _model().word_bias if word_bias is None else word_bias
    lex = np.stack([np.concatenate([lexicon_features(s), word_bias_features(s, table)]) for s in sentences])
    return np.hstack([embed(sentences), lex])


@dataclass(frozen=True, slots=True)
class _Weights:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    word_bias: Mapping[str, float]


@lru_cache(maxsize=1)
def _model() -> _Weights:
    try:
        raw = resources.files("storyline").joinpath("data/editorial/model.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ModelUnavailableError("editorial weights data/editorial/model.json are missing") from exc
    d = json.loads(raw)
    if "word_bias" not in d:
        raise ModelUnavailableError(
            "data/editorial/model.json predates the word-bias features; rerun benchmarks/train_editorial.py"
        )
    return _Weights(
        mean=np.asarray(d["mean"], dtype=np.float64),
        scale=np.asarray(d["scale"], dtype=np.float64),
        coef=np.asarray(d["coef"], dtype=np.float64),
        intercept=float(d["intercept"]),
        word_bias=MappingProxyType(dict(d["word_bias"])),
    )


def predict(x: np.ndarray) -> np.ndarray:
    """Probabilities from a feature matrix made by `features`.

    Args:
        x: rows from `features`.
    """
    w = _model()
    z = ((x.astype(np.float64) - w.mean) / w.scale) @ w.coef + w.intercept
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def editorial_score(sentence: str) -> float:
    """Probability in [0, 1] that ``sentence`` editorialises; >= 0.5 means yes.

    Args:
        sentence: one sentence.
    """
    return editorial_score_batch([sentence])[0]


def editorial_score_batch(sentences: Iterable[str]) -> list[float]:
    """`editorial_score` for many sentences, in order.

    Args:
        sentences: sentences to score.
    """
    items = [str(s or "") for s in sentences]
    live = [i for i, s in enumerate(items) if s.strip()]
    out = [0.0] * len(items)  # an empty sentence says nothing, so it is not editorialising
    if live:
        probs = predict(features([items[i] for i in live]))
        for i, p in zip(live, probs, strict=True):
            out[i] = float(min(1.0, max(0.0, p)))
    return out
