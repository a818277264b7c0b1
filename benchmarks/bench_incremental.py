"""Incremental analyze: time to add N new documents to an existing store against analysing them alone.

Usage: .venv/bin/python benchmarks/bench_incremental.py --store BASE.duckdb --new NEW_DIR [--work DIR]

``BASE.duckdb`` is a store built beforehand (e.g. ``storyline analyze /tmp/corpus/base --db BASE.duckdb``
from documents made by ``benchmarks/make_corpus.py``); it is copied, never changed. Both runs are
separate ``storyline analyze`` processes, one after the other, so each loads its models itself;
the figures are wall time, CPU time (user + system) and peak RSS of each process, and the ratios.
The acceptance of issue 8 asks for an incremental/alone ratio of at most 2 at a 20k-document store.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = ROOT / ".venv" / "bin" / "storyline"


def _run(new: Path, db: Path) -> dict[str, float]:
    """One analyze process: wall seconds, CPU seconds and peak RSS (MiB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    # /usr/bin/time -f reports this child's own peak RSS (RUSAGE_CHILDREN keeps the maximum of all).
    proc = subprocess.run(
        ["/usr/bin/time", "-f", "%M", str(CLI), "analyze", str(new), "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    rss_kib = int(proc.stderr.strip().splitlines()[-1])
    summary = json.loads(proc.stdout)
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(cpu, 1),
        "peak_rss_mib": round(rss_kib / 1024),
        "added": summary["added"],
    }


def main() -> int:
    """Run the benchmark and print one JSON object."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True, help="existing store (copied, not changed)")
    ap.add_argument("--new", type=Path, required=True, help="folder or file of the new documents")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: a temporary one)")
    args = ap.parse_args()
    if not args.store.is_file():
        print(f"skipped: {args.store} does not exist", file=sys.stderr)
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_incremental_"))
    work.mkdir(parents=True, exist_ok=True)
    grown = work / "grown.duckdb"
    alone = work / "alone.duckdb"
    for path in (grown, alone):
        path.unlink(missing_ok=True)
    shutil.copyfile(args.store, grown)
    import duckdb

    with duckdb.connect(str(grown), read_only=True) as con:
        row = con.execute("SELECT count(*) FROM documents").fetchone()
    base_docs = int(row[0]) if row else 0
    inc = _run(args.new, grown)
    solo = _run(args.new, alone)
    print(
        json.dumps(
            {
                "store_documents": base_docs,
                "incremental": inc,
                "alone": solo,
                "wall_ratio": round(inc["wall_s"] / solo["wall_s"], 2),
                "cpu_ratio": round(inc["cpu_s"] / solo["cpu_s"], 2),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
