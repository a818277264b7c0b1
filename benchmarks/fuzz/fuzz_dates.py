"""Fuzz `storyline.estimate_date` and `storyline.find_times`.

Usage: ``.venv/bin/python benchmarks/fuzz/fuzz_dates.py --target estimate_date --minutes 10``
(``--target`` is estimate_date or find_times). Checks: only documented errors, under 5 s per
input, ordered intervals, offsets inside the text, and the documented field types.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h
import _strategies as s

import storyline

BASES = {"stated", "metadata", "inferred", "unknown"}


def check_estimate(stats: h.FuzzStats, value: tuple[str, str | None]) -> None:
    """Date one text and check the estimate.

    Args:
        stats: the session counters.
        value: (text, title or None).
    """
    text, title = value
    est = h.call_checked(stats, lambda: storyline.estimate_date(text, title=title), what="estimate_date")
    if est is None:
        return
    h.expect(isinstance(est, storyline.DateEstimate), "result is not a DateEstimate")
    h.expect(est.basis in BASES, f"basis {est.basis!r} is not documented")
    for day in (est.value, est.earliest, est.latest):
        h.expect(day is None or isinstance(day, dt.date), "a non-date in the estimate")
    if est.earliest and est.latest:
        h.expect(est.earliest <= est.latest, f"interval reversed: {est.earliest} > {est.latest}")
    if est.value and est.earliest and est.latest:
        h.expect(est.earliest <= est.value <= est.latest, f"value {est.value} outside its interval")
    h.expect(all(isinstance(e, str) for e in est.evidence), "evidence holds a non-str")


def check_times(stats: h.FuzzStats, value: tuple[str, Any]) -> None:
    """Find the time expressions in one text and check each one.

    Args:
        stats: the session counters.
        value: (text, reference date or None).
    """
    text, reference = value
    times = h.call_checked(stats, lambda: storyline.find_times(text, reference=reference), what="find_times")
    if times is None:
        return
    h.expect(isinstance(times, list), "result is not a list")
    for t in times:
        h.expect(isinstance(t, storyline.TimeExpr), "item is not a TimeExpr")
        h.check_span(text, t.start, t.end, what="timex")
        h.expect(t.text == text[t.start : t.end], f"timex text {t.text!r} != text[{t.start}:{t.end}]")
        h.expect(t.value is None or isinstance(t.value, str), "value is not str | None")


def main() -> int:
    """Parse the target option and fuzz it."""
    args = h.parse_args(__doc__.splitlines()[0], variant=("--target", ("estimate_date", "find_times")))
    if args.target == "estimate_date":
        strategy = s.st.tuples(s.any_text(), s.st.one_of(s.st.none(), s.news_text(max_parts=6)))
        return h.run("estimate_date", strategy, check_estimate, args=args, warm_up=lambda: storyline.estimate_date("x"))
    if args.target == "find_times":
        strategy = s.st.tuples(s.any_text(), s.dates())
        return h.run("find_times", strategy, check_times, args=args, warm_up=lambda: storyline.find_times("today"))
    raise AssertionError(args.target)  # argparse allows only the choices above


if __name__ == "__main__":
    raise SystemExit(main())
