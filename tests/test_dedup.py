"""Duplicate detection: hashing, signatures, grouping and the choice of the original."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from storyline import dedup

WIRE = (
    "Negotiators from both countries agreed on Wednesday to open a hotline between their border commands "
    "and to set up a joint commission on the dam, officials said after six hours of talks in the port city. "
    "The commission will meet monthly and report to both foreign ministers before the summer."
)


@given(st.text(max_size=200))
def test_content_hash_ignores_layout(text: str) -> None:
    assert dedup.content_hash(text) == dedup.content_hash("  " + text.replace(" ", "\n ") + "\n")


@given(st.text(alphabet=st.characters(codec="ascii"), max_size=200))
def test_content_hash_ignores_case(text: str) -> None:
    assert dedup.content_hash(text) == dedup.content_hash(text.upper())


def test_signature_similarity_orders_copies() -> None:
    base = dedup.signature(WIRE)
    edited = dedup.signature(WIRE.replace("six hours", "seven hours").replace("monthly", "every month"))
    other = dedup.signature("The cup final ended two-nil after a late goal from the visiting side's captain.")
    assert dedup.jaccard(base, dedup.signature(WIRE)) == 1.0
    assert 0.5 <= dedup.jaccard(base, edited) < 1.0
    assert dedup.jaccard(base, other) < 0.1


def test_same_day_copy_credits_its_source() -> None:
    texts = {"copy": WIRE + " (Kestrel Wire)", "wire": WIRE, "late": WIRE}
    sigs = {k: dedup.signature(v) for k, v in texts.items()}
    day = dt.date(2025, 3, 19)
    groups = dedup.find_duplicates(
        sigs,
        dates={"copy": day, "wire": day, "late": day + dt.timedelta(days=1)},
        order={"copy": 0, "wire": 1, "late": 2},
        outlets={"copy": "Greyport Times", "wire": "Kestrel Wire", "late": "Daily"},
        text_of=texts.__getitem__,
    )
    assert groups.duplicate_of == {"copy": "wire", "late": "wire"}
    assert groups.groups["wire"][0] == "wire"


def test_undated_members_rank_after_dated_ones() -> None:
    sigs = {"a": dedup.signature(WIRE), "b": dedup.signature(WIRE)}
    groups = dedup.find_duplicates(sigs, dates={"a": None, "b": dt.date(2025, 1, 1)}, order={"a": 0, "b": 1})
    assert groups.duplicate_of == {"a": "b"}
