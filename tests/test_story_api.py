"""The story API: its body (built alone and all at once), pagination, ETag/304, gzip, and the cache."""

from __future__ import annotations

import gzip
import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storyline.serve import _accepts_gzip, _Database, _etags
from storyline.store import Store
from storyline.web.story_api import StoryCache, story_bodies, story_body, story_sql

JSON_TEXT = ("via", "evidence", "spans")


def _expected(db: Path, story_id: str) -> dict[str, Any]:
    """The story answer rebuilt row by row in Python (what the endpoint returned before it moved into SQL)."""

    def decoded(row: dict[str, Any]) -> dict[str, Any]:
        for key in JSON_TEXT:
            if isinstance(row.get(key), str):
                row[key] = json.loads(row[key])
        if "doc_id" in row:
            row["doc"] = row.pop("doc_id")
        return row

    with Store(db, read_only=True) as store:
        story = store.query('SELECT id, title, "start", "end" FROM stories WHERE id = ?', [story_id])[0]
        docs = store.query(
            "SELECT id, source, title, outlet, CAST(published_value AS VARCHAR) AS published, "
            "CAST(published_earliest AS VARCHAR) AS earliest, CAST(published_latest AS VARCHAR) AS latest, "
            "published_basis AS basis, duplicate_of FROM documents WHERE story = ? AND superseded_by IS NULL "
            "ORDER BY published_value NULLS LAST, id", [story_id])
        for doc in docs:
            doc["flags"] = store.query("SELECT kind, score FROM flags WHERE doc_id = ? ORDER BY kind", [doc["id"]])
        ids = [d["id"] for d in docs]
        claims = [decoded(r) for r in store.query(
            'SELECT * FROM claims WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) '
            'ORDER BY doc_id, coalesce("start", -1), id', [ids])]
        quotes = [decoded(r) for r in store.query(
            'SELECT * FROM quotes WHERE doc_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY doc_id, "start", id', [ids])]
        relations = [decoded(r) for r in store.query(
            "SELECT * FROM relations WHERE a IN (SELECT unnest(?::VARCHAR[])) ORDER BY a, b, kind",
            [[c["id"] for c in claims]])]
    return {**story, "documents": docs, "claims": claims, "quotes": quotes, "relations": relations}


@pytest.mark.parametrize("story_id", ["s0", "s1", "s2"])
def test_body_matches_the_rows(client: TestClient, sample_db: Path, story_id: str) -> None:
    got = client.get(f"/api/stories/{story_id}").json()
    expected = _expected(sample_db, story_id)
    assert got["totals"] == {k: len(expected[k]) for k in ("documents", "claims", "quotes", "relations")}
    assert got["limit"] == 1000 and got["offset"] == 0
    assert {k: v for k, v in got.items() if k not in ("totals", "limit", "offset")} == expected
    assert expected["claims"] and expected["quotes"] and expected["relations"]


def test_lists_are_paginated(client: TestClient) -> None:
    full = client.get("/api/stories/s0").json()
    part = client.get("/api/stories/s0", params={"limit": 1, "offset": 1}).json()
    assert part["totals"] == full["totals"] and (part["limit"], part["offset"]) == (1, 1)
    for key in ("documents", "claims", "quotes", "relations"):
        assert part[key] == full[key][1:2]
    past = client.get("/api/stories/s0", params={"offset": 10_000}).json()
    assert past["documents"] == [] and past["totals"] == full["totals"]
    assert client.get("/api/stories/s0", params={"limit": 0}).status_code == 422


def test_etag_and_304(client: TestClient) -> None:
    first = client.get("/api/stories/s1")
    etag = first.headers["etag"]
    assert etag.startswith('"') and first.headers["cache-control"] == "no-cache"
    again = client.get("/api/stories/s1", headers={"If-None-Match": f'"other", W/{etag}'})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get("/api/stories/s1", headers={"If-None-Match": '"other"'}).status_code == 200
    assert client.get("/api/stories/s1", headers={"If-None-Match": "*"}).status_code == 304
    assert client.get("/api/stories/s2").headers["etag"] != etag


def test_gzip_only_when_accepted(client: TestClient) -> None:
    packed = client.get("/api/stories/s0", headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip" and "Accept-Encoding" in packed.headers["vary"]
    plain = client.get("/api/stories/s0", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert packed.json() == plain.json()  # httpx decoded the gzip body
    assert _accepts_gzip("br, gzip;q=0.5") and _accepts_gzip("*") and not _accepts_gzip("gzip;q=0")
    assert not _accepts_gzip("") and not _accepts_gzip("deflate, br")
    assert _etags('W/"a", "b"') == {'"a"', '"b"'}


def test_cache_precomputes_every_story_once_per_generation(sample_db: Path) -> None:
    database = _Database(str(sample_db))
    cache = StoryCache(database, size=10)
    first = cache.load("s0")
    assert first is not None and gzip.decompress(first.gz) == first.raw
    deadline = time.monotonic() + 30
    while cache.peek("s2") is None and time.monotonic() < deadline:  # the background pass
        time.sleep(0.05)
    warmed = [cache.peek(s) for s in ("s0", "s1", "s2")]
    assert all(b is not None for b in warmed)
    fresh = StoryCache(database, size=0)
    for sid, body in zip(("s0", "s1", "s2"), warmed, strict=True):
        built = fresh.load(sid)
        assert body is not None and built is not None and (body.raw, body.etag) == (built.raw, built.etag)
    assert fresh.peek("s0") is None  # size 0 keeps nothing
    assert cache.load("nope") is None
    database.generation += 1  # what an upload does: nothing from before it is served
    assert cache.peek("s0") is None


def test_too_many_stories_are_not_precomputed(sample_db: Path) -> None:
    cache = StoryCache(_Database(str(sample_db)), size=2)
    assert cache.load("s0") is not None
    time.sleep(0.5)
    assert cache.peek("s1") is None and cache.peek("s0") is not None


def test_cache_respects_its_byte_budget(sample_db: Path) -> None:
    database = _Database(str(sample_db))
    one = StoryCache(database, size=0).load("s0")
    assert one is not None
    cache = StoryCache(database, size=2, max_bytes=(len(one.raw) + len(one.gz)) * 3 // 2)  # 2 < 3: no warm-up
    assert cache.load("s0") is not None and cache.load("s1") is not None
    assert cache.peek("s1") is not None and cache.peek("s0") is None  # the older one made room


@pytest.mark.parametrize(("limit", "offset"), [(1000, 0), (2, 1), (1, 50)])
def test_one_story_and_all_at_once_give_the_same_bytes(sample_db: Path, limit: int, offset: int) -> None:
    with Store(sample_db, read_only=True) as store:
        every = story_bodies(store, story_sql(store), None, limit=limit, offset=offset)
        assert sorted(every) == ["s0", "s1", "s2"]
        for sid, body in every.items():
            assert story_body(store, sid, limit=limit, offset=offset) == body
        assert story_body(store, "nope") is None
