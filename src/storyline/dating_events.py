"""Dated news events as dating clues: "Super Tuesday", "the Brexit vote", "Hurricane Katrina".

Events come from the knowledge base (actors of kind "event" whose roles are "occurred" spells, one per
edition of a recurring event such as the Iowa caucuses). A text naming an event is usually written
around it: one-off events are looked back on (the text follows them), recurring calendar events are
also looked forward to, so their likelihood has a before-side as well.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from storyline.dating_rules import BoxClue, Clue, _lomax, sentence_at
from storyline.kb import Actor, load_kb

__all__ = ["EventClue", "find_event_clues"]

# Likelihood shape, tuned on the PolNeAR train split: texts cluster within weeks after an event and
# recurring events are anticipated for a few weeks before.
TAU_AFTER_ONCE = 90.0
TAU_AFTER_RECURRING = 30.0
FAR_AFTER_ONCE = 0.55
FAR_AFTER_RECURRING = 0.2
FLOOR = 0.05
EVENT_WEIGHT = 0.6
# The long tail after a one-off event: this share spread flat over every later day, the rest a heavy
# (Lomax) tail with half its mass within FAR_SCALE days, so an event is looked back on mostly in the
# following years whatever the era; a flat tail alone thins out as the event recedes from today.
FAR_FLAT = 0.5
FAR_SCALE = 1000.0
# How far ahead a recurring event is talked about: elections all through the campaign, conventions
# for months, primaries and debates for weeks.
LEAD_DAYS = (("election", 240.0), ("convention", 90.0))
LEAD_DEFAULT = 40.0


@dataclass(frozen=True)
class EventClue(Clue):
    """The text names an event that happened over one or more dated spells."""

    spells: tuple[tuple[dt.date, dt.date], ...] = ()
    recurring: bool = False
    lead: float = LEAD_DEFAULT

    def likelihood(self, t: np.ndarray, start: dt.date) -> np.ndarray:
        out = np.zeros(t.shape, dtype=np.float64)
        k = len(self.spells)
        for lo, hi in self.spells:
            a = t - (lo - start).days
            b = t - (hi - start).days
            inside = (a >= 0) & (b <= 0)
            length = max(1, (hi - lo).days + 1)
            part = np.where(inside, 0.2 / length, 0.0)
            tau = TAU_AFTER_RECURRING if self.recurring else TAU_AFTER_ONCE
            far = FAR_AFTER_RECURRING if self.recurring else FAR_AFTER_ONCE
            after = b > 0
            part[after] += (1 - far) * 0.8 * np.exp(-b[after] / tau) / tau
            flat = 1.0 if self.recurring else FAR_FLAT
            part[after] += flat * far * 0.8 / max(1.0, float(after.sum()))
            if flat < 1.0:
                part[after] += (1.0 - flat) * far * 0.8 * _lomax(b[after], FAR_SCALE)
            if self.recurring:
                before = a < 0
                part[before] += 0.6 * np.exp(a[before] / self.lead) / self.lead
            out += part / k
        return (1 - FLOOR) * out + FLOOR / t.size


_WORD_EDGE = r"(?<![\w-])(?:{})(?![\w-])"
# "last year's bombing", "the election next year": a year-relative phrase in the sentence that names
# a dated event places the text relative to the event's year (PolNeAR train and TimeML: 11 of 12).
_REL_YEAR = re.compile(r"(?i)\b(?:(?P<rel>last|next|this)\s+year\b|a\s+year\s+ago\b)")
_REL_SHIFT = {"last": 1, "next": -1, "this": 0}
REL_EVENT_P = 0.8


@lru_cache(maxsize=1)
def _event_index() -> tuple[re.Pattern[str] | None, dict[str, Actor]]:
    by_alias: dict[str, Actor] = {}
    for a in load_kb():
        if a.kind != "event" or not a.roles or a.roles[0].role != "occurred":
            continue
        for n in {a.name, *a.aliases}:
            if len(n) >= 4:
                by_alias[n.lower()] = a
    if not by_alias:
        return None, {}
    alt = "|".join(re.escape(n) for n in sorted(by_alias, key=len, reverse=True))
    return re.compile(_WORD_EDGE.format(alt), re.I), by_alias


def find_event_clues(text: str) -> list[Clue]:
    """Clues from dated events the text names.

    Args:
        text: the text.
    """
    rx, by_alias = _event_index()
    if rx is None:
        return []
    out: list[Clue] = []
    seen: set[str] = set()
    related: set[str] = set()
    for m in rx.finditer(text):
        a = by_alias.get(m.group(0).lower())
        if a is None:
            continue
        if a.id not in related and (rel := _relative_year_clue(text, m, a)) is not None:
            related.add(a.id)
            out.append(rel)
        if a.id in seen:
            continue
        seen.add(a.id)
        spells = tuple((r.start, r.end or r.start) for r in a.roles)
        recurring = len(spells) > 1
        lead = next((d for key, d in LEAD_DAYS if key in a.id), LEAD_DEFAULT)
        when = ", ".join(s.isoformat() for s, _ in spells[-4:])
        what = f"editions include {when}" if recurring else f"on {spells[0][0].isoformat()}"
        out.append(
            EventClue(
                evidence=f"names the event {m.group(0)!r} ({a.name}, {what}): written around or after it",
                weight=EVENT_WEIGHT,
                strength=6.5,
                spells=spells,
                recurring=recurring,
                lead=lead,
            )
        )
    return out


def _relative_year_clue(text: str, m: re.Match[str], event: Actor) -> Clue | None:
    """A clue that the text is a year after (before) an edition: "last year's <event>", "<event> next year".

    Args:
        text: the text.
        m: the match of the event's name.
        event: the event.
    """
    rel = _REL_YEAR.search(sentence_at(text, m.start()))
    if rel is None:
        return None
    word = (rel.group("rel") or "last").lower()
    shift = _REL_SHIFT[word]
    years = sorted({r.start.year + shift for r in event.roles})
    phrase = rel.group(0).lower()
    latest = ", ".join(str(y) for y in years[-4:])
    which = latest if len(years) <= 4 else f"one of {len(years)} years, the latest {latest}"
    return BoxClue(
        evidence=f"says {phrase!r} of the event {m.group(0)!r} ({event.name}): written in {which}",
        weight=1.0,
        strength=7.0,
        spans=tuple((dt.date(y, 1, 1), dt.date(y, 12, 31)) for y in years),
        p=REL_EVENT_P,
    )
