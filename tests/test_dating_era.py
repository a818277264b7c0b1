"""Dating rules that must hold for texts of any period (invented texts only)."""

from __future__ import annotations

import datetime as dt

from storyline import estimate_date
from storyline.dating_events import EventClue, find_event_clues
from storyline.dating_rules import find_date_mentions, find_kb_clues


def test_bond_maturity_dates_are_not_writing_dates() -> None:
    text = (
        "Ridgeway Tools said it will redeem its 8% debentures due March 1, 2011, and its notes maturing in 2009. "
        "The company had sales of $40 million in 1987."
    )
    evidence = " ".join(c.evidence for c in find_date_mentions(text))
    assert "2011" not in evidence and "2009" not in evidence
    assert "1987" in evidence
    e = estimate_date(text)
    assert e.value is not None and e.value.year < 2000


def test_year_looked_forward_to_puts_the_text_before_it() -> None:
    text = "The brewer said its profit in 1988 was flat. It expects record earnings in 1990."
    e = estimate_date(text)
    assert e.value is not None and 1988 <= e.value.year <= 1989


def test_age_clue_needs_the_same_given_name() -> None:
    # A private person who shares a surname with a politician in the knowledge base.
    clues = find_kb_clues("Marta Sanders, 35, said the bakery would reopen.")
    assert not any("born" in c.evidence for c in clues)


def test_election_day_covers_midterm_years() -> None:
    clues = [c for c in find_event_clues("Turnout on Election Day was low.") if isinstance(c, EventClue)]
    assert clues
    days = {lo for c in clues for lo, _ in c.spells}
    assert dt.date(1998, 11, 3) in days and dt.date(1996, 11, 5) in days


def test_region_name_is_not_the_later_state() -> None:
    clues = find_kb_clues("Refugees crossed from Kosovo into Albania.")
    assert not any("2008" in c.evidence for c in clues)
