"""Turn raw bytes into text safely: encoding detection, binary and size checks, format sniffing."""

from __future__ import annotations

import re

from storyline._exceptions import BinaryInputError, EmptyInputError, InputTooLargeError

#: Largest document (decoded characters) that the cleaner accepts; larger inputs are rejected.
MAX_DOCUMENT_CHARS = 20_000_000

_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|div|article|p)\b", re.I | re.S)
_HTML_START_STR = re.compile(r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|div|article|p)\b", re.I | re.S)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_SURROGATES = re.compile("[\ud800-\udfff]")


def scrub_surrogates(text: str) -> str:
    """Replace lone UTF-16 surrogates with U+FFFD, keeping every offset in place.

    A JSON escape such as ``"\\ud800"`` decodes to a str that cannot be encoded as UTF-8: the
    parser, the tokenizer and the database all fail on it (fuzzing found this).

    Args:
        text: any str.
    """
    return _SURROGATES.sub("\ufffd", text) if _SURROGATES.search(text) else text


def decode_document(raw: bytes | str, *, source: str = "<input>") -> tuple[str, str]:
    """Decode raw input to (text, encoding), rejecting empty, binary and oversized documents.

    Args:
        raw: the bytes or text of one document.
        source: name used in error messages.

    Raises:
        EmptyInputError, BinaryInputError, InputTooLargeError.
    """
    encoding = "utf-8"
    if isinstance(raw, str):
        text = scrub_surrogates(raw)
    else:
        if len(raw) > MAX_DOCUMENT_CHARS * 4:
            raise InputTooLargeError(
                f"document is {len(raw):,} bytes; the limit is {MAX_DOCUMENT_CHARS * 4:,}", source=source
            )
        text, encoding = _decode_bytes(raw, source=source)
    if len(text) > MAX_DOCUMENT_CHARS:
        raise InputTooLargeError(
            f"document has {len(text):,} characters; the limit is {MAX_DOCUMENT_CHARS:,}: split it into articles",
            source=source,
        )
    if "\x00" in text[:65536]:
        raise BinaryInputError("document contains NUL bytes: it looks binary, not text", source=source)
    if not text.strip():
        raise EmptyInputError("document is empty: nothing to analyse", source=source)
    return text, encoding


def _decode_bytes(raw: bytes, *, source: str) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return raw[len(bom) :].decode(codec, errors="replace"), codec
    head = raw[:65536]
    if b"\x00" in head:
        raise BinaryInputError("document contains NUL bytes: it looks binary, not text", source=source)
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_charset(head)
    if declared:
        try:
            return raw.decode(declared), declared
        except (LookupError, UnicodeDecodeError):
            pass
    text = raw.decode("cp1252", errors="replace")
    # cp1252 leaves C0/C1 control characters where a binary file has arbitrary bytes.
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > max(8, len(text[:65536]) // 100) or text.count("\ufffd") > max(8, len(text) // 50):
        raise BinaryInputError("document is not valid text in UTF-8 or cp1252: it looks binary", source=source)
    return text, "cp1252"


_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-]+)""", re.I)


def _declared_charset(head: bytes) -> str | None:
    m = _CHARSET.search(head)
    return m.group(1).decode("ascii").lower() if m else None


def sniff_format(text: str, *, filename: str | None = None) -> str:
    """Guess "html", "markdown" or "text" from the file name, else from the content.

    Args:
        text: the decoded document.
        filename: optional name with a suffix.
    """
    name = (filename or "").lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith((".html", ".htm", ".xhtml")):
        return "html"
    if name.endswith((".md", ".markdown")):
        return "markdown"
    if name.endswith(".txt"):
        return "text"
    return "html" if _HTML_START_STR.match(text[:4096]) else "text"
