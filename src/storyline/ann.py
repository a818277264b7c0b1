"""Neighbour search over unit-length embeddings: blocked exact search, bounded memory.

Every row is compared with every later row, one tile of rows by columns at a time, so a step's memory
stays under a fixed number of floats while the BLAS matrix product does the work. Exact, and fast
enough for a few hundred thousand claims on a laptop (100k x 384 is about 10^10 multiply-adds);
beyond that, shard by story or date first.

The rows can sit in memory (a numpy array) or in a temporary file (`RowFile`), read a tile at a
time: a whole store's claim matrix (430 MB at 280,000 claims) then never has to be resident at once.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

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


class RowFile:
    """Float32 rows in a temporary file, read a block at a time; indexed like a 2-D array.

    ``rows[lo:hi]`` reads rows lo to hi - 1 and ``rows[indices]`` the listed rows, each into a fresh
    array, so only what is read is resident. The file is unlinked as soon as it is open where the
    system allows it, else removed by `close` (or leaving a ``with``).

    Args:
        n: number of rows (they start as zeros).
        dim: floats per row.
        folder: where the file goes (default: the system's temporary folder).
    """

    def __init__(self, n: int, dim: int, *, folder: str | Path | None = None) -> None:
        self.shape = (n, dim)
        self._row_bytes = dim * 4
        fd, name = tempfile.mkstemp(prefix="storyline-rows-", suffix=".f32", dir=folder)
        self._fd: int | None = fd
        self.path = Path(name)
        # Unlinked at once where the system allows it (POSIX): the open file stays usable and its
        # space is freed when the process ends, even a killed one.
        with contextlib.suppress(OSError):
            self.path.unlink()
        os.ftruncate(fd, n * self._row_bytes)

    def __len__(self) -> int:
        return self.shape[0]

    def __enter__(self) -> RowFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the file."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
            self.path.unlink(missing_ok=True)

    def _open_fd(self) -> int:
        if self._fd is None:
            raise ValueError("the row file is closed")
        return self._fd

    def write(self, rows: np.ndarray, values: np.ndarray) -> None:
        """Write ``values[m]`` as row ``rows[m]``.

        Args:
            rows: row numbers.
            values: one float32 row each.
        """
        fd = self._open_fd()
        data = np.ascontiguousarray(values, dtype=np.float32)
        for row, value in zip(np.asarray(rows).tolist(), data, strict=True):
            os.pwrite(fd, value.tobytes(), row * self._row_bytes)

    def __getitem__(self, key: Any) -> np.ndarray:
        fd = self._open_fd()
        if isinstance(key, slice):
            lo, hi, step = key.indices(self.shape[0])
            if step != 1:
                raise ValueError("row files are read in contiguous slices")
            count = max(0, hi - lo)
            raw = os.pread(fd, count * self._row_bytes, lo * self._row_bytes)
            return np.frombuffer(raw, dtype=np.float32).reshape(count, self.shape[1])
        rows = np.asarray(key).tolist()
        out = np.empty((len(rows), self.shape[1]), dtype=np.float32)
        for m, row in enumerate(rows):
            out[m] = np.frombuffer(os.pread(fd, self._row_bytes, row * self._row_bytes), dtype=np.float32)
        return out


def iter_similar_pairs(
    vectors: np.ndarray | RowFile,
    *,
    threshold: float,
    k: int = 20,
    block: int = 2048,
    max_floats: int = 4_000_000,
) -> Iterator[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]]:
    """`similar_pairs`, one step of rows at a time: (lo, hi, i, j, similarity) for rows lo to hi - 1.

    Every step is yielded, with empty arrays when it has no pairs, in the order of i and, within a
    row, of falling similarity (ties: the lower j first). A caller can act on each step's pairs and let
    them go, so the pairs of a large corpus are never held at once (at k = 20 they are about 20 per row).

    Args:
        vectors: unit-length rows (see `normalise`), in memory or in a `RowFile`.
        threshold: the least cosine similarity kept.
        k: the most neighbours kept per row (the most similar ones).
        block: the most rows compared per step.
        max_floats: bound on one tile's similarity block (rows x columns floats), so memory does not
            grow with the square of the corpus.
    """
    v = vectors if isinstance(vectors, RowFile) else np.asarray(vectors, dtype=np.float32)
    n = len(v)
    rows_per_step = max(16, min(block, math.isqrt(max(max_floats, 1))))
    cols_per_tile = max(rows_per_step, max_floats // rows_per_step)
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    for lo in range(0, n, rows_per_step):
        hi = min(n, lo + rows_per_step)
        left = v[lo:hi]
        found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = [empty]
        held = 0
        # The least similarity a new entry of each row needs: the threshold, then, once a row holds k
        # entries, its k-th best so far. An entry below that can never be kept (equal ones rank by
        # column, and later tiles hold later columns), so skipping it changes nothing, and far fewer
        # entries are sorted. Compacting at 2k a row, not 4k, raises the floors sooner.
        floor = np.full(hi - lo, threshold, dtype=np.float32)
        for c0 in range(lo, n, cols_per_tile):
            c1 = min(n, c0 + cols_per_tile)
            sims = left @ v[c0:c1].T
            if c0 < hi:
                # Only pairs with j > i: blank the diagonal and what lies left of it.
                sims[np.arange(c0, c1)[None, :] <= np.arange(lo, hi)[:, None]] = -np.inf
            rows, cols, vals = masked_entries(sims, sims >= floor[:, None])
            found.append((rows, cols + c0, vals))
            held += len(rows)
            if held > 2 * k * (hi - lo):
                found = [best_per_row(found, k)]
                held = len(found[0][0])
                raise_floor(floor, found[0][0], found[0][2], k)
        rows, cols, vals = best_per_row(found, k)
        yield lo, hi, rows + lo, cols, vals


def masked_entries(values: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, column, value) of each entry of a 2-D array where ``mask`` holds, row by row.

    What ``np.nonzero`` and indexing give, several times faster on a large block.

    Args:
        values: a 2-D array.
        mask: a boolean array of the same shape.
    """
    flat = np.flatnonzero(mask)
    rows, cols = np.divmod(flat, values.shape[1])
    return rows, cols, values.ravel()[flat]


def raise_floor(floor: np.ndarray, rows: np.ndarray, vals: np.ndarray, k: int) -> None:
    """Raise the floor of each row that holds k entries to its k-th best similarity, in place.

    Args:
        floor: the least similarity a new entry of each row needs, one per row.
        rows: row numbers of the kept entries, sorted, at most k per row (as `best_per_row` gives).
        vals: their similarities, falling within a row.
        k: the most entries kept per row.
    """
    counts = np.bincount(rows, minlength=len(floor))
    full = np.flatnonzero(counts >= k)
    if len(full):
        floor[full] = np.maximum(floor[full], vals[np.cumsum(counts)[full] - 1])


def best_per_row(
    parts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]], k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The k most similar entries of each row, sorted by row then falling similarity.

    Args:
        parts: (row, match, similarity) arrays in arrival order; a match is a column number or an id.
            Equal similarities keep their arrival order.
        k: the most entries kept per row.
    """
    rows = np.concatenate([p[0] for p in parts])
    matches = np.concatenate([p[1] for p in parts])
    vals = np.concatenate([p[2] for p in parts])
    order = np.lexsort((-vals, rows))
    rows, matches, vals = rows[order], matches[order], vals[order]
    starts = np.searchsorted(rows, rows, side="left")
    keep = (np.arange(len(rows)) - starts) < k
    return rows[keep], matches[keep], vals[keep]


def similar_pairs(
    vectors: np.ndarray | RowFile,
    *,
    threshold: float,
    k: int = 20,
    block: int = 2048,
    max_floats: int = 4_000_000,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) whose cosine similarity is at least ``threshold``, at most ``k`` per row.

    Args:
        vectors: unit-length rows (see `normalise`), in memory or in a `RowFile`.
        threshold: the least cosine similarity kept.
        k: the most neighbours kept per row (the most similar ones).
        block: the most rows compared per step.
        max_floats: bound on one tile's similarity block (see `iter_similar_pairs`).

    Returns:
        (i, j, similarity) arrays of equal length.
    """
    out_i, out_j, out_s = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.float32)]
    for _, _, i, j, s in iter_similar_pairs(vectors, threshold=threshold, k=k, block=block, max_floats=max_floats):
        out_i.append(i)
        out_j.append(j)
        out_s.append(s)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)
