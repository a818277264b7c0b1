"""Tests for the publication date a web page states (clean/pagedate.py, clean/pagedate_parse.py)."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clean.pagedate import find_page_date
from storyline.clean.pagedate_parse import parse_epoch, parse_stamp, url_day
from storyline.records import DateEstimate


def page(head: str = "", body: str = "") -> str:
    """A small hand-written page around the given head and body markup."""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Council approves new ferry timetable</title>"
        f"{head}</head><body><h1>Council approves new ferry timetable</h1>{body}"
        "<p>The new timetable adds two evening crossings and starts next month.</p></body></html>"
    )


SOURCES = [
    pytest.param(
        page(head='<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
             ' "headline": "Ferry", "datePublished": "2019-03-04T10:00:00+01:00"}</script>'),
        None, dt.date(2019, 3, 4), "metadata", "json-ld datePublished", id="json-ld",
    ),
    pytest.param(
        page(head='<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Gazette"},'
             ' {"@type": "Article", "datePublished": "2018-11-30"}]}</script>'),
        None, dt.date(2018, 11, 30), "metadata", "json-ld datePublished", id="json-ld-graph",
    ),
    pytest.param(
        page(head='<script type="application/ld+json">{"@type": "BlogPosting",'
             ' "datePublished": "Tue, Sep 15 2020 10:01:41 EDT"}</script>'),
        None, dt.date(2020, 9, 15), "metadata", "json-ld datePublished", id="json-ld-textual",
    ),
    pytest.param(
        page(head='<meta property="article:published_time" content="2021-06-07T08:15:00Z">'),
        None, dt.date(2021, 6, 7), "metadata", "meta article:published_time", id="og-meta",
    ),
    pytest.param(
        page(head='<meta name="parsely-pub-date" content="2017-01-20T16:00:00-05:00">'),
        None, dt.date(2017, 1, 20), "metadata", "meta parsely-pub-date", id="parsely",
    ),
    pytest.param(
        page(head='<meta name="DC.date.issued" content="2016-05-02">'),
        None, dt.date(2016, 5, 2), "metadata", "meta DC.date.issued", id="dublin-core",
    ),
    pytest.param(
        page(body='<p>By Jo Lind <time pubdate datetime="2015-08-09T07:30">9 Aug</time></p>'),
        None, dt.date(2015, 8, 9), "metadata", "<time> datetime", id="time-pubdate",
    ),
    pytest.param(
        page(body='<p>Posted <span itemprop="datePublished">12 octobre 2022</span></p>'),
        None, dt.date(2022, 10, 12), "stated", "itemprop", id="itemprop-text",
    ),
    pytest.param(
        page(), "https://news.example.org/2014/02/28/council-ferry-timetable/",
        dt.date(2014, 2, 28), "metadata", "url date", id="url-argument",
    ),
    pytest.param(
        page(head='<link rel="canonical" href="https://news.example.org/local/ferry-timetable-20230417">'),
        None, dt.date(2023, 4, 17), "metadata", "url date", id="canonical-url",
    ),
]


@pytest.mark.parametrize(("html", "url", "expected", "basis", "evidence"), SOURCES)
def test_each_source_of_date(html: str, url: str | None, expected: dt.date, basis: str, evidence: str) -> None:
    got = find_page_date(html, url=url)
    assert isinstance(got, DateEstimate)
    assert got.value == expected
    assert got.earliest == got.latest == expected
    assert got.basis == basis
    assert evidence in got.evidence[0]


def test_byline_next_to_headline(fixtures_dir: Path) -> None:
    html = (fixtures_dir / "pagedate" / "byline_only.html").read_text(encoding="utf-8")
    got = find_page_date(html)
    assert got is not None and got.value == dt.date(2019, 3, 14)


@pytest.mark.parametrize(
    ("html", "expected", "where"),
    [
        pytest.param(
            "<html><head><title>Tide tables</title></head><body><p>Menu</p><h1>Tide tables for the spring</h1>"
            "<p>By A. Writer &middot; 2 May 2021, 14:10</p><p>High water is early.</p></body></html>",
            dt.date(2021, 5, 2), "byline near headline", id="after-h1",
        ),
        pytest.param(
            "<html><head><title>Wind farm gets the green light | Coast News</title></head><body>"
            "<h2>Most read</h2><h2>Wind farm gets the green light</h2><p>Coast News<br>13 Jan 2020, 22:11</p>"
            "<p>Turbines will go up next year.</p></body></html>",
            dt.date(2020, 1, 13), "byline near headline", id="h2-repeating-title",
        ),
        pytest.param(
            "<html><body><div>Wednesday, 15 April 2020</div><h1>Market hall reopens on Saturday</h1>"
            "<p>Traders return after the works.</p></body></html>",
            dt.date(2020, 4, 15), "dateline above headline", id="dateline-above",
        ),
    ],
)
def test_byline_window(html: str, expected: dt.date, where: str) -> None:
    import lxml.html

    from storyline.clean import pagedate

    found = pagedate._near_headline(lxml.html.document_fromstring(html))
    assert found is not None and found.stamp.day == expected
    assert found.basis == "stated" and found.evidence.startswith(where)


def test_page_without_date_gives_none(fixtures_dir: Path) -> None:
    html = (fixtures_dir / "pagedate" / "no_date.html").read_text(encoding="utf-8")
    assert find_page_date(html) is None


@pytest.mark.parametrize("order", ["published-first", "modified-first"])
def test_published_beats_modified(order: str) -> None:
    published = '<meta property="article:published_time" content="2020-02-03T09:00:00+00:00">'
    modified = '<meta property="article:modified_time" content="2020-05-06T09:00:00+00:00">'
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "dateModified": "2020-05-06"}</script>'
    head = published + modified + ld if order == "published-first" else ld + modified + published
    got = find_page_date(page(head=head), url=None)
    assert got is not None and got.value == dt.date(2020, 2, 3)


def test_json_ld_published_beats_later_url_and_modified() -> None:
    head = (
        '<link rel="canonical" href="https://paper.example.com/politics/2021/07/08/story.html">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2021-07-09T10:04:04Z",'
        ' "dateModified": "2021-07-10T22:40:00Z"}</script>'
    )
    got = find_page_date(page(head=head))
    assert got is not None and got.value == dt.date(2021, 7, 9)


def test_utc_timestamp_near_midnight_takes_the_local_day_the_page_shows() -> None:
    head = '<meta property="article:published_time" content="2020-12-05T23:15:00Z">'
    body = '<p class="date">06 dicembre 2020</p>'
    got = find_page_date(page(head=head, body=body))
    assert got is not None and got.value == dt.date(2020, 12, 6)
    assert "local day" in got.evidence[0]


def test_bare_markup_date_does_not_veto_the_local_day_from_the_url() -> None:
    head = (
        '<link rel="canonical" href="https://mag.example.com/sites/someone/2019/11/18/a-story/">'
        '<meta property="article:published" content="2019-11-19">'
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "datePublished": "Tue Nov 19 2019 03:05:46 GMT+0000"}</script>'
    )
    got = find_page_date(page(head=head))
    assert got is not None and got.value == dt.date(2019, 11, 18)


def test_timed_local_copy_of_the_same_instant_is_no_evidence() -> None:
    head = (
        '<meta property="article:published_time" content="2020-08-25T00:23:33Z">'
        '<meta name="dc.date.created" content="2020-08-25|00h23">'
        '<script>var page = {"DateCreation": "2020-08-24"};</script>'
    )
    got = find_page_date(page(head=head))
    assert got is not None and got.value == dt.date(2020, 8, 24)


def test_utc_timestamp_at_noon_is_kept() -> None:
    head = '<meta property="article:published_time" content="2020-12-05T12:15:00Z">'
    body = '<p class="date">6 December 2020</p>'
    got = find_page_date(page(head=head, body=body))
    assert got is not None and got.value == dt.date(2020, 12, 5)


@pytest.mark.parametrize(
    "content",
    ["2031-01-01T00:00:00Z", "1989-06-01", "0000-00-00", "not a date", ""],
)
def test_out_of_range_or_broken_metadata_is_ignored(content: str) -> None:
    html = page(head=f'<meta property="article:published_time" content="{content}">')
    got = find_page_date(html)
    assert got is None or dt.date(1995, 1, 1) <= got.value <= dt.date.today()  # type: ignore[operator]


@pytest.mark.parametrize(
    "html",
    ["", "   ", "<", "<html>", "\x00\x01\x02", "<?xml version='1.0' encoding='latin-1'?><html/>",
     "<script type='application/ld+json'>{not json \"datePublished\": \"2019-01-02\"</script>",
     "<div>" * 3000 + "x"],
)
def test_garbage_never_raises(html: str) -> None:
    got = find_page_date(html)
    assert got is None or isinstance(got, DateEstimate)


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_random_text_never_raises(text: str) -> None:
    got = find_page_date(text)
    assert got is None or (got.value is not None and dt.date(1995, 1, 1) <= got.value <= dt.date.today())


@settings(max_examples=60, deadline=None)
@given(st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2026, 11, 1)))
def test_any_iso_meta_date_round_trips(day: dt.date) -> None:
    html = page(head=f'<meta property="article:published_time" content="{day.isoformat()}T12:00:00+02:00">')
    got = find_page_date(html)
    assert got is not None and got.value == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-03-04T10:00:00Z", dt.date(2019, 3, 4)),
        ("2019-3-4", dt.date(2019, 3, 4)),
        ("2020/07/08 10:00", dt.date(2020, 7, 8)),
        ("17.03.2020", dt.date(2020, 3, 17)),
        ("03/17/2020", dt.date(2020, 3, 17)),
        ("September 15, 2020", dt.date(2020, 9, 15)),
        ("Tue, 15 Sep 2020 10:01:41 GMT", dt.date(2020, 9, 15)),
        ("Sept. 3rd, 2018", dt.date(2018, 9, 3)),
        ("15 de septiembre de 2020", dt.date(2020, 9, 15)),
        ("9 oktober 2020 11:12", dt.date(2020, 10, 9)),
        ("20200113", dt.date(2020, 1, 13)),
        ("no date here", None),
        ("2020-02-30", None),
    ],
)
def test_parse_stamp(text: str, expected: dt.date | None) -> None:
    got = parse_stamp(text)
    assert (got.day if got else None) == expected


@pytest.mark.parametrize(
    ("text", "hour", "utc"),
    [
        ("2020-05-02T02:54:29.000Z", 2, True),
        ("2020-05-02T02:54:29+00:00", 2, True),
        ("2020-05-02T02:54:29-04:00", 2, False),
        ("2020-05-02 02:54", 2, None),
        ("2020-05-02", None, None),
        ("May 2, 2020 at 2:54 pm", 14, None),
    ],
)
def test_parse_stamp_time_and_zone(text: str, hour: int | None, utc: bool | None) -> None:
    got = parse_stamp(text)
    assert got is not None and (got.hour, got.utc) == (hour, utc)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(1588388069, dt.date(2020, 5, 2)), ("1588388069000", dt.date(2020, 5, 2)), ("abc", None), (True, None),
     (10**15, None)],
)
def test_parse_epoch(value: object, expected: dt.date | None) -> None:
    got = parse_epoch(value)
    assert (got.day if got else None) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/2020/07/08/some-story/", dt.date(2020, 7, 8)),
        ("https://a.example/news/2019-12-31-year-end", dt.date(2019, 12, 31)),
        ("https://a.example/world/blaze-under-control-20200113", dt.date(2020, 1, 13)),
        ("https://a.example/story/2020/8/24/slug", dt.date(2020, 8, 24)),
        ("https://a.example/News/120200622120908039/slug", None),
        ("https://a.example/2020/07/", None),
        ("https://a.example/article/791661", None),
    ],
)
def test_url_day(url: str, expected: dt.date | None) -> None:
    assert url_day(url) == expected


@pytest.mark.slow
def test_dev_pages_exact_day(shared_data: Path) -> None:
    root = shared_data / "htmldate-dev"
    if not (root / "gold.json").is_file():
        pytest.skip("htmldate-dev is not available")
    gold = json.loads((root / "gold.json").read_text(encoding="utf-8"))
    items = [v for v in gold.values() if isinstance(v.get("date"), str)]
    ok = 0
    for item in items:
        with gzip.open(root / "html" / item["file"]) as fh:
            html = fh.read().decode("utf-8", "replace")
        got = find_page_date(html)
        ok += got is not None and got.value == dt.date.fromisoformat(item["date"])
    assert ok / len(items) >= 0.9
