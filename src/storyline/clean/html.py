"""HTML reader: main text, title, author, outlet and stated date of a web page."""

from __future__ import annotations

import trafilatura

from storyline.clean.normalize import normalize_text
from storyline.clean.pagedate import find_page_date
from storyline.records import Article


def read_html(html: str, *, source: str = "<input>") -> Article:
    """Extract the article from an HTML page.

    Args:
        html: the decoded page.
        source: name used in error messages.
    """
    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)
    body = (doc.text if doc else "") or ""
    text, offsets = normalize_text(body)
    return Article(
        text=text,
        title=(doc.title if doc else None) or None,
        outlet=(doc.sitename if doc else None) or None,
        author=(doc.author if doc else None) or None,
        url=(doc.url if doc else None) or None,
        published=find_page_date(html, url=(doc.url if doc else None) or None),
        original=html,
        offsets=None,
    )
