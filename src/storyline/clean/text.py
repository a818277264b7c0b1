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
from storyline.records import Article, DateEstimate, OffsetMap

#: How many non-empty lines from the top may hold the title and byline.
HEADER_LINES = 12

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u200e\u200f"))
_MD_HEADING = re.compile(r"^[ \t]{0,3}(#{1,6})[ \t]+\S")
_SETEXT = re.compile(r"^[ \t]{0,3}(?:=+|-+)[ \t]*$")
_WORD = re.compile(r"[^\W_]+")
_NAV_SEP = re.compile(r"\s+[|>/\u00bb\u203a\u00b7\u2022]\s+")
_YOU_ARE_HERE = re.compile(r"^you are here\b", re.I)
_DOMAIN_ONLY = re.compile(
    r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|co|io|info|news|uk|us|tv|eu)(?:/\S*)?$", re.I
)
_DATE_BY = re.compile(r"^(.*?\d.*?)\s*(?:[|\u2022\u00b7,]\s*)?\bby\s*:?\s+(.+)$", re.I)


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
        return Article(text="", original=raw, offsets=OffsetMap())
    title_idx = _find_title(lines)
    title = lines[title_idx].text if title_idx is not None else None
    author, published = _header_meta(lines, title_idx)
    rest = [ln for ln in lines if ln.role == "body"]
    if rest:
        model = load_model()
        feats = page_features([ln.text for ln in rest], title=title)
        for ln, f in zip(rest, feats, strict=True):
            if ln.md_level:
                f["clause"] = 1.0  # a markdown subheading is content unless the model is nearly certain
            if model.drops(f):
                ln.role = "drop"
    outlet = next((o for ln in lines if ln.role == "drop" and (o := copyright_outlet(ln.text))), None)
    if outlet is None and title_idx is not None:
        # A bare domain above the headline names the site ("example.com").
        outlet = next((ln.text for ln in lines[:title_idx] if _DOMAIN_ONLY.match(ln.text)), None)
    text, offsets = normalize_text(
        raw, lines=[(ln.start, ln.end) for ln in lines if ln.role == "body"], markdown=markdown
    )
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
    invisible = any(ch in raw for ch in "\u200b\u2060\ufeff\u00ad\u200e\u200f")
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
            text = " ".join((segment.translate(_INVISIBLE) if invisible else segment).split())
            level = 0
            if not text:
                continue
        out.append(_Line(s, e, text, level))
    return out


def _heading_like(line: _Line, *, first: bool) -> bool:
    if line.md_level:
        return True
    text = line.text
    words = _WORD.findall(text)
    if not 1 <= len(words) <= 30 or len(text) > 220 or text.endswith((":", ",", ";")):
        return False
    if text.endswith(".") and not (first and len(words) <= 16):
        return False
    if text.startswith(("[", "(", "<")) or _DOMAIN_ONLY.match(text) or _is_nav(text):
        return False
    return not text[0].islower()


def _is_nav(text: str) -> bool:
    """A menu or breadcrumb: items joined by separators ("Home > World", "News | Sport | Opinion")."""
    if _YOU_ARE_HERE.match(text):
        return True
    parts = _NAV_SEP.split(text)
    return len(parts) >= 3 or (len(parts) == 2 and all(len(p.split()) <= 3 for p in parts))


def _find_title(lines: list[_Line]) -> int | None:
    """Index of the title line; marks breadcrumbs, section labels and repeats before the body."""
    header: list[int] = []
    for i, ln in enumerate(lines[:HEADER_LINES]):
        # The first line may be a headline that reads like a sentence; later prose ends the header.
        if not ln.md_level and (len(_WORD.findall(ln.text, 0, 400)) > 30 or (i and is_sentence_line(ln.text))):
            break
        header.append(i)
    if not header:
        return None
    md = [i for i in header if lines[i].md_level]
    title_idx: int | None
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
    cands = [
        i
        for i in header
        if _heading_like(lines[i], first=i == 0) and byline(lines[i].text) is None and date_line(lines[i].text) is None
    ]
    if not cands:
        return None
    texts = [lines[i].text.casefold() for i in cands]
    # The headline is the last heading above the first byline or date line, whatever else the header holds.
    meta = next((j for j in header if j > cands[0] and _is_meta(lines[j].text)), None)
    if meta is not None:
        above = [i for i in cands if i < meta]
        if above and meta - above[-1] <= 2:
            return above[-1]
    for pos, i in enumerate(cands):
        words = len(_WORD.findall(lines[i].text))
        later = texts[pos + 1 :]
        # A breadcrumb ("Home World <title>") ends with a later, shorter heading.
        if any(t != texts[pos] and len(t) >= 12 and texts[pos].endswith(t) for t in later):
            continue
        # A section label ("WORLD", "Global News") sits above a longer heading.
        later_words = [len(_WORD.findall(t)) for t in later]
        if (words <= 3 or (lines[i].text.isupper() and words <= 5)) and any(n >= 4 for n in later_words):
            continue
        # A site name ("The Morning Courier Daily") sits above a headline of six words or more.
        if words <= 4 and any(n >= 6 for n in later_words):
            continue
        if words < 2 and later:
            continue
        return i
    return cands[0]


def _is_meta(text: str) -> bool:
    if byline(text) is not None or date_line(text) is not None:
        return True
    split = _DATE_BY.match(text) if len(text) <= 120 else None
    return bool(split and date_line(split.group(1)))


def _header_meta(lines: list[_Line], title_idx: int | None) -> tuple[str | None, DateEstimate | None]:
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
        split = _DATE_BY.match(ln.text) if by is None and day is None and len(ln.text) <= 120 else None
        if split and date_line(split.group(1)):
            # "Posted on May 3, 2024 by Jane Doe"
            by, day = byline("By " + split.group(2)), date_line(split.group(1))
        if by is not None:
            ln.role = "meta"
            author = author or by[0]
            day = day or by[1]
        if day is not None:
            ln.role = "meta"
            if published is None:
                published = DateEstimate.exact(day, basis="stated", evidence=f"date line near the title: {ln.text!r}")
    return author, published
