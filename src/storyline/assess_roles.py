"""Offices the text gives people, checked against the dated knowledge base and against each other.

A person is found by name (or by resolved entity mentions when the pipeline has them); the office is
read from the title before the name ("Defence Minister Mattias Orrin", "Arvenian Foreign Minister
Orrin") or an apposition after it ("Mattias Orrin, the defence minister,"), with a country from a
demonym, a possessive or "of Country". The text is inconsistent when the KB says the person never held
such an office and either someone else held it on the article's date, or the person held a different
office of the same kind (another ministry, another country's presidency) then. Offices held at another
time are not flagged: that is a stale text, not a slip. The same person given two incompatible
offices in one article is flagged as an internal inconsistency.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from storyline.kb import Actor, KnowledgeBase, Role, normalise_name
from storyline.records import Flag
from storyline.staleness import gap_score

#: Score of a slip the KB shows directly (someone else held the office that day).
SCORE_OTHER_HOLDER = 0.9
#: Score of a slip where the person held a different office of the same kind.
SCORE_OTHER_OFFICE = 0.8
#: Score of two incompatible offices for one person in the same article.
SCORE_INTERNAL = 0.6

# Office nouns that head a title; what a title must contain to be checked (ranks such as "Colonel"
# and honorifics are not offices the KB can contradict).
_HEADS = frozenset(
    [
        "minister", "president", "secretary", "chancellor", "premier", "mayor", "governor", "commissioner",
        "envoy", "ambassador", "spokesman", "spokeswoman", "spokesperson", "chairman", "chairwoman", "chair",
        "speaker", "king", "queen", "coach", "coordinator", "director", "senator", "attorney", "prosecutor",
        "judge",
    ]
)
_MODIFIERS = frozenset(["deputy", "vice", "assistant", "junior", "acting", "state", "under"])
_SKIP = frozenset(["of", "for", "the", "and", "affairs"])
_SPELLING = {"defense": "defence", "labor": "labour"}
_FUNCTION_WORDS = frozenset(
    [
        "the", "a", "an", "and", "but", "as", "when", "while", "after", "before", "said", "says", "with",
        "by", "of", "for", "to",
    ]
)
_NOT_CURRENT = re.compile(r"\b(former|ex|then|late|outgoing|incoming|future|would-be|acting|interim)\W*$", re.I)


@dataclass(frozen=True, slots=True)
class TitledMention:
    """A person named with an office.

    Args:
        start: start of the title-and-name span.
        end: end of the span.
        actor: the KB person.
        title: the office as written, lower case ("defence minister").
        country: the KB country actor the title names, if any.
    """

    start: int
    end: int
    actor: Actor
    title: str
    country: Actor | None


def _bag(role: str) -> frozenset[str]:
    ws = [_SPELLING.get(w, w) for w in re.findall(r"[a-z]+", role.lower())]
    return frozenset(w for w in ws if w not in _SKIP)


_Index = tuple[re.Pattern[str] | None, dict[str, list[Actor]], dict[str, Actor], frozenset[str]]


@lru_cache(maxsize=4)
def _index(kb: KnowledgeBase) -> _Index:
    """Person-name pattern, name -> people, country word -> country, and the words of office titles."""
    people: dict[str, list[Actor]] = {}
    countries: dict[str, Actor] = {}
    vocab: set[str] = set(_HEADS) | _MODIFIERS | {"foreign", "defence", "defense", "interior", "finance", "prime"}
    for a in kb:
        if a.kind == "person":
            for n in {a.name, *a.aliases}:
                if n[:1].isupper() and not (_bag(n) & _HEADS):
                    people.setdefault(n, [])
                    if a not in people[n]:
                        people[n].append(a)
            for r in a.roles:
                vocab.update(re.findall(r"[a-z]+", r.role.lower()))
        elif a.kind == "country":
            for n in {a.name, *a.aliases, a.id}:
                countries[normalise_name(n)] = a
    vocab -= {"of", "the"}
    names = sorted(people, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in names) + r")\b") if names else None
    return pattern, people, countries, frozenset(vocab)


def _country(word: str, countries: dict[str, Actor]) -> Actor | None:
    w = re.sub(r"['’]s$", "", word)
    return countries.get(normalise_name(w))


def _title_before(text: str, start: int, kb: KnowledgeBase) -> tuple[int, str, Actor | None] | None:
    """(title start, title, country) for the title written just before a name, or None."""
    _, _, countries, vocab = _index(kb)
    line_start = max(text.rfind("\n", 0, start) + 1, start - 80)
    toks = list(re.finditer(r"[A-Za-z][A-Za-z'’-]*", text[line_start:start]))
    if toks and text[line_start + toks[-1].end() : start].strip():
        return None  # punctuation between the last word and the name: not a title
    title_toks: list[re.Match[str]] = []
    i = len(toks) - 1
    while i >= 0 and toks[i].group(0).lower() in vocab and len(title_toks) < 6:
        title_toks.insert(0, toks[i])
        i -= 1
    if not title_toks or not ({t.group(0).lower() for t in title_toks} & _HEADS):
        return None
    prev = text[line_start : line_start + toks[i].start()].rstrip() if i >= 0 else ""
    if i >= 0 and toks[i].group(0)[:1].isupper() and toks[i].group(0).lower() not in _FUNCTION_WORDS \
            and _country(toks[i].group(0), countries) is None and prev and prev[-1] not in ".!?\"“”:":
        # "Northern Basin Council envoy": capitalised words after a name belong to the organisation.
        while title_toks and title_toks[0].group(0)[:1].isupper() and title_toks[0].group(0).lower() not in _HEADS:
            title_toks.pop(0)
    while title_toks and title_toks[0].group(0).lower() == "and":
        title_toks.pop(0)
    if not title_toks:
        return None
    begin = line_start + title_toks[0].start()
    country = _country(toks[i].group(0), countries) if i >= 0 else None
    if country is not None:
        begin = line_start + toks[i].start()
        i -= 1
    if i >= 0 and _NOT_CURRENT.search(text[line_start : line_start + toks[i].end()]):
        return None
    if _NOT_CURRENT.search(text[max(0, begin - 12) : begin]):
        return None
    return begin, " ".join(t.group(0).lower() for t in title_toks), country


_APPOSITION = re.compile(
    r",\s+(?:the\s+|a\s+)?(?:(?P<country>[A-Z][a-z]+(?:['’]s)?)\s+)?(?P<title>[a-z][a-z ]{2,40}?)"
    r"(?:\s+of\s+(?P<of>[A-Z][a-z]+))?\s*(?=[,.;)])"
)


def _title_after(text: str, end: int, kb: KnowledgeBase) -> tuple[int, str, Actor | None] | None:
    """(span end, title, country) for an apposition after a name ("Orrin, the defence minister,")."""
    _, _, countries, vocab = _index(kb)
    m = _APPOSITION.match(text, end)
    if not m:
        return None
    ws = m.group("title").split()
    if not ws or any(w not in vocab for w in ws) or not (set(ws) & _HEADS) or _NOT_CURRENT.search(ws[0] + " "):
        return None
    country = None
    for key in ("country", "of"):
        if m.group(key):
            country = _country(m.group(key), countries)
            if country is None:
                return None  # "of Kolvar", "the network's": not a country the check can use
    return m.end(), " ".join(ws), country


def titled_mentions(
    text: str, kb: KnowledgeBase, *, mentions: Sequence[Any] | None = None, entities: Sequence[Any] | None = None
) -> list[TitledMention]:
    """People named with an office in ``text``.

    Args:
        text: the cleaned body.
        kb: the knowledge base.
        mentions: resolved mentions (`storyline.entities.Mention`); without them names are matched directly.
        entities: the entities the mentions refer to (`storyline.entities.Entity`).
    """
    pattern, people, countries, _ = _index(kb)
    spans: list[tuple[int, int, Actor]] = []
    if mentions is not None and entities is not None:
        kb_of = {e.key: e.kb_id for e in entities if getattr(e, "kb_id", None) and e.kind == "person"}
        for m in mentions:
            actor = kb.get(kb_of[m.entity_key]) if m.entity_key in kb_of and m.form == "name" else None
            if actor is not None:
                spans.append((m.start, m.end, actor))
    elif pattern is not None:
        for m in pattern.finditer(text):
            found = people.get(m.group(0), [])
            if len(found) == 1:
                spans.append((m.start(), m.end(), found[0]))
    out: list[TitledMention] = []
    for start, end, actor in spans:
        before = _title_before(text, start, kb)
        if before is not None:
            begin, title, country = before
            stop = end
            of = re.match(r"\s+of\s+([A-Z][a-z]+)", text[end:])
            if of and _country(of.group(1), countries):
                country, stop = _country(of.group(1), countries), end + of.end()
            out.append(TitledMention(begin, stop, actor, title, country))
            continue
        after = _title_after(text, end, kb)
        if after is not None:
            stop, title, country = after
            out.append(TitledMention(start, stop, actor, title, country))
    return out


def _of_matches(role: Role, country: Actor | None) -> bool:
    if country is None:
        return True
    want = {normalise_name(n) for n in (country.id, country.name, *country.aliases)}
    return normalise_name(role.of) in want


def compatible(title: str, role: Role, country: Actor | None = None) -> bool:
    """Whether an office as written can be the KB role (same office, less or more specific).

    Args:
        title: the office as written ("defence minister").
        role: a KB role.
        country: the country the text names with the title, if any.
    """
    t, r = _bag(title), _bag(role.role)
    if (t & _MODIFIERS) != (r & _MODIFIERS):
        return False
    return (t <= r or r <= t) and _of_matches(role, country)


def _describe(actor: Actor, role: Role) -> str:
    end = role.end.isoformat() if role.end else "now"
    return f"{actor.name}: {role.role} of {role.of} ({role.start.isoformat()} to {end})"


def _check(tm: TitledMention, text: str, kb: KnowledgeBase, day: dt.date | None) -> Flag | None:
    roles = tm.actor.roles
    if not roles or any(compatible(tm.title, r, tm.country) for r in roles):
        return None
    said = text[tm.start : tm.end]
    home = tm.country or (kb.find(tm.actor.country)[0] if tm.actor.country and kb.find(tm.actor.country) else None)
    if home is None and tm.actor.country:
        home = kb.get(tm.actor.country)
    held = [r for r in roles if day is None or r.holds_on(day)]
    if day is not None:
        others = [
            (a, r) for a in kb if a.kind == "person" and a.id != tm.actor.id
            for r in a.roles if r.holds_on(day) and compatible(tm.title, r, home) and _bag(r.role) >= _bag(tm.title)
        ]
        if others:
            a, r = others[0]
            return Flag(kind="factual_inconsistency", score=SCORE_OTHER_HOLDER, spans=[(tm.start, tm.end)], evidence=[
                said, f"KB on {day.isoformat()}: {_describe(a, r)}",
                *(f"KB: {_describe(tm.actor, x)}" for x in held or roles)])
    head = _bag(tm.title) & _HEADS
    same_kind = [r for r in held if _bag(r.role) & head]
    if same_kind:
        when = f" on {day.isoformat()}" if day else ""
        return Flag(kind="factual_inconsistency", score=SCORE_OTHER_OFFICE, spans=[(tm.start, tm.end)],
                    evidence=[said, *(f"KB{when}: {_describe(tm.actor, r)}" for r in same_kind)])
    return None


def factual_inconsistency(
    text: str,
    *,
    published: dt.date | None,
    kb: KnowledgeBase,
    mentions: Sequence[Any] | None = None,
    entities: Sequence[Any] | None = None,
) -> list[Flag]:
    """Flag offices the KB contradicts, or one person given two offices (``factual_inconsistency``).

    Args:
        text: the cleaned body.
        published: the article's date (None: only offices never held count).
        kb: the knowledge base (`storyline.kb.load_kb`).
        mentions: resolved mentions, when the pipeline has them.
        entities: their entities.
    """
    found = titled_mentions(text, kb, mentions=mentions, entities=entities)
    hits = [f for tm in found if (f := _check(tm, text, kb, published)) is not None]
    by_person: dict[str, list[TitledMention]] = {}
    for tm in found:
        by_person.setdefault(tm.actor.id, []).append(tm)
    for group in by_person.values():
        for i, a in enumerate(group):
            clash = next((b for b in group[i + 1 :] if not (_bag(a.title) <= _bag(b.title)
                                                             or _bag(b.title) <= _bag(a.title))), None)
            if clash is not None:
                hits.append(Flag(kind="factual_inconsistency", score=SCORE_INTERNAL,
                                 spans=[(a.start, a.end), (clash.start, clash.end)],
                                 evidence=[text[a.start : a.end], text[clash.start : clash.end],
                                           f"{a.actor.name} is given two different offices in the same text"]))
                break
    if not hits:
        return []
    spans = sorted({s for f in hits for s in f.spans})
    evidence = list(dict.fromkeys(e for f in hits for e in f.evidence))
    return [Flag(kind="factual_inconsistency", score=max(f.score for f in hits), evidence=evidence, spans=spans)]


#: Days after an office ended from which naming its holder as current marks old content. Shorter
#: than the copy gap of `storyline.staleness`: the knowledge base states the change outright, and
#: news catches up with a new office-holder within weeks.
OFFICE_GAP_DAYS = 90
#: Words that place a sentence in the past it narrates ("In 2019, Foreign Minister Tamm said...").
_NARRATED_PAST = re.compile(
    r"\b(?:then|former|formerly|previously|once|ago|at the time|had been|back in|used to|served|in office)\b", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
#: The office-holder speaks in the article ("Foreign Minister Tamm said", "said Minister Tamm"): the
#: text presents them as the one who holds the office now, not as a figure of its background.
_SAYS = r"(?:said|says|told|tells|announced|announces|added|adds|warned|warns|stated|states|insisted|insists)"
_SPEAKS_AFTER = re.compile(rf"\s*(?:,[^,.;]{{1,80}},\s*)?{_SAYS}\b", re.I)
_SPEAKS_BEFORE = re.compile(rf"\b{_SAYS}\s*$", re.I)


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(". ", 0, start), text.rfind("\n", 0, start)) + 1
    stops = [i for i in (text.find(". ", end), text.find("\n", end)) if i >= 0]
    return text[left: min(stops) if stops else len(text)]


def past_offices(
    text: str,
    *,
    published: dt.date,
    kb: KnowledgeBase,
    mentions: Sequence[Any] | None = None,
    entities: Sequence[Any] | None = None,
    min_gap_days: int = OFFICE_GAP_DAYS,
) -> Flag | None:
    """A ``stale`` signal: offices the text gives as current that, by the KB, had ended well before its date.

    Only an office-holder who speaks in the text counts ("Foreign Minister Tamm said"), with the title
    written as a present fact: "former", "then-", or a sentence that names an earlier year or places
    itself in the past ("at the time", "years ago") narrates history instead, and so does a past
    office-holder merely mentioned ("whether President Obama was eligible").

    Args:
        text: the cleaned body.
        published: the date the page states (not an inferred one, which the same KB roles shaped).
        kb: the knowledge base.
        mentions: resolved mentions, when the pipeline has them.
        entities: their entities.
        min_gap_days: days between the office's end and ``published`` below which nothing is said.
    """
    spans: list[tuple[int, int]] = []
    evidence: list[str] = []
    worst = 0
    for tm in titled_mentions(text, kb, mentions=mentions, entities=entities):
        fits = [r for r in tm.actor.roles if compatible(tm.title, r, tm.country)]
        if not fits or any(r.end is None or r.end > published - dt.timedelta(days=min_gap_days) for r in fits):
            continue  # held now, recently, later, or the KB cannot say when it ended
        if not (_SPEAKS_AFTER.match(text, tm.end) or _SPEAKS_BEFORE.search(text, max(0, tm.start - 20), tm.start)):
            continue
        sentence = _sentence_around(text, tm.start, tm.end)
        if _NARRATED_PAST.search(sentence) or any(int(y) < published.year for y in _YEAR.findall(sentence)):
            continue
        ended = max(r.end for r in fits if r.end is not None)
        gap = (published - ended).days
        worst = max(worst, gap)
        spans.append((tm.start, tm.end))
        evidence.append(f"{text[tm.start:tm.end]!r} is written as current, but by the knowledge base "
                        + "; ".join(_describe(tm.actor, r) for r in fits)
                        + f": ended {gap} days before the article's date {published.isoformat()}")
    if not spans:
        return None
    return Flag(kind="stale", score=gap_score(worst),
                evidence=list(dict.fromkeys(evidence)), spans=sorted(set(spans)))
