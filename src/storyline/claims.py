"""Claim extraction: checkable propositions, who makes them, with polarity, modality and a date.

Claims come from two places: attributed statements (the quotes `storyline.extract_quotes` finds)
and the reporter's own assertions (sentences outside any quote). Each claim is one sentence of
content, so a long quote yields several claims. Sentences that state actions, numbers or
commitments score above colour and scene-setting (``checkworthiness``); reporter sentences below
`MIN_CHECKWORTHY` are dropped. Rule based over the spaCy parse from `storyline.nlp.get_nlp`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from storyline.records import Quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

Polarity = Literal["affirmed", "negated"]
Modality = Literal["asserted", "planned", "possible", "conditional", "demanded", "ruled_out"]

#: Reporter sentences scoring below this are colour, not claims.
MIN_CHECKWORTHY = 0.35
#: Quote sentences scoring below this are dropped (greetings, one-word fragments).
MIN_QUOTE_CHECKWORTHY = 0.2

_QUOTE_CHARS = "\"\u201c\u201d"
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{3,}?)[\"\u201d]")
_NUMBER = re.compile(r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
                     r"thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|billion|dozens?)\b", re.I)
_RULED_OUT = re.compile(r"\b(?:ruled? out|ruling out|refus(?:e|ed|es|ing) to|declin(?:e|ed|es|ing) to|"
                        r"rejects?|rejected|denie[sd]|deny|will not|won't|would not|wouldn't|shall not|"
                        r"no (?:boots|troops|soldiers?|plans?) )", re.I)
_NEG_WORDS = {"not", "n't", "never", "no", "nobody", "nothing", "none", "neither", "nor", "without"}
_NEG_VERBS = {"refuse", "deny", "reject", "decline", "rule"}
_PLAN = re.compile(r"\b(?:will|shall|'ll|is to|are to|going to|plans? to|planning to|planned|preparing|prepares?|"
                   r"due to|scheduled|intends? to|set to|expected to|pledged?|promised?|vowed?|announced?)\b", re.I)
_POSSIBLE = re.compile(r"\b(?:may|might|could|possibly|perhaps|likely|weighs?|weighing|consider(?:s|ing)?|"
                       r"reportedly|allegedly|probably)\b", re.I)
_DEMAND = re.compile(r"\b(?:must|should|ought to|ha(?:ve|s|d) to|demand(?:s|ed)?|urge[sd]?|call(?:s|ed)? (?:on|for)|"
                     r"insists? that)\b", re.I)
_CONDITIONAL = re.compile(r"^\s*(?:if|unless|provided that|as long as)\b|\b(?:if|unless)\b", re.I)
_CUE_MODALITY = {"promise": "planned", "warn": "possible", "urge": "demanded", "demand": "demanded",
                 "deny": "asserted"}
_ACTION_POS = {"VERB"}
_FIRST_PERSON = re.compile(r"^(?:we|i|our|my)\b", re.I)
_JUNK = re.compile(r"^\s*(?:\[|image:|photo:|read more|related|get the|sign up|support |comments are|follow us|share)",
                   re.I)
#: Indirect questions state nothing ("how much water will come", "whether the logs would be shared").
_QUESTION = re.compile(r"^\s*(?:how|whether|which|what|why|who|when|where|on which|in which)\b", re.I)


@dataclass(slots=True)
class Claim:
    """One checkable proposition found in a document.

    Args:
        id: stable id (hash of the document id and the span offsets).
        doc: id of the document it was found in.
        actor: who makes the claim: the speaker of a quote, or None for the reporter's own voice.
        actor_entity: entity id of the actor, filled in by entity linking.
        statement: short normalised proposition (lowercased, quotes and attribution removed).
        text: the evidence span, equal to the document text ``[start:end]``.
        polarity: "affirmed" or "negated".
        modality: "asserted", "planned", "possible", "conditional", "demanded" or "ruled_out".
        attributed_to: the unnamed source's description when the speaker is anonymous.
        via: who relayed the statement, nearest first.
        date: the day the claimed event happens or is said (ISO), or None.
        start: start offset in the document text.
        end: end offset in the document text.
        predicate: lemma of the main verb ("send", "kill").
        object: the main verb's object or complement phrase, lowercased.
        subject: the main verb's subject phrase, lowercased.
        numbers: numbers the claim states, normalised ("250", "40").
        checkworthiness: how much the sentence is a checkable claim rather than colour, in [0, 1].
        source: "quote" for attributed statements, "reporter" for the document's own voice.
    """

    id: str
    doc: str
    actor: str | None
    statement: str
    text: str
    polarity: Polarity
    modality: Modality
    start: int
    end: int
    actor_entity: str | None = None
    attributed_to: str | None = None
    via: tuple[str, ...] = ()
    date: str | None = None
    predicate: str | None = None
    object: str | None = None
    subject: str | None = None
    numbers: tuple[str, ...] = ()
    checkworthiness: float = 0.0
    source: str = "reporter"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form with the bundle's claim fields (and the extra analysis fields)."""
        return {
            "id": self.id, "doc": self.doc, "actor": self.actor, "actor_entity": self.actor_entity,
            "statement": self.statement, "text": self.text, "polarity": self.polarity,
            "modality": self.modality, "attributed_to": self.attributed_to, "via": list(self.via),
            "date": self.date, "start": self.start, "end": self.end, "predicate": self.predicate,
            "object": self.object, "checkworthiness": round(self.checkworthiness, 3),
        }


def claim_id(doc_id: str, start: int, end: int) -> str:
    """Stable claim id for a span of a document.

    Args:
        doc_id: the document id.
        start: span start offset.
        end: span end offset.
    """
    digest = hashlib.sha1(f"{doc_id}\x00{start}\x00{end}".encode()).hexdigest()[:12]
    return f"c{digest}"


def extract_claims(
    text: str,
    *,
    doc_id: str,
    published: dt.date | None = None,
    quotes: Sequence[Quote] | None = None,
    doc: Doc | None = None,
) -> list[Claim]:
    """Claims in ``text``: attributed statements and the reporter's own checkable assertions.

    Args:
        text: the cleaned article body.
        doc_id: id of the document (for claim ids and the ``doc`` field).
        published: publication date; relative dates ("on Tuesday") resolve against it.
        quotes: the document's quotes; found with `storyline.extract_quotes` when None.
        doc: a spaCy parse of ``text`` to reuse; parsed here when None.
    """
    if not text or not text.strip():
        return []
    if doc is None:
        from storyline.nlp import get_nlp

        doc = get_nlp()(text)
    if quotes is None:
        from storyline.attribute import extract_quotes

        quotes = extract_quotes(text, published)
    times = _day_times(text, published)
    claims: list[Claim] = []
    covered = bytearray(len(text))
    for q in quotes:
        for s, e in _content_segments(text, q):
            for s2, e2 in _split_sentences(doc, text, s, e):
                covered[s2:e2] = b"\x01" * (e2 - s2)
                for s3, e3, head in _clauses(doc, text, s2, e2):
                    claim = _make_claim(doc, text, s3, e3, doc_id=doc_id, published=published, times=times,
                                        quote=q, head=head)
                    if claim is not None and claim.checkworthiness >= MIN_QUOTE_CHECKWORTHY:
                        claims.append(claim)
        covered[q.start:q.end] = b"\x01" * (q.end - q.start)
    for s, e in _split_sentences(doc, text, 0, len(text)):
        if e - s < 12 or sum(covered[s:e]) > 0.3 * (e - s):
            continue
        for s3, e3, head in _clauses(doc, text, s, e):
            claim = _make_claim(doc, text, s3, e3, doc_id=doc_id, published=published, times=times, quote=None,
                                head=head)
            if claim is not None and claim.checkworthiness >= MIN_CHECKWORTHY:
                claims.append(claim)
    claims.sort(key=lambda c: (c.start, c.end))
    unique: dict[str, Claim] = {}
    for c in claims:
        unique.setdefault(c.id, c)
    return list(unique.values())


def _day_times(text: str, published: dt.date | None) -> list[tuple[int, int, dt.date]]:
    """Day-resolved time expressions of the text as (start, end, day)."""
    from storyline.timex import find_times

    out: list[tuple[int, int, dt.date]] = []
    for t in find_times(text, published):
        if t.value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", t.value):
            try:
                out.append((t.start, t.end, dt.date.fromisoformat(t.value)))
            except ValueError:
                continue
    return out


def _content_segments(text: str, q: Quote) -> list[tuple[int, int]]:
    """The spans of a quote that carry its content: quoted parts for direct quotes, else the whole."""
    if q.direct:
        parts = [(q.start + m.start(1), q.start + m.end(1)) for m in _QUOTED.finditer(text[q.start:q.end])]
        if parts:
            return parts
    return [_trim(text, q.start, q.end)]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Shrink a span past whitespace, quote marks and trailing commas."""
    strip = " \t\n\r" + _QUOTE_CHARS + ",;:"
    while start < end and text[start] in strip:
        start += 1
    # Indirect speech: "said that X" carries X.
    if text.startswith("that ", start) and end - start > 10:
        start += 5
    while end > start and (text[end - 1] in strip or text[end - 1] == "."):
        end -= 1
    return start, end


def _split_sentences(doc: Doc, text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The sentence pieces of ``[start, end)`` according to the parse (``text`` is ``doc.text``)."""
    out: list[tuple[int, int]] = []
    for sent in doc.sents:
        if sent.end_char <= start or sent.start_char >= end:
            continue
        out.extend(_lines(text, max(start, sent.start_char), min(end, sent.end_char)))
    return out


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Trimmed pieces of a span cut at line breaks (a headline is not part of the next sentence)."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in re.finditer(r"\n+", text[start:end]):
        out.append(_trim(text, pos, start + m.start()))
        pos = start + m.end()
    out.append(_trim(text, pos, end))
    return [(s, e) for s, e in out if e - s >= 8]


_CLAUSE_DEPS = {"conj", "advcl", "relcl", "acl", "ccomp", "parataxis"}
_EDGE_WORDS = {"and", "but", "or", "while", "when", "as", "after", "before", "because", "which", "who", "where",
               "although", "though", "since", "until", "if", "whereas"}


def _clauses(doc: Doc, text: str, start: int, end: int) -> list[tuple[int, int, Token | None]]:
    """Verb-headed clauses of a sentence piece as (start, end, head); the whole piece when it has one.

    Coordinated and subordinate clauses carry their own propositions ("three officers were killed
    and two wounded"); a participle or relative clause takes its antecedent noun phrase along so
    that it still names what it is about.
    """
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return [(start, end, None)]
    root = _root(span)
    lo, hi = span.start, span.end
    heads = {root.i}
    for t in span:
        if t.i != root.i and t.dep_ in _CLAUSE_DEPS and t.pos_ in ("VERB", "AUX") and lo <= t.head.i < hi:
            heads.add(t.i)
    if len(heads) == 1:
        return [(start, end, root)]
    members: dict[int, list[int]] = {h: [] for h in heads}
    for t in span:
        a = t
        while a.i not in heads and lo <= a.head.i < hi and a.head.i != a.i:
            a = a.head
        members.setdefault(a.i if a.i in heads else root.i, []).append(t.i)
    # A clause too short to say anything on its own ("the accord allowed") is folded into the clause
    # it governs or the one that governs it, so "the accord allowed Dravonia to reduce ..." stays whole.
    for h in sorted(members, key=lambda x: len(members[x])):
        if h not in members or len(members) == 1 or len(members[h]) >= 4:
            continue
        parent = doc[h].head
        while parent.i not in members and lo <= parent.head.i < hi and parent.head.i != parent.i:
            parent = parent.head
        if parent.i in members and parent.i != h:
            target = parent.i
        else:
            kids = [k for k in members if k != h and doc[k].head.i == h]
            if not kids:
                continue
            # The short clause keeps the head: its verb and subject say who claims what.
            kid = max(kids, key=lambda k: len(members[k]))
            members[h].extend(members.pop(kid))
            continue
        members[target].extend(members.pop(h))
    out: list[tuple[int, int, Token | None]] = []
    for h, idx in members.items():
        if not idx:
            continue
        head = doc[h]
        first, last = min(idx), max(idx)
        if head.dep_ in ("acl", "relcl") and lo <= head.head.i < first:
            first = max(lo, head.head.left_edge.i)
        while first < last and (doc[first].is_punct or doc[first].lower_ in _EDGE_WORDS):
            first += 1
        while last > first and (doc[last].is_punct or doc[last].lower_ in _EDGE_WORDS):
            last -= 1
        nominal = any(doc[i].pos_ in ("NOUN", "PROPN", "NUM", "PRON") for i in range(first, last + 1))
        if last - first + 1 < 4 or not nominal:
            continue
        s, e = _trim(text, doc[first].idx, doc[last].idx + len(doc[last]))
        out.append((s, e, head))
    return out or [(start, end, root)]


def _root(span: Span) -> Token:
    """The syntactic head of a span (the token whose head lies outside it, preferring verbs)."""
    heads = [t for t in span if t.head.i < span.start or t.head.i >= span.end or t.head.i == t.i]
    verbs = [t for t in heads if t.pos_ in ("VERB", "AUX")]
    return (verbs or heads or [span[0]])[0]


def _phrase(tok: Token) -> str:
    """Lowercased subtree text of a token, capped in length."""
    words = [t.text for t in tok.subtree][:12]
    return " ".join(words).lower()


def _clause_negated(verb: Token) -> bool:
    """A negation word in the verb's own clause (not inside a subordinate or relative clause)."""
    stack = [verb]
    while stack:
        tok = stack.pop()
        for c in tok.children:
            if c.dep_ in ("relcl", "advcl", "ccomp", "acl", "csubj", "conj", "xcomp", "parataxis", "mark"):
                continue
            if c.lower_ in _NEG_WORDS and c.lower_ not in ("without", "nor"):
                return True
            stack.append(c)
    return False


def _negated(root: Token, span: Span) -> tuple[bool, bool]:
    """(negated, ruled_out) for the clause headed by ``root``."""
    verbs = [root] + [c for c in root.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ in _ACTION_POS]
    neg = any(_clause_negated(v) for v in verbs[:2])
    lemma = root.lemma_.lower()
    ruled = lemma in _NEG_VERBS and (lemma != "rule" or any(c.lower_ == "out" for c in root.children))
    if ruled:
        neg = True
    return neg, ruled or (neg and bool(_RULED_OUT.search(span.text)) and bool(_PLAN.search(span.text)))


def _modality(span_text: str, negated: bool, ruled_out: bool, quote: Quote | None) -> Modality:
    if ruled_out or (negated and re.search(r"\b(?:will|won't|shall|would) not\b|\bwon't\b", span_text, re.I)):
        return "ruled_out"
    if _DEMAND.search(span_text) or (quote is not None and quote.cue_class in ("urge", "demand")):
        return "demanded"
    if _CONDITIONAL.search(span_text) and not _PLAN.search(span_text.split(" if ")[0]):
        return "conditional"
    if _POSSIBLE.search(span_text) or (quote is not None and quote.hedged):
        return "possible"
    if _PLAN.search(span_text) or (quote is not None and quote.cue_class == "promise"):
        # An unconfirmed plan from an unnamed source is only a possibility.
        return "possible" if quote is not None and quote.anonymous else "planned"
    if quote is not None and quote.anonymous:
        return "possible"
    return "asserted"


_CHECKABLE_LABELS = frozenset({"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "EVENT", "LAW"})


def _entity_count(span: Span) -> int:
    """Named entities of the checkable kinds lying wholly inside ``span``.

    Same count as filtering ``span.ents``, which would walk every entity of the document.
    """
    doc = span.doc
    n = 0
    for tok in span:
        if tok.ent_iob_ != "B" or tok.ent_type_ not in _CHECKABLE_LABELS:
            continue
        end = tok.i + 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        n += end <= span.end
    return n


def _checkworthiness(span: Span, *, quoted: bool) -> float:
    """How much a sentence is a checkable claim: actions, numbers, names and commitments score."""
    text = span.text
    if _JUNK.match(text) or _QUESTION.match(text) or text.rstrip().endswith("?"):
        return 0.0
    score = 0.15
    if _NUMBER.search(text):
        score += 0.2
    score += min(0.25, 0.1 * _entity_count(span))
    verbs = [t for t in span if t.pos_ == "VERB"]
    if verbs:
        score += 0.15
    if _PLAN.search(text) or _RULED_OUT.search(text):
        score += 0.15
    if any(t.ent_type_ in ("DATE", "TIME", "CARDINAL", "QUANTITY", "MONEY", "PERCENT") for t in span):
        score += 0.1
    # Colour: first-person feelings, adjectives without facts.
    adj = sum(1 for t in span if t.pos_ == "ADJ")
    if len(span) and adj / len(span) > 0.2:
        score -= 0.1
    if quoted and _FIRST_PERSON.match(text) and not (_PLAN.search(text) or _RULED_OUT.search(text)):
        score -= 0.05
    if len(span) < 5:
        score -= 0.2
    return max(0.0, min(1.0, score))


def _numbers(text: str) -> tuple[str, ...]:
    return tuple(sorted({m.group(0).replace(",", "").lower() for m in re.finditer(r"\b\d[\d,.]*\b", text)}))


def _statement(text: str, actor: str | None) -> str:
    """A short normalised proposition: quotes dropped, first person replaced by the actor."""
    value = re.sub(f"[{_QUOTE_CHARS}\u2018\u2019]", "", text).strip().rstrip(".")
    if actor and _FIRST_PERSON.match(value):
        value = _FIRST_PERSON.sub(actor, value, count=1)
    words = value.split()
    return " ".join(words[:30]).lower()


def _make_claim(
    doc: Doc,
    text: str,
    start: int,
    end: int,
    *,
    doc_id: str,
    published: dt.date | None,
    times: list[tuple[int, int, dt.date]],
    quote: Quote | None,
    head: Token | None = None,
) -> Claim | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    start, end = _trim(text, span.start_char, span.end_char)
    if end - start < 8:
        return None
    root = head if head is not None and span.start <= head.i < span.end else _root(span)
    negated, ruled_out = _negated(root, span)
    body = text[start:end]
    if quote is not None and quote.cue_class == "deny" and not negated:
        negated = True
    if quote is not None and quote.cue_class == "rule_out":
        # "X ruled out deploying troops": the content is what X says will not happen.
        negated = ruled_out = True
    modality = _modality(body, negated, ruled_out, quote)
    subj = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    obj = next((c for c in root.children if c.dep_ in ("dobj", "attr", "xcomp", "prep", "acomp", "ccomp")), None)
    day = next((d for s, e, d in times if start <= s < end), None) or published
    actor = quote.speaker if quote is not None else None
    attributed = None
    if quote is not None and (quote.anonymous or quote.speaker is None) and quote.affiliation:
        attributed = quote.affiliation
    if quote is not None and quote.anonymous and attributed is None:
        attributed = quote.speaker
        actor = None
    return Claim(
        id=claim_id(doc_id, start, end),
        doc=doc_id,
        actor=actor,
        statement=_statement(body, actor),
        text=body,
        polarity="negated" if negated else "affirmed",
        modality=modality,
        start=start,
        end=end,
        attributed_to=attributed,
        via=quote.via if quote is not None else (),
        date=day.isoformat() if day else None,
        predicate=root.lemma_.lower() if root.pos_ in ("VERB", "AUX") else None,
        object=_phrase(obj) if obj is not None else None,
        subject=_phrase(subj) if subj is not None else None,
        numbers=_numbers(body),
        checkworthiness=_checkworthiness(span, quoted=quote is not None),
        source="quote" if quote is not None else "reporter",
    )
