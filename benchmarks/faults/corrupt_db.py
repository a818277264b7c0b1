"""Corrupt a Storyline database four ways and check every command fails clearly.

Usage::

    .venv/bin/python benchmarks/faults/corrupt_db.py --db storyline.duckdb

Copies ``--db`` and damages each copy: random bytes, truncated to a third, bytes flipped in the
data blocks, empty. Then runs ``export``, ``report``, ``analyze`` (on a one-line text) and
``serve`` (which must refuse to start) against each. Each must exit 3 with one ``error:`` line and
no traceback, and write no output. Prints a JSON report; exit code 0 when all held.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import STORYLINE, env

DAMAGE = ("garbage", "truncated", "flipped", "empty")


def damage(path: Path, how: str) -> None:
    """Damage a database file in place.

    Args:
        path: the file.
        how: one of DAMAGE.
    """
    data = bytearray(path.read_bytes())
    if how == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif how == "truncated":
        path.write_bytes(bytes(data[: len(data) // 3]))
    elif how == "flipped":
        for offset in range(4096 * 3, len(data), 997):  # past the headers: the data blocks
            data[offset] ^= 0xFF
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(b"")


def main() -> int:
    """Damage copies of the database and run each command on them."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="storyline-corrupt-"))
    text = work / "a.txt"
    text.write_text("Bridge reopens\n\nThe old bridge reopened on Friday after repairs, officials said.\n")
    results = []
    for how in DAMAGE:
        db = work / f"{how}.duckdb"
        shutil.copyfile(args.db, db)
        damage(db, how)
        commands = {
            "export": ["export", "--db", str(db), "--format", "json", "-o", str(work / f"{how}.json")],
            "report": ["report", "--db", str(db), "-o", str(work / f"{how}.html")],
            "analyze": ["analyze", str(text), "--db", str(db), "--quiet"],
            "serve": ["serve", "--db", str(db), "--port", "0"],
        }
        for name, argv in commands.items():
            done = subprocess.run(
                [STORYLINE, *argv], capture_output=True, text=True, env=env(), timeout=300, check=False
            )
            outputs = [p.name for p in work.iterdir() if p.suffix in (".json", ".html")]
            ok = done.returncode == 3 and "error:" in done.stderr and "Traceback" not in done.stderr and not outputs
            results.append(
                {
                    "damage": how,
                    "command": name,
                    "exit": done.returncode,
                    "ok": ok,
                    "message": done.stderr.strip()[:300],
                }
            )
    print(json.dumps(results, indent=1))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
