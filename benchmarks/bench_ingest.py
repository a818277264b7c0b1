"""Ingest + clean throughput (no NLP) on ../shared data, against bare baselines in the same run.

Usage: .venv/bin/python benchmarks/bench_ingest.py [--limit N] [--repeat R]

Plain text: PolNeAR article texts through `read_article` (decode, boilerplate removal, normalisation,
language). Baseline: decode + whitespace split only. HTML: article-extraction and htmldate pages
through `read_article` (extraction, metadata, page date, language). Baseline: bare
`trafilatura.extract`. One process, one thread. Skips cleanly when ../shared is absent.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def rate(fn: Callable[[bytes], object], items: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - t0)
    return len(items) / best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=400)
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    if not DATA.is_dir():
        print(json.dumps({"skipped": f"{DATA} not found"}))
        return 0
    import trafilatura

    import storyline

    texts = [p.read_bytes() for p in sorted((DATA / "polnear" / "dev" / "text").glob("*.txt"))]
    texts += [p.read_bytes() for p in sorted((DATA / "polnear" / "train" / "text").glob("*.txt"))]
    texts = texts[: a.limit]
    pages = [gzip.decompress(p.read_bytes()) for p in sorted((DATA / "article-extraction-dev" / "html").glob("*.gz"))]
    pages += [gzip.decompress(p.read_bytes()) for p in sorted((DATA / "htmldate-dev" / "html").glob("*.gz"))]
    pages = pages[: a.limit]
    storyline.read_article(texts[0], filename="warm.txt")
    storyline.read_article(pages[0], filename="warm.html")

    text_rate = rate(lambda b: storyline.read_article(b, filename="a.txt"), texts, a.repeat)
    text_base = rate(lambda b: b.decode("utf-8", "replace").split(), texts, a.repeat)
    html_rate = rate(lambda b: storyline.read_article(b, filename="a.html"), pages, a.repeat)
    html_base = rate(lambda b: trafilatura.extract(b.decode("utf-8", "replace")), pages, a.repeat)

    print(
        json.dumps(
            {
                "texts": len(texts),
                "pages": len(pages),
                "text_docs_per_s": round(text_rate, 1),
                "text_baseline_split_docs_per_s": round(text_base, 1),
                "html_pages_per_s": round(html_rate, 1),
                "html_baseline_trafilatura_pages_per_s": round(html_base, 1),
                "html_ratio_vs_trafilatura": round(html_rate / html_base, 3),
                "targets": {"text_docs_per_s": 200, "html_pages_per_s": 40},
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
