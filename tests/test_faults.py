"""Fault injection: a full disk during export, corrupt databases, and analyze killed mid-run.

The long versions live in ``benchmarks/faults/`` (20 kills, a real tmpfs); these are the fast
checks plus one two-kill run marked slow.
"""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storyline import ExportError, StoreError
from storyline.cli import app
from storyline.export import export
from storyline.store import Store

EXIT_ERROR = 3


@pytest.fixture()
def empty_db(tmp_path: Path) -> Path:
    """A valid Storyline database holding one bare document."""
    path = tmp_path / "s.duckdb"
    with Store(path) as store:  # one document, so that every export format has bytes to write
        store.con.execute(
            "INSERT INTO documents (id, source, content_hash, text, removed, seq) "
            "VALUES ('d1', 'a.txt', 'h1', 'The bridge reopened on Friday.', '[]', 1)"
        )
    return path


def _no_leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part") or p.name.startswith(".out"))


# -- disk full during export -----------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_export_on_a_full_disk_fails_cleanly(tmp_path: Path, empty_db: Path, fmt: str) -> None:
    """A real file-size limit (``ulimit -f``): a clear ExportError, and no partial output."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"bundle.{fmt}"
    code = (
        "import sys; from storyline.export import export\n"
        "try:\n    export(sys.argv[1], fmt=sys.argv[2], out=sys.argv[3])\n"
        "except Exception as exc:\n    print(type(exc).__name__, exc, file=sys.stderr); sys.exit(3)\n"
    )

    def limit() -> None:  # 16 bytes: smaller than any section of the bundle
        resource.setrlimit(resource.RLIMIT_FSIZE, (16, 16))

    done = subprocess.run(
        [sys.executable, "-c", code, str(empty_db), fmt, str(target)],
        capture_output=True,
        text=True,
        preexec_fn=limit,
        check=False,
        timeout=120,
    )
    assert done.returncode == EXIT_ERROR, done.stderr
    assert done.stderr.startswith("ExportError"), done.stderr
    assert "File too large" in done.stderr and "Traceback" not in done.stderr
    assert not target.exists()
    assert list(out_dir.iterdir()) == []


def test_folder_export_failure_keeps_the_old_files(
    tmp_path: Path, empty_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A csv export that fails on its last section leaves the earlier export untouched."""
    folder = tmp_path / "tables"
    export(empty_db, fmt="csv", out=folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    real_fsync = os.fsync
    calls = {"n": 0}

    def failing_fsync(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(ExportError, match="No space left on device"):
        export(empty_db, fmt="csv", out=folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_new_folder_is_removed_when_export_fails(
    tmp_path: Path, empty_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "new-tables"

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError):
        export(empty_db, fmt="csv", out=folder)
    assert not folder.exists()


# -- corrupt database ------------------------------------------------------------------------


def _corrupt(path: Path, how: str) -> None:
    # The same damage the fault script applies, so the test and the script cannot drift apart.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks" / "faults"))
    try:
        from corrupt_db import damage
    finally:
        sys.path.pop(0)
    damage(path, how)


@pytest.mark.parametrize("how", ["garbage", "truncated", "flipped", "empty"])
@pytest.mark.parametrize("command", [["export", "--format", "json"], ["report"]])
def test_corrupt_database_gives_a_clear_error(tmp_path: Path, empty_db: Path, how: str, command: list[str]) -> None:
    _corrupt(empty_db, how)
    out = tmp_path / "out.file"
    result = CliRunner().invoke(app, [*command, "--db", str(empty_db), "-o", str(out)])
    assert result.exit_code == EXIT_ERROR, result.output
    assert "error:" in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert not out.exists()


def test_corrupt_database_from_the_library_raises_store_error(tmp_path: Path, empty_db: Path) -> None:
    _corrupt(empty_db, "garbage")
    with pytest.raises(StoreError, match="cannot open database"):
        export(empty_db, fmt="json", out=tmp_path / "x.json")


# -- interrupted runs ------------------------------------------------------------------------


def test_export_refuses_a_database_whose_last_run_was_killed(tmp_path: Path, empty_db: Path) -> None:
    with Store(empty_db) as store:
        store.start_run("killed1")  # never finished: what a SIGKILL leaves
    with pytest.raises(StoreError, match="did not finish"):
        export(empty_db, fmt="json", out=tmp_path / "x.json")
    result = CliRunner().invoke(app, ["report", "--db", str(empty_db), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == EXIT_ERROR and "re-run `storyline analyze`" in result.output
    with Store(empty_db) as store:  # the next run takes over and finishes
        store.start_run("resume1")
        store.finish_run("resume1", status="ok", counts={})
        status = {r["id"]: r["status"] for r in store.query("SELECT id, status FROM runs")}
    assert status == {"killed1": "interrupted", "resume1": "ok"}
    export(empty_db, fmt="json", out=tmp_path / "x.json")
    assert [d["id"] for d in json.loads((tmp_path / "x.json").read_text())["documents"]] == ["d1"]


# -- SIGKILL during analyze --------------------------------------------------------------------

ARTICLES = [
    (
        "tolmere.txt",
        "Water levels fall in Tolmere\n\nThe river authority in Tolmere said on Wednesday that "
        'levels had fallen by a metre since March. "We will keep the limits until the rains come," said '
        "Mara Velt, the authority's director.",
    ),
    (
        "harbour.txt",
        "Harbour strike ends\n\nDock workers in Port Selwyn returned to work on Monday after a "
        'nine-day strike, the union said. "It was a fair deal," union leader Ivo Brandt told reporters.',
    ),
    (
        "council.txt",
        "Council approves budget\n\nThe Tolmere council approved its budget on Tuesday, "
        "according to a statement. The mayor said spending on roads would rise by a tenth.",
    ),
    (
        "bridge.txt",
        "Bridge reopens\n\nThe old bridge over the Selwyn river reopened on Friday after "
        "repairs, officials said. Traffic is expected to return to normal next week.",
    ),
]


@pytest.mark.slow
def test_two_kills_then_resume_equals_a_clean_run(tmp_path: Path) -> None:
    """Kill analyze twice mid-run (after a first commit, and later), resume, compare bundles."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in ARTICLES:
        (corpus / name).write_text(text + "\n", encoding="utf-8")
    code = "import sys; from storyline.pipeline import analyze\nanalyze([sys.argv[1]], db=sys.argv[2], batch_size=1)\n"
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}

    def run(db: Path) -> None:
        subprocess.run([sys.executable, "-c", code, str(corpus), str(db)], check=True, env=env, timeout=600)

    clean, victim = tmp_path / "clean.duckdb", tmp_path / "victim.duckdb"
    run(clean)
    export(clean, fmt="json", out=tmp_path / "clean.json")
    for wanted_docs in (1, 3):  # kill once the store holds this many documents (or the run ends)
        proc = subprocess.Popen([sys.executable, "-c", code, str(corpus), str(victim)], env=env)
        deadline = time.monotonic() + 600
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            if _stored_docs(victim) >= wanted_docs:
                break
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if _stored_docs(victim) < len(ARTICLES):
            with pytest.raises(StoreError, match="did not finish"):
                export(victim, fmt="json", out=tmp_path / "partial.json")
    run(victim)
    export(victim, fmt="json", out=tmp_path / "resumed.json")
    clean_bundle = json.loads((tmp_path / "clean.json").read_text())
    resumed = json.loads((tmp_path / "resumed.json").read_text())
    for key in ("generated", "generated_at"):
        clean_bundle.pop(key, None)
        resumed.pop(key, None)
    assert resumed == clean_bundle


def _stored_docs(db: Path) -> int:
    """Documents committed so far, read through a copy (the live file is locked by its writer)."""
    if not db.exists():
        return 0
    copy = db.with_suffix(".probe")
    try:
        copy.write_bytes(db.read_bytes())
        wal = Path(str(db) + ".wal")
        if wal.exists():
            Path(str(copy) + ".wal").write_bytes(wal.read_bytes())
        with Store(copy, read_only=True) as store:
            return int(store.query("SELECT count(*) AS n FROM documents")[0]["n"])
    except Exception:  # a copy taken mid-write may not open: treat it as "nothing yet"
        return 0
    finally:
        copy.unlink(missing_ok=True)
        Path(str(copy) + ".wal").unlink(missing_ok=True)
