"""Serve stage: the report pages and a JSON API over a Storyline database (FastAPI).

Read-only by default: each request opens the database read-only (cheap while the app keeps one
read-only connection alive) and runs parameterised queries through `Store.query`. With
``allow_upload``, ``POST /api/documents`` (bearer token, size and count limits) runs
`storyline.pipeline.analyze` on the uploaded file; DuckDB allows one writer, so an upload waits
for in-flight reads, closes every read-only connection, writes, and reopens.

The API docs page (``/docs``) is rendered here from the OpenAPI schema, so it works offline and
under the same strict Content-Security-Policy as every other page.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from html import escape
from pathlib import Path
from typing import Any

import duckdb
from fastapi import FastAPI, HTTPException, Query, Request
from fastapi import Path as Path_
from fastapi.responses import HTMLResponse, JSONResponse, Response

from storyline.export import build_bundle
from storyline.report import render_report, subset_bundle
from storyline.store import Store
from storyline.web import asset, page_csp
from storyline.web.story_api import DEFAULT_LIMIT, MAX_LIMIT, StoryCache

#: Default limits for uploads: bytes per file and files per app lifetime.
MAX_UPLOAD_BYTES = 5_000_000
MAX_UPLOADS = 200
#: Document cards drawn on the overview page (the rest are reachable through the API).
MAX_CARDS = 300

_UPLOAD_SUFFIXES = (".html", ".htm", ".txt", ".md", ".markdown", ".json", ".jsonl")
_BASE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
_API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


class _CursorStore(Store):
    """A `Store` over a cursor of an open read-only connection: per-request, without reconnecting.

    Args:
        con: a cursor (its own DuckDB connection handle on the shared database instance).
        path: the database file, for messages.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self.con = con
        self.path = path


class _Database:
    """Per-request read-only stores, and exclusive access for the occasional upload.

    Args:
        path: the database file.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting = 0
        #: bumped by every write, so cached responses from before it are never served
        self.generation = 0
        # one read-only connection; each request reads through its own cursor of it
        self._keeper: Store | None = Store(path, read_only=True)

    @contextmanager
    def read(self) -> Iterator[Store]:
        """A read-only store for one request."""
        with self._cond:
            while self._writing or self._waiting:
                self._cond.wait()
            self._readers += 1
            keeper = self._keeper
        try:
            if keeper is None:  # only if reopening after a failed write failed too
                raise HTTPException(status_code=503, detail="database unavailable")
            with _CursorStore(keeper.con.cursor(), self.path) as store:
                yield store
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def write(self) -> Iterator[None]:
        """Exclusive access: no read-only connection is open inside the block."""
        with self._cond:
            self._waiting += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting -= 1
            self._writing = True
        try:
            if self._keeper is not None:
                self._keeper.close()
                self._keeper = None
            yield
        finally:
            try:
                self._keeper = Store(self.path, read_only=True)
            finally:
                with self._cond:
                    self.generation += 1
                    self._writing = False
                    self._cond.notify_all()

    def rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        """Run one parameterised query on a fresh read-only store."""
        with self.read() as store:
            return store.query(sql, params)


def create_app(db: str | os.PathLike[str], *, allow_upload: bool = False, token: str | None = None,
               max_upload_bytes: int = MAX_UPLOAD_BYTES, max_uploads: int = MAX_UPLOADS,
               cache_size: int = 256) -> FastAPI:
    """Build the web app for ``db``.

    Args:
        db: the database file (with ``allow_upload``, created empty when missing).
        allow_upload: accept ``POST /api/documents`` (and show the upload form).
        token: the bearer token uploads must present; required with ``allow_upload``.
        max_upload_bytes: largest accepted upload.
        max_uploads: uploads accepted over the app's lifetime (then 429).
        cache_size: story API responses kept in memory (0: none), precomputed in the background
            at startup and after each upload when every story fits. The database cannot change
            under the app (DuckDB locks it; uploads go through the app and bump a generation),
            so a cached answer is never stale.

    Raises:
        ValueError: ``allow_upload`` without a token, or a non-positive limit.
        StoreError: the database is missing (read-only) or not a Storyline database.
    """
    if allow_upload and not token:
        raise ValueError("uploads need a bearer token: pass --token (or set STORYLINE_TOKEN)")
    if max_upload_bytes <= 0 or max_uploads <= 0:
        raise ValueError("upload limits must be positive")
    path = str(db)
    if allow_upload and not Path(path).exists():
        Store(path).close()  # an empty analysis that uploads will fill
    database = _Database(path)
    upload_dir = Path(tempfile.mkdtemp(prefix="storyline-uploads-")) if allow_upload else None
    state = {"uploads": 0}
    upload_lock = threading.Lock()

    app = FastAPI(title="Storyline", version="1", docs_url=None, redoc_url=None,
                  description="JSON API over a Storyline analysis: documents, quotes, claims, relations, stories, "
                              "entities and search. Lists are paginated with `limit`/`offset` and return "
                              "`{items, total, limit, offset}`.")

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Any:
        response = await call_next(request)
        for key, value in _BASE_HEADERS.items():
            response.headers.setdefault(key, value)
        response.headers.setdefault("Content-Security-Policy", _API_CSP)
        if request.url.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    def page(html: str, *, connect_self: bool = False) -> HTMLResponse:
        csp = page_csp(connect_self=connect_self) + "; frame-ancestors 'none'"
        return HTMLResponse(html, headers={"Content-Security-Policy": csp})

    def paged(sql: str, where: str, params: list[Any], limit: int, offset: int, order: str) -> dict[str, Any]:
        with database.read() as store:
            total = store.query(f"SELECT count(*) AS n FROM ({sql} {where})", params)[0]["n"]
            items = store.query(f"{sql} {where} ORDER BY {order} LIMIT ? OFFSET ?", [*params, limit, offset])
        return {"items": items, "total": total, "limit": limit, "offset": offset}

    # -- pages ---------------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        with database.read() as store:
            bundle = build_bundle(store)
            unfinished = store.unfinished_run()
        # A killed analyze run leaves documents without their cross-document links: say so.
        warning = (" · <strong>incomplete: the last analyze run did not finish; re-run "
                   "<code>storyline analyze</code></strong>") if unfinished else ""
        html = render_report(bundle, title="Storyline", upload=allow_upload, max_documents=MAX_CARDS,
                             story_href=lambda s: f"stories/{_url_id(s['id'])}",
                             subtitle=f'Live view · <a href="docs">API documentation</a>{warning}')
        return page(html, connect_self=allow_upload)

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        with database.read() as store:
            bundle = build_bundle(store)
        part = subset_bundle(bundle, story_id)
        if part is None:
            raise HTTPException(status_code=404, detail="no such story")
        title = str(part["stories"][0].get("title") or story_id)
        return page(render_report(part, title=title, subtitle='<a href="../">← all stories</a>'))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return page(_docs_page(app.openapi()))

    # -- API -----------------------------------------------------------------------------------

    @app.get("/api/health", tags=["meta"])
    def health() -> dict[str, Any]:
        """Liveness, whether uploads are accepted, and whether the last analyze run finished."""
        with database.read() as store:
            unfinished = store.unfinished_run()
        if unfinished is None:
            return {"status": "ok", "uploads": allow_upload}
        return {"status": "incomplete", "uploads": allow_upload,
                "detail": f"analyze run {unfinished['id']} did not finish; re-run `storyline analyze` to complete it"}

    @app.get("/api/documents", tags=["documents"])
    def documents(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
                  outlet: str | None = Query(None, max_length=200), story: str | None = Query(None, max_length=200),
                  flag: str | None = Query(None, max_length=100, description="only documents with this flag kind"),
                  since: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$"),
                  until: str | None = Query(None, pattern=r"^\d{4}-\d{2}-\d{2}$")) -> dict[str, Any]:
        """Current documents (no text), oldest first, with their flag kinds."""
        sql = ("SELECT d.id, d.source, d.title, d.outlet, d.author, d.url, d.language, "
               "CAST(d.published_value AS VARCHAR) AS published, CAST(d.published_earliest AS VARCHAR) AS earliest, "
               "CAST(d.published_latest AS VARCHAR) AS latest, d.published_basis AS basis, d.duplicate_of, d.story, "
               "(SELECT list(kind ORDER BY kind) FROM flags f WHERE f.doc_id = d.id) AS flags, d.seq FROM documents d")
        where = ("WHERE d.superseded_by IS NULL AND (?::VARCHAR IS NULL OR d.outlet = ?) "
                 "AND (?::VARCHAR IS NULL OR d.story = ?) "
                 "AND (?::VARCHAR IS NULL OR EXISTS (SELECT 1 FROM flags f WHERE f.doc_id = d.id AND f.kind = ?)) "
                 "AND (?::DATE IS NULL OR d.published_value >= ?::DATE) "
                 "AND (?::DATE IS NULL OR d.published_value <= ?::DATE)")
        params = [outlet, outlet, story, story, flag, flag, since, since, until, until]
        return paged(sql, where, params, limit, offset, "seq")

    @app.get("/api/documents/{doc_id}", tags=["documents"])
    def document(doc_id: str) -> dict[str, Any]:
        """One document with its text, flags, quotes and claims."""
        with database.read() as store:
            found = store.query(
                "SELECT id, source, title, outlet, author, url, language, "
                "CAST(published_value AS VARCHAR) AS published, "
                "CAST(published_earliest AS VARCHAR) AS earliest, CAST(published_latest AS VARCHAR) AS latest, "
                "published_basis AS basis, published_evidence, text, removed, duplicate_of, story, superseded_by "
                "FROM documents WHERE id = ?", [doc_id])
            if not found:
                raise HTTPException(status_code=404, detail="no such document")
            doc = found[0]
            doc["flags"] = store.query("SELECT kind, score, evidence, spans FROM flags WHERE doc_id = ? ORDER BY kind",
                                       [doc_id])
            doc["quotes"] = store.query('SELECT * FROM quotes WHERE doc_id = ? ORDER BY "start", "end", id', [doc_id])
            doc["claims"] = store.query('SELECT * FROM claims WHERE doc_id = ? ORDER BY "start", "end", id', [doc_id])
        return _decode(doc)

    @app.get("/api/quotes", tags=["quotes"])
    def quotes(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
               doc: str | None = Query(None, max_length=200), speaker: str | None = Query(None, max_length=200),
               q: str | None = Query(None, max_length=200, description="text contains (case-insensitive)")
               ) -> dict[str, Any]:
        """Quotes, with speaker, cue and relay chain."""
        where = ("WHERE (?::VARCHAR IS NULL OR doc_id = ?) AND (?::VARCHAR IS NULL OR speaker = ?) "
                 "AND (?::VARCHAR IS NULL OR contains(lower(text), lower(?)))")
        out = paged("SELECT * FROM quotes", where, [doc, doc, speaker, speaker, q, q], limit, offset, 'doc_id, "start"')
        out["items"] = [_decode(r) for r in out["items"]]
        return out

    @app.get("/api/claims", tags=["claims"])
    def claims(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
               doc: str | None = Query(None, max_length=200), actor: str | None = Query(None, max_length=200),
               story: str | None = Query(None, max_length=200)) -> dict[str, Any]:
        """Claims, optionally of one document, actor or story."""
        where = ("WHERE (?::VARCHAR IS NULL OR doc_id = ?) AND (?::VARCHAR IS NULL OR actor = ?) AND "
                 "(?::VARCHAR IS NULL OR doc_id IN (SELECT id FROM documents WHERE story = ?))")
        out = paged("SELECT * FROM claims", where, [doc, doc, actor, actor, story, story], limit, offset,
                    'doc_id, "start"')
        out["items"] = [_decode(r) for r in out["items"]]
        return out

    @app.get("/api/relations", tags=["claims"])
    def relations(limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
                  kind: str | None = Query(None, max_length=50), claim: str | None = Query(None, max_length=200)
                  ) -> dict[str, Any]:
        """Relations between claims (corroborates, contradicts, updates, ...)."""
        where = "WHERE (?::VARCHAR IS NULL OR kind = ?) AND (?::VARCHAR IS NULL OR a = ? OR b = ?)"
        out = paged("SELECT * FROM relations", where, [kind, kind, claim, claim, claim], limit, offset, "a, b, kind")
        out["items"] = [_decode(r) for r in out["items"]]
        return out

    @app.get("/api/stories", tags=["stories"])
    def stories(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        """Stories with their date range and size."""
        sql = ('SELECT s.id, s.title, s."start", s."end", (SELECT count(*) FROM documents d WHERE d.story = s.id '
               "AND d.superseded_by IS NULL) AS documents FROM stories s")
        return paged(sql, "", [], limit, offset, "id")

    story_cache = StoryCache(database, size=cache_size)
    story_cache.warm()  # in the background: the app answers at once, stories fill in as they are built

    @app.get("/api/stories/{story_id}", tags=["stories"], response_class=JSONResponse,
             responses={304: {"description": "not modified (the `If-None-Match` ETag still holds)"}})
    async def story(request: Request, story_id: str = Path_(..., max_length=200),
                    limit: int = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="items per list"),
                    offset: int = Query(0, ge=0, description="items skipped in each list")) -> Response:
        """Everything the story page needs: the story, its documents, claims, quotes and relations.

        Each list holds at most `limit` items from `offset` on; `totals` counts them all. Answers
        carry an ETag (send it back in `If-None-Match` for a 304) and are gzip-compressed for
        clients that accept it.
        """
        from starlette.concurrency import run_in_threadpool

        body = story_cache.peek(story_id, limit=limit, offset=offset)
        if body is None:
            body = await run_in_threadpool(story_cache.load, story_id, limit=limit, offset=offset)
            if body is None:
                raise HTTPException(status_code=404, detail="no such story")
        # no-cache (not no-store): clients may keep the answer but must revalidate it with the ETag
        headers = {"ETag": body.etag, "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if {body.etag, "*"} & _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=headers)
        if _accepts_gzip(request.headers.get("accept-encoding", "")):
            return Response(body.gz, media_type="application/json", headers={**headers, "Content-Encoding": "gzip"})
        return Response(body.raw, media_type="application/json", headers=headers)

    @app.get("/api/entities", tags=["entities"])
    def entities(limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0),
                 kind: str | None = Query(None, max_length=50), q: str | None = Query(None, max_length=200)
                 ) -> dict[str, Any]:
        """Resolved entities with their aliases."""
        where = ("WHERE (?::VARCHAR IS NULL OR kind = ?) AND (?::VARCHAR IS NULL OR contains(lower(name), lower(?)) "
                 "OR contains(lower(aliases), lower(?)))")
        out = paged("SELECT * FROM entities", where, [kind, kind, q, q, q], limit, offset, "id")
        out["items"] = [_decode(r) for r in out["items"]]
        return out

    @app.get("/api/search", tags=["search"])
    def search(q: str = Query(..., min_length=1, max_length=200), limit: int = Query(20, ge=1, le=200)
               ) -> dict[str, Any]:
        """Case-insensitive substring search over document titles and text, quotes and claims."""
        with database.read() as store:
            docs = store.query(
                "SELECT id, title, outlet, CAST(published_value AS VARCHAR) AS published FROM documents "
                "WHERE superseded_by IS NULL AND (contains(lower(text), lower(?)) OR "
                "contains(lower(coalesce(title, '')), lower(?))) ORDER BY seq LIMIT ?", [q, q, limit])
            quote_rows = store.query("SELECT id, doc_id, speaker, text FROM quotes WHERE "
                                     "contains(lower(text), lower(?)) OR "
                                     "contains(lower(coalesce(speaker, '')), lower(?)) ORDER BY id LIMIT ?",
                                     [q, q, limit])
            claim_rows = store.query("SELECT id, doc_id, actor, statement, text FROM claims WHERE "
                                     "contains(lower(text), lower(?)) OR contains(lower(coalesce(statement, '')), "
                                     "lower(?)) ORDER BY id LIMIT ?", [q, q, limit])
        # "items" repeats the documents for clients of the first version of this endpoint
        return {"q": q, "items": docs, "documents": docs, "quotes": quote_rows, "claims": claim_rows}

    @app.get("/api/rejections", tags=["meta"])
    def rejections(limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)) -> dict[str, Any]:
        """Inputs that could not be ingested, with the reason."""
        return paged("SELECT source, reason, message, rejected_at FROM rejections", "", [], limit, offset,
                     "rejected_at, source")

    async def upload(request: Request, filename: str = Query("upload.txt", max_length=200)) -> Response:
        """Add one article file (raw request body) and analyse it into the database.

        Needs the app started with uploads enabled and ``Authorization: Bearer <token>``.
        """
        if not allow_upload or upload_dir is None or token is None:
            raise HTTPException(status_code=403, detail="uploads are disabled; start the server with --allow-upload")
        supplied = request.headers.get("authorization", "")
        scheme, _, value = supplied.partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(value.strip().encode(), token.encode()):
            raise HTTPException(status_code=401, detail="missing or wrong bearer token",
                                headers={"WWW-Authenticate": "Bearer"})
        name = _safe_filename(filename)
        if name is None:
            raise HTTPException(status_code=415,
                                detail=f"unsupported file type; use one of {', '.join(_UPLOAD_SUFFIXES)}")
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > max_upload_bytes:
            raise HTTPException(status_code=413, detail=f"file larger than {max_upload_bytes} bytes")
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_upload_bytes:
                raise HTTPException(status_code=413, detail=f"file larger than {max_upload_bytes} bytes")
        if not body:
            raise HTTPException(status_code=422, detail="empty upload")
        with upload_lock:
            if state["uploads"] >= max_uploads:
                raise HTTPException(status_code=429, detail=f"upload limit of {max_uploads} files reached")
            state["uploads"] += 1
        from starlette.concurrency import run_in_threadpool

        summary = await run_in_threadpool(_analyze_upload, database, upload_dir / name, bytes(body))
        code = 201 if summary["added"] or summary["unchanged"] or summary["new_versions"] else 422
        return JSONResponse(summary, status_code=code)

    if allow_upload:  # a read-only app has no write route at all (405, and none in the schema)
        app.post("/api/documents", tags=["documents"], status_code=201,
                 responses={401: {"description": "missing or wrong bearer token"},
                            413: {"description": "file too large"},
                            415: {"description": "unsupported file type"}, 422: {"description": "file rejected"},
                            429: {"description": "upload limit reached"}})(upload)

    return app


def _etags(header: str) -> set[str]:
    """The entity tags listed in an ``If-None-Match`` header (weak tags compared weakly, as RFC 9110 asks)."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _accepts_gzip(header: str) -> bool:
    """Whether an ``Accept-Encoding`` header allows gzip (``gzip;q=0`` refuses it)."""
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        if name.strip() in ("gzip", "x-gzip", "*"):
            q = params.strip().removeprefix("q=").strip() if params.strip().startswith("q=") else "1"
            try:
                return float(q) > 0
            except ValueError:
                return False
    return False


def _analyze_upload(database: _Database, target: Path, data: bytes) -> dict[str, Any]:
    from storyline.pipeline import analyze

    with database.write():
        target.write_bytes(data)
        try:
            summary = analyze([target], db=database.path)
        finally:
            target.unlink(missing_ok=True)
    return summary.as_dict()


def _safe_filename(name: str) -> str | None:
    base = re.sub(r"[^A-Za-z0-9._-]", "_", Path(name.replace("\\", "/")).name).lstrip(".")[:100]
    return base if base.lower().endswith(_UPLOAD_SUFFIXES) else None


def _url_id(value: object) -> str:
    from urllib.parse import quote

    return quote(str(value), safe="")


def _decode(row: dict[str, Any]) -> dict[str, Any]:
    """Turn the JSON-text columns of a row into lists."""
    for key in ("via", "aliases", "evidence", "spans", "removed", "published_evidence"):
        if isinstance(row.get(key), str):
            with suppress(ValueError):
                row[key] = json.loads(row[key])
    for key in ("doc_id",):
        if key in row:
            row["doc"] = row.pop(key)
    return row


def _docs_page(schema: dict[str, Any]) -> str:
    """The OpenAPI schema as a plain HTML page (no external Swagger assets: it works offline)."""
    parts = ["<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">",
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f'<meta http-equiv="Content-Security-Policy" content="{escape(page_csp())}">',
             f"<title>Storyline API</title><style>{asset('report.css')}</style></head><body>",
             '<main id="main"><h1>Storyline API</h1>',
             f"<p>{escape(schema.get('info', {}).get('description', ''))}</p>",
             '<p>Machine-readable schema: <a href="openapi.json">openapi.json</a>.</p>']
    for route, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            parts.append(f'<section class="card"><h2><code>{escape(method.upper())} {escape(route)}</code></h2>'
                         f"<p>{escape(op.get('summary', ''))}</p><p>{escape(op.get('description', ''))}</p>")
            params = op.get("parameters") or []
            if params:
                parts.append('<div class="scroll"><table><thead><tr><th>Parameter</th><th>In</th><th>Type</th>'
                             "<th>Notes</th></tr></thead><tbody>")
                for p in params:
                    sch = p.get("schema") or {}
                    kind = sch.get("type") or " | ".join(str(a.get("type")) for a in sch.get("anyOf", []))
                    notes = []
                    for key in ("default", "minimum", "maximum", "maxLength", "pattern"):
                        if key in sch:
                            notes.append(f"{key} {sch[key]}")
                    if p.get("description"):
                        notes.append(str(p["description"]))
                    required = " (required)" if p.get("required") else ""
                    parts.append(f"<tr><td><code>{escape(str(p.get('name')))}</code>{required}"
                                 f"</td><td>{escape(str(p.get('in')))}</td><td>{escape(str(kind))}</td>"
                                 f"<td>{escape('; '.join(notes))}</td></tr>")
                parts.append("</tbody></table></div>")
            parts.append("</section>")
    parts.append(f"</main><script>{asset('report.js')}</script></body></html>\n")
    return "".join(parts)


def serve(db: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 8000, allow_upload: bool = False,
          token: str | None = None, max_upload_bytes: int = MAX_UPLOAD_BYTES, max_uploads: int = MAX_UPLOADS) -> None:
    """Run the web app until interrupted.

    Args:
        db: the database file.
        host: interface to bind.
        port: TCP port.
        allow_upload: accept uploads (needs ``token``).
        token: bearer token for uploads (default: the STORYLINE_TOKEN environment variable).
        max_upload_bytes: largest accepted upload.
        max_uploads: uploads accepted over the server's lifetime.
    """
    import uvicorn

    token = token or os.environ.get("STORYLINE_TOKEN") or None
    app = create_app(db, allow_upload=allow_upload, token=token, max_upload_bytes=max_upload_bytes,
                     max_uploads=max_uploads)
    uvicorn.run(app, host=host, port=port, log_level="warning")
