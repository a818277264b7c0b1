"""Unicode and whitespace normalisation that keeps a map back to the original offsets."""

from __future__ import annotations

import re

from storyline.records import OffsetMap

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def normalize_text(raw: str) -> tuple[str, OffsetMap]:
    """Normalise whitespace, keeping paragraphs; return the text and its offset map.

    Args:
        raw: text to normalise.
    """
    out: list[str] = []
    clean_starts: list[int] = []
    orig_starts: list[int] = []
    pos = 0
    for para in re.finditer(r"[^\n]+", raw):
        for m in re.finditer(r"\S+", _SPACES.sub(lambda s: " " * len(s.group()), para.group())):
            if out:
                sep = "\n\n" if clean_starts and _new_para(raw, orig_starts, para.start(), m.start()) else " "
                out.append(sep)
                pos += len(sep)
            clean_starts.append(pos)
            orig_starts.append(para.start() + m.start())
            out.append(m.group())
            pos += len(m.group())
    if not clean_starts:
        return "", OffsetMap()
    return "".join(out), OffsetMap(tuple(clean_starts), tuple(orig_starts))


def _new_para(raw: str, orig_starts: list[int], para_start: int, tok_start: int) -> bool:
    return tok_start == 0 and orig_starts[-1] < para_start
