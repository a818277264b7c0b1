"""Tests for Unicode/whitespace normalisation and its offset map."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.clean.normalize import clean_line, line_spans, normalize_text


def _squash(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hello\u00a0world", "Hello world"),
        ("thin\u2009space and\u202fnarrow", "thin space and narrow"),
        ("tab\tand  double", "tab and double"),
        ("zero\u200bwidth", "zerowidth"),
        ("soft\u00adhyphen", "softhyphen"),
        ("\ufeffBOM at start", "BOM at start"),
        ("one\r\n\r\ntwo", "one\n\ntwo"),
        ("one\r\rtwo", "one\n\ntwo"),
        ("one\n\n\n\n  two  ", "one\n\ntwo"),
        ("para one.\npara two.", "para one.\n\npara two."),
        ("\u201eLow\u201c and \u201fhigh\u201d", "\u201cLow\u201c and \u201chigh\u201d"),
        ("\u201asingle\u2019", "\u2018single\u2019"),
        ("curly \u201cstays\u201d and 'straight' too", "curly \u201cstays\u201d and 'straight' too"),
        ("\ufb01nal o\ufb00er", "final offer"),
        ("", ""),
        ("   \n\t\n ", ""),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize_text(raw)[0] == expected


def test_wrapped_lines_are_joined_and_paragraphs_kept() -> None:
    raw = (
        "The storm swept across the coast overnight and knocked\n"
        "down power lines in several towns along the northern\n"
        "shore, the utility said.\n\nSecond paragraph here."
    )
    text, _ = normalize_text(raw)
    assert text.split("\n\n") == [
        "The storm swept across the coast overnight and knocked down power lines in several towns "
        "along the northern shore, the utility said.",
        "Second paragraph here.",
    ]


def test_one_paragraph_per_line_stays_split() -> None:
    # Extractors such as trafilatura put one paragraph per line with no blank line between.
    raw = "Share\nA headline without a full stop\nThe first paragraph is a full sentence.\nThe second one too."
    assert normalize_text(raw)[0].split("\n\n") == raw.split("\n")


def test_soft_wrap_joins_lowercase_continuation() -> None:
    assert normalize_text("the talks were\ncontinuing today")[0] == "the talks were continuing today"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# Title here #", "Title here"),
        ("### Sub heading", "Sub heading"),
        ("Some **bold** and *italic* and __strong__ text", "Some bold and italic and strong text"),
        ("A [link](https://example.org/a_(b)) here", "A link here"),
        ("A [ref link][1] here", "A ref link here"),
        ("Image ![alt text](pic.png) gone", "Image gone"),
        ("Code `x = 1` inline", "Code x = 1 inline"),
        ("> quoted line", "quoted line"),
        ("- list item", "list item"),
        ("1. numbered item", "numbered item"),
        ("see <https://example.org>", "see https://example.org"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("2 * 3 * 4 is arithmetic", "2 * 3 * 4 is arithmetic"),
        ("---", ""),
    ],
)
def test_markdown_reduced_to_text(line: str, expected: str) -> None:
    assert clean_line(line, markdown=True) == expected


def test_markdown_words_map_to_original() -> None:
    raw = "# Big **news** today\n\nRead [the report](http://x.org/r) and *more*."
    text, omap = normalize_text(raw, markdown=True)
    for m in re.finditer(r"\w+", text):
        a, b = omap.span_to_original(m.start(), m.end())
        assert raw[a:b] == m.group()


def test_selected_lines_only() -> None:
    raw = "keep one\ndrop me\nkeep two\n\nkeep three"
    spans = line_spans(raw)
    text, omap = normalize_text(raw, lines=[spans[0], spans[2], spans[4]])
    assert text == "keep one\n\nkeep two\n\nkeep three"
    s = text.index("two")
    a, b = omap.span_to_original(s, s + 3)
    assert raw[a:b] == "two"


def test_line_spans_handle_all_breaks() -> None:
    raw = "a\r\nb\rc\nd\u2028e"
    assert [raw[s:e] for s, e in line_spans(raw)] == ["a", "b", "c", "d", "e"]


_ALPHABET = st.sampled_from(
    [
        *"abcXYZ .,'\"",
        "\n",
        "\r\n",
        "\t",
        "\u00a0",
        "\u2009",
        "\u200b",
        "\u00ad",
        "\u201e",
        "\u201c",
        "\u201d",
        "\u201a",
        "\ufb01",
        "\u3000",
        "\u2028",
        "\u00e9",
    ]
)
_TEXTS = st.lists(_ALPHABET, max_size=80).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXTS)
def test_offset_map_words_round_trip(raw: str) -> None:
    text, omap = normalize_text(raw)
    assert omap.clean_starts[0] == 0
    assert list(omap.clean_starts) == sorted(omap.clean_starts)
    for m in re.finditer(r"\S+", text):
        a, b = omap.span_to_original(m.start(), m.end())
        assert 0 <= a < b <= len(raw)
        # Normalising the original span gives back exactly the cleaned word.
        assert normalize_text(raw[a:b])[0] == m.group()


@settings(max_examples=300, deadline=None)
@given(_TEXTS, st.data())
def test_offset_map_spans_correspond(raw: str, data: st.DataObject) -> None:
    text, omap = normalize_text(raw)
    words = [m.span() for m in re.finditer(r"\S+", text)]
    if not words:
        assert text == ""
        return
    i = data.draw(st.integers(0, len(words) - 1))
    j = data.draw(st.integers(i, len(words) - 1))
    s, e = words[i][0], words[j][1]
    a, b = omap.span_to_original(s, e)
    assert _squash(normalize_text(raw[a:b])[0]) == _squash(text[s:e])


@settings(max_examples=200, deadline=None)
@given(_TEXTS)
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize_text(raw)[0]
    assert normalize_text(once)[0] == once


def test_similar_short_lines_not_joined_when_document_has_long_lines() -> None:
    # One paragraph per line (extractor output): similar-length lines without full stops stay apart.
    long_para = "This paragraph is long enough that no hard-wrapped document would ever contain it, " * 2
    raw = (
        f"{long_para.strip()}\n"
        "Free returns within thirty days for members\n"
        "Water resistant to fifty meters in most seas\n"
        "Weighs less than a kilogram with the battery"
    )
    assert len(normalize_text(raw)[0].split("\n\n")) == 4
