"""HTML reader: main text, title, author, outlet and stated date of a web page.

The page is parsed once with lxml. Metadata comes from `html_meta`; the main block comes from
trafilatura in its fast, recall-oriented mode (one run per page: the slower fallbacks cost more
than they gain), then `html_filter` drops the boilerplate lines trafilatura kept (headline copy,
teaser links, share/subscribe prompts, copyright). When trafilatura finds nothing, a simple
paragraph-level extraction and the JSON-LD ``articleBody`` are tried instead.
"""

from __future__ import annotations

import logging
import re

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from storyline._exceptions import MalformedInputError
from storyline.clean.html_filter import REMOVED_CHARS, Line, filter_lines
from storyline.clean.html_meta import PageMeta, extract_meta
from storyline.clean.normalize import normalize_text
from storyline.clean.pagedate import find_page_date
from storyline.records import Article

__all__ = ["read_html"]

LOG = logging.getLogger(__name__)

#: Most entries reported in ``Article.removed``.
MAX_REMOVED = 80
#: Page blocks shorter than this many words are not worth reporting as removed.
_MIN_REMOVED_WORDS = 3

_WORD = re.compile(r"\w+", re.UNICODE)
_BREAKS = frozenset({"lb"})
_SPACED = frozenset({"cell", "item", "p", "head", "quote", "list", "row", "table", "code"})
_REPORTED = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "td", "dd", "dt", "blockquote")


def _parse(html: str, *, source: str) -> HtmlElement:
    """Parse the page, tolerating fragments; raise MalformedInputError when lxml cannot."""
    try:
        tree = load_html(html)
        if tree is None:
            tree = lxml.html.fromstring(f"<div>{html}</div>")
    except (etree.ParserError, ValueError, TypeError) as err:
        raise MalformedInputError(f"cannot parse the HTML ({err}); check that the file is a web page", source=source) from err
    if tree is None:
        raise MalformedInputError("cannot parse the HTML; check that the file is a web page", source=source)
    return tree


def _lines_of(block: etree._Element, kind: str) -> list[Line]:
    """Lines of one extracted block, split at <lb>, with the share of characters inside links."""
    lines: list[Line] = []
    pieces: list[str] = []
    link_chars = 0

    def flush() -> None:
        nonlocal pieces, link_chars
        text = " ".join("".join(pieces).split())
        if text:
            total = len(text.replace(" ", ""))
            lines.append(Line(text=text, kind=kind, link_share=min(1.0, link_chars / total) if total else 0.0))
        pieces, link_chars = [], 0

    def add(text: str | None, in_link: bool) -> None:
        nonlocal link_chars
        if text:
            pieces.append(text)
            if in_link:
                link_chars += len(text) - text.count(" ")

    def walk(el: etree._Element, in_link: bool) -> None:
        inside = in_link or el.tag == "ref"
        if el.tag in _SPACED:
            pieces.append(" ")
        add(el.text, inside)
        for child in el:
            if child.tag in _BREAKS:
                flush()
            else:
                walk(child, inside)
            add(child.tail, inside)

    walk(block, False)
    flush()
    return lines


def _body_lines(body: etree._Element) -> list[Line]:
    """Flatten trafilatura's output tree into lines: one per paragraph, list item or table row."""
    lines: list[Line] = []
    for block in body:
        if block.tag == "list":
            for item in block.iter("item"):
                if item.getparent() is block:
                    lines.extend(_lines_of(item, "item"))
        elif block.tag == "table":
            for row in block.iter("row"):
                lines.extend(_lines_of(row, "row"))
        else:
            kind = block.tag if block.tag in ("p", "head", "quote", "code") else "other"
            lines.extend(_lines_of(block, kind))
    return lines


def _extract_lines(tree: HtmlElement, *, url: str | None) -> list[Line]:
    """Main-content lines of the page according to trafilatura, or [] when it finds none."""
    try:
        doc = trafilatura.bare_extraction(
            tree,
            url=url,
            fast=True,
            favor_recall=True,
            include_comments=False,
            include_links=True,
            include_tables=True,
        )
    except (ValueError, TypeError, RecursionError, etree.LxmlError) as err:
        LOG.debug("trafilatura failed: %s", err)
        return []
    body = getattr(doc, "body", None)
    return _body_lines(body) if body is not None else []


def _fallback_lines(tree: HtmlElement, meta: PageMeta) -> list[Line]:
    """Paragraph text of the page, or its JSON-LD articleBody, when the extractor found nothing."""
    paras: list[Line] = []
    for el in tree.iter("p"):
        text = " ".join(el.text_content().split())
        if len(_WORD.findall(text)) >= 5:
            paras.append(Line(text=text))
    if meta.article_body and len(meta.article_body) > sum(len(p.text) for p in paras):
        return [Line(text=" ".join(p.split())) for p in meta.article_body.splitlines() if p.strip()]
    return paras


def _page_blocks(tree: HtmlElement) -> list[str]:
    """Visible text blocks of the page (paragraphs, list items, cells...), for reporting removals."""
    seen: set[str] = set()
    blocks: list[str] = []
    for el in tree.iter(*_REPORTED):
        text = " ".join(el.text_content().split())
        if len(_WORD.findall(text)) >= _MIN_REMOVED_WORDS and text not in seen:
            seen.add(text)
            blocks.append(text)
    return blocks


def _removed(dropped: list[str], page_blocks: list[str], kept_text: str) -> list[str]:
    """Bounded list of what was dropped: filtered lines first, then page blocks not in the text."""
    out: list[str] = []
    seen: set[str] = set()
    kept_key = " ".join(_WORD.findall(kept_text))
    for text in [*dropped, *page_blocks]:
        key = " ".join(_WORD.findall(text))
        if not key or key in seen or key in kept_key:
            continue
        seen.add(key)
        out.append(text if len(text) <= REMOVED_CHARS else text[: REMOVED_CHARS - 1] + "\u2026")
        if len(out) >= MAX_REMOVED:
            break
    return out


def read_html(html: str, *, source: str = "<input>") -> Article:
    """Extract the article from an HTML page.

    Args:
        html: the decoded page.
        source: name used in error messages.

    Raises:
        MalformedInputError: the page cannot be parsed as HTML at all.
    """
    tree = _parse(html, source=source)
    meta = extract_meta(tree)
    lines = _extract_lines(tree, url=meta.url)
    if not lines:
        lines = _fallback_lines(tree, meta)
    kept, dropped = filter_lines(lines, titles=meta.titles)
    text, _ = normalize_text("\n".join(kept))
    return Article(
        text=text,
        title=meta.title,
        outlet=meta.outlet,
        author=meta.author,
        url=meta.url,
        published=find_page_date(html, url=meta.url),
        removed=_removed(dropped, _page_blocks(tree), text),
        original=html,
        offsets=None,
    )
