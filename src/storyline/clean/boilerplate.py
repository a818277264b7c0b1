"""Boilerplate line scorer for plain-text page dumps: hand-crafted features and a small linear model.

Each line of a page is described by what it looks like (length, sentence shape, call-to-action
verbs, link and copyright patterns, word and character n-grams) and where it sits (position,
distance to the last article paragraph, repetition, likeness to the title). A logistic regression
fitted on invented, labelled pages (`storyline.clean.boilerplate_train`) turns that into a
probability that the line is boilerplate. Weights ship as JSON in ``storyline/data/boilerplate``.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_FILE = "model.json"
#: Folder of the shipped model and of the example lines it was fitted on.
DATA_DIR = Path(__file__).resolve().parents[1] / "data" / "boilerplate"
#: Lines with this many words get only a few cheap features (they are paragraphs).
LONG_LINE_WORDS = 40
#: Prose lines with this many words and no copyright or link pattern are kept without scoring.
PROSE_WORDS = 20
#: Model probability above which a short sentence ("No one was hurt.") is dropped.
SHORT_SENTENCE_CERTAINTY = 0.85
#: Model probability above which even a line that reads as prose is dropped.
PROSE_CERTAINTY = 0.97

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")
_DIGIT = re.compile(r"\d")


def _vocab(words: str) -> frozenset[str]:
    return frozenset(words.split())


_FUNCTION = _vocab(
    "the a an of to in on at for with by from and or but that which who whom whose this these those it its "
    "is are was were be been being has have had will would can could should may might must do does did not "
    "as than then there their they he she his her him we our us i me my if when while after before since "
    "into over about against between during under"
)
_VERB_HINT = _vocab(
    "is are was were be been has have had will would can could should may might must do does did said says "
    "say told tells asked added noted warned according expects expected called made make took take came "
    "come went go gave give got get found find showed show became become remains remained"
)
_CTA = _vocab(
    "share tweet pin email print subscribe sign follow click tap read continue leave join get download "
    "watch like comment register log login donate support advertise contact see view load show skip back "
    "go scroll enter accept manage save listen play open close search bookmark reply submit post unlock "
    "become send report"
)
_LINK = re.compile(r"https?://|www\.|(?<=\w)\.(?:com|net|org|co|io|info|news|tv|us|uk)\b|@\w", re.I)
_COPYRIGHT = re.compile(r"\u00a9|\(c\)\s*\d{4}|\bcopyright\b|\ball rights reserved\b", re.I)
_SEPARATORS = re.compile(r"[|\u2022\u00b7\u00bb\u00ab\u203a\u2039\u2192>/]")
_DATE_LIKE = re.compile(
    r"\b\d{1,2}/\d{1,2}/\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)"
    r"[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b",
    re.I,
)
_NUMBERED = re.compile(r"^(?:\d{1,2}[.)]\s|step \d|[-\u2022*]\s)", re.I)
_BUCKETS = ["w0", "w1"] + ["w2_3"] * 2 + ["w4_8"] * 5 + ["w9_20"] * 12 + ["w21"]
# Notices that are boilerplate even when written as full sentences (cookie, copyright, comment forms).
_NOTICE = re.compile(
    r"^\W{0,3}(?:\u00a9|copyright\b)|\ball rights reserved\b|\b(?:we|site|website|this site) uses? cookies\b"
    r"|\bcookie (?:policy|settings|preferences)\b|\byour email address will not be published\b"
    r"|\brequired fields are marked\b"
    r"|\bby (?:continuing|clicking|signing up|subscribing)\b.{0,40}\byou (?:agree|consent)\b",
    re.I,
)
# Calls to action written as sentences ("Get the top stories in your inbox every morning.").
_CTA_PHRASE = re.compile(
    r"\b(?:your inbox|newsletters?|sign up|subscribe|comments? (?:are|is) (?:moderated|closed|disabled)"
    r"|become a (?:member|subscriber|patron|supporter)|support (?:independent|our|local|quality) journalism"
    r"|contact (?:our|the) newsroom|send us (?:a|your)|have a (?:story|tip|news tip)|share this|follow us)\b",
    re.I,
)
# Link teasers: a label, then a headline ("Read more: ...", "Related: ...", "Podcast - ...").
_TEASER = re.compile(
    r"^\W{0,2}(?:read (?:more|next|also)|also read|related(?: coverage| stories| articles| posts)?|see also"
    r"|more (?:from|in|on)|watch|listen|explainer|opinion|podcast|video|recommended|trending|up next|next|previous"
    r"|don't miss|must read)"
    r"\s*(?::|\s[-\u2013\u2014|]\s)",
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
        if features.get("long_prose"):
            return False
        if features.get("long"):
            # Forty words and more is a paragraph unless it is a notice (cookies, copyright).
            return bool(features.get("notice")) and self.probability(features) >= self.threshold
        p = self.probability(features)
        if features.get("teaser"):
            return True  # "Read more: <headline>" is a link label, whatever words the headline uses
        if features.get("notice") or features.get("cta_phrase"):
            return p >= self.threshold
        if features.get("prose") or features.get("clause") or features.get("long"):
            return p >= PROSE_CERTAINTY
        if features.get("short_sentence"):
            return p >= SHORT_SENTENCE_CERTAINTY
        return p >= self.threshold


@lru_cache(maxsize=1)
def load_model() -> BoilerplateModel:
    """The shipped model, loaded once per process."""
    data = json.loads((DATA_DIR / MODEL_FILE).read_text(encoding="utf-8"))
    return BoilerplateModel(
        float(data["bias"]), {k: float(v) for k, v in data["weights"].items()}, float(data["threshold"])
    )


@lru_cache(maxsize=4096)
def is_sentence_line(line: str) -> bool:
    """The line reads as article prose: long enough, ends like a sentence, mostly lowercase words.

    Args:
        line: one cleaned line.
    """
    words = _words(line)
    if len(words) < 8 or not _SENT_END.search(line[-6:]):
        return False
    head = words[:30]
    return sum(1 for w in head if w[0].islower()) >= 0.4 * len(head)


@lru_cache(maxsize=4096)
def is_clause_line(line: str) -> bool:
    """The line reads as a clause even without final punctuation: several lowercase words and a verb.

    Args:
        line: one cleaned line.
    """
    toks = _tokens(line)
    if (
        len(toks) < 7
        or len(toks) >= LONG_LINE_WORDS
        or _LINK.search(line)
        or _COPYRIGHT.search(line)
        or line.startswith("[")
        or toks[0] in _CTA
        or _TEASER.match(line)
    ):
        return False
    words = _words(line)
    lower = sum(1 for w in words if w[0].islower())
    verb = any(t in _VERB_HINT or (len(t) > 4 and t.endswith("ed")) for t in toks)
    return verb and lower >= 0.5 * len(words) and sum(1 for t in toks if t in _FUNCTION) >= 2


@lru_cache(maxsize=4096)
def _words(line: str) -> tuple[str, ...]:
    # Cached: the header pass, the prose tests and the features all look at the same lines.
    # Only the opening words matter: the counts are compared with thresholds of a few dozen words.
    return tuple(_WORD.findall(line, 0, 400))


@lru_cache(maxsize=4096)
def _tokens(line: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_DIGIT.sub("0", line.lower())))


def line_features(line: str) -> dict[str, float]:
    """Features of one line on its own (shape, patterns, n-grams).

    Args:
        line: one cleaned line.
    """
    words = _words(line)
    n = len(words)
    if n >= LONG_LINE_WORDS:
        # Long lines are paragraphs or long notices: their shape and opening words decide.
        toks = _tokens(line[:60])
        f0 = {"long": 1.0, "first:" + toks[0] if toks else "first:": 1.0}
        if _COPYRIGHT.search(line):
            f0["copyright"] = 1.0
        if _NOTICE.search(line[:300]):
            f0["notice"] = 1.0
        if _SENT_END.search(line[-6:]):
            f0["end_sentence"] = 1.0
        return f0
    toks = _tokens(line)
    f: dict[str, float] = {"len_log": math.log1p(len(line)) / 6.0}
    f[_BUCKETS[min(n, 21)]] = 1.0
    stripped = line.rstrip()
    if _SENT_END.search(stripped[-6:]):
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
    if _NUMBERED.match(line):
        f["numbered"] = 1.0
    if line.startswith("[") or line.endswith("]"):
        f["bracket"] = 1.0
    if _COPYRIGHT.search(line):
        f["copyright"] = 1.0
    if _NOTICE.search(line):
        f["notice"] = 1.0
    if _CTA_PHRASE.search(line):
        f["cta_phrase"] = 1.0
    if _TEASER.match(line):
        f["teaser"] = 1.0
    seps = len(_SEPARATORS.findall(line))
    if seps:
        f["separators"] = min(seps, 4) / 4.0
    digits = len(_DIGIT.findall(line))
    if digits:
        f["digit_ratio"] = digits / max(1, len(line))
    if _DATE_LIKE.search(line):
        f["date_like"] = 1.0
    if line.endswith(("*", "...", "\u2026")):
        f["end_mark"] = 1.0
    # Word n-grams from the start of the line, where calls to action and labels sit.
    head = toks[:8]
    for t in head:
        f["u:" + t] = 1.0
    for a, b in itertools.pairwise(head):
        f["b:" + a + "_" + b] = 1.0
    if head:
        f["first:" + head[0]] = 1.0
        f["last:" + toks[-1]] = 1.0
    if n >= 3 and _SENT_END.search(stripped[-6:]) and "cta_start" not in f and "you" not in f and "verb_hint" in f:
        f["short_sentence"] = 1.0
    lowered = " " + _DIGIT.sub("0", line[:48].lower()) + " "
    for i in range(len(lowered) - 3):
        f["c:" + lowered[i : i + 4]] = 1.0
    return f


def _maybe_notice(line: str) -> bool:
    """Cheap test for a copyright notice or a URL inside a long line."""
    return (
        "\u00a9" in line
        or "opyright" in line
        or "ights reserved" in line
        or "http" in line
        or "www." in line
        or "cookies" in line
        or "email address" in line
        or "newsletter" in line
        or "inbox" in line
        or "ubscribe" in line
    )


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
        if prose[i] and len(_words(line)) >= PROSE_WORDS and not _maybe_notice(line):
            # A paragraph of prose with no notice or link pattern is article text: no need to score it.
            out.append({"long_prose": 1.0})
            continue
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
        if title_words and "long" not in f:
            words = set(_tokens(line))
            if words:
                f["title_sim"] = len(words & title_words) / len(words | title_words)
        if 0 < i < n - 1 and prose[i - 1] and prose[i + 1]:
            f["between_prose"] = 1.0
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
