"""Single dating clues: calendar anniversaries, datelines, tweet times, titles (invented texts only)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline import estimate_date
from storyline.dating_rules import (
    SPELLS_SHOWN,
    _anniversary_gaps,
    _span_text,
    find_date_mentions,
    find_kb_clues,
    find_tweet_dates,
)
from storyline.records import DateEstimate

D = dt.date.fromisoformat
_TWITTER_EPOCH_MS = 1288834974657


def _covers(e: DateEstimate, day: dt.date) -> bool:
    return (e.earliest is None or e.earliest <= day) and (e.latest is None or day <= e.latest)


def _on(year: int, month: int, day: int) -> dt.date:
    # A 29 February falls on 1 March in other years, as in `_anniversary_gaps`.
    try:
        return dt.date(year, month, day)
    except ValueError:
        return dt.date(year, 3, 1)


@given(
    start=st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2030, 1, 1)),
    month_day=st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2000, 12, 31)),
)
def test_anniversary_gaps_follow_the_calendar(start: dt.date, month_day: dt.date) -> None:
    offsets = np.arange(0.0, 800.0, 7.0)
    since, until = _anniversary_gaps(offsets, start, month_day.month, month_day.day)
    for k, off in enumerate(offsets):
        day = start + dt.timedelta(days=int(off))
        this = _on(day.year, month_day.month, month_day.day)
        last = this if day >= this else _on(day.year - 1, month_day.month, month_day.day)
        nxt = this if day < this else _on(day.year + 1, month_day.month, month_day.day)
        assert since[k] == (day - last).days
        assert until[k] == (nxt - day).days


def test_yearless_dateline_keeps_its_own_day_and_the_day_before() -> None:
    # The mean-year period once put this dateline a day late in 2015, so 19 November fell outside.
    text = (
        "NEW YORK, Nov. 19 (UPI) — Senator Lind said the harbour fund will run out in 2015, "
        "the year the ferry contract ends, and asked the city to act before the 2015 deadline."
    )
    e = estimate_date(text)
    assert _covers(e, D("2015-11-19")) and _covers(e, D("2015-11-18"))
    assert any("dateline gives the day but no year" in x for x in e.evidence)


def _tweet_id(when: dt.datetime) -> int:
    return (int(when.timestamp() * 1000) - _TWITTER_EPOCH_MS) << 22


@pytest.mark.parametrize(
    ("posted", "earliest"),
    [
        # Early in the UTC day: a page dated in the Americas may carry the day before.
        (dt.datetime(2016, 9, 1, 3, 0, tzinfo=dt.UTC), "2016-08-31"),
        (dt.datetime(2016, 9, 1, 18, 0, tzinfo=dt.UTC), "2016-09-01"),
    ],
)
def test_tweet_bound_allows_time_zones_behind_utc(posted: dt.datetime, earliest: str) -> None:
    clues = find_tweet_dates(f'Reactions poured in. <tweet tweet-id="{_tweet_id(posted)}"></tweet>')
    assert len(clues) == 1
    assert clues[0].first == D(earliest)  # type: ignore[attr-defined]
    assert f"{posted:%Y-%m-%d %H:%M} UTC" in clues[0].evidence


def test_title_case_headline_word_is_not_a_name() -> None:
    # "President On Trump" is a headline's capitalised preposition, not President Trump.
    headline = find_kb_clues("Network President On Trump Coverage: We Got It Right")
    assert not [c for c in headline if "president" in c.evidence]
    assert [c for c in find_kb_clues("President Trump spoke on Monday.") if "president of United States" in c.evidence]


def test_front_runner_ends_with_the_primaries() -> None:
    found = find_kb_clues("Republican front-runner Donald Trump held a rally.")
    clues = [c for c in found if "front-runner" in c.evidence]
    assert len(clues) == 1
    assert "until 2016-05-03" in clues[0].evidence
    start = dt.date(1960, 1, 1)
    like = clues[0].likelihood(np.arange((D("2026-01-01") - start).days, dtype=np.float64), start)
    during, after = (like[(D(x) - start).days] for x in ("2016-03-01", "2016-09-01"))
    # September 2016 is the nominee's campaign, no longer the primaries: only the clue's floor is left.
    assert during > 100 * after


def test_candidate_with_a_long_senate_career_is_not_pinned_to_a_campaign() -> None:
    # Named without a title, a senator is in the news between campaigns too.
    e = estimate_date("Elizabeth Warren questioned the bank's chief executive at the hearing.")
    assert _covers(e, D("2017-06-01"))


@pytest.mark.parametrize(
    ("text", "report"),
    [
        ("The country may miss its 2020 target to cut emissions.", False),
        ("The company said 1989 earnings would rise.", True),
    ],
)
def test_target_year_is_not_a_reporting_period(text: str, report: bool) -> None:
    evidence = [c.evidence for c in find_date_mentions(text)]
    assert evidence
    assert any("reporting period" in x for x in evidence) == report


@pytest.mark.parametrize(
    ("text", "titled"),
    [
        ("It is an agenda a President Obama could pass next year.", False),
        ("Voters asked what an Acting President Obama would do.", False),
        ("It is an agenda President Obama could pass.", True),
    ],
)
def test_indefinite_article_makes_a_title_hypothetical(text: str, titled: bool) -> None:
    assert bool([c for c in find_kb_clues(text) if "held the role (president" in c.evidence]) == titled


def test_person_evidence_lists_the_whole_career_not_its_first_roles() -> None:
    # Four campaign roles of 2015-2016 come first by start date; the evidence must still show the
    # later spells, or a 2025 article reads as dated by a 2016 campaign.
    evidence = [c.evidence for c in find_kb_clues("Donald Trump spoke to reporters at the harbour in Brandt.")]
    career = next(x for x in evidence if x.startswith("names Donald Trump"))
    assert "2025-01-20..now" in career or "2022-11-15..now" in career
    assert "2016-05-03" not in career  # overlapping campaign roles are merged into one spell


@pytest.mark.parametrize(
    ("count", "suffix"),
    [(1, "2001-01-01..2001-12-31"), (4, "2004-01-01..2004-12-31"), (6, "and 2 more")],
)
def test_span_text_says_how_many_spells_it_leaves_out(count: int, suffix: str) -> None:
    spans = [(dt.date(2000 + k, 1, 1), dt.date(2000 + k, 12, 31)) for k in range(1, count + 1)]
    text = _span_text(spans)
    assert text.endswith(suffix)
    assert text.count("..") == min(count, SPELLS_SHOWN)


def test_span_text_writes_open_ends() -> None:
    assert _span_text([(None, dt.date(1990, 1, 1)), (dt.date(2020, 5, 1), None)]) == (
        "before records..1990-01-01, 2020-05-01..now"
    )
