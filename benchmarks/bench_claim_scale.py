"""Matching cost at scale: `storyline.link.match_claims` over 100k synthetic claims.

Claims are generated from invented sentence templates (actors x actions x objects x numbers) over
10k documents from 40 outlets, so that many claims restate the same proposition. The index part
uses stand-in embeddings (one random unit vector per proposition plus noise), because embedding
100k sentences on 2 CPUs takes long; the real MiniLM embedding cost is measured on a sample and
extrapolated. Prints one JSON object.

    .venv/bin/python benchmarks/bench_claim_scale.py [--claims N] [--embed-sample N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time

import numpy as np

from storyline.claims import Claim, claim_id
from storyline.link import match_claims

ACTORS = ["Ilse Varn", "Tomas Brel", "Odile Marsh", "the Dunmere council", "the harbour board", "Pellow Energy",
          "the transport ministry", "Nadia Korr", "the port authority", "the fishermen's union"]
ACTIONS = [("send", "will send {n} inspectors to {p}"), ("close", "will close the {p} ferry terminal"),
           ("raise", "raised mooring fees in {p} by {n} percent"), ("build", "plans to build {n} homes in {p}"),
           ("cut", "cut the {p} water allowance by {n} litres"), ("fund", "will fund {n} new buses for {p}"),
           ("sell", "sold {n} hectares of land near {p}"), ("hire", "hired {n} nurses for the {p} clinic")]
PLACES = ["Dunmere", "Pellow", "Ashgrove", "Kettering Bay", "Sorrow Point", "Millbrook", "Eastfold", "Harlan",
          "Brisk Harbour", "Oldcastle", "Fenwick", "Lowmarsh"]


def _claims(n: int, *, seed: int = 0) -> tuple[list[Claim], np.ndarray, dict[str, dt.date], dict[str, str]]:
    rng = random.Random(seed)
    nprng = np.random.default_rng(seed)
    n_docs = max(1, n // 10)
    docs = [f"doc{i}" for i in range(n_docs)]
    dates = {d: dt.date(2031, 1, 1) + dt.timedelta(days=rng.randrange(365)) for d in docs}
    outlets = {d: f"Outlet {rng.randrange(40)}" for d in docs}
    props: dict[tuple[int, int, int, int], np.ndarray] = {}
    claims: list[Claim] = []
    vecs = np.empty((n, 384), dtype=np.float32)
    for i in range(n):
        key = (rng.randrange(len(ACTORS)), rng.randrange(len(ACTIONS)), rng.randrange(len(PLACES)), rng.randrange(50))
        actor, (verb, template), place = ACTORS[key[0]], ACTIONS[key[1]], PLACES[key[2]]
        text = f"{actor[0].upper()}{actor[1:]} {template.format(n=10 * (key[3] + 1), p=place)}"
        negated = rng.random() < 0.1
        if negated:
            text = text.replace(" will ", " will not ")
        if key not in props:
            props[key] = nprng.normal(size=384).astype(np.float32)
        vecs[i] = props[key] + 0.35 * nprng.normal(size=384).astype(np.float32)
        doc = docs[i % n_docs]
        claims.append(Claim(id=claim_id(doc, i, i + len(text)), doc=doc, actor=actor if rng.random() < 0.5 else None,
                            statement=text.lower(), text=text, polarity="negated" if negated else "affirmed",
                            modality="planned" if " will " in text else "asserted", start=i, end=i + len(text),
                            predicate=verb, subject=actor.lower()))
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return claims, vecs, dates, outlets


def main() -> int:
    """Run the benchmark and print its JSON figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--embed-sample", type=int, default=1000)
    args = ap.parse_args()
    claims, vecs, dates, outlets = _claims(args.claims)
    t0, c0 = time.perf_counter(), time.process_time()
    rels = match_claims(claims, doc_dates=dates, doc_outlets=outlets, duplicate_of={}, embeddings=vecs)
    match_s, match_cpu = time.perf_counter() - t0, time.process_time() - c0
    out: dict[str, object] = {
        "claims": len(claims), "documents": len(dates), "relations": len(rels),
        "by_kind": {k: sum(r.kind == k for r in rels) for k in ("corroborates", "contradicts", "updates")},
        "match_seconds": round(match_s, 1),
        # CPU time of this process (all threads): the machine may be shared, so wall time can mislead.
        "match_cpu_seconds": round(match_cpu, 1),
    }
    if args.embed_sample:
        from storyline.embed import embed

        sample = [c.text for c in claims[: args.embed_sample]]
        embed(sample[:8])  # load the model outside the timing
        t0, c0 = time.perf_counter(), time.process_time()
        embed(sample)
        per = (time.perf_counter() - t0) / len(sample)
        out["embed_seconds_per_claim"] = round(per, 5)
        out["embed_cpu_seconds_per_claim"] = round((time.process_time() - c0) / len(sample), 5)
        out["embed_seconds_extrapolated"] = round(per * len(claims), 1)
    print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
