"""Annotate-stage throughput against bare ``nlp.pipe`` on the same texts, in one run.

Usage: .venv/bin/python benchmarks/bench_annotate.py [--limit N] [--repeat R]

Storyline: ``parse_documents`` + ``resolve_document`` (shipped KB) + ``find_times`` on PolNeAR dev
article texts. Baseline: bare ``nlp.pipe`` of the same pipeline over the same texts. Prints one JSON
object with both rates (docs/s, words/s) and their ratio (target >= 0.70). One process, one
thread. Skips cleanly when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "polnear" / "dev" / "text"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="score only the first N texts")
    ap.add_argument("--repeat", type=int, default=2, help="timing repeats; the best is kept")
    args = ap.parse_args()
    if not DATA.is_dir():
        print(json.dumps({"skipped": f"{DATA} is absent"}))
        return 0
    files = sorted(DATA.glob("*.txt"))
    if args.limit:
        files = files[: args.limit]
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    words = sum(len(t.split()) for t in texts)

    from storyline.annotate import parse_documents
    from storyline.entities import resolve_document
    from storyline.kb import load_kb
    from storyline.nlp import get_nlp
    from storyline.timex import find_times

    nlp = get_nlp()
    kb = load_kb()
    # warm up: model, KB index and regexes load once per process, outside the timings
    for doc in parse_documents(texts[:2]):
        resolve_document(doc, kb=kb)
        find_times(doc.text)

    def bare() -> None:
        for _ in nlp.pipe(texts, batch_size=32):
            pass

    mentions = 0

    def storyline_run() -> None:
        nonlocal mentions
        mentions = 0
        for doc in parse_documents(texts, batch_size=32):
            res = resolve_document(doc, kb=kb)
            find_times(doc.text)
            mentions += len(res.mentions)

    # interleave so that machine noise hits both sides alike
    t_bare = t_story = float("inf")
    for _ in range(args.repeat):
        t_bare = min(t_bare, _once(bare))
        t_story = min(t_story, _once(storyline_run))
    result = {
        "docs": len(texts),
        "words": words,
        "baseline_nlp_pipe": {"docs_per_s": round(len(texts) / t_bare, 2), "words_per_s": round(words / t_bare)},
        "storyline_annotate": {
            "docs_per_s": round(len(texts) / t_story, 2),
            "words_per_s": round(words / t_story),
            "mentions": mentions,
        },
        "ratio": round(t_bare / t_story, 3),
    }
    print(json.dumps(result))
    return 0


def _once(fn: Callable[[], None]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


if __name__ == "__main__":
    sys.exit(main())
