"""Fuzz `storyline.extract_quotes`: offsets inside the text, quote text equals its slice, types right.

Usage: ``.venv/bin/python benchmarks/fuzz/fuzz_quotes.py --minutes 10``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h
import _strategies as s

import storyline


def check(stats: h.FuzzStats, value: tuple[str, Any]) -> None:
    """Extract quotes from one text and check each one.

    Args:
        stats: the session counters.
        value: (text, published date or None).
    """
    text, published = value
    quotes = h.call_checked(stats, lambda: storyline.extract_quotes(text, published=published), what="extract_quotes")
    if quotes is None:
        return
    h.expect(isinstance(quotes, list), "result is not a list")
    for q in quotes:
        h.expect(isinstance(q, storyline.Quote), "item is not a Quote")
        h.check_span(text, q.start, q.end, what="quote")
        h.expect(q.text == text[q.start : q.end], f"quote text {q.text!r} != text[{q.start}:{q.end}]")
        h.expect(q.speaker is None or isinstance(q.speaker, str), "speaker is not str | None")
        if q.speaker_span is not None:
            h.check_span(text, q.speaker_span[0], q.speaker_span[1], what="speaker_span")
        h.expect(q.cue is None or isinstance(q.cue, str), "cue is not str | None")
        h.expect(isinstance(q.direct, bool), "direct is not a bool")
        h.expect(all(isinstance(v, str) for v in q.via), "via holds a non-str")


def main() -> int:
    """Fuzz extract_quotes."""
    args = h.parse_args(__doc__.splitlines()[0])
    return h.run(
        "extract_quotes",
        s.st.tuples(s.any_text(), s.dates()),
        check,
        args=args,
        warm_up=lambda: storyline.extract_quotes('"Fine," she said.'),
    )


if __name__ == "__main__":
    raise SystemExit(main())
