"""Shared runner for the Hypothesis fuzz targets in this folder.

Each target script defines a strategy and a check; `run` drives Hypothesis in rounds with fresh
seeds until the time budget is spent, times every input, and reports the shrunk reproducer of the
first failure (or of every failure with ``--keep-going``). Not part of CI: run by hand, e.g.
``.venv/bin/python benchmarks/fuzz/fuzz_quotes.py --minutes 10``.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import seed as fixed_seed
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure

from storyline import StorylineError

#: Most CPU seconds a single input may take before it counts as a hang. CPU time, not wall time:
#: on a shared machine wall time measures the neighbours as much as the code.
MAX_SECONDS_PER_INPUT = 5.0


class FuzzFailure(AssertionError):
    """A fuzz input broke a documented property."""


@dataclass(slots=True)
class FuzzStats:
    """What one fuzz session did.

    Args:
        target: the target name.
        examples: inputs tried.
        seconds: wall time spent.
        slowest: the slowest input's time in seconds.
        allowed_errors: inputs rejected with a documented StorylineError.
        findings: shrunk reproducers of the failures found.
    """

    target: str
    examples: int = 0
    seconds: float = 0.0
    slowest: float = 0.0
    allowed_errors: int = 0
    findings: list[str] = field(default_factory=list)


def call_checked(stats: FuzzStats, fn: Callable[[], Any], *, what: str) -> Any:
    """Call ``fn`` timing it; documented StorylineErrors return None, anything else fails.

    Args:
        stats: the session counters.
        fn: the call under test.
        what: a label for messages.
    """
    started = time.process_time()
    try:
        result = fn()
    except StorylineError:
        stats.allowed_errors += 1
        result = None
    except Exception as exc:
        raise FuzzFailure(f"{what} raised {exc.__class__.__name__}: {exc}\n{traceback.format_exc()}") from exc
    elapsed = time.process_time() - started
    stats.slowest = max(stats.slowest, elapsed)
    if elapsed > MAX_SECONDS_PER_INPUT:
        raise FuzzFailure(f"{what} took {elapsed:.1f} CPU s (> {MAX_SECONDS_PER_INPUT}s)")
    return result


def expect(condition: bool, message: str) -> None:
    """Fail the current input with ``message`` unless ``condition`` holds.

    Args:
        condition: the property.
        message: what broke.
    """
    if not condition:
        raise FuzzFailure(message)


def check_span(text: str, start: int, end: int, *, what: str) -> None:
    """Offsets lie inside ``text`` and are ordered.

    Args:
        text: the text the offsets point into.
        start: span start.
        end: span end.
        what: a label for messages.
    """
    expect(isinstance(start, int) and isinstance(end, int), f"{what}: offsets are not ints")
    expect(0 <= start <= end <= len(text), f"{what}: span ({start}, {end}) outside text of {len(text)} chars")


def parse_args(description: str, *, variant: tuple[str, Sequence[str]] | None = None) -> argparse.Namespace:
    """The command line every target shares.

    Args:
        description: the target's summary.
        variant: an option that picks one of a script's targets, and its choices (the first is the
            default), e.g. ``("--path", ("html", "text"))``.
    """
    parser = argparse.ArgumentParser(description=description)
    if variant is not None:
        flag, choices = variant
        parser.add_argument(flag, choices=list(choices), default=choices[0], help=f"default {choices[0]}")
    parser.add_argument("--minutes", type=float, default=10.0, help="time budget (default 10)")
    parser.add_argument("--seed", type=int, default=None, help="first seed (default: random)")
    parser.add_argument("--round", type=int, default=200, help="examples per Hypothesis round")
    parser.add_argument("--keep-going", action="store_true", help="record failures and continue")
    parser.add_argument("--out", type=Path, default=None, help="write the stats as JSON here")
    return parser.parse_args()


def run(
    name: str,
    strategy: st.SearchStrategy[Any],
    check: Callable[[FuzzStats, Any], None],
    *,
    args: argparse.Namespace,
    warm_up: Callable[[], object] | None = None,
) -> int:
    """Fuzz ``check`` with inputs from ``strategy`` until the time budget is spent.

    Args:
        name: the target name.
        strategy: the input generator.
        check: calls the API on one input and asserts its properties.
        args: the parsed command line.
        warm_up: loads models first so their one-off load time is not charged to an input.

    Returns:
        the process exit code: 0 when nothing was found, 1 otherwise.
    """
    # Per-document warnings (e.g. "HTML nests deeper than the parser allows") would flood the log.
    logging.disable(logging.WARNING)
    if warm_up:
        warm_up()
    stats = FuzzStats(target=name)
    seed = args.seed if args.seed is not None else random.randrange(2**31)
    deadline = time.monotonic() + args.minutes * 60
    started = time.perf_counter()
    rounds = 0
    while time.monotonic() < deadline:

        @settings(
            max_examples=args.round,
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
            print_blob=False,
            report_multiple_bugs=False,
        )
        @fixed_seed(seed + rounds)
        @given(strategy)
        def one(value: Any) -> None:
            if time.monotonic() >= deadline:
                return  # time is up: let the round run out without work
            stats.examples += 1
            try:
                check(stats, value)
            except FuzzFailure as exc:
                # Hypothesis replays the shrunk input last, so this names the minimal reproducer.
                raise FuzzFailure(f"{exc}\ninput: {value!r}"[:20000]) from exc

        rounds += 1
        try:
            one()
        except (FuzzFailure, FlakyFailure) as exc:
            stats.findings.append(_summary(str(exc)))
            print(f"[{name}] FINDING (seed {seed + rounds - 1}):\n{exc}", file=sys.stderr)
            if not args.keep_going:
                break
    stats.seconds = time.perf_counter() - started
    report = {
        "target": name,
        "seed": seed,
        "rounds": rounds,
        "examples": stats.examples,
        "seconds": round(stats.seconds, 1),
        "slowest_input_cpu_s": round(stats.slowest, 3),
        "allowed_errors": stats.allowed_errors,
        "findings": stats.findings,
    }
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 1 if stats.findings else 0


def _summary(message: str) -> str:
    """First line of the failure plus the reproducer line, trimmed."""
    lines = message.splitlines()
    found = [line for line in lines if line.startswith("input: ")]
    return (lines[0] + (" | " + found[-1] if found else ""))[:3000]
