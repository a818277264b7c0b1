"""Calendar clues for content-based dating: movable holidays and "N months ago, on January 14".

A movable holiday ("the Easter weekend", "Thanksgiving") falls on a different day every year, so
together with any year evidence it pins the text to a few days. A relative phrase next to a date
("three months ago, on the night of January 14") places the text that far after the date. Both are
rules of the calendar, not facts about one period.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storyline.dating_rules import MON, Clue

__all__ = ["DaysClue", "easter", "find_calendar_clues"]

YEARS = range(1960, 2036)
_MONTHS = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}


def easter(year: int) -> dt.date:
    """Western (Gregorian) Easter Sunday of ``year``.

    Args:
        year: the year.
    """
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The ``n``-th ``weekday`` (0 = Monday) of a month; n = -1 for the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


# holiday pattern -> (label, day of that holiday in a given year)
_HOLIDAYS: tuple[tuple[str, str, Callable[[int], dt.date]], ...] = (
    (r"good friday", "Good Friday", lambda y: easter(y) - dt.timedelta(days=2)),
    (r"palm sunday", "Palm Sunday", lambda y: easter(y) - dt.timedelta(days=7)),
    (r"easter(?:\s+(?:sunday|monday|weekend|holidays?|break))?", "Easter", easter),
    (r"ash wednesday", "Ash Wednesday", lambda y: easter(y) - dt.timedelta(days=46)),
    (r"pentecost|whitsun", "Pentecost", lambda y: easter(y) + dt.timedelta(days=49)),
    (r"thanksgiving(?:\s+day)?", "Thanksgiving (US)", lambda y: _nth_weekday(y, 11, 3, 4)),
    (r"memorial day", "Memorial Day (US)", lambda y: _nth_weekday(y, 5, 0, -1)),
    (r"labor day", "Labor Day (US)", lambda y: _nth_weekday(y, 9, 0, 1)),
    (r"martin luther king(?: jr\.?)? day", "Martin Luther King Day", lambda y: _nth_weekday(y, 1, 0, 3)),
)
_BEFORE = re.compile(
    r"(?i)\b(?:preparing for|prepare for|ahead of|before|upcoming|coming|run-up to|in time for|until|"
    r"expected (?:over|for))\s+(?:the\s+)?$"
)
_AFTER = re.compile(r"(?i)\b(?:after|since|following|over|during|last)\s+(?:the\s+)?$")
HOLIDAY_WEIGHT = 0.8


@dataclass(frozen=True)
class DaysClue(Clue):
    """The text is written in a window around one of several candidate days (one per year).

    Args:
        days: the candidate days.
        lo: window start, in days relative to each candidate day.
        hi: window end, in days relative to each candidate day.
        p: probability that the text lies in one of the windows.
    """

    days: tuple[dt.date, ...] = ()
    lo: int = -7
    hi: int = 7
    p: float = 0.8

    def likelihood(self, t: np.ndarray, start: dt.date) -> np.ndarray:
        dens = np.zeros(t.shape, dtype=np.float64)
        for d in self.days:
            a = (d - start).days + self.lo
            b = (d - start).days + self.hi
            if b < 0 or a >= t.size:
                continue
            dens[max(0, a) : min(t.size, b + 1)] = 1.0
        total = float(dens.sum())
        if total == 0:
            return np.ones_like(t)
        return self.p * dens / total + (1.0 - self.p) / t.size


@lru_cache(maxsize=1)
def _holiday_regex() -> re.Pattern[str]:
    alt = "|".join(f"(?P<h{i}>{pat})" for i, (pat, _, _) in enumerate(_HOLIDAYS))
    # "the Good Friday Agreement" and the like name a treaty, not the holiday.
    return re.compile(rf"(?i)(?<![\w-])(?:{alt})(?![\w-])(?!\s+(?:agreement|accord|peace|deal|treaty))")


def _holiday_clues(text: str) -> list[Clue]:
    out: list[Clue] = []
    seen: set[int] = set()
    for m in _holiday_regex().finditer(text):
        i = next(int(k[1:]) for k, v in m.groupdict().items() if v is not None)
        if i in seen:
            continue
        seen.add(i)
        _, label, when = _HOLIDAYS[i]
        left = text[max(0, m.start() - 30) : m.start()]
        # Wording says which side of the holiday the text is on; bare mentions get a wide window.
        if _BEFORE.search(left):
            lo, hi, side = -6, -1, "ahead of it"
        elif _AFTER.search(left):
            lo, hi, side = 0, 10, "just after it"
        else:
            # A bare mention may be the day of a past event ("rescued on Thanksgiving Day"): keep it loose.
            lo, hi, side = -30, 60, "around it"
        days = tuple(when(y) for y in YEARS)
        out.append(
            DaysClue(
                evidence=f"mentions {m.group(0)!r} ({label}, a movable date): written {side}",
                weight=HOLIDAY_WEIGHT,
                strength=5.5,
                days=days,
                lo=lo,
                hi=hi,
                p=0.85 if side != "around it" else 0.6,
            )
        )
    return out


_NUM = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30.44, "year": 365.25}
_AGO = re.compile(
    r"(?i)\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?P<unit>day|week|month|year)s?\s+ago\b"
)
_NEAR_DATE = re.compile(
    rf"[^.;\n]{{0,40}}?\b(?:on|in|since)\s+(?:the\s+(?:night|morning|evening|afternoon)\s+of\s+)?"
    rf"(?P<mon>{MON})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?"
)


def _ago_clues(text: str) -> list[Clue]:
    """ "Three months ago, on the night of January 14": the text is about that long after the date."""
    out: list[Clue] = []
    for m in _AGO.finditer(text):
        near = _NEAR_DATE.match(text, m.end())
        if near is None:
            continue
        n = int(m.group("n")) if m.group("n").isdigit() else _NUM[m.group("n").lower()]
        unit = m.group("unit").lower()
        span = n * _UNIT_DAYS[unit]
        mon, day = _MONTHS[near.group("mon")[:3].lower()], int(near.group("day"))
        years = (int(near.group("year")),) if near.group("year") else tuple(YEARS)
        days = []
        for y in years:
            try:
                days.append(dt.date(y, mon, day) + dt.timedelta(days=round(span)))
            except ValueError:
                continue
        if not days:
            continue
        # Round figures ("three months") are loose: allow a quarter of the span either way.
        slack = max(2, round(0.25 * span)) if unit != "day" else 1
        out.append(
            DaysClue(
                evidence=f"{text[m.start() : near.end()]!r}: written about {n} {unit}(s) after that date",
                weight=1.0,
                strength=7.5,
                days=tuple(days),
                lo=-slack,
                hi=slack,
                p=0.85,
            )
        )
    return out


def find_calendar_clues(text: str) -> list[Clue]:
    """Clues from movable holidays and "N units ago, on <date>" phrases.

    Args:
        text: the text.
    """
    return [*_holiday_clues(text), *_ago_clues(text)]
