"""Dating a text from its content: a best date, an interval and the evidence.

Every clue in the text becomes a likelihood over candidate days: a dateline, dates and years it
mentions (with or without a year, with a weekday that fixes the year), embedded tweet ids, people
named with a title that only fits some period ("Secretary of State John Kerry", "Republican nominee
Donald Trump", "former President Obama"), dated terms ("the euro", "the Soviet Union") and dated news
events from the knowledge base ("Super Tuesday", "the Brexit vote"; see `storyline.dating_events`). The
product of the likelihoods is a posterior over days. The interval is the likelihood-ratio region (days
within a factor exp(LR_DROP) of the best), narrowed to its dominant stretch when one stretch clearly
holds most of the mass; the best estimate is the posterior median inside the calendar year of that
region with the most mass, given only when that year holds a fair share of the region's mass (a
year-less "August 7" fits every year alike, so no year is named). A date the text states in a
dateline or a standalone date line gives basis "stated"; no clue at all gives "unknown".
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storyline.dating_calendar import find_calendar_clues
from storyline.dating_events import find_event_clues
from storyline.dating_rules import (
    BoxClue,
    Clue,
    find_date_mentions,
    find_dateline,
    find_kb_clues,
    find_tweet_dates,
)
from storyline.records import DateEstimate

__all__ = ["DateHint", "estimate_date"]

DOMAIN_START = dt.date(1960, 1, 1)
# Region and evidence settings, tuned on the PolNeAR train split only (dev kept held out).
LR_DROP = 5.5
RUN_GAP = 30
RUN_SHARE = 0.75
MAX_EVIDENCE = 12
MAX_CHARS = 200_000
OPEN_YEAR_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class _Domain:
    start: dt.date
    days: int

    def index(self, day: dt.date) -> int:
        return (day - self.start).days

    def day(self, i: int) -> dt.date:
        return self.start + dt.timedelta(days=int(i))


@lru_cache(maxsize=4)
def _domain(today: dt.date) -> _Domain:
    return _Domain(DOMAIN_START, (today - DOMAIN_START).days + 1)


@dataclass(frozen=True, slots=True)
class DateHint:
    """Outside evidence that the text was written between two days (e.g. from its story).

    Args:
        earliest: first day of the span.
        latest: last day of the span.
        reason: human-readable evidence.
        p: probability that the text lies in the span; the rest is spread over all days.
    """

    earliest: dt.date
    latest: dt.date
    reason: str
    p: float = 0.95


def estimate_date(
    text: str,
    title: str | None = None,
    *,
    hints: Sequence[DateHint] = (),
) -> DateEstimate:
    """Estimate when ``text`` was written: a best date, an interval and the evidence.

    Args:
        text: the article body.
        title: its headline, if known.
        hints: outside evidence, such as the span of the dated articles of the same story; it is
            weighed with the content clues, not imposed on them.
    """
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    body = text[:MAX_CHARS]
    full = f"{title}\n\n{body}" if title else body
    if not full.strip():
        return DateEstimate.unknown("empty text: no date evidence")
    today = dt.date.today()
    stated = find_dateline(body, today=today)
    if stated is not None:
        day, evidence = stated
        return DateEstimate.exact(day, basis="stated", evidence=evidence)
    clues: list[Clue] = []
    clues.extend(find_tweet_dates(full))
    clues.extend(find_date_mentions(full, title=title))
    clues.extend(find_kb_clues(full))
    clues.extend(find_event_clues(full))
    clues.extend(find_calendar_clues(full))
    for h in hints:
        clues.append(BoxClue(evidence=h.reason, weight=1.0, strength=9.5, spans=((h.earliest, h.latest),), p=h.p))
    clues = [c for c in clues if c.weight > 0]
    if not clues:
        return DateEstimate.unknown("no date evidence found: no dates, years, dated titles or terms in the text")
    return _combine(clues, _domain(today))


def _combine(clues: list[Clue], dom: _Domain) -> DateEstimate:
    t = np.arange(dom.days, dtype=np.float64)
    logp = np.zeros(dom.days, dtype=np.float64)
    for c in clues:
        like = c.likelihood(t, dom.start)
        logp += c.weight * np.log(np.maximum(like, 1e-300))
    logp -= logp.max()
    # Likelihood-ratio region: every day whose posterior is within a factor exp(LR_DROP) of the best.
    # Unlike a mass-based region it ignores the diffuse "any later day" tails that most clues carry.
    keep = np.flatnonzero(logp >= -LR_DROP)
    post = np.exp(logp)
    post /= post.sum()
    lo_i, hi_i = _best_run(keep, post)
    mid = _best_day(post, lo_i, hi_i, dom)
    earliest = None if lo_i <= 0 else dom.day(lo_i)
    latest = dom.day(hi_i)
    value = dom.day(mid)
    evidence = _evidence(clues)
    if earliest is not None and value < earliest:
        value = earliest
    if value > latest:
        value = latest
    if _year_share(post, lo_i, hi_i, value) < OPEN_YEAR_SHARE:
        # A single day is honest only when one year clearly stands out ("mentions the year 1988").
        # Year-less days ("September 30", a dateline "PARIS, Aug. 7") spread over many years leave it
        # unknown, whether or not the domain's edges happen to close the interval.
        return DateEstimate(value=None, earliest=earliest, latest=latest, basis="inferred", evidence=evidence)
    return DateEstimate(value=value, earliest=earliest, latest=latest, basis="inferred", evidence=evidence)


def _best_day(post: np.ndarray, lo_i: int, hi_i: int, dom: _Domain) -> int:
    """The posterior median inside the calendar year of the region that holds the most mass per day.

    The value is scored by its year first, so pick the likeliest year and then its middle day.
    """
    a, b = dom.day(lo_i).year, dom.day(hi_i).year
    best: tuple[float, int, int] | None = None
    for y in range(a, b + 1):
        s = max(lo_i, dom.index(dt.date(y, 1, 1)))
        e = min(hi_i, dom.index(dt.date(y, 12, 31)))
        # Per calendar day, or a leap year wins every tie of a flat posterior by its extra day.
        mass = float(post[s : e + 1].sum()) / (366 if calendar.isleap(y) else 365)
        if best is None or mass > best[0]:
            best = (mass, s, e)
    assert best is not None
    _, s, e = best
    region = post[s : e + 1]
    total = region.sum()
    if total <= 0:
        return (s + e) // 2
    return s + int(np.searchsorted(np.cumsum(region) / total, 0.5))


def _year_share(post: np.ndarray, lo_i: int, hi_i: int, value: dt.date) -> float:
    """Share of the region's posterior mass that lies in the calendar year of ``value``."""
    dom_start = DOMAIN_START
    s = max(lo_i, (dt.date(value.year, 1, 1) - dom_start).days)
    e = min(hi_i, (dt.date(value.year, 12, 31) - dom_start).days)
    total = float(post[lo_i : hi_i + 1].sum())
    return float(post[s : e + 1].sum()) / total if total > 0 else 0.0


def _best_run(keep: np.ndarray, post: np.ndarray) -> tuple[int, int]:
    """The stretch of kept days (gaps under RUN_GAP days bridged) that holds the most posterior mass."""
    breaks = np.flatnonzero(np.diff(keep) > RUN_GAP)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [keep.size - 1]))
    cum = np.concatenate(([0.0], np.cumsum(post)))
    best, best_mass, total = 0, -1.0, 0.0
    for j, (a, b) in enumerate(zip(starts, ends, strict=True)):
        mass = cum[keep[b] + 1] - cum[keep[a]]
        total += mass
        if mass > best_mass:
            best, best_mass = j, mass
    if best_mass < RUN_SHARE * total:  # no clear winner (a day-month seen in several years): keep them all
        return int(keep[0]), int(keep[-1])
    return int(keep[starts[best]]), int(keep[ends[best]])


def _evidence(clues: list[Clue]) -> tuple[str, ...]:
    ranked = sorted(clues, key=lambda c: -c.strength)
    seen: set[str] = set()
    out: list[str] = []
    for c in ranked:
        if c.evidence in seen:
            continue
        seen.add(c.evidence)
        out.append(c.evidence)
        if len(out) >= MAX_EVIDENCE:
            break
    return tuple(out)
