"""Serve stage: a read-only JSON API over a Storyline database (FastAPI).

Views hold no logic: each endpoint runs one parameterised query through `Store.query` or reuses
`storyline.export.build_bundle`.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import HTMLResponse

from storyline.export import build_bundle
from storyline.report import render_report
from storyline.store import Store

_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def create_app(db: str | os.PathLike[str]) -> FastAPI:
    """Build the read-only web app for ``db``.

    Args:
        db: the database file.
    """
    app = FastAPI(title="Storyline", version="1", description="Read-only API over a Storyline analysis.")
    path = str(db)
    Store(path, read_only=True).close()  # fail fast on a missing or corrupt database

    def rows(sql: str, params: list[Any]) -> list[dict[str, Any]]:
        with Store(path, read_only=True) as store:
            return store.query(sql, params)

    @app.middleware("http")
    async def security_headers(request: Any, call_next: Any) -> Any:
        response = await call_next(request)
        for key, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        with Store(path, read_only=True) as store:
            return render_report(build_bundle(store))

    @app.get("/api/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/api/documents")
    def documents(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0),
                  outlet: str | None = None) -> dict[str, Any]:
        sql = ("SELECT id, source, title, outlet, published_value AS published, duplicate_of, story, language "
               "FROM documents WHERE superseded_by IS NULL AND (? IS NULL OR outlet = ?) ORDER BY seq LIMIT ? OFFSET ?")
        return {"items": rows(sql, [outlet, outlet, limit, offset]), "limit": limit, "offset": offset}

    @app.get("/api/documents/{doc_id}")
    def document(doc_id: str) -> dict[str, Any]:
        found = rows("SELECT * FROM documents WHERE id = ?", [doc_id])
        if not found:
            raise HTTPException(status_code=404, detail=f"no document {doc_id}")
        doc = found[0]
        doc["flags"] = rows("SELECT kind, score, evidence, spans FROM flags WHERE doc_id = ?", [doc_id])
        return doc

    @app.get("/api/search")
    def search(q: str = Query(..., min_length=1, max_length=200), limit: int = Query(20, ge=1, le=200)) -> dict[str, Any]:
        sql = ("SELECT id, title, outlet FROM documents WHERE superseded_by IS NULL AND "
               "(contains(lower(text), lower(?)) OR contains(lower(coalesce(title, '')), lower(?))) ORDER BY seq LIMIT ?")
        return {"items": rows(sql, [q, q, limit])}

    @app.get("/api/rejections")
    def rejections(limit: int = Query(100, ge=1, le=1000)) -> dict[str, Any]:
        return {"items": rows("SELECT source, reason, message FROM rejections ORDER BY rejected_at LIMIT ?", [limit])}

    return app


def serve(db: str | os.PathLike[str], *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the web app until interrupted.

    Args:
        db: the database file.
        host: interface to bind.
        port: TCP port.
    """
    import uvicorn

    uvicorn.run(create_app(db), host=host, port=port, log_level="warning")
