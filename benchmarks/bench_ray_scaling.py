"""Ray engine scaling: full-pipeline throughput (docs/s) with 1, 2, 4, 8, 16 workers.

Usage: .venv/bin/python benchmarks/bench_ray_scaling.py [CORPUS] [--docs 200] [--workers 1,2,4,8,16]
       [--with-local] [--json OUT]

CORPUS is a folder of inputs. Without it, ``benchmarks/make_corpus.py`` generates ``--docs``
documents from ``../shared/data`` into /tmp; without the shared data, the demo corpus is repeated
with a sentence of our own that makes each copy unique. Worker counts above the machine's CPU
count are not measured (they would only time-slice the same cores).

For each worker count: a fresh database, a private Ray instance started outside the timing, then
``analyze(engine="ray", workers=N)``. ``per_doc_s`` is the time until the last batch is stored
(Ray reading, the per-document stages on the actors with their model loading, the shards, the
store); ``total_s`` adds the cross-document stages, which run on the driver. Needs ``storyline[ray]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
DEMO = ROOT / "examples" / "corpus"


def build_corpus(docs: int, folder: Path) -> str:
    """Fill ``folder`` with about ``docs`` unique documents; returns how they were made.

    Args:
        docs: documents wanted.
        folder: an empty folder.
    """
    generator = ROOT / "benchmarks" / "make_corpus.py"
    if generator.is_file() and DATA.is_dir():
        subprocess.run(
            [sys.executable, str(generator), "--docs", str(docs), "--out", str(folder), "--seed", "7"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return f"make_corpus.py --docs {docs} --seed 7"
    from storyline.ingest import iter_inputs
    from storyline.pipeline import clean_input
    from storyline.records import RawInput

    base = []
    for item in iter_inputs([DEMO]):
        if isinstance(item, RawInput):
            article = clean_input(item).article
            published = article.published.value.isoformat() if article.published and article.published.value else None
            base.append(
                {"text": article.text, "title": article.title, "outlet": article.outlet, "published": published}
            )
    with open(folder / "corpus.jsonl", "w", encoding="utf-8") as fh:
        for n in range(docs):
            record = dict(base[n % len(base)])
            copy = n // len(base)
            # A sentence of our own per copy: every document differs, so none is skipped as already stored.
            record["text"] = f"{record['text']}\n\nEditor's note {copy}: this copy was filed as bulletin {n}."
            fh.write(json.dumps(record) + "\n")
    return f"demo corpus repeated to {docs} documents, one unique sentence per copy"


def measure(corpus: Path, *, workers: int | None, kb: list[Path], scratch: Path) -> dict[str, Any]:
    """Analyse ``corpus`` into a fresh database; ``workers`` None runs the local engine.

    Args:
        corpus: the input folder.
        workers: Ray actors, or None for the local engine.
        kb: extra knowledge-base files.
        scratch: where the database goes.
    """
    from storyline.pipeline import analyze

    db = scratch / f"bench-{workers or 'local'}.duckdb"
    for path in (db, Path(f"{db}.wal")):
        path.unlink(missing_ok=True)
    ray = None
    if workers is not None:
        import ray

        # Started outside the timing: a long-lived cluster does not pay this per run.
        ray.init(num_cpus=workers + 1, include_dashboard=False, logging_level=logging.WARNING)
    stored_at = 0.0
    started = time.perf_counter()

    def progress(seen: int, added: int) -> None:
        nonlocal stored_at
        stored_at = time.perf_counter() - started

    try:
        if workers is None:
            summary = analyze([corpus], db=db, kb_files=kb, progress=progress)
        else:
            summary = analyze([corpus], db=db, kb_files=kb, progress=progress, engine="ray", workers=workers)
    finally:
        if ray is not None:
            ray.shutdown()
    return {
        "engine": "local" if workers is None else "ray",
        "workers": workers,
        "docs": summary.seen,
        "per_doc_s": round(stored_at, 2),
        "total_s": round(summary.seconds, 2),
        "per_doc_docs_per_s": round(summary.seen / stored_at, 3) if stored_at else None,
        "docs_per_s": round(summary.seen / summary.seconds, 3),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus", nargs="?", type=Path, help="input folder (default: generate one in /tmp)")
    ap.add_argument("--docs", type=int, default=200, help="documents to generate when no corpus is given")
    ap.add_argument("--workers", default="1,2,4,8,16", help="comma-separated worker counts")
    ap.add_argument("--with-local", action="store_true", help="also time the local engine on the same corpus")
    ap.add_argument("--kb", type=Path, action="append", default=[], help="extra knowledge-base file")
    ap.add_argument("--json", type=Path, help="also write the results to this file")
    a = ap.parse_args()
    try:
        import ray  # noqa: F401
    except ImportError:
        print(json.dumps({"skipped": "ray is not installed; pip install 'storyline[ray]'"}))
        return 0
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    cpus = os.cpu_count() or 1
    wanted = [int(w) for w in a.workers.split(",") if w.strip()]
    counts = [w for w in wanted if w <= cpus]
    scratch = Path(tempfile.mkdtemp(prefix="storyline-ray-bench-"))
    try:
        if a.corpus:
            corpus, made = a.corpus, "given"
        else:
            corpus = scratch / "corpus"
            corpus.mkdir()
            made = build_corpus(a.docs, corpus)
        results = []
        if a.with_local:
            results.append(measure(corpus, workers=None, kb=a.kb, scratch=scratch))
            print(json.dumps(results[-1]), flush=True)
        for w in counts:
            results.append(measure(corpus, workers=w, kb=a.kb, scratch=scratch))
            print(json.dumps(results[-1]), flush=True)
        one = next((r for r in results if r["workers"] == 1), None)
        for r in results:
            if one and r["engine"] == "ray":
                r["ratio_vs_1"] = round(r["docs_per_s"] / one["docs_per_s"], 2)
                r["per_doc_ratio_vs_1"] = round(r["per_doc_docs_per_s"] / one["per_doc_docs_per_s"], 2)
        report = {
            "corpus": str(a.corpus) if a.corpus else made,
            "cpus": cpus,
            "not_measured": [w for w in wanted if w > cpus],
            "results": results,
        }
        print(json.dumps(report, indent=2))
        print(f"{'engine':<7}{'workers':>8}{'docs':>6}{'docs/s':>9}{'x1':>7}{'per-doc docs/s':>16}{'x1':>7}")
        for r in results:
            print(
                f"{r['engine']:<7}{r['workers'] or '-':>8}{r['docs']:>6}{r['docs_per_s']:>9}"
                f"{r.get('ratio_vs_1', '-'):>7}{r['per_doc_docs_per_s']:>16}{r.get('per_doc_ratio_vs_1', '-'):>7}"
            )
        for w in report["not_measured"]:
            print(f"{w} workers: not measured, this machine has {cpus} CPUs")
        if a.json:
            a.json.write_text(json.dumps(report, indent=2))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
