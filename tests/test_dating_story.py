"""Calendar clues (movable holidays, "N months ago, on <date>") and dating from a story's dated articles."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from storyline.dating import DateHint, estimate_date
from storyline.dating_calendar import easter, find_calendar_clues
from storyline.dating_story import MIN_SHARED, StoryDated, _EventIndex, date_from_story, story_hints

UNDATED = (
    "The ferry line that the two towns promised each other in March now runs twice a day.\n\n"
    "Two months ago, on the night of February 3, the old pier at Lenhaven collapsed in a storm.\n\n"
    "Last Thursday's meeting in Lenhaven harbour hall, the second meeting of the ferry board, "
    "ended without a timetable for the summer.\n\n"
    "Shopkeepers preparing for the Easter weekend said trade was better than in the winter."
)
LATER = (
    "The ferry board chair said the gap had narrowed since the second meeting of the ferry board "
    "in Lenhaven harbour hall on April 10, which ended without a summer timetable."
)


def test_easter_dates() -> None:
    assert easter(1989) == dt.date(1989, 3, 26)
    assert easter(2016) == dt.date(2016, 3, 27)
    assert easter(2025) == dt.date(2025, 4, 20)
    assert easter(2000) == dt.date(2000, 4, 23)


def test_calendar_clues_found() -> None:
    evidence = [c.evidence for c in find_calendar_clues(UNDATED)]
    assert any("Easter" in e and "ahead of it" in e for e in evidence)
    assert any("Two months ago, on the night of February 3" in e for e in evidence)


def test_easter_with_year_narrows_to_days() -> None:
    text = "Shoppers preparing for the Easter weekend crowded the market, a year after the 2015 floods."
    est = estimate_date(text, hints=(DateHint(dt.date(2016, 1, 1), dt.date(2016, 12, 31), "test: 2016", p=0.99),))
    assert est.value is not None
    assert dt.date(2016, 3, 20) <= est.value <= dt.date(2016, 3, 26)


def test_since_month_year_means_after() -> None:
    text = "The river has run low since the dam began filling in June 2024. Families prepare for Easter."
    est = estimate_date(text)
    assert est.value is not None and est.value > dt.date(2024, 6, 1)
    assert any("written since then" in e for e in est.evidence)


def test_story_hints_match_shared_event() -> None:
    others = [
        StoryDated(dt.date(2025, 1, 20), "The pier at Lenhaven collapsed in a storm.", "Pier collapses"),
        StoryDated(dt.date(2025, 5, 2), LATER, "Ferry talks resume"),
    ]
    hints = story_hints(UNDATED, others)
    assert hints[0].earliest == dt.date(2024, 12, 21) and hints[0].latest == dt.date(2025, 6, 1)
    event = [h for h in hints if "2025-04-10" in h.reason]
    assert event, [h.reason for h in hints]
    # 2025-04-10 is a Thursday: "last Thursday" puts the article in the following week.
    assert (event[0].earliest, event[0].latest) == (dt.date(2025, 4, 11), dt.date(2025, 4, 17))


def test_date_from_story_lands_in_the_week() -> None:
    others = [
        StoryDated(dt.date(2025, 1, 20), "The pier at Lenhaven collapsed in a storm.", "Pier collapses"),
        StoryDated(dt.date(2025, 5, 2), LATER, "Ferry talks resume"),
    ]
    est = date_from_story(UNDATED, title=None, others=others)
    assert est.basis == "inferred"
    assert est.value is not None and dt.date(2025, 4, 11) <= est.value <= dt.date(2025, 4, 19)
    assert any("Ferry talks resume" in e for e in est.evidence)


def test_no_story_no_hints() -> None:
    assert story_hints(UNDATED, []) == []


def test_weekday_without_matching_event_adds_only_span() -> None:
    others = [StoryDated(dt.date(2025, 5, 2), "A report about something else on April 10.", "Other")]
    hints = story_hints(UNDATED, others)
    assert len(hints) == 1


WORDS = ["talks", "harbour", "port", "selwyn", "ministers", "strike", "quay", "ferry", "council", "vote"]


def _first_best(events: list[tuple[dt.date, set[str], str]], weekday: int, words: set[str]) -> Any:
    """The plain scan `_EventIndex.best` replaces: the first event with the most shared words."""
    best = None
    for d, event_words, label in events:
        shared = len(words & event_words)
        if d.weekday() == weekday and shared >= MIN_SHARED and (best is None or shared > best[0]):
            best = (shared, d, label)
    return best


@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.sets(st.sampled_from(WORDS), max_size=7), st.sampled_from(["A", "B", "C"])),
        max_size=30,
    ),
    st.integers(0, 6),
    st.sets(st.sampled_from(WORDS), max_size=8),
)
def test_event_index_finds_what_a_scan_of_every_event_finds(
    raw: list[tuple[int, set[str], str]], weekday: int, words: set[str]
) -> None:
    events = [(dt.date(2025, 3, 1) + dt.timedelta(days=day), ws, label) for day, ws, label in raw]
    assert _EventIndex(events).best(weekday, words) == _first_best(events, weekday, words)


def test_event_index_breaks_ties_by_the_first_listed_event() -> None:
    tuesday, next_tuesday = dt.date(2025, 3, 4), dt.date(2025, 3, 11)
    words = {"talks", "harbour", "selwyn"}
    events = [(tuesday, words | {"ferry"}, "first"), (next_tuesday, words | {"vote"}, "second")]
    assert _EventIndex(events).best(1, words) == (3, tuesday, "first")
    assert _EventIndex(events[::-1]).best(1, words) == (3, next_tuesday, "second")
    assert _EventIndex(events).best(1, words | {"vote"}) == (4, next_tuesday, "second")
    assert _EventIndex(events).best(2, words) is None  # a Wednesday reference
    assert _EventIndex(events).best(1, {"talks", "harbour"}) is None  # two shared words are too few
