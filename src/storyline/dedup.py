"""Duplicate detection: exact copies (normalised text hash) and near copies (MinHash LSH).

Wire copy re-posted by several outlets forms one group whose members point at one original, so
later stages do not count the copies as independent corroboration. The original is the earliest
dated member; ties go to the earliest ingested. Compute only: the pipeline writes the results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

#: MinHash permutations: 128 keeps the Jaccard estimate within about +-0.09 at 95%.
NUM_PERM = 128
#: Word shingle size.
SHINGLE = 5
#: Estimated Jaccard similarity of shingles above which two documents are near duplicates.
NEAR_DUPLICATE_JACCARD = 0.5
#: At or above this similarity a copy is a duplicate; below it, an edited (derivative) copy.
EXACT_COPY_JACCARD = 0.9

_WORD = re.compile(r"\w+", re.UNICODE)
_SEED = 1
#: MinHash permutation scheme; signatures are stored as uint32 values.
SCHEME = "affine32"


def normalized_tokens(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` after Unicode normalisation.

    Args:
        text: any text.
    """
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def content_hash(text: str) -> str:
    """Hash of the normalised words of ``text``: equal for texts that differ only in layout.

    Args:
        text: a cleaned article body.
    """
    return hashlib.blake2b(" ".join(normalized_tokens(text)).encode("utf-8"), digest_size=16).hexdigest()


def _shingles(tokens: list[str]) -> list[bytes]:
    if len(tokens) < SHINGLE:
        return [" ".join(tokens).encode("utf-8")] if tokens else []
    return [" ".join(tokens[i : i + SHINGLE]).encode("utf-8") for i in range(len(tokens) - SHINGLE + 1)]


def signature(text: str) -> np.ndarray:
    """MinHash signature (uint32, NUM_PERM values) of the word shingles of ``text``.

    Args:
        text: a cleaned article body.
    """
    mh = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=SCHEME)
    shingles = _shingles(normalized_tokens(text))
    if shingles:
        mh.update_batch(shingles)
    return np.asarray(mh.hashvalues, dtype=np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures.

    Args:
        a: a signature.
        b: another signature of the same length.
    """
    return float(np.mean(a == b))


@dataclass(slots=True)
class DuplicateGroups:
    """The result of duplicate detection.

    Args:
        duplicate_of: doc id -> id of its group's original (only for non-originals).
        similarity: doc id -> estimated Jaccard similarity to its original.
        groups: original id -> member ids (originals included), for groups of two or more.
    """

    duplicate_of: dict[str, str] = field(default_factory=dict)
    similarity: dict[str, float] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)


@lru_cache(maxsize=8)
def _bands(threshold: float) -> tuple[int, int]:
    """LSH bands and rows per band for ``threshold`` (datasketch's choice for `NUM_PERM` values)."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


def _similar_signatures(matrix: np.ndarray, *, threshold: float) -> list[tuple[int, int]]:
    """Row pairs (i < j) of a signature matrix whose estimated Jaccard similarity reaches ``threshold``.

    Candidates are the rows that agree on a whole LSH band (the pairs a MinHash LSH index would
    return), found for all rows at once with one sort per band; each candidate is then checked on
    the full signature.

    Args:
        matrix: one uint32 signature per row.
        threshold: least estimated Jaccard similarity.
    """
    bands, width = _bands(threshold)
    pairs: set[tuple[int, int]] = set()
    for band in range(bands):
        cols = np.ascontiguousarray(matrix[:, band * width : (band + 1) * width])
        keys = cols.view(np.dtype((np.void, cols.dtype.itemsize * width))).ravel()
        order = np.argsort(keys, kind="stable")
        ranked = keys[order]
        # Runs of equal keys are the band's buckets.
        starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]])
        ends = np.r_[starts[1:], len(ranked)]
        for lo, hi in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(), strict=True):
            members = sorted(order[lo:hi].tolist())
            pairs.update((a, b) for n, a in enumerate(members) for b in members[n + 1 :])
    if not pairs:
        return []
    found = np.asarray(sorted(pairs), dtype=np.int64)
    agree = np.mean(matrix[found[:, 0]] == matrix[found[:, 1]], axis=1)
    return [(int(a), int(b)) for (a, b), share in zip(found, agree, strict=True) if share >= threshold]


def find_duplicates(
    signatures: Mapping[str, np.ndarray],
    *,
    dates: Mapping[str, dt.date | None],
    order: Mapping[str, int],
    outlets: Mapping[str, str | None] | None = None,
    text_of: Callable[[str], str] | None = None,
    threshold: float = NEAR_DUPLICATE_JACCARD,
) -> DuplicateGroups:
    """Group near-duplicate documents and pick each group's original.

    The original is the earliest dated member. Among members of the same day, the one whose
    outlet the others credit by name ("(Kestrel Wire) -", "according to Reuters") wins, since
    copies credit their source; then the earliest ingested.

    Args:
        signatures: doc id -> MinHash signature.
        dates: doc id -> stated publication date (None when unknown).
        order: doc id -> ingestion order, for ties.
        outlets: doc id -> outlet name, for the credit tie-break.
        text_of: doc id -> cleaned text, for the credit tie-break (called for group members only).
        threshold: minimum estimated Jaccard similarity.
    """
    ids = sorted(signatures, key=lambda d: order.get(d, 0))
    parent = {doc_id: doc_id for doc_id in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    if ids:
        matrix = np.stack([np.asarray(signatures[d], dtype=np.uint32) for d in ids])
        for a, b in _similar_signatures(matrix, threshold=threshold):
            ra, rb = find(ids[a]), find(ids[b])
            if ra != rb:
                parent[ra] = rb
    members: dict[str, list[str]] = {}
    for doc_id in signatures:
        members.setdefault(find(doc_id), []).append(doc_id)

    result = DuplicateGroups()
    for group in members.values():
        if len(group) < 2:
            continue
        days = [dates.get(doc_id) for doc_id in group]
        # Credits only order members of the same day (or undated ones); reading texts is the cost here.
        credits = _credits(group, outlets or {}, text_of) if len(set(days)) < len(days) else {}

        def rank(doc_id: str, credits: dict[str, int] = credits) -> tuple[int, dt.date, int, int]:
            day = dates.get(doc_id)
            return (0 if day else 1, day or dt.date.max, -credits.get(doc_id, 0), order.get(doc_id, 0))

        group.sort(key=rank)
        original = group[0]
        result.groups[original] = list(group)
        for doc_id in group[1:]:
            result.duplicate_of[doc_id] = original
            result.similarity[doc_id] = jaccard(signatures[doc_id], signatures[original])
    return result


def _credits(
    group: list[str], outlets: Mapping[str, str | None], text_of: Callable[[str], str] | None
) -> dict[str, int]:
    """How many other members of ``group`` name each member's outlet in their text."""
    if text_of is None:
        return {}
    texts = {doc_id: text_of(doc_id).casefold() for doc_id in group}
    out: dict[str, int] = {}
    for doc_id in group:
        name = (outlets.get(doc_id) or "").strip().casefold()
        if len(name) < 3:
            continue
        pattern = re.compile(r"(?<!\w)" + re.escape(name) + r"(?!\w)")
        out[doc_id] = sum(1 for other in group if other != doc_id and pattern.search(texts[other]))
    return out
