"""Page metadata from an lxml tree: title, author, outlet, canonical URL and description.

Reads ``<meta>`` tags (Open Graph, Twitter, Dublin Core, application-name), JSON-LD blocks and a
few visible cues (``<h1>``, the ``<title>`` suffix, a footer copyright line). Cheap: one pass over
the head and a handful of XPath queries, no date search (the page date has its own module).
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

#: Longest JSON-LD block parsed; larger ones are data dumps, not page metadata.
_MAX_JSONLD_CHARS = 200_000
#: Most JSON-LD objects kept, and most JSON values visited, per page.
_MAX_JSONLD_OBJECTS = 50
_MAX_JSONLD_VISITS = 500
#: Longest plausible outlet name, in characters.
_MAX_OUTLET_CHARS = 60

_TITLE_SEPARATORS = re.compile(r"\s+[|\u2013\u2014\-\u00b7:\u2022\u00bb]\s+")
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-\u2013]\s*\d{4})?\s*,?\s*)?"
    r"(?:by\s+)?(?:the\s+)?([A-Z][\w&.'\- ]{1,58}?)(?:[.,;|]|\s+all\s+rights|\s+\d{4}|\s*$)",
    re.I,
)
_BY = re.compile(r"^\s*(?:by|von|par|por|di)\s+", re.I)
_ORG_TYPES = ("Organization", "NewsMediaOrganization", "Corporation", "WebSite")
_ARTICLE_TYPES = ("Article", "NewsArticle", "BlogPosting", "ReportageNewsArticle", "WebPage", "Report")


@dataclass(slots=True)
class PageMeta:
    """What the page says about itself.

    Args:
        title: the headline.
        titles: every title candidate seen (og:title, <title> parts, h1, JSON-LD headline).
        author: byline author(s).
        outlet: site or publisher name.
        url: canonical URL.
        description: meta or Open Graph description.
        article_body: JSON-LD ``articleBody`` when the page carries one.
    """

    title: str | None = None
    titles: list[str] = field(default_factory=list)
    author: str | None = None
    outlet: str | None = None
    url: str | None = None
    description: str | None = None
    article_body: str | None = None


def _clean(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


@dataclass(slots=True)
class _Scan:
    """What one pass over the page collects for the metadata rules."""

    meta: dict[str, str] = field(default_factory=dict)
    jsonld: list[str] = field(default_factory=list)
    title: str | None = None
    h1: str | None = None
    canonical: str | None = None


def _scan(tree: HtmlElement) -> _Scan:
    """One pass over <meta>, JSON-LD <script>, <title>, <h1> and <link rel=canonical>."""
    scan = _Scan()
    for el in tree.iter("meta", "script", "title", "h1", "link"):
        tag = el.tag
        if tag == "meta":
            key = el.get("property") or el.get("name") or el.get("itemprop")
            content = _clean(el.get("content"))
            if key and content:
                scan.meta.setdefault(key.strip().lower(), content)
        elif tag == "script":
            if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text:
                scan.jsonld.append(el.text)
        elif tag == "title":
            scan.title = scan.title or _clean(el.text_content())
        elif tag == "h1":
            scan.h1 = scan.h1 or _clean(el.text_content())
        elif (el.get("rel") or "").lower() == "canonical" and not scan.canonical:
            scan.canonical = _clean(el.get("href"))
    return scan


def _jsonld_objects(blocks: list[str]) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, @graph members flattened."""
    out: list[dict[str, Any]] = []
    for raw in blocks:
        if not raw.strip() or len(raw) > _MAX_JSONLD_CHARS:
            continue
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            continue
        queue = deque([data])
        visited = 0
        # Bounded breadth-first walk: metadata sits near the top; big data arrays are not read.
        while queue and len(out) < _MAX_JSONLD_OBJECTS and visited < _MAX_JSONLD_VISITS:
            item = queue.popleft()
            visited += 1
            if isinstance(item, list):
                queue.extend(item[:_MAX_JSONLD_OBJECTS])
            elif isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    queue.extend(graph[:_MAX_JSONLD_OBJECTS])
                out.append(item)
    return out


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    if isinstance(kind, str):
        return {kind}
    if isinstance(kind, list):
        return {k for k in kind if isinstance(k, str)}
    return set()


def _names(value: object) -> list[str]:
    """Names from a JSON-LD person/organisation value (str, dict or list of them)."""
    if isinstance(value, str):
        name = _clean(value)
        return [name] if name and not name.startswith("http") else []
    if isinstance(value, dict):
        name = _clean(value.get("name"))
        return [name] if name else []
    if isinstance(value, list):
        return [n for v in value[:10] for n in _names(v)]
    return []


def _split_title(raw: str) -> tuple[str, str | None]:
    """Split "Headline | Site" into the headline and the probable site name."""
    parts = _TITLE_SEPARATORS.split(raw)
    if len(parts) < 2:
        return raw, None
    first, last = parts[0], parts[-1]
    if len(last) <= _MAX_OUTLET_CHARS and len(last) < len(first):
        return " - ".join(parts[:-1]) if len(parts) > 2 else first, last
    if len(first) <= _MAX_OUTLET_CHARS and len(first) < len(last) and len(first.split()) <= 4:
        return " - ".join(parts[1:]), first
    return raw, None


def _copyright_owner(tree: HtmlElement) -> str | None:
    """Owner named on a footer copyright line ("© 2019 Example Media Ltd. All rights reserved")."""
    for el in tree.xpath("//footer | //*[contains(@class, 'footer') or contains(@id, 'footer')]")[:5]:
        text = " ".join(el.text_content().split())[:3000]
        m = _COPYRIGHT.search(text)
        if m:
            owner = m.group(1).strip(" .,-")
            if 2 <= len(owner) <= _MAX_OUTLET_CHARS and not owner.lower().startswith(("all ", "rights")):
                return owner
    return None


def extract_meta(tree: HtmlElement) -> PageMeta:
    """Read title, author, outlet, canonical URL and description from a parsed page.

    Args:
        tree: the page as parsed by lxml.html (not modified).
    """
    scan = _scan(tree)
    meta = scan.meta
    ld = _jsonld_objects(scan.jsonld)
    page = PageMeta()

    ld_article = next((o for o in ld if _types(o) & set(_ARTICLE_TYPES) and o.get("headline")), None)
    ld_article = ld_article or next((o for o in ld if _types(o) & set(_ARTICLE_TYPES)), None)

    # Title: the page's own statement of its headline first, the <title> (minus site suffix) last.
    title_tag = scan.title
    title_head, title_site = _split_title(title_tag) if title_tag else (None, None)
    h1 = scan.h1
    candidates = [
        meta.get("og:title"),
        _clean(ld_article.get("headline")) if ld_article else None,
        meta.get("twitter:title"),
        h1,
        title_head,
        title_tag,
    ]
    page.titles = [c for c in dict.fromkeys(candidates) if c]
    page.title = next((c for c in candidates if c and len(c) > 3), None)
    if page.title and title_site and page.title.endswith(title_site) and page.title != title_site:
        page.title = _split_title(page.title)[0]

    # Author: meta tags, then JSON-LD, then an explicit rel=author link.
    author = next(
        (
            meta[k]
            for k in ("author", "article:author", "byl", "dc.creator", "parsely-author", "sailthru.author")
            if k in meta and not meta[k].startswith("http")
        ),
        None,
    )
    if not author and ld_article:
        names = _names(ld_article.get("author") or ld_article.get("creator"))
        author = ", ".join(dict.fromkeys(names)) or None
    if not author:
        link = tree.xpath("//a[@rel='author']")
        author = _clean(link[0].text_content()) if link else None
    page.author = _BY.sub("", author).strip() or None if author else None

    # Outlet: explicit site names, then the JSON-LD publisher, then the <title> suffix, then ©.
    publisher = _names(ld_article.get("publisher")) if ld_article else []
    org = next((_clean(o.get("name")) for o in ld if _types(o) & set(_ORG_TYPES) and _clean(o.get("name"))), None)
    outlet_candidates = [
        meta.get("og:site_name"),
        publisher[0] if publisher else None,
        org,
        meta.get("application-name"),
        meta.get("apple-mobile-web-app-title"),
        meta.get("dc.publisher"),
        title_site,
    ]
    page.outlet = next((c for c in outlet_candidates if c and len(c) <= _MAX_OUTLET_CHARS), None)
    if not page.outlet:
        page.outlet = _copyright_owner(tree)

    # URL: the canonical link, then og:url, then JSON-LD.
    canonical = scan.canonical
    ld_url = _clean(ld_article.get("url")) if ld_article else None
    page.url = next((u for u in (canonical, meta.get("og:url"), ld_url) if u and u.startswith("http")), None)

    page.description = meta.get("og:description") or meta.get("description") or meta.get("twitter:description")
    if ld_article and isinstance(ld_article.get("articleBody"), str):
        page.article_body = ld_article["articleBody"].strip() or None
    return page
