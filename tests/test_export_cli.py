"""Export formats, the CLI (exit codes, --json, --help), the report and the read-only API."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from storyline import ExportError, StoreError
from storyline.cli import app
from storyline.export import export
from storyline.pipeline import analyze
from storyline.report import write_report
from storyline.store import SCHEMA_VERSION, Store

HOSTILE = "<script>alert('x')</script> <a href=\"javascript:alert(1)\">click</a>"
BODY = (
    "The river authority in Tolmere said on Wednesday that water levels had fallen by a metre since March, "
    "and that restrictions on irrigation would stay in place until the autumn rains arrive."
)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"Water levels fall\n\n{BODY}\n")
    (corpus / "b.jsonl").write_text(
        json.dumps(
            {
                "text": BODY + " " + HOSTILE + " The authority repeated its advice.",
                "title": HOSTILE,
                "outlet": "Tolmere <b>Gazette</b>",
                "published": "2025-06-01",
            }
        )
        + "\n"
    )
    path = tmp_path / "s.duckdb"
    analyze([corpus], db=path)
    return path


def test_json_bundle_has_the_contract_fields(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    export(db, fmt="json", out=out)
    bundle = json.loads(out.read_text())
    assert bundle["version"] == 1
    assert set(bundle) >= {"documents", "entities", "quotes", "claims", "relations", "stories"}
    doc = bundle["documents"][0]
    assert set(doc) >= {
        "id",
        "source",
        "title",
        "outlet",
        "language",
        "published",
        "text",
        "removed",
        "duplicate_of",
        "story",
        "flags",
    }
    assert set(doc["published"]) == {"value", "earliest", "latest", "basis", "evidence"}
    dated = next(d for d in bundle["documents"] if d["source"].endswith("b.jsonl#1"))
    assert dated["published"] == {
        "value": "2025-06-01",
        "earliest": "2025-06-01",
        "latest": "2025-06-01",
        "basis": "metadata",
        "evidence": ['input record states published "2025-06-01"'],
    }


def test_jsonl_csv_parquet(db: Path, tmp_path: Path) -> None:
    export(db, fmt="jsonl", out=tmp_path / "b.jsonl")
    lines = [json.loads(x) for x in (tmp_path / "b.jsonl").read_text().splitlines()]
    assert lines[0] == {"type": "bundle", "version": 1}
    assert [x["type"] for x in lines[1:3]] == ["document", "document"]
    assert {x["type"] for x in lines[3:]} <= {"entity", "quote", "claim", "relation", "story", "position", "outlet"}
    export(db, fmt="csv", out=tmp_path / "csv")
    with open(tmp_path / "csv" / "documents.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 2 and json.loads(rows[0]["published"])["basis"] in {"unknown", "inferred", "metadata"}
    export(db, fmt="parquet", out=tmp_path / "pq")
    import pyarrow.parquet as pq

    assert pq.read_table(tmp_path / "pq" / "documents.parquet").num_rows == 2


@pytest.mark.parametrize(("fmt", "name"), [("json", "b.json"), ("csv", "tables")])
def test_exported_files_follow_the_umask(db: Path, tmp_path: Path, fmt: str, name: str) -> None:
    old = os.umask(0o022)
    try:
        export(db, fmt=fmt, out=tmp_path / name)
    finally:
        os.umask(old)
    written = [tmp_path / name] if fmt == "json" else sorted((tmp_path / name).iterdir())
    assert written and all(stat.S_IMODE(p.stat().st_mode) == 0o644 for p in written)


def test_export_errors_are_clear(db: Path, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown export format"):
        export(db, fmt="xml", out=tmp_path / "x")
    with pytest.raises(ExportError, match="does not exist"):
        export(db, fmt="json", out=tmp_path / "missing" / "b.json")
    with pytest.raises(ExportError, match="output folder"):
        export(db, fmt="csv")
    with pytest.raises(StoreError, match="storyline analyze"):
        export(tmp_path / "absent.duckdb", fmt="json", out=tmp_path / "b.json")


def test_corrupt_database_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"this is not a database" * 1000)
    with pytest.raises(StoreError, match="move it aside"):
        Store(bad)


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_report_escapes_article_content(db: Path, tmp_path: Path) -> None:
    html = write_report(db, out=tmp_path / "r.html").read_text()
    assert "<script>alert" not in html and 'href="javascript:' not in html
    assert "&lt;script&gt;" in html
    assert "Tolmere &lt;b&gt;Gazette&lt;/b&gt;" in html


runner = CliRunner()


def test_cli_exit_codes_and_json(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text(BODY)
    db = tmp_path / "s.duckdb"
    ok = runner.invoke(app, ["analyze", str(corpus), "--db", str(db), "--json"])
    assert ok.exit_code == 0, ok.output
    summary = json.loads(ok.stdout)
    assert summary["added"] == 1 and summary["status"] == "ok"
    (corpus / "empty.txt").write_text("")
    partial = runner.invoke(app, ["analyze", str(corpus), "--db", str(db), "--quiet"])
    assert partial.exit_code == 1
    assert "empty.txt" in partial.stderr and "empty" in partial.stderr
    bad = runner.invoke(app, ["export", "--db", str(tmp_path / "none.duckdb")])
    assert bad.exit_code == 3 and "storyline analyze" in bad.stderr
    usage = runner.invoke(app, ["analyze"])
    assert usage.exit_code == 2


@pytest.mark.parametrize("command", ["analyze", "export", "report", "serve"])
def test_cli_help(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "--db" in result.stdout


def test_read_only_api(db: Path) -> None:
    from fastapi.testclient import TestClient

    from storyline.serve import create_app

    client = TestClient(create_app(db))
    docs = client.get("/api/documents", params={"limit": 1})
    assert docs.status_code == 200 and len(docs.json()["items"]) == 1
    assert docs.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in docs.headers["content-security-policy"]
    doc_id = docs.json()["items"][0]["id"]
    assert client.get(f"/api/documents/{doc_id}").json()["id"] == doc_id
    assert client.get("/api/documents/nope").status_code == 404
    hits = client.get("/api/search", params={"q": "irrigation"}).json()["items"]
    assert len(hits) == 2
    injection = client.get("/api/search", params={"q": "' OR 1=1 --"}).json()["items"]
    assert injection == []
    assert client.post("/api/documents", json={}).status_code == 405
    page = client.get("/")
    assert page.status_code == 200 and "<script>alert" not in page.text


def test_version_1_database_is_migrated(tmp_path: Path) -> None:
    import duckdb

    from storyline.store import _SCHEMA_V1

    path = tmp_path / "old.duckdb"
    con = duckdb.connect(str(path))
    for sql in _SCHEMA_V1:
        con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    con.execute("INSERT INTO entities (id, name, kind, aliases) VALUES ('e1', 'Old Entity', 'person', '[]')")
    con.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 7
        assert store.query("SELECT name, kb_id FROM entities") == [{"name": "Old Entity", "kb_id": None}]
        assert store.query("SELECT count(*) AS n FROM doc_entities") == [{"n": 0}]
        assert store.query("SELECT count(*) AS n FROM story_events") == [{"n": 0}]


def test_version_3_database_gains_the_content_dating_of_undated_documents(tmp_path: Path) -> None:
    import duckdb

    from storyline.store import _SCHEMA_V1, _SCHEMA_V2, _SCHEMA_V3

    path = tmp_path / "v3.duckdb"
    con = duckdb.connect(str(path))
    for sql in (*_SCHEMA_V1, *_SCHEMA_V2, *_SCHEMA_V3):
        con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', '3')")
    rows = [
        ("content", "inferred", '["mentions the year 2023"]'),
        ("story", "inferred", '["its story\'s 2 dated article(s) run from 2025-03-12 to 2025-03-14"]'),
        ("stated", "stated", '["Published: 12 March 2025"]'),
    ]
    for doc_id, basis, evidence in rows:
        con.execute(
            "INSERT INTO documents (id, source, content_hash, text, removed, seq, published_latest, "
            "published_basis, published_evidence) VALUES (?, ?, 'h', 't', '[]', 0, DATE '2023-08-09', ?, ?)",
            [doc_id, doc_id, basis, evidence],
        )
    con.close()
    with Store(path) as store:
        got = {r["id"]: r["content_latest"] for r in store.query("SELECT id, content_latest FROM documents")}
    # only the estimate that came from the content alone is known to be the content's
    assert got == {"content": dt.date(2023, 8, 9), "story": None, "stated": None}


def _database_at_version(path: Path, version: int) -> Any:
    """A new database file with the schema of ``version`` (an open DuckDB connection)."""
    import duckdb

    from storyline.store import MIGRATIONS

    con = duckdb.connect(str(path))
    for target, statements in MIGRATIONS:
        if target <= version:
            for sql in statements:
                con.execute(sql)
    con.execute("INSERT INTO meta VALUES ('schema_version', ?)", [str(version)])
    return con


def test_version_5_database_keeps_its_rows_and_drops_the_child_table_keys(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "v5.duckdb"
    con = _database_at_version(path, 5)
    con.execute(
        "INSERT INTO claims (id, doc_id, text, via, predicate, numbers) VALUES ('c1', 'd1', 'x', '[]', 'say', '[]')"
    )
    con.execute("INSERT INTO claim_vectors VALUES ('c1', '\\x00\\x00\\x80\\x3f'::BLOB)")
    con.execute("INSERT INTO doc_entities VALUES ('d1', 'k1', 'Ana Brandt', 'PERSON', '[]', NULL, NULL, '[]')")
    con.execute(
        "INSERT INTO quotes (id, doc_id, text, \"start\", \"end\", via) VALUES ('q1', 'd1', 'We will', 0, 7, '[]')"
    )
    con.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 7
        keyed = {r[0] for r in store.con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
        assert not keyed & {"claims", "claim_vectors", "doc_entities", "quotes"}
        assert {"documents", "flags", "signatures"} <= keyed
        assert store.query("SELECT id, doc_id, predicate FROM claims") == [
            {"id": "c1", "doc_id": "d1", "predicate": "say"}]
        assert store.query("SELECT octet_length(vector) AS n FROM claim_vectors") == [{"n": 4}]
        assert store.query("SELECT name FROM doc_entities") == [{"name": "Ana Brandt"}]
        assert store.query("SELECT text, \"end\" FROM quotes") == [{"text": "We will", "end": 7}]
        # The columns keep their NOT NULL constraints.
        with pytest.raises(duckdb.ConstraintException):
            store.con.execute("INSERT INTO claims (id, doc_id, text, via) VALUES ('c2', NULL, 'y', '[]')")


def test_version_6_database_keeps_its_sentence_vectors_and_stores_them_uncompressed(tmp_path: Path) -> None:
    import duckdb
    import numpy as np

    path = tmp_path / "v6.duckdb"
    con = _database_at_version(path, 6)
    # Enough rows that DuckDB picks a compression of its own for the vectors at the checkpoint.
    vectors = np.arange(3000 * 8, dtype=np.float32).reshape(3000, 8) % 7
    for n in range(1500):
        con.execute("INSERT INTO doc_sentences VALUES (?, 2, ?, ?)",
                    [f"d{n}", vectors[n].tobytes(), vectors[2 * n : 2 * n + 2].tobytes()])
    con.execute("CHECKPOINT")
    con.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION == 7
        got = dict(pair for part in store.iter_sentence_vectors(["d0", "d777", "d1499"], dim=8) for pair in part)
        assert set(got) == {"d0", "d777", "d1499"}
        assert np.array_equal(got["d777"], vectors[1554:1556])
        keyed = {r[0] for r in store.con.execute(
            "SELECT table_name FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'").fetchall()}
        assert "doc_sentences" in keyed
        store.con.execute("INSERT INTO doc_sentences VALUES ('late', 1, ?, ?)", [vectors[5].tobytes()] * 2)
        store.con.execute("CHECKPOINT")
        for column in ("centroid", "vectors"):
            kinds = {r[0] for r in store.con.execute(
                "SELECT compression FROM pragma_storage_info('doc_sentences') "
                "WHERE column_name = ? AND segment_type = 'BLOB'", [column]).fetchall()}
            assert kinds == {"Uncompressed"}, (column, kinds)
        with pytest.raises(duckdb.ConstraintException):
            store.con.execute("INSERT INTO doc_sentences VALUES ('d0', 1, ?, ?)", [vectors[5].tobytes()] * 2)
