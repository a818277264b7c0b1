"""The story API body (``GET /api/stories/{id}``) and the cache that precomputes it.

Building one story from the database costs about 15-30 ms of CPU on this machine, almost all
of it DuckDB scanning and joining the tables for a story's rows (measured; turning the rows into
JSON is a small part). Building every story at once is several times cheaper per story: one
statement (`story_sql`) assembles all the answers as JSON text inside DuckDB with a single scan
of each table. The database only changes through the app's uploads, so `StoryCache` runs that
statement in the background once per database generation and then answers from memory; a
story it does not hold (too many stories, other ``limit``/``offset``, or the pass still
running) is built alone by `story_body`. Claim, quote and relation fields come from the schema
(``SELECT *``), so columns added by a migration appear in the answer.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
from collections import OrderedDict
from contextlib import AbstractContextManager, suppress
from dataclasses import dataclass
from typing import Any, Protocol

from storyline.store import Store

#: Default and largest number of items returned per list (documents, claims, quotes, relations).
DEFAULT_LIMIT = 1000
MAX_LIMIT = 10_000
#: Columns that hold JSON text and are sent as JSON values (as `serve._decode` does).
JSON_COLUMNS = frozenset({"via", "aliases", "evidence", "spans", "removed", "published_evidence"})
#: Largest database the background pass precomputes (documents); beyond it the LRU alone serves stories.
WARM_MAX_DOCUMENTS = 50_000
#: Seconds a request for a story waits for a running background pass before building the story itself.
WARM_WAIT_S = 5.0
#: Bytes of story answers (uncompressed and gzip together) kept in memory at most.
CACHE_MAX_BYTES = 256 * 1024 * 1024
#: gzip level for story bodies: level 1 already shrinks them about 14x, at a fraction of the CPU of level 6+.
GZIP_LEVEL = 1


@dataclass(frozen=True, slots=True)
class StoryBody:
    """One serialised story answer.

    Args:
        raw: the JSON body (UTF-8).
        gz: the same body gzip-compressed.
        etag: a strong entity tag derived from ``raw``.
    """

    raw: bytes
    gz: bytes
    etag: str

    @classmethod
    def of(cls, raw: bytes) -> StoryBody:
        """Compress and tag ``raw``."""
        digest = hashlib.blake2b(raw, digest_size=12).hexdigest()
        return cls(raw=raw, gz=gzip.compress(raw, compresslevel=GZIP_LEVEL, mtime=0), etag=f'"{digest}"')


def _columns(store: Store, table: str) -> list[str]:
    rows = store.query("SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                       "AND table_schema = 'main' ORDER BY ordinal_position", [table])
    return [str(r["column_name"]) for r in rows]


def _object(store: Store, table: str, alias: str) -> str:
    """A ``json_object(...)`` of every column of ``table`` (``doc_id`` sent last, as ``doc``)."""
    parts = []
    for col in sorted(_columns(store, table), key=lambda c: c == "doc_id"):
        ref = f'{alias}."{col}"'
        if col in JSON_COLUMNS:  # text that is not valid JSON is sent as a string, like `_decode`
            ref = f"CASE WHEN json_valid({ref}) THEN json({ref}) ELSE to_json({ref}) END"
        parts.append(f"""'{"doc" if col == "doc_id" else col}', {ref}""")
    return "json_object(" + ", ".join(parts) + ")"


def story_sql(store: Store) -> str:
    """The statement: parameters ``$1`` story id (NULL: every story), ``$2`` offset, ``$3`` limit.

    Yields ``(id, body)`` rows; ``body`` is the JSON text of one story answer.

    Args:
        store: a store on the database (its schema decides the claim, quote and relation fields).
    """
    claim, quote = _object(store, "claims", "x"), _object(store, "quotes", "x")
    relation = _object(store, "relations", "r")

    def page(items: str) -> str:
        return f"coalesce(to_json(list_slice({items}, $2 + 1, $2 + $3)), '[]'::JSON)"

    # ties broken by id so the order never depends on how the rows happen to be stored
    return f"""
WITH wanted AS (SELECT id, title, "start", "end" FROM stories WHERE $1::VARCHAR IS NULL OR id = $1),
docs AS (SELECT d.story, d.id, d.source, d.title, d.outlet, CAST(d.published_value AS VARCHAR) AS published,
    CAST(d.published_earliest AS VARCHAR) AS earliest, CAST(d.published_latest AS VARCHAR) AS latest,
    d.published_basis AS basis, d.duplicate_of, d.published_value
  FROM documents d WHERE d.story IN (SELECT id FROM wanted) AND d.superseded_by IS NULL),
fl AS (SELECT f.doc_id, to_json(list(json_object('kind', f.kind, 'score', f.score) ORDER BY f.kind)) AS flags
  FROM flags f JOIN docs ON docs.id = f.doc_id GROUP BY f.doc_id),
dj AS (SELECT d.story, list(json_object('id', d.id, 'source', d.source, 'title', d.title, 'outlet', d.outlet,
    'published', d.published, 'earliest', d.earliest, 'latest', d.latest, 'basis', d.basis,
    'duplicate_of', d.duplicate_of, 'flags', coalesce(fl.flags, '[]'::JSON))
    ORDER BY d.published_value NULLS LAST, d.id) AS items
  FROM docs d LEFT JOIN fl ON fl.doc_id = d.id GROUP BY d.story),
cl AS (SELECT docs.story, x.* FROM claims x JOIN docs ON docs.id = x.doc_id),
cj AS (SELECT x.story, list({claim} ORDER BY x.doc_id, coalesce(x."start", -1), x.id) AS items
  FROM cl x GROUP BY x.story),
qj AS (SELECT docs.story, list({quote} ORDER BY x.doc_id, x."start", x.id) AS items
  FROM quotes x JOIN docs ON docs.id = x.doc_id GROUP BY docs.story),
rj AS (SELECT cl.story, list({relation} ORDER BY r.a, r.b, r.kind) AS items
  FROM relations r JOIN cl ON cl.id = r.a GROUP BY cl.story)
SELECT w.id, CAST(json_object('id', w.id, 'title', w.title, 'start', w."start", 'end', w."end",
    'documents', {page("dj.items")}, 'claims', {page("cj.items")},
    'quotes', {page("qj.items")}, 'relations', {page("rj.items")},
    'totals', json_object('documents', coalesce(len(dj.items), 0), 'claims', coalesce(len(cj.items), 0),
                          'quotes', coalesce(len(qj.items), 0), 'relations', coalesce(len(rj.items), 0)),
    'limit', $3, 'offset', $2) AS VARCHAR) AS body
FROM wanted w LEFT JOIN dj ON dj.story = w.id LEFT JOIN cj ON cj.story = w.id
  LEFT JOIN qj ON qj.story = w.id LEFT JOIN rj ON rj.story = w.id
"""


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    for key in JSON_COLUMNS.intersection(row):
        if isinstance(row[key], str):
            with suppress(ValueError):  # not JSON after all: sent as the text it is
                row[key] = json.loads(row[key])
    if "doc_id" in row:
        row["doc"] = row.pop("doc_id")
    return row


def story_body(store: Store, story_id: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> bytes | None:
    """One story answer built with a few small queries (the same JSON as `story_sql`); None if unknown.

    Args:
        store: a store on the database.
        story_id: the story.
        limit: items per list.
        offset: items skipped per list.
    """
    found = store.query('SELECT id, title, "start", "end" FROM stories WHERE id = ?', [story_id])
    if not found:
        return None
    docs = store.query(
        "SELECT id, source, title, outlet, CAST(published_value AS VARCHAR) AS published, "
        "CAST(published_earliest AS VARCHAR) AS earliest, CAST(published_latest AS VARCHAR) AS latest, "
        "published_basis AS basis, duplicate_of FROM documents WHERE story = ? AND superseded_by IS NULL "
        "ORDER BY published_value NULLS LAST, id", [story_id])
    # plain joins on the story column, sorted here: measured cheaper than correlated subqueries or ORDER BY
    member = "JOIN documents d ON d.id = x.doc_id WHERE d.story = ? AND d.superseded_by IS NULL"
    flags = store.query(f"SELECT x.doc_id, x.kind, x.score FROM flags x {member}", [story_id])
    claims = store.query(f"SELECT x.* FROM claims x {member}", [story_id])
    quotes = store.query(f"SELECT x.* FROM quotes x {member}", [story_id])
    relations = store.query("SELECT * FROM relations WHERE a IN (SELECT unnest(?::VARCHAR[]))",
                            [[c["id"] for c in claims]])
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for flag in sorted(flags, key=lambda f: f["kind"]):
        by_doc.setdefault(flag.pop("doc_id"), []).append(flag)
    for doc in docs:
        doc["flags"] = by_doc.get(doc["id"], [])

    def order(row: dict[str, Any]) -> tuple[str, int, str]:
        return (str(row["doc_id"]), row["start"] if row["start"] is not None else -1, str(row["id"]))

    lists = {"documents": docs, "claims": sorted(claims, key=order), "quotes": sorted(quotes, key=order),
             "relations": sorted(relations, key=lambda r: (r["a"], r["b"], r["kind"]))}
    out: dict[str, Any] = dict(found[0])
    for name, rows in lists.items():
        out[name] = [_decoded(r) for r in rows[offset:offset + limit]]
    out |= {"totals": {name: len(rows) for name, rows in lists.items()}, "limit": limit, "offset": offset}
    return json.dumps(out, ensure_ascii=False, default=str, separators=(",", ":")).encode("utf-8")


def story_bodies(store: Store, sql: str, story_id: str | None, *, limit: int = DEFAULT_LIMIT,
                 offset: int = 0) -> dict[str, bytes]:
    """Run `story_sql`: ``{story id: JSON body}`` for one story (``{}`` if unknown) or, with None, all.

    Args:
        store: a store on the database.
        sql: the statement from `story_sql` for this database.
        story_id: the story, or None for every story.
        limit: items per list.
        offset: items skipped per list.
    """
    params: list[Any] = [story_id, offset, limit]
    return {str(r["id"]): str(r["body"]).encode("utf-8") for r in store.query(sql, params)}


class _Database(Protocol):
    """What `StoryCache` needs from the app's database: a generation number and read-only stores."""

    generation: int

    def read(self) -> AbstractContextManager[Store]:
        """A read-only store for the duration of the block."""


class StoryCache:
    """Story answers kept in memory per database generation, precomputed in the background.

    `warm` (called when the app starts) and the first story request of each later generation
    start one background pass that builds every story with a single statement (when the stories
    fit in ``size`` and the database holds at most `WARM_MAX_DOCUMENTS` documents); requests
    arriving meanwhile wait for it (up to `WARM_WAIT_S`), then build what it did not. Nothing is
    ever stale: the key holds the generation, which every upload bumps, and entries of older
    generations are dropped when a new pass lands.

    Args:
        database: the app's database.
        size: answers kept (least recently used go first); 0 keeps none and precomputes nothing.
        max_bytes: memory the kept answers may take.
    """

    def __init__(self, database: _Database, *, size: int, max_bytes: int = CACHE_MAX_BYTES) -> None:
        self.database = database
        self.size = size
        self.max_bytes = max_bytes
        self._bytes = 0
        self._entries: OrderedDict[tuple[int, str, int, int], StoryBody] = OrderedDict()
        self._sql: dict[int, str] = {}
        self._lock = threading.Lock()  # held for dict operations only, never across a query
        self._warmed: dict[int, threading.Event] = {}  # generation -> set when its pass has finished

    def warm(self) -> None:
        """Start precomputing the current generation's stories in the background (no-op with size 0)."""
        if self.size:
            self._start_warm(self.database.generation)

    def peek(self, story_id: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> StoryBody | None:
        """The kept answer, if any (cheap enough for the event loop)."""
        key = (self.database.generation, story_id, limit, offset)
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
        return body

    def load(self, story_id: str, *, limit: int = DEFAULT_LIMIT, offset: int = 0) -> StoryBody | None:
        """Build (and keep) one answer; None when there is no such story. Blocks: run it off the event loop.

        Args:
            story_id: the story.
            limit: items per list.
            offset: items skipped per list.
        """
        # while the background pass runs, waiting for it costs less CPU than building one story alone
        precomputed = self.size and (limit, offset) == (DEFAULT_LIMIT, 0)
        if precomputed and self._start_warm(self.database.generation).wait(WARM_WAIT_S):
            body = self.peek(story_id)
            if body is not None:
                return body
        with self.database.read() as store:
            generation = self.database.generation  # stable while a read is open
            raw = story_body(store, story_id, limit=limit, offset=offset)
        if raw is None:
            return None
        body = StoryBody.of(raw)
        self._put({(generation, story_id, limit, offset): body})
        return body

    def _statement(self, store: Store, generation: int) -> str:
        sql = self._sql.get(generation)
        if sql is None:
            sql = self._sql[generation] = story_sql(store)
        return sql

    def _put(self, entries: dict[tuple[int, str, int, int], StoryBody]) -> None:
        if not self.size:
            return
        with self._lock:
            for key, body in entries.items():
                old = self._entries.pop(key, None)
                self._bytes += len(body.raw) + len(body.gz) - (len(old.raw) + len(old.gz) if old else 0)
                self._entries[key] = body
            while self._entries and (len(self._entries) > self.size or self._bytes > self.max_bytes):
                _, gone = self._entries.popitem(last=False)
                self._bytes -= len(gone.raw) + len(gone.gz)

    def _start_warm(self, generation: int) -> threading.Event:
        with self._lock:
            done = self._warmed.get(generation)
            if done is not None:
                return done
            done = self._warmed[generation] = threading.Event()
        threading.Thread(target=self._warm, args=(generation, done), name="story-cache-warm", daemon=True).start()
        return done

    def _warm(self, generation: int, done: threading.Event) -> None:
        try:
            self._build_all(generation)
        finally:
            done.set()

    def _build_all(self, generation: int) -> None:
        try:
            with self.database.read() as store:
                if self.database.generation != generation:
                    return
                size = store.query("SELECT (SELECT count(*) FROM stories) AS stories, "
                                   "(SELECT count(*) FROM documents) AS documents")[0]
                if not size["stories"] or size["stories"] > self.size or size["documents"] > WARM_MAX_DOCUMENTS:
                    return  # too many to keep (or to build at once): the LRU alone serves them
                found = story_bodies(store, self._statement(store, generation), None)
        except Exception:  # warming is only an optimisation: a failure leaves requests to build their own answers
            return
        fresh = {(generation, sid, DEFAULT_LIMIT, 0): StoryBody.of(raw) for sid, raw in found.items()}
        with self._lock:
            for key in [k for k in self._entries if k[0] != generation]:
                gone = self._entries.pop(key)
                self._bytes -= len(gone.raw) + len(gone.gz)
        self._put(fresh)
