"""Stale re-posts: copies published long after their original."""

from __future__ import annotations

import datetime as dt

import pytest

from storyline.staleness import stale_flags

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
