"""Eval gate: the demo corpus analysed end to end must not score below the pinned floors.

Floors live in ``tests/golden/floors.json``. Raise a floor when a change improves a figure; a
change that lowers one fails here instead of slipping through.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storyline.evaluate import score_bundle
from storyline.export import build_bundle
from storyline.pipeline import analyze
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = json.loads((ROOT / "tests" / "golden" / "demo.json").read_text(encoding="utf-8"))
FLOORS: dict[str, float] = json.loads((ROOT / "tests" / "golden" / "floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def demo_figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    summary = analyze([ROOT / GOLDEN["corpus"]], db=db, kb_files=[ROOT / GOLDEN["kb"]])
    assert not summary.rejected, [r.message for r in summary.rejected]
    with Store(db, read_only=True) as store:
        bundle = build_bundle(store)
    return score_bundle(bundle, GOLDEN)


@pytest.mark.parametrize("metric", sorted(FLOORS))
def test_metric_meets_floor(demo_figures: dict[str, float], metric: str) -> None:
    assert metric in demo_figures, f"{metric} was not measured"
    assert demo_figures[metric] >= FLOORS[metric], f"{metric} = {demo_figures[metric]} < floor {FLOORS[metric]}"
