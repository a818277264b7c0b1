"""Text helpers shared by the assessment functions: sentences with offsets and quoted regions."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? (optionally followed by a closing quote) before a capital, digit or
# opening quote, or at a paragraph break.
_BOUNDARY = re.compile(r"(?<=[.!?])([\"”’)]?)\s+(?=[\"“‘(\[]?[A-Z0-9])|()\n\s*\n")
_QUOTED = re.compile(r"“[^”]{1,2000}”|\"[^\"\n]{1,2000}\"")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][a-z]+)?")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a text with its offsets.

    Args:
        start: start offset in the text.
        end: end offset in the text.
        text: ``text[start:end]``.
    """

    start: int
    end: int
    text: str


def sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences with character offsets (a light rule, good enough for evidence).

    Args:
        text: a cleaned body.
    """
    out: list[Sentence] = []
    pos = 0
    for m in _BOUNDARY.finditer(text):
        cut = m.start() + len(m.group(1) or "")
        _add(out, text, pos, cut)
        pos = m.end()
    _add(out, text, pos, len(text))
    return out


def _add(out: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end - start > 1:
        out.append(Sentence(start, end, text[start:end]))


def quoted_regions(text: str, *, min_words: int = 4) -> list[tuple[int, int]]:
    """Spans of quoted passages of at least ``min_words`` words (shorter ones are scare quotes).

    Args:
        text: a cleaned body.
        min_words: shorter quoted passages are not returned.
    """
    return [m.span() for m in _QUOTED.finditer(text) if len(_WORD.findall(m.group(0))) >= min_words]


def authorial(sentence: Sentence, regions: list[tuple[int, int]]) -> str:
    """The sentence with long quoted passages cut out: what the author says in their own voice.

    Args:
        sentence: a sentence of the text.
        regions: quoted spans from `quoted_regions`.
    """
    keep: list[str] = []
    pos = sentence.start
    for a, b in regions:
        if b <= sentence.start or a >= sentence.end:
            continue
        if a > pos:
            keep.append(sentence.text[pos - sentence.start : a - sentence.start])
        pos = max(pos, b)
    if pos < sentence.end:
        keep.append(sentence.text[pos - sentence.start :])
    return re.sub(r"\s+", " ", " ".join(keep)).strip(" ,")


def words(text: str) -> list[str]:
    """Word tokens of ``text``.

    Args:
        text: any text.
    """
    return _WORD.findall(text)


def merge_adjacent(text: str, spans: list[tuple[int, int]], *, gap: int = 3) -> list[tuple[int, int]]:
    """Merge spans separated only by whitespace or a closing quote, so evidence reads as one passage.

    Args:
        text: the text the spans index.
        spans: (start, end) spans.
        gap: at most this many characters between spans that merge.
    """
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and a - out[-1][1] <= gap and not text[out[-1][1] : a].strip(" \n\"”’"):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
