"""Incremental cross-document stages: compare what is new with the whole store, keep the rest.

A run that adds documents to a store must not redo the work of earlier runs, yet must end where
a run over everything would. Each stage records the documents it has compared
(`Store.mark_linked`, with their date and duplicate group at the time). A later run compares only
the documents that are new, or whose date or group changed, against candidates drawn from the
whole store, and keeps the stored results for pairs of older documents:

- paraphrase (``derivative`` flags): sentence vectors are embedded once per document, by the
  per-document stage, and stored with it;
  a document is assessed against the documents whose centroid is near its own, and an older one
  is assessed again only when a changed document could now be its source.
- claims (relations, positions): the claims of changed documents are compared with their
  embedding neighbours and lexical-block partners among the stored claims;
  `storyline.link.match_claims` decides on that subset, and only relations that involve a changed
  claim replace stored ones.

Stored vectors are read in chunks, so what a run holds in memory grows with the new work and the
candidates it finds rather than with the store.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from storyline.ann import RowFile, best_per_row, masked_entries, normalise, raise_floor
from storyline.memory import release_free_memory
from storyline.records import Flag
from storyline.store import SINGLE_PASS_CACHE, Store

#: Stage names recorded in ``linked_docs``.
PARAPHRASE = "paraphrase"
CLAIMS = "claims"
#: Stored vectors compared per step.
CHUNK = 4096
#: Documents assessed for paraphrase per step, and candidate sources loaded per step.
TARGETS_PER_STEP = 128
SOURCES_PER_STEP = 1024
#: Documents whose sentences are embedded per step, and whose claims get block keys per step.
EMBED_DOCS_PER_STEP = 256
DOC_CHUNK = 256
#: Float slack for candidate pre-filters; the deciding functions apply the exact thresholds.
_SLACK = 1e-3
#: Stored embedding neighbours of each changed claim passed on to matching (besides block partners).
NEIGHBOURS = 40
#: Changed claims matched together, with the union of their candidates.
GROUP = 64
#: From this share of claims to (re)match on, one match over everything is cheaper.
FULL_SHARE = 0.5
#: Largest claim matrix (bytes) that a whole-store match holds in memory; beyond, a `RowFile` on disk.
MATRIX_IN_MEMORY = 64 * 1024 * 1024
#: Up to this many claims are picked by the query that reads them; more are picked from a full read.
PICK_IN_QUERY = 50_000
#: Claim rows (with vectors) kept while matching the groups of one incremental update.
_CACHE_ROWS = 50_000
#: Neighbour entries held per kept one (and per row or chunk column) before they are cut to the best.
_HELD_PER_KEPT = 4

_T = TypeVar("_T")

_CURRENT_CLAIMS = (
    "SELECT c.id FROM claims c JOIN documents d ON d.id = c.doc_id WHERE d.superseded_by IS NULL"
)


def _chunks(items: Sequence[_T], size: int) -> Iterator[Sequence[_T]]:
    for lo in range(0, len(items), size):
        yield items[lo : lo + size]


# -- paraphrase ---------------------------------------------------------------------------------


def embed_missing_sentences(store: Store) -> int:
    """Embed and store the paraphrase sentences of English documents that have none stored yet.

    The per-document stage stores them with each document; this fills in stores written before it
    did, and documents an engine delivered without them.

    Args:
        store: an open store.

    Returns:
        The number of documents embedded.
    """
    from storyline.assess import paraphrase_sentences, sentence_vectors
    from storyline.embed import DIM

    ids = [
        r[0]
        for r in store.con.execute(
            "SELECT d.id FROM documents d LEFT JOIN doc_sentences s ON s.doc_id = d.id WHERE s.doc_id IS NULL "
            "AND d.superseded_by IS NULL AND (d.language IS NULL OR d.language = 'en') ORDER BY d.seq"
        ).fetchall()
    ]
    for chunk in _chunks(ids, EMBED_DOCS_PER_STEP):
        texts = dict(
            store.con.execute("SELECT id, text FROM documents WHERE id IN (SELECT unnest(?))", [list(chunk)]).fetchall()
        )
        sents = [paraphrase_sentences(texts[d]) for d in chunk]
        flat = [s for ss in sents for s in ss]
        vecs = sentence_vectors(flat) if flat else np.zeros((0, DIM), dtype=np.float32)
        rows, pos = [], 0
        for doc_id, ss in zip(chunk, sents, strict=True):
            rows.append((doc_id, vecs[pos : pos + len(ss)].reshape(len(ss), DIM)))
            pos += len(ss)
        store.write_sentence_vectors(rows)
    return len(ids)


def _may_source(j: int, i: int, days: Sequence[Any], seqs: Sequence[int]) -> bool:
    """Whether document ``j`` can be the paraphrase source of ``i`` (the order rule of `derivative_pairs`)."""
    if days[i] and days[j]:
        return bool(days[j] < days[i] or (days[j] == days[i] and seqs[j] < seqs[i]))
    return seqs[j] < seqs[i]


def _source_parts(store: Store, source_ids: Sequence[str]) -> Iterator[list[tuple[str, np.ndarray]]]:
    """Stored sentence vectors of candidate sources, ``SOURCES_PER_STEP`` documents a part, or one empty part.

    One streamed read per call: DuckDB scans the whole vector column for any lookup, so reading the
    parts one query each cost a full scan a part.
    """
    from storyline.embed import DIM

    empty = True
    for part in store.iter_sentence_vectors(source_ids, dim=DIM, chunk=SOURCES_PER_STEP):
        empty = False
        yield part
    if empty:
        yield []


class _ParaphraseSteps:
    """`derivative_pairs` over a store, a step of targets at a time, sources streamed in parts.

    Args:
        store: an open store.
        ids: current English documents outside duplicate groups, in ingestion order.
        index: id -> position in ``ids``.
        days: their dates (None: undated).
        cent: their unit sentence centroids (len(ids) x dim).
    """

    def __init__(
        self, store: Store, *, ids: Sequence[str], index: Mapping[str, int], days: Sequence[Any], cent: np.ndarray
    ) -> None:
        self.store, self.ids, self.index, self.days, self.cent = store, ids, index, days, cent

    def ranked(
        self, targets: Sequence[int], *, candidates: np.ndarray | None
    ) -> dict[str, tuple[float, int, str, list[str]]]:
        """Each target's best source as (score, source position, source id, evidence); no entry: none.

        Args:
            targets: target positions.
            candidates: positions that may be sources (None: every document).
        """
        from storyline.assess import CENTROID_COSINE
        from storyline.embed import DIM

        if not targets:
            return {}
        ids, cent = self.ids, self.cent
        pool = cent if candidates is None else cent[candidates]
        held: dict[str, np.ndarray] | None = None
        if candidates is not None and len(candidates) <= SOURCES_PER_STEP:
            # Few candidates (new documents against older ones): read them once for every step.
            held = {
                doc_id: vecs
                for part in self.store.iter_sentence_vectors([ids[j] for j in candidates], dim=DIM)
                for doc_id, vecs in part
            }
        best: dict[str, tuple[float, int, str, list[str]]] = {}
        # Steps are streamed in one read as well: a lookup per step would scan the vector column each
        # time. Texts are read a step at a time: joined to the vectors, a whole-store run's targets
        # would not fit in DuckDB's memory.
        for step_vecs in self.store.iter_sentence_vectors([ids[i] for i in targets], dim=DIM, chunk=TARGETS_PER_STEP):
            texts = dict(
                self.store.con.execute(
                    "SELECT id, text FROM documents WHERE id IN (SELECT unnest(?))", [[d for d, _ in step_vecs]]
                ).fetchall()
            )
            step_rows = [(doc_id, texts.get(doc_id) or "", vecs) for doc_id, vecs in step_vecs]
            step = sorted(self.index[doc_id] for doc_id, _, _ in step_rows)
            tset = set(step)
            near = np.nonzero((cent[step] @ pool.T >= CENTROID_COSINE - _SLACK).any(axis=0))[0]
            if candidates is not None:
                near = candidates[near]
            sources = [ids[int(j)] for j in near if int(j) not in tset]
            if held is not None:
                parts: Iterable[list[tuple[str, np.ndarray]]] = [[(doc_id, held[doc_id]) for doc_id in sources]]
            else:
                parts = _source_parts(self.store, sources)
            for part in parts:
                self._merge(best, step_rows, part)
        return best

    def _merge(
        self,
        best: dict[str, tuple[float, int, str, list[str]]],
        step_rows: Sequence[tuple[str, str, np.ndarray]],
        part: Sequence[tuple[str, np.ndarray]],
    ) -> None:
        """Assess a step's targets against one part of sources and keep each target's best source so far."""
        from storyline.assess import derivative_pairs

        index = self.index
        targets = {doc_id: (text, vecs) for doc_id, text, vecs in step_rows}
        sources = {doc_id: vecs for doc_id, vecs in part if doc_id not in targets}
        subset = sorted({*targets, *sources}, key=index.__getitem__)
        # Candidate sources need only their vectors; their text is read for assessed documents only.
        docs = [(k, targets[k][0] if k in targets else "", self.days[index[k]]) for k in subset]
        vectors = [targets[k][1] if k in targets else sources[k] for k in subset]
        for doc_id, (src, score, evidence) in derivative_pairs(docs, vectors=vectors, targets=set(targets)).items():
            # The rule of derivative_pairs across parts: the highest share, then the earliest listed.
            prev = best.get(doc_id)
            if prev is None or score > prev[0] or (score == prev[0] and index[src] < prev[1]):
                best[doc_id] = (score, index[src], src, evidence)


def update_paraphrases(store: Store, *, duplicate_of: Mapping[str, str]) -> dict[str, list[Flag]]:
    """Assess new or changed documents for paraphrase and return every current ``derivative`` flag.

    Args:
        store: an open store (duplicate groups already written).
        duplicate_of: documents grouped as near copies; they are neither assessed nor sources.
    """
    from storyline.assess import CENTROID_COSINE, derivative_flag
    from storyline.embed import DIM

    embed_missing_sentences(store)
    rows = [
        r
        for r in store.con.execute(
            "SELECT d.id, d.seq, d.published_value, s.centroid FROM documents d JOIN doc_sentences s "
            "ON s.doc_id = d.id WHERE d.superseded_by IS NULL AND (d.language IS NULL OR d.language = 'en') "
            "ORDER BY d.seq"
        ).fetchall()
        if r[0] not in duplicate_of
    ]
    ids = [r[0] for r in rows]
    index = {doc_id: i for i, doc_id in enumerate(ids)}
    seqs = [int(r[1]) for r in rows]
    days = [r[2] for r in rows]
    cent = np.frombuffer(b"".join(r[3] for r in rows), dtype=np.float32).reshape(len(rows), DIM)
    del rows
    unlinked = store.unlinked_docs(PARAPHRASE)
    fresh = [index[d] for d in unlinked if d in index]
    fresh_set = set(fresh)
    stored = {
        r[0]: (r[1], float(r[2]), json.loads(r[3]))
        for r in store.con.execute("SELECT doc_id, source, score, evidence FROM paraphrases").fetchall()
    }
    targets = set(fresh)
    for doc_id, (src, _, _) in stored.items():
        # A source that is gone, or whose date or group changed, may no longer be the best one.
        if doc_id in index and (src not in index or index[src] in fresh_set):
            targets.add(index[doc_id])
    # Older documents near a changed one, which may now be their source. Nothing else about them
    # changed, so only the changed documents are new candidates; their stored result stands for the rest.
    rechecked: set[int] = set()
    if fresh:
        fresh_cent = cent[fresh]
        others = np.asarray([i for i in range(len(ids)) if i not in targets], dtype=np.int64)
        # Rows per step such that a step's similarity block stays near 4M floats.
        step_rows = max(1, 4_000_000 // len(fresh))
        for lo in range(0, len(others), step_rows):
            rows_here = others[lo : lo + step_rows]
            sims = cent[rows_here] @ fresh_cent.T
            for r, c in zip(*np.nonzero(sims >= CENTROID_COSINE - _SLACK), strict=True):
                i, j = int(rows_here[r]), fresh[int(c)]
                if i not in rechecked and _may_source(j, i, days, seqs):
                    rechecked.add(i)
    assess = _ParaphraseSteps(store, ids=ids, index=index, days=days, cent=cent)
    ranked = assess.ranked(sorted(targets), candidates=None)
    found = {doc_id: (src, score, ev) for doc_id, (score, _, src, ev) in ranked.items()}
    if rechecked:
        fresh_index = np.asarray(fresh, dtype=np.int64)
        for doc_id, (score, pos, src, ev) in assess.ranked(sorted(rechecked), candidates=fresh_index).items():
            old = stored.get(doc_id)
            # The rule of derivative_pairs: the highest share, then the earliest listed.
            if old is None or score > old[1] or (score == old[1] and pos < index[old[0]]):
                found[doc_id] = (src, score, ev)
        for i in rechecked:
            if ids[i] not in found and ids[i] in stored:
                found[ids[i]] = stored[ids[i]]
    ordered = sorted(targets | rechecked)
    store.replace_paraphrases([ids[i] for i in ordered], found)
    store.mark_linked(PARAPHRASE, sorted({*unlinked, *(ids[i] for i in ordered)}))
    return {
        r[0]: [derivative_flag(r[1], float(r[2]), json.loads(r[3]))]
        for r in store.con.execute("SELECT doc_id, source, score, evidence FROM paraphrases ORDER BY doc_id").fetchall()
        if r[0] in index and r[1] in index
    }


# -- claims -------------------------------------------------------------------------------------


def _claim(r: Mapping[str, Any]) -> Any:
    from storyline.claims import Claim

    return Claim(
        id=r["id"],
        doc=r["doc_id"],
        actor=r["actor"],
        statement=r["statement"] or "",
        text=r["text"],
        polarity=r["polarity"],
        modality=r["modality"],
        start=r["start"],
        end=r["end"],
        actor_entity=r["actor_entity"],
        attributed_to=r["attributed_to"],
        via=tuple(json.loads(r["via"]) if isinstance(r["via"], str) else r["via"]),
        date=r["date"],
        predicate=r["predicate"],
        object=r["object"],
        subject=r["subject"],
        numbers=tuple(json.loads(r["numbers"] or "[]") if isinstance(r["numbers"], str | None) else r["numbers"]),
        checkworthiness=r["checkworthiness"] or 0.0,
        source=r["source"] or "reporter",
    )


def write_claim_blocks(store: Store, doc_ids: Sequence[str]) -> None:
    """Store the lexical block keys (shared verb and subject, numbers) of the claims of some documents.

    The keys are the ones `storyline.link` blocks claims by, so the store can find a new claim's
    block partners, and each block's size, without reading every claim.

    Args:
        store: an open store.
        doc_ids: documents whose claims get keys.
    """
    from storyline.link import block_keys

    # A few hundred documents at a time: a first run over a large corpus has a block key or two for
    # each of hundreds of thousands of claims.
    for some in _chunks(doc_ids, DOC_CHUNK):
        rows = store.con.execute(
            "SELECT id, text, predicate, subject FROM claims WHERE doc_id IN (SELECT unnest(?))", [list(some)]
        ).fetchall()
        keys = [
            (claim_id, key)
            for claim_id, text, pred, subject in rows
            for key in block_keys(text, predicate=pred, subject=subject)
        ]
        store.replace_claim_blocks([r[0] for r in rows], keys)


def _claim_rows(store: Store, claim_ids: Sequence[str]) -> list[dict[str, Any]]:
    rows = store.query(
        "SELECT c.*, d.seq AS doc_seq, v.vector FROM claims c JOIN documents d ON d.id = c.doc_id "
        "LEFT JOIN claim_vectors v ON v.claim_id = c.id WHERE c.id IN (SELECT unnest(?)) "
        "ORDER BY d.seq, c.start, c.id",
        [list(claim_ids)],
    )
    for row in rows:
        row["vector"] = np.frombuffer(row["vector"], dtype=np.float32) if row["vector"] is not None else None
    return rows


def _cached_claim_rows(
    store: Store, claim_ids: Sequence[str], cache: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """`_claim_rows` through a cache kept for one incremental update (subsets share many claims)."""
    missing = [c for c in claim_ids if c not in cache]
    if len(cache) + len(missing) > _CACHE_ROWS:
        cache.clear()  # bounded memory: start over rather than grow with the store
        missing = list(claim_ids)
    for row in _claim_rows(store, missing) if missing else []:
        cache[row["id"]] = row
    rows = [cache[c] for c in claim_ids if c in cache]
    rows.sort(key=lambda r: (r["doc_seq"], r["start"], r["id"]))
    return rows


def _matrix(rows: Sequence[Mapping[str, Any]], dim: int) -> np.ndarray:
    out = np.zeros((len(rows), dim), dtype=np.float32)
    for i, r in enumerate(rows):
        if r["vector"] is not None:
            out[i] = r["vector"]
    return normalise(out, in_place=True)


def _neighbours(store: Store, dirty: np.ndarray, *, threshold: float) -> list[set[str]]:
    """Per row of ``dirty``, the ids of its `NEIGHBOURS` most similar stored claims at or above
    ``threshold`` (less the float slack), the stored vectors streamed a chunk at a time."""
    nd = len(dirty)
    found = [(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=object), np.zeros(0, dtype=np.float32))]
    held = 0
    # Per row, the similarity a new entry must beat once the row holds NEIGHBOURS entries: a later
    # entry equal to the last kept one would rank after it, so it could not be kept either.
    floor = np.full(nd, -np.inf, dtype=np.float32)
    # "At least the cut" as "above the float32 just below it", so one comparison with the larger of
    # the cut and the row's floor does both tests.
    least = np.nextafter(np.float32(threshold - _SLACK), np.float32(-np.inf))
    # In the stored order (see iter_claim_vectors): equal similarities (copies' claims) rank alike on
    # every run, so an update finds the same relations each time.
    for ids, mat in store.iter_claim_vectors(chunk=CHUNK):
        sims = dirty @ normalise(mat, in_place=True).T
        # Few stored claims come near a given one: keep the pairs above the cut, not a ranking of all.
        rows, cols, vals = masked_entries(sims, sims > np.maximum(floor, least)[:, None])
        found.append((rows, np.asarray(ids, dtype=object)[cols], vals))
        held += len(rows)
        if held > _HELD_PER_KEPT * NEIGHBOURS * max(nd, CHUNK):
            found = [best_per_row(found, NEIGHBOURS)]
            held = len(found[0][0])
            raise_floor(floor, found[0][0], found[0][2], NEIGHBOURS)
    rows, best_ids, _ = best_per_row(found, NEIGHBOURS)
    out: list[set[str]] = [set() for _ in range(nd)]
    for r, claim_id in zip(rows.tolist(), best_ids.tolist(), strict=True):
        out[r].add(str(claim_id))
    return out


def _with_originals(store: Store, subsets: Sequence[set[str]], *, duplicate_of: Mapping[str, str]) -> list[set[str]]:
    """Each subset with the claims of the originals of the copies involved: link.py drops a copy's
    claims that its original carries.

    Two reads for all the subsets: one per subset cost a lookup in the claims table each.
    """
    everything = sorted(set().union(*subsets)) if subsets else []
    doc_of = dict(
        store.con.execute(
            "SELECT id, doc_id FROM claims WHERE id IN (SELECT unnest(?))", [everything or [""]]
        ).fetchall()
    )
    roots_of: list[set[str]] = []
    for subset in subsets:
        docs = {doc_of[c] for c in subset if c in doc_of}
        roots_of.append({duplicate_of.get(d, d) for d in docs} - docs)
    claims_of: dict[str, list[str]] = {}
    roots = sorted(set().union(*roots_of)) if roots_of else []
    if roots:
        for claim_id, doc_id in store.con.execute(
            "SELECT id, doc_id FROM claims WHERE doc_id IN (SELECT unnest(?))", [roots]
        ).fetchall():
            claims_of.setdefault(doc_id, []).append(claim_id)
    return [
        subset | {c for root in wanted for c in claims_of.get(root, ())} if wanted else subset
        for subset, wanted in zip(subsets, roots_of, strict=True)
    ]


def _match_subset(
    store: Store,
    subset: set[str],
    *,
    duplicate_of: Mapping[str, str],
    doc_dates: Mapping[str, Any],
    outlets: Mapping[str, str | None],
    focus: Collection[str] | None = None,
    cache: dict[str, dict[str, Any]] | None = None,
) -> list[tuple[Any, float]]:
    """`storyline.link.match_claims` over some claims, with each relation's cosine; with ``focus``,
    only relations that involve one of those claims. The subset holds the claims of the originals of
    its copies (`_with_originals`): link.py drops a copy's claims that its original carries."""
    from storyline.link import match_claims

    if len(subset) < 2:
        return []
    rows = _claim_rows(store, sorted(subset)) if cache is None else _cached_claim_rows(store, sorted(subset), cache)
    claims = [r["_claim"] if "_claim" in r else r.setdefault("_claim", _claim(r)) for r in rows]
    dim = next((len(r["vector"]) for r in rows if r["vector"] is not None), 0)
    vecs = _matrix(rows, dim) if dim else None
    row_of = {c.id: n for n, c in enumerate(claims)}
    out = []
    for rel in match_claims(
        claims, doc_dates=doc_dates, doc_outlets=outlets, duplicate_of=duplicate_of, embeddings=vecs, focus=focus
    ):
        cos = float(vecs[row_of[rel.a]] @ vecs[row_of[rel.b]]) if vecs is not None else 0.0
        out.append((rel, cos))
    return out


# Texts and statements too: wire copies and re-posts repeat sentences, and at 20,000 documents only
# 61,000 of the 280,000 claim texts were distinct (some 50 MB held twice over in the match).
_SHARED_FIELDS = ("doc_id", "actor", "actor_entity", "polarity", "modality", "attributed_to", "date", "predicate",
                  "subject", "object", "source", "text", "statement")


def _read_claims(store: Store, *, only: Collection[str] | None = None, with_actor: bool = False) -> list[Any]:
    """The claims of current documents in ingestion order (those in ``only``, if given; with
    ``with_actor``, only those with an actor), streamed.

    Values that repeat across claims (document ids, verbs, modalities, dates, actors, the texts of
    copied sentences) are held once, not once per claim. At 280,000 claims, sharing the texts as well
    took the claims from 200 to 144 MiB.
    """
    shared: dict[Any, Any] = {}
    claims = []
    # A few claims are picked in the query; for most of the store a set test here is cheaper.
    picked = sorted(only) if only is not None and len(only) <= PICK_IN_QUERY else None
    for row in store.iter_claims(only=picked, with_actor=with_actor, chunk=CHUNK):
        if only is not None and row["id"] not in only:
            continue
        for key in _SHARED_FIELDS:
            if row.get(key) is not None:
                row[key] = shared.setdefault(row[key], row[key])
        for key in ("via", "numbers"):
            raw = row.get(key)
            if isinstance(raw, str | None):
                row[key] = shared.setdefault(("json", raw), tuple(json.loads(raw or "[]")))
        claims.append(_claim(row))
    return claims


def _all_claims(
    store: Store, *, duplicate_of: Mapping[str, str]
) -> tuple[list[Any], np.ndarray | RowFile | None]:
    """The claims `storyline.link.match_claims` compares across the whole store, with their stored
    embeddings as unit rows (None when none is stored), both read in chunks.

    A copy's claims that its original carries word for word are left out here, so the rows are
    written once at their final size. Beyond `MATRIX_IN_MEMORY` bytes they go to a `RowFile` beside
    the database (the caller closes it), so the matrix (430 MB at 280,000 claims) is never resident.
    """
    from storyline.link import original_claims

    claims = _read_claims(store)
    claims = [claims[i] for i in original_claims(claims, duplicate_of=duplicate_of)]
    return claims, _claim_matrix(store, claims)


def _claim_matrix(store: Store, claims: Sequence[Any]) -> np.ndarray | RowFile | None:
    """The stored unit embeddings of ``claims``, one row each in their order (see `_all_claims`)."""
    row_of = {c.id: n for n, c in enumerate(claims)}
    matrix: np.ndarray | RowFile | None = None
    # One pass over every vector, each kept or dropped as it comes: cached, their pages took DuckDB to
    # its whole cap (256 MB) on top of the claims, at 280,000 claims the stage's peak.
    with store.capped_cache(SINGLE_PASS_CACHE):
        for ids, chunk in store.iter_claim_vectors(chunk=CHUNK, current=False):
            found = [(row_of[claim_id], m) for m, claim_id in enumerate(ids) if claim_id in row_of]
            if not found:
                continue  # superseded documents' vectors, which the scan also meets
            if matrix is None:
                size = len(claims) * chunk.shape[1] * 4
                folder = None if store.path == ":memory:" else Path(store.path).resolve().parent
                matrix = (RowFile(len(claims), chunk.shape[1], folder=folder) if size > MATRIX_IN_MEMORY
                          else np.zeros((len(claims), chunk.shape[1]), dtype=np.float32))
            rows, picked = zip(*found, strict=True)
            values = normalise(chunk[list(picked)], in_place=True)
            if isinstance(matrix, RowFile):
                matrix.write(np.asarray(rows), values)
            else:
                matrix[list(rows)] = values
    return matrix


def update_claim_links(store: Store, *, duplicate_of: Mapping[str, str]) -> int:
    """Match the claims of new or changed documents against the store; write relations and positions.

    Args:
        store: an open store.
        duplicate_of: doc id -> original doc id (a copy group counts as one source).

    Returns:
        The number of relations.
    """
    from storyline.link import (
        BLOCK_COSINE,
        CANDIDATE_COSINE,
        MAX_BLOCK,
        Relation,
        group_positions,
        iter_relations,
    )

    unlinked = store.unlinked_docs(CLAIMS)
    write_claim_blocks(store, unlinked)
    total_row = store.con.execute(f"SELECT count(*) FROM ({_CURRENT_CLAIMS})").fetchone()
    total = int(total_row[0]) if total_row else 0
    linked_row = store.con.execute("SELECT count(*) FROM linked_docs WHERE stage = ?", [CLAIMS]).fetchone()
    dirty_ids = [
        r[0]
        for r in store.con.execute(
            "SELECT id FROM claims WHERE doc_id IN (SELECT unnest(?))", [list(unlinked) or [""]]
        ).fetchall()
    ]
    info = store.document_dates()
    doc_dates = {k: v[0] for k, v in info.items()}
    outlets = store.document_outlets()
    if not linked_row or not linked_row[0] or len(dirty_ids) >= FULL_SHARE * total:
        # Everything (or most of it) is new: one match over all claims.
        claims, vectors = _all_claims(store, duplicate_of=duplicate_of)
        # Reading every claim and vector filled DuckDB's page cache; the match that follows is the
        # stage's peak, so the cache goes first (221 MB at 280,000 claims).
        store.release_cache()
        release_free_memory()
        # Relations are written as they are found. Positions need only which claims they join (as
        # row numbers, to find the groups) and the updates among them (with their explanations).
        row_of = {c.id: n for n, c in enumerate(claims)}
        ends_a, ends_b = array("q"), array("q")
        updates: list[Relation] = []

        def written() -> Iterator[dict[str, Any]]:
            for batch in iter_relations(
                claims, doc_dates=doc_dates, doc_outlets=outlets, duplicate_of=duplicate_of, embeddings=vectors
            ):
                for rel in batch:
                    ends_a.append(row_of[rel.a])
                    ends_b.append(row_of[rel.b])
                    if rel.kind == "updates":
                        updates.append(Relation(kind=rel.kind, a=rel.a, b=rel.b, evidence=(), score=rel.score,
                                                explanation=rel.explanation))
                    yield _relation_dict(rel)

        def actor_positions() -> list[dict[str, Any]]:
            a = np.frombuffer(ends_a, dtype=np.int64)
            b = np.frombuffer(ends_b, dtype=np.int64)
            group = _components(len(claims), a, b)
            linked = np.zeros(len(claims), dtype=bool)
            linked[a] = True
            linked[b] = True
            groups: dict[tuple[str, int], list[Any]] = {}
            for n in np.flatnonzero(linked).tolist():
                if claims[n].actor:
                    groups.setdefault((claims[n].actor, int(group[n])), []).append(claims[n])
            updates.sort(key=lambda r: (-r.score, r.a, r.b))  # the order match_claims returns
            return group_positions(groups, updates, doc_dates=doc_dates)

        try:
            store.replace_links(written(), actor_positions)
        finally:
            if isinstance(vectors, RowFile):
                vectors.close()
        store.mark_linked(CLAIMS, unlinked)
        return len(ends_a)
    dirty_set = set(dirty_ids)
    # DuckDB cannot type an empty list parameter; no claim has the empty id.
    dirty_param = dirty_ids or [""]
    small_keys: dict[str, set[str]] = {}
    found_new: dict[tuple[str, str, str], tuple[Any, float]] = {}
    if dirty_ids:
        dirty_rows = _claim_rows(store, dirty_ids)
        dim = next((len(r["vector"]) for r in dirty_rows if r["vector"] is not None), 0)
        near = _neighbours(store, _matrix(dirty_rows, dim), threshold=CANDIDATE_COSINE) if dim else []
        # Lexical blocks the changed claims share, when small enough for link.py to use them.
        members: dict[str, set[str]] = {}
        for claim_id, key in store.con.execute(
            f"WITH b AS (SELECT claim_id, key FROM claim_blocks WHERE claim_id IN ({_CURRENT_CLAIMS})), "
            "k AS (SELECT key FROM b WHERE key IN (SELECT key FROM b WHERE claim_id IN (SELECT unnest(?))) "
            "GROUP BY key HAVING count(*) <= ?) SELECT claim_id, key FROM b WHERE key IN (SELECT key FROM k)",
            [dirty_param, MAX_BLOCK],
        ).fetchall():
            small_keys.setdefault(claim_id, set()).add(key)
            members.setdefault(key, set()).add(claim_id)
        rows_cache: dict[str, dict[str, Any]] = {}
        # Changed claims are matched a group at a time, each with its own candidates: one subset for all
        # of them would grow towards the whole store, and matching costs the square of its size.
        subsets: list[set[str]] = []
        for lo in range(0, len(dirty_rows), GROUP):
            subset: set[str] = set()
            for n in range(lo, min(lo + GROUP, len(dirty_rows))):
                claim_id = dirty_rows[n]["id"]
                subset.add(claim_id)
                if near:
                    subset |= near[n]
                for key in small_keys.get(claim_id, ()):
                    subset |= members[key]
            subsets.append(subset)
        # With the originals' claims now, so one read holds every row a group's match needs.
        subsets = _with_originals(store, subsets, duplicate_of=duplicate_of)
        read_to = 0  # the groups before this one have had their rows read
        for n, subset in enumerate(subsets):
            if n == read_to:
                # Rows for as many groups at once as the cache holds: each read scans the stored vectors.
                wanted: set[str] = set()
                while read_to < len(subsets) and len(wanted | subsets[read_to]) <= _CACHE_ROWS:
                    wanted |= subsets[read_to]
                    read_to += 1
                read_to = max(read_to, n + 1)  # a group larger than the cache reads its own rows
                if wanted:
                    rows_cache.clear()
                    _cached_claim_rows(store, sorted(wanted), rows_cache)
            for rel, cos in _match_subset(
                store, subset, duplicate_of=duplicate_of, doc_dates=doc_dates, outlets=outlets, focus=dirty_set,
                cache=rows_cache,
            ):
                if rel.a not in dirty_set and rel.b not in dirty_set:
                    continue  # a pair of older claims: its stored result stands
                found_new.setdefault((rel.a, rel.b, rel.kind), (rel, cos))
    new_relations: list[Relation] = []
    for rel, cos in found_new.values():
        shared_small = bool(small_keys.get(rel.a, set()) & small_keys.get(rel.b, set()))
        # In a subset a block can look smaller than it is in the store; keep only pairs that the
        # whole store would have made candidates too.
        if cos >= CANDIDATE_COSINE or (shared_small and cos >= BLOCK_COSINE):
            new_relations.append(rel)
    replaced, found = _changed_positions(store, dirty_ids=dirty_set, new_relations=new_relations, doc_dates=doc_dates)
    store.update_links(dirty_param, [_relation_dict(r) for r in new_relations], found, replaced_positions=replaced)
    store.mark_linked(CLAIMS, unlinked)
    return _count(store, "SELECT count(*) FROM relations")


def _count(store: Store, sql: str) -> int:
    row = store.con.execute(sql).fetchone()
    return int(row[0]) if row else 0


def _components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The connected component of each of ``n`` nodes, given the edges ``a[k]``–``b[k]``."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n, n))
    return np.asarray(connected_components(graph, directed=False)[1])


def _changed_positions(
    store: Store, *, dirty_ids: Collection[str], new_relations: Sequence[Any], doc_dates: Mapping[str, Any]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The stored positions an incremental claim match replaces, and the positions that replace them.

    A position is one actor's claims in one group of claims joined by relations. A group that no
    changed claim, no claim gone from the store and no new relation touches keeps its relations,
    so its stored positions stand; only the groups those touch, before and after, are rebuilt.

    Args:
        store: an open store whose relations are those before this update.
        dirty_ids: the claims matched again (their stored relations are replaced).
        new_relations: their new relations.
        doc_dates: publication date per document.

    Returns:
        (the replaced positions' stored ``data``, the new positions).
    """
    from storyline.link import Relation, group_positions

    # Claims are numbered in id order by both queries, so the edge ends index these arrays.
    table = store.con.execute(
        "SELECT c.id, coalesce(d.superseded_by IS NULL, false) AS current FROM claims c "
        "LEFT JOIN documents d ON d.id = c.doc_id ORDER BY c.id"
    ).fetchnumpy()
    ids, current = table["id"], np.asarray(table["current"], dtype=bool)
    n = len(ids)

    def codes(values: Sequence[str] | np.ndarray) -> np.ndarray:
        at = np.searchsorted(ids, np.asarray(values, dtype=object)) if len(values) else np.zeros(0, dtype=np.int64)
        return np.asarray(at, dtype=np.int64)

    edges = store.con.execute(
        "WITH c AS (SELECT id, (row_number() OVER (ORDER BY id) - 1)::BIGINT AS n FROM claims) "
        "SELECT ca.n AS a, cb.n AS b FROM relations r JOIN c ca ON ca.id = r.a JOIN c cb ON cb.id = r.b"
    ).fetchnumpy()
    a, b = np.asarray(edges["a"], dtype=np.int64), np.asarray(edges["b"], dtype=np.int64)
    dirty = np.zeros(n, dtype=bool)
    dirty[codes(sorted(dirty_ids))] = True
    new_a = codes([r.a for r in new_relations])
    new_b = codes([r.b for r in new_relations])
    touched = dirty | ~current
    touched[new_a] = True
    touched[new_b] = True
    # Groups before the update that it touches: their stored positions are replaced.
    before = _components(n, a, b)
    hit_before = np.isin(before, np.unique(before[touched]))
    kept = ~(dirty[a] | dirty[b] | ~current[a] | ~current[b])
    a1, b1 = np.concatenate([a[kept], new_a]), np.concatenate([b[kept], new_b])
    after = _components(n, a1, b1)
    linked = np.zeros(n, dtype=bool)
    linked[a1] = True
    linked[b1] = True
    # Groups after it that hold any of those claims: their positions are rebuilt.
    rebuilt = linked & np.isin(after, np.unique(after[hit_before | touched]))
    group_of = dict(zip((str(x) for x in ids[rebuilt]), after[rebuilt].tolist(), strict=True))
    del table, edges, a, b, a1, b1, before, after
    # A position is known by its first claim; DuckDB reads that out of the JSON, so the stored
    # positions (30,000 at 20,000 documents) are tested as arrays, not parsed one by one.
    stored = store.con.execute(
        "SELECT data, coalesce(json_extract_string(data, '$.points[0].claim'), '') AS first FROM positions"
    ).fetchnumpy()
    firsts = np.asarray(stored["first"], dtype=object)
    if n:
        at = np.minimum(codes(firsts), n - 1)
        # A first claim that is gone (or none at all) is not found at its place in ``ids``.
        stale = (ids[at] != firsts) | hit_before[at]
    else:
        stale = np.ones(len(firsts), dtype=bool)
    replaced = [str(d) for d in np.asarray(stored["data"], dtype=object)[stale]]
    # The groups are the components found above, so of the relations only the updates are read.
    updates = [r for r in new_relations if r.kind == "updates"]
    for batch_ids in _chunks(sorted(group_of), CHUNK * 4):
        updates.extend(
            Relation(kind=r["kind"], a=r["a"], b=r["b"], evidence=(), explanation=r["explanation"] or "",
                     score=float(r["score"] or 0.0))
            for r in store.iter_query(
                "SELECT kind, a, b, score, explanation FROM relations "
                "WHERE kind = 'updates' AND a IN (SELECT unnest(?))",
                [list(batch_ids)],
                chunk=CHUNK,
            )
            if r["a"] not in dirty_ids and r["b"] not in dirty_ids
        )
    updates.sort(key=lambda r: (-r.score, r.a, r.b))  # the order match_claims returns
    groups: dict[tuple[str, int], list[Any]] = {}
    for claim in _read_claims(store, only=set(group_of), with_actor=True) if group_of else []:
        groups.setdefault((claim.actor, group_of[claim.id]), []).append(claim)
    return replaced, group_positions(groups, updates, doc_dates=doc_dates)


def _relation_dict(r: Any) -> dict[str, Any]:
    # Four decimals: float32 products differ in the last bits with the shape of the matrices, so a
    # pair matched within a subset would otherwise store a score a few 1e-8 off the full run's.
    return {
        "kind": r.kind,
        "a": r.a,
        "b": r.b,
        "evidence": r.evidence,
        "explanation": r.explanation,
        "score": round(float(r.score), 4),
    }
