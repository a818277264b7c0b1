"""Rule-based attribution over a spaCy parse: direct quotes, indirect speech, "according to", colons.

The rules run in order of confidence and never reuse a cue: direct quotes next to a cue first
(merged with their continuation quotes), then colon-introduced statements ("Name: ..."), then
clausal complements of cue verbs, then "according to", then whole-paragraph quotes with no cue,
then sentences closed by a cue clause the parser left unattached ("..., he said."), then
opinion/evaluation verbs. A candidate that mostly overlaps an earlier one is dropped.
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span, Token

from storyline.attribute_lexicon import BELIEF_VERBS, CLAUSE_ONLY, CUE_VERBS, HEDGE_WORDS
from storyline.attribute_model import NESTABLE_RULES
from storyline.attribute_quotes import QuoteSpan, scan_quotes
from storyline.attribute_speakers import Resolver, Speaker, describe, is_outlet
from storyline.nlp import HEADLINE_CHARS
from storyline.records import Quote

_TRIM = " \t\r\n,;:.—–-"
_CLOSERS = "”\"’'»“"
_SUBJ = ("nsubj", "nsubjpass")
_AFTER_WINDOW = 24
_MAX_PARAGRAPHS = 3
#: Labels before a colon that introduce no speaker's words.
_COLON_LABELS = frozenset({"q", "question", "twitter", "facebook", "email", "e-mail", "photo", "source", "update",
                           "note", "editor", "follow", "contact", "read", "watch", "related", "video",
                           # kicker labels of headlines and alerts
                           "breaking", "exclusive", "correction", "clarification", "look", "listen", "wow", "boom",
                           "bombshell", "developing", "alert", "live", "opinion", "analysis", "editorial",
                           "explainer", "podcast", "photos", "gallery", "transcript", "sponsored", "advertisement"})
#: Cue classes whose content may be an infinitive ("promised to...", "asked them to...").
_XCOMP_CLASSES = frozenset({"promise", "warn", "deny", "suggest", "ask"})
_ORPHAN_WORDS = 4
#: How far into a paragraph a speaker's colon may come (long kickers: "Headline - Jo Bell: ...").
_COLON_REACH = 160
#: Dashes that end a kicker before a speaker label ("Polls tighten - Jo Bell: ...").
_KICKER_DASH = re.compile(r"\s[-–—]+\s?(?=\S)")
#: Indirect content shorter than this many words is an object, not a statement ("denied it").
_MIN_WORDS = 3
#: Words the content must still have after a parenthetical cue to continue past it.
_TAIL_WORDS = 3
#: Upper bound on tokens scanned per candidate, so run-on sentences stay linear.
_MAX_SCAN = 60
#: Ancestors looked at to tell whether a word sits in a comma-delimited aside.
_ASIDE_DEPTH = 4
#: Parts of speech of a speaker's name phrase ("the party's chief whip Jo Bell").
_NAME_POS = frozenset({"PROPN", "NOUN", "PRON", "DET", "ADJ", "NUM", "PART"})
_BEFORE_WINDOW = 9
# Tokens after a cue within which a misattached "that" clause is looked for ("said on Friday during a
# news conference that ...").
_THAT_REACH = 12
# Nouns that report a statement in a "that" clause ("the claim that …", "reports that …").
_NOUN_CUES = frozenset({"claim", "allegation", "assertion", "report", "statement", "warning", "promise", "pledge",
                        "denial", "accusation", "suggestion", "insistence", "admission", "announcement", "argument",
                        "contention", "charge"})
_NOUN_THAT_REACH = 8
# Reporting nouns whose content may be an infinitive ("his promise to build a wall", "her claim to be
# the strongest candidate").
_NOUN_TO_CUES = frozenset({"claim", "promise", "pledge", "vow"})
# Nouns for an outlet's piece: "according to a Reuters report" is according to Reuters.
_REPORT_NOUNS = frozenset({"report", "story", "article", "analysis", "investigation", "interview", "review",
                           "survey", "poll", "count", "tally", "estimate", "broadcast", "piece"})
# A headline that reports a statement: "Brandt says cut fares to save the ferry".
_HEADLINE_SAYS = re.compile(
    r"(?P<who>[A-Z][\w.'’\- ]{0,60}?)\s+(?P<cue>says|say|tells|warns|claims|insists|vows|urges|admits|denies)"
    r"\s+(?P<what>\S.*)"
)
_HEADLINE_WHO_WORDS = 6
# Words a lower-case quotation after its cue needs, with a full stop, to count as a statement.
_STATEMENT_WORDS = 5
# A quotation of at most this many words, all capitalised but the small ones, reads as a title.
_TITLE_WORDS = 6
_TITLE_SMALL_WORDS = frozenset({"a", "an", "the", "of", "and", "or", "in", "on", "at", "to", "for", "with", "by"})
#: Longest speaker phrase after an inverted cue ("said the company's chief executive").
_INVERTED_WORDS = 6
#: Tokens a trailing cue clause may span after the cue ("..., he said in a follow-up interview.").
_TRAIL_AFTER = 14
_VERB_POS = ("VERB", "AUX")
#: Cue lemmas that after "as" mean "while" ("as talks continue", "as he spoke"), not "as X said".
_WHILE_VERBS = frozenset({"continue", "speak", "talk", "testify", "proceed", "go"})
#: Cue verbs whose direct object is an addressee or a topic, not the content.
_NO_OBJECT_SPEAKER = frozenset({"tell", "ask", "warn", "urge", "remind", "assure", "inform", "promise"})
#: One-word answers that are what was said ("said no").
_ANSWERS = frozenset({"no", "yes", "nothing", "so"})
#: Words a quotation split off by a long attribution needs to stand as a statement of its own
#: (chosen on PolNeAR train: shorter parts were mostly fragments such as "The risk,").
_PART_WORDS = 10
#: Cues whose object is who heard the words ("told The Post"), not what was said.
_ADDRESSEE_OBJECT = frozenset({"tell", "inform", "assure", "remind", "notify"})
#: Cue verbs that, before a gerund, say how long something went on ("continued creating accounts").
_ASPECTUAL = frozenset({"continue", "keep", "start", "begin", "stop", "resume"})
#: Cues whose object is the person addressed when a topic follows ("asked Bennett about it").
_ASK_WHOM = frozenset({"ask", "question", "press", "quiz", "tell", "warn", "brief"})
_NO_OBJECT = frozenset({"tell", "ask", "answer", "question", "post", "write", "continue", "add", "say", "state"})
#: Prepositions introducing what a statement is about ("asked about", "warned of", "responded to").
_TOPIC_PREPS = frozenset({"about", "of", "on", "to", "for", "against"})
#: Verbs of talk whose words a quotation after "of"/"about" gives ('speaks of "narrowing gaps"').
_TALK_OF = frozenset({"speak", "talk", "warn", "write", "boast", "brag", "complain", "joke", "rail", "muse",
                      "tweet", "rave", "gush"})
#: Subordinators of an embedded question ("asked whether ...").
_QUESTION_MARKS = frozenset({"if", "whether"})


@dataclass(slots=True)
class _Cand:
    start: int
    end: int
    cue: Token | None
    cue_text: str | None
    speaker: Speaker | None
    direct: bool
    via: list[str] = field(default_factory=list)
    hedged: bool = False
    cue_class: str | None = None
    rule: str = ""
    comp: str = ""


class _Index:
    """Character-to-token lookups for one document."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.starts = [t.idx for t in doc]

    def first_at(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos``."""
        return bisect_left(self.starts, pos)

    def last_before(self, pos: int) -> int:
        """Index of the last token ending at or before ``pos`` (-1 when none)."""
        i = bisect_left(self.starts, pos) - 1
        while i >= 0 and self.doc[i].idx + len(self.doc[i]) > pos:
            i -= 1
        return i


def _is_cue(tok: Token) -> bool:
    return tok.pos_ in _VERB_POS and tok.lemma_.lower() in CUE_VERBS and tok.dep_ != "amod"


#: Verbs whose participle names the source an outlet relays ("citing two officials", "quoting aides").
_RELAY_VERBS = frozenset({"cite", "quote"})
#: Punctuation that ends the cue clause between two parts of one quotation ('“A,” he said, “B.”').
_GAP_CLOSERS = frozenset(",:;.!?—–-")
#: Parts of speech that may come before a leading "according to" ("But, according to ...").
_LEAD_POS = frozenset({"CCONJ", "PUNCT", "ADV", "SCONJ"})


def _closes_a_statement(cue: Token) -> bool:
    """Whether an addressee cue ends a sentence after a comma ("…, his aide, Jo Bell, told The Post")."""
    if cue.lemma_.lower() not in _ADDRESSEE_OBJECT:
        return False
    subj = next((c for c in cue.children if c.dep_ in _SUBJ and c.i < cue.i), None)
    if subj is None:
        return False
    k = subj.left_edge.i - 1
    return k >= 4 and cue.doc[k].text == "," and not any(c.dep_ == "ccomp" for c in cue.children)


def _fronted_as_clause(cue: Token) -> bool:
    """Whether ``cue`` heads an "as" clause before its main clause ("As she answered questions, …").

    Such a clause tells when the main clause happened; its object is not a statement.

    Args:
        cue: the cue verb.
    """
    return (cue.dep_ == "advcl" and cue.i < cue.head.i
            and any(m.dep_ == "mark" and m.lower_ == "as" for m in cue.children))


def _hearer(cue: Token) -> bool:
    """Whether the object of a cue is who heard the words in a cue clause set off inside a sentence
    ("Instead, Brandt told the Herald, his plan …"): the sentence around it is the statement.

    Elsewhere the learned filter may still extend "told Jo" over the words that follow the name.
    """
    return cue.lemma_.lower() in _ADDRESSEE_OBJECT and cue.dep_ == "parataxis"


def _set_off_mid_clause(doc: Doc, lo: int, hi: int, sent_end: int) -> bool:
    """Whether tokens ``lo..hi`` sit between commas inside a clause whose verb comes after them."""
    if lo < 1 or hi + 2 > sent_end or doc[lo - 1].text != "," or doc[hi + 1].text != ",":
        return False
    # A verb after the phrase heads the clause: its head lies outside that part, or it is the root.
    heads = [t for t in doc[hi + 2: sent_end + 1]
             if t.pos_ in _VERB_POS and (t.head.i == t.i or not hi + 2 <= t.head.i <= sent_end)]
    if not heads:
        return False
    # The clause begins before the phrase when a word there depends on that verb ("Fundraising,
    # according to X, has surged"); a clause that only hangs on a verb before the phrase ("… by 20
    # points, according to X, even as others drifted away") is an aside after the statement.
    begins_before = any(t.head.i != t.i and t.head in heads for t in doc[max(0, lo - _MAX_SCAN): lo - 1])
    return begins_before or any(t.head.i == t.i for t in heads)


def _set_off_cue_sentence(cue: Token) -> tuple[int, int] | None:
    """The sentence around a cue clause set off by commas in its middle ("X, she said, did Y").

    Returns its character span, or None when the cue is not between two commas inside a sentence
    with words on both sides.
    """
    doc = cue.doc
    subj = next((c for c in cue.children if c.dep_ in _SUBJ and c.i < cue.i), None)
    addressee = cue.lemma_.lower() in _ADDRESSEE_OBJECT  # ", the aide told The Post, ..."
    after = [c for c in cue.children if c.i > cue.i and c.dep_ != "punct"]
    if subj is None or any(c.dep_ not in ("npadvmod", "advmod") and not (addressee and c.dep_ == "dobj")
                           for c in after):
        return None
    lo, hi = subj.left_edge.i, max([cue.i, *(c.right_edge.i for c in after)])
    sent = _window(cue, _MAX_SCAN)
    s_lo, s_hi = sent[0].i, sent[-1].i
    if lo - s_lo < 2 or s_hi - hi < 5 or doc[lo - 1].text != "," or doc[hi + 1].text != ",":
        return None
    if any("\n" in t.text or t.text in (";", ":") for t in doc[s_lo: s_hi + 1]):
        return None
    last = s_hi
    while last > hi and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    return doc[s_lo].idx, doc[last].idx + len(doc[last])


def _cue_adjunct(tok: Token) -> bool:
    """Whether a dependent after a cue only says how or when it was said ("on Monday", "on condition
    of anonymity to discuss the talks"), not more of the content ("perhaps by insisting that...")."""
    if tok.dep_ in ("punct", "npadvmod"):
        return True
    if tok.dep_ == "xcomp":
        return tok.lemma_.lower() in ("speak", "discuss", "talk", "comment")
    if tok.dep_ == "prep":
        return not any(c.dep_ == "pcomp" for c in tok.children)
    return False


def _not_a_topic(obj: Token) -> bool:
    """Objects of "on"/"to" that say when or how, not what about ("said on Monday", "on condition of")."""
    return obj.ent_type_ in ("DATE", "TIME") or obj.lemma_.lower() in ("condition", "background", "record", "camera")


def _adjunct_of(tok: Token, cue: Token) -> bool:
    """Whether ``tok`` sits in a prepositional or adverbial phrase of ``cue`` ("said, on condition of
    anonymity to speak freely"), not in a clause of its own."""
    for _ in range(_ASIDE_DEPTH + 2):
        if tok.head.i == cue.i:
            return tok.dep_ in ("prep", "npadvmod", "advmod", "agent")
        if tok.head.i == tok.i or tok.dep_ in ("conj", "ccomp", "parataxis"):
            return False
        tok = tok.head
    return False


def _under_adjunct(tok: Token, cue: Token) -> bool:
    """Whether ``tok`` hangs from ``cue`` through a prepositional adjunct ("in an interview on X")."""
    while tok.head.i != tok.i and tok.head.i != cue.i:
        tok = tok.head
    return tok.head.i == cue.i and tok.i != cue.i and tok.dep_ in ("prep", "agent")


def _in_aside(tok: Token, lo: int, hi: int) -> bool:
    """The token belongs to a clause set off by a comma ("Okafor, who chairs the union,") that lies
    wholly within tokens ``lo``..``hi`` (exclusive).
    """
    t = tok
    for _ in range(_ASIDE_DEPTH):
        if not lo <= t.i < hi:
            return False
        if (t.dep_ in ("relcl", "acl", "advcl", "appos") and t.left_edge.i > lo and t.right_edge.i < hi
                and t.doc[t.left_edge.i - 1].text == ","):
            return True
        if t.head is t:
            break
        t = t.head
    return False


#: Belief verbs whose infinitive complement is a stance in loose mode ("hopes to win", "is expected to").
_LOOSE_XCOMP = frozenset({"expect", "hope", "fear"})
#: Appearance verbs: the subject is part of what is said, not its source.
_RAISING = frozenset({"seem", "appear"})
#: The preposition that introduces a belief verb's content ("called for", "pointed to", "described as").
_BELIEF_PREPS: dict[str, tuple[str, ...]] = {
    "call": ("for",), "point": ("to",), "describe": ("as",), "see": ("as",), "view": ("as",),
    "criticize": ("for",), "criticise": ("for",), "blame": ("for",), "praise": ("for",), "attack": ("for", "over"),
    "know": ("about",), "hear": ("about",), "talk": ("about",), "refer": ("to",),
}


#: Adverbs that mark a clause as second-hand.
_HEARSAY = frozenset({"reportedly", "allegedly", "purportedly", "supposedly", "rumoredly", "rumouredly"})
#: Nouns for opinion polls ("leads in the polls").
_POLL_NOUNS = frozenset({"poll", "survey", "polling"})
#: What can "show" a finding: polls, figures, records.
_EVIDENCE_NOUNS = frozenset({"poll", "survey", "data", "number", "figure", "study", "record", "result", "report",
                             "analysis", "count", "tally", "research", "document", "email", "video", "statistic",
                             "paper", "audit", "review", "investigation", "probe", "inquiry", "test"})


def _evidence_subject(verb: Token) -> bool:
    """Whether the verb's subject is a poll, a study, figures or records."""
    return any(c.dep_ == "nsubj" and c.lemma_.lower() in _EVIDENCE_NOUNS for c in verb.children)


def _is_belief(tok: Token) -> bool:
    return tok.pos_ == "VERB" and tok.lemma_.lower() in BELIEF_VERBS and tok.dep_ != "amod"


def _cue_text(tok: Token) -> str:
    parts = [tok]
    for c in tok.children:
        if c.dep_ == "prt" or (tok.lemma_ == "tell" and c.dep_ in ("dobj", "dative") and c.i == tok.i + 1):
            parts.append(c)
    parts.sort(key=lambda t: t.i)
    return " ".join(t.text for t in parts)


def _cue_class(tok: Token) -> str | None:
    lemma = tok.lemma_.lower()
    if lemma == "rule" and any(c.dep_ == "prt" and c.lower_ == "out" for c in tok.children):
        return "rule_out"
    return CUE_VERBS.get(lemma) or BELIEF_VERBS.get(lemma)


def _subject(cue: Token, *, quoted: Callable[[int], bool] | None = None) -> Token | None:
    """The speaker's head token for a cue verb (its subject, or an inherited one).

    Args:
        cue: the cue verb.
        quoted: tells whether a character offset lies inside a quotation; a "subject" there is
            a misparse of the quoted words ('"... not the farmers," said one of them').
    """
    subjects = [c for c in cue.children if c.dep_ in _SUBJ and not (quoted is not None and quoted(c.idx))]
    if subjects:
        # Two subjects are a misparse, most often of a dateline ("PORT SELWYN, March 19 (Wire) - Arvenia
        # agreed"): the one nearest the verb is the real one.
        return min(subjects, key=lambda c: abs(cue.i - c.i))
    for c in cue.lefts:
        # "Ostlund said needs were growing": a name right before the verb, parsed as its modifier
        if (c.right_edge.i == cue.i - 1 and c.pos_ == "PROPN" and c.dep_ in ("advmod", "npadvmod", "dep", "nmod")
                and c.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
                and not (quoted is not None and quoted(c.idx))):
            return c
    verb = cue
    if (cue.dep_ in ("advcl", "conj") and cue.tag_ == "VBG" and cue.head.dep_ == "ccomp"
            and _is_cue(cue.head.head) and cue.head.head.i < cue.head.i):
        # 'X told them that Y "had a policy," adding, "…"' / 'X pushed back, saying that Y had Z - and
        # arguing that …': X adds or argues, not Y (the parser hung the participle on Y's verb)
        verb = cue.head
    for _ in range(2):  # "X said ... and added" / "X spoke, saying ...": inherit the subject
        if verb.dep_ not in ("conj", "advcl", "xcomp", "ccomp") or verb.head.i == verb.i:
            break
        if verb.dep_ == "ccomp" and verb.i != cue.head.i:
            break
        verb = verb.head
        for c in verb.children:
            if c.dep_ in _SUBJ:
                return c
    if cue.lemma_.lower() in _NO_OBJECT_SPEAKER:
        return None
    for c in cue.rights:  # "said Smith" parsed with the name as object or modifier
        if (c.dep_ in ("dobj", "npadvmod", "attr", "dep", "appos") and c.pos_ in ("PROPN", "NOUN", "PRON")
                and c.lemma_.lower() not in ("reporter", "statement", "interview")):
            return c
    return None


def _inverted_subject(cue: Token) -> Token | None:
    """The speaker named right after the cue when the parser gave it no subject ('..., said Jo Bell').

    Args:
        cue: the cue verb.
    """
    doc = cue.doc
    head = None
    for t in doc[cue.i + 1: min(len(doc), cue.i + 1 + _INVERTED_WORDS)]:
        if t.pos_ in ("PROPN", "NOUN") or (t.is_title and t.pos_ in ("ADV", "ADJ", "X") and head is None):
            head = t  # a surname the tagger took for another part of speech ('said Skelly, explaining')
        elif not (t.pos_ in ("DET", "ADJ", "PART") or t.tag_ == "POS" or t.dep_ in ("amod", "compound")):
            break  # ('said retired neurosurgeon Ben Carson': "retired" is tagged a verb)
    return head


def _conj_chain(tok: Token) -> list[Token]:
    """Verbs coordinated with ``tok`` (its conj children, recursively), without walking whole subtrees."""
    out: list[Token] = []
    stack = [c for c in tok.children if c.dep_ == "conj"]
    while stack and len(out) < _MAX_SCAN:
        t = stack.pop()
        out.append(t)
        stack.extend(c for c in t.children if c.dep_ == "conj")
    return out


def _window(tok: Token, radius: int = 40) -> list[Token]:
    """Tokens of ``tok``'s sentence within ``radius`` of it (bounded cost on run-on sentences)."""
    doc = tok.doc
    lo = tok.i
    while lo > 0 and tok.i - lo < radius and not doc[lo].is_sent_start:
        lo -= 1
    hi = tok.i
    while hi + 1 < len(doc) and hi - tok.i < radius and not doc[hi + 1].is_sent_start:
        hi += 1
    return list(doc[lo: hi + 1])


def _cut_at_cue_conj(comp: Token, hi: Token) -> Token:
    """End the content before a coordinated cue verb ("says he'd act and tells the crowd ...")."""
    for t in _conj_chain(comp):
        # '… who officials say is tied to X and who claimed Y': a second relative clause of its own
        relative = any(c.dep_ in _SUBJ and c.tag_ in ("WP", "WDT") and c.i > comp.i for c in t.children)
        if (t.dep_ == "conj" and t.i > comp.i and t.head.i != t.i
                and ((_is_cue(t) and any(c.dep_ == "ccomp" for c in t.children)) or relative)):
            # the conjunction right before it ("… had X but was Y - and arguing …" cuts at "and")
            ccs = [c.i for c in t.head.children if c.dep_ == "cc" and c.i < t.i]
            cut = min(t.left_edge.i, max(ccs)) if ccs else t.left_edge.i
            if cut - 1 > comp.i:
                return comp.doc[cut - 1]
    for t in comp.children:
        # "74 percent said they are set, while 22 percent said they might change": a contrasting
        # clause with its own speaker and cue is another statement.
        contrast = any(c.dep_ in _SUBJ for c in t.children) and any(c.dep_ == "ccomp" for c in t.children)
        # '… “had a crazy policy,” adding, “He lost …”': the speaker's next statement, not this one's end
        added = t.tag_ == "VBG" and t.i > 1 and "," in (comp.doc[t.i - 1].text, comp.doc[t.i - 2].text)
        if t.dep_ == "advcl" and t.i > comp.i and _is_cue(t) and t.i <= hi.i and (contrast or added):
            k = t.left_edge.i - 1
            while k > comp.i and (comp.doc[k].is_punct or comp.doc[k].dep_ == "cc"):
                k -= 1
            if k > comp.i:
                return comp.doc[k]
    return hi


def _complement(cue: Token) -> Token | None:
    """The cue's clausal complement: the one after it when there are several ("X - 60% said Y").

    A complement before the cue must lie in the cue's sentence; the parser sometimes hangs the
    previous sentence on a cue verb.
    """
    comps = [c for c in cue.children if c.dep_ == "ccomp"]
    doc = cue.doc
    # One after a paragraph break is the next paragraph's clause, hung on this cue by the parser.
    after = [c for c in comps if c.i > cue.i and not any("\n" in t.text for t in doc[cue.i + 1: c.left_edge.i])]
    if after:
        return after[0]
    sent_start = cue.sent.start
    return next((c for c in comps if c.left_edge.i >= sent_start), None)


def _misattached_that_clause(cue: Token) -> Token | None:
    """A "that" clause after the cue that the parser hung on a noun of the cue's adjuncts.

    'Okafor says in a statement that the fares are unfair' and 'Brandt said on Friday during a news
    conference that the pier may close' come out with the clause as a modifier of "statement" or
    "conference"; only adjunct words (no verb) stand between the cue and "that".
    """
    doc = cue.doc
    for t in doc[cue.i + 1: min(len(doc), cue.i + _THAT_REACH)]:
        if "\n" in t.text or t.text in (".", "?", "!", ";", ":") or t.text in _CLOSERS or t.text in "“\"‘":
            return None
        if t.lower_ == "that" and t.dep_ == "mark" and t.head.i > t.i and t.head.pos_ in _VERB_POS:
            return t.head if t.i > cue.i + 1 else None
        if (t.pos_ in _VERB_POS and t.dep_ != "prep") or t.pos_ in ("PRON", "SCONJ", "CCONJ"):
            return None  # (a verb heading a prepositional phrase, "following a vote", is an adjunct)
    return None


def _source_of_report(noun: Token) -> Token | None:
    """Who made the piece a noun names: its "by" author ("a report by the board") or its outlet ("a
    Reuters report", "the Courier's story"), or None."""
    if noun.lemma_.lower() not in _REPORT_NOUNS:
        return None
    return _by_object(noun) or next((c for c in noun.children if c.dep_ in ("compound", "poss") and is_outlet(c)),
                                    None)


def _by_object(noun: Token, *, before: int | None = None) -> Token | None:
    """The object of the noun's "by" phrase ("claims by two pilots"), or None.

    Args:
        noun: the noun.
        before: only a "by" phrase that starts before this token index counts.
    """
    return next((o for p in noun.children if p.dep_ == "prep" and p.lower_ == "by"
                 and (before is None or p.i < before) for o in p.children if o.dep_ == "pobj"), None)


def _describe_owner(head: Token, resolver: Resolver) -> Speaker:
    """`describe` for a mention that may be a possessor ("the mayor's"): without its "'s"."""
    mark = next((c.i for c in head.children if c.dep_ == "case"), None)
    return describe(head, resolver, before=mark)


def _passive_agent(cue: Token) -> Token | None:
    """The "by" agent of a passive cue ("as reported by the Courier"), or None."""
    return next((o for a in cue.children if a.dep_ == "agent" for o in a.children if o.dep_ == "pobj"), None)


def _inverted_set_off_speaker(cue: Token, comp: Token) -> Token | None:
    """The name right after an inverted cue set off inside a sentence, or None.

    'Any fair reading of the deal, said Jo Bell, an expert on ferries, would see a retreat' comes out
    with "reading" as the cue's subject and "Jo Bell" as the subject of the clause after the cue.
    """
    doc = cue.doc
    subj = next((c for c in cue.children if c.dep_ in _SUBJ), None)
    if (subj is None or subj.i > cue.i or cue.i < 1 or doc[cue.i - 1].text != "," or comp.i < cue.i
            or comp.dep_ != "ccomp"):
        return None
    name = next((c for c in comp.children if c.dep_ in _SUBJ and c.left_edge.i == cue.i + 1), None)
    if name is None or name.pos_ != "PROPN" or name.right_edge.i + 1 >= comp.i:
        return None
    # the name (and its description) is closed by a comma, which the parser may give to the name
    return name if "," in (doc[name.right_edge.i].text, doc[name.right_edge.i + 1].text) else None


def _parenthetical_tail(cue: Token, hi: Token) -> Token:
    """Content resumes after a cue set off by commas ("X, she said, while Y"): the sentence end."""
    doc = cue.doc
    end = cue.i
    for c in cue.children:
        if c.i > cue.i and c.dep_ not in ("ccomp", "conj", "cc", "punct", "parataxis"):  # "said, citing ..." too
            end = max(end, c.right_edge.i)
    nxt = end + 1
    if nxt >= len(doc) or doc[nxt].text != "," or doc[nxt].is_sent_start:
        return hi
    sent_end = min(cue.sent.end, nxt + _MAX_SCAN)
    tail = [t for t in doc[nxt + 1: sent_end] if not (t.is_punct or t.is_space)]
    if len(tail) < _TAIL_WORDS or any(_is_cue(t) for t in tail) or "\n" in doc[nxt: sent_end].text.strip():
        return hi
    return tail[-1]


def _hedged(*toks: Token | None) -> bool:
    for tok in toks:
        if tok is None:
            continue
        if tok.lower_ in HEDGE_WORDS:
            return True
        if any(c.lower_ in HEDGE_WORDS and c.dep_ in ("aux", "advmod") for c in tok.children):
            return True
    return False


def _via_in_sentence(tok: Token, resolver: Resolver, exclude: set[int]) -> list[tuple[int, str]]:
    """Outlets relaying a statement in the cue's sentence: "Reuters reported", "according to the Times"."""
    out: list[tuple[int, str]] = []
    for t in _window(tok):
        if t.i in exclude:
            continue
        head: Token | None = None
        if t.lower_ == "according" and t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "to":
            head = next((o for o in t.doc[t.i + 1].children if o.dep_ == "pobj"), None)
        elif t.pos_ in _VERB_POS and t.lemma_.lower() in ("report", "tell", "say", "write", "learn"):
            for c in t.children:
                if c.dep_ in _SUBJ or (t.lemma_ == "tell" and c.dep_ in ("dobj", "dative")):
                    head = c
        elif t.lower_ == "by" and t.head.lemma_.lower() in ("report", "publish", "obtain", "review"):
            head = next((o for o in t.children if o.dep_ == "pobj"), None)
        if head is not None and head.i not in exclude and is_outlet(head):
            spk = describe(head, resolver)
            if spk.name:
                out.append((abs(head.i - tok.i), spk.name))
    return out


def _addressees(cue: Token) -> list[Token]:
    """Who a cue verb's words were addressed to: "told Reuters", "said to the Times"."""
    out = [c for c in cue.children if c.dep_ in ("dobj", "dative") and cue.lemma_.lower() == "tell"]
    out.extend(o for c in cue.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"
               for o in c.children if o.dep_ == "pobj")
    return out


#: Common nouns that refer back to a news organisation named earlier ("told the agency").
_OUTLET_ANAPHORS = frozenset({"agency", "newspaper", "paper", "broadcaster", "network", "outlet", "magazine",
                              "station", "wire", "daily", "channel"})
#: How far back (tokens) "the agency" looks for the outlet it refers to.
_ANTECEDENT_WINDOW = 120


def _outlet_antecedent(noun: Token) -> Token | None:
    """The outlet that "the agency" or "the newspaper" refers back to: the nearest one named before it."""
    if noun.lower_ not in _OUTLET_ANAPHORS or not any(c.lower_ in ("the", "this") for c in noun.lefts):
        return None
    for t in reversed(noun.doc[max(0, noun.i - _ANTECEDENT_WINDOW): noun.i]):
        if t.pos_ == "PROPN" and t.dep_ != "compound" and is_outlet(t):
            return t
    return None


def _citing(cue: Token, resolver: Resolver) -> Speaker | None:
    """The source an outlet cites: "the Post reported, citing two officials"."""
    for c in _window(cue, 25):
        if c.lemma_.lower() in ("cite", "quote") and c.pos_ == "VERB":
            obj = next((o for o in c.children if o.dep_ in ("dobj", "pobj")), None)
            if obj is not None:
                return describe(obj, resolver)
    return None


def _balance_end(text: str, start: int, end: int) -> int:
    """Extend ``end`` over a closing quotation mark when the content opens one it does not close."""
    seg = text[start:end]
    opens = sum(seg.count(m) for m in "“«„")
    closes = sum(seg.count(m) for m in "”»")
    straight = seg.count('"') + seg.count("''")
    j = end
    while j < len(text) and text[j] in ".,?!;" and j - end < 2:
        j += 1
    if j < len(text) and text[j] in _CLOSERS and (opens > closes or straight % 2 == 1):
        return j + 1
    return end


#: A dateline opening a story ("WASHINGTON --", "MEXICO CITY (AP) —"): never part of a statement.
_DATELINE_LEAD = re.compile(r"[A-Z][A-Z.,' ]{2,40}(?:\([A-Za-z. ]{1,20}\))?\s*(?:--|—|–|_)\s*")


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    lead = _DATELINE_LEAD.match(text, start, end)
    if lead is not None and lead.end() < end and (start == 0 or text[start - 1] == "\n"):
        start = lead.end()
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


class _Extractor:
    def __init__(self, doc: Doc, *, with_beliefs: bool = True, loose: bool = False) -> None:
        self.doc = doc
        self.text = doc.text
        self.idx = _Index(doc)
        self.quotes = [q for q in scan_quotes(self.text) if self._quote_ok(q)]
        self._qstarts = [q.start for q in self.quotes]
        self.resolver = Resolver(doc, quoted=[(q.start, q.end) for q in self.quotes])
        self.used_cues: set[int] = set()
        self.with_beliefs = with_beliefs
        self.skip_nested = True
        self.cands: list[_Cand] = []
        self.rule = ""  # the stage now running, recorded on each candidate for the learned filter
        self.comp = ""  # the kind of complement the content is (ccomp, dobj...), for the same
        self.loose = loose
        #: Per output statement, binary features of its cue and rule (see `_context`).
        self.context: list[list[str]] = []

    def _quote_ok(self, q: QuoteSpan) -> bool:
        inner = self.text[q.inner[0]: q.inner[1]]
        words = inner.split()
        # One word is a quotation only as a whole reply ('"No."', '"Absolutely," he said'); a
        # bare quoted word is a term or a scare quote.
        return len(words) >= 2 or (len(words) == 1 and words[0][:1].isupper() and words[0][-1:] in ".,!?")

    # -- direct quotes -------------------------------------------------------------------------
    def _after(self, q: QuoteSpan, limit: int) -> Token | None:
        """A cue right after the quote: '"...," he said' / '"..." said Smith'."""
        doc = self.doc
        i = self.idx.first_at(q.end)
        stop = min(len(doc), i + _AFTER_WINDOW)
        for j in range(i, stop):
            t = doc[j]
            if t.idx >= limit or "\n" in t.text or t.text in (".", "?", "!", ";"):
                return None
            if _is_cue(t) and t.i not in self.used_cues:
                if any(c.lower_ == "to" and c.dep_ == "aux" for c in t.children):
                    return None  # "... to say it": not an attribution of the quote
                governed = self._object_of_other_verb(q, t)
                adjacent = all(b.is_punct or b.is_space for b in doc[i:j]) and not governed
                # A quotation closed by a comma runs on into its cue clause ('"…," Trump said in February
                # of Carrier, whose parent relocated …'): a clause after the cue is not its own content.
                runs_on = self.text[q.start: q.end].rstrip("”\"'’» ").endswith(",") and not governed
                if not adjacent and not runs_on and self._own_clause(t):
                    return None  # '"…Before." The scientist says she …': the cue has words of its own
                named = self._speaker_between(q.end, t)
                if _subject(t) is None and _inverted_subject(t) is None and named is None:
                    return None
                lo = t.left_edge.i
                if not any((b.pos_ == "VERB" and not _in_aside(b, i, j)) or not (b.is_punct or b.i >= lo)
                           for b in doc[i:j]):
                    return t
                # '"...," nurse Jo Bell, wearing a scarf, said': a name, then only asides
                phrase = set() if named is None else {b.i for b in doc[i:j] if b.i <= named.i}
                if named is not None and all(b.is_punct or b.i in phrase or _in_aside(b, i, j) for b in doc[i:j]):
                    return t
                return None  # the quote is part of another clause ("wore a 'Go' hat and said")
            if t.pos_ == "VERB" and not _in_aside(t, i, stop):
                return None
        return None

    def _before(self, q: QuoteSpan) -> Token | None:
        """A cue right before the quote: 'He said: "..."' / 'She added, "..."'."""
        doc, text = self.doc, self.text
        pos = q.start
        gap_start = pos
        while gap_start > 0 and text[gap_start - 1] in " \t\r\n":
            gap_start -= 1
        if "\n" in text[gap_start:pos] and (gap_start == 0 or text[gap_start - 1] != ":"):
            return None
        j = self.idx.last_before(gap_start)
        if j < 0:
            return None
        last = doc[j]
        if last.text not in (":", ",") and not _is_cue(last):
            return None
        if _is_cue(last):
            inner = text[q.inner[0]: q.inner[1]].rstrip()
            # A quoted fragment is not a full statement ('said "ferries" three times'); a lower-case
            # start that runs to the end of a sentence of several words is one ('said "ugly leaflets,
            # they've got no place in a campaign."').
            if not inner[:1].isupper() and not (inner[-1:] in ".!?" and len(inner.split()) >= _STATEMENT_WORDS):
                return None
            return last if last.i not in self.used_cues else None
        for k in range(j - 1, max(-1, j - _BEFORE_WINDOW), -1):
            t = doc[k]
            if t.text in (".", "?", "!", ";") or "\n" in t.text or t.text in _CLOSERS:
                return None
            if _is_cue(t):
                return t if t.i not in self.used_cues else None
        return None

    def _dash_speaker(self, q: QuoteSpan) -> Token | None:
        """A signature after a dash ending the paragraph: '"..." ― Jane Doe'."""
        doc = self.doc
        i = self.idx.first_at(q.end)
        if i >= len(doc) or doc[i].text not in ("―", "—", "–", "-", "--"):
            return None
        nl = self.text.find("\n", q.end)
        para_end = len(self.text) if nl < 0 else nl
        toks = [t for t in doc[i + 1: self.idx.first_at(para_end)] if not t.is_space]
        if not toks or len(toks) > 6 or not all(t.pos_ == "PROPN" or t.is_punct for t in toks):
            return None
        return next((t for t in toks if t.head.i == t.i or t.head not in toks), toks[-1])

    def _object_of_other_verb(self, q: QuoteSpan, cue: Token) -> bool:
        """The quotation hangs from a verb other than the cue ('Manafort, citing "the magic," said …')."""
        lo, hi = self.idx.first_at(q.inner[0]), self.idx.first_at(q.inner[1])
        for t in self.doc[lo: min(hi, lo + _MAX_SCAN)]:
            if not lo <= t.head.i < hi:
                return t.head.i != cue.i and t.head.i != t.i and t.head.pos_ == "VERB" and t.head.i < lo
        return False

    def _closed_by_comma(self, q: QuoteSpan) -> bool:
        """Whether the quotation ends in a comma inside its closing mark ('"… a first," she said')."""
        return self.text[q.start: q.end].rstrip("”\"'’» ").endswith(",")

    def _split_after(self, q: QuoteSpan, cue: Token) -> bool:
        """The parser ended the sentence at a quote closed by a comma and began a new one at its cue.

        'The event “was a first,” Sexton said in an interview.' comes out as two sentences; the comma
        inside the closing mark says the first one goes on into the cue clause.
        """
        if not self._closed_by_comma(q):
            return False
        i = self.idx.first_at(q.end)
        return i < len(self.doc) and bool(self.doc[i].is_sent_start) and cue.left_edge.i == i

    def _ends_inside(self, q: QuoteSpan, cue: Token) -> bool:
        """A quotation of several sentences, opened inside the first, whose last sentence the parser
        gave to the cue after it ('The people "deserve someone. That's Lind," said the man …').

        Args:
            q: the quotation.
            cue: the cue after it.
        """
        return (self._closed_by_comma(q) and q.start < cue.left_edge.idx < q.end and bool(cue.left_edge.is_sent_start)
                and self.text[cue.left_edge.idx - 2: cue.left_edge.idx - 1] in (".", "?", "!"))

    def _sentence_start(self, q: QuoteSpan) -> int:
        """Start of the sentence a quoted fragment sits in ('Paying no tax "is smart," he said')."""
        i = self.idx.first_at(q.start)
        if i >= len(self.doc):
            return q.start
        sent_start = _window(self.doc[i], _MAX_SCAN)[0].idx
        lead = self.text[sent_start: q.start]
        if not lead.strip() or any(m in lead for m in "\n“”\"«»"):
            return q.start
        # A stop inside a token is an abbreviation ("Mrs. Bell would begin "building bridges"").
        if any(t.is_punct and t.text[:1] in ":;.?!" for t in self.doc[self.idx.first_at(sent_start): i]):
            return q.start
        return sent_start

    def _plain_gap(self, a: int, b: int, cue: Token) -> bool:
        """The text between two quotes holds nothing but the cue's own clause and punctuation."""
        gap = self.text[a:b]
        if "\n" in gap:
            return False
        tail = gap.rstrip()
        if tail and tail[-1] not in _GAP_CLOSERS:
            return False  # '“…,” Weiner said on the podcast “Here's the Thing”': a title in a phrase
        toks = self.doc[self.idx.first_at(a): self.idx.first_at(b)]
        lo, hi = cue.left_edge.i, cue.right_edge.i
        speaker = self._speaker_phrase(toks, lo, hi)
        if speaker is not None:
            lo, hi = min(lo, speaker[0]), max(hi, speaker[1])
        return all(t.is_punct or t.is_space or lo <= t.i <= hi for t in toks) and not any(
            _is_cue(t) and t.i != cue.i for t in toks)

    @staticmethod
    def _speaker_phrase(toks: Span, lo: int, hi: int) -> tuple[int, int] | None:
        """Token range of a noun phrase right next to the cue clause ``lo..hi`` that the parser
        hung elsewhere ('"The risk," said Jo Bell, an economist who …, "is that …"': Bell as the
        subject of the second part); None when there is none."""
        for t in toks:
            if (t.pos_ in ("PROPN", "NOUN") and not toks.start <= t.head.i < toks.end
                    and toks.start <= t.left_edge.i and t.right_edge.i < toks.end):
                a, b = t.left_edge.i, t.right_edge.i
                while b + 1 < toks.end and toks.doc[b + 1].is_punct:
                    b += 1
                if (a - hi in (1, 2) and all(x.is_punct for x in toks.doc[hi + 1: a])) or b + 1 == lo:
                    return a, b
        return None

    def _next_paragraphs(self, end: int, qi: int, used_q: set[int], cue: Token) -> int:
        """Extend over following paragraphs that are wholly an unattributed quote (same speaker)."""
        text, quotes = self.text, self.quotes
        merged = 0
        nl = text.find("\n", end)
        if _MAX_PARAGRAPHS <= 0:
            return end
        if nl < 0 or not self._plain_gap(end, nl, cue):
            return end
        for qj in range(qi + 1, len(quotes)):
            nxt = quotes[qj]
            if qj in used_q or nxt.start < end:
                continue
            gap = text[max(end, nl): nxt.start]
            if gap.strip() or (nxt.start > nl and "\n" not in text[nl: nxt.start]):
                return end
            para_end = text.find("\n", nxt.end)
            para_end = len(text) if para_end < 0 else para_end
            if text[nxt.end: para_end].strip(" .,;"):
                return end
            end = nl = nxt.end
            used_q.add(qj)
            merged += 1
            if merged >= _MAX_PARAGRAPHS:
                return end
        return end

    def direct(self) -> None:
        quotes = self.quotes
        used_q: set[int] = set()
        for qi, q in enumerate(quotes):
            if qi in used_q:
                continue
            cue = self._after(q, self._cue_limit(qi))
            if cue is not None and self._sentence_start(q) < q.start:
                first = self.idx.first_at(q.start)
                if (not cue.left_edge.i <= first <= cue.right_edge.i and not self._split_after(q, cue)
                        and not self._ends_inside(q, cue)):
                    cue = None  # a fragment quoted inside another clause, not this cue's content
                elif _under_adjunct(self.doc[first], cue):
                    cue = None  # 'In an interview on "The Axe Files", Henry said': a title, not words
                elif self._own_clause(cue):
                    # 'Asked … on "CBS This Morning," Sanders said he had not …': the cue has its own
                    # content; the quotation is a name inside the clause before it
                    cue = None
            elif cue is not None and self._is_title(q) and self._own_clause(cue):
                # '… on Harbour News' "Sunday Morning Report," Rep. Brandt said the board's judgment is
                # in question': a title before a cue with a clause of its own names a show, not words
                cue = None
            after = cue is not None
            cue = cue or self._before(q)
            dash = None
            if cue is None:
                dash = self._dash_speaker(q)
                if dash is None:
                    named = self._colon_name(q)
                    talk = None if named is not None else self._talk_of(q)
                    if named is not None:
                        used_q.add(qi)
                        self.rule = "colon"
                        self._add(q.start, q.end, None, direct=True, cue_text=":", subject=named)
                    elif talk is not None:
                        used_q.add(qi)
                        self.used_cues.add(talk.i)
                        self.rule = "talk"
                        self._add(q.start, q.end, talk, direct=True, subject=_subject(talk, quoted=self._in_quote))
                    self.rule = "direct"
                    continue
            start, end = q.start, q.end
            if cue is not None:
                self.used_cues.add(cue.i)
                if after:
                    start = self._sentence_start(q)
                    if start < q.start:
                        end = self._words_before_cue(q, cue)
                # earlier unattributed quotes right before this one in the same paragraph
                for qk in range(qi - 1, -1, -1):
                    prev = quotes[qk]
                    if qk in used_q or self.text[prev.end: start].strip(" ,.;") or any(
                            c.start < prev.end and prev.start < c.end for c in self.cands):
                        break
                    start = prev.start
                    used_q.add(qk)
                # continuation quotes in the same paragraph with no cue of their own
                for qj in range(qi + 1, len(quotes)):
                    nxt = quotes[qj]
                    if not self._plain_gap(end, nxt.start, cue):
                        break
                    nlim = quotes[qj + 1].start if qj + 1 < len(quotes) else len(self.text)
                    if self._after(nxt, nlim) is not None:
                        break
                    end = nxt.end
                    used_q.add(qj)
                end = self._next_paragraphs(end, qi, used_q, cue)
            used_q.add(qi)
            if dash is not None:
                self._add(start, end, None, direct=True, cue_text="―", subject=dash)
            elif cue is not None:
                subj = _subject(cue, quoted=self._in_quote) or _inverted_subject(cue)
                if after and (subj is None or subj.left_edge.idx < q.end or subj.i > cue.i):
                    # ('"…," Lind said matter-of-factly': a name before the cue beats a word after it)
                    # The parser folded the quote into the subject, or found none:
                    # '"...," Trump, the front-runner, said' names the speaker between the two.
                    subj = self._speaker_between(q.end, cue) or subj
                self._add(start, end, cue, direct=True, subject=subj)

    def _words_before_cue(self, q: QuoteSpan, cue: Token) -> int:
        """End of a statement whose quoted fragment is followed by more of its words before the cue
        ('The mayor should begin "building bridges" to the board, said Jo Bell')."""
        subj = _subject(cue, quoted=self._in_quote)
        clause_lo = cue.i if subj is None or subj.i > cue.i else min(cue.i, subj.left_edge.i)
        words = [b for b in self.doc[self.idx.first_at(q.end): clause_lo] if not (b.is_punct or b.is_space)]
        return words[-1].idx + len(words[-1]) if words else q.end

    def _cue_limit(self, qi: int) -> int:
        """Where the search for a cue after quotation ``qi`` stops: the next quotation that is not a
        name inside the speaker's description ('"…," captain Ana Lind, wearing a "Save the Pier"
        badge, said')."""
        quotes = self.quotes
        for nxt in quotes[qi + 1:]:
            gap = self.text[quotes[qi].end: nxt.start]
            if self._is_title(nxt) and "\n" not in gap and not re.search(r"[.?!;]\s", gap):
                continue
            return nxt.start
        return len(self.text)

    def _is_title(self, q: QuoteSpan) -> bool:
        """A short quotation in title case ("Harbour Hour Tonight"): a name rather than words."""
        words = self.text[q.inner[0]: q.inner[1]].strip(_TRIM + "!?").split()
        content = [w for w in words if w.lower() not in _TITLE_SMALL_WORDS]
        return 1 < len(words) <= _TITLE_WORDS and bool(content) and all(w[:1].isupper() for w in content)

    def _own_clause(self, cue: Token) -> bool:
        """The cue has a clause of its own after it that begins outside any quotation."""
        return any(c.dep_ == "ccomp" and c.i > cue.i and not self._in_quote(c.left_edge.idx) for c in cue.children)

    def _talk_of(self, q: QuoteSpan) -> Token | None:
        """A verb of talk right before 'of'/'about' and the quote ('Their envoy speaks of "narrowing gaps"')."""
        j = self.idx.last_before(q.start)
        if j < 0:
            return None
        prep = self.doc[j]
        verb = prep.head
        if prep.lower_ not in ("of", "about") or prep.dep_ != "prep" or verb.lemma_.lower() not in _TALK_OF:
            return None
        return None if verb.i in self.used_cues or self._in_quote(verb.idx) else verb

    def _colon_name(self, q: QuoteSpan) -> Token | None:
        """A person named right before a colon that opens the quote ('… pollster Daron Shaw: "…"')."""
        gap = self.text[: q.start].rstrip(" \t")
        if not gap.endswith(":"):
            return None
        j = self.idx.last_before(len(gap) - 1)
        if j < 0:
            return None
        last = self.doc[j]
        if last.ent_type_ != "PERSON" or last.pos_ != "PROPN" or "\n" in self.text[last.idx: q.start]:
            return None
        # '"Title," by Times' Jo Bell: "…"' cites an article's byline; 'contrasted X with Clinton:' a topic
        return None if last.dep_ == "pobj" else last

    def _speaker_between(self, quote_end: int, cue: Token) -> Token | None:
        """The head of the first noun phrase between a quote's end and its cue (before any comma)."""
        segment: list[Token] = []
        for t in self.doc[self.idx.first_at(quote_end): cue.i]:
            if t.is_punct or t.is_space:
                if segment:
                    break  # a comma closes the name: what follows is an apposition or a clause
                continue
            if t.pos_ not in _NAME_POS or t.tag_ in ("WP", "WDT", "WP$"):
                return None  # not a name ("but he said", "radio program who said")
            segment.append(t)
        names = [t for t in segment if t.pos_ == "PROPN"]
        if names:
            return names[-1]
        nouns = [t for t in segment if t.pos_ in ("NOUN", "PRON")]
        return nouns[-1] if nouns else None

    def orphans(self) -> None:
        """Paragraphs that are wholly a quotation with no cue: the previous direct speaker's words."""
        text = self.text
        last: _Cand | None = None
        taken = sorted((c.start, c.end) for c in self.cands)
        for q in self.quotes:
            if any(a < q.end and q.start < b for a, b in taken):
                last = next((c for c in self.cands if c.start < q.end and q.start < c.end), last)
                continue
            p0 = text.rfind("\n", 0, q.start) + 1
            p1 = text.find("\n", q.end)
            p1 = len(text) if p1 < 0 else p1
            if text[p0: q.start].strip() or text[q.end: p1].strip(" .,;") or not q.closed:
                continue
            if len(text[q.start: q.end].split()) < _ORPHAN_WORDS:
                continue
            spk = last.speaker if last is not None else None
            self.cands.append(_Cand(start=q.start, end=q.end, cue=None, cue_text=None, speaker=spk, direct=True,
                                    cue_class=None, rule="orphan"))

    # -- indirect speech -----------------------------------------------------------------------
    def indirect(self) -> None:
        for t in self.doc:
            if t.i in self.used_cues or not _is_cue(t) or (self.skip_nested and self._in_quote(t.idx)):
                continue
            comp = _complement(t)
            if comp is None and (CUE_VERBS.get(t.lemma_.lower()) in _XCOMP_CLASSES
                                 or (self.loose and t.lemma_.lower() == "agree")):  # "agreed to debate"
                comp = next((c for c in t.children if c.dep_ == "xcomp" and c.i > t.i), None)
            if comp is None and t.lemma_.lower() not in _NO_OBJECT:
                comp = next((c for c in t.children if c.dep_ == "dobj" and c.i > t.i
                             and c.right_edge.i - c.i >= 2 and c.pos_ in ("NOUN", "PROPN")), None)
            if comp is None:
                # "asked if he would run" (the parser hangs the question on the cue as a clause),
                # "reported spending $1m", "denied taking it": gerund complements
                comp = next((c for c in t.children if c.i > t.i and (
                    (c.dep_ in ("advcl", "ccomp") and any(m.dep_ == "mark" and m.lower_ in _QUESTION_MARKS
                                                          for m in c.children))
                    or (c.dep_ == "xcomp" and c.tag_ == "VBG" and t.lemma_.lower() not in _ASPECTUAL))), None)
            misattached = False
            if comp is None:
                comp = _misattached_that_clause(t)
                misattached = comp is not None
            short = False
            if comp is None and self.loose:
                # Short objects ("announced his resignation") and topics ("asked about the deal"):
                # recall candidates that only the learned filter may keep.
                topic = next((o for p in t.children if p.dep_ == "prep" and p.i > t.i and p.lower_ in _TOPIC_PREPS
                              for o in p.children if o.dep_ in ("pobj", "pcomp") and not _not_a_topic(o)), None)
                if t.lemma_.lower() in _ASK_WHOM and topic is not None:
                    comp = topic  # "asked Bennett about the comments": Bennett was asked, the comments are the topic
                else:
                    comp = next((c for c in t.children if c.dep_ == "dobj" and c.i > t.i
                                 and c.pos_ in ("NOUN", "PROPN") and not _closes_a_statement(t)
                                 and not _hearer(t) and not _fronted_as_clause(t)), None) or topic
                short = comp is not None
                if comp is not None and comp.head.lower_ == "about" and comp.head.i > t.i:
                    comp = comp.head  # "asked about the deal": the topic keeps its preposition
            if comp is not None and comp.dep_ == "ccomp" and comp.pos_ not in _VERB_POS and not any(
                    c.dep_ in _SUBJ for c in comp.children):
                continue  # a misparse: a clausal complement with neither verb nor subject
            if comp is None and self.loose:
                # "said no", "said yes": a one-word answer, for the learned filter to judge
                comp = next((c for c in t.children if c.i == t.i + 1 and c.lower_ in _ANSWERS and (
                    c.dep_ in ("intj", "dobj") or (c.dep_ == "advmod" and c.lower_ == "so"))), None)
                if comp is None:
                    # "61 percent say the same of Okafor": an answer by reference to an earlier one
                    comp = next((c for c in t.children if c.dep_ == "dobj" and c.i == t.i + 2
                                 and c.lower_ == "same" and t.doc[t.i + 1].lower_ == "the"), None)
                short = comp is not None
            named = _inverted_set_off_speaker(t, comp) if comp is not None else None
            if comp is not None and named is not None:
                # 'Any fair reading of it, said Jo Bell, an expert, would see a retreat': the sentence
                # around the cue is the statement and the name after the cue speaks it
                lo, hi = next(c for c in t.children if c.dep_ in _SUBJ).left_edge, comp.right_edge
                start, end = lo.idx, hi.idx + len(hi)
            elif comp is not None:
                lo, hi = comp.left_edge, comp.right_edge
                if comp.dep_ == "ccomp" and not any(c.dep_ in _SUBJ for c in comp.children):
                    # "said the days when … are gone": the parser made the clause's subject the cue's object
                    obj = next((c for c in t.children if c.dep_ in ("dobj", "npadvmod") and t.i < c.i < comp.i), None)
                    if obj is not None:
                        lo = obj.left_edge
                if hi.i - lo.i < 2 and not short:
                    if not (self.loose and comp.dep_ == "ccomp" and hi.i > lo.i):
                        continue
                    short = True  # "Flake said he would": an elliptical answer
                if (comp.dep_ == "ccomp" and lo.i > t.i + 2 and t.doc[t.i + 1].text == ","
                        and any(c.dep_ in ("xcomp", "advcl") for c in t.children if t.i + 1 < c.i < comp.i)
                        and all(c.dep_ in ("xcomp", "advcl", "punct") for c in t.children if t.i + 1 < c.i < comp.i)):
                    lo = t.doc[t.i + 2]  # "says, win or lose in Tuesday's primary, he's staying": all of it
                relative = lo.tag_ in ("WDT", "WP") and (t.dep_ == "relcl" or lo.lower_ == "what")
                if lo.i <= t.i <= hi.i and not relative:
                    continue  # (a relative clause is the statement, cue included: "which X said ...")
                hi = _cut_at_cue_conj(comp, hi)
                if hi.i < t.i:
                    hi = _parenthetical_tail(t, hi)
                start, end = lo.idx, hi.idx + len(hi)
            elif (t.dep_ == "advcl" and t.i < t.head.i and t.head.pos_ in _VERB_POS
                  and any(m.dep_ == "mark" and m.lower_ == "as" for m in t.children)
                  and (any(c.dep_ in _SUBJ for c in t.children) or _passive_agent(t) is not None)
                  and t.lemma_ not in _WHILE_VERBS and not any(c.dep_ in ("dobj", "obj") for c in t.children)):
                # "As the Courier reported, the mill will close": the main clause is the content. The
                # "as" stands for what was said, so a cue with its own object ("as she answered
                # questions") or one that reads as time ("as talks continue") reports nothing.
                # "As reported by the Courier, …" names its source as the agent.
                k = t.right_edge.i + 1
                while k < t.head.i and (self.doc[k].is_punct or self.doc[k].is_space):
                    k += 1
                head = t.head
                start, end = self.doc[k].idx, head.right_edge.idx + len(head.right_edge)
                if head.right_edge.i - k < 3:
                    continue
                named = _passive_agent(t)
            elif (t.dep_ == "advcl" and t.i > t.head.i and t.head.pos_ in _VERB_POS and t.tag_ == "VBN"
                  and any(m.dep_ == "mark" and m.lower_ == "as" for m in t.children)
                  and _passive_agent(t) is not None):
                # "The mill will close, as first reported by the Courier": the clause before it
                head = t.head
                k = t.left_edge.i - 1
                while k > head.left_edge.i and (self.doc[k].is_punct or self.doc[k].is_space):
                    k -= 1
                if k - head.left_edge.i < 3:
                    continue
                start, end = head.left_edge.idx, self.doc[k].idx + len(self.doc[k])
                named = _passive_agent(t)
            elif (t.dep_ == "acl" and t.tag_ == "VBN" and t.i > t.head.i and t.head.dep_ in _SUBJ
                  and t.head.head.pos_ in _VERB_POS and t.left_edge.i > 0 and t.right_edge.i + 1 < len(self.doc)
                  and self.doc[t.left_edge.i - 1].text == "," and self.doc[t.right_edge.i + 1].text == ","
                  and _passive_agent(t) is not None):
                # "The plan, first reported by the Courier, would close the ferry": the sentence
                head = t.head.head
                start, end = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
                named = _passive_agent(t)
            elif t.dep_ == "parataxis" and t.head.pos_ in _VERB_POS and any(c.dep_ in _SUBJ for c in t.children):
                head = t.head
                start, end = head.left_edge.idx, head.right_edge.idx + len(head.right_edge)
                if head.right_edge.i - head.left_edge.i < 4:
                    continue
                if t.left_edge.i > head.i and all(x.is_punct or x.is_space for x in
                                                  self.doc[t.right_edge.i + 1: head.right_edge.i + 1]) and all(
                        _cue_adjunct(c) for c in t.children if c.i > t.i):
                    # the cue clause closes the sentence ("…, Brenner said, on condition of anonymity"):
                    # the content stops before it
                    k = t.left_edge.i - 1
                    while k > head.left_edge.i and (self.doc[k].is_punct or self.doc[k].is_space):
                        k -= 1
                    end = self.doc[k].idx + len(self.doc[k])
            elif t.dep_ in ("parataxis", "advcl") and (sent := _set_off_cue_sentence(t)) is not None:
                # 'The hashtag, Mr. Abboud said, accompanied …' misparsed around a noun: the sentence
                start, end = sent
            else:
                continue
            start, end = _trim(self.text, start, end)
            nl = self.text.find("\n", start, end)
            while nl >= start and not self.text[start:nl].strip(_TRIM + "\"“”'‘’"):
                # a closing mark of the previous paragraph hung on the content: start after it
                start, end = _trim(self.text, nl + 1, end)
                nl = self.text.find("\n", start, end)
            if nl > start and not self._in_quote(nl):
                # the parser ran on across a line break ("Trump says X;\nAfter the debate, ..."): a
                # statement keeps to the line of its cue
                if end <= t.idx:
                    start, end = _trim(self.text, self.text.rfind("\n", start, end) + 1, end)
                else:
                    start, end = _trim(self.text, start, nl)
            start, end = self._fit_quotes(start, end)
            if end - start < (2 if short else 8):
                continue
            self.used_cues.add(t.i)
            # A misattached clause is the cue's complement in all but the parse.
            self.comp = ("short-" if short else "") + (
                "ccomp" if misattached else comp.dep_ if comp is not None else "parataxis")
            self._add(start, end, t, direct=self._is_quote(start, end), subject=named)
            self.comp = ""

    def trailing(self) -> None:
        """A sentence closed by a bare cue clause the parser left unattached ("X is true, he said.")."""
        doc, text = self.doc, self.text
        for t in doc:
            if t.i in self.used_cues or not _is_cue(t) or self._in_quote(t.idx):
                continue
            addressee = t.lemma_.lower() in _ADDRESSEE_OBJECT
            if any(c.dep_ in ("ccomp", "xcomp") or (c.dep_ == "dobj" and not addressee)
                   for c in t.children if c.i > t.i):
                continue  # the cue has content of its own after it ("told The Post" names who heard it)
            if any(c.dep_ in ("nsubjpass", "auxpass") for c in t.children):
                continue  # "…, the harbour master was warned": the subject heard it, he did not say it
            subj = _subject(t) or _inverted_subject(t)
            if subj is None:
                continue
            # The clause: [subject] cue [adjuncts] up to the sentence end, after a comma.
            k = t.i - 1
            if subj.i < t.i and subj.left_edge.i > 0 and t.i - subj.left_edge.i <= 2 * _INVERTED_WORDS:
                k = subj.left_edge.i - 1  # "…, his top aide, Tad Devine, told …": the whole subject
            while k >= 0 and t.i - k <= _INVERTED_WORDS and doc[k].text != "," and doc[k].pos_ not in _VERB_POS:
                k -= 1
            if k < 1 or doc[k].text != ",":
                continue
            tail = doc[t.i + 1: min(len(doc), t.i + 1 + _TRAIL_AFTER)]
            end_tok = next((x for x in tail if x.text in (".", "?", "!", ";") or "\n" in x.text), None)
            if end_tok is None or any(x.pos_ == "VERB" and not _adjunct_of(x, t) for x in doc[t.i + 1: end_tok.i]):
                continue
            lo = _window(t, _MAX_SCAN)[0].i
            if lo >= k - 1 and k > 1:
                # the parser began a sentence at the comma before the cue clause: the statement is
                # the sentence before it
                lo = _window(doc[k - 1], _MAX_SCAN)[0].i
            start = max(doc[lo].idx, text.rfind("\n", doc[lo].idx, doc[k].idx) + 1)
            start, end = _trim(text, start, doc[k].idx)
            if end - start < 12 or len(text[start:end].split()) < _MIN_WORDS + 1:
                continue
            self.used_cues.add(t.i)
            self.comp = "trail"
            self._add(start, end, t, direct=self._is_quote(start, end), subject=subj)
            self.comp = ""

    def beliefs(self) -> None:
        """Opinion, evidence and evaluation verbs with a subject and a complement."""
        for t in self.doc:
            if not _is_belief(t) or self._in_quote(t.idx):
                continue
            lemma = t.lemma_.lower()
            if lemma in _RELAY_VERBS and t.tag_ == "VBG" and t.head is not t and _is_cue(t.head):
                continue  # "the Post reported, citing two officials": the relayed source, not a claim
            subj = {c.dep_ for c in t.children} & set(_SUBJ)
            # "is expected to win": the passive of a wish or forecast, for the learned filter to judge
            # "…, citing health concerns": a participle takes its clause's subject, for the filter to judge
            # ("… and called him a liar" takes it from the first verb)
            inherits = self.loose and not subj and (
                (t.tag_ == "VBG" and t.dep_ in ("advcl", "conj", "xcomp"))
                or (t.dep_ == "conj" and t.head.pos_ == "VERB"))
            if "nsubj" not in subj and not inherits and not (
                    self.loose and "nsubjpass" in subj and lemma in _LOOSE_XCOMP):
                continue
            deps: tuple[str, ...] = ("ccomp", "xcomp", "dobj", "oprd") + (("acomp",) if lemma in _RAISING else ())
            if lemma in CLAUSE_ONLY:
                deps = ("ccomp", "xcomp") if self.loose and lemma in _LOOSE_XCOMP else ("ccomp",)
            comps = [c for c in t.children if c.i > t.i and c.dep_ in deps]
            short = False
            if not comps and self.loose and lemma in ("show", "find") and _evidence_subject(t):
                # "a new poll shows Clinton with a double-digit lead": the object and what follows it
                comps = [c for c in t.children if c.i > t.i and c.dep_ in ("dobj", "prep", "advmod", "oprd")]
                if not any(c.dep_ == "dobj" for c in comps):
                    comps = []
            if not comps and self.loose:
                # "called for a recount", "pointed to the polls", "described him as a bully": the
                # object of the verb's own preposition
                preps = _BELIEF_PREPS.get(lemma, ())
                comps = [o for p in t.children if p.dep_ == "prep" and p.i > t.i and p.lower_ in preps
                         for o in p.children if o.dep_ in ("pobj", "pcomp")]
                short = bool(comps)
            if not comps:
                continue
            lo = min(c.left_edge.i for c in comps)
            hi = max(c.right_edge.i for c in comps)
            raising = lemma in _RAISING and "nsubj" in subj
            if raising:
                # "Trump appears to ignore it" says something about Trump, from an unnamed source
                lo = min(lo, next(c for c in t.children if c.dep_ == "nsubj").left_edge.i)
            if hi - lo < 1:
                # "endorsed Cruz": a one-word object only the learned filter may keep
                if not (self.loose and comps[0].pos_ == "PROPN"):
                    continue
                short = True
            start, end = _trim(self.text, self.doc[lo].idx, self.doc[hi].idx + len(self.doc[hi]))
            end = _balance_end(self.text, start, end)
            if end - start < (2 if short else 6) or "\n" in self.text[start:end]:
                continue
            self.used_cues.add(t.i)
            self.comp = ("short-" if short else "") + "+".join(sorted({c.dep_ for c in comps}))
            # "The council is expected to approve it": those who expect it are its source, not the council
            agent = next((o for p in t.children if p.dep_ == "agent" for o in p.children if o.dep_ == "pobj"), None)
            self._add(start, end, t, direct=False, subject=agent,
                      speakerless=raising or ("nsubj" not in subj and not inherits))
            self.comp = ""

    def _drop_next_opening(self, start: int, end: int) -> tuple[int, int]:
        """Leave out the opening mark of the next sentence's quotation that the parser hung on this one."""
        k = bisect_left(self._qstarts, end) - 1
        if k >= 0 and start < self.quotes[k].start and not self.text[self.quotes[k].start: end].strip(_CLOSERS + " "):
            return _trim(self.text, start, self.quotes[k].start)
        return start, end

    def _fit_quotes(self, start: int, end: int) -> tuple[int, int]:
        """Content boundaries squared with the quotation marks around and inside them."""
        start, end = self._drop_next_opening(start, end)
        end = self._extend_over_quotes(start, _balance_end(self.text, start, end))
        return self._whole_quotation(start, end)

    def _whole_quotation(self, start: int, end: int) -> tuple[int, int]:
        """Take in the opening mark of a quotation the content begins just inside ('told the crowd
        "We will win"': the parser leaves the mark to the cue), when the content runs to its end."""
        k = bisect_left(self._qstarts, start) - 1
        if k >= 0:
            q = self.quotes[k]
            if q.closed and q.inner[0] == start and end <= q.end and not self.text[end: q.end].strip(_TRIM + _CLOSERS):
                return q.start, q.end
        return start, end

    def _extend_over_quotes(self, start: int, end: int) -> int:
        """Extend indirect content over a quotation it opens, or one it introduces with a colon."""
        text = self.text
        k = bisect_left(self._qstarts, end) - 1
        if k >= 0:
            q = self.quotes[k]
            if start <= q.start < end < q.end and "\n" not in text[end: q.end]:
                return q.end
        if k + 1 < len(self.quotes):
            q = self.quotes[k + 1]
            gap = text[end: q.start]
            if gap.strip() == ":" and "\n" not in text[end: q.end]:
                return q.end
        return end

    def _in_quote(self, pos: int) -> bool:
        """``pos`` lies inside a closed quotation (a cue there is the quoted speaker's, nested)."""
        k = bisect_left(self._qstarts, pos) - 1
        return k >= 0 and self.quotes[k].closed and pos < self.quotes[k].end

    def _is_quote(self, start: int, end: int) -> bool:
        return any(q.start <= start and end <= q.end + 1 for q in self.quotes) or (
            self.text[start] in "“\"«„'‘" and self.text[end - 1] in _CLOSERS
        )

    # -- standings in a poll ----------------------------------------------------------------------
    def polls(self) -> None:
        """A standing measured by polls ("Trump has a decisive lead in the polls"): the clause, from the poll."""
        doc = self.doc
        for t in doc:
            if t.lower_ != "in" or t.dep_ != "prep":
                continue
            obj = next((o for o in t.children if o.dep_ == "pobj" and o.lemma_.lower() in _POLL_NOUNS), None)
            if obj is None:
                continue
            head = t.head
            for _ in range(3):  # "a decisive lead in the polls": the clause of the verb above the noun
                if head.pos_ in _VERB_POS or head.head.i == head.i:
                    break
                head = head.head
            if head.pos_ not in _VERB_POS:
                continue
            lo, hi = head.left_edge.i, head.right_edge.i
            if t.i > head.i:
                hi = t.left_edge.i - 1  # the poll phrase closes the clause: what comes before it
            else:
                lo = t.right_edge.i + 1  # it opens the clause: what follows it
            span = self._clause_span(lo, hi, min_tokens=3)
            if span is not None:
                self.comp = "poll"
                self._add(*span, t, direct=False, subject=obj)
                self.comp = ""

    def hearsay(self) -> None:
        """A clause marked as second-hand ("Cuccinelli reportedly left the floor"): the clause, no source."""
        doc = self.doc
        for t in doc:
            if t.lower_ not in _HEARSAY or t.dep_ != "advmod" or t.head.pos_ not in _VERB_POS:
                continue
            head = t.head
            if self._in_quote(t.idx) or not any(c.dep_ in _SUBJ for c in head.children):
                continue
            span = self._clause_span(head.left_edge.i, head.right_edge.i, min_tokens=4, skip_deps=("cc", "mark"))
            if span is not None:
                self.comp = "hearsay"
                self._add(*span, t, direct=False, speakerless=True)
                self.comp = ""

    def _clause_span(self, lo: int, hi: int, *, min_tokens: int,
                     skip_deps: tuple[str, ...] = ()) -> tuple[int, int] | None:
        """Character span of tokens ``lo..hi`` without edge punctuation (and leading ``skip_deps``).

        None when fewer than ``min_tokens`` remain or the span crosses a line break.
        """
        doc = self.doc
        while lo <= hi and (doc[lo].is_punct or doc[lo].is_space or doc[lo].dep_ in skip_deps):
            lo += 1
        while hi >= lo and (doc[hi].is_punct or doc[hi].is_space):
            hi -= 1
        if hi - lo < min_tokens - 1 or any("\n" in x.text for x in doc[lo: hi + 1]):
            return None
        return _trim(self.text, doc[lo].idx, doc[hi].idx + len(doc[hi]))

    # -- according to --------------------------------------------------------------------------
    def according(self) -> None:
        doc = self.doc
        for t in doc:
            if t.lower_ != "according" or t.i + 1 >= len(doc) or doc[t.i + 1].lower_ != "to":
                continue
            to = doc[t.i + 1]
            obj = next((o for o in to.children if o.dep_ == "pobj"), None)
            if obj is None:
                continue
            if (t.head is not t and t.head.i < t.i and is_outlet(obj)
                    and any(c.cue is not None and c.cue.i == t.head.i and c.direct for c in self.cands)):
                # '"…," Lind said, according to Reuters': the outlet relays that quotation, which the
                # direct rule has taken (and names Reuters in its chain). People it is according to make
                # a statement of their own that holds the other ("…, according to two deckhands"), and
                # so does an outlet reporting a clause ("officials dispute that reading, according to
                # the Wire").
                continue
            sent = _window(t, 80)
            ph_lo, ph_hi = t.i, max(obj.right_edge.i, to.i)
            while ph_hi > obj.i and doc[ph_hi].is_punct:
                ph_hi -= 1  # "according to Lind, an envoy," hangs the closing comma on the name
            s_lo, s_hi = sent[0].i, sent[-1].i
            # A line break or a colon before the phrase starts its sentence ("7:05 p.m.\n\n The
            # top quality ...", "It has not gone unnoticed: according to polls, ..."); one after
            # it ends the sentence.
            for k in range(s_lo, ph_lo):
                if "\n" in doc[k].text or doc[k].text in (":", ";"):
                    s_lo = k + 1
            s_hi = next((k - 1 for k in range(ph_hi + 1, s_hi + 1) if "\n" in doc[k].text), s_hi)
            # The content is the clause the phrase is attached to: what follows a leading phrase,
            # the whole sentence around a phrase set off in its middle ("Fundraising, according
            # to the campaign, has surged"), otherwise what precedes it (trailing adjuncts after
            # the phrase are not the claim).
            if all(doc[k].pos_ in _LEAD_POS for k in range(s_lo, ph_lo)):
                a, b = ph_hi + 1, s_hi
            elif _set_off_mid_clause(doc, ph_lo, ph_hi, s_hi):
                a, b = s_lo, s_hi
            else:
                a, b = s_lo, ph_lo - 1
            if b - a < 2:
                continue
            start, end = _trim(self.text, doc[a].idx, doc[b].idx + len(doc[b]))
            if end - start < 8 or "\n" in self.text[start:end]:
                continue
            source = _source_of_report(obj)
            if source is None:
                self._add(start, end, None, direct=False, cue_text="according to", subject=obj)
            else:
                # "according to a Reuters report" / "a report by the board": the outlet or author
                self._add(start, end, None, direct=False, cue_text="according to",
                          speaker=_describe_owner(source, self.resolver))

    # -- noun cues -----------------------------------------------------------------------------
    def noun_cues(self) -> None:
        """'claims by two pilots that the berth was too shallow': a reporting noun and the "that"
        clause it introduces, spoken by its "by" agent or possessor when it names one.

        A relative clause ("the claim that he made") has no "that" mark and is left alone.
        """
        for t in self.doc:
            if t.pos_ != "NOUN" or t.lemma_.lower() not in _NOUN_CUES or self._in_quote(t.idx):
                continue
            clause = next((c for c in t.children if c.dep_ in ("acl", "ccomp", "appos") and c.i > t.i
                           and c.pos_ in _VERB_POS), None)
            that = None if clause is None else next(
                (m for m in clause.children if m.dep_ == "mark" and m.lower_ == "that" and m.i < clause.i), None)
            if that is None and t.lemma_.lower() in _NOUN_TO_CUES and t.i + 1 < len(self.doc):
                to = self.doc[t.i + 1]
                verb = to.head
                if (to.lower_ == "to" and to.dep_ == "aux" and verb.head.i == t.i and verb.i > t.i
                        and verb.dep_ in ("acl", "relcl") and verb.pos_ in _VERB_POS):
                    # "his promise to build a new pier": what was promised
                    clause, that = verb, to
            if clause is None or that is None or that.i - t.i > _NOUN_THAT_REACH:
                continue
            hi = clause.right_edge
            if hi.i - that.i < _MIN_WORDS:
                continue
            agent = _by_object(t, before=that.i) or next((c for c in t.children if c.dep_ == "poss"), None)
            speaker = None if agent is None else _describe_owner(agent, self.resolver)
            start, end = self._fit_quotes(*_trim(self.text, that.idx, hi.idx + len(hi)))
            self.used_cues.add(t.i)
            self._add(start, end, t, direct=self._is_quote(start, end), speaker=speaker, speakerless=speaker is None)

    # -- headline forms ------------------------------------------------------------------------
    def headline_says(self) -> None:
        """'Brandt says cut fares to save the ferry': a headline's speaker, present-tense cue and claim.

        Headline grammar drops articles and verbs, so the parse rarely gives the cue its clause; a
        first line that no other rule took is read by its surface form.
        """
        text = self.text
        nl = text.find("\n")
        line_end = len(text) if nl < 0 else nl
        if line_end > HEADLINE_CHARS or any(c.start < line_end for c in self.cands):
            return
        m = _HEADLINE_SAYS.match(text, 0, line_end)
        if m is None or len(m.group("who").split()) > _HEADLINE_WHO_WORDS:
            return
        cue = self.doc[self.idx.first_at(m.start("cue"))]
        if cue.idx != m.start("cue") or cue.i == 0:
            return
        start, end = _trim(text, m.start("what"), line_end)
        if len(text[start:end].split()) < _MIN_WORDS:
            return
        speaker = describe(self.doc[cue.i - 1], self.resolver, before=cue.i)
        self._add(start, end, cue, direct=self._is_quote(start, end), speaker=speaker)

    # -- colon forms ---------------------------------------------------------------------------
    def colons(self) -> None:
        text = self.text
        pos = 0
        while pos < len(text):
            nl = text.find("\n", pos)
            para_end = len(text) if nl < 0 else nl
            colon = text.find(":", pos, min(para_end, pos + _COLON_REACH))
            if colon > pos:
                self._colon_para(pos, colon, para_end)
            pos = para_end + 1

    def _colon_para(self, pos: int, colon: int, para_end: int) -> None:
        doc, text = self.doc, self.text
        headline = pos == 0
        dashes = list(_KICKER_DASH.finditer(text, pos, colon))
        kicker = dashes[-1] if dashes else None
        if kicker is not None and text[colon + 1: para_end].lstrip()[:1] in "“\"‘'":
            pos = kicker.end()  # the label after a kicker introduces a quotation
        lead = text[pos:colon].strip().strip("\"“'‘")
        if lead.startswith("More from "):  # "More from Jo Bell: ..." continues an earlier citation
            pos = text.index("More from ", pos) + len("More from ")
            lead = lead[len("More from "):]
        if lead in ("Q", "A"):  # interview transcripts: the interviewer's and the answerer's turns
            self._colon_turn(pos, colon, para_end)
            return
        if not lead or not lead[0].isupper() or len(lead.split()) > 6:
            return
        # "TAPPER: ...": a transcript's speaker label in capitals, whatever the tagger made of it
        caps = pos == text.rfind("\n", 0, colon) + 1 and len(lead.split()) <= 2 and all(
            w.isupper() and w.isalpha() and len(w) > 2 for w in lead.replace(".", " ").split())
        toks = doc[self.idx.first_at(pos): self.idx.first_at(colon)]
        if not toks or (any(t.pos_ in _VERB_POS for t in toks) and not caps):
            return
        words = [t for t in toks if not t.is_punct]
        if len(words) > 1 and words[0].is_upper and len(words[0]) > 3 and any(
                t.text in ("-", "–", "—", "|") for t in toks[: words[1].i - toks.start]):
            words = words[1:]  # a kicker label: "EXCLUSIVE – Jo Bell: ..."
        cut = next((k for k, w in enumerate(words) if w.pos_ == "ADP"), None)
        if cut:
            words = words[:cut]  # "Jo Bell at the rally: ...": the speaker comes before the place
        # A one-word headline label ("Poll: ...", "Insiders: ...") names its source too.
        label = headline and len(words) == 1 and words[0].is_title and words[0].lower_ not in _COLON_LABELS
        if not words or (not any(t.pos_ == "PROPN" or t.ent_type_ == "PERSON" for t in words) and not (
                len(words) == 1 and words[0].is_title and self.resolver.known(words[0].text)) and not label
                and not caps):
            return
        named = (any(t.ent_type_ == "PERSON" for t in words)
                 or all(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") for t in words)
                 or (len(words) <= 2 and all(t.pos_ == "PROPN" for t in words))
                 or (len(words) <= 3 and all(w.is_title or w.is_upper for w in words)
                     and self.resolver.known(words[-1].text) is not None))
        if not (named or label or (len(words) <= 3 and all(w.is_upper for w in words))):
            return
        if all(t.ent_type_ in ("GPE", "LOC") for t in words) or words[0].lower_ in _COLON_LABELS:
            return  # "Ohio: ..." lists, "Q: ..." questions, "Twitter: @handle" signatures
        if any(t.like_num for t in toks):  # times and scores ("10:30")
            return
        start, end = _trim(text, colon + 1, para_end)
        # A question after a label is a headline's teaser ("Poll: Who will win?"), except in a
        # transcript, where the interviewer's turn is what they said.
        if end - start < 8 or (text[end - 1] == "?" and not caps) or any(
                c.start < end and start < c.end for c in self.cands):
            return
        lead_toks = words
        a, b = lead_toks[0].idx, lead_toks[-1].idx + len(lead_toks[-1])
        name = text[a:b]
        if any(t.ent_type_ == "PERSON" for t in lead_toks):
            name = self.resolver.canonical(name)
        else:
            name = self.resolver.known(name) or name
        speaker = Speaker(name, (a, b), outlet=is_outlet(lead_toks[-1]))
        self._add(start, end, None, direct=self._is_quote(start, end), cue_text=":", speaker=speaker)

    def _colon_turn(self, pos: int, colon: int, para_end: int) -> None:
        """A "Q:" or "A:" turn of an interview transcript: the label is the speaker."""
        start, end = _trim(self.text, colon + 1, para_end)
        if end - start < 8 or any(c.start < end and start < c.end for c in self.cands):
            return
        a = self.text.index(self.text[pos:colon].strip(), pos)
        self._add(start, end, None, direct=self._is_quote(start, end), cue_text=":",
                  speaker=Speaker(self.text[a], (a, a + 1)))

    # -- assembling ----------------------------------------------------------------------------
    def _add(self, start: int, end: int, cue: Token | None, *, direct: bool, cue_text: str | None = None,
             subject: Token | None = None, speaker: Speaker | None = None, speakerless: bool = False) -> None:
        if end <= start:
            return
        if not self.comp.startswith("short-"):
            # "Social media has added another link, she noted": the short object of a cue inside
            # the content gives way to the statement around it.
            # So does a noun object inside a clause ('Schools have costs to consider when it comes to
            # charging fees -- heating, transport -- Okafor said': "charging" reports nothing).
            self.cands = [c for c in self.cands if not (
                (c.comp.startswith("short-") or (c.comp == "dobj" and self.comp == "ccomp"))
                and start <= c.start and c.end <= end and (c.start, c.end) != (start, end))]
        for c in self.cands:
            inter = min(c.end, end) - max(c.start, start)
            if self.rule in NESTABLE_RULES and start <= c.start and c.end <= end and (c.start, c.end) != (start, end):
                continue  # "he told them that X, according to sources": the sources' statement holds his
            if inter > 0.5 * min(c.end - c.start, end - start):
                return
        head = subject if subject is not None else (
            _subject(cue, quoted=self._in_quote) if cue is not None and not speakerless else None)
        if speaker is None and head is not None:
            speaker = describe(head, self.resolver)
        via: list[tuple[int, str]] = []
        anchor = cue if cue is not None else head
        if speaker is not None and speaker.outlet:
            via.append((0, speaker.name or ""))
            cited = _citing(cue, self.resolver) if cue is not None else None
            speaker = cited
        if cue is not None and speaker is not None and not speaker.outlet:
            # "X told Reuters": the outlet that was told relays the words
            for who in _addressees(cue):
                named = who if is_outlet(who) else _outlet_antecedent(who)
                if named is not None:
                    spk = describe(named, self.resolver)
                    if spk.name:
                        via.append((0, spk.name))
        if anchor is not None:
            exclude = {anchor.i} | ({head.i} if head is not None else set())
            via.extend(v for v in _via_in_sentence(anchor, self.resolver, exclude) if v[1] not in {x[1] for x in via})
        via.sort(key=lambda v: v[0])
        self.cands.append(_Cand(
            start=start, end=end, cue=cue,
            cue_text=cue_text if cue_text is not None else (_cue_text(cue) if cue is not None else None),
            speaker=speaker, direct=direct, via=[v[1] for v in via],
            hedged=_hedged(cue, head, *self._content_roots(start, end)) or self._hedge_words(start, end, cue),
            cue_class=(_cue_class(cue) if cue is not None else ("say" if cue_text == ":" else "report")),
            rule=self.rule, comp=self.comp,
        ))

    def _content_roots(self, start: int, end: int) -> list[Token]:
        """Tokens of the content whose syntactic head lies outside it (its main predicates)."""
        lo, hi = self.idx.first_at(start), self.idx.first_at(end)
        return [t for t in self.doc[lo: min(hi, lo + _MAX_SCAN)] if not (lo <= t.head.i < hi) or t.head.i == t.i][:4]

    def _hedge_words(self, start: int, end: int, cue: Token | None) -> bool:
        if cue is None:
            return False
        return any(t.lower_ in ("reportedly", "allegedly", "purportedly", "supposedly") for t in _window(cue, 20))

    def run(self) -> list[Quote]:
        stages: list[tuple[str, Callable[[], None]]] = [
            ("direct", self.direct), ("colon", self.colons), ("indirect", self.indirect),
            ("according", self.according), ("orphan", self.orphans), ("trailing", self.trailing),
            ("headline", self.headline_says), ("noun", self.noun_cues)]
        if self.with_beliefs:
            stages.append(("belief", self.beliefs))
        if self.loose:
            stages.extend((("poll", self.polls), ("hearsay", self.hearsay)))
        for name, stage in stages:
            self.rule = name
            stage()
        out = []
        for c in sorted(self.cands, key=lambda c: c.start):
            if not c.direct and not self.loose and len(self.text[c.start: c.end].split()) < _MIN_WORDS:
                continue  # "denied it", "called him" : objects too short to be a statement
            spk = c.speaker
            self.context.append(_context(c))
            out.append(Quote(
                text=self.text[c.start: c.end], start=c.start, end=c.end,
                speaker=spk.name if spk else None, speaker_span=spk.span if spk else None,
                cue=c.cue_text, direct=c.direct, via=tuple(c.via), cue_class=c.cue_class, hedged=c.hedged,
                anonymous=bool(spk and spk.anonymous), source_count=spk.count if spk else None,
                affiliation=spk.affiliation if spk else None,
            ))
        return out


_MODALS = frozenset({"will", "would", "could", "may", "might", "should", "can", "must"})


def _context(c: _Cand) -> list[str]:
    """Binary features of a candidate's rule, cue verb and speaker, for the learned filter."""
    spk = c.speaker
    who = ("none" if spk is None else "outlet" if spk.outlet else "anon" if spk.anonymous
           else "named" if spk.name and spk.name[:1].isupper() else "other")
    f = ["rule=" + c.rule, f"rule={c.rule}|spk={who}", f"rule={c.rule}|via={bool(c.via)}", f"comp={c.comp}",
         f"rule={c.rule}|comp={c.comp}"]
    cue = c.cue
    if cue is None:
        return [*f, f"rule={c.rule}|nocue"]
    lemma = cue.lemma_.lower()
    kids = list(cue.children)
    deps = {k.dep_ for k in kids}
    f += [f"lemma={lemma}", f"rule={c.rule}|lemma={lemma}", f"cdep={cue.dep_}", f"rule={c.rule}|cdep={cue.dep_}",
          f"tag={cue.tag_}", f"neg={'neg' in deps}", f"pass={'nsubjpass' in deps or 'auxpass' in deps}",
          f"modal={any(k.lower_ in _MODALS for k in kids if k.dep_ == 'aux')}",
          f"to={any(k.lower_ == 'to' and k.dep_ == 'aux' for k in kids)}",
          f"lemma={lemma}|spk={who}", f"lemma={lemma}|neg={'neg' in deps}",
          f"mark={any(g.dep_ == 'mark' and g.lower_ == 'that' for k in kids if k.dep_ == 'ccomp' for g in k.children)}",
          f"hpos={cue.head.pos_ if cue.head is not cue else 'ROOT'}", f"lemma={lemma}|comp={c.comp}"]
    return f


def extract_from_doc(doc: Doc, *, beliefs: bool = True, refine: bool = True) -> list[Quote]:
    """Attributed statements in a parsed document.

    Args:
        doc: a spaCy ``Doc`` parsed with tagger, parser, lemmatizer and NER.
        beliefs: also report opinion and evaluation attributions ("X thinks...", "a poll shows...").
        refine: re-choose content boundaries and drop unlikely statements with the packaged
            model (`storyline.attribute_model`); off gives the rules' raw output (for training).
    """
    if not doc.text.strip() or len(doc) == 0:
        return []
    from storyline.attribute_model import load_model
    from storyline.attribute_model import refine as refine_spans

    model = load_model() if refine else None
    # With a model, the rules also propose weaker candidates that the model filters.
    ex = _Extractor(doc, with_beliefs=beliefs, loose=model is not None)
    found = ex.run()
    if model is not None:
        found = refine_spans(doc.text, found, context=ex.context, model=model, doc=doc)
        found = _split_quotations(found, ex.quotes)
    return [_asker(q, doc, ex.resolver) for q in found]


def _split_quotations(quotes: list[Quote], quotations: list[QuoteSpan]) -> list[Quote]:
    """Each statement made of two quotations around its own attribution: one span over the whole
    passage when the attribution between them is short, otherwise its longer quotation alone.

    '"The risk," said Jo Bell, an economist who directs the harbour forecast, "is that …"': one
    span can only hold both parts with the attribution in it, so when that clause is longer than
    the shorter part, the longer part is a statement by that speaker, and so is the shorter part
    when it is a sentence's worth of words (`_PART_WORDS`); a fragment ("The risk,") is not.

    Args:
        quotes: the document's statements, after the boundary model.
        quotations: the document's quoted passages.
    """
    starts = [q.start for q in quotations]
    out = []
    for quote in quotes:
        k = bisect_left(starts, quote.start)
        first = quotations[k] if k < len(quotations) and starts[k] == quote.start else None
        if not quote.direct or first is None or first.end >= quote.end or quote.speaker_span is None:
            out.append(quote)
            continue
        # quotations are in document order: those inside the statement follow the first one
        k_end = bisect_left(starts, quote.end, lo=k)
        inside = [q for q in quotations[k:k_end] if q.end <= quote.end]
        second = inside[1] if len(inside) == 2 else None
        if (second is None or second.end != quote.end
                or not first.end <= quote.speaker_span[0] < quote.speaker_span[1] <= second.start):
            out.append(quote)
            continue
        a, b, gap = first.end - first.start, second.end - second.start, second.start - first.end
        # One span stays when it covers the two parts better than the longer part alone would.
        if max(a, b) / (a + b) <= (a + b) / (a + b + gap):
            out.append(quote)
            continue
        longer, shorter = (first, second) if a >= b else (second, first)
        parts = [longer]
        if len(quote.text[shorter.start - quote.start: shorter.end - quote.start].split()) >= _PART_WORDS:
            parts.append(shorter)
        out.extend(dataclasses.replace(quote, start=part.start, end=part.end,
                                       text=quote.text[part.start - quote.start: part.end - quote.start])
                   for part in sorted(parts, key=lambda q: q.start))
    return out


def _asker(quote: Quote, doc: Doc, resolver: Resolver) -> Quote:
    """The statement with the asker as speaker when its speaker was only the person asked.

    "Macron was asked if …": Macron is asked, the question is someone else's; the asker is the
    agent when named ("by the host"), else unknown. Applied after the boundary model, whose
    features were learned with the subject as found.

    Args:
        quote: a statement.
        doc: its parse.
        resolver: the document's name resolver.
    """
    if quote.speaker_span is None or not quote.cue:
        return quote
    lo, hi = quote.speaker_span
    span = doc.char_span(lo, hi, alignment_mode="expand")
    subj = next((t for t in span if t.dep_ == "nsubjpass"), None) if span is not None else None
    asked = subj.head if subj is not None else _asked_participle(quote, doc, span)
    if asked is None or asked.lemma_.lower() not in _ASK_WHOM or asked.lower_ not in quote.cue.lower():
        return quote
    agent = _passive_agent(asked)
    if agent is None:
        return dataclasses.replace(quote, speaker=None, speaker_span=None, anonymous=False, source_count=None,
                                   affiliation=None)
    spk = describe(agent, resolver)
    return dataclasses.replace(quote, speaker=spk.name, speaker_span=spk.span, anonymous=spk.anonymous,
                               source_count=spk.count, affiliation=spk.affiliation)


def _asked_participle(quote: Quote, doc: Doc, span: Span | None) -> Token | None:
    """'Asked whether he would sign, Brandt gave a vague answer': the participle whose question was
    put to the subject of the clause it opens (the speaker span), or None."""
    subj = next((t for t in span if t.dep_ == "nsubj"), None) if span is not None else None
    if subj is None:
        return None
    # A sentence-initial "Asked" is often tagged as a past tense; with no subject it is the participle.
    return next((c for c in subj.head.children if c.dep_ == "advcl" and c.i < subj.i
                 and (c.tag_ == "VBN" or (c.tag_ == "VBD" and c.is_sent_start))
                 and c.idx < quote.start and not any(k.dep_ in _SUBJ for k in c.children)), None)


def extract_with_context(doc: Doc) -> tuple[list[Quote], list[list[str]]]:
    """The rules' raw statements and, for each, the binary features of its rule and cue (training).

    Args:
        doc: a parsed document.
    """
    if not doc.text.strip() or len(doc) == 0:
        return [], []
    ex = _Extractor(doc, loose=True)
    return ex.run(), ex.context


__all__ = ["extract_from_doc"]
