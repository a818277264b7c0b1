"""Find quoted passages in plain text, in every common quotation-mark style.

Pure string scanning, no parse: linear in the text length, and never raises on unbalanced marks.
A quote that is still open at the end of a paragraph continues into the next paragraph when that
paragraph opens with a quotation mark (the newspaper convention for long quotes); otherwise it is
closed at the paragraph end.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Marks that open a double-level quote, mapped to the marks that may close it.
_DOUBLE_OPEN = {"“": "”“\"", "„": "“”\"", "«": "»", '"': '"”“', "‹": "›"}
_OPENERS = frozenset("“„«\"‘'‹")


@dataclass(frozen=True, slots=True)
class QuoteSpan:
    """A quoted passage, quotation marks included.

    Args:
        start: offset of the opening mark.
        end: offset just after the closing mark (or the paragraph end when unclosed).
        closed: a closing mark was found.
    """

    start: int
    end: int
    closed: bool = True

    @property
    def inner(self) -> tuple[int, int]:
        """Offsets of the content without the outer marks."""
        return self.start + 1, (self.end - 1 if self.closed else self.end)


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _mark_at(text: str, i: int) -> tuple[str, int]:
    """The quotation mark at ``i`` and its length (``''`` counts as one double mark)."""
    ch = text[i]
    if ch == "'" and i + 1 < len(text) and text[i + 1] == "'":
        return '"', 2
    if ch in "`" and i + 1 < len(text) and text[i + 1] == "`":
        return "“", 2
    return ch, 1


def scan_quotes(text: str) -> list[QuoteSpan]:
    """Top-level quoted passages of ``text`` in document order.

    Args:
        text: any plain text.
    """
    out: list[QuoteSpan] = []
    n = len(text)
    i = 0
    open_at = -1  # offset of the opening mark of the current top-level quote
    closers = ""
    single = False  # the current quote is single-quoted (‘...’ or '...')
    while i < n:
        ch = text[i]
        if ch == "\n":
            if open_at >= 0:
                # Paragraph ends inside a quote: continue only if the next paragraph opens with a mark.
                j = i
                while j < n and text[j] in "\n \t\r":
                    j += 1
                if j < n and text[j] in _OPENERS and not single:
                    i = j + _mark_at(text, j)[1]
                    continue
                end = i
                while end > open_at + 1 and text[end - 1] in " \t\r":
                    end -= 1
                out.append(QuoteSpan(open_at, end, closed=False))
                open_at = -1
            i += 1
            continue
        if ch not in "“”„«»‹›\"'‘’`":
            i += 1
            continue
        mark, width = _mark_at(text, i)
        prev = text[i - 1] if i > 0 else " "
        nxt = text[i + width] if i + width < n else " "
        if open_at < 0:
            if mark in _DOUBLE_OPEN and mark != "'":
                if mark == '"' and nxt in " \t\r\n" and _is_word(prev):
                    i += width  # a stray closing straight quote: skip it
                    continue
                open_at, closers, single = i, _DOUBLE_OPEN[mark], False
            elif mark in "‘'" and not _is_word(prev) and (_is_word(nxt) or nxt in "“\""):
                open_at, closers, single = i, "’'", True
            i += width
            continue
        if single:
            if mark in closers and not _is_word(nxt) and prev not in " \t":
                out.append(QuoteSpan(open_at, i + width))
                open_at = -1
            i += width
            continue
        if mark in closers:
            if mark == "“" and closers.startswith("”") and not _is_word(prev) and _is_word(nxt):
                # A second opening curly mark inside an open quote: a nested or unclosed quote.
                # Treat the earlier one as unclosed up to here so the scan resynchronises.
                end = i
                while end > open_at + 1 and text[end - 1] in " \t\r":
                    end -= 1
                out.append(QuoteSpan(open_at, end, closed=False))
                open_at, closers = i, _DOUBLE_OPEN[mark]
                i += width
                continue
            out.append(QuoteSpan(open_at, i + width))
            open_at = -1
        i += width
    if open_at >= 0:
        end = n
        while end > open_at + 1 and text[end - 1] in " \t\r\n":
            end -= 1
        out.append(QuoteSpan(open_at, end, closed=False))
    return out


__all__ = ["QuoteSpan", "scan_quotes"]
