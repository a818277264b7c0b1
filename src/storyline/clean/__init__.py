"""Cleaning stage: raw page (HTML, text, markdown) in, `Article` out.

`read_article` decodes the input, picks the reader for its format, normalises Unicode with an
offset map back to the original, and detects the language. It never touches the store.
"""

from __future__ import annotations

from storyline.clean.decode import decode_document, sniff_format
from storyline.clean.html import read_html
from storyline.clean.language import detect_language
from storyline.clean.text import read_text
from storyline.records import Article

__all__ = ["read_article"]


def read_article(raw: bytes | str, filename: str | None = None) -> Article:
    """Read one document into a cleaned `Article`.

    Args:
        raw: the document as bytes or str: plain text, markdown or HTML.
        filename: optional name whose suffix hints at the format (".html", ".txt", ".md").

    Raises:
        storyline.InputError: the input is empty, binary, too large or cannot be parsed.
    """
    source = filename or "<input>"
    decoded, encoding = decode_document(raw, source=source)
    fmt = sniff_format(decoded, filename=filename)
    article = read_html(decoded, source=source) if fmt == "html" else read_text(decoded, markdown=fmt == "markdown")
    article.format = fmt
    article.encoding = encoding
    article.language, article.language_score = detect_language(article.text or article.title or "")
    return article
