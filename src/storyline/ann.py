"""Neighbour search over unit-length embeddings: blocked exact search, bounded memory.

Every row is compared with every later row, one block of rows at a time, so a step's memory stays
under a fixed number of floats while the BLAS matrix product does the work. Exact, and fast enough for a
few hundred thousand claims on a laptop (100k x 384 is about 10^10 multiply-adds); beyond that,
shard by story or date first.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def normalise(vectors: np.ndarray, *, in_place: bool = False, skip_unit: bool = False) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero), as float32.

    Args:
        vectors: a 2-D array, one row per item.
        in_place: scale a float32 array's own rows instead of a copy (a large matrix is not held twice).
        skip_unit: return a float32 array unchanged when its rows are already unit or zero.
    """
    v = np.asarray(vectors, dtype=np.float32)
    # einsum: no temporary as large as the matrix, unlike norm(axis=1).
    norms = np.sqrt(np.einsum("ij,ij->i", v, v))[:, None]
    if skip_unit and np.all((np.abs(norms - 1.0) < 1e-4) | (norms == 0)):
        return v
    norms[norms == 0] = 1.0
    if in_place and v is vectors:
        v /= norms
        return v
    return v / norms


def iter_similar_pairs(
    vectors: np.ndarray,
    *,
    threshold: float,
    k: int = 20,
    block: int = 2048,
    max_floats: int = 16_000_000,
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]]:
    """`similar_pairs`, one step of rows at a time: (lo, hi, i, j, similarity) for rows lo to hi - 1.

    Every step is yielded, with empty arrays when it has no pairs. A caller can act on each step's
    pairs and let them go, so the pairs of a large corpus are never held at once (at k = 20 they are
    about 20 per row).

    Args:
        vectors: unit-length rows (see `normalise`).
        threshold: the least cosine similarity kept.
        k: the most neighbours kept per row (the most similar ones).
        block: the most rows compared per step.
        max_floats: bound on one step's similarity block (``rows * n`` floats); fewer rows per step
            as ``n`` grows, so memory does not grow with the square of the corpus.
    """
    v = np.asarray(vectors, dtype=np.float32)
    n = v.shape[0]
    block = max(16, min(block, max_floats // max(n, 1)))
    for lo in range(0, n, block):
        hi = min(n, lo + block)
        sims = v[lo:hi] @ v[lo:].T
        # Only pairs with j > i: blank the diagonal block's lower triangle and the diagonal.
        width = hi - lo
        sims[:, :width][np.tril_indices(width)] = -np.inf
        rows, cols = np.nonzero(sims >= threshold)
        vals = sims[rows, cols]
        # Keep the k best per row: sort by (row, -similarity) and cut each row's run at k.
        order = np.lexsort((-vals, rows))
        rows, cols, vals = rows[order], cols[order], vals[order]
        starts = np.searchsorted(rows, rows, side="left")
        keep = (np.arange(len(rows)) - starts) < k
        yield lo, hi, rows[keep] + lo, cols[keep] + lo, vals[keep]


def similar_pairs(
    vectors: np.ndarray,
    *,
    threshold: float,
    k: int = 20,
    block: int = 2048,
    max_floats: int = 16_000_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) whose cosine similarity is at least ``threshold``, at most ``k`` per row.

    Args:
        vectors: unit-length rows (see `normalise`).
        threshold: the least cosine similarity kept.
        k: the most neighbours kept per row (the most similar ones).
        block: the most rows compared per step.
        max_floats: bound on one step's similarity block (see `iter_similar_pairs`).

    Returns:
        (i, j, similarity) arrays of equal length.
    """
    out_i, out_j, out_s = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.float32)]
    for _, _, i, j, s in iter_similar_pairs(vectors, threshold=threshold, k=k, block=block, max_floats=max_floats):
        out_i.append(i)
        out_j.append(j)
        out_s.append(s)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)
