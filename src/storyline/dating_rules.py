"""Clue extraction for content-based dating: datelines, date mentions, tweet ids, dated titles and terms.

Each clue carries a likelihood over candidate days (numpy arrays of day offsets from a domain
start); `storyline.dating` multiplies them into a posterior.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storyline.kb import Actor, KnowledgeBase, Role, load_kb, normalise_name

__all__ = [
    "BoxClue",
    "Clue",
    "PartialClue",
    "SpanClue",
    "find_date_mentions",
    "find_dateline",
    "find_kb_clues",
    "find_tweet_dates",
]

YEAR_DAYS = 365.2425
#: Likelihood mix (after, before, anywhere) of a dateline that gives the day but no year, without and
#: with a weekday near it that narrows the years.
DATELINE_MIX = (0.8, 0.15, 0.05)
DATELINE_MIX_WEEKDAY = (0.75, 0.15, 0.10)
#: How far behind UTC a page's own date may run (UTC-12 is the last time zone).
TWEET_ZONE_SLACK = dt.timedelta(hours=12)
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MON = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
WDAY = r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day"
_WD = rf"(?:(?P<wd>{WDAY}),?\s+)?"
_ORD = r"(?:st|nd|rd|th)?"
_FULL_MDY = re.compile(rf"\b{_WD}(?P<mon>{MON})\.?\s+(?P<day>\d{{1,2}}){_ORD},?\s+(?P<year>\d{{4}})\b")
_FULL_DMY = re.compile(rf"\b{_WD}(?P<day>\d{{1,2}}){_ORD}\s+(?:of\s+)?(?P<mon>{MON})\.?,?\s+(?P<year>\d{{4}})\b")
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")
_SLASH = re.compile(r"\b(?P<m>[01]?\d)/(?P<day>[0-3]?\d)/(?P<year>(?:19|20)\d\d)\b")
_PARTIAL = re.compile(
    rf"\b(?:(?P<wd>{WDAY}),?\s+(?:the\s+)?)?(?P<mon>{MON})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?![,.]?\s*\d)(?!:)"
)
_PARTIAL_DM = re.compile(rf"\b{_WD}(?P<day>\d{{1,2}}){_ORD}\s+(?P<mon>{MON})\b(?![,.]?\s*\d)")
_MONTH_YEAR = re.compile(rf"\b(?P<mon>{MON})\.?,?\s+(?:of\s+)?(?P<year>\d{{4}})\b")
# A count that looks like a year ("2000 workers", "1500 tons", "1998 votes") is no year.
_COUNT_NOUN = (
    r"\s+(?:people|persons|men|women|children|shares|workers|employees|jobs|troops|soldiers|residents|"
    r"members|units|cars|vehicles|homes|houses|acres|miles|kilometers|kilometres|km|feet|meters|metres|"
    r"tons|tonnes|barrels|pounds|dollars|yen|marks|francs|points|votes|delegates|students|cases|deaths|"
    r"copies|pages|words|rooms|beds|seats|hours|calories|passengers|patients|refugees|prisoners)\b"
)
_YEAR = re.compile(
    r"(?<![$#\d/.\-])\b(?P<year>(?:19[5-9]|20[0-3])\d)\b"
    rf"(?![\d/%]|-\d\d\b|\s*(?:%|percent)|{_COUNT_NOUN})"
)
_FUTURE = re.compile(
    # "would be finished", "will have closed": a participle after a modal still looks ahead.
    r"\b(?:(?:will|shall|would|won['’]t|wouldn['’]t)\s+(?:not\s+)?(?:be|have(?:\s+been)?)\s+[a-z]+ed\b|"
    r"will|shall|would|won['’]t|wouldn['’]t|scheduled|slated|set to|due to|expect(?:s|ed)?|plans? to|planned|"
    r"upcoming|next|until|by the end of|forecast|projected|deadline|starting|beginning in|ahead of|before the)\b",
    re.I,
)
_TWEET = re.compile(r"(?:tweet[-_ ]?id=[\"']?|twitter\.com/\w+/status(?:es)?/|x\.com/\w+/status/)(\d{15,20})")
_DATELINE_FULL = re.compile(
    rf"^[^\n]{{0,80}}?(?:(?P<wd>{WDAY}),?\s+)?(?P<mon>{MON})\.?\s+(?P<day>\d{{1,2}}),?\s+(?P<year>(?:19|20)\d\d)"
    r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:[-–—_]{1,2}|/|:)",
)
_DATE_LINE = re.compile(
    rf"^\s*(?:(?:Published|Posted|Updated|Dated?)\s*:?\s*)?(?:(?P<wd>{WDAY}),?\s+)?(?:(?P<mon>{MON})\.?\s+(?P<day>\d{{1,2}}),?"
    rf"|(?P<day2>\d{{1,2}})\s+(?P<mon2>{MON})\.?,?)\s+(?P<year>(?:19|20)\d\d)\b"
    r"[,\s]*(?:(?:at\s+)?\d{1,2}(?::\d\d)?\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,4})?)?\s*$",
    re.I | re.M,
)
_DATELINE_PART = re.compile(
    rf"^(?:[A-Z][A-Za-z .'\-]{{1,40}}),\s+(?:[A-Z][A-Za-z .'\-]{{1,25}},\s+)?(?P<mon>{MON})\.?\s+(?P<day>\d{{1,2}})"
    r"\s*(?:\([^)\n]{1,40}\)\s*)?(?:[-–—_]{1,2}|/|:)",
    re.M,
)


_EVENT_YEAR = re.compile(
    r"(?:['’]s)?\s+(?:\w+\s+)?(?:presidential|election|elections|race|campaign|primary|primaries|caucus|caucuses|"
    r"nomination|contest|cycle|ballot|olympics|world cup|budget|season|vote|midterms?|general election|"
    r"white house|gop|republican|democratic|convention|candidates?|hopefuls?|field|bid|run)\b",
    re.I,
)
_MONTH_ONLY = re.compile(
    r"\b(?:in|since|until|by|during|early|late|mid-|last|next|this|of)\s+(?:early\s+|late\s+|mid-?)?"
    r"(?P<mon>January|February|March|April|June|July|August|September|October|November|December)\b(?!\s*\d)"
)
# A year named as a reporting period ("fiscal 1989", "1989 earnings", "the third quarter of 1989",
# "the 1990 budget") is the year being accounted for: the text is written during it or in the months
# after it closes (annual results appear early in the next year), rarely years later. Calendar and
# book-keeping habits, not facts about one period.
_REPORT_AFTER = re.compile(
    r"(?:['’]s)?\s+(?:fiscal\s+)?(?:(?:first|second|third|fourth)[- ]quarter|first[- ]half|second[- ]half|"
    r"earnings|profits?|net(?:\s+income)?|results|sales|revenues?|loss(?:es)?|income|period|quarter|"
    r"fiscal year|dividends?|operating|budget|spending|forecast|outlook|estimates?|figures|output|"
    r"production|shipments|deficit|surplus|growth|inflation)\b",
    re.I,
)
_REPORT_BEFORE = re.compile(
    r"(?:\bfiscal(?:\s+year)?|\b(?:first|second|third|fourth)\s+quarter\s+of|\b(?:first|second)\s+half\s+of|"
    r"\bfirst\s+(?:three|six|nine)\s+months\s+of|\b(?:the\s+)?(?:rest|remainder|balance)\s+of|"
    r"\b(?:earnings|profits?|results|sales|revenues?|income|growth|output|spending)\s+(?:for|in)|"
    r"\bfull[- ]year)\s+$",
    re.I,
)
REPORT_P = 0.95
MONTH_ONLY_WEIGHT = 0.5
# PolNeAR train: only a tenth of the bare years a text names are its own year; most are looked back on.
YEAR_MIX = (0.12, 0.06, 0.72, 0.1)
YEAR_MIX_EVENT = (0.25, 0.3, 0.35, 0.1)
YEAR_TAU_BEFORE = 400.0
YEAR_WEIGHT = 0.8
# 0: a text looks back at a year it names for any time after it alike; > 0: mostly within that many days.
YEAR_TAU_FAR = 0.0
# Looking back at a named year: half flat, half a heavy tail with half its mass within YEAR_FAR_SCALE
# days of the year's end, so "in 1988" favours 1988-1990 over 2010 whatever the period (PolNeAR train
# and TimeML 1989-2000 news agree on it).
YEAR_FAR_SCALE = 1000.0
YEAR_FAR_FLAT = 0.5
# Share of the looking-back weight of a forward-looking mention ("expects ... in 1990") moved before it.
FUTURE_FAR_SHIFT = 0.8
# How far ahead of a forward-looking day or month ("by June 30", "in March 2025") the text tends to be:
# the scale of a heavy tail, half its mass within that many days (TimeML: half the years a text looks
# ahead to start more than a year after it).
FUTURE_TAU_DAY = 60.0
FUTURE_TAU_SPAN = 240.0
# Looking back at a named day or month: 0 keeps the flat "any later day alike" tail; > 0 turns part of
# it into a heavy tail, as for years (PolNeAR train and TimeML: most full dates a text names lie a
# year or more before it).
DATE_FAR_SCALE = 1000.0
DATE_FAR_FLAT = 0.5
# Mix (near, before, far, floor) of a named day or month. News style gives the year only for dates
# outside the current year, so a month named with its year is almost never the month of writing
# (PolNeAR train: 0 of 85, TimeML: 0 of 13; nearly all lie a year or more back) and a full date is
# the day of writing or the weeks before it in about a quarter of cases (PolNeAR train 0.31, TimeML
# 0.06).
DAY_MIX = (0.25, 0.1, 0.55, 0.1)
MONTH_MIX = (0.05, 0.03, 0.82, 0.1)
# The same style rule the other way: a month named with its year is rarely looked back on from later in
# that year ("in March" would do), so the looking-back tail is scaled by this factor until the year
# ends (PolNeAR train: 3 of 86 such months lie earlier in the year of writing, 14 the year before).
MONTH_REST_OF_YEAR = 0.25


def _month(token: str) -> int:
    return _MONTHS[token[:3].lower()]


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _ord(day: dt.date, start: dt.date) -> int:
    return (day - start).days


def sentence_at(text: str, pos: int) -> str:
    """The sentence (at most 200 characters each side) around ``pos`` in ``text``."""
    lo = max(text.rfind(".", 0, pos), text.rfind("\n", 0, pos), pos - 200)
    hi_candidates = [i for i in (text.find(". ", pos), text.find("\n", pos)) if i != -1]
    hi = min([*hi_candidates, pos + 200])
    return text[lo + 1 : hi]


_SINCE = re.compile(r"\bsince\b[^.;\n]{0,70}$", re.I)
# The end of a loan, bond or contract ("debentures due March 1, 2011", "notes maturing in 2009"): such
# dates lie years ahead of the text whatever its period, so they say little about when it was written.
_TERM = re.compile(
    r"\b(?:due|matur(?:e|es|ing|ity)|expir(?:e|es|ing)|puttable|callable|redeemable)"
    r"(?:\s+(?:in|on|at|by))?\s+(?:(?:early|mid|late|mid-)\s*)?$",
    re.I,
)
# "by 1994", "until 1992": a year the text looks ahead to.
_BY_YEAR = re.compile(r"\b(?:by|until|till)\s+(?:the end of\s+)?$", re.I)


def _is_term(text: str, start: int) -> bool:
    """Whether the date at ``start`` is the end of a loan, bond or contract term."""
    return bool(_TERM.search(text, max(0, start - 30), start))


_PAST = re.compile(
    r"\b(?:was|were|had|did|ago|earlier|last|previously|former(?:ly)?|"
    # common irregular past tenses ("ran until 1995", "held the post until 2011")
    r"ran|took|went|came|made|began|held|won|lost|fell|rose|grew|left|became|gave|got|met|paid|sold|bought|"
    r"built|kept|led|brought|found|wrote|spoke|broke|drove|flew|knew|stood|sent|spent|"
    # a past tense or participle, but not a word that merely ends in -ed or looks ahead
    r"(?!(?:hundred|need|indeed|speed|seed|feed|breed|proceed|exceed|succeed|shed|united|limited|"
    r"scheduled|expected|planned|projected|proposed|anticipated|intended|slated)\b)[a-z]{2,}ed)\b",
    re.I,
)
# The clause around a mention decides its tense before the rest of its sentence does.
CLAUSE_CHARS = 60


def _is_future(text: str, start: int, end: int) -> bool:
    """Whether the mention sits in forward-looking wording ("will", "scheduled", "next").

    The nearest tense cue before the mention in its own clause wins: "were invited in July 1997,
    will join in March" reads July 1997 as past although the sentence looks ahead. "until" and the
    like take their clause's tense: "served until March 2011" looks back.
    """
    return bool(_FUTURE.search(sentence_at(text, start))) and not _past_clause(text, start)


# Cues that take the tense of their clause: "served until 2011" and "had doubled by 1992" look back,
# "will run until 2011" looks ahead.
_TENSELESS = re.compile(r"(?i)until|by the end of|starting|beginning in|ahead of|before the")


def _past_clause(text: str, start: int) -> bool:
    """Whether the clause before ``start`` has a past-tense cue after its last forward-looking verb."""
    lo = max(0, start - CLAUSE_CHARS)
    clause = text[lo:start]
    cut = max(clause.rfind(","), clause.rfind(";"), clause.rfind(":"), clause.rfind("."), clause.rfind("\n"))
    clause = clause[cut + 1 :]
    last_fut = max((m.end() for m in _FUTURE.finditer(clause) if not _TENSELESS.fullmatch(m.group(0))), default=-1)
    last_past = max((m.end() for m in _PAST.finditer(clause)), default=-1)
    return last_past > last_fut


@dataclass(frozen=True)
class Clue:
    """One piece of dating evidence and its likelihood over days.

    Args:
        evidence: human-readable reason.
        weight: exponent on the likelihood (how much to trust this clue family).
        strength: ranking key for the evidence list.
    """

    evidence: str
    weight: float = 1.0
    strength: float = 1.0

    def likelihood(self, t: np.ndarray, start: dt.date) -> np.ndarray:
        """Likelihood of the evidence for each day offset in ``t`` (days since ``start``)."""
        return np.ones_like(t)


def _after(x: np.ndarray, tau: float) -> np.ndarray:
    out = np.zeros_like(x)
    m = x >= 0
    out[m] = np.exp(-x[m] / tau) / tau
    return out


def _before(x: np.ndarray, tau: float) -> np.ndarray:
    out = np.zeros_like(x)
    m = x < 0
    out[m] = np.exp(x[m] / tau) / tau
    return out


def _lomax(x: np.ndarray, scale: float) -> np.ndarray:
    """Density of a heavy (Lomax, shape 1) tail for x >= 0: half its mass within ``scale`` days."""
    out = np.zeros_like(x)
    m = x >= 0
    out[m] = (1.0 / scale) / (1.0 + x[m] / scale) ** 2
    return out


@dataclass(frozen=True)
class SpanClue(Clue):
    """A mentioned day, month or year: the text is usually written during or soon after it."""

    first: dt.date = dt.date(2000, 1, 1)
    length: int = 1
    future: bool = False
    mix: tuple[float, float, float, float] = (0.4, 0.15, 0.35, 0.1)
    tau_near: float = 10.0
    tau_before: float = 30.0
    tau_far: float = 0.0
    far_scale: float = 0.0
    far_flat: float = 0.0
    rest_of_year: float = 1.0

    def likelihood(self, t: np.ndarray, start: dt.date) -> np.ndarray:
        x = t - _ord(self.first, start)
        near_w, before_w, far_w, floor_w = self.mix
        tau_before = self.tau_before
        if self.future:
            near_w, before_w = near_w * 0.4, before_w + near_w * 0.6
            tau_before = max(tau_before, FUTURE_TAU_DAY if self.length <= 1 else FUTURE_TAU_SPAN)
            if FUTURE_FAR_SHIFT > 0:
                # Looked forward to: written before it far more often than long after it.
                before_w, far_w = before_w + far_w * FUTURE_FAR_SHIFT, far_w * (1.0 - FUTURE_FAR_SHIFT)
        if self.length <= 1:
            near = _after(x, self.tau_near)
        else:
            near = np.where((x >= 0) & (x < self.length), 1.0 / self.length, 0.0)
            near = 0.7 * near + 0.3 * _after(x - self.length, self.tau_near * 3)
        if self.tau_far > 0:
            far = _after(x - self.length, self.tau_far)
        else:  # any later day alike: texts look back at old dates for as long as they like
            later = x >= self.length
            far = np.where(later, 1.0 / max(1, int(later.sum())), 0.0)
            if self.far_scale > 0:
                # Part heavy tail: mostly the next year or two, yet decades later stay plausible; unlike
                # the flat part it does not depend on how far today lies from the mention.
                far = self.far_flat * far + (1.0 - self.far_flat) * _lomax(x - self.length, self.far_scale)
        if self.rest_of_year != 1.0:  # ``far`` is zero before the span ends, so only its year's rest is scaled
            far = np.where(t <= _ord(dt.date(self.first.year, 12, 31), start), far * self.rest_of_year, far)
        # A deadline, schedule or contract term may lie years ahead ("until Dec. 31, 1994" in a 1989
        # text): half the before-side within ``tau_before`` days of it, the rest a heavy tail, so it
        # bounds the writing date from above only loosely.
        before = _lomax(-x - 1, tau_before) if self.future else _before(x, tau_before)
        return near_w * near + before_w * before + far_w * far + floor_w / t.size


@dataclass(frozen=True)
class PartialClue(Clue):
    """A month and day without a year: the text is written near that day in some year."""

    month: int = 1
    day: int = 1
    years: tuple[int, ...] = ()
    tau_after: float = 12.0
    tau_before: float = 25.0
    mix: tuple[float, float, float] = (0.6, 0.2, 0.2)

    def likelihood(self, t: np.ndarray, start: dt.date) -> np.ndarray:
        a, b, u = self.mix
        if self.years:
            out = np.full(t.shape, u / YEAR_DAYS)
            for y in self.years:
                d = _safe_date(y, self.month, self.day)
                if d is None:
                    continue
                x = t - _ord(d, start)
                out += a * _after(x, self.tau_after) + b * _before(x, self.tau_before)
            return out
        since, until = _anniversary_gaps(t, start, self.month, self.day)
        after = np.exp(-since / self.tau_after) / self.tau_after
        before = np.exp(-until / self.tau_before) / self.tau_before
        return a * after + b * before + u / YEAR_DAYS


def _anniversary_gaps(t: np.ndarray, start: dt.date, month: int, day: int) -> tuple[np.ndarray, np.ndarray]:
    """Days since the last and until the next (month, day), exactly by the calendar, for each day offset.

    A mean-year period (365.2425 days) drifts up to a day off the true anniversary across the leap
    cycle, which matters for a dateline's day-wide likelihood. A 29 February falls on 1 March in
    other years.

    Args:
        t: day offsets from ``start``.
        start: the first day of the domain.
        month: the month.
        day: the day of the month.
    """
    days = np.datetime64(start, "D") + t.astype(np.int64).astype("timedelta64[D]")
    year = days.astype("datetime64[Y]")

    def on(y: np.ndarray) -> np.ndarray:
        return (y.astype("datetime64[M]") + (month - 1)).astype("datetime64[D]") + (day - 1)

    this = on(year)
    last = np.where(days >= this, this, on(year - 1))
    nxt = np.where(days < this, this, on(year + 1))
    return (days - last).astype(np.float64), (nxt - days).astype(np.float64)


@dataclass(frozen=True)
class BoxClue(Clue):
    """The text lies in a union of day ranges with probability ``p``, anywhere otherwise."""

    spans: tuple[tuple[dt.date | None, dt.date | None], ...] = ()
    p: float = 0.9
    ramps: tuple[float, ...] = ()
    # The first ``max_first`` spans are alternatives (offices of one career): where they overlap the
    # likelier one counts, not their sum. The others add up as usual.
    max_first: int = 0

    def likelihood(self, t: np.ndarray, start: dt.date) -> np.ndarray:
        dens = np.zeros(t.shape, dtype=np.float64)
        for k, (lo, hi) in enumerate(self.spans):
            if k == self.max_first and k > 0:
                alt, dens = dens, np.zeros(t.shape, dtype=np.float64)
            m = np.ones(t.shape, dtype=bool)
            if lo is not None:
                m &= t >= _ord(lo, start)
            if hi is not None:
                m &= t <= _ord(hi, start)
            ramp = self.ramps[k] if k < len(self.ramps) else 0.0
            if ramp > 0 and lo is not None and hi is not None:
                # Campaign coverage grows towards its end (the vote): weight rises linearly across the spell.
                a, b = _ord(lo, start), _ord(hi, start)
                frac = np.clip((t - a) / max(1, b - a), 0.0, 1.0)
                shape = np.where(m, 1.0 + ramp * frac, 0.0)
            else:
                shape = m.astype(np.float64)
            n = float(shape.sum())
            if n <= 0:
                continue
            if SPELL_NORM and k < self.max_first:
                dens = np.maximum(dens, shape / n)
            elif SPELL_NORM:
                # Each spell is a priori as newsworthy as another, however long it lasted.
                dens += shape / n
            else:
                dens = np.maximum(dens, shape / max(1.0, float(shape.max())))
        if 0 < self.max_first < len(self.spans):
            dens += alt
        total = float(dens.sum())
        if total == 0:
            return np.ones_like(t)
        floor = (1.0 - self.p) / t.size
        return self.p * dens / total + floor


# ----------------------------------------------------------------------------- datelines


def find_dateline(text: str, *, today: dt.date) -> tuple[dt.date, str] | None:
    """A date the text states for itself: a dateline or a standalone date line near the top.

    Args:
        text: the article body.
        today: no stated date may lie after it.
    """
    head = text[:600]
    m = _DATELINE_FULL.search(head.lstrip())
    if m:
        d = _safe_date(int(m.group("year")), _month(m.group("mon")), int(m.group("day")))
        if d and _weekday_ok(m.group("wd"), d) and d <= today:
            return d, f"dateline states the date: {m.group(0).strip()[:80]!r}"
    for m in _DATE_LINE.finditer(text[:1500]):
        mon, day = m.group("mon") or m.group("mon2"), m.group("day") or m.group("day2")
        d = _safe_date(int(m.group("year")), _month(mon), int(day))
        if d and _weekday_ok(m.group("wd"), d) and d <= today:
            return d, f"standalone date line: {m.group(0).strip()[:80]!r}"
    return None


def _weekday_ok(wd: str | None, d: dt.date) -> bool:
    return wd is None or _WEEKDAYS.index(wd.lower()) == d.weekday()


# ----------------------------------------------------------------------------- tweets


def find_tweet_dates(text: str) -> list[Clue]:
    """Embedded tweet ids encode their posting time; the text is written on or after it.

    Args:
        text: the text.
    """
    out: list[Clue] = []
    seen: set[dt.date] = set()
    for m in _TWEET.finditer(text):
        tid = int(m.group(1))
        ms = (tid >> 22) + 1288834974657
        if tid < (1 << 32):  # pre-2010 sequential ids carry no time
            continue
        try:
            posted = dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            continue
        # The id's time is UTC; a page dated in a time zone behind UTC may carry the day before.
        d = (posted - TWEET_ZONE_SLACK).date()
        if d in seen or d.year < 2010:
            continue
        seen.add(d)
        out.append(
            SpanClue(
                evidence=f"embedded tweet {tid} was posted {posted:%Y-%m-%d %H:%M} UTC: the text is not older"
                f" than {d.isoformat()}",
                weight=1.0,
                strength=9.0,
                first=d,
                mix=(0.6, 0.005, 0.39, 0.005),
                tau_near=15.0,
                tau_far=400.0,
            )
        )
    return out


# ----------------------------------------------------------------------------- date mentions


def _spans_overlap(spans: list[tuple[int, int]], s: int, e: int) -> bool:
    return any(s < b and a < e for a, b in spans)


def find_date_mentions(text: str, *, title: str | None = None) -> list[Clue]:
    """Full dates, month-year, years and year-less month-days the text mentions.

    Args:
        text: the text (title included).
        title: the headline, if it is part of ``text``.
    """
    out: list[Clue] = []
    taken: list[tuple[int, int]] = []
    seen: set[tuple[str, object]] = set()
    m: re.Match[str] | None
    # Full dates.
    for rx in (_FULL_MDY, _FULL_DMY, _ISO, _SLASH):
        for m in rx.finditer(text):
            if _spans_overlap(taken, m.start(), m.end()):
                continue
            mon = _month(m.group("mon")) if "mon" in m.re.groupindex else int(m.group("m"))
            d = _safe_date(int(m.group("year")), mon, int(m.group("day")))
            if d is None:
                continue
            taken.append((m.start(), m.end()))
            wd = m.groupdict().get("wd")
            if (wd and not _weekday_ok(wd, d)) or _is_term(text, m.start()):
                continue
            fut = _is_future(text, m.start(), m.end())
            key = ("day", d)
            if key in seen:
                continue
            seen.add(key)
            out.append(
                SpanClue(
                    evidence=f"mentions {'upcoming ' if fut else ''}date {d.isoformat()} ({m.group(0).strip()!r})",
                    strength=5.0,
                    first=d,
                    future=fut,
                    mix=DAY_MIX,
                    far_scale=DATE_FAR_SCALE,
                    far_flat=DATE_FAR_FLAT,
                )
            )
    # Month and year.
    for m in _MONTH_YEAR.finditer(text):
        if _spans_overlap(taken, m.start(), m.end()):
            continue
        y, mon = int(m.group("year")), _month(m.group("mon"))
        if not 1900 <= y <= 2100:
            continue
        taken.append((m.start(), m.end()))
        if _is_term(text, m.start()):
            continue
        first = dt.date(y, mon, 1)
        nxt = dt.date(y + (mon == 12), mon % 12 + 1, 1)
        key = ("month", first)
        if key in seen:
            continue
        seen.add(key)
        fut = _is_future(text, m.start(), m.end())
        # "since June 2024" / "has run low since ... June 2024": the text is written after that month.
        since = not fut and bool(_SINCE.search(text, max(0, m.start() - 80), m.start()))
        out.append(
            SpanClue(
                evidence=f"mentions {'upcoming ' if fut else ''}month {first:%Y-%m} ({m.group(0).strip()!r})"
                + (": written since then" if since else ""),
                strength=4.0,
                first=first,
                length=(nxt - first).days,
                future=fut,
                mix=(0.35, 0.005, 0.545, 0.1) if since else MONTH_MIX,
                rest_of_year=1.0 if since else MONTH_REST_OF_YEAR,
                tau_before=60.0,
                far_scale=DATE_FAR_SCALE,
                far_flat=DATE_FAR_FLAT,
            )
        )
    # A dateline without a year ("PARIS, Aug. 7 (AFP) --") gives the day itself; agency copy then says
    # "said Friday" of that day, so weekdays named near the top favour the years where they agree.
    m = _DATELINE_PART.search(text[:400])
    if m and _safe_date(2000, _month(m.group("mon")), int(m.group("day"))):
        taken.append((m.start("mon"), m.end("day")))
        mon, day = _month(m.group("mon")), int(m.group("day"))
        named = {_WEEKDAYS.index(w.lower()) for w in re.findall(WDAY, text[m.end() : m.end() + 400])}
        dl_years: tuple[int, ...] = ()
        if named:
            # Agency copy filed on the dateline's day says "said Thursday" of that day or the day before.
            dl_years = tuple(
                y
                for y in range(1960, 2031)
                if (dd := _safe_date(y, mon, day)) and any((dd.weekday() - w) % 7 in (0, 1) for w in named)
            )
        why = f"; the weekday named near it fits {len(dl_years)} years" if dl_years else ""
        out.append(
            PartialClue(
                evidence=f"dateline gives the day but no year: {m.group(0).strip()[:60]!r}{why}",
                strength=8.0,
                weight=2.0,
                month=mon,
                day=day,
                years=dl_years,
                tau_after=1.5,
                tau_before=1.0,
                # A copy is often dated the day before its dateline (4 of 19 year-less datelines in
                # PolNeAR train: wires filed for the next morning, time zones), so the day before keeps
                # a share.
                mix=DATELINE_MIX if not dl_years else DATELINE_MIX_WEEKDAY,
            )
        )
    # A month named without day or year ("in March"): the text is usually from the months around it.
    months_named: set[int] = set()
    for m in _MONTH_ONLY.finditer(text):
        if _spans_overlap(taken, m.start(), m.end()):
            continue
        months_named.add(_month(m.group("mon")))
    for mon in sorted(months_named):
        out.append(
            PartialClue(
                evidence=f"mentions {dt.date(2000, mon, 1):%B} without a day or year",
                strength=1.0,
                weight=MONTH_ONLY_WEIGHT,
                month=mon,
                day=15,
                tau_after=75.0,
                tau_before=60.0,
                mix=(0.6, 0.25, 0.15),
            )
        )
    # Month and day without a year; a weekday fixes the candidate years.
    for rx in (_PARTIAL, _PARTIAL_DM):
        for m in rx.finditer(text):
            if _spans_overlap(taken, m.start(), m.end()):
                continue
            mon, day = _month(m.group("mon")), int(m.group("day"))
            if _safe_date(2000, mon, day) is None:
                continue
            taken.append((m.start(), m.end()))
            wd = m.group("wd")
            years: tuple[int, ...] = ()
            if wd:
                w = _WEEKDAYS.index(wd.lower())
                years = tuple(y for y in range(1960, 2031) if (d := _safe_date(y, mon, day)) and d.weekday() == w)
            pkey: tuple[str, object] = ("partial", (mon, day, years))
            if pkey in seen:
                continue
            seen.add(pkey)
            label = f"{wd + ', ' if wd else ''}{dt.date(2000, mon, day):%B} {day}"
            why = " (weekday fixes the year)" if wd else ""
            out.append(
                PartialClue(
                    evidence=f"mentions {label} without a year{why}",
                    strength=3.5 if wd else 3.0,
                    month=mon,
                    day=day,
                    years=years,
                )
            )
    # Bare years. A "last year" or "this year" beside a bare year is no clue: it may be relative to that
    # year ("sales in 1989 rose from last year") or name it ("last year, in 1988"); PolNeAR train and
    # TimeML bear out neither reading (2 of 23). Next to a dated event it is: see storyline.dating_events.
    years_seen: dict[int, tuple[bool, bool, bool]] = {}
    for m in _YEAR.finditer(text):
        if _spans_overlap(taken, m.start(), m.end()):
            continue
        y = int(m.group("year"))
        if _is_term(text, m.start()):
            continue
        by_year = bool(_BY_YEAR.search(text, max(0, m.start() - 20), m.start())) and not _past_clause(text, m.start())
        fut = _is_future(text, m.start(), m.end()) or by_year
        event = bool(_EVENT_YEAR.match(text, m.end()))
        report = _is_report_year(text, m.start(), m.end())
        was_fut, was_event, was_report = years_seen.get(y, (True, True, False))
        years_seen[y] = (was_fut and fut, was_event and event, was_report or report)
    for y, (fut, event, report) in years_seen.items():
        out.append(_year_clue(y, fut=fut, event=event, report=report))
    return out


def _is_report_year(text: str, start: int, end: int) -> bool:
    """Whether the year at ``start:end`` names a reporting period ("fiscal 1989", "1989 earnings")."""
    return bool(_REPORT_AFTER.match(text, end)) or bool(_REPORT_BEFORE.search(text, max(0, start - 40), start))


def _year_clue(y: int, *, fut: bool, event: bool, report: bool) -> Clue:
    """The likelihood of a bare year mention, shaped by how the text uses it."""
    length = (dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days
    if report:
        # The period being accounted for, or the one a year-ago comparison names: that year or the next
        # (one looking ahead, "1990 earnings will", is the coming year: the text is from that year or
        # the one before). Checked on TimeML: "the 1988 period" in a 1989 text is as common as "the
        # 1989 period", so neither year is favoured.
        lo, hi = (y - 1, y) if fut else (y, y + 1)
        note = " (a reporting period, looking ahead)" if fut else " (a reporting period)"
        return BoxClue(
            evidence=f"mentions the year {y}{note}: written in {lo} or {hi}",
            weight=1.0,
            strength=3.0,
            spans=((dt.date(lo, 1, 1), dt.date(hi, 12, 31)),),
            p=REPORT_P,
        )
    note = " (looking ahead)" if fut else " (names an event of that year)" if event else ""
    return SpanClue(
        evidence=f"mentions the year {y}{note}",
        strength=2.0,
        first=dt.date(y, 1, 1),
        length=length,
        future=fut,
        mix=YEAR_MIX_EVENT if event else YEAR_MIX,
        tau_before=YEAR_TAU_BEFORE,
        tau_far=YEAR_TAU_FAR,
        far_scale=YEAR_FAR_SCALE,
        far_flat=YEAR_FAR_FLAT,
        weight=YEAR_WEIGHT,
    )


# ----------------------------------------------------------------------------- knowledge-base clues

_FRONT_RUNNER_TITLE = r"front-?runner"
# title pattern -> roles it can denote
_TITLES: dict[str, tuple[str, ...]] = {
    r"vice[ -]president[ -]elect": ("vice president-elect",),
    r"president[ -]elect": ("president-elect",),
    r"vice[ -]president": ("vice president",),
    r"vice[ -]presidential (?:nominee|candidate|pick)|running[ -]mate": ("running mate",),
    r"presumptive (?:republican |democratic |gop |presidential )*nominee": (
        "presumptive nominee",
        "presidential nominee",
    ),
    r"(?:presidential )?nominee": ("presidential nominee", "presumptive nominee"),
    # A front-runner leads the primaries: the candidacy before anyone is the presumptive nominee.
    _FRONT_RUNNER_TITLE: ("presidential candidate",),
    r"(?:presidential )?(?:candidate|hopeful|contender)|white house hopeful": (
        "presidential candidate",
        "presidential nominee",
        "presumptive nominee",
    ),
    r"president": ("president",),
    r"secretary of state": ("secretary of state",),
    r"secretary of defen[cs]e|defen[cs]e secretary|pentagon chief": ("secretary of defense", "defence secretary"),
    r"secretary of war|war secretary": ("secretary of war", "secretary of defense"),
    r"(?:joint chiefs(?: of staff)? chairman|chairman of the joint chiefs(?: of staff)?)": (
        "chairman of the joint chiefs of staff",
    ),
    r"treasury secretary|secretary of the treasury": ("secretary of the treasury",),
    r"attorney general": ("attorney general",),
    r"fbi director|director of the fbi": ("director of the fbi",),
    r"cia director|director of the cia": ("director of the cia",),
    r"national security (?:adviser|advisor)": ("national security adviser",),
    r"(?:white house )?press secretary": ("white house press secretary",),
    r"(?:white house )?chief of staff": ("white house chief of staff",),
    r"(?:u\.?n\.? |un )?ambassador to the (?:united nations|u\.?n\.?)|u\.?n\.? ambassador": (
        "ambassador to the united nations",
    ),
    r"(?:house )?speaker(?: of the house)?": ("speaker of the house",),
    r"(?:senate )?majority leader": ("senate majority leader", "house majority leader"),
    r"(?:senate |house )?minority leader": ("senate minority leader", "house minority leader"),
    r"prime minister|premier|\bpm\b": ("prime minister", "premier"),
    r"chancellor of the exchequer": ("chancellor of the exchequer",),
    r"chancellor": ("chancellor",),
    r"foreign secretary": ("foreign secretary", "foreign minister"),
    r"foreign minister|minister of foreign affairs": ("foreign minister", "foreign secretary"),
    r"defen[cs]e minister|minister of defen[cs]e": ("defence minister", "defence secretary"),
    r"(?:u\.?n\.? |nato |un )?secretary[ -]general": ("secretary-general",),
    r"(?:european )?commission president|president of the european commission": (
        "president of the european commission",
    ),
    r"(?:european )?council president|president of the european council": ("president of the european council",),
    r"(?:eu |e\.u\. )?(?:foreign policy chief|high representative)": ("high representative for foreign affairs",),
    r"(?:fed|federal reserve) (?:chairman|chairwoman|chair)": ("chair of the federal reserve",),
    r"ecb president": ("president of the european central bank",),
    r"imf (?:chief|managing director)": ("managing director of the imf",),
    r"pope": ("pope",),
    r"king": ("king", "monarch"),
    r"queen": ("monarch",),
    r"emperor": ("emperor",),
    r"crown prince": ("crown prince",),
    r"supreme leader|ayatollah": ("supreme leader",),
    r"(?:dnc|democratic national committee) (?:chairwoman|chairman|chair)": (
        "chair of the democratic national committee",
    ),
    r"(?:rnc|republican national committee) (?:chairwoman|chairman|chair)": (
        "chairman of the republican national committee",
    ),
    r"independent counsel": ("independent counsel",),
    r"special counsel": ("special counsel",),
    r"commander[ -]in[ -]chief": ("commander-in-chief",),
}
_CAMPAIGN_ROLES = {"presidential candidate", "presidential nominee", "presumptive nominee", "running mate"}
_ADJ = (
    r"(?:(?:u\.?s\.?|american|russian|soviet|ukrainian|french|german|british|chinese|japanese|indian|canadian|"
    r"italian|australian|brazilian|mexican|south korean|korean|north korean|turkish|saudi|south african|"
    r"argentine|argentinian|indonesian|israeli|iranian|palestinian|syrian|egyptian|afghan|pakistani|"
    r"philippine|venezuelan|cuban|polish|nato|eu|e\.u\.|european|un|u\.n\.|republican|democratic|democrat|gop|"
    r"libertarian|green party|conservative|labour|liberal|presidential|white house|pentagon|state department|"
    r"then-presidential|acting|interim|deputy)\s+)"
)
_MODS = r"(?P<mod>former|ex-|then-|then|the late|late|outgoing|incoming|onetime|one-time|erstwhile|future|would-be)?\s*"
_NAME = (
    r"(?P<name>(?:[A-Z][\w'’\-]+|[A-Z]\.)(?:\s+(?:(?:de|da|del|der|van|von|la|le|bin|al|el|zu)\s+)*"
    r"(?:[A-Z][\w'’\-]+|[A-Z]\.|Jr\.|Sr\.)){0,3})"
)


@lru_cache(maxsize=1)
def _title_regex() -> tuple[re.Pattern[str], re.Pattern[str], list[tuple[re.Pattern[str], tuple[str, ...]]]]:
    keys = sorted(_TITLES, key=len, reverse=True)
    alt = "|".join(f"(?:{k})" for k in keys)
    year = r"(?P<year>(?:19|20)\d\d\s+)?"
    before = re.compile(rf"(?i:(?<![\w-]){_MODS}{year}{_ADJ}*(?P<title>{alt}))\s+{_NAME}")
    after = re.compile(rf"{_NAME},\s+(?i:(?:the|a|who is|now)\s+)?(?i:{_MODS}{year}{_ADJ}*(?P<title>{alt}))\b")
    parts = [(re.compile(rf"(?i)^(?:{k})$"), _TITLES[k]) for k in keys]
    return before, after, parts


def _roles_for(title: str, parts: list[tuple[re.Pattern[str], tuple[str, ...]]]) -> tuple[str, ...]:
    t = re.sub(r"\s+", " ", title.strip())
    for rx, roles in parts:
        if rx.match(t):
            return roles
    return ()


_STOP_NAMES = {"the", "a", "an", "he", "she", "they", "it", "his", "her", "and", "of", "in", "on", "said", "says"}


# Capitalised in title-case headlines ("CNN President On Trump"): a name never starts with one.
_NOT_NAME_START = {"on", "of", "in", "at", "to", "for", "from", "with", "by", "as", "and", "or", "is", "was", "will"}


def _name_candidates(name: str) -> Iterator[str]:
    name = re.sub(r"['’]s$", "", name.strip())
    toks = name.split()
    if toks and toks[0].lower() in _NOT_NAME_START:
        return
    while toks and toks[-1].lower() in _STOP_NAMES:
        toks.pop()
    if not toks:
        return
    for n in range(len(toks), 0, -1):
        yield " ".join(toks[:n])
    if len(toks) > 1:
        no_initials = [t for t in toks if not re.fullmatch(r"[A-Z]\.?", t)]
        yield " ".join(no_initials)
        yield toks[-1]
        if len(toks) > 2:
            yield " ".join(toks[-2:])


def _lookup(kb: KnowledgeBase, name: str, roles: tuple[str, ...]) -> tuple[Actor, list[Role]] | None:
    for cand in _name_candidates(name):
        if normalise_name(cand) in _STOP_NAMES:
            continue
        matches: list[tuple[Actor, list[Role]]] = []
        for a in kb.find(cand):
            rs = [r for r in a.roles if r.role in roles]
            if rs:
                matches.append((a, rs))
        if matches:
            # Several people by that name (two Presidents Bush): keep every term.
            if len(matches) == 1:
                return matches[0]
            merged = [r for _, rs in matches for r in rs]
            return matches[0][0], merged
    return None


#: Spells an evidence line lists before it says how many more there are.
SPELLS_SHOWN = 4


def _span_text(spans: Sequence[tuple[dt.date | None, dt.date | None]]) -> str:
    """Day ranges as evidence text, at most `SPELLS_SHOWN`, saying how many are left out.

    Args:
        spans: (first day, last day or None for "now") pairs, in order.
    """
    shown = ", ".join(
        f"{lo.isoformat() if lo else 'before records'}..{hi.isoformat() if hi else 'now'}"
        for lo, hi in spans[:SPELLS_SHOWN]
    )
    left = len(spans) - SPELLS_SHOWN
    return f"{shown} and {left} more" if left > 0 else shown


def find_kb_clues(text: str) -> list[Clue]:
    """People named with a dated title, "X administration", dated outlets, organisations and terms.

    Args:
        text: the text.
    """
    kb = load_kb()
    before, after, parts = _title_regex()
    out: list[Clue] = []
    seen: set[tuple[str, str, str]] = set()
    for rx in (before, after):
        for m in rx.finditer(text):
            clue = _title_clue(kb, m, parts, seen)
            if clue is not None:
                out.append(clue)
    titled = {(actor_id, role) for actor_id, role, _ in seen}
    out.extend(_administration_clues(kb, text))
    out.extend(_person_clues(text, titled=titled))
    out.extend(_age_clues(kb, text))
    out.extend(_entity_clues(kb, text))
    return out


def _title_clue(
    kb: KnowledgeBase,
    m: re.Match[str],
    parts: list[tuple[re.Pattern[str], tuple[str, ...]]],
    seen: set[tuple[str, str, str]],
) -> Clue | None:
    roles = _roles_for(m.group("title"), parts)
    if not roles:
        return None
    mod = (m.group("mod") or "").strip().lower()
    if mod in {"then", "then-", "the late", "late", "future", "would-be"} or m.group("year"):
        return None
    if m.start("title") < m.start("name") and _HYPOTHETICAL.search(m.string, max(0, m.start() - 4), m.start()):
        return None
    found = _lookup(kb, m.group("name"), roles)
    if found is None:
        return None
    actor, terms = found
    phrase = re.sub(r"\s+", " ", m.group(0).strip())
    key = (actor.id, terms[0].role, mod)
    if key in seen:
        return None
    seen.add(key)
    campaign = terms[0].role in _CAMPAIGN_ROLES
    if mod in {"former", "ex-", "onetime", "one-time", "erstwhile"}:
        ended = [r.end for r in terms if r.end is not None]
        if not ended:
            return None
        first_end = min(ended)
        return BoxClue(
            evidence=f"{phrase!r}: {actor.name} left the role ({terms[0].role}) on {first_end.isoformat()}",
            weight=1.0,
            strength=6.0,
            spans=((first_end - dt.timedelta(days=3), None),),
            p=0.98,
        )
    primaries = bool(re.fullmatch(_FRONT_RUNNER_TITLE, m.group("title"), re.IGNORECASE))
    ends = [_primaries_end(actor, r) if primaries else r.end for r in terms]
    spans: list[tuple[dt.date | None, dt.date | None]] = []
    for r, end in zip(terms, ends, strict=True):
        lo_slack = 45 if campaign else 3
        hi_slack = 10 if campaign else 14
        lo = r.start - dt.timedelta(days=lo_slack)
        hi = None if end is None else end + dt.timedelta(days=hi_slack)
        if mod == "outgoing" and r.end is not None:
            lo = max(lo, r.end - dt.timedelta(days=150))
        if mod == "incoming":
            lo, hi = r.start - dt.timedelta(days=120), r.start + dt.timedelta(days=30)
        spans.append((lo, hi))
    cut = ""
    if primaries:
        cut = "; a front-runner before the nomination: until " + ", ".join(
            d.isoformat() for d in ends[:4] if d is not None
        )
    held = _span_text([(r.start, r.end) for r in terms])
    return BoxClue(
        evidence=f"{phrase!r}: {actor.name} held the role ({terms[0].role} of {terms[0].of}) {held}{cut}",
        weight=1.0,
        strength=7.0,
        spans=tuple(spans),
        p=_role_p(terms[0].role, campaign),
        ramps=tuple(CAMPAIGN_RAMP if r.role in _CAMPAIGN_ROLES else 0.0 for r in terms),
    )


# "an agenda a President Clinton could pass": an indefinite article makes the title hypothetical.
_HYPOTHETICAL = re.compile(r"(?i)\ban?\s+$")


def _primaries_end(actor: Actor, candidacy: Role) -> dt.date | None:
    """When ``candidacy``'s primaries ended: the first nomination inside it, else its own end.

    Args:
        actor: the candidate.
        candidacy: one "presidential candidate" spell.
    """
    ends = [
        r.start
        for r in actor.roles
        if r.role in {"presumptive nominee", "presidential nominee"}
        and candidacy.start <= r.start <= (candidacy.end or r.start)
    ]
    return min(ends, default=candidacy.end)


def _role_p(role: str, campaign: bool) -> float:
    if campaign:
        return 0.95
    if role in {"president", "prime minister", "king", "monarch", "pope"}:
        return 0.85
    return 0.9


_ADMIN = re.compile(r"\b(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+)?)\s+administration\b")


def _administration_clues(kb: KnowledgeBase, text: str) -> list[Clue]:
    out: list[Clue] = []
    seen: set[str] = set()
    for m in _ADMIN.finditer(text):
        found = _lookup(kb, m.group("name"), ("president",))
        if found is None:
            continue
        actor, terms = found
        if actor.id in seen:
            continue
        seen.add(actor.id)
        first = min(r.start for r in terms)
        out.append(
            BoxClue(
                evidence=f"{m.group(0)!r}: {actor.name}'s presidency began {first.isoformat()}",
                weight=1.0,
                strength=4.0,
                spans=((first - dt.timedelta(days=60), None),),
                p=0.9,
            )
        )
    return out


@lru_cache(maxsize=1)
def _person_index() -> tuple[re.Pattern[str] | None, dict[str, Actor]]:
    kb = load_kb()
    by_name: dict[str, Actor] = {}
    dup: set[str] = set()
    for a in kb:
        if a.kind != "person" or not a.roles:
            continue
        for n in {a.name, *a.aliases}:
            if len(n.split()) < 2 or len(n) < 6:
                continue
            if n in by_name and by_name[n].id != a.id:
                dup.add(n)
            by_name[n] = a
    for n in dup:
        by_name.pop(n, None)
    if not by_name:
        return None, {}
    alt = "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])"), by_name


def _person_clues(text: str, *, titled: frozenset[tuple[str, str]] | set[tuple[str, str]] = frozenset()) -> list[Clue]:
    """People named in full: texts tend to be written while they hold (or run for) office.

    Args:
        text: the text.
        titled: (actor id, role) pairs the text names with a title.
    """
    rx, by_name = _person_index()
    if rx is None:
        return []
    out: list[Clue] = []
    seen: set[str] = set()
    for m in rx.finditer(text):
        a = by_name.get(m.group(0))
        if a is None or a.id in seen:
            continue
        seen.add(a.id)
        # Successive offices (senator, then secretary of state) are one career in the news: merge them,
        # or their overlapping margins pile up mass at the hand-over. Campaigns, and an office the text
        # names with a title, keep their own spell: the text is about that stretch.
        apart = [r for r in a.roles if r.role in _CAMPAIGN_ROLES or (a.id, r.role) in titled]
        career = [r for r in a.roles if r not in apart]
        merged = _merge_spans([_person_span(r) for r in career]) if MERGE_OFFICES else [_person_span(r) for r in career]
        if TITLED_AS_ALTERNATIVE:
            # The titled office is one more stretch of the career, not extra weight where margins overlap.
            offices = [r for r in apart if r.role not in _CAMPAIGN_ROLES]
            campaigns = [r for r in apart if r.role in _CAMPAIGN_ROLES]
            first = [*merged, *(_person_span(r) for r in offices)]
            apart = campaigns
        else:
            first = merged
        spans = (*first, *(_person_span(r) for r in apart))
        # The whole career, merged: the first few roles of a long one would hide its later spells
        # ("Donald Trump ... 2015..2017" as the evidence for a 2025 article).
        career_text = _span_text(_merge_spans([(r.start, r.end) for r in a.roles]))
        out.append(
            BoxClue(
                evidence=f"names {a.name} (in office or running {career_text})",
                weight=1.0,
                strength=1.5,
                spans=spans,
                p=PERSON_P,
                ramps=(0.0,) * len(first) + tuple(CAMPAIGN_RAMP if r.role in _CAMPAIGN_ROLES else 0.0 for r in apart),
                max_first=len(first) if TITLED_AS_ALTERNATIVE else 0,
            )
        )
    return out


_AGE = re.compile(r"(?P<name>[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-.]+){0,3}),\s+(?P<age>\d{2,3}),")


def _age_clues(kb: KnowledgeBase, text: str) -> list[Clue]:
    """ "Name, 69," with a known birth date pins the text to one year of that person's life."""
    out: list[Clue] = []
    seen: set[tuple[str, int]] = set()
    for m in _AGE.finditer(text):
        age = int(m.group("age"))
        if not 18 <= age <= 110:
            continue
        found = None
        for cand in _name_candidates(m.group("name")):
            hits = [a for a in kb.find(cand) if a.born is not None]
            if len(hits) == 1 and _same_person(m.group("name"), cand, hits[0]):
                found = hits[0]
                break
        if found is None or found.born is None or (found.id, age) in seen:
            continue
        seen.add((found.id, age))
        born = found.born
        lo = _safe_date(born.year + age, born.month, born.day) or dt.date(born.year + age, born.month, 28)
        hi = _safe_date(born.year + age + 1, born.month, born.day) or dt.date(born.year + age + 1, born.month, 28)
        out.append(
            BoxClue(
                evidence=f"{m.group(0).rstrip(',')!r}: {found.name}, born {born.isoformat()}, was {age} "
                f"from {lo.isoformat()} to {(hi - dt.timedelta(days=1)).isoformat()}",
                weight=1.0,
                strength=8.5,
                spans=((lo - dt.timedelta(days=3), hi + dt.timedelta(days=3)),),
                p=AGE_P,
            )
        )
    return out


AGE_P = 0.9
_HONORIFICS = {
    "mr", "mrs", "ms", "miss", "dr", "sir", "dame", "president", "sen", "senator", "rep", "gov", "governor",
    "mayor", "judge", "justice", "gen", "general", "prime", "minister", "chancellor", "king", "queen", "pope",
}  # fmt: skip


def _same_person(written: str, cand: str, actor: Actor) -> bool:
    """Whether a surname-only match is the same person: "Linda Sanders, 35" is not Bernie Sanders.

    Args:
        written: the name as the text writes it.
        cand: the candidate that matched the knowledge base.
        actor: the matched actor.
    """
    toks = [t.strip(".,").lower() for t in written.split()]
    if len(cand.split()) > 1 or len(toks) < 2:
        return True
    others = {t for t in toks if t != cand.lower() and t not in _HONORIFICS and len(t) > 1}
    if not others:
        return True
    given = {t.strip(".,").lower() for n in (actor.name, *actor.aliases) for t in n.split()[:-1]}
    return bool(others & given)


SPELL_NORM = True
CAMPAIGN_RAMP = 2.0
PERSON_P = 0.5
# Office holders are news a while before and after their spell; candidates mostly while running.
PERSON_SLACK = {True: (60, 60), False: (365, 365)}


MERGE_OFFICES = True
TITLED_AS_ALTERNATIVE = True


def _merge_spans(
    spans: list[tuple[dt.date | None, dt.date | None]],
) -> list[tuple[dt.date | None, dt.date | None]]:
    """Union of day ranges (None = open end), overlapping or touching ones merged.

    Args:
        spans: the ranges.
    """
    far = dt.date.max
    ordered = sorted(spans, key=lambda s: s[0] or dt.date.min)
    out: list[tuple[dt.date | None, dt.date | None]] = []
    for lo, hi in ordered:
        if out:
            plo, phi = out[-1]
            if lo is None or (phi or far) >= lo - dt.timedelta(days=1):
                out[-1] = (plo, None if (phi is None or hi is None) else max(phi, hi))
                continue
        out.append((lo, hi))
    return out


def _person_span(r: Role) -> tuple[dt.date | None, dt.date | None]:
    before, after = PERSON_SLACK[r.role in _CAMPAIGN_ROLES]
    return r.start - dt.timedelta(days=before), None if r.end is None else r.end + dt.timedelta(days=after)


_AMBIGUOUS_NAMES = {
    "time", "mail", "sky", "globo", "reforma", "independent", "guardian", "hindu", "atlantic", "economist",
    "tribune", "times", "the hill", "hill", "bloomberg", "vox", "fed", "amazon", "google", "internet", "the web",
    "katrina", "globe and mail", "euro", "euros", "fox", "russia", "ukraine", "ukrainian", "covid",
    "gulf war", "taliban", "hamas", "hezbollah",
}  # fmt: skip
_EX_PREFIX = re.compile(
    r"(?i)(?:former|ex-|post-|pre-|collapse of the|breakup of the|fall of the|dissolution of the|"
    r"end of the|late|old|defunct)\s*$"
)


@lru_cache(maxsize=1)
def _entity_index() -> tuple[re.Pattern[str] | None, dict[str, Actor]]:
    kb = load_kb()
    by_name: dict[str, Actor] = {}
    for a in kb:
        if a.kind == "person" or not a.roles:
            continue
        r = a.roles[0]
        if r.role == "occurred":  # dated events are read by storyline.dating_events
            continue
        informative = r.start >= dt.date(1985, 1, 1) or r.end is not None
        if not informative:
            continue
        for n in {a.name, *a.aliases}:
            if n.lower() in _AMBIGUOUS_NAMES or (len(n) < 4 and not n.isupper()) or len(n) < 3:
                continue
            by_name[n] = a
    if not by_name:
        return None, {}
    alt = "|".join(re.escape(n) for n in sorted(by_name, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])"), by_name


def _entity_clues(kb: KnowledgeBase, text: str) -> list[Clue]:
    rx, by_name = _entity_index()
    if rx is None:
        return []
    out: list[Clue] = []
    seen: set[str] = set()
    for m in rx.finditer(text):
        a = by_name.get(m.group(0))
        if a is None or a.id in seen:
            continue
        r = a.roles[0]
        lo = r.start if r.start >= dt.date(1985, 1, 1) else None
        hi = r.end
        if hi is not None and _EX_PREFIX.search(text[max(0, m.start() - 25) : m.start()]):
            hi = None
        if lo is None and hi is None:
            continue
        seen.add(a.id)
        what = "founded" if a.kind in {"outlet", "agency"} else "exists from"
        span = f"{lo.isoformat() if lo else '...'}..{hi.isoformat() if hi else 'now'}"
        out.append(
            BoxClue(
                evidence=f"names {m.group(0)!r} ({a.kind}, {what} {span})",
                weight=1.0,
                strength=2.5,
                spans=((lo - dt.timedelta(days=30) if lo else None, hi + dt.timedelta(days=365) if hi else None),),
                p=0.9 if hi is None else 0.6,
            )
        )
    return out
