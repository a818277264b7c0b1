"""Fill the disk during `storyline export`: every format must fail clearly and leave nothing behind.

Usage::

    .venv/bin/python benchmarks/faults/disk_full_export.py --db storyline.duckdb

Writes into a 64 KiB tmpfs when it can mount one (root with CAP_SYS_ADMIN), otherwise under a
``ulimit -f`` of 16 KiB. The database must export to more than that (any analysed corpus does).
Checks per format: exit code 3, an ``error: cannot write ...`` line, no traceback, and an output
folder as empty as before. Prints a JSON report; exit code 0 when every format held.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import STORYLINE, env

FORMATS = ("json", "jsonl", "csv", "parquet")


def _mount_tmpfs(target: Path) -> bool:
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(target)], capture_output=True)
    return done.returncode == 0


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (16 * 1024, 16 * 1024))


def main() -> int:
    """Run the export under a full disk for each format."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="storyline-diskfull-"))
    small = work / "small"
    small.mkdir()
    mounted = _mount_tmpfs(small)
    results = []
    try:
        for fmt in FORMATS:
            out = small / f"out.{fmt}"
            done = subprocess.run(
                [STORYLINE, "export", "--db", str(args.db), "--format", fmt, "-o", str(out)],
                capture_output=True,
                text=True,
                env=env(),
                preexec_fn=None if mounted else _limit_file_size,
                check=False,
            )
            left = sorted(p.name for p in small.iterdir())
            ok = done.returncode == 3 and "cannot write" in done.stderr and "Traceback" not in done.stderr and not left
            results.append(
                {"format": fmt, "exit": done.returncode, "message": done.stderr.strip()[-300:], "left": left, "ok": ok}
            )
    finally:
        if mounted:
            subprocess.run(["umount", str(small)], check=False)
    report = {"method": "tmpfs 64 KiB" if mounted else "ulimit -f 16 KiB", "results": results}
    print(json.dumps(report, indent=1))
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
