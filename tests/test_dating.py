"""Tests for content-based dating (invented texts only)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import estimate_date
from storyline.records import DateEstimate

D = dt.date.fromisoformat


def _covers(e: DateEstimate, day: dt.date) -> bool:
    return (e.earliest is None or e.earliest <= day) and (e.latest is None or day <= e.latest)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("WASHINGTON, March 3, 2016 — The committee met again to discuss the budget.", "2016-03-03"),
        ("KYIV, Ukraine, Feb. 24, 2023 (Reuters) - Sirens sounded across the city.", "2023-02-24"),
        ("June 5, 1998\n\nThe council voted to close the old bridge for repairs.", "1998-06-05"),
        ("Published: 12 October 2019\nA new library opened downtown.", "2019-10-12"),
    ],
)
def test_stated_dateline(text: str, day: str) -> None:
    e = estimate_date(text)
    assert e.basis == "stated"
    assert e.value == e.earliest == e.latest == D(day)
    assert e.evidence


def test_dateline_with_wrong_weekday_is_not_stated() -> None:
    e = estimate_date("BOSTON, Monday, March 3, 2016 — The rally drew a crowd.")  # it was a Thursday
    assert e.basis != "stated"


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        ("Secretary of State John Kerry flew to Geneva for talks, aides said on Tuesday.", "2014-06-01", "2010-06-01"),
        ("Defense Secretary Lloyd Austin spoke to troops at the base.", "2022-06-01", "2018-06-01"),
        ("Republican nominee Donald Trump held a rally in Ohio and attacked the press.", "2016-09-01", "2015-09-01"),
        ("President-elect Joe Biden named his economic team.", "2020-12-01", "2021-06-01"),
        ("Chancellor Helmut Kohl met Prime Minister Margaret Thatcher in Bonn.", "1989-06-01", "2000-06-01"),
        ("NATO Secretary-General Mark Rutte urged allies to spend more.", "2025-06-01", "2020-06-01"),
    ],
)
def test_titles_bound_the_date(text: str, inside: str, outside: str) -> None:
    e = estimate_date(text)
    assert e.basis == "inferred"
    assert _covers(e, D(inside))
    assert not _covers(e, D(outside))
    assert any("held the role" in x for x in e.evidence)


def test_former_title_gives_a_lower_bound() -> None:
    e = estimate_date("Former Secretary of State Hillary Clinton addressed the conference.")
    assert e.earliest is not None and e.earliest >= D("2013-01-01")
    assert any("left the role" in x for x in e.evidence)


def test_weekday_fixes_the_year() -> None:
    # Sunday, Sept. 11 fell in 2016 (and 2011, 2005); the candidacy picks 2016.
    e = estimate_date("Democratic presidential candidate Hillary Clinton left the memorial early on Sunday, Sept. 11.")
    assert e.value is not None and abs((e.value - D("2016-09-11")).days) <= 30
    assert _covers(e, D("2016-09-12"))


def test_full_dates_mentioned_pull_the_estimate() -> None:
    text = "The plant closed on Jan. 4, 2011. Workers returned on March 2, 2011, and talks resumed."
    e = estimate_date(text)
    assert e.value is not None and e.value.year == 2011
    assert _covers(e, D("2011-03-10"))


def test_dateline_without_year_uses_other_clues() -> None:
    text = "GENEVA, May 14 (AP) -- Secretary of State Madeleine Albright met her Russian counterpart today."
    e = estimate_date(text)
    assert e.value is not None and e.value.month == 5 and 1997 <= e.value.year <= 2000
    assert any("dateline gives the day" in x for x in e.evidence)


@pytest.mark.parametrize(
    ("text", "year"), [("Barack Obama, 54, spoke first.", 2015), ("Angela Merkel, 60, said no.", 2014)]
)
def test_age_of_a_known_person_fixes_the_year(text: str, year: int) -> None:
    e = estimate_date(text)
    assert e.earliest is not None and e.latest is not None
    assert (e.latest - e.earliest).days <= 400
    assert e.value is not None and e.value.year in {year, year + 1}
    assert any("born" in x for x in e.evidence)


def test_tweet_id_is_a_lower_bound() -> None:
    # Snowflake ids carry their posting time: this one is from 2016-09-06.
    e = estimate_date('Supporters reacted online. <tweet tweet-id="773113752271060992"><tweet/>')
    assert e.earliest is not None and e.earliest >= D("2016-08-01")
    assert any("tweet" in x for x in e.evidence)


@pytest.mark.parametrize("text", ["", "   ", "The cat sat on the mat and looked out of the window.", "12345 !!!"])
def test_no_signal_is_unknown_with_evidence(text: str) -> None:
    e = estimate_date(text)
    assert e.basis == "unknown"
    assert e.value is None and e.earliest is None and e.latest is None
    assert e.evidence and all(isinstance(x, str) and x for x in e.evidence)


def test_title_argument_is_used() -> None:
    e = estimate_date("Officials gave few details.", title="Secretary of State Rex Tillerson visits Beijing")
    assert _covers(e, D("2017-06-01")) and not _covers(e, D("2015-06-01"))


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises_and_is_ordered(text: str) -> None:
    e = estimate_date(text)
    assert isinstance(e, DateEstimate)
    if e.value is not None and e.earliest is not None:
        assert e.earliest <= e.value
    if e.value is not None and e.latest is not None:
        assert e.value <= e.latest
    if e.earliest is not None and e.latest is not None:
        assert e.earliest <= e.latest


_PIECES = st.sampled_from(
    [
        "President Obama",
        "on Sunday, Sept. 11",
        "in 2016",
        "March 3, 2016",
        "last year",
        "Jan. 4",
        "former President Bush",
        "the Soviet Union",
        "Republican nominee Donald Trump",
        "WASHINGTON, May 2 --",
        "Feb. 30, 2015",
        "Dec. 31, 9999",
        "tweet-id=99999999999999999999",
        " ",
        "\n",
        "Chancellor Merkel",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_PIECES, max_size=12).map(" ".join))
def test_date_like_soup_is_ordered(text: str) -> None:
    e = estimate_date(text)
    if e.value is not None:
        assert (e.earliest is None or e.earliest <= e.value) and (e.latest is None or e.value <= e.latest)


@pytest.mark.shared
def test_polnear_sample_mostly_covered(shared_data) -> None:  # type: ignore[no-untyped-def]
    import csv

    with open(shared_data / "polnear" / "metadata.tsv", encoding="utf-8") as fh:
        meta = {r["filename"]: r["publication_date"] for r in csv.DictReader(fh, delimiter="\t")}
    files = sorted((shared_data / "polnear" / "train" / "text").glob("*.txt"))[::40]
    hits = 0
    for f in files:
        e = estimate_date(f.read_text(encoding="utf-8"))
        hits += _covers(e, D(meta[f.stem]))
    assert hits / len(files) >= 0.8


@pytest.mark.parametrize(
    ("text", "inside", "outside"),
    [
        # One-off events: the text follows them.
        ("Rescue crews still searched the coast weeks after the Indian Ocean tsunami.", "2005-02-01", "2004-06-01"),
        ("Investors compared the slump with the collapse of Lehman Brothers.", "2009-06-01", "2007-06-01"),
    ],
)
def test_named_events_bound_the_date(text: str, inside: str, outside: str) -> None:
    e = estimate_date(text)
    assert _covers(e, D(inside))
    assert not _covers(e, D(outside))
    assert any("names the event" in x for x in e.evidence)


def test_recurring_event_takes_the_edition_that_fits_the_people() -> None:
    e = estimate_date("Presidential candidate Ted Cruz hoped for a strong showing on Super Tuesday.")
    assert e.value is not None and abs((e.value - D("2016-03-01")).days) <= 60
    assert any("Super Tuesday" in x for x in e.evidence)


def test_event_clue_evidence_is_readable() -> None:
    from storyline.dating_events import find_event_clues

    clues = find_event_clues("Voters went to the polls in the Brexit referendum.")
    assert len(clues) == 1
    assert "2016-06-23" in clues[0].evidence and "Brexit" in clues[0].evidence


def test_event_kb_entries_are_dated() -> None:
    from storyline.kb import load_kb

    events = [a for a in load_kb() if a.kind == "event" and a.roles and a.roles[0].role == "occurred"]
    assert len(events) >= 100
    assert all(r.end is None or r.start <= r.end for a in events for r in a.roles)
