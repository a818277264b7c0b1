"""False alarms of the two content rules of the ``stale`` flag, on real dated news with their true dates.

None of these texts is a stale re-post, so every hit is a false alarm:

* ``story_rule``: texts whose content-only dating interval (`storyline.estimate_date`) ends at least
  ``MIN_GAP_DAYS`` before their true date. Such a text, undated in a story whose first dated article
  appeared on its true date, would be flagged by `storyline.staleness.story_stale_flags`.
* ``office_rule``: texts that `storyline.assess_roles.past_offices` flags at their true date with the
  packaged knowledge base.

Data (skipped cleanly when absent): PolNeAR train+dev texts with ``metadata.tsv`` dates, TempEval
TimeML texts with their creation times, and the English pages of the htmldate set (office rule only:
their dates come from the page). Prints one JSON object.

    .venv/bin/python benchmarks/eval_staleness.py
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
_TAG = re.compile(r"<[^>]+>")
_DCT = re.compile(r"<DCT>\s*<TIMEX3[^>]*value=\"(\d{4}-\d{2}-\d{2})")
_TEXT = re.compile(r"<TEXT>(.*?)</TEXT>", re.S)


def _polnear(root: Path) -> list[tuple[str, dt.date]]:
    with (root / "metadata.tsv").open(encoding="utf-8") as fh:
        dates = {r["filename"]: r["publication_date"] for r in csv.DictReader(fh, delimiter="\t")}
    out = []
    for split in ("train", "dev"):
        for f in sorted((root / split / "text").glob("*.txt")):
            if dates.get(f.stem) not in (None, "", "None"):
                out.append((f.read_text(encoding="utf-8"), dt.date.fromisoformat(dates[f.stem][:10])))
    return out


def _timeml(root: Path) -> list[tuple[str, dt.date]]:
    import html

    out = []
    for f in sorted(root.rglob("*.tml")):
        raw = f.read_text(encoding="utf-8", errors="replace")
        day, body = _DCT.search(raw), _TEXT.search(raw)
        if day and body:
            out.append((html.unescape(_TAG.sub("", body.group(1))).strip(), dt.date.fromisoformat(day.group(1))))
    return out


def _htmldate_english(root: Path) -> list[tuple[str, dt.date]]:
    from storyline.clean import read_article

    out = []
    for g in json.loads((root / "gold.json").read_text(encoding="utf-8")).values():
        if not isinstance(g.get("date"), str):
            continue
        with gzip.open(root / "html" / g["file"]) as fh:
            art = read_article(fh.read(), filename=g["file"].removesuffix(".gz"))
        if art.language == "en":
            out.append((art.text, dt.date.fromisoformat(g["date"][:10])))
    return out


def main() -> int:
    from storyline import estimate_date
    from storyline.assess_roles import past_offices, titled_mentions
    from storyline.kb import load_kb
    from storyline.staleness import MIN_GAP_DAYS

    sets = {"polnear": (SHARED / "polnear", _polnear), "timeml": (SHARED / "tempeval-dev", _timeml),
            "htmldate_en": (SHARED / "htmldate-dev", _htmldate_english)}
    present = {name: load(root) for name, (root, load) in sets.items() if root.is_dir()}
    if not present:
        print(json.dumps({"skipped": f"no evaluation data under {SHARED}"}))
        return 0
    kb = load_kb()
    report: dict[str, Any] = {"min_gap_days": MIN_GAP_DAYS}
    for name, items in present.items():
        row: dict[str, Any] = {"texts": len(items)}
        row["office_rule"] = sum(past_offices(text, published=day, kb=kb) is not None for text, day in items)
        row["titled_mentions"] = sum(len(titled_mentions(text, kb)) for text, _ in items)
        if name != "htmldate_en":
            early = 0
            for text, day in items:
                est = estimate_date(text)
                early += est.basis == "inferred" and est.latest is not None and (day - est.latest).days >= MIN_GAP_DAYS
            row["story_rule"] = early
            row["story_rule_share"] = round(early / len(items), 4)
        report[name] = row
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
