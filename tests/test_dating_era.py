"""Dating rules that must hold for texts of any period (invented texts only)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from storyline import estimate_date
from storyline.dating import _best_day, _domain
from storyline.dating_events import EventClue, find_event_clues
from storyline.dating_rules import BoxClue, Clue, SpanClue, _merge_spans, find_date_mentions, find_kb_clues


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


def test_reporting_year_is_that_year_or_the_next() -> None:
    text = "Harbor Mills said its fiscal 1994 profit rose 12% on higher sales of paper towels."
    clues = find_date_mentions(text)
    assert any("reporting period" in c.evidence for c in clues)
    e = estimate_date(text)
    assert e.value is not None and e.value.year in (1994, 1995)
    assert e.earliest is not None and e.latest is not None
    assert dt.date(1994, 1, 1) <= e.earliest and e.latest <= dt.date(1995, 12, 31)


def test_reporting_year_looked_forward_to_is_the_coming_year() -> None:
    text = "Analysts expect 2003 earnings of the brewer to reach $2 a share."
    e = estimate_date(text)
    assert e.value is not None and e.value.year in (2002, 2003)


def test_past_clause_beats_a_forward_looking_sentence() -> None:
    text = "The two lenders, which were merged in July 1996, will report their first joint results next week."
    evidence = [c.evidence for c in find_date_mentions(text)]
    assert any("1996-07" in ev for ev in evidence)
    assert not any("upcoming" in ev for ev in evidence)
    ahead = [c.evidence for c in find_date_mentions("The lenders will merge in July 1996, the bank said.")]
    assert any("upcoming month 1996-07" in ev for ev in ahead)
    # A word that merely ends in -ed is no past tense.
    cuts = [c.evidence for c in find_date_mentions("The mill will cut a hundred jobs by March 1996.")]
    assert any("upcoming month 1996-03" in ev for ev in cuts)


def test_counts_that_look_like_years_are_not_years() -> None:
    text = "The mill employs 2000 workers and ships 1500 tons of steel; 1998 votes were cast."
    assert not [c for c in find_date_mentions(text) if "year" in c.evidence]
    assert any("1987" in c.evidence for c in find_date_mentions("Sales rose in 1987 for the mill."))


def test_named_date_looked_back_on_has_a_heavy_tail() -> None:
    clue = next(c for c in find_date_mentions("The plant closed on March 3, 1991.") if isinstance(c, SpanClue))
    start = dt.date(1960, 1, 1)
    t = np.arange((dt.date(2026, 1, 1) - start).days, dtype=np.float64)
    like = clue.likelihood(t, start)
    day = (dt.date(1991, 3, 3) - start).days
    # A year or two later stays far likelier than decades later.
    assert like[day + 500] > 3 * like[day + 9000]


def test_successive_offices_merge_into_one_career() -> None:
    lo, hi = dt.date(1990, 1, 1), dt.date(1995, 1, 1)
    merged = _merge_spans([(lo, hi), (dt.date(1994, 6, 1), dt.date(1999, 1, 1)), (dt.date(2005, 1, 1), None)])
    assert merged == [(lo, dt.date(1999, 1, 1)), (dt.date(2005, 1, 1), None)]
    clue = next(c for c in find_kb_clues("Madeleine Albright spoke.") if isinstance(c, BoxClue))
    assert len(clue.spans) == 1


def test_titled_office_does_not_pile_up_with_an_earlier_office() -> None:
    # Ambassador to the UN, then secretary of state: the hand-over year must not outweigh the others.
    clues = find_kb_clues("Secretary of State Madeleine Albright met the ministers.")
    person = next(c for c in clues if isinstance(c, BoxClue) and c.evidence.startswith("names "))
    start = dt.date(1960, 1, 1)
    t = np.arange((dt.date(2026, 1, 1) - start).days, dtype=np.float64)
    like = person.likelihood(t, start)
    at = {y: like[(dt.date(y, 7, 1) - start).days] for y in (1996, 1999)}
    assert at[1996] == pytest.approx(at[1999], rel=0.01)


@pytest.mark.parametrize(
    ("text", "lo", "hi", "bounded"),
    [
        ("Chancellor Helmut Schmidt met the trade unions in Bonn.", 1974, 1982, True),
        ("Prime Minister Yasuhiro Nakasone visited the steel works.", 1982, 1987, True),
        ("Fed Chairman Paul Volcker kept credit tight.", 1979, 1987, True),
        # A title alone is soft evidence: the interval also spans Baker's other offices.
        ("Treasury Secretary James Baker urged lower interest rates.", 1985, 1988, False),
    ],
)
def test_leaders_of_the_1970s_and_1980s_date_the_text(text: str, lo: int, hi: int, bounded: bool) -> None:
    e = estimate_date(text)
    assert e.value is not None and lo <= e.value.year <= hi
    assert any("held the role" in x for x in e.evidence)
    if bounded:
        assert e.earliest is not None and e.latest is not None
        assert e.earliest.year >= lo - 1 and e.latest.year <= hi + 1


@pytest.mark.parametrize(
    "text",
    [
        "The assassination attempt on the president shocked the capital.",
        "After the failed coup, the army returned to its barracks.",
        "The impeachment trial opened in the Senate on a cold morning.",
        "Investigators linked the embassy bombings to a single cell.",
        "The full-scale invasion began before dawn.",
    ],
)
def test_generic_event_words_name_no_single_event(text: str) -> None:
    # Phrases that fit many events in history must not tie a text to one of them.
    assert find_event_clues(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "PORTVIK, August 7 (Harbour Wire) -- The ferry Okafor resumed service on Friday after repairs, officials said.",
        "The harbour board met on November 9 and again on November 16 to discuss the ferry timetable.",
    ],
)
def test_year_less_days_name_no_year(text: str) -> None:
    # Nothing picks one year out of the many that fit, so no single day is given, even though the
    # domain's edges close the interval.
    e = estimate_date(text)
    assert e.basis == "inferred"
    assert e.value is None
    assert e.evidence


@pytest.mark.parametrize(
    ("text", "ahead"),
    [
        (
            "The harbour board said the ferry lease with Okafor Lines runs until Dec. 31, 2019. "
            "The lease was signed in 2012 after a long tender.",
            dt.date(2019, 12, 31),
        ),
        (
            "Brandt Shipping said its preferred shares will pay a floating dividend until March 31, 2024, "
            "when the rate will be reset. The company was founded in 2015.",
            dt.date(2024, 3, 31),
        ),
    ],
)
def test_future_date_bounds_the_text_only_loosely(text: str, ahead: dt.date) -> None:
    # A contract term may end years after the text: the interval must reach well before it.
    e = estimate_date(text)
    assert any("upcoming date" in x for x in e.evidence)
    assert e.latest is not None and e.latest >= ahead
    assert e.earliest is not None and e.earliest <= ahead - dt.timedelta(days=730)


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("Ferry bookings to Calais have not recovered since last year's Brexit vote, harbour master Lind said.", 2017),
        ("Okafor, a ferry captain, said crossings were suspended after the Chernobyl disaster last year.", 1987),
    ],
)
def test_last_year_of_a_named_event_is_the_year_after_it(text: str, year: int) -> None:
    e = estimate_date(text)
    assert any("says 'last year' of the event" in x for x in e.evidence)
    assert e.value is not None and e.value.year == year


def test_last_year_of_a_recurring_event_says_how_many_years_fit() -> None:
    # Every edition of a recurring event gives a year; the evidence must not read as four years only.
    e = estimate_date("Turnout in Brandt fell after last year's presidential election, Okafor said.")
    line = next(x for x in e.evidence if "says 'last year' of the event" in x)
    assert "written in one of " in line
    assert "2025" in line  # the year after the latest edition (2024) is among those shown


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        ("The pier at Lindholm reopened to ferries in March 2013.", dt.date(2013, 3, 1), dt.date(2013, 4, 30)),
        ("Captain Okafor took command of the ferry in October 1994.", dt.date(1994, 10, 1), dt.date(1994, 11, 30)),
    ],
)
def test_month_named_with_its_year_is_mostly_looked_back_on(text: str, first: dt.date, last: dt.date) -> None:
    # News style names the year only for months outside the current year: the text is rarely written
    # in the month it names or the weeks after it, far more often in the next few years.
    clue = next(c for c in find_date_mentions(text) if isinstance(c, SpanClue))
    start = dt.date(1960, 1, 1)
    t = np.arange((dt.date(2026, 1, 1) - start).days, dtype=np.float64)
    like = clue.likelihood(t, start)
    like /= like.sum()
    a, b = (first - start).days, (last - start).days
    later = (dt.date(first.year + 1, 1, 1) - start).days
    assert like[a : b + 1].sum() < like[later : later + 3 * 365].sum() / 2


def test_full_date_is_the_writing_time_only_in_a_minority_of_texts() -> None:
    clue = next(c for c in find_date_mentions("The ferry Brandt sank on May 9, 2002.") if isinstance(c, SpanClue))
    start = dt.date(1960, 1, 1)
    t = np.arange((dt.date(2026, 1, 1) - start).days, dtype=np.float64)
    like = clue.likelihood(t, start)
    like /= like.sum()
    day = (dt.date(2002, 5, 9) - start).days
    assert like[day : day + 31].sum() < 0.35
    assert like[day + 31 :].sum() > 0.5


@pytest.mark.parametrize(
    "text",
    [
        "Lind Ferries said its passenger numbers in 1989 rose 4% from last year.",
        "Okafor said the harbour, which handled 2 million tons in 2008, will handle more this year.",
    ],
)
def test_relative_year_beside_a_bare_year_is_no_clue(text: str) -> None:
    # "rose from last year" beside 1989 may be relative to 1989 or name it: neither reading is reliable.
    evidence = [c.evidence for c in find_date_mentions(text)]
    assert not any("last year" in x or "this year" in x for x in evidence)


def test_this_year_beside_an_older_year_does_not_pin_that_year() -> None:
    e = estimate_date("Okafor said the harbour, which handled 2 million tons in 2008, will handle more this year.")
    assert e.value is not None and e.value.year > 2008


def test_a_leap_day_does_not_decide_the_year() -> None:
    dom = _domain(dt.date(2026, 1, 1))
    post = np.zeros(dom.days)
    lo, hi = dom.index(dt.date(1997, 1, 1)), dom.index(dt.date(2000, 12, 31))
    post[lo : hi + 1] = 1.0
    # 1998 is a shade likelier per day than 2000, which only has one day more.
    post[dom.index(dt.date(1998, 1, 1)) : dom.index(dt.date(1998, 12, 31)) + 1] *= 1.001
    post /= post.sum()
    assert dom.day(_best_day(post, lo, hi, dom)).year == 1998


@pytest.mark.parametrize(
    ("text", "ahead"),
    [
        ("Brandt served as harbour master until March 3, 2011, and then retired.", False),
        ("Ferry traffic at Lindholm had doubled by 1992, the port said.", False),
        ("The night ferry to Lindholm ran daily until 1995.", False),
        ("Okafor held the harbour post until March 3, 2011.", False),
        ("Okafor said the ferry will run until March 3, 2011.", True),
        ("The harbour won't reopen until 2012, officials said.", True),
        ("The ferry lease runs until 2019.", True),
    ],
)
def test_until_and_by_take_the_tense_of_their_clause(text: str, ahead: bool) -> None:
    evidence = [c.evidence for c in find_date_mentions(text)]
    assert len(evidence) == 1
    assert ("upcoming" in evidence[0] or "looking ahead" in evidence[0]) == ahead


def test_participle_after_a_modal_still_looks_ahead() -> None:
    evidence = [c.evidence for c in find_date_mentions("Lind said the pier would be finished before the 2031 season.")]
    assert evidence == ["mentions the year 2031 (looking ahead)"]


def _likelihood_at(clue: Clue, days: list[dt.date], *, until: dt.date = dt.date(2026, 1, 1)) -> list[float]:
    start = dt.date(1960, 1, 1)
    t = np.arange((until - start).days + 1, dtype=np.float64)
    like = clue.likelihood(t, start)
    return [float(like[(d - start).days]) for d in days]


def test_month_named_with_its_year_is_looked_back_on_from_a_later_year() -> None:
    # "in March 1997" in a text from later in 1997 would read "in March": the next year is likelier.
    (clue,) = [c for c in find_date_mentions("The harbour board met in March 1997 to set the fares.")
               if isinstance(c, SpanClue)]
    same_year, next_year = _likelihood_at(clue, [dt.date(1997, 8, 1), dt.date(1998, 2, 1)])
    assert next_year > same_year


def test_month_after_since_keeps_the_rest_of_its_year() -> None:
    # "since March 1997" is as likely written that summer as the next winter: no style rule applies.
    (clue,) = [c for c in find_date_mentions("Ferry fares have risen since March 1997, the board said.")
               if isinstance(c, SpanClue)]
    same_year, next_year = _likelihood_at(clue, [dt.date(1997, 8, 1), dt.date(1998, 2, 1)])
    assert same_year >= next_year


@pytest.mark.parametrize("until", [dt.date(2026, 1, 1), dt.date(2046, 1, 1)])
def test_old_event_is_looked_back_on_mostly_in_the_following_years(until: dt.date) -> None:
    # A flat tail to today alone would make 1990 and 2003 nearly alike for a 1988 event, and less so
    # the further today lies from it; the heavy tail keeps the following years ahead in any era.
    (clue,) = [c for c in find_event_clues("Investigators returned to the Lockerbie bombing site.")
               if isinstance(c, EventClue)]
    near, far = _likelihood_at(clue, [dt.date(1989, 12, 21), dt.date(2003, 12, 21)], until=until)
    assert near > 5 * far
