"""Time expressions: detection and TIMEX3 normalisation against a reference date.

Rule based: each rule is a compiled pattern plus a resolver. All rules scan the text, the longest
non-overlapping candidates win, and they are then resolved left to right so that anaphoric phrases
("a year earlier", "the next day") can lean on the expression before them. Pure and linear in the
text size; no models, no I/O.

Values follow TimeML: days "2022-05-23", weeks "2022-W21" (ISO, zero-padded), quarters "2022-Q3",
seasons "2022-SP", decades "199", centuries "19", durations "P3W"/"PT5H", "PRESENT_REF"/"PAST_REF"/
"FUTURE_REF". Undated weekdays and months read "XXXX-WXX-1", "XXXX-05-23"; phrases that need the
reference date ("yesterday", "last week") get None without one. Bare days and months lean to the
past unless the sentence speaks of the future, as news mostly reports what happened.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from storyline.records import TimeExpr
from storyline.timex_vocab import (
    MONTHS,
    NUMBER,
    ORDINALS,
    SEASON_ORDER,
    SEASONS,
    WEEKDAYS,
    duration,
    holiday,
    month_shift,
    parse_number,
    quarter_of,
    season_of,
    shift_value,
    unit_name,
    week_value,
)

# --- pattern pieces -------------------------------------------------------------------------------
_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ABBR = r"Jan\.?|Feb\.?|Mar\.|Apr\.?|Jun\.|Jul\.|Aug\.?|Sept\.?|Sep\.|Oct\.?|Nov\.?|Dec\.?"
MONTH = r"(?-i:(?:" + _MONTH_FULL + r")\b|(?:" + _MONTH_ABBR + r")(?!\w))"
WEEKDAY = r"(?-i:(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
WEEKDAY_ABBR = r"(?-i:(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\.)"
DAYNUM = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])\b"
YEAR = r"(?:1[6-9]\d\d|20\d\d)(?![\d%])"
PART = r"(?:morning|afternoon|evening|night)"
MOD = r"(?:(?:early|late|mid|middle|the\s+(?:end|beginning|start|middle|close)\s+of)[-\s]+)"
UNIT = r"(?:second|minute|hour|day|week|fortnight|month|year|decade|centur(?:y|ies))s?\b"
NUM = NUMBER
_PARTS = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI", "tonight": "NI"}
_FUTURE_CUE = re.compile(
    r"\b(?:will|won't|'ll|shall|going\s+to|scheduled|upcoming|next|plans?\s+to)\b",
    re.I,
)
_SENT_END = re.compile(r"[.!?]\s|\n")


@dataclass(slots=True)
class _Ctx:
    """Resolution state for one text: the reference and what earlier expressions said."""

    text: str
    ref: dt.date | None
    last_day: dt.date | None = None
    last_value: str | None = None
    last_quarter: str | None = None


Resolver = Callable[[re.Match[str], _Ctx], tuple[str | None, str] | None]


@dataclass(frozen=True, slots=True)
class _Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    priority: int = 0


# --- helpers ---------------------------------------------------------------------------------------
def _future(ctx: _Ctx, start: int, end: int) -> bool:
    """Whether the sentence around a span speaks of the future (a cheap tense cue)."""
    lo = max(0, start - 150)
    left = ctx.text[lo:start]
    cut = None
    for m in _SENT_END.finditer(left):
        cut = m.end()
    if cut is not None:
        left = left[cut:]
    right = ctx.text[end : end + 100]
    m2 = _SENT_END.search(right)
    if m2:
        right = right[: m2.start()]
    return bool(_FUTURE_CUE.search(left) or _FUTURE_CUE.search(right))


def _month_num(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")[:4] if word.lower().startswith("sept") else word.lower().rstrip(".")[:3]]


def _day(ctx: _Ctx, day: dt.date) -> str:
    ctx.last_day = day
    return day.isoformat()


def _nearest_year(ref: dt.date, month: int, day: int) -> int:
    """Year that puts month/day closest to the reference."""
    best = ref.year
    best_gap = None
    for y in (ref.year - 1, ref.year, ref.year + 1):
        try:
            gap = abs((dt.date(y, month, day) - ref).days)
        except ValueError:
            continue
        if best_gap is None or gap < best_gap:
            best, best_gap = y, gap
    return best


def _ymd(ctx: _Ctx, year: int | None, month: int, day: int) -> str | None:
    if year is None:
        if ctx.ref is None:
            return f"XXXX-{month:02d}-{day:02d}"
        year = _nearest_year(ctx.ref, month, day)
    try:
        return _day(ctx, dt.date(year, month, day))
    except ValueError:
        return None


def _weekday_date(ctx: _Ctx, weekday: int, rel: str, start: int, end: int) -> dt.date | None:
    ref = ctx.ref
    if ref is None:
        return None
    diff = weekday - ref.isoweekday()
    if rel == "last":
        return ref - dt.timedelta(days=(-diff) % 7 or 7)
    if rel in ("next", "coming"):
        return ref + dt.timedelta(days=diff % 7 or 7)
    if rel == "this":
        return ref + dt.timedelta(days=diff % 7)
    if diff == 0:
        return ref
    if _future(ctx, start, end):
        return ref + dt.timedelta(days=diff % 7)
    return ref - dt.timedelta(days=(-diff) % 7)


def _xday(weekday: int) -> str:
    return f"XXXX-WXX-{weekday}"


# --- resolvers -------------------------------------------------------------------------------------
def _r_full_date(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    g = m.groupdict()
    month = _month_num(g["m1"] or g["m2"])
    day = int(re.sub(r"\D", "", g["d1"] or g["d2"]))
    year = g["y1"] or g["y2"]
    if not year and ctx.ref is not None:
        before = ctx.text[max(0, m.start() - 8) : m.start()].lower()
        if re.search(r"\b(?:since|last)\s+$", before):
            # "since Sept. 11": the latest such day on or before the reference.
            y = ctx.ref.year if (month, day) <= (ctx.ref.month, ctx.ref.day) else ctx.ref.year - 1
            return _ymd(ctx, y, month, day), "DATE"
    return _ymd(ctx, int(year) if year else None, month, day), "DATE"


def _r_iso(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
    try:
        day = dt.date(y, mo, d)
    except ValueError:
        return None
    ctx.last_day = day
    if m["t"]:
        return f"{day.isoformat()}T{m['t']}", "TIME"
    return day.isoformat(), "DATE"


def _r_numeric(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if y < 100:
        y += 2000 if y < 50 else 1900
    month, day = (a, b) if a <= 12 else (b, a)
    try:
        return _day(ctx, dt.date(y, month, day)), "DATE"
    except ValueError:
        return None


def _r_month_year(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    month = _month_num(m["m"])
    if m["y"]:
        year: str | None = f"{int(m['y']):04d}"
    elif m["ry"]:
        year = _spelled_year(m["ry"])
    else:
        if ctx.ref is None:
            return f"XXXX-{month:02d}", "DATE"
        year = f"{ctx.ref.year + {'last': -1, 'this': 0, 'next': 1}[m['rel'].lower()]:04d}"
    return (f"{year}-{month:02d}" if year else None), "DATE"


SPELLED_YEAR = (
    r"(?:nineteen|twenty)\s+(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four"
    r"|five|six|seven|eight|nine))?|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    r"|hundred)\b|two\s+thousand(?:\s+(?:and\s+)?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[-\s]\w+)?))?\b"
)


def _spelled_year(words: str) -> str | None:
    w = re.sub(r"\s+", " ", words.lower()).strip()
    if w.startswith("two thousand"):
        rest = w[len("two thousand") :].replace("and ", "").strip()
        n = parse_number(rest) if rest else 0
        return f"{2000 + int(n):04d}" if n is not None else None
    head, _, tail = w.partition(" ")
    century = 19 if head == "nineteen" else 20
    if tail == "hundred":
        return f"{century}00"
    n = parse_number(tail)
    return f"{century}{int(n):02d}" if n is not None and n < 100 else None


def _r_the_year(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    if re.match(r"\s+(?:ended|ending)\b", ctx.text[m.end() : m.end() + 12]):
        return "P1Y", "DURATION"
    return (f"{ctx.ref.year:04d}" if ctx.ref else None), "DATE"


def _r_weekend(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    ref = ctx.ref
    if ref is None:
        return None, "DATE"
    rel = m.group(0).split()[0].lower()
    if rel == "next" or (rel != "last" and _future(ctx, m.start(), m.end())):
        day = ref + dt.timedelta(days=(6 - ref.isoweekday()) % 7)
    elif rel == "this" and ref.isoweekday() >= 5:
        day = ref
    else:
        day = ref - dt.timedelta(days=(ref.isoweekday() - 6) % 7 or 7) if ref.isoweekday() != 6 else ref
    return week_value(day) + "-WE", "DATE"


def _r_month(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    month = _month_num(m["m"])
    rel = (m["rel"] or "").lower()
    word = m["m"]
    if word == "May" and not rel and not m["mod"]:
        # "May" alone is usually the modal verb or a surname; only take it after a preposition.
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
        if not re.search(r"\b(?:in|since|until|till|by|of|during|through|from|to|before|after|early|late)\s+$", before):
            return None
    ref = ctx.ref
    if ref is None:
        return f"XXXX-{month:02d}", "DATE"
    if rel == "last":
        y = ref.year if month < ref.month else ref.year - 1
    elif rel in ("next", "coming"):
        y = ref.year if month > ref.month else ref.year + 1
    elif rel == "this":
        y = ref.year
    else:
        # Nearest occurrence, leaning to the past: up to three months ahead, else up to nine back.
        k = month - ref.month
        future = _future(ctx, m.start(), m.end())
        ahead = 6 if future else 3
        y = ref.year
        if k > ahead:
            y -= 1
        elif k < ahead - 12:
            y += 1
    return f"{y:04d}-{month:02d}", "DATE"


def _r_year(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    y = int(m["y"])
    if not (m["fiscal"] or m["mod"] or m["the"]):
        # A bare four-digit number is a year only when it looks like one in its context.
        after = ctx.text[m.end() : m.end() + 24]
        before = ctx.text[max(0, m.start() - 2) : m.start()]
        if re.match(
            r"\s*(?:-\s*)?(?:\d|[$%]|(?:people|persons|men|women|children|shares|troops|soldiers|workers"
            r"|employees|jobs|units|tons|miles|feet|meters|kilometers|acres|votes|points|cars|homes|houses"
            r"|students|members|cases|copies|barrels|megawatts|dollars|yen|pounds|marks|francs)\b)",
            after,
        ):
            return None
        if before.endswith(("$", "#", "No", "£", "€")):
            return None
        if ctx.ref is not None and y > ctx.ref.year + 30:
            return None
    return f"{y:04d}", "DATE"


def _r_decade(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    digits = m["dec"]
    if len(digits) == 2:  # "'90s"
        century = "19" if digits >= "30" or ctx.ref is None or ctx.ref.year < 2000 else "20"
        return f"{century}{digits[0]}", "DATE"
    return digits[:3], "DATE"


def _r_century(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    n = ORDINALS.get(m["n"].lower()) or int(re.sub(r"\D", "", m["n"]) or 0)
    if not n:
        return None
    return f"{n - 1:02d}", "DATE"


def _r_weekday(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    wd = WEEKDAYS[m["wd"].lower()]
    rel = (m["rel"] or "").lower()
    part = (m["part"] or "").lower()
    day = _weekday_date(ctx, wd, rel, m.start(), m.end())
    suffix = f"T{_PARTS[part]}" if part else ""
    if day is None:
        return _xday(wd) + suffix, "TIME" if part else "DATE"
    value = _day(ctx, day)
    return value + suffix, "TIME" if part else "DATE"


def _r_dayword(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    word = re.sub(r"\s+", " ", m["w"].lower())
    part = (m["part"] or m["pre"] or "").lower()
    offsets = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "this": 0, "last": -1,
               "the day before yesterday": -2, "the day after tomorrow": 2}  # fmt: skip
    if word == "last" and part != "night":
        return None
    if word == "this" and not part:
        return None
    if word == "tonight":
        part = "tonight"
    kind = "TIME" if part else "DATE"
    suffix = f"T{_PARTS[part]}" if part else ""
    if ctx.ref is None:
        return None, kind
    return _day(ctx, ctx.ref + dt.timedelta(days=offsets[word])) + suffix, kind


def _r_clock(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    if m["noon"]:
        hh, mm = (12, 0) if m["noon"].lower() in ("noon", "midday") else (24, 0)
    else:
        hh, mm = int(m["h"]), int(m["mi"] or 0)
        ampm = (m["ap"] or "").lower()
        if hh > 12 or mm > 59:
            return None
        if ampm.startswith("p") and hh < 12:
            hh += 12
        elif ampm.startswith("a") and hh == 12:
            hh = 0
        elif m["inthe"] and m["inthe"].lower() in ("afternoon", "evening", "night") and hh < 12:
            hh += 12
    base: str | None
    anchor = m["wd"] or m["wd2"]
    if m["cm"]:
        base = _ymd(ctx, int(m["cy"]) if m["cy"] else None, _month_num(m["cm"]), int(re.sub(r"\D", "", m["cd"])))
    elif anchor:
        day = _weekday_date(ctx, WEEKDAYS[anchor.lower()], "", m.start(), m.end())
        base = day.isoformat() if day else _xday(WEEKDAYS[anchor.lower()])
    elif m["dw"] or m["dw2"]:
        off = {"today": 0, "yesterday": -1, "tomorrow": 1}[(m["dw"] or m["dw2"]).lower()]
        base = (ctx.ref + dt.timedelta(days=off)).isoformat() if ctx.ref else None
    elif ctx.last_day is not None:
        base = ctx.last_day.isoformat()
    elif ctx.ref is not None:
        base = ctx.ref.isoformat()
    else:
        base = "XXXX-XX-XX"
    if base is None:
        return None, "TIME"
    return f"{base}T{hh:02d}:{mm:02d}", "TIME"


def _period_value(ctx: _Ctx, unit: str, delta: int) -> str | None:
    ref = ctx.ref
    if ref is None:
        return None
    if unit == "day":
        return _day(ctx, ref + dt.timedelta(days=delta))
    if unit == "week":
        return week_value(ref + dt.timedelta(days=7 * delta))
    if unit == "weekend":
        return week_value(ref + dt.timedelta(days=7 * delta)) + "-WE"
    if unit == "month":
        y, mo = month_shift(ref.year, ref.month, delta)
        return f"{y:04d}-{mo:02d}"
    if unit == "quarter":
        q = ref.year * 4 + quarter_of(ref) - 1 + delta
        value = f"{q // 4:04d}-Q{q % 4 + 1}"
        ctx.last_quarter = value
        return value
    if unit == "year":
        return f"{ref.year + delta:04d}"
    if unit == "decade":
        return f"{(ref.year // 10 + delta):03d}"
    if unit == "century":
        return f"{ref.year // 100 + delta:02d}"
    if unit in SEASONS:
        code = SEASONS[unit]
        sy, scode = season_of(ref)
        idx = SEASON_ORDER.index(code)
        cur = SEASON_ORDER.index(scode)
        if delta == 0:
            return f"{ref.year:04d}-{code}" if code != "WI" else f"{sy:04d}-WI"
        if delta < 0:
            return f"{sy if idx < cur else sy - 1:04d}-{code}"
        return f"{sy if idx > cur else sy + 1:04d}-{code}"
    return None


def _r_relative_period(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    rel = re.sub(r"\s+", " ", m["rel"].lower())
    unit = m["u"].lower()
    if unit == "autumn":
        unit = "fall"
    delta = {"last": -1, "past": -1, "previous": -1, "this": 0, "current": 0, "next": 1, "coming": 1,
             "earlier this": 0, "later this": 0, "the current": 0, "the coming": 1, "the previous": -1,
             "the past": -1, "the last": -1, "the next": 1, "the following": 1, "this past": -1,
             "this coming": 1}  # fmt: skip
    if rel not in delta:
        return None
    if rel in ("the past", "the last", "past", "the next", "the coming", "the following") and unit in (
        "decade",
        "century",
        "day",
    ):
        return duration(1, unit), "DURATION"
    if unit == "day":
        return None
    return _period_value(ctx, unit, delta[rel]), "DATE"


def _r_anchored(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    """'that year', 'the following month', 'the next day': relative to the date last spoken of."""
    rel = m["rel"].lower().split()[-1]
    delta = {"that": 0, "same": 0, "following": 1, "next": 1, "previous": -1, "prior": -1}[rel]
    unit = m["u"].lower()
    if m["rel"].lower().startswith("the next") and unit in ("year", "month", "week"):
        return _period_value(ctx, unit, 1), "DATE"
    last = ctx.last_value or ""
    parts = re.match(r"(\d{4})(?:-(\d\d)(?:-(\d\d))?)?", last)
    year = int(parts.group(1)) if parts else None
    month = int(parts.group(2)) if parts and parts.group(2) else None
    day = None
    if parts and parts.group(3):
        try:
            day = dt.date(year or 1, month or 1, int(parts.group(3)))
        except ValueError:
            day = None
    ref = ctx.ref
    if unit == "year":
        y = year if year is not None else (ref.year if ref else None)
        return (f"{y + delta:04d}" if y is not None else None), "DATE"
    if unit == "month":
        if year is not None and month is not None:
            y, mo = month_shift(year, month, delta)
        elif ref is not None:
            y, mo = month_shift(ref.year, ref.month, delta)
        else:
            return None, "DATE"
        return f"{y:04d}-{mo:02d}", "DATE"
    base = day or ref
    if base is None:
        return None, "DATE"
    if unit == "week":
        return week_value(base + dt.timedelta(days=7 * delta)), "DATE"
    target = base + dt.timedelta(days=delta)
    value = _day(ctx, target)
    if unit in _PARTS:
        return f"{value}T{_PARTS[unit]}", "TIME"
    return value, "DATE"


def _r_quarter(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    word = (m["ord"] or "").lower()
    half = m["u"].lower().startswith("half")
    n = ORDINALS.get(word)
    year: int | None = int(m["y"]) if m["y"] else (int(m["y2"]) if m["y2"] else None)
    ref = ctx.ref
    if n is None:
        # "the latest quarter", "the quarter": the last completed one relative to the reference.
        if half or ref is None:
            return None
        q = ref.year * 4 + quarter_of(ref) - 2
        value = f"{q // 4:04d}-Q{q % 4 + 1}"
        ctx.last_quarter = value
        return value, "DATE"
    if half:
        if n > 2:
            return None
        if year is None:
            if ref is None:
                return f"XXXX-H{n}", "DATE"
            year = ref.year
        return f"{year:04d}-H{n}", "DATE"
    if n > 4:
        return None
    if year is None and m["thisyear"]:
        year = ref.year if ref else None
    if year is None:
        if ref is None:
            return f"XXXX-Q{n}", "DATE"
        year = ref.year - 1 if (quarter_of(ref) == 1 and n >= 3) else ref.year
    value = f"{year:04d}-Q{n}"
    ctx.last_quarter = value
    return value, "DATE"


def _r_q_short(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    """'Q3 2022', '2022 Q3', 'H1': quarters and halves in the analysts' shorthand."""
    n = int(m["n"] or m["n2"])
    letter = m.group(0).upper()
    kind = "H" if "H" in letter else "Q"
    if kind == "H" and n > 2:
        return None
    raw = m["y"] or m["y2"]
    if raw:
        year: int | None = int(raw[1:]) + 2000 if raw.startswith("'") else int(raw)
    else:
        year = ctx.ref.year if ctx.ref else None
    value = f"{year:04d}-{kind}{n}" if year is not None else f"XXXX-{kind}{n}"
    if kind == "Q":
        ctx.last_quarter = value
    return value, "DATE"


def _latest_quarter(ctx: _Ctx) -> tuple[str | None, str] | None:
    if ctx.last_quarter:
        return ctx.last_quarter, "DATE"
    return _period_value(ctx, "quarter", -1), "DATE"


def _r_year_ago(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    """'a year earlier', 'the year-ago quarter': the quarter last spoken of, a year back."""
    if ctx.last_quarter:
        return shift_value(ctx.last_quarter, -1), "DATE"
    if ctx.ref is None:
        return None, "DATE"
    return f"{ctx.ref.year - 1:04d}", "DATE"


def _r_ago(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    if m["vu"]:
        if m["dir"].lower() not in ("ago", "earlier", "later"):
            return None
        return ("FUTURE_REF" if m["dir"].lower() == "later" else "PAST_REF"), "DATE"
    amount = parse_number(m["n"])
    unit = unit_name(m["u"])
    direction = m["dir"].lower()
    sign = 1 if direction in ("later", "after", "from now", "hence", "afterward", "afterwards") else -1
    if amount is None:
        return ("PAST_REF" if sign < 0 else "FUTURE_REF"), "DATE"
    if unit == "year" and amount == 1 and sign < 0 and ctx.last_quarter and direction != "ago":
        return shift_value(ctx.last_quarter, -1), "DATE"
    anchor = ctx.ref
    if direction not in ("ago", "from now", "hence") and ctx.last_day is not None:
        anchor = ctx.last_day
    if anchor is None:
        return None, "DATE"
    n = int(amount) if amount == int(amount) else amount
    if unit in ("day",):
        return _day(ctx, anchor + dt.timedelta(days=sign * int(n))), "DATE"
    if unit in ("week", "fortnight"):
        k = 2 if unit == "fortnight" else 1
        return week_value(anchor + dt.timedelta(days=7 * sign * int(n) * k)), "DATE"
    if unit == "month":
        y, mo = month_shift(anchor.year, anchor.month, sign * int(n))
        return f"{y:04d}-{mo:02d}", "DATE"
    if unit == "year":
        return f"{anchor.year + sign * int(n):04d}", "DATE"
    if unit == "decade":
        return f"{anchor.year + sign * 10 * int(n):04d}", "DATE"
    if unit in ("century", "centurie"):
        return f"{anchor.year + sign * 100 * int(n):04d}", "DATE"
    if unit in ("hour", "minute", "second"):
        return anchor.isoformat(), "TIME"
    return None


def _r_duration(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    amount = parse_number(m["n"]) if m["n"] else 1
    unit = unit_name(m["u"])
    if m["half"] and amount is not None:
        amount += 0.5
    if m["n"] and m["n"].strip().lower() in ("a", "an") and m["recent"]:
        return None
    return duration(amount, unit), "DURATION"


def _r_vague_units(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    return duration(None, unit_name(m["u"] or m["u2"])), "DURATION"


def _r_season(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    code = SEASONS[m["s"].lower()]
    if m["y"]:
        return f"{int(m['y']):04d}-{code}", "DATE"
    if ctx.ref is None:
        return f"XXXX-{code}", "DATE"
    ref = ctx.ref
    sy, scode = season_of(ref)
    if SEASON_ORDER.index(code) > SEASON_ORDER.index(scode) and not _future(ctx, m.start(), m.end()):
        return f"{sy - 1:04d}-{code}", "DATE"
    return f"{sy:04d}-{code}", "DATE"


def _r_holiday(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    year = int(m["y"]) if m["y"] else None
    rel = (m["rel"] or "").lower()
    if year is None:
        if ctx.ref is None:
            return None, "DATE"
        year = ctx.ref.year
        day = holiday(m["h"], year)
        if day is None:
            return None
        if rel == "last" and day >= ctx.ref:
            year -= 1
        elif rel == "next" and day <= ctx.ref:
            year += 1
        elif not rel and (day - ctx.ref).days > 60 and not _future(ctx, m.start(), m.end()):
            year -= 1
    day = holiday(m["h"], year)
    return (_day(ctx, day), "DATE") if day else None


def _fixed(value: str, kind: str = "DATE") -> Resolver:
    def resolve(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str]:
        return value, kind

    return resolve


def _r_set(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    word = (m["w"] or "").lower()
    adverbs = {
        "daily": "P1D", "nightly": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
        "quarterly": "P3M", "hourly": "PT1H", "biweekly": "P2W", "biannually": "P6M",
    }  # fmt: skip
    if word in adverbs:
        return adverbs[word], "SET"
    unit = (m["u"] or "").lower()
    if unit in WEEKDAYS:
        return _xday(WEEKDAYS[unit]), "SET"
    if unit in _PARTS:
        return f"XXXX-XX-XXT{_PARTS[unit]}", "SET"
    amount = parse_number(m["n"]) if m["n"] else 1
    if m["other"]:
        amount = 2
    return duration(amount, unit_name(unit)), "SET"


def _r_end_of(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    rel = m["rel"].lower()
    unit = m["u"].lower()
    delta = {"this": 0, "the": 0, "last": -1, "next": 1}[rel]
    return _period_value(ctx, unit, delta), "DATE"


# --- rules -----------------------------------------------------------------------------------------
_F = re.I


def _c(p: str) -> re.Pattern[str]:
    # Every rule starts on a word boundary (or an apostrophe for "'90s"): a cheap first test at each position.
    return re.compile(r"(?:\b|(?='))" + p, _F)


@lru_cache(maxsize=1)
def _rules() -> tuple[_Rule, ...]:
    wd_opt = rf"(?:(?:{WEEKDAY}|{WEEKDAY_ABBR}),?\s+)?"
    rules = [
        _Rule("iso", _c(r"\b(?P<y>\d{4})-(?P<mo>[01]\d)-(?P<d>[0-3]\d)(?:T(?P<t>\d\d:\d\d(?::\d\d)?))?\b"), _r_iso, 5),
        _Rule("numeric", _c(r"(?<![\d/.])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})(?![\d/])"), _r_numeric, 5),
        _Rule(
            "full_date",
            _c(
                rf"{wd_opt}{MOD}?(?:(?P<m1>{MONTH})\s+(?P<d1>{DAYNUM})(?:,?\s+(?P<y1>{YEAR}))?"
                rf"|(?:the\s+)?(?P<d2>{DAYNUM})(?:\s+of)?\s+(?P<m2>{MONTH})(?:,?\s+(?P<y2>{YEAR}))?)"
            ),
            _r_full_date,
            4,
        ),
        _Rule(
            "month_year",
            _c(
                rf"{MOD}?(?P<m>{MONTH}),?\s+(?:of\s+)?(?:(?P<y>{YEAR})|(?P<ry>{SPELLED_YEAR})|(?P<rel>last|this|next)\s+year\b)"
            ),
            _r_month_year,
            3,
        ),
        _Rule(
            "spelled_year",
            _c(rf"\b(?:the\s+year\s+)?(?P<ry>{SPELLED_YEAR})"),
            lambda m, ctx: (_spelled_year(m["ry"]), "DATE") if _spelled_year(m["ry"]) else None,
            1,
        ),
        _Rule(
            "the_year",
            _c(
                r"\b(?:(?P<inthe>(?:earlier|later)\s+in\s+))?the\s+(?:(?:full|fiscal|current\s+fiscal"
                r"|latest\s+fiscal|entire|whole|calendar)\s+)?year\b(?![-\s]+(?:earlier|ago|before|after|end\b))"
            ),
            _r_the_year,
            0,
        ),
        _Rule(
            "year_end",
            _c(r"\b(?:(?P<since>since|last)\s+)?year[-\s]end\b"),
            lambda m, ctx: (
                (f"{ctx.ref.year - (1 if m['since'] else 0):04d}-12-31" if ctx.ref else "XXXX-12-31"),
                "DATE",
            ),
            1,
        ),
        _Rule(
            "weekend",
            _c(r"\b(?:the|this|last|next|over\s+the)\s+weekend\b"),
            _r_weekend,
            1,
        ),
        _Rule(
            "month",
            _c(rf"(?:(?P<rel>last|next|this|coming)\s+)?(?P<mod>{MOD})?(?P<m>{MONTH})"),
            _r_month,
            1,
        ),
        _Rule(
            "year",
            _c(
                rf"(?<![\w$£€.,/:-])(?:(?P<the>the\s+year\s+)|(?P<fiscal>(?:fiscal|calendar|financial)(?:\s+year)?\s+)"
                rf"|(?P<mod>{MOD}))?(?P<y>{YEAR})(?![\w$£€]|[.,/:-]\d|-(?!year))"
            ),
            _r_year,
            1,
        ),
        _Rule(
            "decade",
            _c(
                rf"(?:the\s+)?(?:{MOD})?(?:(?P<dec>(?:1[5-9]|20)\d0)'?s|'(?P<dec2>\d0)s"
                r"|(?<=the\s)(?P<decw>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)"
                r"|(?<=the\searly\s)(?P<decw2>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties)"
                r"|(?<=the\slate\s)(?P<decw3>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))\b"
            ),
            lambda m, ctx: _r_decade_any(m, ctx),
            2,
        ),
        _Rule(
            "century",
            _c(
                r"(?:the\s+)?(?P<n>first|second|\d{1,2}(?:st|nd|rd|th)|nineteenth|twentieth|twenty-first)[-\s]+century\b"
            ),
            _r_century_any,
            2,
        ),
        _Rule(
            "weekday",
            _c(
                rf"(?:(?P<rel>last|next|this|coming|early|late)\s+)?(?P<wd>{WEEKDAY})(?:'s)?"
                rf"(?:\s+(?P<part>{PART})\b)?"
            ),
            _r_weekday,
            2,
        ),
        _Rule(
            "dayword",
            _c(
                rf"\b(?:(?:early|late|mid-?)?\s*(?P<pre>{PART})\s+|(?:early|late)\s+)?"
                r"(?P<w>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|today|yesterday|tomorrow|tonight"
                rf"|this|last)(?:'s)?\b(?:\s+(?P<part>{PART})\b)?"
            ),
            _r_dayword,
            2,
        ),
        _Rule(
            "clock",
            _c(
                rf"(?:(?:(?P<wd2>{WEEKDAY})|(?P<dw2>today|yesterday|tomorrow))\s+(?:at\s+)?)?"
                r"(?:\b(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d))?\s*(?P<ap>[ap]\.?\s?m\b\.?)"
                r"|\b(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?!\d)"
                r"|\b(?P<noon>noon|midnight|midday)\b"
                r"|\b(?P<h3>[01]?\d)\s+(?:o'clock\s+)?in\s+the\s+(?P<inthe>morning|afternoon|evening|night))"
                r"(?:\s+(?:[ECMP][SD]T|GMT|UTC|local\s+time)\b)?"
                rf"(?:,?\s+(?:on\s+)?(?:(?P<wd>{WEEKDAY})|(?P<dw>today|yesterday|tomorrow)\b"
                rf"|(?P<cm>{MONTH})\s+(?P<cd>{DAYNUM})(?:,?\s+(?P<cy>{YEAR}))?))?"
            ),
            lambda m, ctx: _r_clock_any(m, ctx),
            3,
        ),
        _Rule(
            "relative_period",
            _c(
                r"\b(?:(?:early|late|mid)[-\s]+)?(?P<rel>earlier\s+this|later\s+this|this\s+past|this\s+coming|the\s+(?:current|coming|previous"
                r"|past|last|next|following)|last|past|previous|this|current|next|coming)\s+"
                r"(?P<u>week|weekend|month|year|quarter|decade|century|spring|summer|fall|autumn|winter|day)\b"
                r"(?!-)"
            ),
            _r_relative_period,
            2,
        ),
        _Rule(
            "anchored",
            _c(
                r"\b(?P<rel>that|the\s+same|the\s+following|the\s+next|the\s+previous|the\s+prior)\s+"
                rf"(?P<u>day|{PART}|week|month|year)\b(?![-\s]+(?:earlier|ago|old)\b)"
            ),
            _r_anchored,
            3,
        ),
        _Rule(
            "end_of",
            _c(
                r"\b(?:the\s+)?(?:end|beginning|start|middle|close|rest|remainder)\s+of\s+(?P<rel>this|the|last|next)"
                r"\s+(?P<u>week|month|year|quarter|decade|century)\b"
            ),
            _r_end_of,
            3,
        ),
        _Rule(
            "quarter",
            _c(
                rf"(?:(?P<thisyear>this\s+year's|the\s+year's)\s+|(?:fiscal\s+)?(?P<y2>{YEAR})(?:'s)?\s+)?"
                r"(?:the\s+)?(?:(?:fiscal|calendar|latest|current|most\s+recent|recent|past|latest|just-ended"
                r"|just-completed)[-\s]+)*(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+)?"
                r"(?:fiscal[-\s]+)?(?P<u>quarter|half)\b"
                rf"(?:\s+of\s+(?:fiscal\s+)?(?P<y>{YEAR}))?"
            ),
            _r_quarter_guard,
            2,
        ),
        _Rule(
            "q_short",
            _c(
                rf"(?-i:Q|H)(?P<n>[1-4])(?:\s*(?:/|-|\s)\s*(?P<y>{YEAR}|'\d\d))?\b|(?P<y2>{YEAR})[-\s]?(?-i:Q|H)(?P<n2>[1-4])\b"
            ),
            _r_q_short,
            3,
        ),
        _Rule(
            "period",
            _c(
                r"\bthe\s+(?:latest|most\s+recent|same|comparable|corresponding|just-ended)\s+(?:period|three\s+months)\b"
            ),
            lambda m, ctx: _latest_quarter(ctx),
            1,
        ),
        _Rule(
            "year_ago",
            _c(
                r"\b(?:(?:the\s+)?year[-\s](?:earlier|ago)(?:\s+(?:quarter|period|months?))?|a\s+year\s+(?:earlier|ago)"
                r"|the\s+(?:year-earlier|year-ago|prior-year|comparable)\s+(?:quarter|period))\b"
            ),
            _r_year_ago,
            3,
        ),
        _Rule(
            "ago",
            _c(
                rf"\b(?:(?:about|nearly|almost|more\s+than|less\s+than|some|roughly|around|only|just|over)\s+)?"
                rf"(?:(?P<n>{NUM})[-\s]+(?P<u>{UNIT})|(?P<vu>(?:days|weeks|months|years|decades)))"
                r"\s+(?P<dir>ago|earlier|later|before|after(?:wards?)?|from\s+now"
                r"|hence)\b(?!\s+(?:the|a|an|his|her|its|their|that|this)\b)"
            ),
            _r_ago,
            3,
        ),
        _Rule(
            "duration",
            _c(
                r"\b(?:(?:the|a|an|another|its|their|his|her)\s+(?![\w.,]+-(?:second|minute|hour|day|week|month|year"
                r"|decade|centur)))?(?:(?P<recent>past|last|next|previous|first|coming"
                r"|following|final|recent|initial|remaining|latest)\s+)?"
                r"(?:(?:about|nearly|almost|more\s+than|less\s+than|at\s+least|over|up\s+to|some|roughly|around"
                r"|only|just|approximately|another|an\s+additional|additional)\s+)?"
                rf"(?P<n>{NUM})(?P<half>\s+and\s+a\s+half)?(?:\s+more)?[-\s]+"
                r"(?:(?:trading|business|working|calendar|straight|consecutive|full)[-\s]+)?"
                rf"(?P<u>{UNIT}|quarters\b)(?:\s+more)?"
                r"(?![-\s]+old\b)"
            ),
            _r_duration,
            1,
        ),
        _Rule(
            "duration_past",
            _c(
                r"\b(?:the\s+)?(?P<recent>past|last|next|previous|coming|following)\s+(?P<n>)"
                r"(?P<half>)(?P<u>(?:hour|day|week|month|year|decade|century)s?)\b(?![-\s]+old\b)"
            ),
            lambda m, ctx: (
                (duration(1, unit_name(m["u"])), "DURATION")
                if not m["u"].lower().endswith("s")
                else (duration(None, unit_name(m["u"])), "DURATION")
            ),
            0,
        ),
        _Rule(
            "vague_units",
            _c(
                r"(?:(?<=\bfor\s)|(?<=\bin\s)|(?<=\bover\s)|(?<=\bafter\s)|(?<=\bwithin\s)|(?<=\blasted\s))"
                r"(?P<u>(?:seconds|minutes|hours|days|weeks|months|years|decades|centuries))\b"
                r"(?!\s+(?:of|ago|earlier|later|before|after)\b)"
            ),
            _r_vague_units,
            0,
        ),
        _Rule(
            "recent_units",
            _c(
                r"\b(?:(?:recent|coming)\s+(?P<u>days|weeks|months|years|decades|quarters)\b"
                r"|the\s+(?P<u2>days|weeks|months|years)\s+ahead\b)"
            ),
            _r_vague_units,
            1,
        ),
        _Rule(
            "season",
            _c(
                r"\b(?:(?:the|this|that|early|late|mid)[-\s]+)?(?P<s>spring|summer|fall|autumn|winter)"
                rf"(?:\s+(?:of\s+)?(?P<y>{YEAR}))?\b"
            ),
            _r_season_guard,
            1,
        ),
        _Rule(
            "holiday",
            _c(
                r"(?:(?P<rel>last|next|this)\s+)?(?P<h>(?-i:Christmas(?:\s+(?:Day|Eve))?|New\s+Year's\s+(?:Day|Eve)"
                r"|Thanksgiving(?:\s+Day)?|Independence\s+Day|Halloween|Valentine's\s+Day|Easter(?:\s+Sunday)?"
                r"|Labor\s+Day|Memorial\s+Day|Election\s+Day|Veterans\s+Day|Boxing\s+Day|St\.?\s+Patrick's\s+Day))\b"
                rf"(?:,?\s+(?P<y>{YEAR}))?"
            ),
            _r_holiday,
            2,
        ),
        _Rule(
            "present",
            _c(
                r"\b(?:now|currently|at\s+present|presently|nowadays|these\s+days|the\s+present(?!\s+\w+ing)"
                r"|at\s+the\s+moment|right\s+now)\b"
            ),
            _fixed("PRESENT_REF"),
            1,
        ),
        _Rule("current", _c(r"\bcurrent\b(?!\s+account)"), _fixed("PRESENT_REF"), 0),
        _Rule(
            "past",
            _c(
                r"\b(?:recently|recent(?!\s+(?:days|weeks|months|years|decades)\b)|lately"
                r"|(?:the|in\s+the)\s+past(?!\s+(?:\w+\s+)?(?:hours?|days?|weeks?|months?|years?"
                r"|decades?|centur(?:y|ies)|two|three|four|five|several|few|couple)\b)|(?-i:Previously))\b"
            ),
            _fixed("PAST_REF"),
            0,
        ),
        _Rule(
            "future",
            _c(
                r"\b(?:the\s+future|(?<!as\s)soon(?!\s+(?:as|after)\b)"
                r"|the\s+(?:near|distant|foreseeable)\s+future|someday)\b"
            ),
            _fixed("FUTURE_REF"),
            0,
        ),
        _Rule(
            "set",
            _c(
                r"\b(?:(?P<w>daily|nightly|weekly|monthly|annually|yearly|hourly|biweekly|biannually)"
                rf"|(?P<w2>every|each|per|a)\s+(?:(?P<other>other)\s+)?(?:(?P<n>{NUM})\s+)?"
                r"(?P<u>(?:second|minute|hour|day|week|month|year|decade)s?|morning|afternoon|evening|night"
                r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
            ),
            _r_set_guard,
            1,
        ),
    ]
    return tuple(rules)


def _r_decade_any(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    word = m["decw"] or m["decw2"] or m["decw3"]
    if word:
        tens = ("twenties", "thirties", "forties", "fifties", "sixties", "seventies", "eighties", "nineties")
        return f"19{tens.index(word.lower()) + 2}", "DATE"
    if m["dec2"]:
        d = m["dec2"]
        century = "19" if d >= "30" or ctx.ref is None or ctx.ref.year < 2000 else "20"
        return f"{century}{d[0]}", "DATE"
    return _r_decade(m, ctx)


def _r_century_any(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    words = {"nineteenth": 19, "twentieth": 20, "twenty-first": 21}
    w = m["n"].lower()
    if w in words:
        return f"{words[w] - 1:02d}", "DATE"
    return _r_century(m, ctx)


def _r_clock_any(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    if m["h2"] is not None:
        # A bare "14:30" is a time only with a plausible hour; scores ("3:2") never reach here ([0-5]\d).
        hh, mm = int(m["h2"]), int(m["mi2"])
        before = ctx.text[max(0, m.start() - 3) : m.start()]
        if before.endswith(("$", ":")):
            return None
        return _clock_value(m, ctx, hh, mm)
    if m["h3"] is not None:
        hh = int(m["h3"])
        if m["inthe"].lower() in ("afternoon", "evening") or (m["inthe"].lower() == "night" and hh >= 6):
            hh = hh + 12 if hh < 12 else hh
        return _clock_value(m, ctx, hh, 0)
    return _r_clock(m, ctx)


def _clock_value(m: re.Match[str], ctx: _Ctx, hh: int, mm: int) -> tuple[str | None, str] | None:
    if hh > 24 or mm > 59:
        return None
    anchor = m["wd"] or m["wd2"]
    base: str | None
    if m["cm"]:
        base = _ymd(ctx, int(m["cy"]) if m["cy"] else None, _month_num(m["cm"]), int(re.sub(r"\D", "", m["cd"])))
    elif anchor:
        day = _weekday_date(ctx, WEEKDAYS[anchor.lower()], "", m.start(), m.end())
        base = day.isoformat() if day else _xday(WEEKDAYS[anchor.lower()])
    elif ctx.ref is not None:
        base = (ctx.last_day or ctx.ref).isoformat()
    else:
        base = "XXXX-XX-XX"
    return f"{base}T{hh:02d}:{mm:02d}", "TIME"


def _r_quarter_guard(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    text = m.group(0).lower()
    if m["u"].lower() == "half" and not m["ord"]:
        return None
    if not m["ord"] and not re.search(r"\b(?:the|latest|current|recent|past|fiscal)\b", text):
        return None
    if not m["ord"] and re.search(r"\bcurrent\b", text) and ctx.ref is not None:
        return _period_value(ctx, "quarter", 0), "DATE"
    return _r_quarter(m, ctx)


def _r_season_guard(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    text = m.group(0).lower()
    if m["s"].lower() == "fall" and not re.match(r"(?:the|this|that|early|late|mid)\b", text) and not m["y"]:
        return None
    if m["s"].lower() == "spring" and not (m["y"] or re.match(r"(?:the|this|that|early|late|mid)\b", text)):
        before = ctx.text[max(0, m.start() - 4) : m.start()].lower()
        if not before.endswith("in "):
            return None
    return _r_season(m, ctx)


def _r_set_guard(m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    if m["w2"] and m["w2"].lower() in ("a", "per"):
        # "a year" is a duration unless it follows an amount ("$5 a year", "twice a week").
        before = ctx.text[max(0, m.start() - 16) : m.start()].lower()
        if not re.search(r"(?:once|twice|times|\d|%|dollars?|cents?|percent)\s*$", before) or m["n"]:
            return None
        if m["u"].lower().endswith("s"):
            return None
    if m["w2"] and m["u"] and m["u"].lower().endswith("s") and not m["n"]:
        return None
    return _r_set(m, ctx)


# --- driver ----------------------------------------------------------------------------------------
_MONTH_KEYS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_UNIT_KEYS = ("second", "minute", "hour", "day", "week", "fortnight", "month", "year", "decade", "centur")
_CLOCK_KEYS = tuple(f"{d}{x}" for d in "0123456789" for x in (":", "am", "pm", " am", " pm", " a.", " p."))
# Substrings that every match of a rule contains (lower-case unless the rule is in _CASED). Rules only run
# in windows around them, which keeps the scan several times faster than running every pattern everywhere.
_TRIGGERS: dict[str, tuple[str, ...]] = {
    "iso": ("-0", "-1"),
    "numeric": ("/",),
    "full_date": _MONTH_KEYS,
    "month_year": _MONTH_KEYS,
    "month": _MONTH_KEYS,
    "spelled_year": ("nineteen", "twenty", "two thousand"),
    "the_year": ("year",),
    "weekend": ("weekend",),
    "year_end": ("year-end", "year end"),
    "year": ("16", "17", "18", "19", "20"),
    "decade": ("0s", "0's", "ties"),
    "century": ("century",),
    "weekday": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "dayword": ("today", "yesterday", "tomorrow", "tonight", "morning", "afternoon", "evening", "night"),
    "clock": (
        *_CLOCK_KEYS,
        "a.m",
        "p.m",
        "noon",
        "midnight",
        "midday",
        "in the morning",
        "in the afternoon",
        "in the evening",
        "in the night",
    ),
    "relative_period": (*_UNIT_KEYS, "weekend", "quarter", "spring", "summer", "fall", "autumn", "winter"),
    "end_of": ("end of", "beginning of", "start of", "middle of", "close of", "rest of", "remainder of"),
    "anchored": (
        "the same",
        "the following",
        "the next",
        "the previous",
        "the prior",
        "that day",
        "that morning",
        "that afternoon",
        "that evening",
        "that night",
        "that week",
        "that month",
        "that year",
    ),
    "quarter": ("quarter", "half"),
    "period": ("period", "three months"),
    "q_short": ("q1", "q2", "q3", "q4", "h1", "h2"),
    "year_ago": ("year",),
    "ago": ("ago", "earlier", "later", "before", "after", "from now", "hence"),
    "duration": (*_UNIT_KEYS, "quarters"),
    "duration_past": _UNIT_KEYS,
    "vague_units": _UNIT_KEYS,
    "recent_units": _UNIT_KEYS,
    "season": ("spring", "summer", "fall", "autumn", "winter"),
    "holiday": (
        "Christmas",
        "New Year",
        "Thanksgiving",
        "Independence",
        "Halloween",
        "Valentine",
        "Easter",
        "Labor Day",
        "Memorial",
        "Election",
        "Veterans",
        "Boxing",
        "Patrick",
    ),
    "present": ("now", "current", "present", "these days", "moment"),
    "current": ("current",),
    "past": ("recent", "lately", "past", "previously"),
    "future": ("future", "soon", "someday"),
    "set": (
        "daily",
        "nightly",
        "weekly",
        "monthly",
        "annually",
        "yearly",
        "hourly",
        "every",
        "each",
        "per ",
        "a year",
        "a day",
        "a week",
        "a month",
        "an hour",
        "a minute",
        "a decade",
    ),
}
_CASED = frozenset({"full_date", "month_year", "month", "weekday", "holiday"})
_REACH = 70  # longest stretch of a match on either side of its trigger


@lru_cache(maxsize=64)
def _trigger_pattern(keys: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))


def _windows(hay: str, keys: tuple[str, ...]) -> list[tuple[int, int]]:
    """Merged stretches of ``hay`` within reach of any of ``keys``."""
    merged: list[tuple[int, int]] = []
    for m in _trigger_pattern(keys).finditer(hay):
        s, e = max(0, m.start() - _REACH), m.end() + _REACH
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _resolve(rule: _Rule, m: re.Match[str], ctx: _Ctx) -> tuple[str | None, str] | None:
    try:
        return rule.resolve(m, ctx)
    except (ValueError, OverflowError):
        # Calendar arithmetic off the ends of the calendar (reference near year 1 or 9999): keep the span.
        return None, "DATE"


def _candidates(text: str) -> list[tuple[int, int, int, int, re.Match[str], _Rule]]:
    out = []
    low = text.lower()
    same = len(low) == len(text)  # a few characters change length when lowered; then scan it all
    n = len(text)
    cache: dict[tuple[bool, tuple[str, ...]], list[tuple[int, int]]] = {}
    for idx, rule in enumerate(_rules()):
        keys = _TRIGGERS.get(rule.name)
        if keys and same:
            cased = rule.name in _CASED
            if (cased, keys) not in cache:
                cache[(cased, keys)] = _windows(text if cased else low, keys)
            windows = cache[(cased, keys)]
        else:
            windows = [(0, n)]
        seen: set[tuple[int, int]] = set()
        for ws, we in windows:
            for m in rule.pattern.finditer(text, ws, min(n, we)):
                span = m.span()
                if span[1] > span[0] and span not in seen:
                    seen.add(span)
                    out.append((span[0], span[1], rule.priority, idx, m, rule))
    return out


def find_times(text: str, reference: dt.date | None = None) -> list[TimeExpr]:
    """Find and normalise the time expressions in ``text``.

    Args:
        text: any text.
        reference: the date relative expressions are resolved against (e.g. the publication date);
            without it, what cannot be resolved is written with X ("XXXX-05-23") or left None.
    """
    if not text:
        return []
    if isinstance(reference, dt.datetime):
        reference = reference.date()
    scratch = _Ctx(text=text, ref=reference)
    # Rules reject some matches on context ("May" the verb); drop those before they can shadow others.
    cands = [c for c in _candidates(text) if _resolve(c[5], c[4], scratch) is not None]
    # Longest first, then the more specific rule, then leftmost.
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[2], c[0]))
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[tuple[int, int, re.Match[str], _Rule]] = []
    for s, e, _p, _i, m, rule in cands:
        k = bisect_left(starts, s)
        if k > 0 and ends[k - 1] > s:
            continue
        if k < len(starts) and starts[k] < e:
            continue
        starts.insert(k, s)
        ends.insert(k, e)
        chosen.append((s, e, m, rule))
    chosen.sort(key=lambda c: c[0])
    ctx = _Ctx(text=text, ref=reference)
    out: list[TimeExpr] = []
    for s, e, m, rule in chosen:
        res = _resolve(rule, m, ctx)
        if res is None:
            continue
        value, kind = res
        if value and kind in ("DATE", "TIME") and value[:4].isdigit():
            ctx.last_value = value
        # Drop a trailing sentence dot that is not part of an abbreviation.
        if text[e - 1] == "." and not re.search(r"(?:\b[A-Za-z]{2,5}|[ap]\.m)\.$", text[s:e]):
            e -= 1
        out.append(TimeExpr(start=s, end=e, text=text[s:e], value=value, kind=kind))
    return out
