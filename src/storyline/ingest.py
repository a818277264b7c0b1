"""Ingestion stage: paths (files, folders, .gz, JSON/JSONL, stdin) in, a stream of `RawInput` out.

Inputs are read lazily, one document at a time, so a corpus of any size streams through with
bounded memory. Inputs that cannot be read become `Rejection` records in the same stream: the
caller records them and the rest of the batch carries on.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from storyline._exceptions import InputError, InputTooLargeError, MalformedInputError
from storyline.clean.decode import scrub_surrogates
from storyline.records import RawInput, Rejection

#: Largest single document file accepted (bytes, after decompression).
MAX_FILE_BYTES = 20 * 1024 * 1024
#: Largest JSON/JSONL file accepted (bytes, after decompression); records stream line by line.
MAX_JSONL_BYTES = 2 * 1024 * 1024 * 1024
#: Largest decompressed/compressed ratio accepted from a .gz before it counts as a bomb.
MAX_GZIP_RATIO = 200

TEXT_SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
}
JSON_SUFFIXES = {".json", ".jsonl", ".ndjson"}


def supported(path: Path) -> bool:
    """True when ``path`` has a suffix Storyline reads (optionally followed by .gz).

    Args:
        path: a file path.
    """
    suffix = _inner_suffix(path)
    return suffix in TEXT_SUFFIXES or suffix in JSON_SUFFIXES


def _inner_suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def iter_inputs(
    paths: Iterable[str | os.PathLike[str]], *, stdin: BinaryIO | None = None
) -> Iterator[RawInput | Rejection]:
    """Yield every document under ``paths``, in a stable order, or a rejection for each failure.

    Args:
        paths: files, folders (walked recursively, sorted) and "-" for standard input.
        stdin: stream used for "-" (defaults to ``sys.stdin.buffer``).
    """
    for raw_path in paths:
        if str(raw_path) == "-":
            yield from _read_stream(stdin if stdin is not None else sys.stdin.buffer)
            continue
        path = Path(raw_path)
        if path.is_dir():
            for file in _walk(path):
                yield from read_file(file)
        elif path.exists():
            yield from read_file(path)
        else:
            yield Rejection(str(path), "missing", f"{path}: no such file or folder; check the path")


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name


def read_file(path: Path) -> Iterator[RawInput | Rejection]:
    """Yield the document(s) in one file, or a rejection.

    Args:
        path: a .txt/.md/.html/.json/.jsonl file, optionally gzipped.
    """
    source = str(path)
    suffix = _inner_suffix(path)
    if suffix not in TEXT_SUFFIXES and suffix not in JSON_SUFFIXES:
        yield Rejection(
            source,
            "unsupported",
            f"{source}: unsupported file type {suffix or '(none)'!r}; "
            "use .txt, .md, .html, .json or .jsonl (optionally .gz)",
        )
        return
    try:
        if suffix in JSON_SUFFIXES:
            with _open_bounded(path, limit=MAX_JSONL_BYTES) as stream:
                yield from _read_json_stream(stream, source=source, whole=suffix == ".json")
            return
        with _open_bounded(path, limit=MAX_FILE_BYTES) as stream:
            data = stream.read()
        yield RawInput(source=source, data=data, format_hint=TEXT_SUFFIXES[suffix])
    except InputError as exc:
        yield Rejection(source, exc.reason, f"{source}: {exc.args[0]}")
    except (OSError, EOFError, zlib.error) as exc:
        yield Rejection(source, "unreadable", f"{source}: cannot read file ({exc}); check that it is intact")


class _BoundedReader(io.RawIOBase):
    """A stream that raises `InputTooLargeError` once more than ``limit`` bytes are read."""

    def __init__(self, inner: BinaryIO, *, limit: int, what: str) -> None:
        self._inner = inner
        self._limit = limit
        self._read = 0
        self._what = what

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._inner.read(len(buffer))
        self._read += len(chunk)
        if self._read > self._limit:
            raise InputTooLargeError(f"{self._what} exceeds {self._limit:,} bytes; split it or raise the limit")
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _open_bounded(path: Path, *, limit: int) -> io.BufferedReader:
    """Open ``path`` (gunzipping .gz) so that reading more than ``limit`` bytes fails cleanly."""
    size = path.stat().st_size
    if path.suffix.lower() == ".gz":
        # A gzip bomb is caught both by absolute size and by an implausible expansion ratio.
        cap = min(limit, max(size * MAX_GZIP_RATIO, 1024 * 1024))
        what = (
            "decompressed gzip data"
            if cap == limit
            else f"decompressed gzip data ({MAX_GZIP_RATIO}x its size: a gzip bomb?)"
        )
        return io.BufferedReader(_BoundedReader(gzip.open(path, "rb"), limit=cap, what=what))  # type: ignore[arg-type]
    if size > limit:
        raise InputTooLargeError(f"file is {size:,} bytes; the limit is {limit:,}; split it into articles")
    return io.BufferedReader(_BoundedReader(open(path, "rb"), limit=limit, what="file"))


def _read_stream(stream: BinaryIO) -> Iterator[RawInput | Rejection]:
    source = "-"
    try:
        data = _BoundedReader(stream, limit=MAX_FILE_BYTES, what="standard input").readall()
    except InputError as exc:
        yield Rejection(source, exc.reason, f"{source}: {exc.args[0]}")
        return
    if data[:2] == b"\x1f\x8b":
        try:
            unzipped: BinaryIO = gzip.GzipFile(fileobj=io.BytesIO(data))  # type: ignore[assignment]
            reader = _BoundedReader(unzipped, limit=MAX_FILE_BYTES, what="decompressed stdin")
            data = reader.readall()
        except (InputError, OSError, EOFError, zlib.error) as exc:
            yield Rejection(source, "malformed", f"{source}: cannot decompress standard input ({exc})")
            return
    stripped = data.lstrip()
    if stripped[:1] in (b"{", b"["):
        yield from _read_json_stream(io.BytesIO(data), source=source, whole=stripped[:1] == b"[")
        return
    yield RawInput(source=source, data=data, format_hint="text")


def _read_json_stream(
    stream: BinaryIO | io.BufferedReader, *, source: str, whole: bool
) -> Iterator[RawInput | Rejection]:
    if whole:
        try:
            payload = json.loads(stream.read().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            yield Rejection(
                source, "malformed", f"{source}: not valid JSON ({exc}); expected an object or a list of objects"
            )
            return
        except RecursionError:  # json.loads recurses once per level: "[[[[..." deep enough overflows
            yield Rejection(source, "malformed", f"{source}: JSON is nested too deeply to read")
            return
        records = payload if isinstance(payload, list) else [payload]
        for n, obj in enumerate(records, start=1):
            where = source if len(records) == 1 else f"{source}#{n}"
            yield _record(obj, source=where)
        return
    for n, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        where = f"{source}#{n}"
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            yield Rejection(
                where, "malformed", f"{source}: line {n} is not valid JSON ({exc.__class__.__name__}: {exc})"
            )
            continue
        except RecursionError:
            yield Rejection(where, "malformed", f"{source}: line {n} is JSON nested too deeply to read")
            continue
        yield _record(obj, source=where)


def _record(obj: object, *, source: str) -> RawInput | Rejection:
    """Turn one JSON object into a `RawInput`, or reject it with the reason."""
    try:
        return json_record(obj, source=source)
    except InputError as exc:
        return Rejection(source, exc.reason, f"{source}: {exc.args[0]}")


def json_record(obj: object, *, source: str) -> RawInput:
    """Read one article object: text or html, with optional title, url, published and outlet.

    Args:
        obj: the decoded JSON value.
        source: where it came from, for messages.

    Raises:
        MalformedInputError: not an object, or neither "text" nor "html" is a string.
    """
    if not isinstance(obj, dict):
        raise MalformedInputError(f"expected a JSON object per article, got {type(obj).__name__}", source=source)
    html, text = obj.get("html"), obj.get("text")
    html = scrub_surrogates(html) if isinstance(html, str) else html
    text = scrub_surrogates(text) if isinstance(text, str) else text
    if isinstance(html, str) and html.strip():
        body, hint = html, "html"
    elif isinstance(text, str):
        body, hint = text, "text"
    else:
        raise MalformedInputError('article object needs a string "text" or "html" field', source=source)
    if len(body) > MAX_FILE_BYTES:
        raise InputTooLargeError(
            f"article body has {len(body):,} characters; the limit is {MAX_FILE_BYTES:,}", source=source
        )

    def field(name: str) -> str | None:
        value = obj.get(name)
        return scrub_surrogates(str(value)).strip() or None if value is not None else None

    return RawInput(
        source=source,
        data=body,
        format_hint=hint,
        title=field("title"),
        url=field("url"),
        outlet=field("outlet") or field("source"),
        published=field("published") or field("date"),
    )
