"""The web app: pages, JSON API (pagination, filters), security headers, uploads."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storyline._exceptions import StoreError
from storyline.serve import create_app
from storyline.web.sample import build_sample_db

ARTICLE = b"""<html><head><title>Quay lights switched off</title>
<meta property="og:site_name" content="Invented Evening Star">
<meta property="article:published_time" content="2025-05-04T09:00:00Z"></head>
<body><article><h1>Quay lights switched off</h1>
<p>PORT ALDER - The harbour board switched off the quay lights on Sunday to save money, a spokesperson said.</p>
<p>"We expect the savings to pay for the new ferry ramp," the spokesperson said. Residents were not consulted.</p>
<p>The lights will stay off until the autumn, according to a notice posted at the harbour office.</p>
</article></body></html>"""


@pytest.fixture()
def upload_client(tmp_path: Path) -> TestClient:
    db = tmp_path / "up.duckdb"
    build_sample_db(db, stories=1, per_story=2)
    return TestClient(create_app(db, allow_upload=True, token="s3cret", max_upload_bytes=4000, max_uploads=2))


@pytest.mark.parametrize("path", ["/", "/stories/s0", "/docs"])
def test_pages_carry_strict_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.text.count("<script>") == 1 and r.text.rstrip().endswith("</html>")


def test_story_page_shows_only_its_story(client: TestClient) -> None:
    html = client.get("/stories/s1").text
    assert "night ferry" in html and "harbour levy update" not in html.lower()
    assert client.get("/stories/nope").status_code == 404


@pytest.mark.parametrize("path", ["/api/health", "/api/documents", "/api/quotes", "/api/claims", "/api/relations",
                                  "/api/stories", "/api/entities", "/api/search?q=harbour", "/api/rejections",
                                  "/openapi.json"])
def test_api_is_json_with_headers(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


def test_openapi_lists_every_endpoint(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for name in ("documents", "quotes", "claims", "relations", "stories", "entities", "search"):
        assert f"/api/{name}" in paths
    assert "post" not in paths["/api/documents"]  # read-only: no write route
    assert "/api/stories/{story_id}" in client.get("/docs").text


def test_pagination_covers_every_document_once(client: TestClient) -> None:
    first = client.get("/api/documents", params={"limit": 5}).json()
    assert first["total"] == 12 and len(first["items"]) == 5
    seen = []
    for offset in range(0, 12, 5):
        seen += [d["id"] for d in client.get("/api/documents", params={"limit": 5, "offset": offset}).json()["items"]]
    assert len(seen) == len(set(seen)) == 12


@pytest.mark.parametrize(("params", "check"), [
    ({"story": "s1"}, lambda d: d["story"] == "s1"),
    ({"outlet": "Lantern Post"}, lambda d: d["outlet"] == "Lantern Post"),
    ({"flag": "derivative"}, lambda d: "derivative" in d["flags"]),
    ({"since": "2025-02-01"}, lambda d: (d["published"] or "9999") >= "2025-02-01"),
    ({"until": "2025-01-31"}, lambda d: (d["published"] or "0000") <= "2025-01-31"),
])
def test_document_filters(client: TestClient, params: dict[str, str], check: Any) -> None:
    items = client.get("/api/documents", params={**params, "limit": 500}).json()["items"]
    assert items and all(check(d) for d in items)


def test_filters_on_quotes_claims_relations_entities(client: TestClient) -> None:
    quotes = client.get("/api/quotes", params={"speaker": "Harbour Board"}).json()["items"]
    assert quotes and all(q["speaker"] == "Harbour Board" for q in quotes)
    assert all(isinstance(q["via"], list) for q in quotes)
    claims = client.get("/api/claims", params={"story": "s2", "limit": 500}).json()
    assert claims["total"] > 0 and all(c["doc"] for c in claims["items"])
    rel = client.get("/api/relations", params={"kind": "contradicts"}).json()["items"]
    assert rel and all(r["kind"] == "contradicts" for r in rel)
    ents = client.get("/api/entities", params={"q": "varro"}).json()["items"]
    assert [e["name"] for e in ents] == ["Mayor Ilse Varro"]


def test_story_api(client: TestClient) -> None:
    story = client.get("/api/stories/s0").json()
    assert story["title"] == "The harbour levy dispute"
    ids = {d["id"] for d in story["documents"]}
    assert len(ids) == 4 and all(c["doc"] in ids for c in story["claims"])
    assert story["quotes"] and story["relations"] and any(d["flags"] for d in story["documents"])
    assert client.get("/api/stories/nope").status_code == 404


def test_document_detail(client: TestClient) -> None:
    doc_id = client.get("/api/documents", params={"limit": 1}).json()["items"][0]["id"]
    doc = client.get(f"/api/documents/{doc_id}").json()
    assert doc["text"] and doc["flags"] and doc["quotes"] and isinstance(doc["removed"], list)
    assert client.get("/api/documents/nope").status_code == 404


@pytest.mark.parametrize("q", ["'; DROP TABLE documents; --", "\" OR 1=1 --", "%", "_", "\\", "harbour' OR '1'='1"])
def test_hostile_query_strings_are_data(client: TestClient, q: str) -> None:
    r = client.get("/api/search", params={"q": q})
    assert r.status_code == 200 and r.json()["documents"] == []
    assert client.get("/api/documents", params={"outlet": q}).json()["total"] == 0
    assert client.get("/api/documents").json()["total"] == 12


@pytest.mark.parametrize(("params", "code"), [({"limit": 0}, 422), ({"limit": 501}, 422), ({"offset": -1}, 422),
                                              ({"since": "yesterday"}, 422), ({"outlet": "x" * 201}, 422)])
def test_bad_parameters_are_rejected(client: TestClient, params: dict[str, Any], code: int) -> None:
    assert client.get("/api/documents", params=params).status_code == code


def test_read_only_app_refuses_uploads(client: TestClient) -> None:
    r = client.post("/api/documents", content=ARTICLE, headers={"Authorization": "Bearer x"})
    assert r.status_code == 405
    assert 'id="upload"' not in client.get("/").text


def test_missing_database_fails_fast(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        create_app(tmp_path / "missing.duckdb")


def test_upload_needs_a_token(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="token"):
        create_app(tmp_path / "x.duckdb", allow_upload=True)


@pytest.mark.parametrize(("headers", "filename", "body", "code"), [
    ({}, "a.html", ARTICLE, 401),
    ({"Authorization": "Bearer wrong"}, "a.html", ARTICLE, 401),
    ({"Authorization": "Basic s3cret"}, "a.html", ARTICLE, 401),
    ({"Authorization": "Bearer s3cret"}, "a.exe", ARTICLE, 415),
    ({"Authorization": "Bearer s3cret"}, "a.html", ARTICLE * 10, 413),
    ({"Authorization": "Bearer s3cret"}, "a.html", b"", 422),
])
def test_upload_refusals(upload_client: TestClient, headers: dict[str, str], filename: str, body: bytes,
                         code: int) -> None:
    r = upload_client.post("/api/documents", params={"filename": filename}, content=body, headers=headers)
    assert r.status_code == code
    assert upload_client.get("/api/documents").json()["total"] == 2


def test_upload_analyses_the_file_and_counts(upload_client: TestClient) -> None:
    auth = {"Authorization": "Bearer s3cret"}
    page = upload_client.get("/")
    assert "post" in upload_client.get("/openapi.json").json()["paths"]["/api/documents"]
    assert 'id="upload"' in page.text and "connect-src 'self'" in page.headers["content-security-policy"]
    r = upload_client.post("/api/documents", params={"filename": "../../quay lights.html"}, content=ARTICLE,
                           headers=auth)
    assert r.status_code == 201, r.text
    assert r.json()["added"] == 1
    docs = upload_client.get("/api/documents", params={"limit": 500}).json()
    assert docs["total"] == 3
    new = [d for d in docs["items"] if d["title"] == "Quay lights switched off"]
    assert new and new[0]["source"].endswith("quay_lights.html") and ".." not in new[0]["source"]
    assert upload_client.get("/api/search", params={"q": "ferry ramp"}).json()["documents"]
    other = ARTICLE.replace(b"Sunday", b"Monday")
    assert upload_client.post("/api/documents", params={"filename": "b.html"}, content=other,
                              headers=auth).status_code == 201
    assert upload_client.post("/api/documents", params={"filename": "c.html"}, content=other,
                              headers=auth).status_code == 429


def test_reads_during_an_upload_wait_and_succeed(upload_client: TestClient) -> None:
    errors: list[BaseException] = []
    codes: list[int] = []

    def reader() -> None:
        try:
            for _ in range(15):
                codes.append(upload_client.get("/api/stories/s0").status_code)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    r = upload_client.post("/api/documents", params={"filename": "a.html"}, content=ARTICLE,
                           headers={"Authorization": "Bearer s3cret"})
    for t in threads:
        t.join()
    assert r.status_code == 201 and not errors and set(codes) == {200}


def test_health_and_index_flag_an_interrupted_analysis(tmp_path: Path) -> None:
    from storyline.store import Store

    path = tmp_path / "killed.duckdb"
    with Store(path) as store:
        store.start_run("killedrun01")  # a run that never reached finish_run, as after SIGKILL
    with TestClient(create_app(path)) as app_client:
        health = app_client.get("/api/health").json()
        assert health["status"] == "incomplete" and "killedrun01" in health["detail"]
        assert "the last analyze run did not finish" in app_client.get("/").text


def test_health_is_ok_after_a_finished_analysis(client: TestClient) -> None:
    assert client.get("/api/health").json() == {"status": "ok", "uploads": False}
