#!/usr/bin/env python3
"""Loaded-language detection against the PTC (SemEval-2020 task 11) Loaded_Language spans.

Usage: .venv/bin/python benchmarks/bench_ptc_loaded_language.py [--data DIR] [--limit N] [--threshold 0.5]

Three detectors, each scored at span level (a predicted span is a hit when it overlaps a gold
Loaded_Language span; a gold span is found when some predicted span overlaps it):

- ``sentence``: every sentence whose `editorial_score` is >= threshold;
- ``lexicon``: every phrase `loaded_phrases` marks;
- ``lexicon_in_editorial``: lexicon phrases inside sentences the model calls editorial.

Also sentence-level P/R/F1, a sentence being positive when it overlaps a gold span. Prints one JSON
line; skips cleanly (exit 0) when the data is absent.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ptc-dev"
_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[\"“'‘(]?[A-Z0-9])")

Span = tuple[int, int]


def sentence_spans(text: str) -> list[Span]:
    """Character spans of the sentences of ``text`` (lines, then a light end-of-sentence rule)."""
    spans: list[Span] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for piece in _SPLIT.split(line.group(0)):
            at = text.index(piece, start)
            if piece.strip():
                spans.append((at, at + len(piece)))
            start = at + len(piece)
    return spans


def overlaps(a: Span, b: Span) -> bool:
    """Whether two half-open spans share at least one character."""
    return a[0] < b[1] and b[0] < a[1]


def load(data: Path, limit: int | None) -> list[tuple[str, list[Span]]]:
    """(article text, gold Loaded_Language spans) per article."""
    out = []
    for path in sorted((data / "articles").glob("article*.txt"))[: limit or None]:
        text = path.read_text(encoding="utf-8")
        gold: list[Span] = []
        labels = data / "labels" / f"{path.stem}.task2-TC.labels"
        if labels.is_file():
            for line in labels.read_text(encoding="utf-8").splitlines():
                parts = line.split("\t")
                if len(parts) == 4 and parts[1] == "Loaded_Language":
                    gold.append((int(parts[2]), int(parts[3])))
        out.append((text, gold))
    return out


def span_pr(pred: list[list[Span]], gold: list[list[Span]]) -> dict[str, float]:
    """Span-level precision/recall/F1 by overlap, pooled over documents."""
    n_pred = sum(len(p) for p in pred)
    n_gold = sum(len(g) for g in gold)
    hit_p = sum(1 for ps, gs in zip(pred, gold, strict=True) for p in ps if any(overlaps(p, g) for g in gs))
    hit_g = sum(1 for ps, gs in zip(pred, gold, strict=True) for g in gs if any(overlaps(p, g) for p in ps))
    pr = hit_p / n_pred if n_pred else 0.0
    rc = hit_g / n_gold if n_gold else 0.0
    f1 = 2 * pr * rc / (pr + rc) if pr + rc else 0.0
    return {"predicted": n_pred, "precision": round(pr, 4), "recall": round(rc, 4), "f1": round(f1, 4)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args()
    if not (a.data / "articles").is_dir():
        print(json.dumps({"skipped": f"no data at {a.data}"}))
        return 0
    import storyline
    from storyline.editorial import loaded_phrases

    docs = load(a.data, a.limit)
    sents = [sentence_spans(text) for text, _ in docs]
    flat = [text[s:e] for (text, _), spans in zip(docs, sents, strict=True) for s, e in spans]
    t0 = time.perf_counter()
    scores = storyline.editorial_score_batch(flat)
    secs = time.perf_counter() - t0
    gold = [g for _, g in docs]
    by_sentence, by_lexicon, combined = [], [], []
    s_tp = s_fp = s_fn = 0
    k = 0
    for (text, gs), spans in zip(docs, sents, strict=True):
        editorial = [sp for sp, sc in zip(spans, scores[k : k + len(spans)], strict=True) if sc >= a.threshold]
        k += len(spans)
        phrases = loaded_phrases(text)
        by_sentence.append(editorial)
        by_lexicon.append(phrases)
        combined.append([p for p in phrases if any(overlaps(p, e) for e in editorial)])
        positive = {sp for sp in spans if any(overlaps(sp, g) for g in gs)}
        s_tp += len(positive & set(editorial))
        s_fp += len(set(editorial) - positive)
        s_fn += len(positive - set(editorial))
    sp = s_tp / (s_tp + s_fp) if s_tp + s_fp else 0.0
    sr = s_tp / (s_tp + s_fn) if s_tp + s_fn else 0.0
    print(
        json.dumps(
            {
                "data": a.data.name,
                "articles": len(docs),
                "sentences": len(flat),
                "gold_spans": sum(len(g) for g in gold),
                "threshold": a.threshold,
                "seconds": round(secs, 1),
                "sentence": span_pr(by_sentence, gold),
                "lexicon": span_pr(by_lexicon, gold),
                "lexicon_in_editorial": span_pr(combined, gold),
                "sentence_level": {
                    "precision": round(sp, 4),
                    "recall": round(sr, 4),
                    "f1": round(2 * sp * sr / (sp + sr), 4) if sp + sr else 0.0,
                    "positive_share": round((s_tp + s_fn) / max(1, len(flat)), 4),
                },
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
