#!/usr/bin/env python3
"""Train the editorial-wording model on ../shared/data/babe-dev and write src/storyline/data/editorial/model.json.

Usage: .venv/bin/python benchmarks/train_editorial.py [--data DIR] [--folds 5] [--c 0.3] [--no-write]

Prints stratified k-fold cross-validated macro-F1 / accuracy / AUC (never figures on the training
data), then fits on everything and writes the weights. Skips cleanly (exit 0) when the data is absent.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "babe-dev"
OUT = ROOT / "src" / "storyline" / "data" / "editorial" / "model.json"


def fit(x: np.ndarray, y: np.ndarray, *, c: float) -> dict[str, Any]:
    """A standardised logistic regression as plain JSON-able numbers."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=3000)
    lr.fit((x - mean) / scale, y)
    return {
        "version": 1,
        "features": "minilm-384 + lexicon",
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]),
    }


def proba(model: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Probabilities from an in-memory model (same arithmetic as the library)."""
    z = ((x - np.asarray(model["mean"])) / np.asarray(model["scale"])) @ np.asarray(model["coef"])
    return np.asarray(1.0 / (1.0 + np.exp(-(z + model["intercept"]))))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--c", type=float, default=0.003)
    ap.add_argument("--no-write", action="store_true")
    a = ap.parse_args()
    if not (a.data / "babe.csv").is_file():
        print(json.dumps({"skipped": f"no data at {a.data}"}))
        return 0
    from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
    from sklearn.model_selection import StratifiedKFold

    import storyline  # noqa: F401

    ed = sys.modules["storyline.editorial"]
    with open(a.data / "babe.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    texts = [r["text"] for r in rows]
    y = np.array([r["label_bias"] == "Biased" for r in rows], dtype=int)
    t0 = time.perf_counter()
    x = ed.features(texts)
    secs = time.perf_counter() - t0
    p = np.zeros(len(y))
    for tr, te in StratifiedKFold(n_splits=a.folds, shuffle=True, random_state=0).split(x, y):
        p[te] = proba(fit(x[tr], y[tr], c=a.c), x[te])
    pred = (p >= 0.5).astype(int)
    print(
        json.dumps(
            {
                "cv": f"{a.folds}-fold stratified",
                "sentences": len(y),
                "featurize_s": round(secs, 1),
                "C": a.c,
                "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
                "accuracy": round(float(accuracy_score(y, pred)), 4),
                "auc": round(float(roc_auc_score(y, p)), 4),
            }
        )
    )
    if not a.no_write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(fit(x, y, c=a.c)), encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
