"""Vocabulary and calendar arithmetic for `storyline.timex` (TIMEX3 value formatting).

Kept apart from the rules so the rule module stays readable; everything here is pure and cheap.
"""

from __future__ import annotations

import datetime as dt
import re

MONTHS: dict[str, int] = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
    "nov": 11, "dec": 12,
}  # fmt: skip

WEEKDAYS: dict[str, int] = {
    "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7,
}  # fmt: skip

_UNITS_SMALL: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_TENS: dict[str, int] = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
ORDINALS: dict[str, int] = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
}  # fmt: skip
# Quantifiers that make the amount unknown ("several years" -> PXY).
VAGUE = ("a few", "few", "several", "some", "many", "numerous", "a number of", "dozens of", "hundreds of")

_SMALL_ALT = "|".join(sorted(_UNITS_SMALL, key=len, reverse=True))
_TENS_ALT = "|".join(_TENS)
# A cardinal: digits, a spelled-out number up to 99, "a"/"an", "a couple of", "a dozen" or a vague quantifier.
NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+\s+1/2|\d+(?:\.\d+)?|(?:" + _TENS_ALT + r")(?:[-\s](?:" + _SMALL_ALT + r"))?"
    r"|" + _SMALL_ALT + r"|a\s+couple\s+of|a\s+couple|couple\s+of|a\s+dozen|a\s+hundred|one\s+hundred|a\s+half"
    r"|half\s+a|half\s+an|an?|" + "|".join(v.replace(" ", r"\s+") for v in VAGUE) + r")"
)

UNIT_CODES: dict[str, str] = {
    "second": "S", "minute": "M", "hour": "H", "day": "D", "week": "W", "fortnight": "W", "month": "M",
    "year": "Y", "decade": "Y", "century": "Y", "centurie": "Y", "weekend": "WE", "quarter": "Q",
}  # fmt: skip
_UNIT_FACTOR = {"fortnight": 2, "decade": 10, "century": 100, "centurie": 100}
_TIME_UNITS = {"second", "minute", "hour"}


def parse_number(text: str) -> float | None:
    """The amount a cardinal phrase denotes, None when vague ("several", "a few").

    Args:
        text: the number as written ("two", "twenty-five", "1,000", "a couple of").
    """
    t = re.sub(r"\s+", " ", text.strip().lower())
    if t in ("a", "an", "one"):
        return 1
    if t.startswith("half"):
        return 0.5
    if t in ("a half",):
        return 0.5
    if "couple" in t:
        return 2
    if t in ("a dozen",):
        return 12
    if t in ("a hundred", "one hundred"):
        return 100
    if t in VAGUE:
        return None
    if t.endswith(" 1/2"):
        t = str(int(t[:-4]) + 0.5)
    digits = t.replace(",", "")
    try:
        return float(digits)
    except ValueError:
        pass
    parts = re.split(r"[-\s]+", t)
    total = 0
    for p in parts:
        if p in _TENS:
            total += _TENS[p]
        elif p in _UNITS_SMALL:
            total += _UNITS_SMALL[p]
        else:
            return None
    return total


def unit_name(word: str) -> str:
    """Singular unit name for a unit word ("years" -> "year", "centuries" -> "centurie")."""
    w = word.lower().rstrip(".")
    if w.endswith("ies"):
        return "centurie"
    return w[:-1] if w.endswith("s") else w


def duration(amount: float | None, unit: str) -> str:
    """TIMEX3 duration value for an amount of a unit ("P3W", "PT5H", "PXY").

    Args:
        amount: how many units, None when vague.
        unit: singular unit name.
    """
    code = UNIT_CODES.get(unit, "X")
    prefix = "PT" if unit in _TIME_UNITS else "P"
    if amount is None:
        return f"{prefix}X{code}"
    n = amount * _UNIT_FACTOR.get(unit, 1)
    if n != int(n):
        if unit == "hour":
            return f"PT{int(n)}H{round((n - int(n)) * 60)}M" if int(n) else f"PT{round(n * 60)}M"
        if unit == "minute":
            return f"PT{int(n)}M{round((n - int(n)) * 60)}S" if int(n) else f"PT{round(n * 60)}S"
        if unit == "year":
            return f"P{int(n)}Y{round((n - int(n)) * 12)}M" if int(n) else f"P{round(n * 12)}M"
        if unit == "day":
            return f"P{int(n)}DT{round((n - int(n)) * 24)}H" if int(n) else f"PT{round(n * 24)}H"
        return f"{prefix}{n:g}{code}"
    return f"{prefix}{int(n)}{code}"


def week_value(day: dt.date) -> str:
    """ISO week value ("2022-W21")."""
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def month_shift(year: int, month: int, delta: int) -> tuple[int, int]:
    """(year, month) moved by ``delta`` months."""
    k = year * 12 + (month - 1) + delta
    return k // 12, k % 12 + 1


def quarter_of(day: dt.date) -> int:
    """Calendar quarter (1-4) of a day."""
    return (day.month - 1) // 3 + 1


def season_of(day: dt.date) -> tuple[int, str]:
    """(year, season code) of a day; December counts as the next year's winter."""
    m = day.month
    if m in (12, 1, 2):
        return (day.year + 1 if m == 12 else day.year), "WI"
    return day.year, {3: "SP", 4: "SP", 5: "SP", 6: "SU", 7: "SU", 8: "SU"}.get(m, "FA")


SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
SEASON_ORDER = ["WI", "SP", "SU", "FA"]


def shift_value(value: str, years: int) -> str | None:
    """Move a year-leading value ("1989-Q3", "1989-05") by whole years; None when not shiftable."""
    m = re.match(r"(\d{4})(.*)", value)
    if not m:
        return None
    return f"{int(m.group(1)) + years:04d}{m.group(2)}"


def easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given ISO weekday of a month (n = -1 for the last one)."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.isoweekday() - weekday) % 7)


def holiday(name: str, year: int) -> dt.date | None:
    """Date of a (US-centric) holiday in a year, None when unknown."""
    n = re.sub(r"[^a-z]", "", name.lower())
    fixed = {
        "christmas": (12, 25), "christmasday": (12, 25), "christmaseve": (12, 24), "newyearsday": (1, 1),
        "newyearseve": (12, 31), "independenceday": (7, 4), "halloween": (10, 31), "valentinesday": (2, 14),
        "veteransday": (11, 11), "boxingday": (12, 26), "stpatricksday": (3, 17),
    }  # fmt: skip
    if n in fixed:
        return dt.date(year, *fixed[n])
    if n.startswith("thanksgiving"):
        return nth_weekday(year, 11, 4, 4)
    if n.startswith("easter"):
        return easter(year)
    if n == "laborday":
        return nth_weekday(year, 9, 1, 1)
    if n == "memorialday":
        return nth_weekday(year, 5, 1, -1)
    if n == "electionday":
        return nth_weekday(year, 11, 1, 1) + dt.timedelta(days=1)
    return None
