"""Store stage: the embedded DuckDB database, its versioned schema, and transactional writes.

Schema (version 7). Rows are identified by stable string ids; JSON-valued columns hold JSON text.
The per-document child tables ``claims``, ``claim_vectors``, ``doc_entities`` and ``quotes`` carry
no primary key since v6 (their ids come from new documents only; an index on them grew every run's
memory with the store); the other tables are keyed.

- ``meta(key, value)``: ``schema_version`` and other settings.
- ``runs``: one row per ``analyze`` run (started, finished, status, counts).
- ``documents``: one row per distinct document content (``id`` from the normalised content),
  with the cleaned text, metadata, stated/estimated date, duplicate group and story.
- ``sources``: which path delivered which document, with a version number per path: a changed
  file at a known path becomes a new version, and the previous document is marked superseded.
- ``rejections``: inputs that could not be ingested, with the reason.
- ``signatures``: MinHash signature per document, for incremental near-duplicate detection.
- ``flags``: per-document assessments (kind, score, evidence, spans).
- ``quotes``: attributed statements per document (speaker, cue, relay chain ``via``).
- ``doc_entities``, ``mentions`` (v2): the entities of each document and where they are mentioned.
- ``entities``: canonical entities across the corpus (v2 adds ``kb_id``, ``part_of``, ``members``).
- ``claims`` (v2 adds predicate, object, subject, numbers, checkworthiness, source) with
  ``claim_vectors`` (MiniLM embedding per claim, so matching never re-embeds old claims).
- ``relations`` (v2 adds explanation, score) and ``positions``: filled by the link stage.
- ``stories`` and ``story_docs`` (v2: each document's story vector and names, so a new batch
  joins the existing stories without re-embedding or re-clustering old documents).
- ``doc_sentences`` (v3): each document's sentence vectors and their centroid, for paraphrase
  detection, stored uncompressed since v7 so a few documents' vectors are read without the rest;
  ``paraphrases`` (v3): each document's paraphrase source; ``claim_blocks`` (v3): each claim's
  lexical block keys; ``linked_docs`` (v3): which documents a cross-document stage has
  already compared with the rest, so an incremental run compares only the new ones.

Writes go through `Store.write_batch`, one transaction per batch: a crash keeps every batch that
committed and none of the one in flight. Migrations are listed in ``MIGRATIONS`` and applied in
order when a database is opened; a database newer than this code raises `SchemaVersionError`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from storyline._exceptions import SchemaVersionError, StoreError
from storyline.records import Document, Flag, Quote, Rejection

SCHEMA_VERSION = 7

_SCHEMA_V1 = [
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS runs (
        id VARCHAR PRIMARY KEY, started VARCHAR, finished VARCHAR, status VARCHAR, counts VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS documents (
        id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, content_hash VARCHAR NOT NULL,
        title VARCHAR, outlet VARCHAR, author VARCHAR, url VARCHAR,
        language VARCHAR, language_score DOUBLE, format VARCHAR,
        published_value DATE, published_earliest DATE, published_latest DATE,
        published_basis VARCHAR, published_evidence VARCHAR,
        text VARCHAR NOT NULL, removed VARCHAR NOT NULL,
        duplicate_of VARCHAR, story VARCHAR, superseded_by VARCHAR,
        seq BIGINT NOT NULL, run_id VARCHAR, ingested_at VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS sources (
        path VARCHAR NOT NULL, version INTEGER NOT NULL, doc_id VARCHAR NOT NULL, ingested_at VARCHAR,
        PRIMARY KEY (path, version))""",
    """CREATE TABLE IF NOT EXISTS rejections (
        source VARCHAR PRIMARY KEY, reason VARCHAR NOT NULL, message VARCHAR NOT NULL,
        run_id VARCHAR, rejected_at VARCHAR)""",
    "CREATE TABLE IF NOT EXISTS signatures (doc_id VARCHAR PRIMARY KEY, minhash BLOB NOT NULL)",
    """CREATE TABLE IF NOT EXISTS flags (
        doc_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, score DOUBLE NOT NULL,
        evidence VARCHAR NOT NULL, spans VARCHAR NOT NULL, stage VARCHAR NOT NULL,
        PRIMARY KEY (doc_id, kind))""",
    """CREATE TABLE IF NOT EXISTS entities (
        id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR, aliases VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS quotes (
        id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, text VARCHAR NOT NULL,
        "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, speaker VARCHAR, speaker_entity VARCHAR,
        speaker_start INTEGER, speaker_end INTEGER, cue VARCHAR, cue_class VARCHAR, direct BOOLEAN,
        via VARCHAR NOT NULL, hedged BOOLEAN, anonymous BOOLEAN, source_count INTEGER, affiliation VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS claims (
        id VARCHAR PRIMARY KEY, doc_id VARCHAR NOT NULL, actor VARCHAR, actor_entity VARCHAR,
        statement VARCHAR, text VARCHAR NOT NULL, polarity VARCHAR, modality VARCHAR,
        attributed_to VARCHAR, via VARCHAR NOT NULL, date VARCHAR, "start" INTEGER, "end" INTEGER)""",
    """CREATE TABLE IF NOT EXISTS relations (
        kind VARCHAR NOT NULL, a VARCHAR NOT NULL, b VARCHAR NOT NULL, evidence VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS stories (
        id VARCHAR PRIMARY KEY, title VARCHAR, "start" VARCHAR, "end" VARCHAR)""",
]

_SCHEMA_V2 = [
    """CREATE TABLE IF NOT EXISTS doc_entities (
        doc_id VARCHAR NOT NULL, key VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR,
        aliases VARCHAR NOT NULL, kb_id VARCHAR, part_of VARCHAR, roles VARCHAR NOT NULL,
        PRIMARY KEY (doc_id, key))""",
    """CREATE TABLE IF NOT EXISTS mentions (
        doc_id VARCHAR NOT NULL, "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, text VARCHAR NOT NULL,
        label VARCHAR, entity_key VARCHAR NOT NULL, form VARCHAR)""",
    "ALTER TABLE entities ADD COLUMN IF NOT EXISTS kb_id VARCHAR",
    "ALTER TABLE entities ADD COLUMN IF NOT EXISTS part_of VARCHAR",
    "ALTER TABLE entities ADD COLUMN IF NOT EXISTS members VARCHAR",
    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS predicate VARCHAR",
    'ALTER TABLE claims ADD COLUMN IF NOT EXISTS "object" VARCHAR',
    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS subject VARCHAR",
    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS numbers VARCHAR",
    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS checkworthiness DOUBLE",
    "ALTER TABLE claims ADD COLUMN IF NOT EXISTS source VARCHAR",
    "CREATE TABLE IF NOT EXISTS claim_vectors (claim_id VARCHAR PRIMARY KEY, vector BLOB NOT NULL)",
    "ALTER TABLE relations ADD COLUMN IF NOT EXISTS explanation VARCHAR",
    "ALTER TABLE relations ADD COLUMN IF NOT EXISTS score DOUBLE",
    "CREATE TABLE IF NOT EXISTS positions (actor VARCHAR, topic VARCHAR, data VARCHAR NOT NULL)",
    """CREATE TABLE IF NOT EXISTS story_docs (
        doc_id VARCHAR PRIMARY KEY, vector BLOB NOT NULL, names VARCHAR NOT NULL, title VARCHAR, day DATE,
        joined BIGINT)""",
]

_SCHEMA_V3 = [
    """CREATE TABLE IF NOT EXISTS doc_sentences (
        doc_id VARCHAR PRIMARY KEY, n INTEGER NOT NULL, centroid BLOB NOT NULL, vectors BLOB NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS paraphrases (
        doc_id VARCHAR PRIMARY KEY, source VARCHAR NOT NULL, score DOUBLE NOT NULL, evidence VARCHAR NOT NULL)""",
    "CREATE TABLE IF NOT EXISTS claim_blocks (claim_id VARCHAR NOT NULL, key VARCHAR NOT NULL)",
    """CREATE TABLE IF NOT EXISTS linked_docs (
        doc_id VARCHAR NOT NULL, stage VARCHAR NOT NULL, day DATE, duplicate_of VARCHAR,
        PRIMARY KEY (doc_id, stage))""",
]

_SCHEMA_V4 = [
    # The latest day an undated document's own content allows: re-dating from its story replaces
    # the published interval, and staleness needs the content's verdict alone.
    "ALTER TABLE documents ADD COLUMN IF NOT EXISTS content_latest DATE",
    # Per-document evidence that the staleness stage weighs with the corpus (JSON list of flags).
    "ALTER TABLE documents ADD COLUMN IF NOT EXISTS signals VARCHAR",
    # Stores from before: the published interval is still the content's where the story added nothing.
    "UPDATE documents SET content_latest = published_latest WHERE content_latest IS NULL "
    "AND published_basis = 'inferred' AND published_evidence NOT LIKE '%its story''s %'",
]

_SCHEMA_V5 = [
    # The dated events a dated document offers its story's undated ones (`storyline.dating_story`):
    # a function of the document's text and date, so found once, not each time its story grows.
    "CREATE TABLE IF NOT EXISTS story_events (doc_id VARCHAR PRIMARY KEY, events VARCHAR NOT NULL)",
]

#: The per-document child tables that v6 rebuilds without a primary key, with their full columns.
_UNKEYED_V6 = {
    "claims": """id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, actor VARCHAR, actor_entity VARCHAR,
        statement VARCHAR, text VARCHAR NOT NULL, polarity VARCHAR, modality VARCHAR,
        attributed_to VARCHAR, via VARCHAR NOT NULL, date VARCHAR, "start" INTEGER, "end" INTEGER,
        predicate VARCHAR, "object" VARCHAR, subject VARCHAR, numbers VARCHAR, checkworthiness DOUBLE,
        source VARCHAR""",
    "claim_vectors": "claim_id VARCHAR NOT NULL, vector BLOB NOT NULL",
    "doc_entities": """doc_id VARCHAR NOT NULL, key VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR,
        aliases VARCHAR NOT NULL, kb_id VARCHAR, part_of VARCHAR, roles VARCHAR NOT NULL""",
    "quotes": """id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, text VARCHAR NOT NULL,
        "start" INTEGER NOT NULL, "end" INTEGER NOT NULL, speaker VARCHAR, speaker_entity VARCHAR,
        speaker_start INTEGER, speaker_end INTEGER, cue VARCHAR, cue_class VARCHAR, direct BOOLEAN,
        via VARCHAR NOT NULL, hedged BOOLEAN, anonymous BOOLEAN, source_count INTEGER, affiliation VARCHAR""",
}


def _rebuilt(table: str, columns: str, *, version: int) -> list[str]:
    """Statements that rebuild ``table`` with the column definitions ``columns``, keeping its rows."""
    return [
        f"CREATE TABLE {table}_v{version} ({columns})",
        f"INSERT INTO {table}_v{version} BY NAME SELECT * FROM {table}",
        f"DROP TABLE {table}",
        f"ALTER TABLE {table}_v{version} RENAME TO {table}",
    ]


# A primary key's index is loaded whole by the first insert of a run and stays in memory, so with
# keys on these tables a run's memory grew with the store (about 50 MB of index at 20,000
# documents). Their rows belong to new documents only (a stored document is never written again),
# so the keys guarded nothing that the writer does not.
_SCHEMA_V6 = [sql for table, columns in _UNKEYED_V6.items() for sql in _rebuilt(table, columns, version=6)]

_PLAIN = "USING COMPRESSION uncompressed"

#: The table that v7 rebuilds with its vector columns stored uncompressed.
_UNCOMPRESSED_V7 = {
    "doc_sentences": f"""doc_id VARCHAR PRIMARY KEY, n INTEGER NOT NULL, centroid BLOB NOT NULL {_PLAIN},
        vectors BLOB NOT NULL {_PLAIN}""",
}

# DuckDB compressed a document's sentence vectors (one large BLOB) with ZSTD a whole segment at a
# time, so reading the vectors of a few documents decompressed those of all of them: 0.55 s for 100
# documents at 20,000, against 0.005-0.03 s stored plain, and it grows with the store. Float vectors
# hardly compress anyway. The claim vectors keep DuckDB's choice: a dictionary there holds a copied
# claim's vector once, and their one full scan a run was faster for it (2.5 against 2.75 s).
_SCHEMA_V7 = [sql for table, columns in _UNCOMPRESSED_V7.items() for sql in _rebuilt(table, columns, version=7)]

#: Ordered migrations: (version reached, statements). Append, never edit a released entry.
MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, _SCHEMA_V1), (2, _SCHEMA_V2), (3, _SCHEMA_V3), (4, _SCHEMA_V4), (5, _SCHEMA_V5), (6, _SCHEMA_V6),
    (7, _SCHEMA_V7),
]

_DOC_COLUMNS = (
    "id",
    "source",
    "content_hash",
    "title",
    "outlet",
    "author",
    "url",
    "language",
    "language_score",
    "format",
    "published_value",
    "published_earliest",
    "published_latest",
    "published_basis",
    "published_evidence",
    "text",
    "removed",
    "duplicate_of",
    "story",
    "superseded_by",
    "seq",
    "run_id",
    "ingested_at",
    "content_latest",
    "signals",
)


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one batch write did.

    Args:
        added: ids of documents newly stored.
        unchanged: ids that were already stored (re-ingested content: a no-op).
        versions: (path, new doc id, superseded doc id) for changed files at known paths.
    """

    added: tuple[str, ...]
    unchanged: tuple[str, ...]
    versions: tuple[tuple[str, str, str], ...]


#: DuckDB's buffer pool otherwise grows to 80% of RAM and keeps the pages it has read, so a long run's
#: memory would grow with the store; with a cap, larger work spills to a temporary folder on disk.
MEMORY_LIMIT = "256MB"
#: The cap `Store.release_cache` sets for a moment, so DuckDB evicts the pages it holds above it.
_RELEASE_LIMIT = "16MB"
#: The cap for one pass over a whole table (a whole-store match reading every claim, or writing its
#: relations): pages passed over need not stay cached (DuckDB otherwise holds up to `MEMORY_LIMIT`
#: of them), and below this the writes slow down.
SINGLE_PASS_CACHE = "64MB"
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])(i?)B", re.IGNORECASE)
#: Rows per INSERT when a writer streams them.
_WRITE_CHUNK = 10_000
#: The columns `Store.replace_links` writes, in its staging file and in the store.
_RELATION_COLUMNS = "kind, a, b, evidence, explanation, score"


def _size_bytes(size: str) -> int | None:
    """Bytes in a plain size such as "256MB" or "1.5GiB" (None for any other form).

    Args:
        size: the size, as DuckDB's memory_limit takes it.
    """
    found = _SIZE.fullmatch(size.strip())
    if found is None:
        return None
    number, unit, binary = found.groups()
    base = 1024 if binary else 1000
    return int(float(number) * base ** ("KMGT".index(unit.upper()) + 1))


class Store:
    """A Storyline database.

    Args:
        path: the DuckDB file (":memory:" for a throwaway store).
        read_only: open without write access (the web app does).
        memory_limit: DuckDB's memory cap, such as "256MB" (default: ``$STORYLINE_DB_MEMORY`` or
            `MEMORY_LIMIT`).
    """

    def __init__(
        self, path: str | os.PathLike[str], *, read_only: bool = False, memory_limit: str | None = None
    ) -> None:
        self.path = str(path)
        if read_only and self.path != ":memory:" and not Path(self.path).exists():
            raise StoreError(f"{self.path} does not exist; run `storyline analyze PATH --db {self.path}` first")
        limit = memory_limit or os.environ.get("STORYLINE_DB_MEMORY") or MEMORY_LIMIT
        self._memory_limit = limit
        try:
            self.con = duckdb.connect(self.path, read_only=read_only, config={"memory_limit": limit})
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot open database {self.path}: {exc}. If the file is corrupt, move it aside and re-run analyze."
            ) from exc
        if not read_only:
            self._migrate()
        elif self._check_version() == 0:
            self.con.close()
            raise StoreError(
                f"{self.path} holds no Storyline analysis; run `storyline analyze PATH --db {self.path}` first"
            )

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def release_cache(self) -> None:
        """Hand back the table pages DuckDB keeps cached after reading or writing them.

        DuckDB keeps every page it has touched until its memory cap is reached, so a long run's
        resident size grows with the store towards the cap (221 MB after one pass over the claims
        of a 20,000-document store). Lowering the cap for a moment makes it evict them; pages still
        in use stay. A store in memory has nowhere to evict to and is left as it is.
        """
        with self.capped_cache(_RELEASE_LIMIT):
            pass

    @contextmanager
    def capped_cache(self, limit: str) -> Iterator[None]:
        """Hold DuckDB to a lower memory cap during a block, then restore the configured one.

        For a long write whose rows are not read again: above the cap DuckDB writes pages out
        instead of keeping them. A larger ``limit`` than the configured cap, a cap given in another
        form, or a store in memory leaves the cap as it is.

        Args:
            limit: the cap during the block, such as "64MB".
        """
        # The cap as configured: DuckDB reports it rounded ("244.1 MiB"), and setting that back
        # would shrink it a little each time. Only plain sizes reach the SQL.
        configured, wanted = _size_bytes(self._memory_limit), _size_bytes(limit)
        lowered = False
        if self.path != ":memory:" and configured is not None and wanted is not None and wanted < configured:
            try:
                self.con.execute(f"SET memory_limit = '{limit}'")
                lowered = True
            except duckdb.Error:
                pass  # more is in use than the lower cap allows: the block runs under the configured one
        try:
            yield
        finally:
            if lowered:
                self.con.execute(f"SET memory_limit = '{self._memory_limit}'")

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -----------------------------------------------------------------------------

    def schema_version(self) -> int:
        """The schema version the database is at (0 for an empty file)."""
        try:
            row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except duckdb.CatalogException:
            return 0
        except duckdb.Error as exc:
            raise StoreError(f"cannot read database {self.path}: {exc}") from exc
        return int(row[0]) if row else 0

    def _check_version(self) -> int:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.path} has schema version {version}, newer than this Storyline "
                f"({SCHEMA_VERSION}); upgrade Storyline"
            )
        return version

    def _migrate(self) -> None:
        version = self._check_version()
        for target, statements in MIGRATIONS:
            if target <= version:
                continue
            with self.transaction():
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(target)])

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run a block in one transaction: all of it commits, or none of it."""
        self.con.begin()
        try:
            yield self.con
        except BaseException:
            self.con.rollback()
            raise
        self.con.commit()

    # -- runs -------------------------------------------------------------------------------

    def start_run(self, run_id: str) -> None:
        """Record the start of an analyze run.

        Args:
            run_id: the run's id.
        """
        # A run still marked running was killed; this run's link stages complete what it left.
        self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
        self.con.execute("INSERT INTO runs VALUES (?, ?, NULL, 'running', NULL)", [run_id, _now()])

    def finish_run(self, run_id: str, *, status: str, counts: dict[str, int]) -> None:
        """Record the end of an analyze run.

        Args:
            run_id: the run's id.
            status: "ok", "partial" (some inputs rejected) or "failed".
            counts: figures for the summary.
        """
        self.con.execute(
            "UPDATE runs SET finished = ?, status = ?, counts = ? WHERE id = ?",
            [_now(), status, json.dumps(counts, sort_keys=True), run_id],
        )

    def unfinished_run(self) -> dict[str, Any] | None:
        """The latest analyze run when it never finished (killed or crashed), else None."""
        rows = self.query(
            "SELECT id, started FROM runs WHERE status = 'running' AND started = (SELECT max(started) FROM runs)"
        )
        return rows[0] if rows else None

    def require_complete(self) -> None:
        """Refuse to read a database whose latest analyze run was interrupted.

        Raises:
            StoreError: the run stopped after some batches were stored and before the
                cross-document stages (duplicates, stories, relations) ran over them.
        """
        run = self.unfinished_run()
        if run is not None:
            raise StoreError(
                f"{self.path}: the analyze run {run['id']} started {run['started']} did not finish (killed or "
                "crashed), so duplicates, stories and relations are incomplete; re-run `storyline analyze` with "
                "the same inputs to complete it (stored documents are kept, nothing is redone)"
            )

    # -- documents --------------------------------------------------------------------------

    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """The subset of ``ids`` already stored.

        Args:
            ids: document ids.
        """
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM documents WHERE id IN (SELECT unnest(?))", [list(ids)]).fetchall()
        return {r[0] for r in rows}

    def write_batch(
        self,
        documents: Sequence[Document],
        rejections: Sequence[Rejection],
        signatures: dict[str, np.ndarray],
        *,
        run_id: str,
        vectors: dict[str, dict[str, np.ndarray]] | None = None,
    ) -> WriteResult:
        """Store a batch of documents and rejections in one transaction.

        Documents already stored are a no-op. A document from a path that previously delivered
        other content becomes a new version of that path; the old document is marked superseded.

        Args:
            documents: cleaned documents.
            rejections: inputs that failed, with reasons.
            signatures: MinHash signature per document id.
            run_id: the current run.
            vectors: doc id -> claim id -> claim embedding.
        """
        now = _now()
        vectors = vectors or {}
        with self.transaction() as con:
            known = self.known_ids([d.id for d in documents])
            seen: set[str] = set()
            added: list[str] = []
            versions: list[tuple[str, str, str]] = []
            rows: list[tuple[Any, ...]] = []
            # Child rows of every new document, inserted together after the loop (see _insert_rows).
            child: dict[str, list[tuple[Any, ...]]] = {name: [] for name in _BULK}
            seq = self._next_seq()
            for doc in documents:
                if doc.id in known or doc.id in seen:
                    continue
                seen.add(doc.id)
                latest = con.execute(
                    "SELECT version, doc_id FROM sources WHERE path = ? ORDER BY version DESC LIMIT 1", [doc.source]
                ).fetchone()
                version = 1
                if latest:
                    version = latest[0] + 1
                    con.execute("UPDATE documents SET superseded_by = ? WHERE id = ?", [doc.id, latest[1]])
                    versions.append((doc.source, doc.id, latest[1]))
                con.execute("INSERT INTO sources VALUES (?, ?, ?, ?)", [doc.source, version, doc.id, now])
                con.execute("DELETE FROM rejections WHERE source = ?", [doc.source])
                rows.append(_document_row(doc, seq=seq, run_id=run_id, now=now))
                seq += 1
                added.append(doc.id)
                if doc.id in signatures:
                    child["signatures"].append((doc.id, signatures[doc.id].astype(np.uint32).tobytes()))
                for flag in doc.flags:
                    self._write_flag(doc.id, flag, stage="clean")
                if doc.entities:
                    child["doc_entities"].extend(
                        [
                            (
                                doc.id,
                                e.key,
                                e.name,
                                e.kind,
                                json.dumps(list(e.aliases)),
                                e.kb_id,
                                e.part_of,
                                json.dumps(list(e.roles)),
                            )
                            for e in doc.entities
                        ]
                    )
                child["mentions"].extend(
                    (doc.id, m.start, m.end, m.text, m.label, m.entity_key, m.form) for m in doc.mentions
                )
                child["claims"].extend(_claim_row(c) for c in doc.claims)
                child["claim_vectors"].extend(
                    (claim_id, vector.astype(np.float32).tobytes())
                    for claim_id, vector in vectors.get(doc.id, {}).items()
                )
                if doc.story_vector is not None:
                    child["story_docs"].append(
                        (
                            doc.id,
                            doc.story_vector.astype(np.float32).tobytes(),
                            json.dumps(sorted(doc.story_names)),
                            doc.article.title,
                            doc.article.published.value if doc.article.published else None,
                            None,
                        )
                    )
                child["quotes"].extend(_quote_row(doc.id, q) for q in doc.quotes)
                if doc.sentence_vectors is not None:
                    child["doc_sentences"].append(_sentence_row(doc.id, doc.sentence_vectors))
            for name, (head, key_width) in _BULK.items():
                _insert_rows(con, head, child[name], key_width=key_width)
            _insert_rows(con, f"INSERT INTO documents ({', '.join(_DOC_COLUMNS)})", rows, key_width=0)
            for rej in rejections:
                con.execute(
                    "INSERT OR REPLACE INTO rejections VALUES (?, ?, ?, ?, ?)",
                    [rej.source, rej.reason, rej.message, run_id, now],
                )
        unchanged = tuple(d.id for d in documents if d.id in known)
        return WriteResult(tuple(added), unchanged, tuple(versions))

    def _next_seq(self) -> int:
        row = self.con.execute("SELECT coalesce(max(seq), 0) FROM documents").fetchone()
        return int(row[0]) + 1 if row else 1

    def _write_flag(self, doc_id: str, flag: Flag, *, stage: str) -> None:
        self.con.execute(
            "INSERT OR REPLACE INTO flags VALUES (?, ?, ?, ?, ?, ?)",
            [doc_id, flag.kind, float(flag.score), json.dumps(flag.evidence), json.dumps(flag.spans), stage],
        )

    def replace_flags(self, stage: str, flags: dict[str, list[Flag]], *, kinds: Sequence[str]) -> None:
        """Replace every flag of ``kinds`` with the given ones, in one transaction.

        Args:
            stage: the stage that computed them.
            flags: doc id -> flags.
            kinds: the flag kinds this stage owns (old ones are deleted first).
        """
        rows = [
            (doc_id, flag.kind, float(flag.score), json.dumps(flag.evidence), json.dumps(flag.spans), stage)
            for doc_id, doc_flags in flags.items()
            for flag in doc_flags
        ]
        with self.transaction() as con:
            for kind in kinds:
                con.execute("DELETE FROM flags WHERE kind = ?", [kind])
            _insert_rows(con, "INSERT OR REPLACE INTO flags", rows, key_width=2)

    def set_duplicates(self, duplicate_of: dict[str, str | None]) -> None:
        """Set ``duplicate_of`` for the given documents in one transaction.

        Args:
            duplicate_of: doc id -> canonical doc id (None: not a duplicate).
        """
        with self.transaction() as con:
            con.execute("UPDATE documents SET duplicate_of = NULL")
            pairs = [(canon, doc) for doc, canon in duplicate_of.items() if canon]
            _update_rows(con, "documents", "duplicate_of", pairs)

    def signatures(self) -> dict[str, np.ndarray]:
        """MinHash signature per current (not superseded) document."""
        rows = self.con.execute(
            "SELECT s.doc_id, s.minhash FROM signatures s JOIN documents d ON d.id = s.doc_id "
            "WHERE d.superseded_by IS NULL ORDER BY d.seq"
        ).fetchall()
        return {doc_id: np.frombuffer(blob, dtype=np.uint32) for doc_id, blob in rows}

    def document_dates(self) -> dict[str, tuple[dt.date | None, str]]:
        """(published value, source) per current document, for choosing originals."""
        rows = self.con.execute(
            "SELECT id, published_value, source FROM documents WHERE superseded_by IS NULL"
        ).fetchall()
        return {r[0]: (r[1], r[2]) for r in rows}

    def document_outlets(self) -> dict[str, str | None]:
        """Outlet name per current document."""
        rows = self.con.execute("SELECT id, outlet FROM documents WHERE superseded_by IS NULL").fetchall()
        return {r[0]: r[1] for r in rows}

    def document_text(self, doc_id: str) -> str:
        """The cleaned text of one document ("" when unknown).

        Args:
            doc_id: the document id.
        """
        row = self.con.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        return str(row[0]) if row else ""

    def story_dating_rows(self, *, stories: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Per current document in a story: id, story, source, title, text, published value and basis,
        run id, and its stored dated events (`write_story_events`; None when not yet found).

        The text is left out (None) where the events are stored and the document is dated: that is
        all the story's undated documents need of it.

        Args:
            stories: only the documents of these stories (None: of every story).
        """
        where, params = ("", []) if stories is None else (" AND story IN (SELECT unnest(?))", [list(stories) or [""]])
        return self.query(
            "SELECT d.id, d.story, d.source, d.title, "
            "CASE WHEN e.events IS NULL OR d.published_basis NOT IN ('stated', 'metadata') "
            "OR d.published_value IS NULL THEN d.text END AS text, "
            "d.published_value, d.published_basis, d.run_id, e.events FROM documents d "
            "LEFT JOIN story_events e ON e.doc_id = d.id "
            f"WHERE d.superseded_by IS NULL AND d.story IS NOT NULL{where} ORDER BY d.seq",
            params,
        )

    def write_story_events(self, rows: Sequence[tuple[str, str]]) -> None:
        """Store the dated events of some documents (`story_dating_rows` returns them).

        Args:
            rows: (doc id, JSON list of the events).
        """
        if not rows:
            return
        with self.transaction() as con:
            _insert_rows(con, "INSERT OR REPLACE INTO story_events", rows, key_width=1)

    def run_stories(self, *, run_id: str) -> list[str]:
        """The stories that hold a current document of a run.

        Args:
            run_id: the run.
        """
        rows = self.con.execute(
            "SELECT DISTINCT story FROM documents WHERE superseded_by IS NULL AND story IS NOT NULL AND run_id = ? "
            "ORDER BY story",
            [run_id],
        ).fetchall()
        return [r[0] for r in rows]

    def superseded_stories(self, *, run_id: str) -> set[str]:
        """The stories of documents that a run's new versions replaced (read before stories are rewritten).

        Args:
            run_id: the run.
        """
        rows = self.con.execute(
            "SELECT DISTINCT old.story FROM documents old JOIN documents new ON new.id = old.superseded_by "
            "WHERE new.run_id = ? AND old.story IS NOT NULL",
            [run_id],
        ).fetchall()
        return {r[0] for r in rows}

    def staleness_rows(self) -> list[dict[str, Any]]:
        """Per current document: id, story, labels, stated date, content's latest day, evidence, signals, length."""
        return self.query(
            "SELECT id, story, outlet, title, source, length(text) AS n, published_evidence, content_latest, signals, "
            "CASE WHEN published_basis IN ('stated', 'metadata') THEN published_value END AS stated "
            "FROM documents WHERE superseded_by IS NULL ORDER BY seq"
        )

    def set_published(self, estimates: dict[str, Any]) -> None:
        """Replace the stored publication estimate of some documents.

        Args:
            estimates: doc id -> `storyline.records.DateEstimate`.
        """
        if not estimates:
            return
        with self.transaction() as con:
            con.executemany(
                "UPDATE documents SET published_value = ?, published_earliest = ?, published_latest = ?, "
                "published_basis = ?, published_evidence = ? WHERE id = ?",
                [
                    (e.value, e.earliest, e.latest, e.basis, json.dumps(list(e.evidence)), doc_id)
                    for doc_id, e in estimates.items()
                ],
            )

    def document_entities(self) -> dict[str, list[tuple[Any, ...]]]:
        """Per current document, its entities as stored: (key, name, kind, aliases, kb_id, part_of, roles).

        Aliases and roles are decoded to tuples. Most documents name the same few actors, so an
        entity stored alike in many documents is one shared tuple.
        """
        # DuckDB numbers the distinct rows (about one in seventeen at 20,000 documents) and sends each
        # one's fields once, with its first mention: Python then builds and hashes 16,000 rows, not 270,000.
        fields = "e.key, e.name, e.kind, e.aliases, e.kb_id, e.part_of, e.roles"
        first = ", ".join(f"CASE WHEN first THEN {f.split('.')[1]} END" for f in fields.split(", "))
        out: dict[str, list[tuple[Any, ...]]] = {}
        shared: dict[int, tuple[Any, ...]] = {}
        for batch in self._arrow_batches(
            f"WITH e AS (SELECT e.doc_id, d.seq, {fields}, dense_rank() OVER (ORDER BY {fields}) AS n "
            "FROM doc_entities e JOIN documents d ON d.id = e.doc_id WHERE d.superseded_by IS NULL), "
            "f AS (SELECT *, row_number() OVER (PARTITION BY n ORDER BY seq, key) = 1 AS first FROM e) "
            f"SELECT doc_id, n, first, {first} FROM f ORDER BY seq, key",
            65536,
        ):
            numbers = batch.column(1).to_pylist()
            at = np.flatnonzero(batch.column(2).to_numpy(zero_copy_only=False))
            if len(at):
                picked = batch.take(at)
                for n, key, name, kind, aliases, kb_id, part_of, roles in zip(
                    [numbers[i] for i in at.tolist()], *(picked.column(c).to_pylist() for c in range(3, 10)),
                    strict=True,
                ):
                    shared[n] = (key, name, kind, tuple(json.loads(aliases)), kb_id, part_of, tuple(json.loads(roles)))
            for doc_id, n in zip(batch.column(0).to_pylist(), numbers, strict=True):
                out.setdefault(doc_id, []).append(shared[n])
        return out

    def iter_quote_speakers(self, *, chunk: int = 4096) -> Iterator[tuple[str, str, str | None, list[str]]]:
        """Each quote with its speaker and the entity keys of the mentions its speaker span overlaps.

        Args:
            chunk: rows per fetch.

        Yields:
            (quote id, doc id, speaker, entity keys in the order the mentions were stored).
        """
        for _, batch in self._chunks(
            "SELECT q.id, q.doc_id, q.speaker, "
            "list(m.entity_key ORDER BY m.rowid) FILTER (WHERE m.entity_key IS NOT NULL) "
            'FROM quotes q LEFT JOIN mentions m ON q.speaker_start IS NOT NULL AND m.doc_id = q.doc_id '
            'AND m."start" < q.speaker_end AND q.speaker_start < m."end" GROUP BY q.id, q.doc_id, q.speaker',
            chunk,
        ):
            for quote_id, doc_id, speaker, keys in batch:
                yield quote_id, doc_id, speaker, list(keys or ())

    def replace_entities(self, rows: Sequence[tuple[Any, ...]], speaker_entities: Sequence[tuple[str, str]]) -> None:
        """Replace the corpus entities and set each quote's speaker entity, in one transaction.

        Args:
            rows: (id, name, kind, aliases JSON, kb_id, part_of, members JSON) per entity.
            speaker_entities: (entity id, quote id) pairs.
        """
        with self.transaction() as con:
            # Only what changed is written: on a large store a run changes few of the entities.
            columns = "id, name, kind, aliases, kb_id, part_of, members"
            old = {r[0]: tuple(r) for r in con.execute(f"SELECT {columns} FROM entities").fetchall()}
            new = {r[0]: tuple(r) for r in rows}
            gone = [k for k in old if k not in new]
            if gone:
                con.execute("DELETE FROM entities WHERE id IN (SELECT unnest(?))", [gone])
            _insert_rows(con, f"INSERT OR REPLACE INTO entities ({columns})",
                         [r for k, r in new.items() if old.get(k) != r], key_width=1)
            wanted = {quote_id: entity for entity, quote_id in speaker_entities}
            current = con.execute("SELECT id, speaker_entity FROM quotes").fetchall()
            _update_rows(con, "quotes", "speaker_entity",
                         [(wanted.get(quote_id), quote_id) for quote_id, entity in current
                          if wanted.get(quote_id) != entity])

    def iter_query(self, sql: str, params: Sequence[Any] = (), *, chunk: int = 4096) -> Iterator[dict[str, Any]]:
        """`query`, streamed: rows as dicts, fetched ``chunk`` at a time on a cursor of its own.

        Args:
            sql: SQL with ``?`` placeholders (never interpolate user input into it).
            params: values for the placeholders.
            chunk: rows per fetch.
        """
        for names, batch in self._chunks(sql, chunk, params):
            yield from (dict(zip(names, row, strict=True)) for row in batch)

    @contextmanager
    def _read_cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor of its own for one streamed read, closed afterwards; DuckDB errors become `StoreError`."""
        cur = self.con.cursor()
        try:
            yield cur
        except duckdb.Error as exc:
            raise StoreError(f"query on {self.path} failed: {exc}") from exc
        finally:
            cur.close()

    def _chunks(
        self, sql: str, chunk: int, params: Sequence[Any] = ()
    ) -> Iterator[tuple[list[str], list[tuple[Any, ...]]]]:
        """(column names, rows) of a read query, ``chunk`` rows at a time, on a cursor of its own."""
        with self._read_cursor() as cur:
            cur.execute(sql, list(params))
            names = [d[0] for d in cur.description or ()]
            while batch := cur.fetchmany(chunk):
                yield names, batch

    def _arrow_batches(self, sql: str, chunk: int) -> Iterator[Any]:
        """Arrow record batches of a read query with no parameters, ``chunk`` rows at most, on a cursor of its own.

        Vectors come out of Arrow's buffers as one array a batch: Python tuples cost a bytes object
        and an array per row (0.65 against 0.13 s over 280,000 claim vectors).
        """
        with self._read_cursor() as cur:
            yield from cur.sql(sql).to_arrow_reader(chunk)

    def iter_claims(
        self, *, only: Sequence[str] | None = None, with_actor: bool = False, chunk: int = 4096
    ) -> Iterator[dict[str, Any]]:
        """Every claim of current documents, in ingestion order, streamed (vectors: `iter_claim_vectors`).

        Rows are fetched ``chunk`` at a time, so a store with hundreds of thousands of claims is never
        materialised in one result.

        Args:
            only: just these claim ids (None: all).
            with_actor: only claims with an actor (a non-empty ``actor``).
            chunk: rows per fetch.
        """
        where, params = ("", []) if only is None else (" AND c.id IN (SELECT unnest(?))", [list(only) or [""]])
        if with_actor:
            where += " AND coalesce(c.actor, '') <> ''"
        yield from self.iter_query(
            "SELECT c.* FROM claims c JOIN documents d ON d.id = c.doc_id "
            f"WHERE d.superseded_by IS NULL{where} ORDER BY d.seq, c.start, c.id",
            params,
            chunk=chunk,
        )

    def iter_claim_vectors(self, *, chunk: int = 4096, current: bool = True) -> Iterator[tuple[list[str], np.ndarray]]:
        """Stored claim embeddings (of current documents only, by default), a chunk at a time, in the
        order they were stored.

        One plain scan of ``claim_vectors``: it keeps the stored order on every run, so products over
        its chunks round alike and equal similarities rank alike, and it runs under a small memory cap
        (`SINGLE_PASS_CACHE`), where a join to the current documents did not.

        Args:
            chunk: rows per fetch.
            current: False for every stored vector, superseded documents' too; True drops those by id.

        Yields:
            (claim ids, float32 matrix with one row each); chunks hold up to ``chunk`` rows.
        """
        superseded: set[str] = set()
        if current:
            superseded = {
                r[0]
                for r in self.con.execute(
                    "SELECT c.id FROM claims c JOIN documents d ON d.id = c.doc_id WHERE d.superseded_by IS NOT NULL"
                ).fetchall()
            }
        for batch in self._arrow_batches("SELECT claim_id, vector FROM claim_vectors", chunk):
            ids, matrix = batch.column(0).to_pylist(), _float_rows(batch.column(1))
            if superseded:
                keep = [n for n, claim_id in enumerate(ids) if claim_id not in superseded]
                if not keep:
                    continue
                if len(keep) < len(ids):
                    ids, matrix = [ids[n] for n in keep], matrix[keep]
            yield ids, matrix

    def replace_links(
        self,
        relations: Iterable[dict[str, Any]],
        positions: Sequence[dict[str, Any]] | Callable[[], Sequence[dict[str, Any]]],
    ) -> None:
        """Replace all relations and positions; readers see the old ones or the new ones, never a mix.

        The relations are first written to a staging database file of their own a chunk at a time,
        each chunk committed on its own, then swapped in with the positions in one transaction. The
        staging file is removed afterwards, so the store's file does not keep its space (a killed
        process leaves a ``.storyline-relations-*.duckdb`` file there, which can be deleted).

        Args:
            relations: dicts with kind, a, b, evidence, explanation, score; written as they come, a
                chunk at a time, so they can be produced lazily.
            positions: dicts with actor, topic and the rest of the position record, or a function
                that returns them once the relations have been read (it is called once).

        Raises:
            StoreError: the staging file cannot be created next to the database.
        """
        con = self.con
        rows = (
            (r["kind"], r["a"], r["b"], json.dumps(list(r["evidence"])), r["explanation"], float(r["score"]))
            for r in relations
        )
        folder = Path(tempfile.gettempdir()) if self.path == ":memory:" else Path(self.path).resolve().parent
        staging = folder / f".storyline-relations-{uuid.uuid4().hex}.duckdb"
        try:
            con.execute("ATTACH ? AS staging", [str(staging)])
        except duckdb.Error as exc:
            raise StoreError(
                f"cannot create the staging file {staging}: {exc}. The folder of the database must be writable."
            ) from exc
        try:
            con.execute(f"CREATE TABLE staging.relations AS SELECT {_RELATION_COLUMNS} FROM relations LIMIT 0")
            # A whole-store match writes over a million relations here (20,000 documents): cached,
            # they would add up to the whole cap to the match's peak.
            with self.capped_cache(SINGLE_PASS_CACHE):
                while chunk := list(islice(rows, _WRITE_CHUNK)):
                    # Committed chunk by chunk, so the fast Arrow path holds one chunk's buffers at a
                    # time (in one transaction DuckDB keeps them all until the commit); bound
                    # parameters cost about three times as long.
                    _insert_rows(con, "INSERT INTO staging.relations", chunk, key_width=0)
                found = positions() if callable(positions) else positions
                with self.transaction() as tx:
                    tx.execute("DELETE FROM relations")
                    tx.execute("DELETE FROM positions")
                    tx.execute(f"INSERT INTO relations ({_RELATION_COLUMNS}) SELECT * FROM staging.relations")
                    _insert_rows(
                        tx,
                        "INSERT INTO positions",
                        [(p.get("actor"), p.get("topic"), json.dumps(p)) for p in found],
                        key_width=0,
                    )
        finally:
            con.execute("DETACH staging")
            for leftover in (staging, staging.with_name(staging.name + ".wal")):
                leftover.unlink(missing_ok=True)

    def story_docs(self) -> list[dict[str, Any]]:
        """Each current document's story record: vector, names, title, date, story and join order."""
        rows = self.query(
            "SELECT s.doc_id, s.vector, s.names, s.title, s.day, s.joined, d.story FROM story_docs s "
            "JOIN documents d ON d.id = s.doc_id WHERE d.superseded_by IS NULL ORDER BY s.joined NULLS LAST, d.seq"
        )
        for row in rows:
            row["vector"] = np.frombuffer(row["vector"], dtype=np.float32)
            row["names"] = json.loads(row["names"])
        return rows

    def replace_stories(self, stories: Sequence[Any], joined: dict[str, int]) -> None:
        """Write the stories and each document's story and join order in one transaction.

        Args:
            stories: `storyline.stories.Story` records.
            joined: doc id -> position at which it joined its story.
        """
        with self.transaction() as con:
            # Only documents with a story vector are clustered here; stories of other documents
            # (written by another tool or an older version) are kept as they are.
            con.execute(
                "DELETE FROM stories WHERE id NOT IN (SELECT story FROM documents WHERE story IS NOT NULL "
                "AND id NOT IN (SELECT doc_id FROM story_docs))"
            )
            _insert_rows(
                con,
                "INSERT OR REPLACE INTO stories",
                [(s.id, s.title, s.start.isoformat() if s.start else None, s.end.isoformat() if s.end else None)
                 for s in stories],
                key_width=1,
            )
            # Only the rows that change are written: a run adds a few documents to a large store.
            story_of = {d: s.id for s in stories for d in s.documents}
            held = con.execute(
                "SELECT s.doc_id, d.story, s.joined FROM story_docs s JOIN documents d ON d.id = s.doc_id"
            ).fetchall()
            _update_rows(con, "documents", "story", [
                (story_of.get(doc_id), doc_id) for doc_id, story, _ in held if story_of.get(doc_id) != story
            ])
            _update_rows(con, "story_docs", "joined", [
                (joined[doc_id], doc_id) for doc_id, _, n in held if doc_id in joined and joined[doc_id] != n
            ], key="doc_id")

    # -- incremental cross-document state ---------------------------------------------------

    def unlinked_docs(self, stage: str) -> list[str]:
        """Current documents that ``stage`` must (re)compare with the rest, in ingestion order.

        A document counts as linked while its date and duplicate group are what they were when the
        stage last compared it; a change to either makes it new again.

        Args:
            stage: the cross-document stage ("paraphrase", "claims").
        """
        rows = self.con.execute(
            "SELECT d.id FROM documents d LEFT JOIN linked_docs l ON l.doc_id = d.id AND l.stage = ? "
            "WHERE d.superseded_by IS NULL AND (l.doc_id IS NULL OR l.day IS DISTINCT FROM d.published_value "
            "OR l.duplicate_of IS DISTINCT FROM d.duplicate_of) ORDER BY d.seq",
            [stage],
        ).fetchall()
        return [r[0] for r in rows]

    def mark_linked(self, stage: str, doc_ids: Sequence[str]) -> None:
        """Record that ``stage`` has compared these documents, with their current date and group.

        Args:
            stage: the cross-document stage.
            doc_ids: document ids.
        """
        if not doc_ids:
            return
        with self.transaction() as con:
            con.execute(
                "INSERT OR REPLACE INTO linked_docs SELECT id, ?, published_value, duplicate_of FROM documents "
                "WHERE id IN (SELECT unnest(?))",
                [stage, list(doc_ids)],
            )

    def write_sentence_vectors(self, rows: Sequence[tuple[str, np.ndarray]]) -> None:
        """Store each document's unit sentence vectors (n x dim) and their centroid, in one transaction.

        Args:
            rows: (doc id, sentence vectors) pairs.
        """
        out = [_sentence_row(doc_id, vecs) for doc_id, vecs in rows]
        if out:
            with self.transaction() as con:
                _insert_rows(con, "INSERT OR REPLACE INTO doc_sentences", out, key_width=1)

    def sentence_vectors(self, doc_ids: Sequence[str], *, dim: int) -> dict[str, np.ndarray]:
        """The stored sentence vectors of some documents (missing ones are left out).

        Args:
            doc_ids: document ids.
            dim: vector width.
        """
        if not doc_ids:
            return {}
        rows = self.con.execute(
            "SELECT doc_id, n, vectors FROM doc_sentences WHERE doc_id IN (SELECT unnest(?))", [list(doc_ids)]
        ).fetchall()
        return {r[0]: np.frombuffer(r[2], dtype=np.float32).reshape(int(r[1]), dim) for r in rows}

    def iter_sentence_vectors(
        self, doc_ids: Sequence[str], *, dim: int, chunk: int = 256
    ) -> Iterator[list[tuple[str, np.ndarray]]]:
        """`sentence_vectors`, streamed: (doc id, vectors) lists of up to ``chunk`` documents, in no set order.

        DuckDB reads the whole vector column for any lookup, so one streamed query over many
        documents costs about what a lookup of a few does; this reads them in one pass.

        Args:
            doc_ids: document ids (missing ones are left out).
            dim: vector width.
            chunk: documents per list.
        """
        if not doc_ids:
            return
        for _, batch in self._chunks(
            "SELECT doc_id, n, vectors FROM doc_sentences WHERE doc_id IN (SELECT unnest(?))", chunk, [list(doc_ids)]
        ):
            yield [(r[0], np.frombuffer(r[2], dtype=np.float32).reshape(int(r[1]), dim)) for r in batch]

    def replace_paraphrases(
        self, doc_ids: Sequence[str], found: dict[str, tuple[str, float, list[str]]]
    ) -> None:
        """Replace the paraphrase results of ``doc_ids`` with ``found``, in one transaction.

        Args:
            doc_ids: the documents that were (re)assessed.
            found: doc id -> (source id, score, evidence sentences).
        """
        with self.transaction() as con:
            if doc_ids:
                con.execute("DELETE FROM paraphrases WHERE doc_id IN (SELECT unnest(?))", [list(doc_ids)])
            _insert_rows(
                con,
                "INSERT OR REPLACE INTO paraphrases",
                [(d, src, float(score), json.dumps(ev)) for d, (src, score, ev) in found.items()],
                key_width=1,
            )

    def replace_claim_blocks(self, claim_ids: Sequence[str], rows: Sequence[tuple[str, str]]) -> None:
        """Replace the lexical block keys of some claims, in one transaction.

        Args:
            claim_ids: the claims whose keys are replaced.
            rows: (claim id, block key) pairs.
        """
        with self.transaction() as con:
            if claim_ids:
                con.execute("DELETE FROM claim_blocks WHERE claim_id IN (SELECT unnest(?))", [list(claim_ids)])
            _insert_rows(con, "INSERT INTO claim_blocks", list(rows), key_width=0)

    def update_links(
        self,
        claim_ids: Sequence[str],
        relations: Sequence[dict[str, Any]],
        positions: Sequence[dict[str, Any]],
        *,
        replaced_positions: Sequence[str] | None = None,
    ) -> None:
        """Replace the relations that touch ``claim_ids`` (or a claim no longer current), and positions.

        Args:
            claim_ids: claims that were matched again.
            relations: their new relations (dicts as for `replace_links`).
            positions: the positions to add.
            replaced_positions: the stored positions (their ``data`` as stored) that ``positions``
                replace; None: all of them.
        """
        with self.transaction() as con:
            con.execute(
                "DELETE FROM relations WHERE a IN (SELECT unnest(?)) OR b IN (SELECT unnest(?)) "
                "OR a NOT IN (SELECT c.id FROM claims c JOIN documents d ON d.id = c.doc_id "
                "WHERE d.superseded_by IS NULL) OR b NOT IN (SELECT c.id FROM claims c JOIN documents d "
                "ON d.id = c.doc_id WHERE d.superseded_by IS NULL)",
                [list(claim_ids), list(claim_ids)],
            )
            if replaced_positions is None:
                con.execute("DELETE FROM positions")
            elif replaced_positions:
                con.execute("DELETE FROM positions WHERE data IN (SELECT unnest(?))", [list(replaced_positions)])
            _insert_rows(
                con,
                "INSERT INTO relations (kind, a, b, evidence, explanation, score)",
                [
                    (r["kind"], r["a"], r["b"], json.dumps(list(r["evidence"])), r["explanation"], float(r["score"]))
                    for r in relations
                ],
                key_width=0,
            )
            _insert_rows(
                con,
                "INSERT INTO positions",
                [(p.get("actor"), p.get("topic"), json.dumps(p)) for p in positions],
                key_width=0,
            )

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        out = {}
        for table in ("documents", "rejections", "flags", "quotes", "claims", "relations", "stories", "entities"):
            row = self.con.execute(f"SELECT count(*) FROM {table}").fetchone()
            out[table] = int(row[0]) if row else 0
        row = self.con.execute("SELECT count(*) FROM documents WHERE duplicate_of IS NOT NULL").fetchone()
        out["duplicates"] = int(row[0]) if row else 0
        return out

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Run a parameterised read query and return rows as dicts.

        Args:
            sql: SQL with ``?`` placeholders (never interpolate user input into it).
            params: values for the placeholders.
        """
        try:
            cur = self.con.execute(sql, list(params))
        except duckdb.Error as exc:
            raise StoreError(f"query on {self.path} failed: {exc}") from exc
        names = [d[0] for d in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _document_row(doc: Document, *, seq: int, run_id: str, now: str) -> tuple[Any, ...]:
    art = doc.article
    pub = art.published
    return (
        doc.id,
        doc.source,
        doc.content_hash,
        art.title,
        art.outlet,
        art.author,
        art.url,
        art.language,
        float(art.language_score),
        art.format,
        pub.value if pub else None,
        pub.earliest if pub else None,
        pub.latest if pub else None,
        pub.basis if pub else "unknown",
        json.dumps(list(pub.evidence) if pub else []),
        art.text,
        json.dumps(art.removed),
        doc.duplicate_of,
        None,
        None,
        seq,
        run_id,
        now,
        pub.latest if pub and pub.basis == "inferred" else None,
        json.dumps([{"kind": f.kind, "score": f.score, "evidence": f.evidence, "spans": f.spans} for f in doc.signals])
        if doc.signals else None,
    )


def quote_id(doc_id: str, quote: Quote) -> str:
    """Stable id of a quote: its document and span.

    Args:
        doc_id: the document id.
        quote: the quote.
    """
    return "q" + hashlib.blake2b(f"{doc_id}:{quote.start}:{quote.end}".encode(), digest_size=8).hexdigest()


def _quote_row(doc_id: str, q: Quote) -> tuple[Any, ...]:
    span = q.speaker_span or (None, None)
    return (
        quote_id(doc_id, q),
        doc_id,
        q.text,
        q.start,
        q.end,
        q.speaker,
        None,
        span[0],
        span[1],
        q.cue,
        q.cue_class,
        q.direct,
        json.dumps(list(q.via)),
        q.hedged,
        q.anonymous,
        q.source_count,
        q.affiliation,
    )


def _claim_row(c: Any) -> tuple[Any, ...]:
    return (
        c.id,
        c.doc,
        c.actor,
        c.actor_entity,
        c.statement,
        c.text,
        c.polarity,
        c.modality,
        c.attributed_to,
        json.dumps(list(c.via)),
        c.date,
        c.start,
        c.end,
        c.predicate,
        c.object,
        c.subject,
        json.dumps(list(c.numbers)),
        float(c.checkworthiness),
        c.source,
    )


#: Child tables written by `Store.write_batch`: insert statement head, and how many leading columns
#: identify a row (0: none), on which a batch's rows are de-duplicated (the last one kept).
_BULK: dict[str, tuple[str, int]] = {
    "signatures": ("INSERT OR REPLACE INTO signatures", 1),
    "doc_entities": ("INSERT INTO doc_entities", 2),
    "mentions": ("INSERT INTO mentions", 0),
    "claims": (
        "INSERT INTO claims (id, doc_id, actor, actor_entity, statement, text, polarity, "
        'modality, attributed_to, via, date, "start", "end", predicate, "object", subject, numbers, '
        "checkworthiness, source)",
        1,
    ),
    "claim_vectors": ("INSERT INTO claim_vectors", 1),
    "story_docs": ("INSERT OR REPLACE INTO story_docs", 1),
    "quotes": ("INSERT INTO quotes", 1),
    "doc_sentences": ("INSERT OR REPLACE INTO doc_sentences", 1),
}
#: Rows per multi-row INSERT statement.
_ROWS_PER_INSERT = 256
#: From this many rows, `_insert_rows` goes through Arrow.
_ARROW_MIN_ROWS = 32


def _sentence_row(doc_id: str, vectors: Any) -> tuple[str, int, bytes, bytes]:
    """A ``doc_sentences`` row: the document's unit sentence vectors (n x dim) and their unit centroid.

    Args:
        doc_id: the document.
        vectors: its sentence vectors.
    """
    v = np.asarray(vectors, dtype=np.float32)
    cent = v.mean(axis=0) if len(v) else np.zeros(v.shape[1] if v.ndim == 2 else 0, dtype=np.float32)
    cent = cent / max(float(np.linalg.norm(cent)), 1e-9)
    return (doc_id, len(v), cent.astype(np.float32).tobytes(), v.tobytes())


def _insert_rows(con: Any, head: str, rows: Sequence[tuple[Any, ...]], *, key_width: int, arrow: bool = True) -> None:
    """Insert ``rows`` with multi-row ``VALUES`` statements.

    DuckDB runs each row of ``executemany`` as a statement of its own (about 3 ms of CPU each);
    one statement per few hundred rows is some 30 times cheaper.

    Args:
        con: the connection (inside the caller's transaction).
        head: the statement up to ``VALUES``.
        rows: rows of equal width.
        key_width: leading columns that form the primary key; 0 when there is none. A replacing
            insert may not touch one key twice in a statement, so the last row per key is kept,
            as row-by-row inserts would leave it.
        arrow: whether larger inserts may go through an Arrow table. DuckDB holds the Arrow
            buffers until the transaction commits, so a transaction that writes millions of rows
            passes False (about ten times slower, with flat memory).
    """
    if key_width:
        rows = list({r[:key_width]: r for r in rows}.values())
    if not rows:
        return
    if arrow and len(rows) >= _ARROW_MIN_ROWS and _insert_arrow(con, head, rows):
        return
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    for lo in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[lo : lo + _ROWS_PER_INSERT]
        con.execute(f"{head} VALUES {', '.join([one] * len(chunk))}", [x for r in chunk for x in r])


def _float_rows(column: Any) -> np.ndarray:
    """A column of equal-length float32 BLOBs (an Arrow binary array) as a matrix of its own, one row each."""
    if not len(column):
        return np.zeros((0, 0), dtype=np.float32)
    import pyarrow as pa

    wide = pa.types.is_large_binary(column.type)
    if not (wide or pa.types.is_binary(column.type)):
        raise StoreError(f"stored vectors came back as {column.type}, not binary; upgrade duckdb and pyarrow together")
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int64 if wide else np.int32)
    offsets = offsets[column.offset : column.offset + len(column) + 1]
    widths = np.diff(offsets)
    if column.null_count or widths.min() != widths.max() or widths[0] % 4:
        raise StoreError("stored vectors differ in length or are missing; analyse the documents into a new database")
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8)[offsets[0] : offsets[-1]]
    # A copy: the rows outlive the Arrow batch, and callers scale them in place.
    return data.view(np.float32).reshape(len(column), int(widths[0]) // 4).copy()


def _insert_arrow(con: Any, head: str, rows: Sequence[tuple[Any, ...]]) -> bool:
    """Insert ``rows`` through an Arrow table in one statement; False when Arrow cannot hold them.

    Binding a few thousand ``?`` parameters costs DuckDB more than the insert itself; a columnar
    scan does not. Values Arrow cannot type (a column mixing text and numbers) fall back to
    ``VALUES`` statements.
    """
    import pyarrow as pa

    try:
        table = pa.table({f"c{i}": list(col) for i, col in enumerate(zip(*rows, strict=True))})
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return False
    name = f"_rows_{uuid.uuid4().hex}"
    con.register(name, table)
    try:
        con.execute(f"{head} SELECT * FROM {name}")
    finally:
        con.unregister(name)
    return True


def _update_rows(con: Any, table: str, column: str, pairs: Sequence[tuple[Any, str]], *, key: str = "id") -> None:
    """Set ``column`` of rows of ``table`` by key from (value, key) pairs, a few hundred per statement.

    Args:
        con: the connection (inside the caller's transaction).
        table: the table.
        column: the column to set.
        pairs: (value, key) pairs; for a key given twice the last value wins, as row-by-row updates
            would leave it.
        key: the column that identifies a row.
    """
    rows = list({doc_id: (value, doc_id) for value, doc_id in pairs}.values())
    for lo in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[lo : lo + _ROWS_PER_INSERT]
        values = ", ".join(["(?, ?)"] * len(chunk))
        con.execute(
            f"UPDATE {table} SET {column} = v.value FROM (VALUES {values}) AS v(value, id) WHERE {table}.{key} = v.id",
            [x for r in chunk for x in r],
        )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
