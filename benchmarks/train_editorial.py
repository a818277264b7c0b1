#!/usr/bin/env python3
"""Train the editorial-wording model on ../shared/data/babe-dev and write src/storyline/data/editorial/model.json.

Usage: .venv/bin/python benchmarks/train_editorial.py [--data DIR] [--folds 5] [--seeds 5] [--c 0.001]
       [--no-write]

Prints stratified k-fold cross-validated macro-F1 / accuracy / AUC (never figures on the training
data), for each of ``--seeds`` shuffles and their mean, then fits on everything and writes the
weights. Skips cleanly (exit 0) when the data is absent.

The word-bias table is learned from the annotators' marked words of the training rows only. A
training row's own word-bias features come from a table learned on the other inner folds
(cross-fitting); with its own marks in the table, the model would learn to trust the scores far more
than they deserve on unseen sentences.
"""

from __future__ import annotations

import argparse
import ast
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
        "version": 2,
        "features": "minilm-384 + lexicon + word-bias",
        "mean": mean.tolist(),
        "scale": scale.tolist(),
        "coef": lr.coef_[0].tolist(),
        "intercept": float(lr.intercept_[0]),
    }


def proba(model: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Probabilities from an in-memory model (same arithmetic as the library)."""
    z = ((x - np.asarray(model["mean"])) / np.asarray(model["scale"])) @ np.asarray(model["coef"])
    return np.asarray(1.0 / (1.0 + np.exp(-(z + model["intercept"]))))


INNER_FOLDS = 5


def _marked(cell: str) -> list[str]:
    try:
        words = ast.literal_eval(cell or "[]")
    except (ValueError, SyntaxError):
        return []
    return [str(w) for w in words] if isinstance(words, list) else []


def word_bias_columns(
    ed: Any, texts: list[str], marked: list[list[str]], y: np.ndarray, train: np.ndarray, *, rows: np.ndarray | None
) -> np.ndarray:
    """Word-bias columns for ``rows`` from a table learned on ``train``; cross-fitted when ``rows`` is None.

    Args:
        ed: the storyline.editorial module.
        texts: all sentences.
        marked: all marked-word lists.
        y: all labels (stratifies the inner folds).
        train: indices the table may learn from.
        rows: indices to compute columns for; None means ``train`` itself, cross-fitted.
    """
    from sklearn.model_selection import StratifiedKFold

    def cols(learn: np.ndarray, at: np.ndarray) -> np.ndarray:
        table = ed.learn_word_bias([texts[i] for i in learn], [marked[i] for i in learn])
        return np.stack([ed.word_bias_features(texts[i], table) for i in at])

    if rows is not None:
        return cols(train, rows)
    out = np.zeros((len(train), len(ed.WORD_BIAS_FEATURES)), dtype=np.float32)
    inner = StratifiedKFold(n_splits=INNER_FOLDS, shuffle=True, random_state=7)
    for a, b in inner.split(train, y[train]):
        out[b] = cols(train[a], train[b])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--c", type=float, default=0.001)
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
    marked = [_marked(r.get("biased_words", "")) for r in rows]
    y = np.array([r["label_bias"] == "Biased" for r in rows], dtype=int)
    t0 = time.perf_counter()
    base = ed.features(texts, word_bias={})[:, : -len(ed.WORD_BIAS_FEATURES)]
    secs = time.perf_counter() - t0
    everyone = np.arange(len(y))
    runs = []
    for seed in range(a.seeds):
        p = np.zeros(len(y))
        for tr, te in StratifiedKFold(n_splits=a.folds, shuffle=True, random_state=seed).split(base, y):
            x_tr = np.hstack([base[tr], word_bias_columns(ed, texts, marked, y, tr, rows=None)])
            x_te = np.hstack([base[te], word_bias_columns(ed, texts, marked, y, tr, rows=te)])
            p[te] = proba(fit(x_tr, y[tr], c=a.c), x_te)
        pred = (p >= 0.5).astype(int)
        runs.append(
            {
                "seed": seed,
                "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
                "accuracy": round(float(accuracy_score(y, pred)), 4),
                "auc": round(float(roc_auc_score(y, p)), 4),
            }
        )
    print(
        json.dumps(
            {
                "cv": f"{a.folds}-fold stratified, {a.seeds} shuffles",
                "sentences": len(y),
                "featurize_s": round(secs, 1),
                "C": a.c,
                "macro_f1": round(float(np.mean([r["macro_f1"] for r in runs])), 4),
                "accuracy": round(float(np.mean([r["accuracy"] for r in runs])), 4),
                "auc": round(float(np.mean([r["auc"] for r in runs])), 4),
                "runs": runs,
            }
        )
    )
    if not a.no_write:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        model = fit(np.hstack([base, word_bias_columns(ed, texts, marked, y, everyone, rows=None)]), y, c=a.c)
        model["word_bias"] = ed.learn_word_bias(texts, marked)
        OUT.write_text(json.dumps(model), encoding="utf-8")
        print(f"wrote {OUT.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
