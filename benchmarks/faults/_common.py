"""Helpers shared by the fault-injection scripts: run the CLI, export, compare bundles."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
#: The storyline command of the virtualenv these scripts run under.
STORYLINE = str(Path(sys.executable).with_name("storyline"))
#: Bundle keys that legitimately differ between two analyses of the same inputs.
VOLATILE_KEYS = frozenset({"generated", "generated_at", "run_id", "ingested_at", "db"})


def env() -> dict[str, str]:
    """The environment for child processes: offline, no colour."""
    out = dict(os.environ)
    out.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "NO_COLOR": "1", "TERM": "dumb"})
    return out


def analyze_cmd(db: Path, corpus: list[str], *, kb: str | None, batch_size: int, engine: str) -> list[str]:
    """The command line of one analyze run.

    Args:
        db: the database file.
        corpus: input paths.
        kb: extra knowledge-base file, or None.
        batch_size: documents per transaction; 0 runs the `storyline analyze` CLI (batches of 64),
            any other value runs the same `storyline.pipeline.analyze` through a one-line runner
            so that a small corpus still commits in several batches.
        engine: "local" or "ray": ``--engine`` for the CLI, ``engine=`` for the runner.
    """
    if batch_size == 0:
        cmd = [STORYLINE, "analyze", *corpus, "--db", str(db), "--quiet"]
        if kb:
            cmd += ["--kb", kb]
        if engine != "local":
            cmd += ["--engine", engine]
        return cmd
    code = (
        "import sys, json; from storyline.pipeline import analyze; "
        "a = json.loads(sys.argv[1]); "
        "extra = {'engine': a['engine']} if a['engine'] != 'local' else {}; "
        "analyze(a['paths'], db=a['db'], batch_size=a['batch'], kb_files=a['kb'], **extra)"
    )
    spec = {"paths": corpus, "db": str(db), "batch": batch_size, "kb": [kb] if kb else [], "engine": engine}
    return [sys.executable, "-c", code, json.dumps(spec)]


def export_bundle(db: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """Run ``storyline export --format json`` and return the finished process.

    Args:
        db: the database file.
        out: the JSON file to write.
    """
    return subprocess.run(
        [STORYLINE, "export", "--db", str(db), "--format", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        env=env(),
        check=False,
    )


def normalise(value: Any) -> Any:
    """Drop the keys that vary between runs, recursively.

    Args:
        value: a decoded bundle or part of one.
    """
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def differences(a: Any, b: Any, *, path: str = "$", limit: int = 20) -> list[str]:
    """Where two decoded bundles differ, as JSON-path-like strings (at most ``limit``).

    Args:
        a: the reference.
        b: the candidate.
        path: the current location.
        limit: the most differences listed.
    """
    out: list[str] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if key not in a or key not in b:
                out.append(f"{path}.{key}: only in {'candidate' if key in b else 'reference'}")
            else:
                out.extend(differences(a[key], b[key], path=f"{path}.{key}", limit=limit))
            if len(out) >= limit:
                break
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items in reference, {len(b)} in candidate")
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            out.extend(differences(x, y, path=f"{path}[{i}]", limit=limit))
            if len(out) >= limit:
                break
    elif a != b:
        out.append(f"{path}: {str(a)[:80]!r} != {str(b)[:80]!r}")
    return out[:limit]


def compare_bundles(reference: Path, candidate: Path) -> list[str]:
    """Differences between two exported bundle files, volatile keys ignored.

    Args:
        reference: the clean run's bundle.
        candidate: the bundle under test.
    """
    a = normalise(json.loads(reference.read_text(encoding="utf-8")))
    b = normalise(json.loads(candidate.read_text(encoding="utf-8")))
    return differences(a, b)
