"""The analyze job end to end: bad input, idempotence, versions, duplicates, crash safety."""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from storyline.export import build_bundle
from storyline.pipeline import analyze
from storyline.store import Store

PARAGRAPHS = [
    "The harbour authority of Port Elsmere said on Tuesday that the northern quay would close for repairs "
    "until the end of June, after storm damage left two cranes unusable.",
    "Shipping agents warned that the closure could delay grain exports by several weeks, and two carriers "
    "said they would divert vessels to the smaller terminal at Kessby.",
    "The authority's director, Mara Lindqvist, told reporters that engineers had begun assessing the quay "
    "wall and that a full report would be published next month.",
]


def article(n: int, *, words: str = "") -> str:
    """A unique, realistic plain-text article."""
    body = "\n\n".join(p.replace("Tuesday", ["Monday", "Tuesday", "Friday"][n % 3]) for p in PARAGRAPHS)
    return f"Quay closure update number {n}\n\n{body}\n\nThe update is number {n} in a series{words}.\n"


def make_corpus(folder: Path, n: int = 6) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (folder / f"story-{i:03d}.txt").write_text(article(i), encoding="utf-8")
    return folder


def test_bad_inputs_are_reported_and_the_rest_is_ingested(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", n=3)
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    latin = "Le ministre a déclaré que la réunion à Genève serait reportée d'une semaine, selon l'agence."
    (corpus / "latin1.txt").write_bytes((article(7) + latin).encode("cp1252"))
    with open(corpus / "huge.txt", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    (corpus / "nested.html").write_text(
        "<html><body>"
        + "<div>" * 10_000
        + f"<p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p>"
        + "</div>" * 10_000
        + "</body></html>"
    )
    with gzip.open(corpus / "bomb.txt.gz", "wb") as fh:
        for _ in range(64):
            fh.write(b"B" * (1024 * 1024))
    (corpus / "feed.jsonl").write_text(json.dumps({"text": article(9)}) + "\n{broken\n")
    summary = analyze([corpus], db=tmp_path / "s.duckdb")
    reasons = {Path(r.source).name: r.reason for r in summary.rejected}
    assert reasons["empty.txt"] == "empty"
    assert reasons["binary.txt"] == "binary"
    assert reasons["huge.txt"] == "too_large"
    assert reasons["bomb.txt.gz"] == "too_large"
    assert reasons["feed.jsonl#2"] == "malformed"
    assert all("\n" not in r.message and Path(r.source.split("#")[0]).name in r.message for r in summary.rejected)
    assert summary.status == "partial"
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        sources = {Path(row["source"]).name: row for row in store.query("SELECT source, text FROM documents")}
        stored_rejections = store.query("SELECT source FROM rejections")
    assert {"story-000.txt", "story-001.txt", "story-002.txt", "latin1.txt", "feed.jsonl#1"} <= set(sources)
    assert "déclaré" in sources["latin1.txt"]["text"] and "Genève" in sources["latin1.txt"]["text"]
    assert any("cp1252" in w for w in summary.warnings)
    # The deeply nested page is read despite exceeding the parser's depth limit.
    assert "nested.html" in sources and "Port Elsmere" in sources["nested.html"]["text"]
    assert len(stored_rejections) == len(summary.rejected)


def test_same_folder_twice_gives_the_same_database(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in")
    db = tmp_path / "s.duckdb"
    first = analyze([corpus], db=db)
    with Store(db, read_only=True) as store:
        before = store.query("SELECT id, source, text, duplicate_of FROM documents ORDER BY id")
    second = analyze([corpus], db=db)
    with Store(db, read_only=True) as store:
        after = store.query("SELECT id, source, text, duplicate_of FROM documents ORDER BY id")
    assert first.added == 6 and second.added == 0 and second.unchanged == 6
    assert before == after


def test_changed_file_becomes_a_new_version(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", n=2)
    db = tmp_path / "s.duckdb"
    analyze([corpus], db=db)
    target = corpus / "story-000.txt"
    target.write_text(article(0, words=" with a correction appended about the quay"), encoding="utf-8")
    summary = analyze([corpus], db=db)
    assert summary.new_versions == 1
    with Store(db, read_only=True) as store:
        versions = store.query("SELECT version, doc_id FROM sources WHERE path = ? ORDER BY version", [str(target)])
        bundle = build_bundle(store)
        superseded = store.query("SELECT id, superseded_by FROM documents WHERE superseded_by IS NOT NULL")
    assert [v["version"] for v in versions] == [1, 2]
    assert superseded == [{"id": versions[0]["doc_id"], "superseded_by": versions[1]["doc_id"]}]
    assert versions[0]["doc_id"] not in {d["id"] for d in bundle["documents"]}


def test_exact_and_near_duplicates_point_at_the_earliest_copy(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    wire = article(1)
    (corpus / "a-original.jsonl").write_text(json.dumps({"text": wire, "published": "2025-01-02", "outlet": "Wire"}))
    (corpus / "b-copy.jsonl").write_text(json.dumps({"text": wire, "published": "2025-01-03", "outlet": "Daily"}))
    edited = wire.replace("several weeks", "a few weeks").replace("two carriers", "three carriers")
    (corpus / "c-edited.jsonl").write_text(json.dumps({"text": edited, "published": "2025-01-04", "outlet": "Post"}))
    (corpus / "d-other.txt").write_text(
        "A festival of lanterns opened in the old town of Brisk on Saturday with music, food stalls and a parade "
        "that drew thousands of visitors despite the cold weather and the early snow."
    )
    analyze([corpus], db=tmp_path / "s.duckdb")
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        bundle = build_bundle(store)
    by_source = {Path(d["source"].split("#")[0]).name: d for d in bundle["documents"]}
    original = by_source["a-original.jsonl"]["id"]
    assert by_source["a-original.jsonl"]["duplicate_of"] is None
    assert by_source["b-copy.jsonl"]["duplicate_of"] == original
    assert by_source["c-edited.jsonl"]["duplicate_of"] == original
    assert by_source["d-other.txt"]["duplicate_of"] is None
    assert [f["kind"] for f in by_source["c-edited.jsonl"]["flags"]] == ["derivative"]
    assert by_source["b-copy.jsonl"]["flags"][0]["score"] == 1.0


def test_non_english_documents_are_stored_and_flagged(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "fr.txt").write_text(
        "Le gouvernement a annoncé mardi que les négociations reprendraient la semaine prochaine à Genève, "
        "après deux mois d'interruption, selon plusieurs diplomates présents lors de la réunion."
    )
    summary = analyze([corpus], db=tmp_path / "s.duckdb")
    with Store(tmp_path / "s.duckdb", read_only=True) as store:
        bundle = build_bundle(store)
    doc = bundle["documents"][0]
    assert doc["language"] == "fr" and summary.non_english == 1
    assert doc["flags"][0]["kind"] == "non_english" and "skip" in doc["flags"][0]["evidence"][0]


_SLOW_RUN = textwrap.dedent("""
    import sys, time
    import storyline.pipeline as p
    real = p.clean_input
    def slow(raw):
        time.sleep(0.02)
        return real(raw)
    p.clean_input = slow
    def progress(seen, added):
        print(seen, flush=True)
    p.analyze([sys.argv[1]], db=sys.argv[2], batch_size=8, progress=progress)
""")


@pytest.mark.slow
def test_sigkill_midway_then_rerun_equals_clean_run(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "in", n=120)
    clean_db, crashed_db = tmp_path / "clean.duckdb", tmp_path / "crashed.duckdb"
    analyze([corpus], db=clean_db)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    for batches in (3, 7):
        # Kill right after a given number of committed batches, while the next batch is in flight.
        proc = subprocess.Popen(
            [sys.executable, "-c", _SLOW_RUN, str(corpus), str(crashed_db)], env=env, stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        for _ in range(batches):
            proc.stdout.readline()
        time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    with Store(crashed_db, read_only=True) as store:
        partial = store.query("SELECT count(*) AS n FROM documents")[0]["n"]
    assert 0 < partial < 120, "the kill should land mid-run"
    analyze([corpus], db=crashed_db)
    query = "SELECT id, source, content_hash, text, duplicate_of FROM documents ORDER BY id"
    with Store(clean_db, read_only=True) as a, Store(crashed_db, read_only=True) as b:
        assert a.query(query) == b.query(query)
        assert b.query("SELECT count(*) AS n FROM sources")[0]["n"] == 120


def test_incremental_run_joins_existing_stories(tmp_path: Path) -> None:
    first = make_corpus(tmp_path / "first", n=3)
    (first / "festival.txt").write_text(
        "Lantern festival opens in Brisk\n\nA festival of lanterns opened in the old town of Brisk on Saturday with "
        "music, food stalls and a parade that drew thousands of visitors despite the cold weather.\n"
    )
    db = tmp_path / "s.duckdb"
    analyze([first], db=db)
    with Store(db, read_only=True) as store:
        before = {Path(r["source"]).name: r["story"] for r in store.query("SELECT source, story FROM documents")}
    assert len({before[f"story-00{i}.txt"] for i in range(3)}) == 1
    assert before["festival.txt"] != before["story-000.txt"]
    second = make_corpus(tmp_path / "second", n=5)
    for i in range(3):
        (second / f"story-00{i}.txt").unlink()
    summary = analyze([second], db=db)
    assert summary.added == 2
    with Store(db, read_only=True) as store:
        after = {Path(r["source"]).name: r["story"] for r in store.query("SELECT source, story FROM documents")}
    assert after["festival.txt"] == before["festival.txt"]
    assert after["story-003.txt"] == after["story-004.txt"] == before["story-000.txt"]


_OLD_EPISODE = (
    "Port Elsmere quay to close for storm repairs\n\n"
    "The harbour authority of Port Elsmere said on Tuesday that the northern quay would close for repairs "
    "until the end of June, after the storms of January 2023 left two cranes unusable.\n\n"
    "Shipping agents warned that the closure could delay grain exports by several weeks, and two carriers "
    "said they would divert vessels to the smaller terminal at Kessby.\n\n"
    "The authority's director, Mara Lindqvist, said the repairs would be finished before the 2023 harvest.\n"
)


def _write_dated(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n, day in enumerate(("12 March 2025", "14 March 2025")):
        (folder / f"dated-{n}.txt").write_text(
            f"Port Elsmere quay closure update {n}\nPublished: {day}\n\n" + "\n\n".join(PARAGRAPHS) + "\n",
            encoding="utf-8",
        )


def _stale_evidence(db: Path) -> dict[str, Any]:
    with Store(db, read_only=True) as store:
        rows = store.query("SELECT d.source, d.story, f.evidence FROM documents d "
                           "LEFT JOIN flags f ON f.doc_id = d.id AND f.kind = 'stale'")
    assert len({r["story"] for r in rows}) == 1, "the articles should form one story"
    return {Path(r["source"]).name: r["evidence"] and json.loads(r["evidence"]) for r in rows}


def test_undated_article_far_older_than_its_story_is_flagged_stale(tmp_path: Path) -> None:
    corpus = tmp_path / "quay"
    _write_dated(corpus)
    # The same story told two years earlier, with no date on the page: only its content dates it.
    (corpus / "undated.txt").write_text(_OLD_EPISODE, encoding="utf-8")
    analyze([corpus], db=tmp_path / "s.duckdb")
    got = _stale_evidence(tmp_path / "s.duckdb")
    assert got["dated-0.txt"] is None and got["dated-1.txt"] is None
    (evidence,) = got["undated.txt"]
    assert evidence.startswith("undated; its content places it no later than 2023-")
    assert "2025-03-12" in evidence


def test_staleness_follows_the_story_across_runs(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    first = tmp_path / "first"
    first.mkdir()
    (first / "undated.txt").write_text(_OLD_EPISODE, encoding="utf-8")
    analyze([first], db=db)
    with Store(db, read_only=True) as store:
        assert store.query("SELECT count(*) AS n FROM flags WHERE kind = 'stale'") == [{"n": 0}]  # nothing to compare
    _write_dated(tmp_path / "second")
    summary = analyze([tmp_path / "second"], db=db)
    assert summary.added == 2
    got = _stale_evidence(db)
    assert got["undated.txt"] and "2025-03-12" in got["undated.txt"][0]


def test_analyze_hands_freed_memory_back_after_every_batch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storyline.memory as memory
    import storyline.pipeline as pipeline
    from storyline.store import Store

    calls: list[int] = []
    evictions: list[str] = []
    monkeypatch.setattr(memory, "_malloc_trim", lambda: calls.append)
    real_release = Store.release_cache

    def counted(self: Store) -> None:
        evictions.append(self.path)
        real_release(self)

    monkeypatch.setattr(Store, "release_cache", counted)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(5):
        (folder / f"{n}.txt").write_text(f"Report {n}\n\nThe council of Varnholt met on Monday to discuss item {n}.\n")
    summary = pipeline.analyze([folder], db=tmp_path / "t.duckdb", batch_size=2)
    assert summary.added == 5
    # One release per batch of two and one after the stream, one after each of the first three
    # cross-document stages, and one before the whole-store claim match (a first run).
    assert calls == [0] * (3 + 1 + 3 + 1)
    assert evictions == [str(tmp_path / "t.duckdb")] * len(calls)


def test_a_large_run_hands_back_its_models_before_the_cross_document_stages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.embed as embed
    import storyline.nlp as nlp
    import storyline.pipeline as pipeline

    loaded: list[tuple[int, int]] = []
    real_link_entities = pipeline.link_entities

    def watching(store: Store, **kwargs: Any) -> int:
        loaded.append((nlp.get_nlp.cache_info().currsize, embed._model.cache_info().currsize))
        return real_link_entities(store, **kwargs)

    monkeypatch.setattr(pipeline, "link_entities", watching)
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Report {n}\n\nThe council of Varnholt met on Monday to discuss item {n}.\n")
    analyze([folder], db=tmp_path / "small.duckdb")
    assert loaded[-1] == (1, 1), "a small run keeps its models for the next one"
    monkeypatch.setattr(pipeline, "LARGE_RUN", 3)
    analyze([folder], db=tmp_path / "large.duckdb")
    assert loaded[-1] == (0, 0)
    bundles = []
    for name in ("small", "large"):
        with Store(tmp_path / f"{name}.duckdb", read_only=True) as store:
            bundles.append(build_bundle(store)["documents"])
    assert bundles[0] == bundles[1]
    (folder / "3.txt").write_text("Report 3\n\nThe mayor of Varnholt said on Tuesday that the council would vote.\n")
    # The next run loads them again.
    assert analyze([folder], db=tmp_path / "large.duckdb").added == 1
    with Store(tmp_path / "large.duckdb", read_only=True) as store:
        assert store.counts()["documents"] == 4


def test_release_free_memory_runs_here() -> None:
    import sys

    from storyline.memory import _malloc_trim, release_free_memory

    release_free_memory()
    if sys.platform.startswith("linux"):
        assert _malloc_trim() is not None


def test_release_models_frees_the_models_themselves_not_only_the_caches() -> None:
    import weakref

    from storyline import embed, nlp
    from storyline.memory import release_models

    embed.embed(["The harbour ferry resumed on Monday."])
    minilm = weakref.ref(embed._model())
    parser = weakref.ref(nlp.get_nlp())
    release_models()
    # The embedding model sits in reference cycles: a dropped cache entry alone left it resident.
    assert minilm() is None
    assert parser() is None
