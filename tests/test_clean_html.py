"""Tests for the HTML reader: main text, boilerplate removal, metadata and robustness."""

from __future__ import annotations

import gzip
import json
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import storyline
from storyline.clean import html as html_mod
from storyline.clean.html import MAX_REMOVED, read_html
from storyline.clean.html_filter import REMOVED_CHARS, Line, filter_lines, why_boilerplate
from storyline.clean.html_meta import extract_meta
from storyline.records import Article

_WORDS = re.compile(r"\w+")


@pytest.fixture(scope="module")
def boilerplate_page(fixtures_dir: Path) -> Article:
    return read_html((fixtures_dir / "html" / "article_boilerplate.html").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def chunks_html(fixtures_dir: Path) -> str:
    return (fixtures_dir / "html" / "article_chunks.html").read_text(encoding="utf-8")


def _page(body: str, head: str = "") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


_STORY = "".join(
    f"<p>Paragraph {n} of the story tells how the river ferry kept running through the long winter "
    f"while the bridge was closed, with extra sailings at the busiest hours of the day.</p>"
    for n in range(1, 7)
)


# --- main text ---------------------------------------------------------------------------------


def test_body_paragraphs_kept_in_order_and_separated(boilerplate_page: Article) -> None:
    paras = boilerplate_page.text.split("\n\n")
    assert len(paras) == 6
    assert paras[0].startswith("The old swing bridge across the inner harbour")
    assert paras[2].startswith('"We found more rust')
    assert paras[-1].startswith("Residents of the old town")


@pytest.mark.parametrize(
    "boilerplate",
    [
        "cookies",  # cookie banner
        "Local news",  # navigation
        "Share on Facebook",  # share bar
        "Sign up for our newsletter",  # subscribe prompt
        "Related",  # inline cross-link and related-stories box
        "Storm damage closes coastal path",  # related link
        "All rights reserved",  # footer copyright
        "Privacy policy",  # footer links
        "By Mira Okafor",  # byline
    ],
)
def test_boilerplate_removed(boilerplate_page: Article, boilerplate: str) -> None:
    assert boilerplate not in boilerplate_page.text


def test_headline_not_repeated_in_body(boilerplate_page: Article) -> None:
    assert boilerplate_page.title == "Harbour bridge reopens after two-year repair"
    assert boilerplate_page.title not in boilerplate_page.text


def test_metadata(boilerplate_page: Article) -> None:
    assert boilerplate_page.author == "Mira Okafor"
    assert boilerplate_page.outlet == "The Harbour Gazette"
    assert boilerplate_page.url == "https://gazette.example.org/news/harbour-bridge-reopens"
    assert boilerplate_page.original.startswith("<!DOCTYPE html>")


def test_removed_lists_dropped_blocks_bounded(boilerplate_page: Article) -> None:
    removed = boilerplate_page.removed
    assert any("cookies" in r for r in removed)
    assert any("All rights reserved" in r for r in removed)
    assert any("Sign up for our newsletter" in r for r in removed)
    assert all(len(r) <= REMOVED_CHARS for r in removed)
    assert len(removed) <= MAX_REMOVED
    # Nothing that was kept is reported as removed.
    assert not any(r in boilerplate_page.text for r in removed)


def test_removed_is_bounded_on_huge_pages() -> None:
    filler = "word " * 80
    nav = "".join(f"<li><a href='/{i}'>Section number {i} of the site {filler}</a></li>" for i in range(500))
    art = read_html(_page(f"<ul>{nav}</ul><article>{_STORY}</article>"))
    assert len(art.removed) == MAX_REMOVED
    assert all(len(r) <= REMOVED_CHARS for r in art.removed)


def test_read_article_dispatches_html(boilerplate_page: Article, fixtures_dir: Path) -> None:
    raw = (fixtures_dir / "html" / "article_boilerplate.html").read_bytes()
    art = storyline.read_article(raw, filename="page.html")
    assert art.format == "html"
    assert art.text == boilerplate_page.text
    assert art.language == "en"


def test_jsonld_metadata(chunks_html: str) -> None:
    art = read_html(chunks_html)
    assert art.title == "Night trains return to the northern line"
    assert art.author == "Jonas Berg"
    assert art.outlet == "Rail Weekly"
    assert art.url == "https://rail.example.com/night-trains"
    assert "Engineers will test the refitted carriages" in art.text
    assert "Advertisement" not in art.text


def test_sibling_chunks_are_merged_in_document_order(chunks_html: str) -> None:
    tree = html_mod._parse(chunks_html, source="t")
    lines = html_mod._extract_lines(tree, url=None)
    first = [ln for ln in lines if ln.text.startswith(("Sleeper", "The carriages", "Tickets"))]
    merged = html_mod._add_continuations(tree, first)
    texts = [ln.text for ln in merged]
    assert len(texts) == 6
    assert texts[0].startswith("Sleeper")
    assert texts[3].startswith("Passenger groups")
    assert texts[5].startswith("Engineers")


@pytest.mark.parametrize(
    "template",
    [
        "<nav><a href='/'>Home</a></nav><footer>{story}</footer>",  # story inside a <footer>
        "<form id='page'><nav><a href='/'>Home</a></nav>{story}<footer><p>Copyright 2020</p></footer></form>",
        "<aside><p>Short promo text here.</p></aside><div>{story}</div><aside><nav>x y z</nav></aside>",
    ],
)
def test_story_inside_page_chrome_is_kept(template: str) -> None:
    art = read_html(_page(template.format(story=_STORY)))
    assert art.text.count("Paragraph") == 6


def test_embedded_post_kept_in_place() -> None:
    tweet = (
        '<blockquote class="twitter-tweet"><p>The ferry is full again this morning, queue down to the car park'
        ' <a href="https://t.example/x">t.example/x</a></p>&mdash; Harbour Watch (@harbourwatch)'
        ' <a href="https://t.example/status/1">March 3, 2024</a></blockquote>'
    )
    paras = _STORY.split("</p>")
    # Wrapped in a social-widget container, as publishers do, which extractors discard.
    embed = f'<div class="social-embed embed-twitter">{tweet}</div>'
    body = "</p>".join(paras[:3]) + "</p>" + embed + "</p>".join(paras[3:])
    art = read_html(_page(f"<article>{body}</article>"))
    parts = art.text.split("\n\n")
    where = next(i for i, part in enumerate(parts) if part.startswith("The ferry is full again"))
    assert parts[where - 1].startswith("Paragraph 3") and parts[where + 2].startswith("Paragraph 4")
    assert parts[where + 1].startswith("\u2014 Harbour Watch (@harbourwatch)")
    assert art.text.count("The ferry is full again") == 1


@pytest.mark.parametrize(
    ("head", "footer", "outlet"),
    [
        ('<meta property="og:site_name" content="Valley Courier">', "", "Valley Courier"),
        (
            '<script type="application/ld+json">{"@type":"NewsArticle","headline":"H",'
            '"publisher":{"@type":"Organization","name":"Coast Daily"}}</script>',
            "",
            "Coast Daily",
        ),
        ('<meta name="application-name" content="Metro Wire">', "", "Metro Wire"),
        ("<title>Ferry sailings extended for winter | Island Post</title>", "", "Island Post"),
        (
            "<title>Ferry sailings extended</title>",
            "<footer><p>© 2023 Northern Lights Media. All rights reserved.</p></footer>",
            "Northern Lights Media",
        ),
    ],
)
def test_outlet_sources(head: str, footer: str, outlet: str) -> None:
    art = read_html(_page(f"<article>{_STORY}</article>{footer}", head))
    assert art.outlet == outlet


def test_title_from_title_tag_without_site_suffix() -> None:
    page = _page(_STORY, "<title>Ferry sailings extended for winter | Island Post</title>")
    meta = extract_meta(html_mod._parse(page, source="t"))
    assert meta.title == "Ferry sailings extended for winter"


# --- line filter -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Read more: Council approves the new cycle lanes",
        "RELATED: Five things to know about the vote",
        "DON'T MISS",
        "Share this article",
        "12 comments",
        "Leave a Reply",
        "Subscribe to our newsletter for the latest updates.",
        "Copyright 2021 Example News Ltd. All rights reserved.",
        "© Example Media 2020",
        "Email the author at someone@example.com",
        "Most read in world news",
    ],
)
def test_boilerplate_lines(text: str) -> None:
    assert why_boilerplate(Line(text=text)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "The council said it would read more widely on the proposal before the vote.",
        "More than 300 people signed the petition, organisers said.",
        "Subscribers to the service continued to sign up additional users through the week.",
        "The share price fell 3% after the announcement.",
        "Comments from the minister drew criticism from the opposition on Tuesday.",
    ],
)
def test_article_lines_kept(text: str) -> None:
    assert why_boilerplate(Line(text=text)) is None


def test_link_runs_dropped_but_single_links_in_body_kept() -> None:
    lines = [
        Line("A first paragraph of the story with enough words to count as real text here."),
        Line("European Space Agency", link_share=1.0),
        Line("A middle paragraph that continues the story with a good number of words in it."),
        Line("https://example.org/report.pdf", link_share=1.0),
        Line("A last paragraph that closes the story with a good number of plain words."),
        Line("Council approves new cycle lanes for the harbour", kind="item", link_share=1.0),
        Line("Storm damage closes coastal path for the weekend", kind="item", link_share=1.0),
    ]
    kept, dropped = filter_lines(lines, titles=())
    assert "European Space Agency" in kept
    assert "https://example.org/report.pdf" in kept
    assert dropped == [lines[5].text, lines[6].text]


def test_title_and_standfirst_dropped_from_top() -> None:
    lines = [
        Line("Harbour bridge reopens", kind="head"),
        Line("The swing bridge carries traffic again after a repair that took two years", kind="head"),
        Line("The old swing bridge carried its first cars in two years on Tuesday."),
        Line("A subheading inside the story", kind="head"),
    ]
    kept, dropped = filter_lines(lines, titles=["Harbour bridge reopens | Gazette", "Harbour bridge reopens"])
    assert kept == [lines[2].text, lines[3].text]
    assert dropped == [lines[0].text, lines[1].text]


# --- robustness --------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [300, 10_000, 100_000])
def test_deep_nesting_does_not_crash_or_hang(depth: int) -> None:
    inner = "<p>Deep text that sits below every one of the nested layers.</p>"
    page = _page("<div>" * depth + inner + "</div>" * depth)
    start = time.perf_counter()
    art = read_html(page, source="deep.html")
    assert time.perf_counter() - start < 10
    assert "Deep text that sits below" in art.text


def test_deep_unclosed_nesting() -> None:
    art = read_html("<html><body>" + "<span><div>" * 10_000 + "Tail text of the page", source="deep.html")
    assert isinstance(art, Article)
    assert "Tail text" in art.text


@pytest.mark.parametrize(
    "raw",
    [
        "<html></html>",
        "<html><head><title></title></head><body></body></html>",
        "<p>",
        "<<<>>>",
        "\x01\x02 garbage \x03",
        "<html><head><script>var a = '<p>not text</p>';</script></head><body></body></html>",
        '<html><head><script type="application/ld+json">{"@type": [1, 2</script></head><body></body></html>',
        '<html><head><script type="application/ld+json">' + "[" * 5000 + "]" * 5000 + "</script></head></html>",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
        "<table>" * 3000 + "<tr><td>cell</td></tr>",
        "<!-- only a comment -->",
        '<script type="application/ld+json">[' + ",".join(["1"] * 50_000) + "]</script><p>a b c</p>",
    ],
)
def test_empty_or_garbage_html(raw: str) -> None:
    try:
        art = read_html(raw, source="junk.html")
    except (storyline.EmptyInputError, storyline.MalformedInputError) as err:
        assert "junk.html" in str(err)
        return
    assert isinstance(art.text, str)
    assert isinstance(art.removed, list)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<div>",
                    "</div>",
                    "<p>",
                    "</p>",
                    "<a href='x'>",
                    "</a>",
                    "<br>",
                    "<li>",
                    "<script>",
                    "</script>",
                    "<!--",
                    "-->",
                    "<h1>",
                    "<meta property='og:title' content='T'>",
                    "&amp;",
                    "&#0;",
                    "<",
                    ">",
                    '"',
                    "'",
                ]
            ),
            st.text(min_size=0, max_size=30),
        ),
        max_size=60,
    )
)
def test_fuzz_never_raises_unexpected(parts: list[str]) -> None:
    raw = "<html><body>" + "".join(parts)
    try:
        art = read_html(raw, source="fuzz.html")
    except (storyline.EmptyInputError, storyline.MalformedInputError):
        return
    assert isinstance(art.text, str)
    assert "\n\n\n" not in art.text


# --- real pages (shared dev data) --------------------------------------------------------------


def _shingles(text: str) -> set[tuple[str, ...]]:
    toks = _WORDS.findall(text)
    return {tuple(toks[i : i + 4]) for i in range(max(1, len(toks) - 3))}


@pytest.mark.slow
def test_dev_pages_extraction_quality(shared_data: Path) -> None:
    folder = shared_data / "article-extraction-dev"
    if not folder.is_dir():
        pytest.skip("article-extraction-dev is not available")
    gold = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    f1s = []
    for key in sorted(gold)[:30]:
        with gzip.open(folder / "html" / f"{key}.html.gz") as fh:
            raw = fh.read()
        pred, true = _shingles(storyline.read_article(raw, filename="p.html").text), _shingles(gold[key]["articleBody"])
        tp = len(pred & true)
        f1s.append(2 * tp / (len(pred) + len(true)) if pred or true else 1.0)
    assert sum(f1s) / len(f1s) >= 0.93
