"""Duplicate detection: hashing, signatures, grouping and the choice of the original."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
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


def test_copies_on_different_days_are_ranked_without_reading_texts() -> None:
    texts = {"wire": WIRE, "copy": WIRE + " (Kestrel Wire)"}
    read: list[str] = []

    def text_of(doc_id: str) -> str:
        read.append(doc_id)
        return texts[doc_id]

    sigs = {k: dedup.signature(v) for k, v in texts.items()}
    day = dt.date(2025, 3, 19)
    groups = dedup.find_duplicates(sigs, dates={"wire": day, "copy": day + dt.timedelta(days=2)},
                                   order={"copy": 0, "wire": 1}, text_of=text_of)
    assert groups.duplicate_of == {"copy": "wire"}
    assert read == [], "credits only break ties between members of one day"


def _lsh_pairs(matrix: np.ndarray, threshold: float) -> set[tuple[int, int]]:
    """The pairs a datasketch MinHash LSH index finds, row by row, checked on the whole signature."""
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=dedup.NUM_PERM)
    found = set()
    for n, sig in enumerate(matrix):
        mh = MinHash(num_perm=dedup.NUM_PERM, hashvalues=sig, scheme=dedup.SCHEME)
        found |= {(m, n) for m in lsh.query(mh) if dedup.jaccard(sig, matrix[m]) >= threshold}
        lsh.insert(n, mh)
    return found


@pytest.mark.parametrize(("seed", "threshold"), [(0, 0.5), (1, 0.5), (2, 0.8)])
def test_banded_signature_search_finds_what_an_lsh_index_finds(seed: int, threshold: float) -> None:
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 2**32, size=(40, dedup.NUM_PERM), dtype=np.uint64).astype(np.uint32)
    rows = [base]
    # Copies of some rows with a share of values changed: near duplicates on both sides of the cut.
    for share in (0.1, 0.3, 0.45, 0.6, 0.9):
        copies = base[rng.choice(40, size=10, replace=False)].copy()
        changed = rng.random(copies.shape) < share
        copies[changed] = rng.integers(0, 2**32, size=int(changed.sum()), dtype=np.uint64).astype(np.uint32)
        rows.append(copies)
    # Two copies the bands alone decide: one agreeing on the last band only (one value changed in each
    # other band), and one agreeing on exactly the threshold's share, with its first band whole.
    bands, width = dedup._bands(threshold)
    last_only = base[0].copy()
    last_only[[band * width for band in range(bands - 1)]] += np.uint32(1)
    exact = base[1].copy()
    exact[math.ceil(threshold * dedup.NUM_PERM):] += np.uint32(1)
    rows.append(np.stack([last_only, exact]))
    matrix = np.concatenate(rows)
    got = dedup._similar_signatures(matrix, threshold=threshold)
    assert {(0, len(matrix) - 2), (1, len(matrix) - 1)} <= set(got)
    assert got == sorted(got)
    assert set(got) == _lsh_pairs(matrix, threshold)
    assert got, "some copies are close enough to be found"
