"""Entity resolution: who and what a document names, clustered in the document and across documents.

:func:`resolve_document` turns a spaCy parse into :class:`Mention` records (character offsets into
``doc.text``) and the document's :class:`Entity` records: full names, surnames, titles plus surnames
("President Kovalt"), role descriptions ("the foreign minister", resolved to the nearest earlier
compatible entity or to the knowledge-base holder of the role on the publication date) and metonyms
("the Pentagon", "Washington said") that stand for the institution they house. :func:`link_corpus`
merges the per-document entities into canonical corpus entities with stable keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.kb import NAME_SUFFIXES, Actor, KnowledgeBase, load_kb
from storyline.kb import normalise_name as _normalise_name

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = [
    "Entity",
    "Mention",
    "Resolution",
    "as_kb",
    "canonical_map",
    "entity_key",
    "link_corpus",
    "resolve_document",
]

#: spaCy labels that name actors or places we track.
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC"})
#: Labels spaCy gives invented or unusual names by mistake; kept only when the KB knows the name.
_KB_ONLY_LABELS = frozenset({"PRODUCT", "WORK_OF_ART", "LAW", "EVENT"})

_LABEL_KIND = {"PERSON": "person", "ORG": "org", "GPE": "place", "NORP": "group", "LOC": "place", "FAC": "place"}
#: Which label wins a tie in a name's votes: the tagger over-uses ORG for unfamiliar names.
_LABEL_PRIORITY = {"GPE": 5, "PERSON": 4, "LOC": 3, "FAC": 2, "ORG": 1, "NORP": 0}
_KIND_LABEL = {
    "person": "PERSON",
    "org": "ORG",
    "outlet": "ORG",
    "agency": "ORG",
    "country": "GPE",
    "place": "GPE",
    "group": "NORP",
    "term": "ORG",
    "event": "EVENT",
}
_FAMILY = {
    "person": "person",
    "org": "org",
    "outlet": "org",
    "agency": "org",
    "term": "org",
    "event": "org",
    "country": "place",
    "place": "place",
    "group": "place",
}


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """The KB's lookup form of a name (cached: resolution normalises the same names many times)."""
    return _normalise_name(name)


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(normalise_name(name).split())


def _surname(tokens: Sequence[str]) -> str:
    """The family name of a tokenised person name: its last word before "Jr.", "III" and the like."""
    k = len(tokens)
    while k > 1 and tokens[k - 1] in NAME_SUFFIXES:
        k -= 1
    return tokens[k - 1] if k else ""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Honorifics and abbreviated ranks before a name, with the role word they stand for ("" = no role).
_HONORIFICS = {
    "mr": "",
    "mrs": "",
    "ms": "",
    "miss": "",
    "dr": "",
    "sir": "",
    "dame": "",
    "lord": "",
    "lady": "",
    "gen": "general",
    "sen": "senator",
    "rep": "representative",
    "gov": "governor",
    "col": "colonel",
    "lt": "lieutenant",
    "adm": "admiral",
    "maj": "major",
    "capt": "captain",
    "sgt": "sergeant",
    "pres": "president",
    "sec": "secretary",
    "supt": "superintendent",
    "insp": "inspector",
    "rev": "reverend",
}

#: Head nouns of roles: a title ending in one of these ("Foreign Minister") names a role.
ROLE_HEADS = _words(
    "president minister secretary chancellor premier general colonel admiral commander mayor governor "
    "senator representative congressman congresswoman commissioner envoy ambassador coach spokesman "
    "spokeswoman spokesperson director chairman chairwoman chair chief king queen prince princess pope "
    "emperor sheikh leader speaker judge justice prosecutor attorney lieutenant major captain sergeant "
    "marshal superintendent inspector coordinator head ayatollah monarch chairperson treasurer manager "
    "founder executive officer"
)
#: Role nouns that, after "the", describe a person already named or a known office holder.
DESCRIPTION_HEADS = _words(
    "president minister secretary chancellor premier general colonel admiral mayor governor senator "
    "commissioner envoy ambassador coach spokesman spokeswoman spokesperson king queen pope prosecutor "
    "emperor prince princess"
)
#: Words that may stand inside a title before its head ("Foreign", "Defence", "Vice", "Deputy").
_TITLE_MODIFIERS = _words(
    "vice deputy prime foreign defence defense interior home finance trade health energy water state "
    "special first acting chief supreme general attorney head secretary-general secretary foreign-affairs "
    "border police national security economy justice environment agriculture education culture labour "
    "labor transport treasury army navy air force commerce"
)
_DETERMINERS = frozenset({"the", "a", "an"})
#: Common nouns that end a geographic name; "Velka" is a short form of "Velka River".
GEO_NOUNS = _words(
    "river valley dam lake sea mountains mountain hills island islands bay gulf strait straits peninsula "
    "desert basin canal coast plain plateau delta forest reservoir creek falls gorge region province "
    "district county"
)
_SPELLING = {"defence": "defense", "labour": "labor", "programme": "program", "organisation": "organization"}
_ROLE_STOP = frozenset({"of", "the", "for", "and", "to", "on", "in"})
_NON_NAME = re.compile(r"^[\W\d_]+$")

# A compact table of states for demonyms, country kinds, capitals and governments that the shipped KB
# does not hold as actors: (name, aliases, demonyms, capitals).
_COUNTRIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "United States",
        ("US", "U.S.", "USA", "U.S.A.", "America", "United States of America"),
        ("American",),
        ("Washington",),
    ),
    ("United Kingdom", ("UK", "U.K.", "Britain", "Great Britain"), ("British",), ("London",)),
    ("Russia", ("Russian Federation",), ("Russian",), ("Moscow",)),
    ("Ukraine", (), ("Ukrainian",), ("Kyiv", "Kiev")),
    ("China", ("People's Republic of China", "PRC"), ("Chinese",), ("Beijing",)),
    ("France", (), ("French",), ("Paris",)),
    ("Germany", (), ("German",), ("Berlin",)),
    ("Italy", (), ("Italian",), ("Rome",)),
    ("Spain", (), ("Spanish",), ("Madrid",)),
    ("Poland", (), ("Polish",), ("Warsaw",)),
    ("Japan", (), ("Japanese",), ("Tokyo",)),
    ("India", (), ("Indian",), ("New Delhi",)),
    ("Pakistan", (), ("Pakistani",), ("Islamabad",)),
    ("Iran", (), ("Iranian",), ("Tehran",)),
    ("Iraq", (), ("Iraqi",), ("Baghdad",)),
    ("Syria", (), ("Syrian",), ("Damascus",)),
    ("Israel", (), ("Israeli",), ()),
    ("Turkey", ("Turkiye", "Türkiye"), ("Turkish",), ("Ankara",)),
    ("Egypt", (), ("Egyptian",), ("Cairo",)),
    ("Saudi Arabia", (), ("Saudi",), ("Riyadh",)),
    ("Afghanistan", (), ("Afghan",), ("Kabul",)),
    ("North Korea", ("DPRK",), ("North Korean",), ("Pyongyang",)),
    ("South Korea", ("Republic of Korea",), ("South Korean",), ("Seoul",)),
    ("Canada", (), ("Canadian",), ("Ottawa",)),
    ("Mexico", (), ("Mexican",), ("Mexico City",)),
    ("Brazil", (), ("Brazilian",), ("Brasilia", "Brasília")),
    ("Argentina", (), ("Argentine", "Argentinian"), ("Buenos Aires",)),
    ("Venezuela", (), ("Venezuelan",), ("Caracas",)),
    ("Cuba", (), ("Cuban",), ("Havana",)),
    ("Australia", (), ("Australian",), ("Canberra",)),
    ("South Africa", (), ("South African",), ("Pretoria",)),
    ("Nigeria", (), ("Nigerian",), ("Abuja",)),
    ("Belarus", (), ("Belarusian",), ("Minsk",)),
    ("Greece", (), ("Greek",), ("Athens",)),
    ("Netherlands", ("Holland",), ("Dutch",), ("The Hague",)),
    ("Belgium", (), ("Belgian",), ()),
    ("Sweden", (), ("Swedish",), ("Stockholm",)),
    ("Norway", (), ("Norwegian",), ("Oslo",)),
    ("Denmark", (), ("Danish",), ("Copenhagen",)),
    ("Finland", (), ("Finnish",), ("Helsinki",)),
    ("Hungary", (), ("Hungarian",), ("Budapest",)),
    ("Indonesia", (), ("Indonesian",), ("Jakarta",)),
    ("Philippines", (), ("Filipino", "Philippine"), ("Manila",)),
    ("Vietnam", (), ("Vietnamese",), ("Hanoi",)),
    ("Taiwan", (), ("Taiwanese",), ("Taipei",)),
    ("Libya", (), ("Libyan",), ("Tripoli",)),
    ("Lebanon", (), ("Lebanese",), ("Beirut",)),
    ("Jordan", (), ("Jordanian",), ("Amman",)),
    ("Qatar", (), ("Qatari",), ("Doha",)),
    ("Yemen", (), ("Yemeni",), ("Sanaa",)),
    ("Serbia", (), ("Serbian",), ("Belgrade",)),
    ("Georgia", (), ("Georgian",), ("Tbilisi",)),
    ("Palestine", ("Palestinian territories",), ("Palestinian",), ()),
    ("Ireland", (), ("Irish",), ("Dublin",)),
    ("Switzerland", (), ("Swiss",), ("Bern",)),
    ("Austria", (), ("Austrian",), ("Vienna",)),
    ("Portugal", (), ("Portuguese",), ("Lisbon",)),
    ("European Union", ("EU", "E.U."), ("European",), ("Brussels",)),
)

#: Regions that place a text in a country (for plausibility of bare surnames and role holders).
_US_STATES = (
    "Alabama,Alaska,Arizona,Arkansas,California,Colorado,Connecticut,Delaware,Florida,Georgia,Hawaii,Idaho,"
    "Illinois,Indiana,Iowa,Kansas,Kentucky,Louisiana,Maine,Maryland,Massachusetts,Michigan,Minnesota,"
    "Mississippi,Missouri,Montana,Nebraska,Nevada,New Hampshire,New Jersey,New Mexico,New York,North Carolina,"
    "North Dakota,Ohio,Oklahoma,Oregon,Pennsylvania,Rhode Island,South Carolina,South Dakota,Tennessee,Texas,"
    "Utah,Vermont,Virginia,Washington,West Virginia,Wisconsin,Wyoming,Congress,Capitol Hill,White House"
)

# Buildings and addresses that stand for the institution they house: name -> (entity, part of, country).
_INSTITUTIONS: dict[str, tuple[str, str | None, str]] = {
    "white house": ("Government of the United States", None, "United States"),
    "oval office": ("Government of the United States", None, "United States"),
    "pentagon": ("United States Department of Defense", "Government of the United States", "United States"),
    "state department": ("United States Department of State", "Government of the United States", "United States"),
    "foggy bottom": ("United States Department of State", "Government of the United States", "United States"),
    "capitol hill": ("United States Congress", "Government of the United States", "United States"),
    "kremlin": ("Government of Russia", None, "Russia"),
    "downing street": ("Government of the United Kingdom", None, "United Kingdom"),
    "number 10": ("Government of the United Kingdom", None, "United Kingdom"),
    "no 10": ("Government of the United Kingdom", None, "United Kingdom"),
    "whitehall": ("Government of the United Kingdom", None, "United Kingdom"),
    "elysee": ("Government of France", None, "France"),
    "elysee palace": ("Government of France", None, "France"),
    "quai d'orsay": ("French Ministry of Foreign Affairs", "Government of France", "France"),
    "zhongnanhai": ("Government of China", None, "China"),
    "berlaymont": ("European Commission", "European Union", "European Union"),
}
#: How the buildings above are written, for the gazetteer.
_INSTITUTION_FORMS = (
    "White House",
    "Oval Office",
    "Pentagon",
    "State Department",
    "Foggy Bottom",
    "Capitol Hill",
    "Kremlin",
    "Downing Street",
    "Number 10",
    "No 10",
    "Whitehall",
    "Elysee",
    "Élysée",
    "Elysee Palace",
    "Élysée Palace",
    "Quai d'Orsay",
    "Zhongnanhai",
    "Berlaymont",
)
#: Dependency relations under which a capital acts rather than locates ("Washington said").
_AGENT_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "agent"})


@dataclass(frozen=True, slots=True)
class Mention:
    """One place in a document that refers to an entity.

    Args:
        start: start character offset in ``doc.text``.
        end: end character offset.
        text: the mention as written (title and leading "the" left out for names).
        label: spaCy-style label ("PERSON", "ORG", "GPE", "NORP", "LOC", "FAC").
        entity_key: key of the document entity it refers to.
        form: "name", "description" (a role such as "the minister") or "metonym" ("the Kremlin").
    """

    start: int
    end: int
    text: str
    label: str
    entity_key: str
    form: str = "name"


@dataclass(frozen=True, slots=True)
class Entity:
    """A person, organisation, country, place or group, in a document or across the corpus.

    Args:
        key: stable id, a hash of the canonical name (see :func:`entity_key`).
        name: canonical name.
        kind: person, org, country, place, group, outlet, agency, term or event.
        aliases: the other spellings seen for it.
        kb_id: id of the knowledge-base actor it was linked to, if any.
        part_of: canonical name of the body it belongs to ("Government of the United States").
        roles: roles the text or the KB gives it ("foreign minister").
        members: keys of the per-document entities merged into it (corpus entities only).
    """

    key: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    kb_id: str | None = None
    part_of: str | None = None
    roles: tuple[str, ...] = ()
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Resolution:
    """The mentions of one document and the entities they refer to (unpacks as a pair).

    Args:
        mentions: mentions in document order.
        entities: the document's entities, in order of first mention.
    """

    mentions: tuple[Mention, ...] = ()
    entities: tuple[Entity, ...] = ()

    def __iter__(self) -> Iterator[tuple[Mention, ...] | tuple[Entity, ...]]:
        yield self.mentions
        yield self.entities

    def entity(self, key: str) -> Entity | None:
        """The document entity with this key, or None."""
        for e in self.entities:
            if e.key == key:
                return e
        return None


def entity_key(name: str) -> str:
    """The stable key of an entity with this canonical name.

    Args:
        name: canonical name.
    """
    return "E" + hashlib.blake2b(normalise_name(name).encode(), digest_size=6).hexdigest()


#: Words that make a different, lesser office: "the foreign minister" is not the deputy one.
_RANK_WORDS = frozenset({"deputy", "vice", "acting", "assistant", "junior", "shadow", "under", "former", "interim"})


def _role_fits(description: frozenset[str], role: frozenset[str]) -> bool:
    """Whether a description's words ("minister") fit a role's ("foreign minister", not "deputy ...")."""
    return description <= role and not ((role - description) & _RANK_WORDS)


def _role_bag(role: str) -> frozenset[str]:
    words = re.findall(r"[a-z]+", role.lower())
    return frozenset(_SPELLING.get(w, w) for w in words if w not in _ROLE_STOP)


# ---------------------------------------------------------------------------------------------
# The knowledge-base side: gazetteer, country table, role index. Built once per KB object.


@dataclass(slots=True)
class _KBIndex:
    kb: KnowledgeBase
    # first token (lower) -> [(token tuple, actor ids)], longest first
    gazetteer: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = field(default_factory=dict)
    country_of: dict[str, str] = field(default_factory=dict)  # normalised name/demonym -> country name
    capitals: dict[str, str] = field(default_factory=dict)  # normalised capital -> country name
    region_of: dict[str, str] = field(default_factory=dict)  # normalised region -> country name
    roles: list[tuple[frozenset[str], str, str, Actor]] = field(default_factory=list)  # bag, role, of, actor

    def of_name(self, of: str) -> str:
        """The name behind a role's ``of``, which user KBs may give as an actor id."""
        actor = self.kb.get(of)
        return actor.name if actor is not None else of


def _tokenize_names(names: Sequence[str]) -> list[tuple[str, ...]]:
    from storyline.nlp import get_nlp

    nlp = get_nlp()
    return [tuple(t.text for t in d) for d in nlp.tokenizer.pipe(names)]  # type: ignore[union-attr]


@lru_cache(maxsize=8)
def _index(kb: KnowledgeBase) -> _KBIndex:
    idx = _KBIndex(kb=kb)
    names: dict[str, set[str]] = {}
    for actor in kb:
        for n in {actor.name, *actor.aliases}:
            n = re.sub(r"^(?:the|The)\s+", "", n.strip())
            if len(n) < 2 or n.islower():
                continue
            names.setdefault(n, set()).add(actor.id)
        for r in actor.roles:
            if r.role not in ("exists", "news organisation"):
                idx.roles.append((_role_bag(r.role), r.role, idx.of_name(r.of), actor))
    for display in _INSTITUTION_FORMS:  # found by name even where the tagger misses them
        names.setdefault(display, set())
    table = sorted(names)
    for name, toks in zip(table, _tokenize_names(table), strict=True):
        if toks:
            idx.gazetteer.setdefault(toks[0].lower(), []).append((toks, tuple(sorted(names[name]))))
    for bucket in idx.gazetteer.values():
        bucket.sort(key=lambda item: -len(item[0]))
    for name, aliases, demonyms, capitals in _COUNTRIES:
        for n in (name, *aliases, *demonyms):
            idx.country_of[normalise_name(n)] = name
        for c in capitals:
            idx.capitals[normalise_name(c)] = name
    for state in _US_STATES.split(","):
        idx.region_of[normalise_name(state)] = "United States"
    for actor in kb:  # KB countries and their demonym aliases ("Arvenian") win over the table
        if actor.kind == "country":
            for n in (actor.name, *actor.aliases):
                idx.country_of[normalise_name(n)] = actor.name
    return idx


# ---------------------------------------------------------------------------------------------
# Candidate spans.


@dataclass(slots=True)
class _Span:
    start: int  # token offsets
    end: int
    label: str
    title: str = ""  # the role or honorific before a person's name, lower case
    actors: tuple[str, ...] = ()  # KB actors the exact span names (gazetteer)
    cluster: _Cluster | None = None
    form: str = "name"
    weak: bool = False  # an odd NER label: may join a known entity but never founds one


@dataclass(slots=True)
class _Cluster:
    name: str
    kind: str
    first: int
    actor: Actor | None = None
    part_of: str | None = None
    aliases: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    labels: Counter[str] = field(default_factory=Counter)
    positions: list[int] = field(default_factory=list)
    fixed_kind: bool = False
    country: str | None = None  # the state it belongs to or stands for

    @property
    def tokens(self) -> tuple[str, ...]:
        return _name_tokens(self.name)


def _is_cap(token: Token) -> bool:
    t = token.text
    return bool(t) and (t[0].isupper() or t[0].isdigit())


def _title_before(doc: Doc, start: int) -> tuple[int, str]:
    """Token start of a title or honorific directly before a name, and the role it names."""
    i = start - 1
    words: list[str] = []
    while i >= 0 and start - i <= 6:
        tok = doc[i]
        low = tok.lower_.rstrip(".")
        if low in _HONORIFICS or low in ROLE_HEADS or low in _TITLE_MODIFIERS:
            words.insert(0, low)
            i -= 1
            continue
        if words and low == "of" and i > 0 and doc[i - 1].lower_ in ROLE_HEADS:
            words.insert(0, low)  # "Secretary of State"
            i -= 1
            continue
        if words and _is_cap(tok) and not tok.is_sent_start and tok.ent_type_ in ("ORG", "NORP", "GPE", ""):
            words.insert(0, low)  # an organisation inside a title ("Border Police Commissioner")
            i -= 1
            continue
        break
    ends_in_role = bool(words) and (words[-1] in ROLE_HEADS or words[-1] in _HONORIFICS)
    if not ends_in_role and not ("of" in words and words[0] in ROLE_HEADS):  # "Secretary of State"
        return start, ""
    return i + 1, " ".join(r for r in (_HONORIFICS.get(w, w) for w in words) if r)


def _clean_span(doc: Doc, start: int, end: int, label: str) -> tuple[int, int, str]:
    """Strip determiners, possessives and trailing numbers from an entity span; return the title too."""
    while start < end and doc[start].lower_ in _DETERMINERS:
        start += 1
    while end > start and (doc[end - 1].text in ("'s", "’s", "'") or _NON_NAME.match(doc[end - 1].text)):
        end -= 1
    title = ""
    if label == "PERSON" and end - start > 1:
        # a title tagged as part of the name ("President Biden"): split it off
        j = start
        while j < end - 1 and (
            doc[j].lower_.rstrip(".") in _HONORIFICS or doc[j].lower_ in ROLE_HEADS or doc[j].lower_ in _TITLE_MODIFIERS
        ):
            j += 1
        if j > start and doc[j - 1].lower_.rstrip(".") in (ROLE_HEADS | set(_HONORIFICS)):
            title = " ".join(_HONORIFICS.get(doc[k].lower_.rstrip("."), doc[k].lower_) for k in range(start, j)).strip()
            start = j
    return start, end, title


def _gazetteer_spans(doc: Doc, idx: _KBIndex) -> list[_Span]:
    out: list[_Span] = []
    n = len(doc)
    i = 0
    while i < n:
        tok = doc[i]
        bucket = idx.gazetteer.get(tok.lower_) if _is_cap(tok) else None
        hit = None
        if bucket:
            for toks, actors in bucket:
                k = len(toks)
                if i + k > n:
                    continue
                if all(
                    doc[i + j].text == toks[j] or (doc[i + j].text.isupper() and doc[i + j].text == toks[j].upper())
                    for j in range(k)
                ):
                    if k == 1 and tok.pos_ != "PROPN" and not tok.ent_type_ and not _demonym(idx, actors):
                        continue  # a capitalised common word, not a name
                    hit = (k, actors)
                    break
        if hit:
            out.append(_Span(i, i + hit[0], "", actors=hit[1]))
            i += hit[0]
        else:
            i += 1
    return out


def _demonym(idx: _KBIndex, actors: tuple[str, ...]) -> bool:
    return any((a := idx.kb.get(x)) is not None and a.kind == "country" for x in actors)


def _title_fragment(doc: Doc, start: int, end: int) -> bool:
    if not all(t.lower_ in _TITLE_MODIFIERS for t in doc[start:end]):
        return False
    after = doc[end].lower_ if end < len(doc) else ""
    before = doc[start - 2].lower_ if start >= 2 and doc[start - 1].lower_ == "of" else ""
    return after in ROLE_HEADS or before in ROLE_HEADS


def _candidate_spans(doc: Doc, idx: _KBIndex) -> list[_Span]:
    ner: list[_Span] = []
    for ent in doc.ents:
        if ent.label_ not in NAME_LABELS and ent.label_ not in _KB_ONLY_LABELS:
            continue
        lo, hi, title = _clean_span(doc, ent.start, ent.end, ent.label_)
        if hi <= lo:
            continue
        if _title_fragment(doc, lo, hi):
            continue  # "Defense" in "the Defense Secretary", "State" in "Secretary of State"
        if ent.label_ in _KB_ONLY_LABELS:
            if hi - lo > 1 and doc[hi - 1].lower_ in GEO_NOUNS and all(_is_cap(t) for t in doc[lo:hi]):
                ner.append(_Span(lo, hi, "LOC"))  # "the Orlan Dam" tagged as a law or a work of art
            elif hi - lo == 1:
                ner.append(_Span(lo, hi, "", weak=True))
            continue
        ner.append(_Span(lo, hi, ent.label_, title=title))
    gaz = _gazetteer_spans(doc, idx)
    # Merge: a gazetteer match replaces the NER spans it overlaps unless an NER span strictly
    # contains it (a longer proper name, "Dravonian Energy and Water Ministry").
    chosen: list[_Span] = []
    taken = [False] * len(ner)
    for g in gaz:
        covering = [k for k, s in enumerate(ner) if s.start <= g.start and g.end <= s.end]
        strict = [k for k in covering if (ner[k].end - ner[k].start) > (g.end - g.start) and not ner[k].weak]
        if strict:
            continue
        overl = [k for k, s in enumerate(ner) if s.start < g.end and g.start < s.end]
        labels = [ner[k].label for k in overl]
        titles = [ner[k].title for k in overl if ner[k].title]
        for k in overl:
            taken[k] = True
        g.label = labels[0] if labels else ""
        g.title = titles[0] if titles else ""
        chosen.append(g)
    chosen.extend(s for k, s in enumerate(ner) if not taken[k] and (s.label in NAME_LABELS or s.weak))
    chosen.sort(key=lambda s: (s.start, -s.end))
    out: list[_Span] = []
    last_end = -1
    for s in chosen:  # drop overlaps left by odd NER output
        if s.start >= last_end:
            out.append(s)
            last_end = s.end
    out = [s for s in out if not _month_as_date(doc, s.start, s.end)]
    for s in out:
        if not s.title:
            s.title = _title_before(doc, s.start)[1]
    return out


_MONTH_NAMES = frozenset(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november",
     "december")
)
#: Words before a month that make it a date ("since May", "earlier in June", "last April").
_BEFORE_MONTH = frozenset(
    ("in", "since", "until", "till", "by", "from", "through", "early", "mid", "late", "last", "next", "this", "of",
     "during", "before", "after")
)


def _month_as_date(doc: Doc, start: int, end: int) -> bool:
    """Whether a one-word name is a month written as a date ("since May 2", "earlier in May").

    The tagger and the KB's short aliases ("May" for Theresa May) otherwise make people of dates.
    """
    if end - start != 1 or doc[start].lower_ not in _MONTH_NAMES:
        return False
    after = doc[end] if end < len(doc) else None
    if after is not None and after.lower_ in ("'s", "’s"):
        return False  # "in May's cabinet": a possessive names the person
    before = doc[start - 1] if start > 0 else None
    return bool((after is not None and after.like_num) or (before is not None and before.lower_ in _BEFORE_MONTH))


# ---------------------------------------------------------------------------------------------
# Resolution.


def _compatible(actor: Actor, label: str, ntok: int, from_gazetteer: bool) -> bool:
    """Whether a KB actor may be what an NER label names; spaCy labels invented names poorly."""
    if ntok > 1 and from_gazetteer:
        return True  # an exact multi-word name: trust the KB over the tagger
    if not label:
        return True
    fam = _FAMILY.get(actor.kind, "org")
    if label == "PERSON":
        return fam == "person"
    if label in ("GPE", "LOC", "FAC"):
        return fam == "place"
    if label == "NORP":
        return fam in ("place", "org")
    return fam == "org" or (fam == "person" and from_gazetteer and ntok > 1)


def _loosely_compatible(actor: Actor, label: str) -> bool:
    """The tagger confuses persons, organisations and groups for names it has never seen."""
    return label in ("PERSON", "ORG", "NORP") and _FAMILY.get(actor.kind, "org") in ("person", "org")


def _agentive(span: Span) -> bool:
    root = span.root
    tok = root
    for _ in range(3):  # climb through conjunctions ("Washington and Moscow said")
        if tok.dep_ == "conj" and tok.head is not tok:
            tok = tok.head
            continue
        break
    if tok.dep_ in _AGENT_DEPS:
        return True
    if tok.dep_ != "pobj":
        return False
    prep = tok.head
    # "condemned by Washington", "talks between Kyiv and Moscow", "a warning from Beijing"
    return prep.lower_ in ("by", "between") or (prep.lower_ == "from" and prep.head.pos_ == "NOUN")


class _Resolver:
    def __init__(self, doc: Doc, published: dt.date | None, idx: _KBIndex) -> None:
        self.doc = doc
        self.published = published
        self.idx = idx
        self.clusters: list[_Cluster] = []
        self.by_name: dict[str, _Cluster] = {}
        self.by_actor: dict[str, _Cluster] = {}
        self.countries: set[str] = set()  # normalised names of the states the text mentions

    # -- clusters ---------------------------------------------------------------------------
    def _new(
        self,
        name: str,
        kind: str,
        pos: int,
        *,
        actor: Actor | None = None,
        part_of: str | None = None,
        country: str | None = None,
    ) -> _Cluster:
        if actor is not None and actor.country:
            country = self.idx.of_name(actor.country)
        elif actor is not None and actor.kind == "country":
            country = actor.name
        c = _Cluster(
            name=name,
            kind=kind,
            first=pos,
            actor=actor,
            part_of=part_of,
            fixed_kind=actor is not None or country is not None,
            country=country,
        )
        self.clusters.append(c)
        self.by_name.setdefault(normalise_name(name), c)
        if actor is not None:
            self.by_actor[actor.id] = c
            for a in actor.aliases:
                self.by_name.setdefault(normalise_name(a), c)
        return c

    def _for_actor(self, actor: Actor, pos: int) -> _Cluster:
        c = self.by_actor.get(actor.id)
        if c is None:
            c = self.by_name.get(normalise_name(actor.name))
            if c is not None and c.actor is None:
                c.actor, c.name, c.kind, c.fixed_kind = actor, actor.name, actor.kind, True
                c.country = self.idx.of_name(actor.country) if actor.country else c.country
                self.by_actor[actor.id] = c
            else:
                c = self._new(actor.name, actor.kind, pos, actor=actor)
        return c

    def _pick_actor(self, ids: Sequence[str] | Sequence[Actor], span: _Span, ntok: int, gaz: bool) -> Actor | None:
        actors = [a for a in (x if isinstance(x, Actor) else self.idx.kb.get(x) for x in ids) if a is not None]
        if ntok == 1:  # "Castrel" for "Castrel FC" only once the document has named the club in full
            text = normalise_name(self.doc[span.start : span.end].text)
            actors = [
                a
                for a in actors
                if a.kind == "person" or a.id in self.by_actor or not normalise_name(a.name).startswith(text + " ")
            ]
        cands = [a for a in actors if _compatible(a, span.label, ntok, gaz)]
        if not cands and gaz:
            cands = [a for a in actors if _loosely_compatible(a, span.label)]
        titled = [a for a in cands if self._fits(a, _role_bag(span.title))] if span.title else []
        if titled:  # "President Clinton": the title picks among namesakes
            cands = titled
        elif ntok == 1:
            cands = [a for a in cands if a.kind != "person" or a.id in self.by_actor or self._plausible(a)]
        if len(cands) <= 1:
            return cands[0] if cands else None
        present = [a for a in cands if a.id in self.by_actor]
        if len(present) == 1:
            return present[0]
        if self.published is not None:
            holding = [a for a in cands if any(r.holds_on(self.published) for r in a.roles)]
            if len(holding) == 1:
                return holding[0]
        return None  # ambiguous: leave it to the document

    @staticmethod
    def _fits(actor: Actor | None, bag: frozenset[str]) -> bool:
        return bool(bag) and actor is not None and any(_role_fits(bag, _role_bag(r.role)) for r in actor.roles)

    def _title_fits(self, c: _Cluster, title: str, norm: str) -> bool:
        """Whether a cluster may carry this title, unless the KB has a namesake who held it."""
        bag = _role_bag(title)
        if not bag or self._fits(c.actor, bag) or any(_role_fits(bag, _role_bag(r)) for r in c.roles):
            return True
        return not any(self._fits(a, bag) for a in self.idx.kb.find(norm))

    def _plausible(self, actor: Actor) -> bool:
        """Whether a bare surname may mean this KB person: in office that day, or from a country in the text.

        "Wallace" in a 2016 US transcript is not the British defence secretary of 2019-2023.
        """
        if self.published is None:
            return True
        if any(r.holds_on(self.published) for r in actor.roles):
            return True
        country = self.idx.of_name(actor.country) if actor.country else None
        return country is not None and normalise_name(country) in self.countries

    def _surname_match(self, norm: str, pos: int, title: str = "") -> _Cluster | None:
        persons = [c for c in self.clusters if c.kind == "person" and len(c.tokens) > 1 and _surname(c.tokens) == norm]
        if persons and title:  # "President Clinton" is the Clinton who was president
            fits = [c for c in persons if self._title_fits(c, title, norm)]
            if not fits:
                return None  # the KB knows another holder of that surname and title
            persons = fits
        if len(persons) == 1:
            return persons[0]
        if persons:  # the nearest earlier one

            def last_before(c: _Cluster) -> int:
                return max((p for p in c.positions if p <= pos), default=-1)

            return max(persons, key=lambda c: (last_before(c), -c.first))
        return None

    def _prefix_match(self, norm: str, label: str) -> _Cluster | None:
        fam = _FAMILY.get(_LABEL_KIND.get(label, "org"), "org")
        found = [
            c
            for c in self.clusters
            if c.kind != "person" and len(c.tokens) > 1 and c.tokens[0] == norm and _FAMILY.get(c.kind) == fam
        ]
        return found[0] if len(found) == 1 else None

    def _geo_prefix(self, norm: str) -> _Cluster | None:
        found = [c for c in self.clusters if len(c.tokens) == 2 and c.tokens[0] == norm and c.tokens[1] in GEO_NOUNS]
        return found[0] if len(found) == 1 else None

    def _kind_for(self, label: str, norm: str) -> str:
        if label == "GPE" and norm in self.idx.country_of:
            return "country"
        return _LABEL_KIND.get(label, "org")

    # -- spans --------------------------------------------------------------------------------
    def resolve_span(self, s: _Span) -> None:
        doc = self.doc
        span = doc[s.start : s.end]
        text = span.text
        norm = normalise_name(text)
        if not norm:
            return
        ntok = s.end - s.start
        pos = span.start_char
        c: _Cluster | None = None
        inst = _INSTITUTIONS.get(norm)
        if inst is not None:
            c = self._institution(inst, pos)
            s.form = "metonym"
        elif norm in self.idx.capitals and s.label in ("GPE", "ORG", "PERSON") and _agentive(span):
            country = self.idx.capitals[norm]
            gov = country if country == "European Union" else _government(country)
            c = self.by_name.get(normalise_name(gov)) or self._new(gov, "org", pos, country=country)
            s.form = "metonym"
        if c is None:
            c = self.by_name.get(norm)
            if c is not None and ntok == 1 and s.label in ("GPE", "LOC", "FAC") and _FAMILY.get(c.kind) != "place":
                c = None  # "Castrel" the city is not "Castrel" the football club
            elif c is not None and ntok == 1 and s.title and not self._title_fits(c, s.title, norm):
                c = None  # "President Clinton" is not the Clinton named so far
        if c is None and ntok == 1:
            c = (
                self._surname_match(norm, pos, s.title)
                or self._geo_prefix(norm)
                or self._prefix_match(norm, s.label or "ORG")
            )
        if c is None:
            ids: Sequence[str] | Sequence[Actor] = s.actors or self.idx.kb.find(text)
            actor = self._pick_actor(ids, s, ntok, bool(s.actors)) if ids else None
            if actor is not None:
                c = self._for_actor(actor, pos)
        if c is None and s.label in ("NORP", "GPE") and norm in self.idx.country_of:
            country = self.idx.country_of[norm]
            c = self.by_name.get(normalise_name(country)) or self._new(country, "country", pos, country=country)
        if c is None:
            if not s.label or s.weak:
                return
            c = self._new(text, self._kind_for(s.label, norm), pos)
        s.cluster = c
        c.aliases.add(text)
        c.labels[s.label or _KIND_LABEL.get(c.kind, "ORG")] += ntok  # a full name's label counts more
        c.positions.append(pos)
        if s.title:
            c.roles.add(s.title)
        self.by_name.setdefault(norm, c)
        if c.actor is None and c.name.isupper() and not text.isupper() and normalise_name(c.name) == norm:
            c.name = text  # "WALLACE:" in a transcript is "Wallace"
        if (  # an earlier surname-only cluster learns the full name
            c.actor is None
            and c.kind == "person"
            and s.label == "PERSON"
            and ntok > len(c.tokens)
            and _surname(c.tokens) == _surname(_name_tokens(text))
        ):
            c.name = text

    def _institution(self, inst: tuple[str, str | None, str], pos: int) -> _Cluster:
        name, part_of, country = inst
        c = self.by_name.get(normalise_name(name))
        if c is None:
            c = self._new(name, "org", pos, part_of=part_of, country=country)
        return c

    # -- descriptions ----------------------------------------------------------------------
    def descriptions(self, spans: list[_Span]) -> list[_Span]:
        """Role descriptions ("the foreign minister", "Dravonia's defence minister") outside names."""
        doc = self.doc
        covered: set[int] = set()
        for s in spans:
            covered.update(range(s.start, s.end))
        out: list[_Span] = []
        i = 0
        n = len(doc)
        while i < n:
            tok = doc[i]
            if tok.lower_ not in DESCRIPTION_HEADS or i in covered or tok.pos_ not in ("NOUN", "PROPN"):
                i += 1
                continue
            # the head must end its phrase, not modify a following name ("President Kovalt")
            if i + 1 < n and (i + 1) in covered and _is_cap(doc[i + 1]):
                i += 1
                continue
            if i + 1 < n and doc[i + 1].lower_ in ROLE_HEADS:
                i += 1
                continue
            k = i + 2 if i + 2 < n and doc[i + 1].text == "," else i + 1
            appos = next((s for s in spans if s.start == k and s.cluster is not None), None)
            if appos is not None and appos.cluster is not None and appos.cluster.kind == "person":
                i += 1  # "its spokesman, Viktor Halm": the name that follows is the mention
                continue
            j = i
            words = [tok.lower_]
            country: str | None = None
            qualified = False  # an owner we cannot check ("the Republican senator"): antecedents only
            while (
                j - 1 >= 0
                and (doc[j - 1].lower_ in _TITLE_MODIFIERS or doc[j - 1].lower_ in ROLE_HEADS)
                and (j - 1) not in covered
            ):
                j -= 1
                words.insert(0, doc[j].lower_)
            o = j - 2 if j >= 2 and doc[j - 1].text in ("'s", "’s") else j - 1
            if o >= 0 and o in covered:  # "Dravonia's foreign minister", "the Arvenian minister"
                owner = next((s for s in spans if s.start <= o < s.end), None)
                if owner is not None and owner.cluster is not None and owner.cluster.kind == "country":
                    country = owner.cluster.name
                    j = owner.start
                elif owner is not None:
                    qualified = True
                    j = owner.start
            if (j - 1 >= 0 and doc[j - 1].lower_ in ("the", "its", "their")) or country is not None:
                start = j - 1 if j - 1 >= 0 and doc[j - 1].lower_ == "the" else j
                d = _Span(start, i + 1, "PERSON", title=" ".join(words), form="description")
                d.cluster = self._description(d, words, country, qualified=qualified)
                if d.cluster is not None:
                    out.append(d)
            i += 1
        return out

    def _description(
        self, d: _Span, words: list[str], country: str | None, *, qualified: bool = False
    ) -> _Cluster | None:
        bag = _role_bag(" ".join(words))
        pos = self.doc[d.start].idx
        # nearest earlier entity that holds a compatible role, from the text or the KB
        best: tuple[bool, int, _Cluster] | None = None
        for c in self.clusters:
            if c.kind != "person":
                continue
            earlier = [p for p in c.positions if p < pos]
            if not earlier:
                continue
            titled = any(_role_fits(bag, _role_bag(r)) for r in c.roles)  # the text gave the title
            roles = set(c.roles)
            if c.actor is not None:
                roles.update(r.role for r in c.actor.roles if self.published is None or r.holds_on(self.published))
            if any(_role_fits(bag, _role_bag(r)) for r in roles):
                if country is not None and c.actor is not None and c.actor.roles:
                    ofs = {normalise_name(self.idx.of_name(r.of)) for r in c.actor.roles}
                    if normalise_name(country) not in ofs:
                        continue
                rank = (titled, max(earlier))
                if best is None or rank > best[:2]:
                    best = (titled, max(earlier), c)
        if best is not None:
            return best[2]
        if self.published is None or qualified:
            return None
        # the KB holder of the role on the publication date, in a country the document is about
        countries = Counter[str]()
        if country is not None:
            countries[normalise_name(country)] += 100
        for c in self.clusters:
            if c.country:
                countries[normalise_name(c.country)] += len(c.positions)
        scored: dict[str, tuple[float, Actor]] = {}
        for rbag, role, of, actor in self.idx.roles:
            if not _role_fits(bag, rbag) or (bag != rbag and len(bag) < 2):
                continue
            if not any(r.role == role and r.holds_on(self.published) for r in actor.roles):
                continue
            if country is not None and normalise_name(of) != normalise_name(country):
                continue  # "the Mexican foreign minister" is Mexico's or no one we know
            score = countries.get(normalise_name(of), 0) * 10.0
            score += sum(1 for w in words if w in role.split())  # spelling: "defense" vs "defence"
            score += 0.5 if bag == rbag else 0.0
            score += 0.5 if " ".join(words) == role.replace("-", " ") else 0.0  # word order
            if score > scored.get(actor.id, (-1.0, actor))[0]:
                scored[actor.id] = (score, actor)
        if not scored:
            return None
        ranked = sorted(scored.values(), key=lambda x: -x[0])
        if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
            return None  # two holders equally likely: do not guess
        return self._for_actor(ranked[0][1], pos)

    # -- output -------------------------------------------------------------------------------
    def finish(self, spans: list[_Span]) -> Resolution:
        doc = self.doc
        keys: dict[int, str] = {}
        entities: list[Entity] = []
        for c in sorted(self.clusters, key=lambda c: c.first):
            if not c.positions and c.actor is None:
                continue
            kind = c.kind
            if not c.fixed_kind and c.labels:
                label = max(c.labels, key=lambda lab: (c.labels[lab], _LABEL_PRIORITY.get(lab, 0)))
                kind = "country" if c.kind == "country" else _LABEL_KIND.get(label, c.kind)
            roles = sorted(c.roles)
            key = entity_key(c.name)
            keys[id(c)] = key
            entities.append(
                Entity(
                    key=key,
                    name=c.name,
                    kind=kind,
                    aliases=tuple(sorted(a for a in c.aliases if a != c.name)),
                    kb_id=c.actor.id if c.actor is not None else None,
                    part_of=c.part_of,
                    roles=tuple(roles),
                )
            )
        mentions = []
        for s in sorted(spans, key=lambda s: s.start):
            if s.cluster is None or id(s.cluster) not in keys:
                continue
            span = doc[s.start : s.end]
            label = s.label or _KIND_LABEL.get(s.cluster.kind, "ORG")
            if s.form == "description":
                label = _KIND_LABEL.get(s.cluster.kind, "PERSON")
            mentions.append(Mention(span.start_char, span.end_char, span.text, label, keys[id(s.cluster)], s.form))
        return Resolution(mentions=tuple(mentions), entities=tuple(entities))


def _government(country: str) -> str:
    the = "the " if country in ("United States", "United Kingdom", "Netherlands", "Philippines") else ""
    return f"Government of {the}{country}"


def as_kb(kb: KnowledgeBase | Path | str | None = None) -> KnowledgeBase:
    """A knowledge base: the given one, the shipped one (None), or the shipped one plus a user KB file.

    Args:
        kb: a KnowledgeBase, None, or the path of an extra KB file such as ``examples/kb.json``.
    """
    if isinstance(kb, KnowledgeBase):
        return kb
    return load_kb(extra=[kb]) if kb is not None else load_kb()


def resolve_document(
    doc: Doc, *, published: dt.date | None = None, kb: KnowledgeBase | Path | str | None = None
) -> Resolution:
    """Find and cluster the entity mentions of one parsed document.

    Args:
        doc: the spaCy parse (from :func:`storyline.annotate.parse_documents`).
        published: the publication date; role descriptions resolve to the KB holder on that day.
        kb: the knowledge base: None for the shipped one, or a user KB file layered on top of it.
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    idx = _index(as_kb(kb))
    spans = _candidate_spans(doc, idx)
    r = _Resolver(doc, published, idx)
    for s in spans:
        norm = normalise_name(doc[s.start : s.end].text)
        country = idx.country_of.get(norm) or idx.region_of.get(norm)
        if country:
            r.countries.add(normalise_name(country))
    # Longer names first so that surnames and short forms find the full name wherever it appears.
    for s in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        r.resolve_span(s)
    spans = [s for s in spans if s.cluster is not None]
    spans.extend(_repeat_mentions(doc, spans, r))
    spans.extend(r.descriptions(spans))
    return r.finish(spans)


def _repeat_mentions(doc: Doc, spans: list[_Span], r: _Resolver) -> list[_Span]:
    """Untagged repeats of a surname or name the document already established ("Brezic said")."""
    covered: set[int] = set()
    for s in spans:
        covered.update(range(s.start, s.end))
    lookup: dict[str, _Cluster] = {}
    for cl in r.clusters:
        if cl.kind == "person" and len(cl.tokens) > 1 and cl.positions:
            lookup.setdefault(cl.tokens[-1], cl)
    out = []
    for tok in doc:
        if tok.i in covered or not tok.text[:1].isupper() or tok.pos_ != "PROPN":
            continue
        c = lookup.get(normalise_name(tok.text))
        if c is not None:
            s = _Span(tok.i, tok.i + 1, "PERSON", cluster=c)
            c.aliases.add(tok.text)
            c.positions.append(tok.idx)
            out.append(s)
    return out


# ---------------------------------------------------------------------------------------------
# Across documents.


def link_corpus(
    per_doc_entities: Iterable[Sequence[Entity]], *, kb: KnowledgeBase | Path | str | None = None
) -> list[Entity]:
    """Merge per-document entities into canonical corpus entities.

    Entities with the same key (same canonical name) merge; so do entities whose names or aliases
    match (normalised) within one kind family, and surname-only persons whose surname belongs to
    exactly one full-named person in the corpus. Keys are stable: the hash of the canonical name.

    Args:
        per_doc_entities: the entities of each document (``Resolution.entities``).
        kb: the knowledge base whose aliases also join names (as in :func:`resolve_document`).
    """
    kbase = as_kb(kb)
    # The same entity recurs across documents (one shared object when read from a store): the rules
    # below run over each object once, in the order of its first appearance, with its count. Counts
    # and first appearances are all that the merge reads of the repeats.
    count_of: dict[int, int] = {}
    items: list[Entity] = []
    for ents in per_doc_entities:
        for e in ents:
            n = count_of.get(id(e))
            if n is None:
                items.append(e)
                count_of[id(e)] = 1
            else:
                count_of[id(e)] = n + 1
    parent = list(range(len(items)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(a: int, b: int) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    by_key: dict[str, int] = {}
    by_name: dict[tuple[str, str], int] = {}
    for i, e in enumerate(items):
        if e.key in by_key:
            union(i, by_key[e.key])
        else:
            by_key[e.key] = i
        for k in _name_keys(e, kbase):
            if k in by_name:
                union(i, by_name[k])
            else:
                by_name[k] = i
    tokens = [_name_tokens(e.name) for e in items]
    # surname-only persons: attach to the single full-named person with that surname
    full_by_surname: dict[str, set[int]] = {}
    for i, (e, toks) in enumerate(zip(items, tokens, strict=True)):
        if e.kind == "person" and len(toks) > 1:
            full_by_surname.setdefault(_surname(toks), set()).add(find(i))
    for i, (e, toks) in enumerate(zip(items, tokens, strict=True)):
        if e.kind == "person" and len(toks) == 1:
            roots = {find(j) for j in full_by_surname.get(toks[0], set())}
            if len(roots) == 1:
                union(i, roots.pop())
    # "Velka", whatever the tagger called it, is the "Velka River" when the corpus has just one
    geo_heads: dict[str, set[int]] = {}
    for i, (e, toks) in enumerate(zip(items, tokens, strict=True)):
        if _geo_name(e.name):
            geo_heads.setdefault(toks[0], set()).add(i)
    for i, (e, toks) in enumerate(zip(items, tokens, strict=True)):
        if e.kind != "person" and len(toks) == 1 and e.kb_id is None:
            roots = {find(j) for j in geo_heads.get(toks[0], set())}
            if len(roots) == 1:
                union(i, roots.pop())
    groups: dict[int, list[tuple[Entity, int]]] = {}
    for i, e in enumerate(items):
        groups.setdefault(find(i), []).append((e, count_of[id(e)]))
    return [_merge(members) for members in groups.values()]


def _name_keys(e: Entity, kbase: KnowledgeBase) -> list[tuple[str, str]]:
    """The (kind family, normalised name) keys under which `link_corpus` joins an entity with others."""
    fam = _FAMILY.get(e.kind, "org")
    names = {e.name}
    if e.kb_id is not None:
        actor = kbase.get(e.kb_id)
        if actor is not None:
            names.update(
                a
                for a in actor.aliases
                if len(kbase.find(a)) == 1 and (e.kind == "person" or not _short_form(a, e.name))
            )
    if e.kind != "person":
        # a person's surname is not a name of its own; nor is "Castrel" for "Castrel FC", which the
        # document resolved in context, though "Velka" for "Velka River" is
        names.update(a for a in e.aliases if not _short_form(a, e.name) or _geo_name(e.name))
    return [(fam, normalise_name(n)) for n in names]


def _short_form(alias: str, name: str) -> bool:
    return normalise_name(name).startswith(normalise_name(alias) + " ")


def _geo_name(name: str) -> bool:
    toks = normalise_name(name).split()
    return len(toks) == 2 and toks[1] in GEO_NOUNS


def _merge(members: list[tuple[Entity, int]]) -> Entity:
    """One corpus entity from a group's members: (entity, how often it appears), in order of first appearance."""
    kb_ids: Counter[str] = Counter()
    names: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    # Counted by adding in first-appearance order, so ties go to what the corpus met first.
    for e, n in members:
        if e.kb_id:
            kb_ids[e.kb_id] += n
        names[e.name] += n
        kinds[e.kind] += n
    if kb_ids:
        head = kb_ids.most_common(1)[0][0]
        chief = next(e for e, _ in members if e.kb_id == head)
    else:
        # the fullest, then the most frequent name
        best = max(names, key=lambda n: (len(normalise_name(n).split()), names[n], -len(n)))
        chief = next(e for e, _ in members if e.name == best)
    kind = chief.kind if chief.kb_id else kinds.most_common(1)[0][0]
    aliases = sorted({a for e, _ in members for a in (e.name, *e.aliases)} - {chief.name})
    roles = sorted({r for e, _ in members for r in e.roles})
    part_of = next((e.part_of for e, _ in members if e.part_of), None)
    member_keys = tuple(sorted({e.key for e, _ in members}))
    return Entity(
        key=entity_key(chief.name),
        name=chief.name,
        kind=kind,
        aliases=tuple(aliases),
        kb_id=chief.kb_id,
        part_of=part_of,
        roles=tuple(roles),
        members=member_keys,
    )


def canonical_map(corpus_entities: Iterable[Entity]) -> dict[str, Entity]:
    """Map each per-document entity key to its canonical corpus entity.

    Args:
        corpus_entities: the output of :func:`link_corpus`.
    """
    out: dict[str, Entity] = {}
    for e in corpus_entities:
        out[e.key] = e
        for k in e.members:
            out.setdefault(k, e)
    return out
