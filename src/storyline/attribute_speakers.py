"""Speaker mentions: their span, canonical name, and unnamed-source details.

Pronouns ("he") and descriptions ("the senator") resolve to the nearest compatible earlier
person; surnames ("Trump") resolve to the fullest earlier form of the same name ("Donald Trump").
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from storyline.attribute_lexicon import ANON_NOUNS, CUE_VERBS, NUMBER_WORDS, OUTLET_NAMES, OUTLET_WORDS, TITLES

_TITLE_ABBR = {"sen": "senator", "gov": "governor", "rep": "representative", "gen": "general",
               "pres": "president", "atty": "attorney", "sec": "secretary", "supt": "superintendent"}
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_MAX_PHRASE_TOKENS = 14
#: Quantifiers heading "one of the officials"-style phrases.
_PARTITIVE = frozenset({"one", "two", "three", "four", "five", "some", "several", "many", "most", "none", "few",
                        "another", "both", "all", "each", "either", "neither"})
#: Last words of an outlet's name that a person's name practically never ends with.
OUTLET_HEADS = frozenset({"times", "post", "journal", "telegraph", "guardian", "herald", "tribune", "gazette",
                          "chronicle", "news", "press", "wire", "daily", "magazine", "agency", "courier",
                          "ledger", "dispatch", "bulletin", "newsweek", "reuters", "bloomberg"})


@dataclass(frozen=True, slots=True)
class Speaker:
    """A resolved speaker mention.

    Args:
        name: canonical name, or the mention text when it is not a person.
        span: character span of the local mention.
        anonymous: an unnamed source.
        count: how many unnamed sources, when stated.
        affiliation: the unnamed source's affiliation, when stated.
        outlet: the mention is a news outlet (a channel rather than a speaker).
    """

    name: str | None
    span: tuple[int, int]
    anonymous: bool = False
    count: int | None = None
    affiliation: str | None = None
    outlet: bool = False


def _strip_title(words: list[str]) -> list[str]:
    out = list(words)
    while len(out) > 1 and out[0].lower().rstrip(".") in TITLES:
        out.pop(0)
    return out


def _clean_name(text: str) -> str:
    words = _POSSESSIVE.sub("", text.strip()).split()
    return " ".join(_strip_title(words))


class Resolver:
    """Canonical names and pronoun antecedents for one parsed document.

    Args:
        doc: the parsed document.
    """

    def __init__(self, doc: Doc, *, quoted: list[tuple[int, int]] | None = None) -> None:
        self.doc = doc
        spans = sorted(quoted or [])
        qstarts = [a for a, _ in spans]

        def inside(pos: int) -> bool:
            k = bisect_left(qstarts, pos + 1) - 1
            return k >= 0 and spans[k][0] < pos < spans[k][1]

        self._canon: dict[str, str] = {}  # surname (lower) -> fullest name so far
        self.people: list[tuple[int, str, bool, str]] = []  # (char start, canonical, is_subject, context)
        for ent in doc.ents:
            if ent.label_ != "PERSON":
                continue
            name = _clean_name(ent.text)
            if not name or not name[0].isupper():
                continue
            if inside(ent.start_char):
                self._canonical(name)
                continue  # people named inside a quote are not antecedents of the speaker's "he"
            canon = self._canonical(name)
            before = doc[max(0, ent.start - 3): ent.start].text.lower()
            self.people.append((ent.start_char, canon, _is_subject(ent.root), before + " " + ent.text.lower()))
        # The small tagger often labels an unfamiliar name as a place or an organisation; a proper
        # noun that repeats the surname of a person seen elsewhere in the text is that person.
        seen = {p[0] for p in self.people}
        for tok in doc:
            if tok.pos_ != "PROPN" or tok.ent_type_ == "PERSON" or tok.idx in seen or inside(tok.idx):
                continue
            full = self._canon.get(tok.lower_)
            if full is None or len(full.split()) < 2:
                continue
            before = doc[max(0, tok.i - 3): tok.i].text.lower()
            self.people.append((tok.idx, full, _is_subject(tok), before + " " + tok.lower_))
        self.people.sort(key=lambda p: p[0])
        self._starts = [p[0] for p in self.people]

    def _canonical(self, name: str) -> str:
        words = name.split()
        key = words[-1].lower()
        known = self._canon.get(key)
        if known is None or (len(words) > len(known.split()) and known.split()[-1].lower() == key):
            if len(words) >= 1:
                self._canon[key] = name
            return name
        return known

    def canonical(self, name: str) -> str:
        """The fullest known form of a person's name.

        Args:
            name: the name as written.
        """
        clean = _clean_name(name)
        if not clean:
            return name
        return self._canon.get(clean.split()[-1].lower(), clean)

    def known(self, name: str) -> str | None:
        """The canonical name of a person already seen with this surname, or None.

        Args:
            name: the name as written.
        """
        clean = _clean_name(name)
        return self._canon.get(clean.split()[-1].lower()) if clean else None

    def antecedent(self, pos: int, *, title: str | None = None) -> str | None:
        """The nearest earlier person for a pronoun or description at ``pos``.

        Args:
            pos: character offset of the pronoun or description.
            title: the description's title noun ("senator"), to match against earlier mentions.
        """
        i = bisect_left(self._starts, pos)
        if i == 0:
            return None
        window = self.people[max(0, i - 12): i]
        if title:
            abbr = [k for k, v in _TITLE_ABBR.items() if v == title]
            for _, canon, _, ctx in reversed(window):
                if title in ctx or any(re.search(rf"\b{a}\.?\s", ctx) for a in abbr):
                    return canon
            return None
        for _, canon, subj, _ in reversed(window):
            if subj:
                return canon
        return window[-1][1]


def _is_subject(tok: Token) -> bool:
    """The token is a clause subject, or a name in apposition to one ("Its mayor, Jo Bell, said")."""
    for _ in range(3):
        if tok.dep_ in ("nsubj", "nsubjpass"):
            return True
        if tok.dep_ not in ("appos", "compound", "flat") or tok.head is tok:
            return False
        tok = tok.head
    return False


def _phrase_tokens(head: Token, *, before: int | None = None) -> list[Token]:
    """The head's noun phrase, without relative clauses or appositions after a comma.

    Args:
        head: the phrase's head token.
        before: a token index the phrase stops before (the relative pronoun of "residents who said").
    """
    doc = head.doc
    toks = list(doc[max(head.left_edge.i, head.i - _MAX_PHRASE_TOKENS): min(head.right_edge.i, head.i + 30) + 1])
    # cut at the first comma after the head: what follows is an apposition or a relative clause
    out: list[Token] = []
    for t in toks:
        if t.i > head.i and (t.text in (",", "(", "—", "–", "-") or (before is not None and t.i >= before)):
            break
        out.append(t)
    while out and (out[0].is_punct or out[0].is_space):
        out.pop(0)
    while out and (out[-1].is_punct or out[-1].is_space):
        out.pop()
    if not out:
        return [head]
    if len(out) > _MAX_PHRASE_TOKENS:
        lo = max(0, out.index(head) - 4) if head in out else 0
        out = out[lo: lo + _MAX_PHRASE_TOKENS]
    return out


def is_outlet(head: Token) -> bool:
    """True when the noun phrase headed by ``head`` names a news organisation.

    Args:
        head: head token of the phrase.
    """
    low = head.lower_
    if low in OUTLET_NAMES:
        return True
    if head.ent_type_ in ("ORG", "WORK_OF_ART", "PERSON", "GPE", "NORP") or head.pos_ == "PROPN":
        words = {t.lower_ for t in head.doc[max(head.left_edge.i, head.i - 8): head.i + 1]}
        return bool(words & OUTLET_WORDS) and low not in {"press", "report"} | (
            set() if head.pos_ == "PROPN" else {"news"})
    return low in {"newspaper", "tabloid", "broadcaster", "outlet", "network", "agency"} and any(
        t.pos_ == "PROPN" for t in head.doc[max(head.left_edge.i, head.i - 8): head.i + 8])


def describe(head: Token, resolver: Resolver, *, before: int | None = None) -> Speaker:
    """Resolve the speaker whose mention is headed by ``head``.

    Args:
        head: the head token of the subject (or of the "according to" object).
        resolver: the document's resolver.
        before: a token index the mention stops before (see `_phrase_tokens`).
    """
    doc = head.doc
    if head.ent_type_ == "PERSON":
        ent = next((e for e in doc.ents if e.start <= head.i < e.end), None)
        if ent is not None:
            if head.lower_ in OUTLET_HEADS and head.i == ent.end - 1 and len(ent) > 1:
                # an outlet the tagger took for a person ("Kestrel Wire reported")
                return Speaker(ent.text, (ent.start_char, ent.end_char), outlet=True)
            return Speaker(resolver.canonical(ent.text), (ent.start_char, ent.end_char))
    toks = _phrase_tokens(head, before=before)
    span = (toks[0].idx, toks[-1].idx + len(toks[-1]))
    text = doc[toks[0].i: toks[-1].i + 1].text  # doc.text would join the whole document
    low = head.lower_
    if head.pos_ == "PRON":
        if low in ("he", "she", "him", "her"):
            return Speaker(resolver.antecedent(head.idx), (head.idx, head.idx + len(head)))
        if low == "they":
            group = _plural_speaker_before(head)
            if group is not None:
                # "officials said … With X, they said, …": the same group speaks again
                return dataclasses.replace(describe(group, resolver), span=(head.idx, head.idx + len(head)))
        if low in ("who", "that", "which") and head.head.dep_ == "relcl" and head.head.head.pos_ in ("NOUN", "PROPN"):
            # "two residents who said ...": the pronoun's noun speaks; the span stays on the pronoun
            noun = head.head.head
            while low == "who" and noun.dep_ == "pobj" and noun.head.dep_ == "prep" and noun.head.head.pos_ in (
                    "NOUN", "PROPN"):
                noun = noun.head.head  # "residents of a farm near the scene who": people speak, not scenes
            ante = describe(noun, resolver, before=head.i)
            return dataclasses.replace(ante, span=(head.idx, head.idx + len(head)))
        return Speaker(None, (head.idx, head.idx + len(head)))
    # a named person as apposition: "the spokesman, Josh Smith" / "spokesman Josh Smith"
    for t in doc[head.left_edge.i: min(head.right_edge.i, head.i + 12) + 1]:
        if t.i == head.i or t.dep_ not in ("appos", "compound", "flat"):
            continue
        if t.ent_type_ == "PERSON":
            ent = next((e for e in doc.ents if e.start <= t.i < e.end), None)
            if ent is not None:
                return Speaker(resolver.canonical(ent.text), span)
        if t.pos_ == "PROPN" and t.dep_ == "appos" and head.pos_ == "NOUN":
            # "His counterpart, Jo Bell, said": a name in apposition the tagger did not label a person
            lo = t.i
            while lo > head.i + 1 and doc[lo - 1].pos_ == "PROPN" and doc[lo - 1].head.i == t.i:
                lo -= 1
            written = doc[lo: t.i + 1].text
            if not is_outlet(t) and (t.i > lo or resolver.known(written)):
                return Speaker(resolver.canonical(written), span)
    whose = next((c for c in head.children if c.dep_ == "poss" and c.lower_ == "whose"), None)
    if whose is not None and head.head.dep_ == "relcl" and head.head.head.pos_ in ("NOUN", "PROPN"):
        # "the union, whose chairman said" (and no name given): the chairman of the union, not "whose chairman"
        ante = describe(head.head.head, resolver, before=whose.i)
        if ante.name:
            owner = ante.name[:1].lower() + ante.name[1:] if ante.name.startswith("The ") else ante.name
            rest = doc[whose.i + 1: toks[-1].i + 1].text if toks[-1].i > whose.i else head.text
            return Speaker(f"{rest} of {owner}", span, anonymous=head.lemma_.lower() in ANON_NOUNS,
                           affiliation=ante.name)
    if head.lemma_.lower() in _PARTITIVE:
        # "one of the residents", "two of the officials": the group noun decides
        group = next((o for p in head.children if p.dep_ == "prep" and p.lower_ == "of"
                      for o in p.children if o.dep_ == "pobj"), None)
        if group is not None and group.lemma_.lower() in ANON_NOUNS:
            count = NUMBER_WORDS.get(head.lower_) or (int(head.text) if head.text.isdigit() else None)
            return Speaker(text, span, anonymous=True, count=count, affiliation=_affiliation(group))
    if is_outlet(head):
        return Speaker(text, span, outlet=True)
    if head.pos_ == "PROPN" and all(t.pos_ == "PROPN" or t.is_punct for t in toks):
        known = resolver.known(text)  # a surname the tagger missed as a person ("Lopez said")
        if known:
            return Speaker(known, span)
    lemma = head.lemma_.lower()
    if lemma in ANON_NOUNS and head.ent_type_ not in ("PERSON",) and not any(
        t.pos_ == "PROPN" and t.ent_type_ == "PERSON" for t in toks
    ):
        return Speaker(text, span, anonymous=True, count=_count(head), affiliation=_affiliation(head))
    det = next((c for c in head.children if c.dep_ == "det"), None)
    if det is not None and det.lower_ == "the" and lemma in TITLES | set(_TITLE_ABBR.values()):
        name = resolver.antecedent(head.idx, title=lemma)
        if name:
            return Speaker(name, span)
    return Speaker(text, span)


#: How far back (tokens) a "they" looks for the group that spoke before it.
_THEY_WINDOW = 80


def _plural_speaker_before(they: Token) -> Token | None:
    """The nearest earlier plural subject of a verb of saying, within a few sentences of "they"."""
    doc = they.doc
    for t in reversed(doc[max(0, they.i - _THEY_WINDOW): they.i]):
        if "\n\n" in t.text:
            return None  # a new paragraph's "they" may mean anyone
        if (t.dep_ == "nsubj" and t.tag_ in ("NNS", "NNPS") and t.head.lemma_.lower() in CUE_VERBS
                and t.head.i > t.i):
            return t
    return None


def _count(head: Token) -> int | None:
    for c in head.children:
        if c.dep_ == "nummod":
            if c.text.isdigit():
                return int(c.text)
            if c.lower_ in NUMBER_WORDS:
                return NUMBER_WORDS[c.lower_]
        if c.dep_ == "det" and c.lower_ in NUMBER_WORDS:
            return NUMBER_WORDS[c.lower_]
    if head.tag_ == "NN":
        return 1
    return None


def _affiliation(head: Token) -> str | None:
    mods = [c for c in head.children if c.i < head.i and c.dep_ in ("compound", "amod", "nmod", "poss")
            and (c.ent_type_ in ("NORP", "GPE", "ORG") or c.pos_ == "PROPN")]
    if mods:
        lo = min(m.left_edge.i for m in mods)
        hi = max(m.i for m in mods)
        return head.doc[lo: hi + 1].text
    for c in head.children:
        if c.dep_ == "prep" and c.lower_ in ("at", "from", "of", "in", "within", "inside", "close"):
            for o in c.children:
                if o.dep_ == "pobj" and (o.ent_type_ in ("ORG", "GPE", "NORP") or o.pos_ == "PROPN"):
                    return head.doc[o.left_edge.i: o.i + 1].text
    return None


__all__ = ["Resolver", "Speaker", "describe", "is_outlet"]
