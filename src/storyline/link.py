"""Cross-document claim matching: which claims state the same proposition, and how they relate.

Candidates come from two places, so that neither misses what the other finds: embedding neighbours
(`storyline.ann.similar_pairs` over MiniLM vectors) and lexical blocks (claims sharing a main verb
and subject, or a number). Each candidate pair gets a "same proposition" score: cosine similarity
plus word overlap, shared numbers and agreement on predicate and subject (`proposition_score`).
Pairs above `MATCH_THRESHOLD` from different, independent documents are labelled:

- ``updates``: the same named actor, later, with the opposite polarity (a reversal);
- ``contradicts``: opposite polarity from different outlets about the same time;
- ``corroborates``: the same polarity from independent outlets (copies of one source never
  corroborate each other: documents in one duplicate group count as one source), and the same
  proposition rather than the same topic (`shared_proposition`: a paraphrase, the same action on a
  shared participant, or the same figure of the same thing). The explanation names what is shared.
"""

from __future__ import annotations

import datetime as dt
import re
from array import array
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from storyline.ann import RowFile, iter_similar_pairs, normalise
from storyline.claims import Claim

RelationKind = str

#: Least `proposition_score` for two claims to be about the same proposition. Set on the demo corpus: it
#: is looser than paraphrase (benchmarks/bench_mrpc.py tunes about 1.05 for MRPC paraphrase) because
#: contradicting and updating claims word the proposition differently.
MATCH_THRESHOLD = 0.7
#: Least score for two claims to corroborate each other without sharing a number.
CORROBORATE_THRESHOLD = 0.85
#: Cosine similarity at which two claims match without sharing a verb, subject or number.
STRONG_COSINE = 0.55
#: Least cosine similarity for an embedding neighbour to become a candidate.
CANDIDATE_COSINE = 0.35
#: Least cosine similarity for a pair from a lexical block (shared verb and subject, or number).
BLOCK_COSINE = 0.1
#: Opposite claims further apart than this (days) are a change over time, not a contradiction.
CONTRADICTION_WINDOW_DAYS = 45
#: Lexical blocks larger than this are too common to be informative and are skipped.
MAX_BLOCK = 200
#: Least paraphrase score (cosine + half the word overlap, + 0.15 for a shared number: `proposition_score`
#: without the parse terms) at which two claims agree whatever their parse says. benchmarks/bench_mrpc.py
#: tunes about 1.05 for this score on MRPC paraphrase.
PARAPHRASE_SCORE = 1.05
#: Least cosine similarity for a paraphrase between claims whose verbs name different actions.
PARAPHRASE_COSINE = 0.8

def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_STOP = _wordset(
    "a an the of to in on at for by with from and or but as is are was were be been being has have had it its "
    "this that these those he she they we i you his her their our my your who whom which what when where will "
    "would can could should may might must shall do does did not no never than then there here also about into "
    "over after before said says say told n't 's"
)
#: Verbs too general (or too personal: knowing, wanting) to identify a proposition by themselves.
_LIGHT_VERBS = _wordset("be have say do make go come take get tell add know think want see believe feel hope seem")
#: Verbs whose complement carries the proposition ("preparing plans to send troops", "began filling"): on
#: their own they neither agree nor disagree with another claim's verb.
_CONTROL_VERBS = _wordset(
    "begin start continue prepare plan intend aim try seek decide expect mean need offer threaten promise pledge "
    "vow hope agree refuse fail manage appear")
#: Verbs of news events that report the same action in different words (one class per string).
_PREDICATE_CLASSES = (
    "kill die shoot gun slay murder",
    "wound injure hurt",
    "send deploy dispatch station",
    "patrol police",
    "sign conclude",
    "guarantee commit ensure oblige",
    "cross enter breach",
    "arrest detain",
    "attack strike bomb shell",
    "win beat defeat",
    "rise increase grow climb",
    "fall drop decline decrease",
)
_PREDICATE_CLASS = {verb: line.split()[0] for line in _PREDICATE_CLASSES for verb in line.split()}
_IRREGULAR_FORMS = {"shot": "shoot", "slain": "slay", "sent": "send", "struck": "strike", "won": "win",
                    "beaten": "beat", "rose": "rise", "risen": "rise", "grew": "grow", "grown": "grow", "fell": "fall",
                    "fallen": "fall", "dying": "die"}
#: A claim span opening with one of these is a subordinate clause: its parsed verb is not its main assertion.
_SUBORDINATE = re.compile(r"^\s*(?:once|when|whenever|after|before|if|unless|until|while|because|since|although|"
                          r"though|as soon as|so that)\b", re.I)
#: Object slots that are arguments of the verb (a direct object, or these prepositions); other phrases in
#: the object field (in, on, near, during...) are circumstances that claims may add without disagreeing.
_ARGUMENT_PREPOSITIONS = frozenset({"", "to", "into", "against", "over"})
_PREPOSITIONS = _wordset(
    "to into in on at for with from by of near during since under after before over against across along "
    "alongside through despite according out about around between within without until beside upon behind")
_CLAUSE_OPENERS = _wordset("that which who whom whose how what whether when where why if")
#: A number after one of these refers back to a group ("the two countries") rather than counting it.
_DEFINITE = frozenset({"the", "its", "their", "his", "her", "our", "these", "those", "both", "all", "each"})
_MONTHS = _wordset("january february march april may june july august september october november december "
                   "jan feb mar apr jun jul aug sep sept oct nov dec")
#: Modalities that hedge a figure: a hedged figure corroborates only through a matching action.
_HEDGED = frozenset({"possible", "conditional"})
_PREPOSITION = re.compile(r"\s(?:of|from|in|at|on|for|with|who|which|that)\s")
_COMMITMENTS = frozenset({"ruled_out", "planned", "demanded"})
_WORD = re.compile(r"[a-z0-9]+")
#: Words that date a claim ("in June", "on Tuesday") rather than name who or what it is about.
_TIME_WORDS = _MONTHS | _wordset("monday tuesday wednesday thursday friday saturday sunday today yesterday "
                                 "tomorrow week weeks month months year years day days morning night")
_RELATIVE_PRONOUNS = frozenset({"that", "which", "who"})
#: How often something happens is a figure too: "met twice" and "will meet monthly" state different facts.
_FREQUENCIES = {"once": "1 times", "twice": "2 times", "thrice": "3 times", "daily": "daily", "weekly": "weekly",
                "fortnightly": "fortnightly", "monthly": "monthly", "quarterly": "quarterly", "yearly": "yearly",
                "annually": "yearly"}
_AGENT = re.compile(r"\bby\s+((?:the\s+)?[a-z0-9' -]+)")
_DETERMINERS = frozenset({"a", "an", "the", "its", "their", "his", "her", "our", "this", "these", "those"})
_SMALL_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve"
_NUMBER_WORDS = {w: i for i, w in enumerate(_SMALL_NUMBERS.split()) if i >= 2}
_NUM = re.compile(r"\b\d[\d,.]*\b")
_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True, slots=True)
class Relation:
    """How two claims from different documents relate.

    Args:
        kind: "corroborates", "contradicts" or "updates" (``b`` supersedes ``a``).
        a: id of the first (earlier) claim.
        b: id of the second claim.
        evidence: the two claim texts, then the outlets that carry them.
        explanation: one checkable sentence saying who reported what, when.
        score: the same-proposition score of the pair.
    """

    kind: RelationKind
    a: str
    b: str
    evidence: tuple[str, ...]
    explanation: str
    score: float = 0.0

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form with the bundle's relation fields."""
        return {"kind": self.kind, "a": self.a, "b": self.b, "evidence": list(self.evidence),
                "explanation": self.explanation, "score": round(self.score, 3)}


# Millions of calls over a store's claim pairs, on a vocabulary of some tens of thousands of words.
@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def keywords(text: str) -> frozenset[str]:
    """Content words of a text, lowercased and lightly stemmed.

    Args:
        text: any text.
    """
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


def numbers(text: str) -> frozenset[str]:
    """Numbers a text states, years left out (they date the claim rather than quantify it).

    Args:
        text: any text.
    """
    found = {m.group(0).rstrip(".,").replace(",", "") for m in _NUM.finditer(text)}
    words = _WORD.findall(text.lower())
    found |= {str(_NUMBER_WORDS[w]) for w in words if w in _NUMBER_WORDS}
    found |= {_FREQUENCIES[w] for w in words if w in _FREQUENCIES}
    return frozenset(n for n in found if n and not _YEAR.fullmatch(n))


def _dice(a: frozenset[str], b: frozenset[str]) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def _head(phrase: str | None) -> str | None:
    """Rough head word of a noun phrase: its last content word before any preposition."""
    if not phrase:
        return None
    words = [w for w in _WORD.findall(_PREPOSITION.split(f" {phrase} ")[0].lower()) if w not in _STOP]
    return _stem(words[-1]) if words else None


def proposition_score(
    cosine: float,
    words_a: frozenset[str],
    words_b: frozenset[str],
    *,
    numbers_a: frozenset[str] = frozenset(),
    numbers_b: frozenset[str] = frozenset(),
    same_predicate: bool = False,
    same_subject: bool = False,
) -> float:
    """How strongly two sentences state the same proposition (higher is more).

    Args:
        cosine: cosine similarity of their embeddings.
        words_a: content words of the first (`keywords`).
        words_b: content words of the second.
        numbers_a: numbers of the first (`numbers`).
        numbers_b: numbers of the second.
        same_predicate: both have the same main verb (not a light verb such as "be" or "say").
        same_subject: both have the same subject head word.
    """
    score = cosine + 0.5 * _dice(words_a, words_b)
    if numbers_a & numbers_b:
        score += 0.15
    if same_predicate:
        score += 0.25
    if same_subject:
        score += 0.1
    return score


def quantities(text: str) -> frozenset[tuple[str, frozenset[str]]]:
    """Counted things a text states: each number with the content words it counts ("250", {"arvenian", "soldier"}).

    Numbers that refer back to a known group ("the two countries"), dates ("January 14") and years are
    left out: they count nothing new.

    Args:
        text: any text.
    """
    tokens = _WORD.findall(text.lower().replace(",", ""))
    found = set()
    for n, tok in enumerate(tokens):
        value = tok if tok.isdigit() else str(_NUMBER_WORDS[tok]) if tok in _NUMBER_WORDS else None
        if value is None or _YEAR.fullmatch(value):
            continue
        before = tokens[n - 1] if n else ""
        if before in _DEFINITE or before in _MONTHS:
            continue
        unit: list[str] = []
        for nxt in tokens[n + 1 : n + 6]:
            if nxt in _STOP or len(unit) == 4:
                break
            if not (nxt.isdigit() or nxt in _NUMBER_WORDS):
                unit.append(_stem(nxt))
        if unit:
            found.add((value, frozenset(unit)))
    return frozenset(found)


def _shared_quantity(a: frozenset[tuple[str, frozenset[str]]], b: frozenset[tuple[str, frozenset[str]]]) -> str | None:
    """The first number both count with a common unit word, rendered "250 arvenian soldier", or None."""
    # Both sides in a fixed order: a set's own order changes with each process's string hashing.
    for value, unit in sorted(a, key=lambda q: (q[0], sorted(q[1]))):
        for other, unit_b in sorted(b, key=lambda q: (q[0], sorted(q[1]))):
            if other == value and unit & unit_b:
                return f"{value} {' '.join(sorted(unit & unit_b))}"
    return None


@dataclass(frozen=True, slots=True)
class ClaimParts:
    """The pieces of a claim that the same-proposition decision compares (computed once per claim)."""

    words: frozenset[str]
    numbers: frozenset[str]
    quantities: frozenset[tuple[str, frozenset[str]]]
    predicate: str | None  # lemma of the main verb, None when missing or light
    action: str | None  # its synonym class; None when the verb does not name the proposition by itself
    actions_named: frozenset[str]  # classes of every verb-like word in the text (for claims with no action)
    heads: frozenset[str]  # head words of the subject and object: the participants
    object_head: str | None
    agent_words: frozenset[str]  # content words of a passive agent ("convened by the council")
    relative_subject: str | None  # the noun a relative clause describes ("a track that runs..."), if any
    slot: str | None  # leading preposition of an argument object ("" for a direct object), else None
    slot_words: frozenset[str]
    hedged: bool


def _predicate_class(word: str) -> str:
    return _PREDICATE_CLASS.get(word, word)


def _phrase_head(phrase: str | None) -> str | None:
    """Head word of a subject or object phrase: the last content word before its first preposition or clause.

    Leading prepositions are skipped ("out of the disputed border area" -> "area"); numbers and pronouns
    are not heads.
    """
    tokens = _WORD.findall((phrase or "").lower())
    while tokens and tokens[0] in _PREPOSITIONS:
        tokens.pop(0)
    head = None
    for tok in tokens:
        if tok in _PREPOSITIONS or tok in _CLAUSE_OPENERS:
            break
        if (tok not in _STOP and tok not in _NUMBER_WORDS and tok not in _TIME_WORDS and not tok.isdigit()
                and len(tok) > 1):
            head = _stem(tok)
    return head


def _subject_head(text: str, subject: str | None) -> str | None:
    """Head of a claim's subject; a relative pronoun stands for the noun before it ("a track that runs")."""
    pronoun = (subject or "").strip().lower()
    if pronoun in _RELATIVE_PRONOUNS:
        match = re.search(rf"\b{pronoun}\b", text.lower())
        return _phrase_head(text[: match.start()]) if match else None
    return _phrase_head(subject)


def _verb_forms() -> dict[str, str]:
    """Inflected forms of the classed verbs, as `keywords` leaves them, -> the verb's class."""
    forms: dict[str, str] = {}
    for verb, cls in _PREDICATE_CLASS.items():
        stem = verb[:-1] if verb.endswith("e") else verb
        for form in (verb, verb + "s", verb + "es", stem + "ed", stem + "ing", verb + verb[-1] + "ed",
                     verb + verb[-1] + "ing"):
            forms[form] = forms[_stem(form)] = cls
    for form, verb in _IRREGULAR_FORMS.items():
        forms[form] = _PREDICATE_CLASS[verb]
    return forms


_VERB_FORMS = _verb_forms()


def _actions_named(text: str) -> frozenset[str]:
    """Classes of the verbs a text names; a participle after a determiner is an adjective ("a guaranteed flow")."""
    tokens = _WORD.findall(text.lower())
    named = set()
    for n, tok in enumerate(tokens):
        if tok in _STOP or len(tok) < 2:
            continue
        cls = _VERB_FORMS.get(tok) or _VERB_FORMS.get(_stem(tok))
        if cls is not None and not (n and tokens[n - 1] in _DETERMINERS):
            named.add(cls)
    return frozenset(named)


def claim_parts(c: Claim) -> ClaimParts:
    """What `shared_proposition` compares, for one claim.

    Args:
        c: a claim.
    """
    return _parts(c.text, c.predicate, c.subject, c.object, c.modality)


# Incremental matching compares each new claim with its stored neighbours, and neighbour sets overlap,
# so the same claims are taken apart many times in one run.
@lru_cache(maxsize=16384)
def _parts(text: str, predicate: str | None, subject: str | None, obj: str | None, modality: str) -> ClaimParts:
    words = keywords(text)
    pred = predicate if predicate and predicate not in _LIGHT_VERBS else None
    # A verb parsed inside a subordinate span ("once the accord is signed, by 250 soldiers") or a control
    # verb ("preparing plans to send") does not name what the claim asserts.
    action = None if pred is None or pred in _CONTROL_VERBS or _SUBORDINATE.match(text) else _predicate_class(pred)
    named = _actions_named(text)
    slot, slot_words = None, frozenset[str]()
    first = obj.split()[0] if obj and obj.split() else None
    if first is not None and first not in _CLAUSE_OPENERS:
        lead = first if first in _PREPOSITIONS else ""
        if lead in _ARGUMENT_PREPOSITIONS:
            slot, slot_words = lead, keywords(obj or "")
    subject_head, object_head = _subject_head(text, subject), _phrase_head(obj)
    relative = (subject or "").strip().lower() in _RELATIVE_PRONOUNS
    agent = _AGENT.search(text.lower())
    return ClaimParts(words=words, numbers=numbers(text), quantities=quantities(text), predicate=pred,
                  action=action, actions_named=named | ({_predicate_class(pred)} if pred else frozenset()),
                  heads=frozenset(h for h in (subject_head, object_head) if h),
                  object_head=object_head, agent_words=keywords(agent.group(1)) if agent else frozenset(),
                  relative_subject=subject_head if relative else None,
                  slot=slot, slot_words=slot_words,
                  hedged=modality in _HEDGED)


def shared_proposition(a: ClaimParts, b: ClaimParts, *, cosine: float, score: float) -> str | None:
    """What two claims of the same polarity both state, or None when they only share a topic.

    Three ways to agree, each naming what is shared: the two are paraphrases (`PARAPHRASE_SCORE`); they
    report the same action (one verb class, or a claim with no action of its own naming the other's) on a
    shared participant, without different arguments in one slot ("reopened to cars" / "to pedestrians");
    or they state the same figure of the same thing (250 soldiers), unhedged, without conflicting actions
    ("four miners were killed" / "four miners were rescued").

    Args:
        a: parts of the first claim (`claim_parts`).
        b: parts of the second claim.
        cosine: cosine similarity of their embeddings.
        score: their `proposition_score`.
    """
    shared_num = bool(a.numbers & b.numbers)
    if a.numbers and b.numbers and not shared_num:
        return None  # different figures (55 vs 40 cubic metres) are not the same report
    # Verbs conflict when they name different actions and neither claim also names the other's action
    # ("signed an accord that commits Dravonia to..." names both signing and guaranteeing).
    conflict = (a.action is not None and b.action is not None and a.action != b.action
                and a.action not in b.actions_named and b.action not in a.actions_named)
    paraphrase = cosine + 0.5 * _dice(a.words, b.words) + (0.15 if shared_num else 0.0)
    # Shared words say little when the verbs differ ("miners were killed" / "miners were rescued"):
    # then only close embeddings make a paraphrase.
    if paraphrase >= PARAPHRASE_SCORE and (not conflict or cosine >= PARAPHRASE_COSINE):
        return f"paraphrase, score {paraphrase:.2f}"
    # The same verb agrees even when it is a control verb ("began filling"); the slot check below then
    # compares what follows it.
    same_action = (a.action is not None and a.action == b.action) or (
        a.predicate is not None and a.predicate == b.predicate)
    if a.action is None and b.action is not None:
        same_action = b.action in a.actions_named
    elif b.action is None and a.action is not None:
        same_action = a.action in b.actions_named
    quantity = _shared_quantity(a.quantities, b.quantities)
    if same_action and not conflict:
        participants = (a.heads & b.words) | (b.heads & a.words)
        # A relative clause describes the noun before it: two such clauses agree only about one noun.
        for side, other in ((a, b), (b, a)):
            if side.relative_subject is not None and side.relative_subject not in other.words:
                participants = frozenset()
        # What one side acts on, the other names as the actor ("convened the council" / "talks convened
        # by the council"): same words, different roles.
        for side, other in ((a, b), (b, a)):
            if side.object_head is not None and side.object_head in other.agent_words:
                participants -= {side.object_head}
        # One verb with different arguments in the same slot states different facts.
        slot_clash = (a.predicate == b.predicate and a.slot is not None and a.slot == b.slot
                      and bool(a.slot_words) and bool(b.slot_words) and not a.slot_words & b.slot_words)
        if participants and not slot_clash and (score >= CORROBORATE_THRESHOLD or shared_num):
            verb = a.predicate if a.action is not None or b.action is None else b.predicate
            return f"same action \u201c{verb}\u201d on \u201c{' '.join(sorted(participants)[:3])}\u201d"
    if quantity and not (a.hedged or b.hedged or conflict):
        return f"same figure \u201c{quantity}\u201d"
    return None


def _root(doc: str, duplicate_of: Mapping[str, str]) -> str:
    seen = {doc}
    while doc in duplicate_of and duplicate_of[doc] and duplicate_of[doc] not in seen:
        doc = duplicate_of[doc]
        seen.add(doc)
    return doc


def _outlet_key(outlet: str | None, doc_root: str) -> str:
    if not outlet:
        return f"doc:{doc_root}"
    value = re.sub(r"^the\s+", "", outlet.casefold().strip())
    value = re.sub(r"\.(com|net|org|co\.uk|news|info)$", "", value)
    return re.sub(r"[\W_]+", "", value)


def _same_actor(a: Claim, b: Claim) -> bool:
    if not a.actor or not b.actor:
        return False
    x, y = a.actor.casefold().split(), b.actor.casefold().split()
    return bool(x and y) and (x == y or x[-1] == y[-1])


def _opposite(a: Claim, b: Claim) -> bool:
    return a.polarity != b.polarity


def _quote(text: str, limit: int = 90) -> str:
    text = " ".join(text.split())
    return "\u201c" + (text if len(text) <= limit else text[: limit - 1].rstrip() + "\u2026") + "\u201d"


def _voice(c: Claim) -> str:
    if c.actor:
        return f"{c.actor}: "
    if c.attributed_to:
        return f"{c.attributed_to} (unnamed): "
    return ""


def _explain(kind: str, a: Claim, b: Claim, when_a: dt.date | None, when_b: dt.date | None,
             outlet_a: str | None, outlet_b: str | None, *, basis: str = "") -> str:
    def side(c: Claim, when: dt.date | None, outlet: str | None) -> str:
        day = when.isoformat() if when else "undated"
        return f"{outlet or c.doc} ({day}) reports {_voice(c)}{_quote(c.text)}"

    verb = {"corroborates": "corroborated by", "contradicts": "contradicted by", "updates": "superseded by"}[kind]
    shared = f" (shared: {basis})" if basis else ""
    return f"{side(a, when_a, outlet_a)}; {verb} {side(b, when_b, outlet_b)}{shared}."


def block_keys(text: str, *, predicate: str | None, subject: str | None) -> list[str]:
    """The lexical blocks a claim falls in (see `_block_keys`; a fresh list per call)."""
    return list(_block_keys(text, predicate, subject))


@lru_cache(maxsize=16384)
def _block_keys(text: str, predicate: str | None, subject: str | None) -> tuple[str, ...]:
    """The lexical blocks a claim falls in: its main verb with its subject's head, and each number.

    Args:
        text: the claim text.
        predicate: its main verb lemma.
        subject: its subject phrase.
    """
    keys: list[str] = []
    pred = predicate if predicate and predicate not in _LIGHT_VERBS else None
    subj = _head(subject)
    if pred and subj:
        keys.append(f"ps:{pred}:{subj}")
    keys.extend(f"n:{n}" for n in numbers(text))
    return tuple(keys)


def _block_pairs(claims: Sequence[Claim], vecs: np.ndarray | RowFile) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs (i < j) that share a small lexical block, with their cosine, in the order the blocks are met."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for idx, c in enumerate(claims):
        for key in block_keys(c.text, predicate=c.predicate, subject=c.subject):
            blocks[key].append(idx)
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    out_s: list[np.ndarray] = []
    for members in blocks.values():
        if len(members) < 2 or len(members) > MAX_BLOCK:
            continue
        rows_of = np.asarray(sorted(set(members)))
        block = vecs[rows_of]
        sims = block @ block.T
        # Within a block a weaker embedding agreement is enough to be worth scoring.
        rows, cols = np.nonzero(np.triu(sims >= BLOCK_COSINE, k=1))
        out_i.append(rows_of[rows])
        out_j.append(rows_of[cols])
        out_s.append(sims[rows, cols])
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty.copy(), np.zeros(0, dtype=np.float32)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_s)


def _candidates(claims: Sequence[Claim], vecs: np.ndarray | RowFile, *, k: int,
                focus: np.ndarray | None = None) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Candidate pairs (i < j) with their cosine similarity, as (i, j, cosine) arrays ordered by (i, j):
    embedding neighbours and lexical blocks, each pair once (with the neighbour search's cosine when
    both found it).

    Pairs are made one step of rows at a time (`storyline.ann.iter_similar_pairs`) and handed on in
    batches of about `PAIR_BATCH`, so the candidates of a large corpus (about k per claim) are never
    all held at once.

    Args:
        claims: the claims.
        vecs: their unit embeddings, one row each.
        k: the most embedding neighbours per claim.
        focus: a boolean per claim; when given, only pairs with at least one focused claim are returned.
    """
    n = len(claims)
    bi, bj, bs = _block_pairs(claims, vecs)
    if focus is not None:
        wanted = focus[bi] | focus[bj]
        bi, bj, bs = bi[wanted], bj[wanted], bs[wanted]
    # By first row, stable: within a row the blocks keep the order they were met in.
    order = np.argsort(bi, kind="stable")
    bi, bj, bs = bi[order], bj[order], bs[order]
    keys: list[np.ndarray] = []
    sims: list[np.ndarray] = []
    held = 0
    for lo, hi, ii, jj, ss in iter_similar_pairs(vecs, threshold=CANDIDATE_COSINE, k=k):
        if focus is not None:
            wanted = focus[ii] | focus[jj]
            ii, jj, ss = ii[wanted], jj[wanted], ss[wanted]
        start, stop = np.searchsorted(bi, [lo, hi])
        # Neighbours first: np.unique below keeps each pair's first occurrence.
        keys += [ii.astype(np.int64) * n + jj, bi[start:stop].astype(np.int64) * n + bj[start:stop]]
        sims += [ss, bs[start:stop]]
        held += len(ii) + stop - start
        if held >= PAIR_BATCH or hi == n:
            unique, first = np.unique(np.concatenate(keys), return_index=True)
            if len(unique):
                yield unique // n, unique % n, np.concatenate(sims)[first]
            keys, sims, held = [], [], 0


def original_claims(claims: Sequence[Claim], *, duplicate_of: Mapping[str, str]) -> list[int]:
    """Indices of the claims that count: all but a copy's claims that its original carries word for word.

    Args:
        claims: claims of all documents.
        duplicate_of: document id -> id of the document it copies.
    """
    roots = [_root(c.doc, duplicate_of) for c in claims]
    copied = {root for c, root in zip(claims, roots, strict=True) if c.doc != root}
    source_texts = {(root, _folded(c.text)) for c, root in zip(claims, roots, strict=True)
                    if c.doc == root and root in copied}
    return [i for i, (c, root) in enumerate(zip(claims, roots, strict=True))
            if c.doc == root or (root, _folded(c.text)) not in source_texts]


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


#: Candidate pairs scored together (vectorised) in `match_claims`.
PAIR_BATCH = 65_536


# An incremental run matches overlapping subsets of the store: their claims' words are reused.
_WORD_CACHE = 32768
_cached_keywords = lru_cache(maxsize=_WORD_CACHE)(keywords)
_cached_numbers = lru_cache(maxsize=_WORD_CACHE)(numbers)


class _Lexicon:
    """Per claim, the codes that the cheap tests of `match_claims` compare, for many pairs at once.

    Codes stand for the claim's document group, its main verb and its subject head (-1: none), and
    sparse 0/1 rows its content words and its numbers, so that the first tests and
    `proposition_score` run as array operations over a batch of pairs rather than pair by pair.
    """

    def __init__(self, claims: Sequence[Claim], roots: Sequence[str], preds: Sequence[str | None],
                 subjects: Sequence[str | None]) -> None:
        from scipy.sparse import csr_matrix

        def codes(values: Sequence[str | None]) -> np.ndarray:
            index: dict[str, int] = {}
            return np.asarray([-1 if v is None else index.setdefault(v, len(index)) for v in values], dtype=np.int64)

        def rows(sets: Iterable[frozenset[str]]) -> Any:
            # Streamed into a typed array: the sets of a whole store (280,000 claims) held at once
            # as Python objects came to over 100 MB at the match's peak.
            vocab: dict[str, int] = {}
            indptr = np.zeros(len(claims) + 1, dtype=np.int64)
            indices = array("q")
            for n, words in enumerate(sets):
                indices.extend(vocab.setdefault(w, len(vocab)) for w in words)
                indptr[n + 1] = len(indices)
            # A view of the array: csr_matrix copies the indices anyway (into int32 where they fit).
            column = np.frombuffer(indices, dtype=np.int64)
            data = np.ones(len(column), dtype=np.int32)
            return csr_matrix((data, column, indptr), shape=(len(claims), max(len(vocab), 1)))

        # The caches help an incremental run, whose subsets overlap; a whole store's claims are each
        # seen once, and filling the caches would only hold their last entries after the match.
        small = len(claims) <= _WORD_CACHE
        words_of = _cached_keywords if small else keywords
        numbers_of = _cached_numbers if small else numbers
        self.roots = codes(roots)
        self.preds = codes(preds)
        self.subjects = codes(subjects)
        self.words = rows(words_of(c.text) for c in claims)
        self.numbers = rows(numbers_of(c.text) for c in claims)
        self.word_counts = np.diff(self.words.indptr)
        self.has_numbers = np.diff(self.numbers.indptr) > 0

    @staticmethod
    def _shared(matrix: Any, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """How many columns rows i and j of a 0/1 sparse matrix share, per pair."""
        if not len(i):
            return np.zeros(0, dtype=np.int64)
        return np.asarray(matrix[i].multiply(matrix[j]).sum(axis=1), dtype=np.int64).ravel()

    def score(self, i: np.ndarray, j: np.ndarray, cos: np.ndarray, *, threshold: float) -> tuple[np.ndarray, ...]:
        """The pairs that pass the first tests and reach ``threshold``: (kept, score, same verb, same subject).

        The same arithmetic as `proposition_score`, in the same order, so scores are equal to the bit.

        Args:
            i: first claim of each pair.
            j: second claim of each pair.
            cos: their cosine similarity.
            threshold: least score kept.
        """
        cos = cos.astype(np.float64)
        same_pred = (self.preds[i] >= 0) & (self.preds[i] == self.preds[j])
        same_subj = (self.subjects[i] >= 0) & (self.subjects[i] == self.subjects[j])
        both = self.has_numbers[i] & self.has_numbers[j]
        shared_num = np.zeros(len(i), dtype=bool)
        shared_num[both] = self._shared(self.numbers, i[both], j[both]) > 0
        # Topic overlap alone is not one proposition: ask for a shared verb, subject or number, or close
        # embeddings, before a pair is scored.
        pre = (self.roots[i] != self.roots[j]) & (same_pred | same_subj | shared_num | (cos >= STRONG_COSINE))
        total = self.word_counts[i] + self.word_counts[j]
        inter = np.zeros(len(i), dtype=np.int64)
        inter[pre] = self._shared(self.words, i[pre], j[pre])
        dice = np.zeros(len(i), dtype=np.float64)
        nonempty = pre & (self.word_counts[i] > 0) & (self.word_counts[j] > 0)
        dice[nonempty] = 2 * inter[nonempty] / total[nonempty]
        score = cos + 0.5 * dice
        score = np.where(shared_num, score + 0.15, score)
        score = np.where(same_pred, score + 0.25, score)
        score = np.where(same_subj, score + 0.1, score)
        return pre & (score >= threshold), score, same_pred, same_subj


def match_claims(
    claims: Sequence[Claim],
    *,
    doc_dates: Mapping[str, dt.date | None],
    doc_outlets: Mapping[str, str | None],
    duplicate_of: Mapping[str, str],
    embeddings: np.ndarray | RowFile | None = None,
    threshold: float = MATCH_THRESHOLD,
    k: int = 20,
    focus: Collection[str] | None = None,
) -> list[Relation]:
    """Relations between claims of different documents that state the same proposition, strongest first.

    Arguments as for `iter_relations`, which finds them a batch at a time.
    """
    relations = [r for batch in iter_relations(
        claims, doc_dates=doc_dates, doc_outlets=doc_outlets, duplicate_of=duplicate_of, embeddings=embeddings,
        threshold=threshold, k=k, focus=focus) for r in batch]
    relations.sort(key=lambda r: (-r.score, r.a, r.b))
    return relations


def iter_relations(
    claims: Sequence[Claim],
    *,
    doc_dates: Mapping[str, dt.date | None],
    doc_outlets: Mapping[str, str | None],
    duplicate_of: Mapping[str, str],
    embeddings: np.ndarray | RowFile | None = None,
    threshold: float = MATCH_THRESHOLD,
    k: int = 20,
    focus: Collection[str] | None = None,
) -> Iterator[list[Relation]]:
    """`match_claims`, one batch of candidate pairs at a time, unsorted: a caller can write each batch
    and let it go (a large store has hundreds of thousands of relations).

    Memory beyond the claims and their embeddings stays bounded: candidate pairs are made and scored
    a step of rows at a time. Pass claims without a copy's repeated claims (`original_claims`) and unit
    embeddings, and the embedding matrix is used as it is, not copied.

    Args:
        claims: claims of all documents.
        doc_dates: publication date per document id (None when unknown).
        doc_outlets: outlet name per document id (None when unknown: the document is its own source).
        duplicate_of: document id -> id of the document it copies; a copy group counts as one source.
        embeddings: one row per claim (unit length), in memory or in a `storyline.ann.RowFile` (read a
            tile at a time; it must leave out a copy's repeated claims); computed with
            `storyline.embed.embed` when None.
        threshold: least `proposition_score` for two claims to be about the same proposition.
        k: the most embedding neighbours considered per claim.
        focus: claim ids; when given, only pairs with at least one of them are scored (an
            incremental run keeps the stored result of every other pair).
    """
    items = list(claims)
    if len(items) < 2:
        return
    # A copy's claims that its source also carries word for word are the source's claims.
    keep = original_claims(items, duplicate_of=duplicate_of)
    items = [items[i] for i in keep]
    roots = [_root(c.doc, duplicate_of) for c in items]
    vecs: np.ndarray | RowFile
    if embeddings is None:
        from storyline.embed import embed

        vecs = embed([c.text for c in items])
    elif isinstance(embeddings, RowFile):
        if len(keep) != len(embeddings):
            raise ValueError("a RowFile of embeddings must leave out a copy's repeated claims (see original_claims)")
        vecs = embeddings
    else:
        given = np.asarray(embeddings, dtype=np.float32)
        # Indexing copies; with every claim kept, unit rows serve as they are (a large store's
        # matrix is then held once).
        vecs = normalise(given if len(keep) == len(given) else given[keep], skip_unit=True)
    # Parts are worked out only for claims in a candidate pair (with ``focus``, a few of the subset),
    # and held only in `claim_parts`'s own bounded cache: a second cache here kept up to twice as many
    # (about 2.4 KB each), 40 MB more at a 20,000-document store's peak.
    def part(n: int) -> ClaimParts:
        return claim_parts(items[n])

    outlet_keys: dict[tuple[str | None, str], str] = {}
    outlets = [outlet_keys.setdefault((doc_outlets.get(c.doc), root), _outlet_key(doc_outlets.get(c.doc), root))
               for c, root in zip(items, roots, strict=True)]
    preds = [c.predicate if c.predicate and c.predicate not in _LIGHT_VERBS else None for c in items]
    subjects = [_head(c.subject) for c in items]
    lexicon = _Lexicon(items, roots, preds, subjects)
    focused = None if focus is None else np.asarray([c.id in focus for c in items], dtype=bool)
    for ii, jj, cc in _candidates(items, vecs, k=k, focus=focused):
        relations: list[Relation] = []
        kept, scores, same_preds, same_subjs = lexicon.score(ii, jj, cc, threshold=threshold)
        for n in np.nonzero(kept)[0].tolist():
            i, j, cos, score = int(ii[n]), int(jj[n]), float(cc[n]), float(scores[n])
            same_pred, same_subj = bool(same_preds[n]), bool(same_subjs[n])
            a, b = items[i], items[j]
            if _opposite(a, b):
                basis = (f"same action \u201c{preds[i]}\u201d" if same_pred else
                         f"same subject \u201c{subjects[i]}\u201d" if same_subj else
                         f"same actor \u201c{a.actor}\u201d" if _same_actor(a, b) else None)
                rel = _label(a, b, score, doc_dates, doc_outlets, outlets[i], outlets[j], basis=basis or "")
                # A contradiction is a strong statement: it needs the same verb or subject on both sides.
                if rel is not None and rel.kind == "contradicts" and not (same_pred or same_subj):
                    continue
            else:
                # Agreement is cheap (two texts on one topic agree on much): corroboration needs the same
                # proposition, not only the same topic.
                found = shared_proposition(part(i), part(j), cosine=cos, score=score)
                if found is None:
                    continue
                rel = _label(a, b, score, doc_dates, doc_outlets, outlets[i], outlets[j], basis=found)
            if rel is not None:
                relations.append(rel)
        yield relations


def _label(a: Claim, b: Claim, score: float, doc_dates: Mapping[str, dt.date | None],
           doc_outlets: Mapping[str, str | None], outlet_a: str, outlet_b: str, *, basis: str = "") -> Relation | None:
    """The relation between two matching claims, earlier first, or None when they are not independent."""
    da, db = doc_dates.get(a.doc), doc_dates.get(b.doc)
    if da and db and db < da:
        a, b, da, db, outlet_a, outlet_b = b, a, db, da, outlet_b, outlet_a
    gap = abs((db - da).days) if da and db else None
    if _opposite(a, b):
        if _same_actor(a, b) and gap and {a.modality, b.modality} & _COMMITMENTS:
            kind = "updates"
        elif outlet_a != outlet_b and (gap is None or gap <= CONTRADICTION_WINDOW_DAYS):
            kind = "contradicts"
        else:
            return None
    elif outlet_a != outlet_b:
        kind = "corroborates"
    else:
        return None
    oa, ob = doc_outlets.get(a.doc), doc_outlets.get(b.doc)
    evidence = (a.text, b.text, *(o for o in (oa, ob) if o))
    return Relation(kind=kind, a=a.id, b=b.id, evidence=evidence,
                    explanation=_explain(kind, a, b, da, db, oa, ob, basis=basis), score=score)


def positions(
    claims: Sequence[Claim],
    relations: Sequence[Relation],
    *,
    doc_dates: Mapping[str, dt.date | None] | None = None,
) -> list[dict[str, object]]:
    """Each actor's stated positions on each topic over time, with the changes between them.

    A topic is a group of the actor's claims linked by relations (or one claim on its own when it
    is part of an ``updates`` relation or the actor made several claims linked to it). Only actors
    with at least one related claim are listed.

    Args:
        claims: all claims.
        relations: the relations `match_claims` found.
        doc_dates: publication date per document, used when a claim has no date of its own.
    """
    by_id = {c.id: c for c in claims}
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for r in relations:
        if r.a in by_id and r.b in by_id:
            parent.setdefault(r.a, r.a)
            parent.setdefault(r.b, r.b)
            parent[find(r.a)] = find(r.b)
    groups: dict[tuple[str, str], list[Claim]] = defaultdict(list)
    for cid in parent:
        c = by_id[cid]
        if c.actor:
            groups[(c.actor, find(cid))].append(c)
    return group_positions(groups, [r for r in relations if r.kind == "updates"], doc_dates=doc_dates)


def group_positions(
    groups: Mapping[tuple[str, Any], list[Claim]],
    updates: Sequence[Relation],
    *,
    doc_dates: Mapping[str, dt.date | None] | None = None,
) -> list[dict[str, object]]:
    """`positions` from claims already grouped: one position per (actor, group of related claims).

    Args:
        groups: (actor, group key) -> the actor's claims in that group; the lists are sorted in place.
        updates: the ``updates`` relations among them, in the order `match_claims` returns.
        doc_dates: publication date per document, used when a claim has no date of its own.
    """
    dates = doc_dates or {}

    def when(c: Claim) -> str | None:
        day = dates.get(c.doc)
        return day.isoformat() if day else c.date

    out: list[dict[str, object]] = []
    for (actor, _), members in sorted(groups.items(), key=lambda kv: kv[0][0]):
        members.sort(key=lambda c: (when(c) or "", c.id))
        ids = {c.id for c in members}
        stance_of = {c.id: ("against" if c.polarity == "negated" else "for") for c in members}
        points = [{"date": when(c), "claim": c.id, "doc": c.doc, "stance": stance_of[c.id]} for c in members]
        by_id = {c.id: c for c in members}
        changes = [{"from": r.a, "to": r.b, "date": when(by_id[r.b]), "explanation": r.explanation}
                   for r in updates if r.a in ids and r.b in ids]
        topic = min(members, key=lambda c: len(c.statement)).statement
        out.append({"actor": actor, "topic": topic, "points": points, "changes": changes})
    return out
