"""Ingestion: formats, gzip, JSONL, stdin, and the bad-input suite."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.ingest import iter_inputs, json_record, supported
from storyline.records import RawInput, Rejection

ARTICLE = (
    "Officials in Varnholt said on Monday that the new bridge across the Selm river would open in May, "
    "two months later than planned, after inspectors found cracks in two support pillars."
)


def collect(paths: list[str | Path], **kw: object) -> tuple[list[RawInput], list[Rejection]]:
    items = list(iter_inputs(paths, **kw))  # type: ignore[arg-type]
    return [i for i in items if isinstance(i, RawInput)], [i for i in items if isinstance(i, Rejection)]


@pytest.mark.parametrize(
    "name, expected",
    [
        ("a.txt", True),
        ("a.md", True),
        ("a.html", True),
        ("a.HTM", True),
        ("a.json", True),
        ("a.jsonl", True),
        ("a.txt.gz", True),
        ("a.jsonl.gz", True),
        ("a.pdf", False),
        ("a.gz", False),
        ("noext", False),
    ],
)
def test_supported_suffixes(name: str, expected: bool) -> None:
    assert supported(Path(name)) is expected


def test_folder_walk_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "z.txt").write_text(ARTICLE)
    (tmp_path / "a.md").write_text("# Title\n\n" + ARTICLE)
    (tmp_path / ".hidden" / "x.txt").write_text(ARTICLE)
    (tmp_path / "c.html").write_text(f"<html><body><p>{ARTICLE}</p></body></html>")
    docs, rejected = collect([tmp_path])
    assert [Path(d.source).name for d in docs] == ["a.md", "c.html", "z.txt"]
    assert [d.format_hint for d in docs] == ["markdown", "html", "text"]
    assert rejected == []


def test_gzip_files_are_read(tmp_path: Path) -> None:
    path = tmp_path / "a.txt.gz"
    path.write_bytes(gzip.compress(ARTICLE.encode()))
    docs, rejected = collect([path])
    assert docs[0].data == ARTICLE.encode()
    assert not rejected


def test_jsonl_records_and_malformed_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(
            {
                "text": ARTICLE,
                "title": "Bridge delayed",
                "url": "https://example.invalid/a",
                "published": "2025-03-02",
                "outlet": "Selm Courier",
            }
        ),
        "{not json",
        json.dumps({"html": f"<p>{ARTICLE}</p>", "title": "Bridge delayed again"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"title": "no body"}),
    ]
    path.write_text("\n".join(lines) + "\n")
    docs, rejected = collect([path])
    assert [(d.source.rsplit("#")[1], d.format_hint) for d in docs] == [("1", "text"), ("3", "html")]
    assert docs[0].outlet == "Selm Courier" and docs[0].published == "2025-03-02"
    assert [(r.source.rsplit("#")[1], r.reason) for r in rejected] == [
        ("2", "malformed"),
        ("4", "malformed"),
        ("5", "malformed"),
    ]
    assert all(str(path) in r.message and "\n" not in r.message for r in rejected)


def test_json_file_with_list(tmp_path: Path) -> None:
    path = tmp_path / "feed.json"
    path.write_text(json.dumps([{"text": ARTICLE}, {"text": ARTICLE + " More."}]))
    docs, _ = collect([path])
    assert [d.source.rsplit("#")[1] for d in docs] == ["1", "2"]


def test_stdin_text_and_jsonl() -> None:
    docs, _ = collect(["-"], stdin=io.BytesIO(ARTICLE.encode()))
    assert docs[0].source == "-" and docs[0].data == ARTICLE.encode()
    feed = (json.dumps({"text": ARTICLE}) + "\n" + json.dumps({"text": ARTICLE + " Two."}) + "\n").encode()
    docs, _ = collect(["-"], stdin=io.BytesIO(feed))
    assert len(docs) == 2


def test_missing_and_unsupported_paths_are_rejected(tmp_path: Path) -> None:
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4")
    _, rejected = collect([tmp_path / "nope.txt", tmp_path / "scan.pdf"])
    assert [r.reason for r in rejected] == ["missing", "unsupported"]


def test_gzip_bomb_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    with gzip.open(path, "wb", compresslevel=9) as fh:
        block = b"A" * (1024 * 1024)
        for _ in range(64):
            fh.write(block)
    assert path.stat().st_size < 200_000
    docs, rejected = collect([path])
    assert not docs
    assert rejected[0].reason == "too_large"
    assert "gzip" in rejected[0].message


def test_large_file_is_rejected_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    _, rejected = collect([path])
    assert rejected[0].reason == "too_large" and "huge.txt" in rejected[0].message


@given(st.dictionaries(st.text(max_size=8), st.one_of(st.none(), st.text(max_size=30), st.integers()), max_size=6))
@settings(max_examples=200, deadline=None)
def test_json_record_never_raises_unexpectedly(obj: dict[str, object]) -> None:
    from storyline import InputError

    try:
        record = json_record(obj, source="x.jsonl#1")
    except InputError:
        return
    assert isinstance(record.data, str)
