"""Editorialising wording: loaded, one-sided or opinionated sentences.

A logistic regression over the sentence's MiniLM embedding plus a handful of lexicon counts (loaded
and emotive words, intensifiers, superlatives, scare quotes, opinion markers). Weights ship as JSON in
``data/editorial/``; the training script is ``benchmarks/train_editorial.py``. The lexicon is also
used on its own by `loaded_phrases` to point at the words that make a sentence loaded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources

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


def features(sentences: Sequence[str]) -> np.ndarray:
    """Model inputs: MiniLM embedding followed by the lexicon counts, one row per sentence.

    Args:
        sentences: the sentences.
    """
    from storyline.embed import DIM, embed

    if not sentences:
        return np.zeros((0, DIM + len(LEXICON_FEATURES)), dtype=np.float32)
    lex = np.stack([lexicon_features(s) for s in sentences])
    return np.hstack([embed(sentences), lex])


@lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    try:
        raw = resources.files("storyline").joinpath("data/editorial/model.json").read_text(encoding="utf-8")
    except (FileNotFoundError, OSError) as exc:
        raise ModelUnavailableError("editorial weights data/editorial/model.json are missing") from exc
    d = json.loads(raw)
    return (
        np.asarray(d["mean"], dtype=np.float64),
        np.asarray(d["scale"], dtype=np.float64),
        np.asarray(d["coef"], dtype=np.float64),
        float(d["intercept"]),
    )


def predict(x: np.ndarray) -> np.ndarray:
    """Probabilities from a feature matrix made by `features`.

    Args:
        x: rows from `features`.
    """
    mean, scale, coef, intercept = _model()
    z = ((x.astype(np.float64) - mean) / scale) @ coef + intercept
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
