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
from collections import Counter
from collections.abc import Iterable, Iterator
from copy import deepcopy
from itertools import chain, islice

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

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
#: Most page blocks examined when listing what was removed.
_MAX_BLOCKS_SCANNED = 200
#: Page blocks shorter than this many words are not worth reporting as removed.
_MIN_REMOVED_WORDS = 3
#: Sibling chunks must add at least this many words to be merged into the text.
_MIN_CONTINUATION_WORDS = 30
#: Class of embedded social posts (quoted tweets, Instagram posts) kept as story content.
_EMBED_CLASS = re.compile(r"\b(?:twitter-tweet|instagram-media|tiktok-embed)\b")
#: Extracted paragraphs located in the page to find their container.
_CONTAINER_SAMPLE = 8
#: Paragraphs of sibling chunks that are mostly links (teasers) are not merged.
_MAX_CONTINUATION_LINKS = 0.5

_WORD = re.compile(r"\w+", re.UNICODE)
_BREAKS = frozenset({"lb"})
_SPACED = frozenset({"cell", "item", "p", "head", "quote", "list", "row", "table", "code"})
#: Layout containers removed from pages nested too deeply to parse.
_LAYOUT_TAG = re.compile(
    r"</?(?:div|span|section|article|main|aside|header|footer|nav|font|center|table|tbody|thead|tr|td|th|ul|ol|li|dl"
    r"|dd|dt|blockquote|b|i|em|strong|u|small|big|form|fieldset|label|figure|[a-z]+-[a-z-]+)(?:\s[^>]*)?>",
    re.I,
)
#: Elements that never carry article text.
_NON_TEXT = ("script", "style", "noscript", "svg", "template", "iframe", "select")
#: Page chrome removed before extraction; its text is reported as removed.
_CHROME_BLOCKS = ("nav", "footer", "aside")
#: A chrome element with at least this many paragraphs, and more than this share of the page's, stays.
_CHROME_MIN_PARAS = 3
_CHROME_MAX_PARA_SHARE = 0.3
_REPORTED = ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "dt", "blockquote")


def _new_parser() -> etree.HTMLParser:
    """A fresh parser per page: lxml parsers are not thread-safe and their error log is per parser.

    Every element is a plain `HtmlElement` (what trafilatura needs), chosen by a C-level lookup:
    lxml.html's default lookup calls into Python for each element, which costs about 7% of a page.
    """
    parser = etree.HTMLParser(collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement,
            comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction,
            entity=lxml.html.HtmlEntity,
        )
    )
    return parser


def _parse_once(html: str) -> tuple[HtmlElement | None, bool]:
    """Parse with lxml; also say whether libxml2 cut the tree at its nesting limit."""
    parser = _new_parser()
    try:
        tree = lxml.html.document_fromstring(html, parser=parser)
    except ValueError:
        # str input with an XML encoding declaration: lxml wants bytes.
        parser = _new_parser()
        tree = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=parser)
    too_deep = any("depth" in entry.message for entry in parser.error_log)
    return tree, too_deep


# Characters XML forbids: lxml may parse them but refuses them when text is moved between nodes.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _parse(html: str, *, source: str) -> HtmlElement:
    """Parse the page; flatten pathological nesting; raise MalformedInputError when lxml cannot.

    libxml2 silently drops everything below 255 levels of nesting, so a page that hits the limit
    is parsed again with its layout containers removed: the text survives, the layout does not.
    """
    try:
        tree, too_deep = _parse_once(html)
        if too_deep:
            LOG.warning("%s: HTML nests deeper than the parser allows; layout tags removed", source)
            tree, _ = _parse_once(_LAYOUT_TAG.sub(" ", html))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        message = f"cannot parse the HTML ({err}); check that the file is a web page"
        raise MalformedInputError(message, source=source) from err
    if tree is None:
        raise MalformedInputError("cannot parse the HTML; check that the file is a web page", source=source)
    return tree


def _prune_chrome(tree: HtmlElement) -> list[str]:
    """Remove page chrome (scripts, navigation, footers, asides) before extraction.

    The extractor discards these anyway, but only after running its XPath rules over them; removing
    them first makes it faster. A chrome element that holds a large share of the page's paragraphs
    is kept (some templates wrap the story in one). Returns the text blocks of the removed
    navigation, footers and asides, for ``Article.removed``.
    """
    total_paras = sum(1 for _ in tree.iter("p"))
    texts: list[str] = []
    doomed: list[HtmlElement] = []
    for el in tree.iter(*_CHROME_BLOCKS):
        if any(parent in doomed for parent in el.iterancestors(*_CHROME_BLOCKS)):
            continue
        paras = sum(1 for _ in el.iter("p"))
        if paras >= _CHROME_MIN_PARAS and paras > total_paras * _CHROME_MAX_PARA_SHARE:
            continue
        doomed.append(el)
        if len(texts) < MAX_REMOVED:
            texts.extend(_page_blocks(el))
    etree.strip_elements(tree, *_NON_TEXT, with_tail=False)
    for el in doomed:
        parent = el.getparent()
        if parent is not None:
            # Keep the tail: it is text of the parent, not of the removed element.
            tail = el.tail
            prev = el.getprevious()
            parent.remove(el)
            if tail:
                if prev is not None:
                    prev.tail = (prev.tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
    return texts


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


def _key(text: str) -> str:
    # Whitespace-normalised text: the extractor's lines and lxml's text_content agree on it.
    return " ".join(text.split())


def _add_continuations(tree: HtmlElement, lines: list[Line]) -> list[Line]:
    """Add paragraphs from sibling chunks of the extracted container.

    Some templates split one story into several containers of the same class (an ad slot between
    "chunks"); trafilatura keeps only the first. When the container of the extracted paragraphs has
    same-class twins elsewhere on the page, their paragraphs are merged in document order.
    """
    wanted = {_key(ln.text): i for i, ln in enumerate(lines) if ln.kind == "p"}
    if not wanted:
        return lines
    # The container is the usual parent of the first few extracted paragraphs; stop early, as
    # most pages have no twins and the full paragraph scan below is only needed when they do.
    parents: Counter[HtmlElement] = Counter()
    for p in tree.iter("p"):
        if _key(p.text_content()) in wanted:
            parents[p.getparent()] += 1
            if sum(parents.values()) >= _CONTAINER_SAMPLE:
                break
    if not parents:
        return lines
    container = parents.most_common(1)[0][0]
    cls = container.get("class") if container is not None else None
    if container is None or not cls:
        return lines
    twins = [el for el in tree.iter(container.tag) if el is not container and el.get("class") == cls]
    parent = container.getparent()
    # A true twin sits in the same kind of wrapper; a same-class widget elsewhere (a fact box) does not.
    wrapper = (parent.tag, parent.get("class")) if parent is not None else None
    twins = [
        el
        for el in twins
        if (el.getparent() is not None and (el.getparent().tag, el.getparent().get("class")) == wrapper)
        and container not in el.iterancestors()
        and el not in container.iterancestors()
    ]
    if not twins:
        return lines
    twin_set = set(twins)
    added: list[tuple[HtmlElement, Line]] = []
    for p in tree.iter("p"):
        if p.getparent() not in twin_set:
            continue
        text = _key(p.text_content())
        if not text or text in wanted:
            continue
        links = sum(len("".join(a.text_content().split())) for a in p.iter("a"))
        share = links / max(1, len(text.replace(" ", "")))
        if share < _MAX_CONTINUATION_LINKS:
            added.append((p, Line(text=text, kind="p", link_share=share)))
    if sum(len(_WORD.findall(ln.text)) for _, ln in added) < _MIN_CONTINUATION_WORDS:
        return lines
    return _merge_in_order(tree, lines, added, inside_only=False)


def _add_embedded_posts(tree: HtmlElement, lines: list[Line]) -> list[Line]:
    """Put back embedded social posts (quoted tweets) that sit between the story's paragraphs.

    Extractors drop them as widgets, but a quoted post is part of what the story reports.
    """
    posts = [bq for bq in tree.iter("blockquote") if _EMBED_CLASS.search(bq.get("class") or "")]
    if not posts or not lines:
        return lines
    added: list[tuple[HtmlElement, Line]] = []
    # Some extractors keep a post's text already, possibly merged into a longer line.
    present = "\n".join(ln.text for ln in lines)
    for post in posts:
        copied = deepcopy(post)  # small; the copy lets <br> become line breaks without touching the page
        for br in copied.iter("br"):
            br.tail = "\n" + (br.tail or "")
        paras = [_key(part) for p in copied.iter("p") for part in p.text_content().split("\n")]
        rest = _key(copied.text_content().replace("\n", " "))
        for para in paras:
            rest = rest.replace(para, " ", 1)
        for text in [*paras, _key(rest)]:
            if text and text not in present:
                # Embedded posts are mostly links (handles, t.co URLs) yet are content: no link share.
                added.append((post, Line(text=text, kind="quote")))
    return _merge_in_order(tree, lines, added, inside_only=True)


def _merge_in_order(
    tree: HtmlElement, lines: list[Line], added: list[tuple[HtmlElement, Line]], *, inside_only: bool
) -> list[Line]:
    """Merge extra lines, each with its page element, into ``lines`` in document order.

    Args:
        tree: the page.
        lines: the extracted lines (their page position is found by matching paragraph text).
        added: (element, line) pairs to merge.
        inside_only: keep only extras that fall between the first and last located line.
    """
    position = {el: i for i, el in enumerate(tree.iter())}
    located = {_key(p.text_content()): position[p] for p in tree.iter("p")}
    line_pos: list[float] = []
    last = -1.0
    for ln in lines:
        pos = located.get(ln.text) if ln.kind == "p" else None
        last = float(pos) if pos is not None else last + 1e-6
        line_pos.append(last)
    known = [located[ln.text] for ln in lines if ln.kind == "p" and ln.text in located]
    if not known:
        return lines
    low, high = min(known), max(known)
    extra = [
        (float(position[el]) + 1e-9 * k, ln)
        for k, (el, ln) in enumerate(added)
        if el in position and (not inside_only or low < position[el] < high)
    ]
    if not extra:
        return lines
    merged = sorted([*zip(line_pos, lines, strict=True), *extra], key=lambda pair: pair[0])
    return [ln for _, ln in merged]


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


def _page_blocks(tree: HtmlElement) -> Iterator[str]:
    """Visible text blocks of the page (paragraphs, list items, cells...), for reporting removals."""
    for el in tree.iter(*_REPORTED):
        text = " ".join(el.text_content().split())
        if text.count(" ") >= _MIN_REMOVED_WORDS - 1:
            yield text


def _removed(dropped: list[str], page_blocks: Iterable[str], kept_text: str) -> list[str]:
    """Bounded list of what was dropped: filtered lines first, then page blocks not in the text."""
    out: list[str] = []
    seen: set[str] = set()
    # The page scan is capped: on long pages the first few hundred blocks say what was dropped.
    for text in chain(dropped, islice(page_blocks, _MAX_BLOCKS_SCANNED)):
        if not text or text in seen or text in kept_text:
            continue
        seen.add(text)
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
    html = _XML_INVALID.sub(" ", html)
    tree = _parse(html, source=source)
    meta = extract_meta(tree)
    chrome = _prune_chrome(tree)
    lines = _extract_lines(tree, url=None)
    lines = _add_embedded_posts(tree, _add_continuations(tree, lines)) if lines else _fallback_lines(tree, meta)
    kept, dropped = filter_lines(lines, titles=meta.titles)
    text, _ = normalize_text("\n".join(kept))
    return Article(
        text=text,
        title=meta.title,
        outlet=meta.outlet,
        author=meta.author,
        url=meta.url,
        published=find_page_date(html, url=meta.url),
        removed=_removed(dropped, chain(chrome, _page_blocks(tree)), text),
        original=html,
        offsets=None,
    )
