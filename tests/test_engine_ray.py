"""The Ray engine: same bundle as the local engine, shard plumbing, and no Ray import unless asked."""

from __future__ import annotations

import importlib.util
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest

from storyline._exceptions import EngineError
from storyline.engine_ray import read_output_shards, result_table, write_input_shards
from storyline.export import export
from storyline.pipeline import BatchResult, analyze
from storyline.records import Article, Document, RawInput, Rejection

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "corpus"
KB = ROOT / "examples" / "kb.json"
HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(not HAS_RAY, reason="ray is not installed (pip install 'storyline[ray]')")

#: Bundle keys that describe a run rather than its result (none are in bundle version 1 today).
RUN_FIELDS = frozenset({"run_id", "run", "started", "finished", "seconds", "duration", "db", "generated_at"})


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in RUN_FIELDS}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _canonical(bundle: dict[str, Any]) -> dict[str, Any]:
    """The bundle with run fields removed and ties in the export's sort order broken by id.

    The export orders quotes and claims by (doc, start) only, so two claims that start at the same
    offset come out in whatever order the database scans them; that order is not a result.
    """
    out = _strip(bundle)
    for section in ("quotes", "claims"):
        out[section] = sorted(out[section], key=lambda r: (r["doc"], r["start"], r["end"], r["id"]))
    return out


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """A private Ray instance on this machine for the module's tests."""
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=3, include_dashboard=False, logging_level=logging.WARNING)
    yield
    ray.shutdown()


@pytest.mark.slow
@needs_ray
def test_ray_engine_gives_the_same_bundle_as_the_local_engine(tmp_path: Path, local_ray: None) -> None:
    # Small batches: the corpus spreads over several shards and both actors, so order matters.
    options: dict[str, Any] = {"kb_files": [KB], "batch_size": 8}
    local = analyze([CORPUS], db=tmp_path / "local.duckdb", **options)
    distributed = analyze([CORPUS], db=tmp_path / "ray.duckdb", engine="ray", workers=2, **options)
    for summary in (local, distributed):
        assert summary.seen == 19 and summary.added == 19 and not summary.rejected
    assert distributed.totals == local.totals
    export(tmp_path / "local.duckdb", fmt="json", out=tmp_path / "local.json")
    export(tmp_path / "ray.duckdb", fmt="json", out=tmp_path / "ray.json")
    a = _canonical(json.loads((tmp_path / "local.json").read_text()))
    b = _canonical(json.loads((tmp_path / "ray.json").read_text()))
    assert a["documents"] and a["quotes"] and a["claims"] and a["relations"] and a["stories"] and a["entities"]
    for section in a:
        assert b[section] == a[section], f"bundles differ in {section!r}"
    assert b == a
    # The scratch shards are gone.
    assert not list(tmp_path.glob(".storyline-ray-*"))


def test_input_shards_round_trip_in_order(tmp_path: Path) -> None:
    items: list[RawInput | Rejection] = [
        RawInput(source="a.html", data=b"<p>bytes</p>", format_hint="html"),
        Rejection("b.txt", "empty", "b.txt: document is empty"),
        RawInput(source="c.jsonl::line 1", data="text \ud800 with a lone surrogate", title="T", published="2025-01-02"),
    ]
    assert write_input_shards(items, tmp_path, rows_per_file=2) == 3
    files = sorted(tmp_path.glob("*.parquet"))
    assert [pq.read_metadata(f).num_rows for f in files] == [2, 1]
    rows = [r for f in files for r in pq.read_table(f).to_pylist()]
    assert [r["ordinal"] for r in rows] == [0, 1, 2]
    from storyline.engine_ray import _input_item

    assert [_input_item(r) for r in rows] == items


def _doc(n: int) -> Document:
    doc = Document(id=f"d{n}", source=f"{n}.txt", article=Article(text=f"text {n}"), content_hash=f"h{n}")
    doc.story_vector = np.full(3, n / 7, dtype=np.float32)
    return doc


def test_output_shards_are_merged_in_input_order_even_when_they_overlap(tmp_path: Path) -> None:
    import pyarrow.parquet as pq_

    vec = np.linspace(0, 1, 4, dtype=np.float32)
    # Three shards whose ordinal ranges interleave, written in a scrambled order.
    for name, ordinals in {"z": [1, 4], "a": [0, 2, 6], "m": [3, 5]}.items():
        outcomes: list[Document | Rejection] = [
            Rejection(f"{n}.txt", "empty", "empty") if n == 5 else _doc(n) for n in ordinals
        ]
        done = BatchResult(
            outcomes=outcomes,
            signatures={
                d.id: np.arange(4, dtype=np.uint32) + n
                for n, d in zip(ordinals, outcomes, strict=True)
                if isinstance(d, Document)
            },
            vectors={"d2": {"c1": vec}},
        )
        pq_.write_table(result_table(ordinals, done), tmp_path / f"{name}.parquet")
    rows = list(read_output_shards(tmp_path))
    assert [r["ordinal"] for r in rows] == list(range(7))
    from storyline.engine_ray import _batches

    batches = list(_batches(iter(rows), batch_size=3, total=7))
    assert [len(b.outcomes) for b in batches] == [3, 3, 1]
    first = batches[0]
    assert [d.id for d in first.documents] == ["d0", "d1", "d2"]
    np.testing.assert_array_equal(first.documents[2].story_vector, np.full(3, 2 / 7, dtype=np.float32))
    np.testing.assert_array_equal(first.signatures["d1"], np.arange(4, dtype=np.uint32) + 1)
    np.testing.assert_array_equal(first.vectors["d2"]["c1"], vec)
    assert batches[1].rejections == [Rejection("5.txt", "empty", "empty")]
    with pytest.raises(EngineError, match="returned 7 results for 8 inputs"):
        list(_batches(iter(rows), batch_size=3, total=8))


def test_unknown_engine_is_an_engine_error(tmp_path: Path) -> None:
    with pytest.raises(EngineError, match="unknown engine"):
        analyze([CORPUS], db=tmp_path / "x.duckdb", engine="spark")


def test_local_engine_never_imports_ray() -> None:
    code = (
        "import sys, storyline.cli, storyline.pipeline, storyline.engine_ray\n"
        "from storyline.cli import app\n"
        "assert not any(m == 'ray' or m.startswith('ray.') for m in sys.modules), 'ray was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


@needs_ray
def test_ray_engine_leaves_stored_inputs_out_and_counts_them_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.engine_ray as engine_ray

    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(3):
        (folder / f"{n}.txt").write_text(f"Note {n}\n\nThe mill at Orrin Ford reopened on Friday, item {n}.\n")
    db = tmp_path / "t.duckdb"
    assert analyze([folder], db=db).added == 3
    (folder / "3.txt").write_text("Note 3\n\nA new footbridge over the Orrin opened on Saturday.\n")
    shipped: list[int] = []
    real = engine_ray.write_input_shards

    def counting(items: Any, out: Path, *, rows_per_file: int) -> int:
        shipped.append(real(items, out, rows_per_file=rows_per_file))
        # Nothing reaches Ray: the new file is left out too, so no instance is started here.
        return 0

    monkeypatch.setattr(engine_ray, "write_input_shards", counting)
    summary = analyze([folder], db=db, engine="ray")
    assert shipped == [1], "only the new input goes to the shards"
    assert (summary.seen, summary.unchanged, summary.added) == (3, 3, 0)
