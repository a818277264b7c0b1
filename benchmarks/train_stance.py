#!/usr/bin/env python3
"""Train the two-stage stance model on ../shared/data/fnc1-dev and write src/storyline/data/stance/model.json.

Usage: .venv/bin/python benchmarks/train_stance.py [--data DIR] [--folds 5] [--no-write] [--cache FILE]

Prints cross-validated figures with folds grouped by claim (headline), so no headline is seen in
training and scoring at once, then fits on everything and writes the weights. Skips cleanly (exit 0)
when the shared data is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fnc1-dev"
OUT = ROOT / "src" / "storyline" / "data" / "stance" / "model.json"
LABELS = ["agree", "disagree", "discuss", "unrelated"]
RELATED = ["agree", "disagree", "discuss"]
PRIOR = {"agree": 1.5, "disagree": 3.0, "discuss": 1.0}


def topics(rows: list[tuple[str, str, str]]) -> list[str]:
    """Connected components of the headline-body graph over related pairs: one story each.

    Grouping folds by these is stricter than by headline, since a body seen with one headline of a
    story is otherwise in training while another headline of the same story is scored.
    """
    parent: dict[str, str] = {}

    def find(a: str) -> str:
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for h, b, g in rows:
        if g != "unrelated":
            parent[find("h:" + h)] = find("b:" + b)
    return [find("h:" + h) for h, _, _ in rows]


def load(data: Path) -> list[tuple[str, str, str]]:
    """(headline, body, stance) rows."""
    with open(data / "bodies.csv", encoding="utf-8") as fh:
        bodies = {r["Body ID"]: r["articleBody"] for r in csv.DictReader(fh)}
    with open(data / "stances.csv", encoding="utf-8") as fh:
        return [(r["Headline"], bodies[r["Body ID"]], r["Stance"]) for r in csv.DictReader(fh)]


def cached_embed(cache: Path) -> None:
    """Route storyline.embed.embed through an on-disk cache so feature work can iterate quickly."""
    import storyline.embed as emb

    store: dict[str, np.ndarray] = {}
    if cache.is_file():
        z = np.load(cache, allow_pickle=False)
        store = dict(zip(z["texts"].tolist(), z["vecs"], strict=True))
    real = emb.embed

    def embed(texts: Any, *, batch_size: int = 64) -> np.ndarray:
        items = list(texts)
        missing = list(dict.fromkeys(t for t in items if t not in store))
        if missing:
            store.update(zip(missing, real(missing, batch_size=batch_size), strict=True))
            np.savez(cache, texts=np.array(list(store)), vecs=np.stack(list(store.values())))
        return np.stack([store[t] for t in items]) if items else real([])

    emb.embed = embed  # type: ignore[assignment]


def fit_lr(x: np.ndarray, y: list[str], *, c: float, prior: dict[str, float] | None = None) -> dict[str, Any]:
    """Fit a standardised logistic regression and return it as plain JSON-able numbers."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=2000)
    lr.fit((x - mean) / scale, y)
    classes = [str(k) for k in lr.classes_]
    return {
        "classes": classes,
        "prior": [(prior or {}).get(k, 1.0) for k in classes],
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": lr.coef_.tolist(),
        "intercept": lr.intercept_.tolist(),
    }


def fit(x: np.ndarray, gold: list[str], *, c1: float, c2: float) -> dict[str, Any]:
    """Both stages: related/unrelated on all pairs, the related label on gold-related pairs."""
    from storyline.stance import STAGE1_FEATURES, STAGE2_FEATURES

    n1 = len(STAGE1_FEATURES)
    y1 = ["unrelated" if g == "unrelated" else "related" for g in gold]
    rel = [i for i, g in enumerate(gold) if g != "unrelated"]
    return {
        "version": 1,
        "stage1_features": list(STAGE1_FEATURES),
        "stage2_features": list(STAGE2_FEATURES),
        "stage1": fit_lr(x[:, :n1], y1, c=c1),
        # Re-weighting after the softmax trades a little "discuss" recall for the rare agree/disagree
        # labels; weights chosen by topic-grouped cross-validation.
        "stage2": fit_lr(x[rel], [gold[i] for i in rel], c=c2, prior=PRIOR),
    }


def predict_with(model: dict[str, Any], x: np.ndarray) -> list[str]:
    """Labels from an in-memory model, through the library's own inference code."""
    # `storyline.stance` the attribute is the function; the module lives in sys.modules.
    import storyline  # noqa: F401

    st = sys.modules["storyline.stance"]
    m1, m2 = st._LogReg.from_json(model["stage1"]), st._LogReg.from_json(model["stage2"])
    st._models.cache_clear()
    orig = st._models
    st._models = lambda: (m1, m2)  # type: ignore[assignment]
    try:
        return [s.label for s in st.predict(x)]
    finally:
        st._models = orig  # type: ignore[assignment]


def fnc_score(gold: list[str], pred: list[str]) -> float:
    """The FNC-1 weighted score as a percentage of the best possible."""
    got = best = 0.0
    for g, t in zip(gold, pred, strict=True):
        best += 0.25 if g == "unrelated" else 1.0
        if g == t:
            got += 0.25 if g == "unrelated" else 0.75
        if g in RELATED and t in RELATED:
            got += 0.25
    return 100.0 * got / best


def macro_f1(gold: list[str], pred: list[str]) -> tuple[float, dict[str, float]]:
    """Macro-F1 over the four labels, and each label's F1."""
    from sklearn.metrics import f1_score

    per = f1_score(gold, pred, labels=LABELS, average=None, zero_division=0)
    return float(np.mean(per)), {k: round(float(v), 4) for k, v in zip(LABELS, per, strict=True)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c1", type=float, default=1.0)
    ap.add_argument("--c2", type=float, default=0.3)
    ap.add_argument("--cache", type=Path, default=None, help="npz file caching MiniLM vectors between runs")
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    if not (a.data / "stances.csv").is_file():
        print(json.dumps({"skipped": f"no data at {a.data}"}))
        return 0
    from sklearn.model_selection import GroupKFold

    from storyline.stance import featurize

    if a.cache:
        cached_embed(a.cache)
    rows = load(a.data)
    pairs = [(h, b) for h, b, _ in rows]
    gold = [g for _, _, g in rows]
    t0 = time.perf_counter()
    x = featurize(pairs)
    secs = time.perf_counter() - t0
    for name, groups in (("headline", [h for h, _, _ in rows]), ("story", topics(rows))):
        pred = [""] * len(rows)
        for tr, te in GroupKFold(n_splits=a.folds).split(x, gold, groups):
            model = fit(x[tr], [gold[i] for i in tr], c1=a.c1, c2=a.c2)
            for i, lab in zip(te, predict_with(model, x[te]), strict=True):
                pred[i] = lab
        mf, per = macro_f1(gold, pred)
        confusion = {g: dict(Counter(t for gg, t in zip(gold, pred, strict=True) if gg == g)) for g in LABELS}
        print(
            json.dumps(
                {
                    "cv": f"{a.folds}-fold GroupKFold by {name}",
                    "pairs": len(rows),
                    "featurize_s": round(secs, 1),
                    "fnc_score": round(fnc_score(gold, pred), 2),
                    "macro_f1": round(mf, 4),
                    "f1": per,
                    "confusion": confusion,
                }
            )
        )
    if not a.no_write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(fit(x, gold, c1=a.c1, c2=a.c2)), encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
