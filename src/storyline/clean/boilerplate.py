"""Boilerplate line scorer for plain-text page dumps: hand-crafted features and a small linear model.

Each line of a page is described by what it looks like (length, sentence shape, call-to-action
verbs, link and copyright patterns, word and character n-grams) and where it sits (position,
distance to the last article paragraph, repetition, likeness to the title). A logistic regression
fitted on invented, labelled pages (`storyline.clean.boilerplate_train`) turns that into a
probability that the line is boilerplate. Weights ship as JSON in ``storyline/data/boilerplate``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

MODEL_FILE = "model.json"
#: Model probability above which even a line that reads as prose is dropped.
PROSE_CERTAINTY = 0.97

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_DIGIT = re.compile(r"\d")
_FUNCTION = frozenset(
    "the a an of to in on at for with by from and or but that which who whom whose this these those it its "
    "is are was were be been being has have had will would can could should may might must do does did not "
    "as than then there their they he she his her him we our us i me my if when while after before since "
    "into over about against between during under".split()
)
_VERB_HINT = frozenset(
    "is are was were be been has have had will would can could should may might must do does did said says "
    "say told tells asked added noted warned according expects expected called made make took take came "
    "come went go gave give got get found find showed show became become remains remained".split()
)
_CTA = frozenset(
    "share tweet pin email print subscribe sign follow click tap read continue leave join get download "
    "watch like comment register log login donate support advertise contact see view load show skip back "
    "go scroll enter accept manage save listen play open close search bookmark reply submit post unlock "
    "become send report".split()
)
_LINK = re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|net|org|co|io|info|news|tv|us|uk)\b|@\w", re.I)
_COPYRIGHT = re.compile(r"\u00a9|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b", re.I)
_SEPARATORS = re.compile(r"[|\u2022\u00b7\u00bb\u00ab\u203a\u2039\u2192>/]")
_DATE_LIKE = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b",
    re.I,
)
_SENT_END = re.compile(r"[.!?][\"'\u201d\u2019)\]]*$")


@dataclass(frozen=True, slots=True)
class BoilerplateModel:
    """A linear model over named features.

    Args:
        bias: intercept.
        weights: weight of each named feature.
        threshold: probability above which a line is boilerplate.
    """

    bias: float
    weights: dict[str, float]
    threshold: float = 0.5

    def probability(self, features: dict[str, float]) -> float:
        """Probability that the line described by ``features`` is boilerplate.

        Args:
            features: named feature values, as `page_features` gives them.
        """
        w = self.weights
        z = self.bias + sum(w.get(k, 0.0) * v for k, v in features.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def drops(self, features: dict[str, float]) -> bool:
        """Whether the line is boilerplate; prose and clause lines need near certainty.

        Args:
            features: named feature values, as `page_features` gives them.
        """
        p = self.probability(features)
        if features.get("prose") or features.get("clause"):
            return p >= PROSE_CERTAINTY
        return p >= self.threshold


@lru_cache(maxsize=1)
def load_model() -> BoilerplateModel:
    """The shipped model, loaded once per process."""
    path = resources.files("storyline") / "data" / "boilerplate" / MODEL_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    return BoilerplateModel(float(data["bias"]), {k: float(v) for k, v in data["weights"].items()}, float(data["threshold"]))


def is_sentence_line(line: str) -> bool:
    """The line reads as article prose: long enough, ends like a sentence, mostly lowercase words.

    Args:
        line: one cleaned line.
    """
    words = _WORD.findall(line)
    if len(words) < 8 or not _SENT_END.search(line):
        return False
    lower = sum(1 for w in words if w[0].islower())
    return lower >= 0.4 * len(words)


def is_clause_line(line: str) -> bool:
    """The line reads as a clause even without final punctuation: several lowercase words and a verb.

    Args:
        line: one cleaned line.
    """
    toks = _tokens(line)
    if len(toks) < 7 or _LINK.search(line) or _COPYRIGHT.search(line) or line.startswith("[") or toks[0] in _CTA:
        return False
    words = _WORD.findall(line)
    lower = sum(1 for w in words if w[0].islower())
    verb = any(t in _VERB_HINT or (len(t) > 4 and t.endswith("ed")) for t in toks)
    return verb and lower >= 0.5 * len(words) and sum(1 for t in toks if t in _FUNCTION) >= 2


def _tokens(line: str) -> list[str]:
    return [_DIGIT.sub("0", w.lower()) for w in _WORD.findall(line)]


def line_features(line: str) -> dict[str, float]:
    """Features of one line on its own (shape, patterns, n-grams).

    Args:
        line: one cleaned line.
    """
    words = _WORD.findall(line)
    toks = _tokens(line)
    n = len(words)
    f: dict[str, float] = {"len_log": math.log1p(len(line)) / 6.0}
    bucket = "w0" if n == 0 else "w1" if n == 1 else "w2_3" if n <= 3 else "w4_8" if n <= 8 else "w9_20" if n <= 20 else "w21"
    f[bucket] = 1.0
    stripped = line.rstrip()
    if _SENT_END.search(stripped):
        f["end_sentence"] = 1.0
    elif stripped.endswith(":"):
        f["end_colon"] = 1.0
    elif stripped.endswith(("!", "?")):
        f["end_excl"] = 1.0
    else:
        f["end_open"] = 1.0
    if n:
        caps = sum(1 for w in words if w[0].isupper())
        f["cap_ratio"] = caps / n
        f["lower_ratio"] = 1.0 - f["cap_ratio"]
        f["func_ratio"] = sum(1 for t in toks if t in _FUNCTION) / n
        if any(t in _VERB_HINT or (len(t) > 4 and t.endswith("ed")) for t in toks):
            f["verb_hint"] = 1.0
        if line.isupper() and n <= 6:
            f["all_caps"] = 1.0
        if toks[0] in _CTA:
            f["cta_start"] = 1.0
        if any(t in _CTA for t in toks):
            f["cta_any"] = 1.0
        if "you" in toks or "your" in toks:
            f["you"] = 1.0
    if _LINK.search(line):
        f["link"] = 1.0
    if line.startswith("[") or line.endswith("]"):
        f["bracket"] = 1.0
    if _COPYRIGHT.search(line):
        f["copyright"] = 1.0
    seps = len(_SEPARATORS.findall(line))
    if seps:
        f["separators"] = min(seps, 4) / 4.0
    digits = sum(ch.isdigit() for ch in line)
    if digits:
        f["digit_ratio"] = digits / max(1, len(line))
    if _DATE_LIKE.search(line):
        f["date_like"] = 1.0
    if line.endswith(("*", "...", "\u2026")):
        f["end_mark"] = 1.0
    # Word n-grams from the start of the line, where calls to action and labels sit.
    head = toks[:12]
    for t in head:
        f["u:" + t] = 1.0
    for a, b in zip(head, head[1:], strict=False):
        f["b:" + a + "_" + b] = 1.0
    if head:
        f["first:" + head[0]] = 1.0
        f["last:" + toks[-1]] = 1.0
    lowered = " " + _DIGIT.sub("0", line[:80].lower()) + " "
    for i in range(len(lowered) - 3):
        f["c:" + lowered[i : i + 4]] = 1.0
    return f


def page_features(lines: Sequence[str], *, title: str | None = None) -> list[dict[str, float]]:
    """Features of every line of a page, in context.

    Args:
        lines: the page's non-empty cleaned lines, in order (title and byline lines left out).
        title: the page title, when known.
    """
    n = len(lines)
    counts = Counter(ln.casefold() for ln in lines)
    prose = [is_sentence_line(ln) for ln in lines]
    first_prose = next((i for i, p in enumerate(prose) if p), n)
    last_prose = max((i for i, p in enumerate(prose) if p), default=-1)
    title_words = set(_tokens(title)) if title else set()
    out = []
    for i, line in enumerate(lines):
        f = line_features(line)
        rel = i / max(1, n - 1)
        f["pos_rel"] = rel
        f["to_end_inv"] = 1.0 / (1 + (n - 1 - i))
        if i > last_prose:
            f["after_prose"] = 1.0
        if i < first_prose:
            f["before_prose"] = 1.0
        if prose[i]:
            f["prose"] = 1.0
        elif is_clause_line(line):
            f["clause"] = 1.0
        if counts[line.casefold()] > 1:
            f["repeated"] = 1.0
        if title_words:
            words = set(_tokens(line))
            if words:
                f["title_sim"] = len(words & title_words) / len(words | title_words)
        short_nb = sum(1 for j in (i - 1, i + 1) if 0 <= j < n and len(lines[j]) < 40)
        f["short_neighbours"] = short_nb / 2.0
        out.append(f)
    return out


def score_lines(lines: Sequence[str], *, title: str | None = None) -> list[float]:
    """Probability that each line of a page is boilerplate.

    Args:
        lines: the page's non-empty cleaned lines, in order.
        title: the page title, when known.
    """
    model = load_model()
    return [model.probability(f) for f in page_features(lines, title=title)]
