"""Same-proposition decision on MRPC: `storyline.link.proposition_score` vs a word-overlap baseline.

Also reported: ``storyline_decision``, the corroboration decision `storyline.link.shared_proposition`
with its fixed thresholds, on bare sentences (no parse, so only its paraphrase and figure rules apply).

The pairs are shuffled (seed 0) and split in two halves: each method's threshold is tuned for
accuracy on the first half and reported on the second. Sentences are embedded with the packaged
MiniLM (`storyline.embed`). Skips cleanly when the data file is absent. Prints one JSON object.

    .venv/bin/python benchmarks/bench_mrpc.py [--data PATH] [--limit N]
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

from storyline.claims import Claim
from storyline.embed import embed
from storyline.link import claim_parts, keywords, numbers, proposition_score, shared_proposition

DEFAULT = Path(__file__).resolve().parents[2] / "shared/data/mrpc-dev/msr_paraphrase_train.txt"


def _load(path: Path) -> list[tuple[int, str, str]]:
    rows = []
    with path.open(encoding="utf-8-sig") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) == 5 and row[0] in ("0", "1"):
                rows.append((int(row[0]), row[3], row[4]))
    return rows


def _tune(scores: np.ndarray, labels: np.ndarray) -> float:
    """Threshold with the best accuracy."""
    best, best_acc = 0.0, -1.0
    for t in np.unique(np.round(scores, 3)):
        acc = float(np.mean((scores >= t) == labels))
        if acc > best_acc:
            best, best_acc = float(t), acc
    return best


def _metrics(pred: np.ndarray, labels: np.ndarray) -> dict[str, float]:
    tp = float(np.sum(pred & labels))
    precision = tp / max(1.0, float(np.sum(pred)))
    recall = tp / max(1.0, float(np.sum(labels)))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"accuracy": round(float(np.mean(pred == labels)), 4), "f1": round(f1, 4),
            "precision": round(precision, 4), "recall": round(recall, 4)}


def _overlap(a: str, b: str) -> float:
    x, y = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    return 2 * len(x & y) / (len(x) + len(y)) if x and y else 0.0


def _bare_claim(text: str) -> Claim:
    return Claim(id="x", doc="d", actor=None, statement=text, text=text, polarity="affirmed", modality="asserted",
                 start=0, end=len(text))


def _decision(cosine: float, a: str, b: str, score: float) -> bool:
    pa, pb = claim_parts(_bare_claim(a)), claim_parts(_bare_claim(b))
    return shared_proposition(pa, pb, cosine=cosine, score=score) is not None


def main() -> int:
    """Run the benchmark and print its JSON figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    if not args.data.is_file():
        print(json.dumps({"skipped": f"{args.data} not found"}))
        return 0
    rows = _load(args.data)
    random.Random(0).shuffle(rows)
    if args.limit:
        rows = rows[: args.limit]
    labels = np.array([r[0] == 1 for r in rows])
    t0 = time.perf_counter()
    va = embed([r[1] for r in rows])
    vb = embed([r[2] for r in rows])
    embed_s = time.perf_counter() - t0
    cos = np.sum(va * vb, axis=1)
    ours = np.array([proposition_score(float(c), keywords(a), keywords(b), numbers_a=numbers(a), numbers_b=numbers(b))
                     for c, (_, a, b) in zip(cos, rows, strict=True)])
    base = np.array([_overlap(a, b) for _, a, b in rows])
    half = len(rows) // 2
    out: dict[str, object] = {"pairs": len(rows), "tune": half, "test": len(rows) - half,
                              "positive_rate_test": round(float(labels[half:].mean()), 4),
                              "embed_seconds": round(embed_s, 1)}
    for name, scores in (("storyline", ours), ("cosine_only", cos), ("baseline_word_overlap", base)):
        t = _tune(scores[:half], labels[:half])
        out[name] = {"threshold": round(t, 3), **_metrics(scores[half:] >= t, labels[half:])}
    # The corroboration decision itself (`shared_proposition`, fixed thresholds, nothing tuned here) on
    # bare sentences: without a parse only its paraphrase and same-figure rules can fire.
    decided = np.array([_decision(float(c), a, b, float(s)) for c, (_, a, b), s in zip(cos, rows, ours, strict=True)])
    out["storyline_decision"] = _metrics(decided[half:], labels[half:])
    out["majority_class"] = _metrics(np.ones(len(rows) - half, dtype=bool), labels[half:])
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
