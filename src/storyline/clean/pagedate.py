"""The publication date a web page states: metadata, bylines, URL and visible dates.

The page is parsed once with lxml. Sources are tried from the most to the least specific:
structured "published" markup (JSON-LD articles, Open Graph / Dublin Core / parsely / sailthru meta
tags, JSON-LD pages, itemprop and ``<time pubdate>``), then a date in the URL (given, canonical or
og:url), then htmldate's extensive search (the slow path, only for pages without either), then a
dateline or byline next to the headline, then publish keys in inline scripts. Modified dates are
never used. A UTC timestamp close to midnight is moved to the neighbouring day when the page's own
local evidence (byline, URL, zone-less or offset timestamps) says so: pages show the local day.
Dates outside 1995..today are ignored.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html
from lxml import etree

from storyline.clean.pagedate_parse import Stamp, parse_epoch, parse_stamp, url_day, valid_day
from storyline.records import DateBasis, DateEstimate

# Meta names/properties that state the original publication, best first.
_META_PUBLISHED: tuple[str, ...] = (
    "article:published_time", "og:article:published_time", "article:published", "og:published_time",
    "datepublished", "published_time", "published-date", "published_date", "publishdate", "publish-date",
    "publish_date", "pubdate", "pub_date", "publication_date", "publicationdate", "original-publish-date",
    "originalpublicationdate", "article.published", "article_date_original", "parsely-pub-date",
    "sailthru.date", "cxenseparse:recs:publishtime", "citation_publication_date", "citation_date",
    "citation_online_date", "dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created",
    "dc.date", "dcterms.date", "date", "article.created", "created", "og:pubdate", "bt:pubdate", "date.available",
    "datecreated", "article:post_date", "displaydate", "release_date", "timestamp",
)
_META_RANK = {name: i for i, name in enumerate(_META_PUBLISHED)}
_ARTICLE_TYPES = ("article", "posting", "report", "news")
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "head", "title", "option", "select"}
# The first-letter lookahead lets the regex engine skip most positions of large scripts fast.
_SCRIPT_KEY_RE = re.compile(
    r"""(?=[dDpPfF])(date_?published|published_?(?:at|date|time|on)|publish_?(?:date|time)|pub_?date|"""
    r"""first_?pub\w{0,20}|publication_?date|date_?created|date_?creation|published_?first\w{0,10})["']?\s*[:=]\s*"""
    r"""["']?([^"',;}<]{6,40})""",
    re.I,
)
_LD_FALLBACK_RE = re.compile(r'"datePublished"\s*:\s*"([^"]{6,60})"')
_WINDOW_AFTER = 700
_WINDOW_BEFORE = 250


@dataclass(frozen=True, slots=True)
class _Found:
    """One dated piece of evidence."""

    stamp: Stamp
    basis: DateBasis
    evidence: str
    from_url: bool = False


def find_page_date(html: str, *, url: str | None = None) -> DateEstimate | None:
    """Return the date the page says it was published, or None.

    Args:
        html: the decoded page.
        url: the page URL when known (dates in URLs count).
    """
    if not isinstance(html, str) or not html.strip():
        return None
    try:
        # Bytes with a forced encoding: the text is already decoded, so a <meta charset> must not
        # re-decode it (and lxml refuses str input that carries an XML encoding declaration).
        root = lxml.html.document_fromstring(html.encode("utf-8", "replace"), parser=_parser())
    except (etree.ParserError, ValueError, TypeError):
        return None
    try:
        found = _choose(root, url)
    except (ValueError, TypeError, RecursionError):
        found = None
    if found is None:
        return None
    return DateEstimate.exact(found.stamp.day, basis=found.basis, evidence=found.evidence)


def _parser() -> lxml.html.HTMLParser:
    # A fresh parser per call: lxml parsers must not be shared between threads.
    return lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _choose(root: lxml.html.HtmlElement, url: str | None) -> _Found | None:
    """Pick the publication date from the page's evidence, or None when the page states none."""
    structured = list(_structured(root))
    url_found = _url_date(root, url)
    if structured:
        best = structured[0]
        if not _near_midnight_utc(best.stamp):
            return best
        # Only now pay for the byline and script scans: they may hold the local day.
        byline = _near_headline(root)
        return _local_day(best, [*structured[1:], *(f for f in (byline, url_found) if f), *_script_keys(root)])
    if url_found:
        return url_found
    # Before our own byline guess: htmldate's extensive search weighs many visible dates and is
    # right more often when the page has no markup at all. It is the slow path, so it comes late.
    fallback = _htmldate_fallback(root, url)
    if fallback:
        return fallback
    return _near_headline(root) or next(iter(_script_keys(root, limit=1)), None)


def _url_date(root: lxml.html.HtmlElement, url: str | None) -> _Found | None:
    """A full date in the given URL or, failing that, in the page's canonical / og:url."""
    for page_url in (url, *_own_urls(root)):
        uday = url_day(page_url) if page_url else None
        if page_url and uday:
            return _Found(Stamp(uday), "metadata", f'url date in "{page_url[:120]}"', from_url=True)
    return None


def _near_midnight_utc(stamp: Stamp) -> bool:
    """A UTC time whose local day may differ (UTC-8..-1 before 08:00, UTC+10..+14 from 14:00)."""
    return stamp.utc is True and stamp.hour is not None and (stamp.hour < 8 or stamp.hour >= 14)


def _local_day(best: _Found, others: list[_Found]) -> _Found:
    """Move a UTC timestamp near midnight to the adjacent day when the page's local dates agree."""
    stamp = best.stamp
    if not _near_midnight_utc(stamp) or stamp.hour is None:
        return best
    # A zone-less copy of the same instant (same day, hour and minute) is no independent local evidence.
    local = [
        f for f in others
        if f.stamp.utc is not True
        and (f.stamp.day, f.stamp.hour, f.stamp.minute) != (stamp.day, stamp.hour, stamp.minute)
    ]
    # A bare date in markup may be the UTC day cut from the same timestamp, so it cannot veto
    # the shift; a time of day, visible text or the URL can.
    if any(f.stamp.day == stamp.day and (f.stamp.hour is not None or f.basis == "stated" or f.from_url) for f in local):
        return best
    shifts = []
    if stamp.hour < 8:
        shifts.append(-1)
    if stamp.hour >= 14:
        shifts.append(1)
    for shift in shifts:
        target = stamp.day + dt.timedelta(days=shift)
        for f in local:
            if f.stamp.day == target:
                return _Found(Stamp(target), f.basis, f"{f.evidence}; local day of {best.evidence}")
    return best


def _structured(root: lxml.html.HtmlElement) -> Iterator[_Found]:
    """Published dates from markup, best source first."""
    ld = _json_ld(root)
    yield from (f for rank, f in ld if rank == 0)
    metas: list[tuple[int, _Found]] = []
    for el in root.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or "").strip()
        rank = _META_RANK.get(key.lower())
        content = el.get("content")
        if rank is None or not content:
            continue
        stamp = parse_stamp(content) or parse_epoch(content)
        if stamp:
            metas.append((rank, _Found(stamp, "metadata", f'meta {key} "{content.strip()[:60]}"')))
    metas.sort(key=lambda pair: pair[0])
    yield from (f for _, f in metas)
    # Page-level or untyped JSON-LD dates rank below explicit article meta tags.
    yield from (f for rank, f in ld if rank > 0)
    # Via the attribute axis: much faster than testing attributes on every element.
    for el in root.xpath('//@itemprop[.="datePublished" or .="dateCreated"]/.. | //@pubdate/..'):
        if el.tag == "meta":
            continue
        for attr in ("datetime", "content", "title"):
            value = el.get(attr)
            stamp = parse_stamp(value) if value else None
            if stamp:
                yield _Found(stamp, "metadata", f'<{el.tag}> {attr} "{value.strip()[:60]}"')
                break
        else:
            text = " ".join(el.text_content().split())
            stamp = parse_stamp(text)
            if stamp:
                yield _Found(stamp, "stated", f'<{el.tag} itemprop> "{text[:60]}"')


def _json_ld(root: lxml.html.HtmlElement) -> list[tuple[int, _Found]]:
    """datePublished / dateCreated of the page's JSON-LD objects: articles first, then pages, then untyped."""
    ranked: list[tuple[int, int, _Found]] = []
    for script in root.xpath('//script[@type="application/ld+json"]'):
        raw = script.text or ""
        try:
            data = json.loads(raw)
        except ValueError:
            # Broken JSON is common (unescaped quotes in headlines); the key itself is still there.
            m = _LD_FALLBACK_RE.search(raw)
            stamp = parse_stamp(m.group(1)) if m else None
            if m and stamp:
                ranked.append((1, len(ranked), _Found(stamp, "metadata", f'json-ld datePublished "{m.group(1)[:60]}"')))
            continue
        queue: list[object] = [data]
        seen = 0
        while queue and seen < 200:
            item = queue.pop(0)
            seen += 1
            if isinstance(item, list):
                queue.extend(item)
                continue
            if not isinstance(item, dict):
                continue
            rank = _ld_rank(item.get("@type"))
            if rank is not None:
                for key in ("datePublished", "dateCreated"):
                    value = item.get(key)
                    stamp = parse_stamp(value) if isinstance(value, str) else parse_epoch(value)
                    if stamp:
                        found = _Found(stamp, "metadata", f'json-ld {key} "{str(value)[:60]}"')
                        ranked.append((rank, len(ranked), found))
                        break
            # Not itemListElement: lists hold other stories with their own dates.
            for key in ("@graph", "mainEntity", "mainEntityOfPage"):
                if isinstance(item.get(key), (dict, list)):
                    queue.append(item[key])
    return [(rank, f) for rank, _, f in sorted(ranked, key=lambda t: (t[0], t[1]))]


def _ld_rank(kind: object) -> int | None:
    """0 for article types, 1 for web pages and untyped objects, None for anything else (videos, events)."""
    kinds = " ".join(str(k) for k in kind) if isinstance(kind, list) else str(kind or "")
    kinds = kinds.lower()
    if any(t in kinds for t in _ARTICLE_TYPES):
        return 0
    if not kinds or "webpage" in kinds or "creativework" in kinds:
        return 1
    return None


def _own_urls(root: lxml.html.HtmlElement) -> list[str]:
    """The page's own URLs: <link rel=canonical> first, then og:url."""
    canonical: list[str] = []
    og: list[str] = []
    for el in root.iter("link", "meta"):
        if el.tag == "link" and (el.get("rel") or "").lower() == "canonical":
            canonical.append((el.get("href") or "").strip())
        elif el.tag == "meta" and el.get("property") == "og:url":
            og.append((el.get("content") or "").strip())
    return [u for u in canonical + og if u][:4]


def _visible_segments(root: lxml.html.HtmlElement) -> tuple[list[str], int]:
    """Visible text pieces in document order, and the index of the first headline piece (-1: none)."""
    body = root.find("body")
    if body is None:
        return [], -1
    segments: list[str] = []
    headline = -1
    # Pages without an <h1> often set the headline in the <h2> that repeats the <title>.
    h2_wanted = body.find(".//h1") is None
    title = " ".join((root.findtext(".//title") or "").split()).lower() if h2_wanted else ""
    for el in body.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if headline < 0 and (tag == "h1" or (tag == "h2" and h2_wanted and _is_title(el, title))):
            headline = len(segments)
        # Script, style and comment text is not shown; their tails are.
        if tag and tag not in _SKIP_TAGS and el.text and el.text.strip():
            segments.append(el.text)
        if el.tail and el.tail.strip():
            segments.append(el.tail)
    return segments, headline


def _is_title(el: etree._Element, title: str) -> bool:
    """Whether a heading repeats the page title (so it is the headline)."""
    text = " ".join(el.text_content().split()).lower()
    return len(text) >= 12 and text in title


def _near_headline(root: lxml.html.HtmlElement) -> _Found | None:
    """A dateline or byline date in the text right after (or just before) the headline."""
    segments, headline = _visible_segments(root)
    if headline < 0:
        return None
    after: list[str] = []
    size = 0
    for text in segments[headline + 1:]:
        after.append(" ".join(text.split()))
        size += len(after[-1]) + 1
        if size > _WINDOW_AFTER:
            break
    window = " ".join(after)[:_WINDOW_AFTER]
    stamp = parse_stamp(window) if window else None
    if stamp is None:
        stamp = _first_stamp(window)
    if stamp:
        return _Found(stamp, "stated", f'byline near headline "{_around(window, stamp)}"')
    before: list[str] = []
    size = 0
    for text in reversed(segments[max(0, headline - 30):headline]):
        before.insert(0, " ".join(text.split()))
        size += len(before[0]) + 1
        if size > _WINDOW_BEFORE:
            break
    window = " ".join(before)[-_WINDOW_BEFORE:]
    stamp = _first_stamp(window)
    if stamp:
        return _Found(stamp, "stated", f'dateline above headline "{_around(window, stamp)}"')
    return None


def _first_stamp(window: str) -> Stamp | None:
    """parse_stamp over successive slices, since it only reads the first 200 characters."""
    for start in range(0, len(window), 150):
        stamp = parse_stamp(window[start:start + 200])
        if stamp:
            return stamp
    return None


def _around(window: str, stamp: Stamp) -> str:
    """A short excerpt to cite as evidence."""
    year = str(stamp.day.year)
    pos = window.find(year)
    if pos < 0:
        return window[:60]
    return window[max(0, pos - 40):pos + 20].strip()


def _script_keys(root: lxml.html.HtmlElement, *, limit: int = 8) -> list[_Found]:
    """Publish keys in inline scripts ("publication_date": "...", firstPublished: 1588...), in order."""
    out: list[_Found] = []
    for script in root.iter("script"):
        raw = script.text or ""
        if len(raw) < 12 or script.get("type", "").endswith("ld+json"):
            continue
        for m in _SCRIPT_KEY_RE.finditer(raw):
            value = m.group(2).strip()
            stamp = parse_stamp(value) or parse_epoch(value)
            if stamp:
                out.append(_Found(stamp, "metadata", f'script {m.group(1)} "{value[:60]}"'))
                if len(out) >= limit:
                    return out
    return out


def _htmldate_fallback(root: lxml.html.HtmlElement, url: str | None) -> _Found | None:
    """htmldate's extensive search, for pages whose date is nowhere we look first.

    Its default (latest-date) mode: "original" mode tends to pick founding or copyright dates on pages
    that carry no publication markup, and published-over-modified is already handled above.
    """
    from htmldate import find_date

    try:
        # A copy: htmldate prunes the tree it is given, and the byline search still needs it.
        found = find_date(copy.deepcopy(root), url=url, extensive_search=True, original_date=False)
    except Exception:  # a third-party heuristic must not make a bad page fail ingestion
        return None
    if not found:
        return None
    try:
        day = dt.date.fromisoformat(found[:10])
    except ValueError:
        return None
    if not valid_day(day):
        return None
    if (day.month, day.day) == (1, 1) and not _states_new_year(root, day.year):
        # htmldate falls back to 1 January of a bare year (a copyright line): that is no day.
        return None
    return _Found(Stamp(day), "metadata", f"htmldate extensive search: {day.isoformat()}")


def _states_new_year(root: lxml.html.HtmlElement, year: int) -> bool:
    """Whether the page writes out 1 January of ``year`` somewhere (markup or text)."""
    raw = etree.tostring(root, encoding="unicode")
    pattern = (
        rf"{year}-0?1-0?1(?!\d)|(?<!\d)0?1[./]0?1[./]{year}|(?<!\d)1(?:st)?\.? (?:jan\w*|ene\w*|gen\w*) {year}"
        rf"|jan\w*\.? 1(?:st)?,? {year}"
    )
    return re.search(pattern, raw, re.I) is not None
