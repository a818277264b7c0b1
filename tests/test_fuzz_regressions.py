"""Regression cases for what the fuzzers in ``benchmarks/fuzz/`` found (one test per finding)."""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import pytest

import storyline
from storyline.ingest import _read_json_stream, json_record
from storyline.pipeline import clean_input, parse_record_date
from storyline.records import RawInput

# -- finding 1: a JSONL record's "published" field went to dateparser unchecked ----------------
# A garbage value such as str([-249, False, {...}]) took 9-12 s in dateparser's language
# detection, and lenient parsing turned "x" into the first of this year's October.


@pytest.mark.parametrize(
    "value",
    ["x", "[-249, False, {'c|': True, 'õ\\\\à\\x98': None}]", "õ à 12 c True None ab cd", "yesterday", "2021", ""],
)
def test_garbage_record_dates_are_rejected_quickly(value: str) -> None:
    started = time.process_time()
    assert parse_record_date(value) is None
    assert time.process_time() - started < 2.0


@pytest.mark.parametrize(
    ("value", "day"),
    [
        ("2021-03-02", dt.date(2021, 3, 2)),
        ("2021-03-02T10:00:00Z", dt.date(2021, 3, 2)),
        ("March 3, 2021", dt.date(2021, 3, 3)),
        ("Tue, 02 Mar 2021 10:00:00 GMT", dt.date(2021, 3, 2)),
        ("3 mars 2021", dt.date(2021, 3, 3)),
    ],
)
def test_real_record_dates_still_parse(value: str, day: dt.date) -> None:
    assert parse_record_date(value) == day


def test_garbage_published_field_gives_no_metadata_date() -> None:
    body = "Council meets\n\nThe council met on a quiet evening and adjourned early after a short debate on roads."
    line = json.dumps({"text": body, "published": ["x"]})
    [raw] = list(_read_json_stream(io.BytesIO(line.encode()), source="a.jsonl", whole=False))
    assert isinstance(raw, RawInput)
    doc = clean_input(raw)
    assert doc.article.published is None or doc.article.published.basis != "metadata"


# -- finding 2: lone surrogates ("\ud800", e.g. from a JSON escape) crashed the tokenizer -------
# spaCy raised UnicodeEncodeError inside extract_quotes, and the same text would have failed the
# DuckDB insert of a whole batch during analyze.


def test_extract_quotes_survives_a_lone_surrogate() -> None:
    assert storyline.extract_quotes("\ud800") == []


def test_quote_over_a_surrogate_keeps_offsets_and_text() -> None:
    text = '"We will \ud800 stay," said Mara Velt, the director.'
    quotes = storyline.extract_quotes(text)
    assert quotes
    for q in quotes:
        assert q.text == text[q.start : q.end]


def test_read_article_scrubs_surrogates_in_place() -> None:
    body = "Harbour reopens\n\nThe harbour \ud800 reopened on Friday after a long strike, the union said."
    art = storyline.read_article(body, filename="a.txt")
    assert "\ud800" not in art.text and "\ufffd" in art.text
    art.text.encode("utf-8")  # what the store needs


def test_jsonl_record_fields_are_scrubbed() -> None:
    raw = json_record({"text": "Body \udfff text.", "title": "T\ud83d", "outlet": "\udc00O"}, source="a.jsonl#1")
    for value in (raw.data, raw.title, raw.outlet):
        assert isinstance(value, str)
        value.encode("utf-8")


@pytest.mark.parametrize("call", ["find_times", "estimate_date"])
def test_dating_survives_surrogates(call: str) -> None:
    text = "\ud800 On Monday, 3 March 2021, the council \udfff met."
    if call == "find_times":
        for t in storyline.find_times(text):
            assert t.text == text[t.start : t.end]
    else:
        assert storyline.estimate_date(text).basis in {"stated", "metadata", "inferred", "unknown"}


# -- finding 3: deeply nested JSON escaped ingest as RecursionError ------------------------------
# json.loads recurses once per nesting level, so "[[[[..." 200,000 deep raised RecursionError out
# of the input stream and would have stopped a whole analyze run.


@pytest.mark.parametrize("whole", [False, True])
def test_deeply_nested_json_is_a_rejection(whole: bool) -> None:
    payload = b"[" * 200_000 + b"]" * 200_000
    items = list(_read_json_stream(io.BytesIO(payload + b"\n"), source="deep.json", whole=whole))
    assert len(items) == 1
    assert not isinstance(items[0], RawInput)
    assert items[0].reason == "malformed" and "nested too deeply" in items[0].message


def test_deep_line_does_not_stop_the_next_ones() -> None:
    good = json.dumps({"text": "The bridge reopened on Friday."}).encode()
    stream = io.BytesIO(b"[" * 200_000 + b"]" * 200_000 + b"\n" + good + b"\n")
    items = list(_read_json_stream(stream, source="a.jsonl", whole=False))
    assert [type(i).__name__ for i in items] == ["Rejection", "RawInput"]


@pytest.mark.parametrize("char", ["\x1d", "\x08", "\x0b", "\ufffe"])
def test_html_with_xml_forbidden_characters_next_to_removed_chrome(char: str) -> None:
    # Found by fuzz_read_article.py --path jsonl: moving a tail holding a control character into
    # its parent raised lxml's "All strings must be XML compatible" ValueError.
    html = f"<p><p><footer>Share</footer><script>null</script>Rivers rose{char} again at Tolmere.</p>"
    article = storyline.read_article(html, filename="page.html")
    assert "Rivers rose" in article.text and char not in article.text
    record = json.dumps({"title": "", "published": "said", "html": html}).encode()
    items = list(_read_json_stream(io.BytesIO(record), source="f.jsonl", whole=False))
    assert [type(i) for i in items] == [RawInput]
    assert "Tolmere" in clean_input(items[0]).article.text  # type: ignore[arg-type]
