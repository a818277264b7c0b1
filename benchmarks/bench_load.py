"""Loopback load on `storyline serve`: N concurrent clients for S seconds, errors, latency, RSS.

Usage::

    .venv/bin/python benchmarks/bench_load.py --db storyline.duckdb --clients 50 --seconds 60

Starts ``storyline serve`` on 127.0.0.1 as a child process, discovers story and document ids,
then runs ``--clients`` asyncio clients (httpx, one connection each) that cycle through the main
pages and API endpoints (overview report, story pages and API, document list and detail, search,
quotes, claims, entities) until the time is up. Prints JSON: requests, errors (any non-2xx or
transport error; must be 0), p50/p95/p99 per endpoint, and the server's RSS sampled every second.
Without ``--db`` it analyses ``examples/corpus`` into a temporary database first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
STORYLINE = str(Path(sys.executable).with_name("storyline"))
SEARCH_TERMS = ("said", "port", "minister", "talks", "troops", "<script>", "' OR 1=1 --", "%", "zzzz")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _client(
    base: str, urls: list[tuple[str, str]], stop: float, seed: int, latencies: dict[str, list[float]], errors: list[str]
) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30.0) as client:
        while time.monotonic() < stop:
            label, url = rng.choice(urls)
            started = time.perf_counter()
            try:
                response = await client.get(url)
                await response.aread()
                ok = 200 <= response.status_code < 300
                detail = f"{response.status_code}"
            except httpx.HTTPError as exc:
                ok, detail = False, exc.__class__.__name__
            latencies.setdefault(label, []).append(time.perf_counter() - started)
            if not ok:
                errors.append(f"{label} {url}: {detail}")


async def _sample_rss(pid: int, stop: float, samples: list[tuple[float, int]]) -> None:
    t0 = time.monotonic()
    while time.monotonic() < stop:
        samples.append((round(time.monotonic() - t0, 1), _rss_kib(pid)))
        await asyncio.sleep(1.0)


def _urls(base: str) -> list[tuple[str, str]]:
    with httpx.Client(base_url=base, timeout=60.0) as client:
        stories = [s["id"] for s in client.get("/api/stories", params={"limit": 500}).json()["items"]]
        docs = [d["id"] for d in client.get("/api/documents", params={"limit": 500}).json()["items"]]
    urls: list[tuple[str, str]] = [("report /", "/"), ("docs page", "/docs"), ("health", "/api/health")]
    urls += [("story page", f"/stories/{s}") for s in stories[:20]]
    urls += [("story api", f"/api/stories/{s}") for s in stories[:20]]
    urls += [("documents", "/api/documents?limit=50"), ("documents", "/api/documents?limit=20&offset=5")]
    urls += [("document", f"/api/documents/{d}") for d in docs[:30]]
    urls += [("search", "/api/search?" + urlencode({"q": t})) for t in SEARCH_TERMS]
    urls += [
        ("quotes", "/api/quotes?limit=50"),
        ("claims", "/api/claims?limit=50"),
        ("entities", "/api/entities?limit=100"),
        ("relations", "/api/relations?limit=100"),
    ]
    return urls


def main() -> int:
    """Run the load test and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp(prefix="storyline-load-")) / "demo.duckdb"
        subprocess.run(
            [
                STORYLINE,
                "analyze",
                str(ROOT / "examples" / "corpus"),
                "--kb",
                str(ROOT / "examples" / "kb.json"),
                "--db",
                str(db),
                "--quiet",
            ],
            check=True,
            env=env,
        )
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [STORYLINE, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if httpx.get(f"{base}/api/health", timeout=2.0).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"server did not start: {server.stderr.read().decode() if server.stderr else ''}")
            time.sleep(0.5)
        urls = _urls(base)
        latencies: dict[str, list[float]] = {}
        errors: list[str] = []
        rss: list[tuple[float, int]] = []
        stop = time.monotonic() + args.seconds
        started = time.perf_counter()

        async def run_all() -> None:
            await asyncio.gather(
                _sample_rss(server.pid, stop, rss),
                *(_client(base, urls, stop, n, latencies, errors) for n in range(args.clients)),
            )

        asyncio.run(run_all())
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    every = [x for values in latencies.values() for x in values]
    half = len(rss) // 2
    report: dict[str, Any] = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "errors": len(errors),
        "error_examples": errors[:10],
        "p50_ms": round(_percentile(every, 0.50) * 1000, 1),
        "p95_ms": round(_percentile(every, 0.95) * 1000, 1),
        "p99_ms": round(_percentile(every, 0.99) * 1000, 1),
        "endpoints": {
            label: {
                "n": len(v),
                "p50_ms": round(_percentile(v, 0.5) * 1000, 1),
                "p95_ms": round(_percentile(v, 0.95) * 1000, 1),
                "mean_ms": round(statistics.fmean(v) * 1000, 1),
            }
            for label, v in sorted(latencies.items())
        },
        "rss_mib": {
            "start": round(rss[0][1] / 1024, 1) if rss else None,
            "max": round(max(r for _, r in rss) / 1024, 1) if rss else None,
            "end": round(rss[-1][1] / 1024, 1) if rss else None,
            # bounded: the second half of the run grows by little compared with the first half's peak
            "max_first_half": round(max((r for _, r in rss[:half]), default=0) / 1024, 1),
            "max_second_half": round(max((r for _, r in rss[half:]), default=0) / 1024, 1),
        },
        "rss_samples_kib": rss,
    }
    print(json.dumps(report, indent=1))
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
