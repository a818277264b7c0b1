"""Fast parsing of the date strings web pages carry in markup, URLs and bylines.

Only cheap regular expressions: this runs on every HTML page, so no dateparser here. Month names
cover the languages most news pages use; anything else is left to the htmldate fallback.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

EARLIEST = dt.date(1995, 1, 1)

# Month names and common abbreviations, lower-case, accents kept (pages write them both ways).
_MONTH_WORDS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "janvier", "janv", "januar", "jänner", "enero", "ene", "gennaio", "gen", "janeiro",
        "januari", "stycznia", "styczeń", "ocak", "ianuarie", "januára", "leden", "ledna", "tammikuuta"),
    2: ("february", "feb", "février", "fevrier", "févr", "fevr", "februar", "febrero", "febbraio", "fevereiro",
        "fev", "februari", "lutego", "luty", "şubat", "subat", "februarie", "február", "februára", "únor", "února",
        "helmikuuta"),
    3: ("march", "mar", "mars", "märz", "maerz", "mär", "marzo", "março", "marco", "maart", "marca", "marzec",
        "mart", "martie", "március", "marec", "marca", "březen", "března", "maaliskuuta"),
    4: ("april", "apr", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień", "nisan", "aprilie",
        "április", "apríl", "apríla", "duben", "dubna", "huhtikuuta"),
    5: ("may", "mai", "mayo", "maggio", "mag", "maio", "mei", "maja", "maj", "mayıs", "mayis", "május", "máj",
        "mája", "květen", "května", "toukokuuta"),
    6: ("june", "jun", "juin", "juni", "junio", "giugno", "giu", "junho", "czerwca", "czerwiec", "haziran",
        "iunie", "június", "jún", "júna", "červen", "června", "kesäkuuta"),
    7: ("july", "jul", "juillet", "juil", "juli", "julio", "luglio", "lug", "julho", "lipca", "lipiec",
        "temmuz", "iulie", "július", "júl", "júla", "červenec", "července", "heinäkuuta"),
    8: ("august", "aug", "août", "aout", "agosto", "ago", "augustus", "sierpnia", "sierpień", "ağustos",
        "agustos", "augusztus", "augusta", "srpen", "srpna", "elokuuta"),
    9: ("september", "sep", "sept", "septembre", "septiembre", "set", "settembre", "setembro", "września",
        "wrzesień", "eylül", "eylul", "septembrie", "szeptember", "septembra", "září", "syyskuuta"),
    10: ("october", "oct", "octobre", "oktober", "okt", "octubre", "ottobre", "ott", "outubro", "out",
         "października", "październik", "ekim", "octombrie", "október", "októbra", "říjen", "října", "lokakuuta"),
    11: ("november", "nov", "novembre", "noviembre", "novembro", "listopada", "listopad", "kasım", "kasim",
         "noiembrie", "novembra", "marraskuuta"),
    12: ("december", "dec", "décembre", "decembre", "déc", "dezember", "dez", "diciembre", "dic", "dicembre",
         "dezembro", "grudnia", "grudzień", "aralık", "aralik", "decembrie", "december", "decembra", "prosinec",
         "prosince", "joulukuuta"),
}
MONTHS: dict[str, int] = {w: m for m, words in _MONTH_WORDS.items() for w in words}
# Longest first so "sept" wins over "sep" inside the alternation.
_MONTH_RE = "|".join(sorted((re.escape(w) for w in MONTHS), key=len, reverse=True))

_TIME = r"(?:[T ,|]+(?:at\s+)?(\d{1,2})[:h](\d{2})(?::\d{1,2}(?:[.,]\d+)?)?\s*(?:([ap])\.?m\.?)?)?"
_ZONE = r"\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2}\b)?"
ISO_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)" + _TIME + _ZONE, re.I)
YMD_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})([/.])(\d{1,2})\2(\d{1,2})(?!\d)" + _TIME, re.I)
DMY_RE = re.compile(r"(?<![\d.])(\d{1,2})([./-])(\d{1,2})\2((?:19|20)\d{2})(?!\d)" + _TIME, re.I)
COMPACT_RE = re.compile(r"^((?:19|20)\d{2})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(?:\d{2})?)?(Z)?$")
# "15 September 2020", "15. Sep. 2020", "15 de septiembre de 2020", "15 Sep, 2020"
TEXT_DMY_RE = re.compile(
    r"(?<![\w])(\d{1,2})(?:st|nd|rd|th|er|º)?\.?\s*(?:de\s+)?(" + _MONTH_RE
    + r")\.?,?\s*(?:de\s+)?((?:19|20)\d{2})(?!\d)" + _TIME + _ZONE, re.I)
# "September 15, 2020", "Sep. 15 2020", "Tue, Sep 15 2020 10:01:41 EDT"
TEXT_MDY_RE = re.compile(
    r"(?<![\w])(" + _MONTH_RE + r")\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+((?:19|20)\d{2})(?!\d)" + _TIME + _ZONE, re.I)
EPOCH_RE = re.compile(r"^\s*(\d{10})(\d{3})?\s*$")


@dataclass(frozen=True, slots=True)
class Stamp:
    """A parsed date with what is known of its time of day.

    Args:
        day: the calendar date as written.
        hour: hour of day when given (24 h clock), else None.
        utc: True when the string says it is UTC ("Z", "+00:00", "GMT"), False for another stated
            offset, None when no zone is given (a local time, as the page shows it).
    """

    day: dt.date
    hour: int | None = None
    utc: bool | None = None
    minute: int | None = None


def valid_day(day: dt.date, *, latest: dt.date | None = None) -> bool:
    """Whether a day is a plausible publication date (1995 to today).

    Args:
        day: candidate.
        latest: last acceptable day (default: today).
    """
    return EARLIEST <= day <= (latest or dt.date.today())


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        out = dt.date(year, month, day)
    except ValueError:
        return None
    return out if valid_day(out) else None


def _hour(hh: str | None, ampm: str | None) -> int | None:
    if hh is None:
        return None
    h = int(hh)
    if ampm:
        h = h % 12 + (12 if ampm.lower() == "p" else 0)
    return h if 0 <= h < 24 else None


def _minute(mm: str | None) -> int | None:
    return int(mm) if mm is not None and int(mm) < 60 else None


def _zone(zone: str | None) -> bool | None:
    if not zone:
        return None
    z = zone.upper().replace(":", "")
    return z in ("Z", "UTC", "GMT", "+0000", "-0000")


def _timed(day: dt.date, m: re.Match[str], first: int) -> Stamp:
    """Stamp from a match whose groups ``first``.. are hour, minute, am/pm and zone."""
    hour = _hour(m.group(first), m.group(first + 2))
    zone = _zone(m.group(first + 3)) if hour is not None else None
    return Stamp(day, hour, zone, _minute(m.group(first + 1)) if hour is not None else None)


def parse_stamp(text: str, *, dayfirst: bool = True) -> Stamp | None:
    """The first date in a short string (a meta value, a JSON-LD field, a byline).

    Args:
        text: the string; only the first 200 characters are looked at.
        dayfirst: read ambiguous numeric dates like 03/04/2020 as day first.
    """
    s = text[:200].strip()
    if not s:
        return None
    m = ISO_RE.search(s)
    if m:
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            return _timed(d, m, 4)
    m = TEXT_MDY_RE.search(s)
    m2 = TEXT_DMY_RE.search(s)
    if m2 and (not m or m2.start() < m.start()):
        d = _make(int(m2.group(3)), MONTHS[m2.group(2).lower()], int(m2.group(1)))
        if d:
            return _timed(d, m2, 4)
    if m:
        d = _make(int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)))
        if d:
            return _timed(d, m, 4)
    m = YMD_RE.search(s)
    if m:
        d = _make(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if d:
            return Stamp(d, _hour(m.group(5), m.group(7)), None, _minute(m.group(6)))
    m = DMY_RE.search(s)
    if m:
        a, b, year = int(m.group(1)), int(m.group(3)), int(m.group(4))
        # Slashes with a first part <= 12 are US style unless the second part cannot be a month.
        first_is_day = a > 12 or (b <= 12 and (dayfirst and m.group(2) != "/"))
        d = _make(year, b, a) if first_is_day else _make(year, a, b)
        if d:
            return Stamp(d, _hour(m.group(5), m.group(7)), None, _minute(m.group(6)))
    m = COMPACT_RE.match(s)
    if m:
        d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if d:
            hour = int(m.group(4)) if m.group(4) and int(m.group(4)) < 24 else None
            return Stamp(d, hour, True if m.group(6) and hour is not None else None,
                         int(m.group(5)) if hour is not None else None)
    return None


def parse_epoch(value: object) -> Stamp | None:
    """A Unix timestamp in seconds or milliseconds (as JSON data often gives dates), read as UTC.

    Args:
        value: an int, float or digit string.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        secs = float(value)
    elif isinstance(value, str) and EPOCH_RE.match(value):
        secs = float(value.strip())
    else:
        return None
    if secs > 1e11:
        secs /= 1000.0
    try:
        when = dt.datetime.fromtimestamp(secs, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return Stamp(when.date(), when.hour, True, when.minute) if valid_day(when.date()) else None


_URL_RE = re.compile(
    r"(?<![\d])((?:199[5-9]|20[0-4]\d))[/_-]?(0[1-9]|1[0-2]|[1-9])[/_-](0[1-9]|[12]\d|3[01]|[1-9])(?![\d])"
    r"|(?<![\d])((?:199[5-9]|20[0-4]\d))(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?![\d])"
    r"|(?<![\d])(0[1-9]|[12]\d|3[01])[-_.](0[1-9]|1[0-2])[-_.]((?:199[5-9]|20[0-4]\d))(?![\d])"
)


def url_day(url: str) -> dt.date | None:
    """A full date in a URL path (/2020/07/08/, -20200113, /2020-07-08-), or None.

    Args:
        url: absolute or relative URL.
    """
    path = re.sub(r"^[a-z]+://[^/]+", "", url.strip(), flags=re.I)
    for m in _URL_RE.finditer(path):
        if m.group(1):
            d = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        elif m.group(4):
            # Eight bare digits are often IDs: demand a separator or path boundary around them.
            if not re.match(r"[/_.-]", path[m.start() - 1: m.start()] or "/"):
                continue
            d = _make(int(m.group(4)), int(m.group(5)), int(m.group(6)))
        else:
            d = _make(int(m.group(9)), int(m.group(8)), int(m.group(7)))
        if d:
            return d
    return None
