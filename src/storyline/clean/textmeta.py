"""Byline, date and outlet lines of plain-text page dumps.

Parsers for the short metadata lines a page dump carries near its title ("By Jane Doe",
"• 08/20/2025", "Published: Aug. 20, 2025") and at its foot ("© 2025 example.net").
"""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE_PATTERNS = (
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4}|\d{2})\b"),
    re.compile(_MONTH + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH + r",?\s+(?P<y>\d{4})\b", re.I),
)
_WEEKDAY = r"(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)[a-z]*\.?,?"
_DATE_LABEL = re.compile(
    r"^(?:[\u2022\u00b7*\-\u2013|]\s*)?(?:(?:published|posted|updated|last updated|modified|date|dated|first published)"
    r"(?:\s+on)?\s*:?\s*)?(?:on\s+)?(?:" + _WEEKDAY + r"\s+)?",
    re.I,
)
_TIME_TAIL = re.compile(
    r"^\s*(?:[,|\u2022\u00b7\-\u2013]\s*|at\s+)?(?:\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}|\s*UTC[+-]?\d*)?)?"
    r"(?:\s*[|\u2022\u00b7\-\u2013]?\s*\d+\s*(?:min|minute)s?\.?(?:\s+read)?)?\s*$",
    re.I,
)
_BYLINE = re.compile(
    r"^(?:[\u2022\u00b7*\-\u2013|]\s*)?(?:(?:written|posted|reported|story|words|text)\s+)?(?:by|author)\s*:?\s*(?P<rest>.*)$",
    re.I,
)
_NAME = re.compile(
    r"^(?:[A-Z][\w'\u2019.-]*|[a-z]{1,3}|&)(?:\s+(?:[A-Z][\w'\u2019.-]*|de|van|von|der|da|al|bin|and|&))*"
)
_COPYRIGHT = re.compile(
    r"(?:\u00a9|\(c\)|\bcopyright\b)\s*(?:\u00a9\s*)?(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?)?\s*,?\s*(?:by\s+)?"
    r"(?P<name>[^,|;\u2022\u00b7]+?)\s*(?:[,|;\u2022\u00b7]|\.\s|\.$|\ball rights\b|$)",
    re.I,
)
_OUTLET_JUNK = re.compile(r"^(?:all rights|privacy|terms|the author|author|\d)", re.I)


def parse_date(text: str) -> tuple[dt.date, re.Match[str]] | None:
    """The first calendar date written in ``text`` and its match.

    Args:
        text: a short line.
    """
    best: tuple[dt.date, re.Match[str]] | None = None
    for pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            day = _to_date(m)
            if day and (best is None or m.start() < best[1].start()):
                best = (day, m)
                break
    return best


def _to_date(m: re.Match[str]) -> dt.date | None:
    g = m.groupdict()
    year = int(g["y"])
    if year < 100:
        year += 2000 if year < 70 else 1900
    if g.get("mon"):
        month = _MONTHS[g["mon"].lower()[:3]]
        day = int(g["d"])
    elif g.get("a"):
        a, b = int(g["a"]), int(g["b"])
        # US order (month first) unless the first number cannot be a month.
        month, day = (a, b) if a <= 12 else (b, a)
    else:
        month, day = int(g["m"]), int(g["d"])
    try:
        found = dt.date(year, month, day)
    except ValueError:
        return None
    return found if 1900 <= found.year <= 2100 else None


def date_line(line: str) -> dt.date | None:
    """The date of a line that states a date and little else ("• 08/20/2025", "Published: May 3, 2024").

    Args:
        line: one cleaned line.
    """
    if len(line) > 80:
        return None
    label = _DATE_LABEL.match(line)
    rest = line[label.end() if label else 0 :]
    found = parse_date(rest)
    if not found:
        return None
    day, m = found
    if m.start() > 0 or not _TIME_TAIL.match(rest[m.end() :]):
        return None
    return day


def byline(line: str) -> tuple[str | None, dt.date | None] | None:
    """Author and date of a byline ("By Jane Doe", "• by:", "By J. Doe | May 3, 2024"), or None if not one.

    Args:
        line: one cleaned line.
    """
    if len(line) > 120:
        return None
    m = _BYLINE.match(line)
    if not m:
        return None
    rest = m.group("rest").strip()
    found = parse_date(rest)
    day = found[0] if found else None
    if found:
        rest = rest[: found[1].start()]
    rest = re.split(
        r"\s*(?:[|\u2022\u00b7]|\s[-\u2013\u2014]\s|,\s*(?:published|updated|posted)|\bon\s*$)", rest, maxsplit=1
    )[0]
    rest = rest.strip(" ,;:-\u2013")
    # "By Jane Doe in Lisbon", "By Jane Doe for Example News": the name ends before the place.
    rest = re.split(r"\s+(?:in|at|for|from|reporting from)\s+(?=[A-Z])", rest, maxsplit=1)[0]
    if not rest:
        return None, day
    name = _NAME.match(rest)
    if not name or name.end() < len(rest.split(",")[0].rstrip()):
        return None  # "By the end of the week ..." is prose, not a byline
    author = rest.split(",")[0].strip()
    if len(author.split()) > 8 or author[0].islower():
        return None
    return author, day


def copyright_outlet(line: str) -> str | None:
    """The site or publisher a copyright line names ("© 2025 example.net, Privacy Policy" -> "example.net").

    Args:
        line: one cleaned line.
    """
    m = _COPYRIGHT.search(line)
    if not m or len(line[: m.start()].strip(" |\u2022\u00b7-")) > 0:
        return None  # the copyright sign must open the line, not sit inside a sentence
    name = m.group("name").strip(" .-\u2013")
    if not name or _OUTLET_JUNK.match(name) or len(name) > 60 or len(name.split()) > 6:
        return None
    return name
