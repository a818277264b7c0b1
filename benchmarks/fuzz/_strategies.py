"""Hypothesis strategies for news-like hostile input: text, HTML, JSONL lines and dates.

They mix plausible article fragments (cues, quotes, dates, boilerplate) with noise (control
characters, lone surrogates, huge numbers, deep nesting), because the interesting failures sit
where the parsers' patterns half-match.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import strategies as st

FRAGMENTS = (
    "said",
    "told reporters",
    "according to",
    "Reuters",
    "AP",
    "he said.",
    "she added,",
    "the minister",
    '"',
    "\u201c",
    "\u201d",
    "'",
    "\u2018",
    "\u2019",
    "\u00ab",
    "\u00bb",
    ",",
    ".",
    ":",
    ";",
    "(",
    ")",
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
    "-",
    "\u2014",
    "...",
    "?",
    "!",
    "Monday",
    "last Tuesday",
    "next week",
    "yesterday",
    "today",
    "tomorrow",
    "this morning",
    "tonight",
    "March 3, 2021",
    "3 March 2021",
    "2021-03-03",
    "03/04/2021",
    "1999",
    "the 1990s",
    "spring",
    "Q3",
    "two weeks ago",
    "in 10 days",
    "at 10:30 a.m.",
    "noon",
    "midnight",
    "2023-W21",
    "5pm EST",
    "Feb. 30",
    "31/02/2020",
    "year 0",
    "9999-12-31",
    "0001-01-01",
    "December 32",
    "99999999999",
    "By John Doe",
    "Published:",
    "Updated",
    "Share this",
    "\u00a9 2024",
    "Leave a comment",
    "# Heading",
    "* item",
    "> quote",
    "[link](http://x)",
    "**bold**",
    "President Alia Marr",
    "General Tov",
    "a senior official",
    "officials",
    "sources said",
    "\u0000",
    "\u200b",
    "\ufeff",
    "\u202e",
    "\ud800",
    "\U0001f600",
    "\u0301",
    "\u00e9",
    "\u4e2d\u6587",
)

#: Any code point, lone surrogates included: they reach the API through JSON "\ud800" escapes.
ANY_CHAR = st.characters(min_codepoint=0, max_codepoint=0x10FFFF)


def news_text(*, max_parts: int = 60) -> st.SearchStrategy[str]:
    """Text built from news fragments, random words and stray characters.

    Args:
        max_parts: the most pieces joined.
    """
    piece = st.one_of(
        st.sampled_from(FRAGMENTS),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
        st.text(alphabet=ANY_CHAR, max_size=4),
        st.integers(min_value=-(10**12), max_value=10**12).map(str),
    )
    return st.lists(piece, max_size=max_parts).map(lambda parts: " ".join(parts) if len(parts) % 3 else "".join(parts))


def long_text() -> st.SearchStrategy[str]:
    """A news-like text repeated up to a few hundred times: pathological regex backtracking shows."""
    return st.tuples(news_text(max_parts=12), st.integers(min_value=1, max_value=400)).map(lambda t: t[0] * t[1])


def any_text() -> st.SearchStrategy[str]:
    """Mostly news-like text, sometimes repeated, sometimes raw code points."""
    return st.one_of(news_text(), news_text(), long_text(), st.text(alphabet=ANY_CHAR, max_size=200))


def dates() -> st.SearchStrategy[dt.date | None]:
    """None or any date, extremes included."""
    return st.one_of(st.none(), st.dates(), st.sampled_from([dt.date.min, dt.date.max]))


TAGS = (
    "p",
    "div",
    "span",
    "article",
    "main",
    "section",
    "nav",
    "footer",
    "header",
    "aside",
    "h1",
    "h2",
    "a",
    "b",
    "i",
    "em",
    "br",
    "script",
    "style",
    "noscript",
    "table",
    "tr",
    "td",
    "ul",
    "li",
    "time",
    "meta",
    "title",
    "head",
    "body",
    "html",
    "figure",
    "figcaption",
    "iframe",
    "svg",
    "math",
    "template",
    "blockquote",
    "pre",
    "code",
    "form",
    "input",
    "button",
)
ATTRS = (
    'class="content"',
    'class="share-buttons"',
    'id="main"',
    'datetime="2021-03-03T10:00:00Z"',
    'property="article:published_time" content="2021-03-03"',
    'name="date" content="garbage"',
    'itemprop="datePublished" content="0000-00-00"',
    'property="og:site_name" content="Site"',
    'name="author" content="\u202eX"',
    'charset="x-bogus"',
    'http-equiv="content-type" content="text/html; charset=utf-16"',
    'href="javascript:alert(1)"',
    'onload="alert(1)"',
    'style="display:none"',
    "hidden",
    "lang=xx",
    'type="application/ld+json"',
)
MARKUP = ("<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml?>", "</", "<", ">")
ENTITIES = ("&amp;", "&lt;", "&#0;", "&#x110000;", "&#99999999999;", "&nbsp;", "&bogus;", "&#xD800;", "&")


@st.composite
def html_documents(draw: st.DrawFn, depth: int = 0) -> str:
    """A random, often malformed HTML page built from news-site parts."""
    parts: list[str] = []
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        kind = draw(st.integers(min_value=0, max_value=9))
        if kind <= 3 and depth < 6:
            tag = draw(st.sampled_from(TAGS))
            attrs = " ".join(draw(st.lists(st.sampled_from(ATTRS), max_size=3)))
            inner = draw(html_documents(depth + 1))
            close = draw(st.booleans())
            parts.append(f"<{tag} {attrs}>{inner}" + (f"</{tag}>" if close else ""))
        elif kind == 4:
            parts.append(draw(st.sampled_from(ENTITIES)))
        elif kind == 5:
            payload = draw(
                st.recursive(
                    st.none() | st.text(max_size=10) | st.integers(),
                    lambda c: (
                        st.lists(c, max_size=3)
                        | st.dictionaries(
                            st.sampled_from(
                                ["@type", "datePublished", "headline", "author", "publisher", "name", "@graph"]
                            ),
                            c,
                            max_size=4,
                        )
                    ),
                    max_leaves=8,
                )
            )
            parts.append(f'<script type="application/ld+json">{json.dumps(payload)}</script>')
        elif kind == 6:
            n = draw(st.integers(min_value=1, max_value=3000))
            parts.append("<div>" * n)  # deep nesting: the parser must not recurse itself to death
        elif kind == 7:
            parts.append(
                draw(st.sampled_from(["<!--", "-->", "<![CDATA[", "]]>", "<!DOCTYPE html>", "<?xml?>", "</", "<", ">"]))
            )
        else:
            parts.append(draw(news_text(max_parts=20)))
    return "".join(parts)


def html_inputs() -> st.SearchStrategy[bytes | str]:
    """HTML as str or as bytes in some encoding, sometimes with a BOM or raw binary noise."""

    def encode(page: str, how: int) -> bytes | str:
        if how == 0:
            return page
        if how == 1:
            return page.encode("utf-8", "surrogatepass")
        if how == 2:
            return b"\xef\xbb\xbf" + page.encode("utf-8", "replace")
        if how == 3:
            return page.encode("utf-16", "surrogatepass")
        return page.encode("latin-1", "replace")

    return st.one_of(
        st.tuples(html_documents(), st.integers(min_value=0, max_value=4)).map(lambda t: encode(*t)),
        st.binary(max_size=300).map(lambda b: b"<html><body><p>" + b + b"</p></body></html>"),
        st.binary(max_size=200),
    )


def text_inputs() -> st.SearchStrategy[bytes | str]:
    """Plain text or markdown as str or bytes."""
    return st.one_of(
        any_text(),
        any_text().map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.binary(max_size=300),
    )


JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(alphabet=ANY_CHAR, max_size=20),
    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
    max_leaves=6,
)
FIELDS = ("text", "html", "title", "url", "published", "date", "outlet", "source")


@st.composite
def jsonl_lines(draw: st.DrawFn) -> bytes:
    """One JSONL line: an article object with odd field values, or broken JSON."""
    kind = draw(st.integers(min_value=-1, max_value=5))
    if kind == -1:  # deep nesting: json.loads recurses once per level
        depth = draw(st.integers(min_value=1, max_value=100_000))
        return b'{"text": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == 0:
        return draw(st.binary(max_size=200))
    if kind == 1:
        return json.dumps(draw(JSON_VALUE)).encode()
    obj: dict[str, object] = {}
    for name in draw(st.lists(st.sampled_from(FIELDS), max_size=6, unique=True)):
        choice = draw(st.integers(min_value=0, max_value=3))
        if name == "html" and choice == 0:
            obj[name] = draw(html_documents())
        elif name in ("text", "title") and choice <= 1:
            obj[name] = draw(any_text())
        elif name in ("published", "date") and choice <= 1:
            obj[name] = draw(st.one_of(st.sampled_from(FRAGMENTS), news_text(max_parts=4), st.dates().map(str)))
        else:
            obj[name] = draw(JSON_VALUE)
    line = json.dumps(obj, ensure_ascii=draw(st.booleans()))
    return line.encode("utf-8", "surrogatepass")
