"""Stale documents: late copies of early ones, and undated texts far older than their story."""

from __future__ import annotations

import datetime as dt

import pytest

from storyline.records import Flag
from storyline.staleness import CONTENT_SCORE_CAP, StoryMember, merge_flags, stale_flags, story_stale_flags

D = dt.date


@pytest.mark.parametrize(
    "copy_date, expected",
    [
        (D(2024, 6, 12), False),  # next-day syndication is not stale
        (D(2024, 11, 1), False),  # 143 days: below the threshold
        (D(2025, 6, 10), True),  # a year later, presented as new
    ],
)
def test_copy_gap_decides(copy_date: dt.date, expected: bool) -> None:
    flags = stale_flags(
        duplicate_of={"copy": "orig"},
        dates={"copy": copy_date, "orig": D(2024, 6, 11)},
        labels={"orig": 'Basin Observer, "Dam filling"'},
    )
    assert ("copy" in flags) is expected
    if expected:
        assert flags["copy"].kind == "stale" and 0.5 <= flags["copy"].score <= 1.0
        assert "Basin Observer" in flags["copy"].evidence[0] and "364 days earlier" in flags["copy"].evidence[0]


def test_unknown_dates_are_not_flagged() -> None:
    assert stale_flags(duplicate_of={"a": "b"}, dates={"a": None, "b": D(2020, 1, 1)}, labels={}) == {}


def _story(undated_latest: dt.date | None, *dated: dt.date) -> dict[str, list[StoryMember]]:
    members = [StoryMember(doc_id=f"d{i}", label=f"Outlet {i}", stated=day) for i, day in enumerate(dated)]
    members.append(StoryMember(doc_id="old", label="Old post", stated=None, content_latest=undated_latest,
                               evidence=("names Mara Venn as harbour chief 2019..2023", "mentions the year 2022")))
    return {"s1": members}


@pytest.mark.parametrize(
    "undated_latest, expected",
    [
        (D(2023, 6, 30), True),  # content ends well before the story's first dated article
        (D(2024, 9, 1), False),  # 133 days before: within the story's reach
        (D(2025, 3, 1), False),  # after the story began
        (None, False),  # no upper bound from its content: nothing to judge by
    ],
)
def test_undated_document_far_before_its_story(undated_latest: dt.date | None, expected: bool) -> None:
    flags = story_stale_flags(_story(undated_latest, D(2025, 1, 12), D(2025, 2, 3)))
    assert ("old" in flags) is expected
    assert set(flags) <= {"old"}  # the dated articles are never flagged by this rule
    if expected:
        (text,) = flags["old"].evidence
        assert "no later than 2023-06-30" in text and "Mara Venn" in text
        assert "Outlet 0" in text and "2025-01-12" in text and "2 dated in all" in text
        assert flags["old"].score == CONTENT_SCORE_CAP  # content dating alone: a lead, however old


def test_dated_early_article_is_not_stale() -> None:
    # a long story has early coverage; a dated article says what it is
    members = [StoryMember(doc_id="early", label="A", stated=D(2022, 1, 5)),
               StoryMember(doc_id="late", label="B", stated=D(2025, 1, 5))]
    assert story_stale_flags({"s": members}) == {}


def test_story_without_dated_articles_flags_nothing() -> None:
    members = [StoryMember(doc_id="u1", label="A", stated=None, content_latest=D(2019, 1, 1)),
               StoryMember(doc_id="u2", label="B", stated=None, content_latest=D(2025, 1, 1))]
    assert story_stale_flags({"s": members}) == {}


def test_merge_keeps_one_flag_with_all_evidence() -> None:
    a = {"x": Flag(kind="stale", score=0.6, evidence=["copy"], spans=[(0, 10)])}
    b = {"x": Flag(kind="stale", score=0.9, evidence=["story"], spans=[(0, 10)]),
         "y": Flag(kind="stale", score=0.7, evidence=["story"])}
    merged = merge_flags(a, b)
    assert merged["x"].score == 0.9 and merged["x"].evidence == ["copy", "story"] and merged["x"].spans == [(0, 10)]
    assert merged["y"] is b["y"]
