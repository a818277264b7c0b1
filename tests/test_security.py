"""Security checks on the web app: headers on every response, hostile ids, malformed uploads."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from storyline.serve import create_app
from storyline.web.sample import build_sample_db

AUTH = {"Authorization": "Bearer s3cret"}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    db = tmp_path_factory.mktemp("sec") / "s.duckdb"
    build_sample_db(db, stories=2, per_story=2)
    return TestClient(create_app(db), raise_server_exceptions=False)


@pytest.fixture()
def upload_client(tmp_path: Path) -> TestClient:
    db = tmp_path / "up.duckdb"
    build_sample_db(db, stories=1, per_story=2)
    return TestClient(create_app(db, allow_upload=True, token="s3cret", max_upload_bytes=4000, max_uploads=50))


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/", 200),
        ("GET", "/docs", 200),
        ("GET", "/openapi.json", 200),
        ("GET", "/api/health", 200),
        ("GET", "/api/documents/nope", 404),
        ("GET", "/stories/nope", 404),
        ("GET", "/no/such/page", 404),
        ("GET", "/api/documents?limit=0", 422),
        ("POST", "/api/documents", 405),
        ("DELETE", "/api/stories", 405),
    ],
)
def test_every_response_carries_the_security_headers(client: TestClient, method: str, path: str, code: int) -> None:
    r = client.request(method, path)
    assert r.status_code == code
    h = r.headers
    assert "default-src 'none'" in h["content-security-policy"]
    assert "frame-ancestors 'none'" in h["content-security-policy"]
    assert h["x-content-type-options"] == "nosniff"
    assert h["x-frame-options"] == "DENY"
    assert h["referrer-policy"] == "no-referrer"
    assert h["cross-origin-opener-policy"] == "same-origin"
    assert h["cross-origin-resource-policy"] == "same-origin"
    assert "camera=()" in h["permissions-policy"]


@pytest.mark.parametrize(
    "ident",
    ["' OR '1'='1", "x'; DROP TABLE documents; --", "../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc", "\u202e<script>"],
)
def test_hostile_ids_are_plain_data(client: TestClient, ident: str) -> None:
    for path in (f"/api/documents/{ident}", f"/api/stories/{ident}", f"/stories/{ident}"):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "<script>" not in r.text
    assert client.get("/api/documents").json()["total"] == 4  # nothing was dropped


@pytest.mark.parametrize(
    ("filename", "body", "code"),
    [
        ("a.txt", b"\x00\x01\x02binary\x00" * 50, 422),  # binary, not text
        ("a.jsonl", b'{"text": "unterminated\n', 422),  # malformed JSON
        ("a.json", b"[" * 1500 + b"]" * 1500, 422),  # nested deeper than the JSON reader recurses
        ("a.jsonl", b'{"title": "no body"}\n', 422),  # an object without text or html
        ("a.html", b"<html><body><nav>Home | About</nav></body></html>", 422),  # no article text
        ("a.html.gz", gzip.compress(b"<p>hi</p>" * 10), 415),  # compressed uploads are not accepted
        ("a.zip", b"PK\x03\x04", 415),
        ("....", b"text", 415),
    ],
)
def test_malformed_uploads_are_rejected(upload_client: TestClient, filename: str, body: bytes, code: int) -> None:
    r = upload_client.post("/api/documents", params={"filename": filename}, content=body, headers=AUTH)
    assert r.status_code == code, r.text
    assert upload_client.get("/api/documents").json()["total"] == 2


def test_oversized_upload_without_content_length_is_cut_off(upload_client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:  # a streamed body: no Content-Length to trust
        for _ in range(100):
            yield b"x" * 1000

    r = upload_client.post("/api/documents", params={"filename": "big.txt"}, content=chunks(), headers=AUTH)
    assert r.status_code == 413
    assert upload_client.get("/api/documents").json()["total"] == 2


def test_lying_content_length_is_not_trusted(upload_client: TestClient) -> None:
    r = upload_client.post(
        "/api/documents",
        params={"filename": "big.txt"},
        content=b"y" * 9000,
        headers={**AUTH, "Content-Length": "10"},
    )
    assert r.status_code in (400, 413, 422)
    assert upload_client.get("/api/documents").json()["total"] == 2
