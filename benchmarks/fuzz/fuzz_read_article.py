"""Fuzz `storyline.read_article` on the HTML, plain-text and JSONL-line paths.

Usage: ``.venv/bin/python benchmarks/fuzz/fuzz_read_article.py --path html --minutes 10``
(``--path`` is html, text or jsonl). Checks: only documented `StorylineError`s escape, each input
takes under 5 s, and the `Article` has the documented field types. The JSONL path runs a line
through the ingest reader and the pipeline's cleaning step, as ``storyline analyze`` does.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness as h
import _strategies as s

import storyline
from storyline.ingest import _read_json_stream
from storyline.pipeline import clean_input
from storyline.records import Article, RawInput


def check_article(art: Any) -> None:
    """The documented shape of an `Article`.

    Args:
        art: what read_article returned.
    """
    h.expect(isinstance(art, Article), f"returned {type(art).__name__}, not Article")
    h.expect(isinstance(art.text, str), "text is not a str")
    h.expect(art.title is None or isinstance(art.title, str), "title is not str | None")
    h.expect(art.outlet is None or isinstance(art.outlet, str), "outlet is not str | None")
    h.expect(isinstance(art.removed, list) and all(isinstance(x, str) for x in art.removed), "removed is not list[str]")
    pub = art.published
    if pub is not None:
        h.expect(isinstance(pub, storyline.DateEstimate), "published is not a DateEstimate")
        for day in (pub.value, pub.earliest, pub.latest):
            h.expect(day is None or isinstance(day, dt.date), "published holds a non-date")
        if pub.earliest and pub.latest:
            h.expect(pub.earliest <= pub.latest, f"published interval reversed: {pub}")


def check_raw(stats: h.FuzzStats, raw: bytes | str, filename: str) -> None:
    """Read one document and check the result.

    Args:
        stats: the session counters.
        raw: the document.
        filename: the name hinting at the format.
    """
    art = h.call_checked(stats, lambda: storyline.read_article(raw, filename=filename), what="read_article")
    if art is not None:
        check_article(art)


def check_jsonl(stats: h.FuzzStats, line: bytes) -> None:
    """Read one JSONL line the way analyze does: ingest, then clean each record.

    Args:
        stats: the session counters.
        line: the raw line.
    """
    items = h.call_checked(
        stats, lambda: list(_read_json_stream(io.BytesIO(line), source="fuzz.jsonl", whole=False)), what="jsonl ingest"
    )
    for item in items or []:
        if isinstance(item, RawInput):
            doc = h.call_checked(stats, functools.partial(clean_input, item), what="clean_input")
            if doc is not None:
                check_article(doc.article)


def _warm_up() -> None:
    """Load the lazily imported parsers once, outside any input's time budget."""
    clean_input(RawInput(source="w.jsonl#1", data="<p>Hello.</p>", format_hint="html", published="March 3, 2021"))
    storyline.read_article("Hello.", filename="a.txt")


def main() -> int:
    """Parse the path option and fuzz it."""
    args = h.parse_args(__doc__.splitlines()[0], variant=("--path", ("html", "text", "jsonl")))
    if args.path == "html":
        return h.run(
            "read_article:html",
            s.html_inputs(),
            lambda st_, raw: check_raw(st_, raw, "page.html"),
            args=args,
            warm_up=_warm_up,
        )
    if args.path == "text":
        strategy = s.st.tuples(s.text_inputs(), s.st.sampled_from(["a.txt", "a.md", None]))
        return h.run(
            "read_article:text", strategy, lambda st_, v: check_raw(st_, v[0], v[1]), args=args, warm_up=_warm_up
        )
    if args.path == "jsonl":
        return h.run("read_article:jsonl", s.jsonl_lines(), check_jsonl, args=args, warm_up=_warm_up)
    raise AssertionError(args.path)  # argparse allows only the choices above


if __name__ == "__main__":
    raise SystemExit(main())
