"""Post-filter for extracted article lines: drops leftover boilerplate the extractor kept.

The extractor (trafilatura) finds the main content block well but often keeps the headline, teaser
links, "Read more:" cross-links, share/subscribe prompts, comment headers and copyright lines at
the edges of that block. These rules are generic (wording and link density), not site-specific.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

#: Longest string kept per entry of ``Article.removed``.
REMOVED_CHARS = 160

_WORD = re.compile(r"\w+", re.UNICODE)

# A cross-link or section label that introduces something other than the story ("Read more: ...").
_LEADIN = re.compile(
    r"^\W*(?:related(?:\s+(?:articles?|stories|posts?|coverage|content|links?|reading|topics?))?|read\s+(?:more|also|next)"
    r"|see\s+(?:more|also)|also\s+read|also\s+on\s+\S+|more\s+on\s+this|more\s+from\s+\S+|recommended(?:\s+for\s+you)?"
    r"|don'?t\s+miss|dont\s+miss|must\s+read|most\s+(?:read|popular|viewed)(?:\s+\w+){0,4}|popular\s+on\s+\S+"
    r"|trending(?:\s+now)?|watch(?:\s+now)?|listen|explore\s+further|further\s+reading|you\s+(?:may|might)\s+also\s+like"
    r"|filed\s+under|tags?|topics?|categor(?:y|ies|ias)|sponsored|advertisement|click\s+here)\b\s*[:|\]\-\u2013\u2014]",
    re.I,
)
# A whole line that is nothing but a widget label or prompt.
_LABEL = re.compile(
    r"^\W*(?:related(?:\s+\w+)?|read\s+more|see\s+more|more\s+stories|don'?t\s+miss|must\s+read|most\s+(?:read|popular|viewed)"
    r"(?:\s+\w+){0,4}|popular\s+on\s+\S+|trending(?:\s+now)?|explore\s+further|further\s+reading|you\s+(?:may|might)\s+also\s+like"
    r"|tags?|topics?|categor(?:y|ies|ias)|share(?:\s+this(?:\s+\w+)?)?|share\s+on\s+\w+|tweet|email|print(?:\s+article)?"
    r"|order\s+reprints|text\s+size|comments?|\d+\s+comments?|all\s+comments|user\s+comments|show\s+(?:new\s+)?comments.*"
    r"|view\s+comments|leave\s+a\s+(?:reply|comment)|post\s+(?:a\s+)?comment.*|add\s+a\s+comment|join\s+the\s+(?:discussion|conversation)"
    r"|want\s+to\s+join\s+the\s+discussion\?*|feel\s+free\s+to\s+contribute|advertisement|sponsored(?:\s+content)?|thank\s+you|thanks"
    r"|sorry|by|loading|close|menu|skip\s+to\s+content|back\s+to\s+top|next\s+article|previous\s+article|tinggalkan\s+balasan"
    r"|deixe\s+(?:uma\s+resposta|seu\s+coment\w+)|kommentare?|coment\w+)\W*$",
    re.I,
)
# Prompts to subscribe, sign up, follow or share.
_PROMPT = re.compile(
    r"(?:sign\s+up\s+(?:for|to\s+(?:our|get|receive)|here|now|today)|sign\s+up\s*[:!.]|sign-up|subscribe\s+(?:to|now|here|today)\b|subscribe\W*$|newsletter|in\s*your\s+inbox|thanks\s+for\s+signing\s+up|follow\s+us\s+on|like\s+this\s+story"
    r"|share\s+(?:it|this)\s+with|an\s+error\s+(?:has\s+)?occurred|error\s+processing\s+your|this\s+article\s+has\s+been\s+sent"
    r"|(?:comm?ent|kommentar)\w*\s+.{0,120}moderat|moderat\w*\s+.{0,40}comm?ent|follow\s+(?:us|me|him|her|them|@\w+)\s+on\s+(?:twitter|facebook|instagram)|get\s+access\s+to)",
    re.I,
)
# Legal notices of the publisher, which may run longer than a prompt.
_LEGAL = re.compile(
    r"for\s+your\s+personal,?\s+non-?commercial\s+use|to\s+order\s+presentation|subscriber\s+agreement"
    r"|(?:reproduction|redistribution|republication)\s+.{0,60}(?:prohibited|without\s+(?:the\s+)?(?:prior\s+)?(?:written\s+)?permission)",
    re.I,
)
_STAMP_KEYWORD = re.compile(r"\b(?:updated|published|posted|modified)\b", re.I)
#: Longest date/time stamp line, in words.
_STAMP_WORDS = 12
# A line that is only a date or time stamp ("Updated: 19 November 2019, 09:01 AM").
_STAMP_WORD = re.compile(
    r"(?:updated|published|posted|modified|first|last|on|at|am|pm|a\.m|p\.m|gmt|utc|[ecmp][sd]t|bst|cest|cet|ist"
    r"|jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?"
    r"|sun(?:day)?|\d{1,4}(?:st|nd|rd|th|h)?)",
    re.I,
)
_COPYRIGHT = re.compile(r"^\W{0,3}(?:©|\(c\)\s|copyright\b)|all\s+rights\s+reserved", re.I)
_ALSO_ON = re.compile(r"^also\s+on\s+\w+\.\w+\b", re.I)
_URL_LIKE = re.compile(r"://|\bwww\.|^\W*doi\b|^\S+\.(?:com|org|net)\S*$", re.I)
_BARE_CONTACT = re.compile(r"^\W*(?:[\w.+-]+@[\w-]+\.[\w.]+|@\w+|(?:https?://)?(?:www\.)?twitter\.com/\w+)\W*$", re.I)
#: Share of link characters above which a line counts as a link.
_LINK_SHARE = 0.75
#: Share of link characters of a list item in a trailing related-stories run.
_TEASER_SHARE = 0.25
#: Items needed for a trailing run to count as a related-stories block.
_TEASER_RUN = 3
#: A heading above the first paragraph with at least this many words is a standfirst, not text.
_STANDFIRST_WORDS = 8
_CONTACT = re.compile(
    r"^(?:email|e-mail|write\s+to|contact|reach)\s+(?:\w+\s+){0,4}(?:at|on)\s+\S*[@/]|^(?:email|write\s+to)\s+\S+@"
    r"|(?:may|can)\s+be\s+reached\s+at\s+\S+@",
    re.I,
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line of extracted text with the evidence the filter needs.

    Args:
        text: the line, whitespace collapsed.
        kind: the block it came from: "p", "head", "item", "row", "quote", "code" or "other".
        link_share: share of its characters that sit inside links, in [0, 1].
    """

    text: str
    kind: str = "p"
    link_share: float = 0.0


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def _is_title(text: str, titles: Sequence[str]) -> bool:
    key = _key(text)
    if not key:
        return False
    for title in titles:
        other = _key(title)
        if other and (key == other or (len(key) >= 20 and len(other) >= 20 and (key in other or other in key))):
            return True
    return False


def why_boilerplate(line: Line) -> str | None:
    """Return the reason ``line`` reads as boilerplate on its own wording, or None.

    Args:
        line: the line to judge.
    """
    text = line.text
    words = text.count(" ") + 1
    if _LABEL.match(text) and words <= 8:
        return "label"
    if (_LEADIN.match(text) or _ALSO_ON.match(text)) and words <= 40:
        return "cross-link"
    if words <= 25 and _PROMPT.search(text):
        return "prompt"
    if words <= 60 and _LEGAL.search(text):
        return "legal"
    if words <= 40 and _COPYRIGHT.search(text):
        return "copyright"
    if words <= 30 and (_CONTACT.search(text) or _BARE_CONTACT.match(text)):
        return "contact"
    return None


def _is_stamp(text: str, *, at_edge: bool) -> bool:
    """A line of only date/time words; away from the edges it must also say "updated", "posted"..."""
    if text.count(" ") >= _STAMP_WORDS:
        return False
    tokens = _WORD.findall(text)
    if len(tokens) > _STAMP_WORDS or not all(_STAMP_WORD.fullmatch(t) for t in tokens):
        return False
    named = any(not t.isdigit() for t in tokens) and any(t.isdigit() for t in tokens)
    return named and (at_edge or _STAMP_KEYWORD.search(text) is not None)


def _is_linky(line: Line) -> bool:
    """Mostly link text, and not a bare URL or citation that the story itself shows."""
    if line.link_share < _LINK_SHARE or _URL_LIKE.search(line.text):
        return False
    return len(_WORD.findall(line.text)) >= 2


def filter_lines(lines: Sequence[Line], *, titles: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """Split extracted lines into article text and dropped boilerplate.

    Args:
        lines: extracted lines in document order.
        titles: headline candidates; a copy of the headline at the top of the body is dropped.

    Returns:
        (kept lines, dropped lines), both in document order.
    """
    lines = [ln for ln in lines if ln.text]
    n = len(lines)
    drop = [False] * n
    # Headline copy and standfirst headings above the first paragraph.
    for i in range(min(n, 3)):
        line = lines[i]
        standfirst = line.kind == "head" and len(_WORD.findall(line.text)) >= _STANDFIRST_WORDS
        if standfirst or _is_title(line.text, titles):
            drop[i] = True
        elif line.kind != "head":
            break
    for i, line in enumerate(lines):
        if not drop[i] and (why_boilerplate(line) or _is_stamp(line.text, at_edge=i < 2 or i >= n - 2)):
            drop[i] = True
    # Teaser links: drop link-only lines in runs, at the edges, or right after a dropped widget label.
    linky = [_is_linky(ln) for ln in lines]
    for i in range(n):
        if not linky[i] or drop[i]:
            continue
        in_run = (i > 0 and linky[i - 1]) or (i + 1 < n and linky[i + 1])
        at_edge = i == 0 or i >= n - 2
        after_label = i > 0 and drop[i - 1]
        if in_run or at_edge or after_label:
            drop[i] = True
    # A trailing run of list items that each carry a link is a related-stories block.
    j = n
    while j > 0 and lines[j - 1].kind == "item" and lines[j - 1].link_share >= _TEASER_SHARE:
        j -= 1
    if n - j >= _TEASER_RUN:
        for i in range(j, n):
            drop[i] = True
    kept = [ln.text for ln, d in zip(lines, drop, strict=True) if not d]
    dropped = [ln.text for ln, d in zip(lines, drop, strict=True) if d]
    return kept, dropped
