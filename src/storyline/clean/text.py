"""Plain-text and markdown reader: title, byline, date and outlet lines, boilerplate removal.

The page is read line by line. The header (the lines before the first paragraph of prose) gives
the title, byline and stated date; navigation, breadcrumbs and repeated titles there are dropped.
Every other line is scored by the boilerplate model (`storyline.clean.boilerplate`); lines of
prose are kept unless the model is nearly certain. The kept lines go through `normalize_text`, so
the body keeps an offset map back to the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.clean.boilerplate import is_sentence_line, load_model, page_features
from storyline.clean.normalize import line_spans, normalize_text
from storyline.clean.textmeta import byline, copyright_outlet, date_line
from storyline.records import Article, DateEstimate

#: How many non-empty lines from the top may hold the title and byline.
HEADER_LINES = 12

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u200e\u200f"))
_MD_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+\S")
_SETEXT = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")
_WORD = re.compile(r"[^\W_]+")


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str
    md_level: int = 0
    role: str = "body"  # "title", "meta", "drop", "body"


def read_text(raw: str, *, markdown: bool = False) -> Article:
    """Clean a plain-text (or markdown) dump of a web page.

    Args:
        raw: the decoded text.
        markdown: the text is markdown (headings start with "#").
    """
    lines = _lines(raw, markdown=markdown)
    if not lines:
        return Article(text="", original=raw, offsets=None)
    title_idx = _find_title(lines)
    title = lines[title_idx].text if title_idx is not None else None
    author, published = _header_meta(lines, title_idx, title)
    rest = [ln for ln in lines if ln.role == "body"]
    if rest:
        model = load_model()
        feats = page_features([ln.text for ln in rest], title=title)
        for ln, f in zip(rest, feats, strict=True):
            if model.drops(f):
                ln.role = "drop"
    outlet = None
    for ln in lines:
        if ln.role == "drop" and outlet is None:
            outlet = copyright_outlet(ln.text)
    text, offsets = normalize_text(raw, lines=[(ln.start, ln.end) for ln in lines if ln.role == "body"], markdown=markdown)
    return Article(
        text=text,
        title=title,
        outlet=outlet,
        author=author,
        published=published,
        removed=[ln.text for ln in lines if ln.role in ("drop", "meta")],
        original=raw,
        offsets=offsets,
    )


def _lines(raw: str, *, markdown: bool) -> list[_Line]:
    out: list[_Line] = []
    spans = line_spans(raw)
    for k, (s, e) in enumerate(spans):
        segment = raw[s:e]
        if not segment.strip():
            continue
        if markdown:
            if _SETEXT.match(segment) and out and out[-1].end == spans[k - 1][1]:
                out[-1].md_level = 1 if "=" in segment else 2
                continue
            text = normalize_text(segment, markdown=True)[0]
            heading = _MD_HEADING.match(segment)
            level = len(heading.group(1)) if heading else 0
            if not text:
                continue  # an image or a rule: nothing to read
        else:
            text = " ".join(segment.translate(_INVISIBLE).split())
            level = 0
            if not text:
                continue
        out.append(_Line(s, e, text, level))
    return out


def _heading_like(line: _Line, *, first: bool) -> bool:
    words = _WORD.findall(line.text)
    if line.md_level:
        return True
    if not 1 <= len(words) <= 30 or len(line.text) > 220 or line.text.endswith((":", ",", ";")):
        return False
    if line.text.endswith(".") and not (first and len(words) <= 25):
        return False
    caps = sum(1 for w in words if w[0].isupper() or w[0].isdigit())
    return caps >= 0.5 * len(words) or first


def _find_title(lines: list[_Line]) -> int | None:
    """Index of the title line; marks breadcrumbs, section labels and repeats before the body."""
    header: list[int] = []
    for i, ln in enumerate(lines[:HEADER_LINES]):
        if is_sentence_line(ln.text) and not ln.md_level:
            break
        header.append(i)
    if not header:
        return None
    md = [i for i in header if lines[i].md_level]
    if md:
        best = min(lines[i].md_level for i in md)
        title_idx = next(i for i in md if lines[i].md_level == best)
    else:
        title_idx = _plain_title(lines, header)
    if title_idx is None:
        return None
    title = lines[title_idx].text
    key = title.casefold()
    lines[title_idx].role = "title"
    for i in header:
        ln = lines[i]
        if i == title_idx:
            continue
        folded = ln.text.casefold()
        if folded == key or (i < title_idx and (folded.endswith(key) or folded.startswith(key))):
            ln.role = "drop"  # a repeat of the title or a breadcrumb that ends with it
        elif i < title_idx and byline(ln.text) is None and date_line(ln.text) is None:
            ln.role = "drop"  # section labels, menus and image placeholders above the title
    return title_idx


def _plain_title(lines: list[_Line], header: list[int]) -> int | None:
    cands = [i for i in header if _heading_like(lines[i], first=i == 0) and byline(lines[i].text) is None
             and date_line(lines[i].text) is None]
    if not cands:
        return None
    texts = [lines[i].text.casefold() for i in cands]
    for pos, i in enumerate(cands):
        words = len(_WORD.findall(lines[i].text))
        later = texts[pos + 1 :]
        # A breadcrumb ("Home World <title>") ends with a later, shorter heading.
        if any(t != texts[pos] and len(t) >= 12 and texts[pos].endswith(t) for t in later):
            continue
        # A section label ("WORLD", "Global News") sits above a longer heading.
        if (words <= 3 or lines[i].text.isupper() and words <= 5) and any(len(_WORD.findall(t)) >= 4 for t in later):
            continue
        if words < 2 and later:
            continue
        return i
    return cands[0]


def _header_meta(lines: list[_Line], title_idx: int | None, title: str | None) -> tuple[str | None, DateEstimate | None]:
    """Author and stated date from the byline and date lines around the title."""
    start = title_idx + 1 if title_idx is not None else 0
    author: str | None = None
    published: DateEstimate | None = None
    seen_prose = 0
    for ln in lines[start : start + HEADER_LINES]:
        if ln.role != "body":
            continue
        if is_sentence_line(ln.text):
            seen_prose += 1
            if seen_prose > 1:
                break
            continue
        by = byline(ln.text)
        day = date_line(ln.text)
        if by is not None:
            ln.role = "meta"
            author = author or by[0]
            day = day or by[1]
        if day is not None:
            ln.role = "meta"
            if published is None:
                published = DateEstimate.exact(day, basis="stated", evidence=f"date line near the title: {ln.text!r}")
    del title
    return author, published
