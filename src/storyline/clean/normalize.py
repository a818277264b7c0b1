"""Unicode and whitespace normalisation that keeps a map back to the original offsets.

The cleaned text keeps paragraphs as "\\n\\n", joins hard-wrapped lines of one paragraph with a
space, collapses every kind of space (NBSP, thin, ideographic, tabs) to one ASCII space, drops
invisible characters (zero-width space, soft hyphen, BOM, direction marks, control characters),
folds rare quote forms („ ‟ ‚ ‛ 〝 〞) to the usual curly ones and expands typographic
ligatures. Curly and straight quotes are otherwise kept as written. Every character of the result
maps to the original text through an `OffsetMap`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from storyline.records import OffsetMap

#: Line breaks recognised when splitting text into lines ("\r\n" counts as one).
LINE_BREAK = re.compile(r"\r\n|[\n\r\u2028\u2029\x0b\x0c\x85]")

_SPACE_CHARS = " \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_INVISIBLE = "\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f"
_FOLD = {
    "\u201e": "\u201c",  # „ low double quote opens like “
    "\u201f": "\u201c",  # ‟ reversed double quote
    "\u301d": "\u201c",  # 〝
    "\u301e": "\u201d",  # 〞
    "\u301f": "\u201d",  # 〟
    "\uff02": '"',  # fullwidth quotation mark
    "\u201a": "\u2018",  # ‚ low single quote
    "\u201b": "\u2018",  # ‛ reversed single quote
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
}
# Characters that need work; a single ASCII space is copied as it is. A one-class pattern lets the
# regex engine scan fast; runs of two or more ASCII spaces only get the slower pattern when present.
_SPECIAL = re.compile(f"[{_SPACE_CHARS[1:]}{_INVISIBLE}{''.join(_FOLD)}]+")
_SPECIAL_OR_SPACES = re.compile(f" {{2,}}|[{_SPACE_CHARS[1:]}{_INVISIBLE}{''.join(_FOLD)}]+")
_IS_SPACE = re.compile(f"[{_SPACE_CHARS}]")
_OTHER_BREAKS = re.compile(r"[\r\u2028\u2029\x0b\x0c\x85]")

# Markdown: line prefixes (heading, blockquote, list marker) and inline markup.
_MD_PREFIX = re.compile(r"^[ \t]{0,3}(?:#{1,6}[ \t]+|(?:>[ \t]?)+|(?:[-*+]|\d{1,3}[.)])[ \t]+)")
# Quantifiers are bounded so that pathological lines cannot make matching quadratic.
_MD_HEADING_TAIL = re.compile(r"[ \t]{1,8}#{1,8}[ \t]{0,8}$")
_MD_URL = r"\((?:[^()\s]|\([^()\s]{0,200}\)){0,500}(?:\s{1,8}\"[^\"\n]{0,200}\")?\)"
_MD_IMAGE = re.compile(r"!\[[^\]\n]{0,300}\]" + _MD_URL)
_MD_LINK = re.compile(r"\[([^\]\n]{1,300})\](?:" + _MD_URL + r"|\[[^\]\n]{0,100}\])")
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]{1,500})>")
_MD_EMPH = re.compile(r"(\*\*\*|\*\*|~~|__|\*|(?<![\w])_)(?=[^\s*_~])([^\n]{1,300}?)(?<=[^\s*_~])\1(?![\w*])")
_MD_CODE = re.compile(r"(`{1,3})([^`\n]{1,300}?)\1")
_MD_RULE = re.compile(r"^[ \t]{0,3}(?:[-*_][ \t]*){3,}$|^[ \t]{0,3}=+[ \t]*$")
#: Longest line (characters) of a hard-wrapped document; any longer line means one paragraph per line.
_WRAP_WIDTH = 110
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+\u2022\u25cf\u25aa\u2013]|\d{1,3}[.)])[ \t]+")
_SENTENCE_END = re.compile(r"[.!?:;\"\u201d\u2019)\]]$")


def line_spans(raw: str) -> list[tuple[int, int]]:
    """Start and end offsets of every line of ``raw`` (line breaks excluded).

    Args:
        raw: the text.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    if not _OTHER_BREAKS.search(raw):
        for line in raw.split("\n"):
            spans.append((start, start + len(line)))
            start += len(line) + 1
        return spans
    for m in LINE_BREAK.finditer(raw):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(raw)))
    return spans


def normalize_text(
    raw: str, *, lines: Sequence[tuple[int, int]] | None = None, markdown: bool = False
) -> tuple[str, OffsetMap]:
    """Normalise whitespace and odd characters, keeping paragraphs; return the text and its offset map.

    Args:
        raw: text to normalise.
        lines: original (start, end) spans of the lines to keep, in document order; None keeps
            every line. Lines separated by a blank or dropped line start a new paragraph.
        markdown: reduce markdown markup (headings, emphasis, links, images, code) to plain text.
    """
    spans = line_spans(raw) if lines is None else list(lines)
    out = _Builder(raw)
    # Hard wrapping is a property of the whole document: no line is much longer than the wrap width.
    out.wrapped = max((e - s for s, e in spans), default=0) <= _WRAP_WIDTH
    block: list[tuple[int, int, list[tuple[int, int]]]] = []
    prev_end = -1
    for start, end in spans:
        pieces = _markdown_pieces(raw, start, end) if markdown else [(start, end)]
        if not any(not raw[a:b].isspace() for a, b in pieces if b > a):
            continue
        if block and not _adjacent(raw, prev_end, start):
            _flush(out, block)
            block = []
        block.append((start, end, pieces))
        prev_end = end
    _flush(out, block)
    return out.result()


def clean_line(line: str, *, markdown: bool = False) -> str:
    """One line normalised as `normalize_text` would (markup reduced, spaces collapsed).

    Args:
        line: a single line of text.
        markdown: reduce markdown markup.
    """
    return normalize_text(line, markdown=markdown)[0]


def _adjacent(raw: str, prev_end: int, start: int) -> bool:
    """The two lines follow each other with a single line break between them."""
    gap = raw[prev_end:start]
    return len(LINE_BREAK.findall(gap)) <= 1 and not gap.strip()


def _flush(out: _Builder, block: list[tuple[int, int, list[tuple[int, int]]]]) -> None:
    if not block:
        return
    joins: list[bool] = []
    if len(block) > 1:
        texts = [" ".join("".join(out.raw[a:b] for a, b in pieces).split()) for _, _, pieces in block]
        joins = _joins(texts, [out.raw[s:e] for s, e, _ in block], wrapped_doc=out.wrapped)
    out.paragraph()
    for i, (_start, _end, pieces) in enumerate(block):
        if i:
            if joins[i - 1]:
                out.space(block[i - 1][1])
            else:
                out.paragraph()
        for a, b in pieces:
            out.copy(a, b)


def _joins(texts: list[str], raws: list[str], *, wrapped_doc: bool) -> list[bool]:
    """For each pair of consecutive lines in a block, whether they belong to one paragraph."""
    if len(texts) < 2:
        return []
    lengths = [len(t) for t in texts]
    longest = max(lengths)
    body = lengths[:-1]
    # Hard-wrapped text: all lines but the last fill most of a fixed width.
    open_ends = sum(1 for t in texts[:-1] if not _SENTENCE_END.search(t))
    wrapped = wrapped_doc and min(body) >= max(30, 0.7 * longest) and 2 * open_ends >= len(body)
    joins = []
    for i in range(len(texts) - 1):
        nxt = texts[i + 1]
        if not texts[i] or not nxt or _LIST_ITEM.match(raws[i + 1]) or _MD_PREFIX.match(raws[i + 1]):
            joins.append(False)
            continue
        soft = not _SENTENCE_END.search(texts[i]) and (nxt[0].islower() or nxt[0] in ",;)")
        joins.append(wrapped or soft)
    return joins


def _markdown_pieces(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Original sub-ranges of one markdown line that hold text, markup left out."""
    line = raw[start:end]
    if _MD_RULE.match(line):
        return []
    cut = [False] * len(line)

    def drop(a: int, b: int) -> None:
        for k in range(a, b):
            cut[k] = True

    m = _MD_PREFIX.match(line)
    if m:
        drop(0, m.end())
        if line.lstrip(" \t").startswith("#"):
            tail = _MD_HEADING_TAIL.search(line)
            if tail:
                drop(tail.start(), tail.end())
    masked = line
    for m in _MD_IMAGE.finditer(line):
        drop(m.start(), m.end())
    for m in _MD_LINK.finditer(line):
        if not cut[m.start()]:
            drop(m.start(), m.start(1))
            drop(m.end(1), m.end())
    for m in _MD_AUTOLINK.finditer(line):
        drop(m.start(), m.start(1))
        drop(m.end(1), m.end())
    masked = "".join("\x00" if c else ch for ch, c in zip(line, cut, strict=True))
    for m in _MD_CODE.finditer(masked):
        drop(m.start(), m.start(2))
        drop(m.end(2), m.end())
    for m in _MD_EMPH.finditer(masked):
        drop(m.start(), m.start(2))
        drop(m.end(2), m.end())
    pieces: list[tuple[int, int]] = []
    k = 0
    n = len(line)
    while k < n:
        if cut[k]:
            k += 1
            continue
        j = k
        while j < n and not cut[j]:
            j += 1
        pieces.append((start + k, start + j))
        k = j
    return pieces


class _Builder:
    """Accumulates cleaned text and the segment starts of the offset map."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.parts: list[str] = []
        self.clean: list[int] = []
        self.orig: list[int] = []
        self.pos = 0
        self.sep: tuple[str, int] | None = None
        self.wrapped = False

    def _seg(self, orig: int) -> None:
        if self.clean and self.orig[-1] - self.clean[-1] == orig - self.pos:
            return  # continues the previous segment character for character
        if self.clean and self.clean[-1] == self.pos:
            self.orig[-1] = orig
            return
        self.clean.append(self.pos)
        self.orig.append(orig)

    def _emit(self, text: str, orig: int) -> None:
        if text[0] == " " and (self.sep is not None or not self.parts or self.parts[-1][-1] == " "):
            lead = len(text) - len(text.lstrip(" "))
            text = text[lead:]
            orig += lead
        if text and text[-1] == " ":
            stripped = text.rstrip(" ")
            at = orig + len(stripped)
            if stripped:
                self._emit(stripped, orig)
            self.space(at)
            return
        if not text:
            return
        if self.sep is not None:
            sep, at = self.sep
            self.sep = None
            if self.parts:
                self._seg(at)
                self.parts.append(sep)
                self.pos += len(sep)
        self._seg(orig)
        self.parts.append(text)
        self.pos += len(text)

    def paragraph(self) -> None:
        if self.parts:
            at = self.sep[1] if self.sep else self.orig[-1] + (self.pos - self.clean[-1])
            self.sep = ("\n\n", min(at, len(self.raw)))

    def space(self, at: int) -> None:
        if self.sep is None and self.parts:
            self.sep = (" ", at)

    def copy(self, a: int, b: int) -> None:
        raw = self.raw
        k = a
        pattern = _SPECIAL_OR_SPACES if raw.find("  ", a, b) >= 0 else _SPECIAL
        for m in pattern.finditer(raw, a, b):
            if m.start() > k:
                self._emit(raw[k : m.start()], k)
            for j, ch in enumerate(m.group(), m.start()):
                rep = _FOLD.get(ch)
                if rep is not None:
                    self._emit(rep[0], j)
                    for extra in rep[1:]:
                        # Extra characters of an expansion all point at the one original character.
                        self.clean.append(self.pos)
                        self.orig.append(j)
                        self.parts.append(extra)
                        self.pos += 1
                elif _IS_SPACE.match(ch):
                    self.space(j)
                # anything else is an invisible character: dropped
            k = m.end()
        if b > k:
            self._emit(raw[k:b], k)

    def result(self) -> tuple[str, OffsetMap]:
        if not self.parts:
            return "", OffsetMap()
        return "".join(self.parts), OffsetMap(tuple(self.clean), tuple(self.orig))
