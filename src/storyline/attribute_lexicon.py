"""Word lists for attribution: cue verbs and their classes, outlets, unnamed-source nouns.

These are general English word lists (not drawn from any evaluation data). Cue verbs are keyed
by lemma; the class is the kind of speech act.
"""

from __future__ import annotations

#: Lemma of a verb of saying -> its cue class.
CUE_VERBS: dict[str, str] = {
    # plain reporting
    "say": "say", "tell": "say", "add": "say", "note": "say", "state": "say", "explain": "say",
    "write": "say", "remark": "say", "comment": "say", "respond": "say", "reply": "say",
    "recall": "say", "tweet": "say", "post": "say", "declare": "say", "observe": "say",
    "continue": "say", "answer": "say", "mention": "say", "stress": "say", "emphasize": "say",
    "emphasise": "say", "testify": "say", "shout": "say", "joke": "say", "quip": "say",
    "assure": "promise", "announce": "announce", "ask": "ask", "wonder": "ask", "question": "ask",
    # claims and arguments
    "claim": "claim", "assert": "claim", "insist": "claim", "argue": "claim", "contend": "claim",
    "maintain": "claim", "allege": "claim", "charge": "claim", "accuse": "claim", "boast": "claim",
    # denials
    "deny": "deny", "dispute": "deny", "reject": "deny", "refute": "deny",
    # warnings
    "warn": "warn", "caution": "warn",
    # commitments
    "promise": "promise", "pledge": "promise", "vow": "promise", "guarantee": "promise",
    "vowed": "promise",
    # suggestions
    "suggest": "suggest", "hint": "suggest", "imply": "suggest", "indicate": "suggest",
    "signal": "suggest", "propose": "suggest",
    # reports and disclosures
    "report": "report", "reveal": "report", "disclose": "report", "learn": "report",
    # agreement and admissions
    "confirm": "confirm", "acknowledge": "confirm", "admit": "confirm", "concede": "confirm",
    "agree": "confirm",
    # predictions
    "predict": "predict", "forecast": "predict",
    # complaints and conclusions
    "rule": "say",  # "ruled that" / "ruled out" (rule_out, from the particle)
    "complain": "complain", "lament": "complain", "conclude": "conclude",
}

#: Verbs of opinion, evidence and evaluation: attributions that are not speech. Their content is
#: a clausal complement, or the object for the evaluative ones ("called the plan a disaster").
BELIEF_VERBS: dict[str, str] = {
    "think": "believe", "believe": "believe", "feel": "believe", "doubt": "believe",
    "hope": "expect", "expect": "expect", "fear": "expect", "worry": "expect",
    "show": "report", "find": "report", "estimate": "report", "cite": "report",
    "call": "characterize", "describe": "characterize", "label": "characterize", "dub": "characterize",
    "blame": "accuse", "criticize": "accuse", "criticise": "accuse", "condemn": "accuse", "attack": "accuse",
    "urge": "urge", "demand": "urge", "recommend": "urge", "encourage": "urge",
    "endorse": "support", "praise": "support", "defend": "support",
    "oppose": "oppose", "decline": "decline", "refuse": "decline",
    # wishes, plans, perceptions and appearances: weaker attributions, filtered by the learned
    # model in `storyline.attribute_model`
    "want": "expect", "plan": "expect", "intend": "expect", "seek": "urge",
    "support": "support", "back": "support", "favor": "support", "favour": "support", "prefer": "support",
    "see": "believe", "know": "believe", "consider": "believe", "understand": "believe", "view": "believe",
    "suspect": "believe", "assume": "believe", "realize": "believe", "realise": "believe",
    "recognize": "believe", "appear": "believe", "seem": "believe",
    "hear": "report", "offer": "promise", "express": "say", "point": "report",
    # praise, scorn and decisions about something: the object is the content ("denounced the ruling")
    "tout": "support", "applaud": "support", "welcome": "support", "hail": "support", "champion": "support",
    "dismiss": "deny", "denounce": "accuse", "blast": "accuse", "slam": "accuse", "decry": "accuse",
    "lambaste": "accuse", "mock": "accuse", "discuss": "say", "decide": "expect", "threaten": "warn",
    "talk": "say", "refer": "say", "order": "urge",
}

#: Of the verbs above, those whose content can only be a clause ("found that...", not "found a job").
CLAUSE_ONLY = frozenset({"think", "believe", "feel", "doubt", "hope", "expect", "fear", "worry", "find", "show",
                         "estimate", "know", "understand", "suspect", "assume", "realize", "realise",
                         "recognize", "hear", "point", "talk", "refer"})

#: Words that hedge a statement.
HEDGE_WORDS = frozenset(
    {"may", "might", "could", "reportedly", "allegedly", "apparently", "purportedly", "supposedly",
     "possibly", "perhaps", "likely", "unconfirmed", "rumored", "rumoured", "seemingly"}
)

#: Nouns that name a news organisation's kind, so "the Post" or "Reuters" is a channel (via).
OUTLET_WORDS = frozenset(
    {"reuters", "ap", "afp", "bloomberg", "cnn", "bbc", "nbc", "abc", "cbs", "msnbc", "fox", "npr",
     "pbs", "politico", "axios", "breitbart", "times", "post", "journal", "telegraph", "guardian",
     "herald", "tribune", "gazette", "chronicle", "news", "press", "magazine", "newspaper", "daily",
     "agency", "wire", "television", "tv", "radio", "network", "newsweek", "economist", "independent",
     "observer", "mail", "sun", "mirror", "express", "atlantic", "hill", "examiner", "beacon", "slate",
     "salon", "vox", "buzzfeed", "huffington", "intercept", "reporter", "correspondent", "xinhua",
     "tass", "interfax", "yonhap", "kyodo", "dpa", "ansa", "efe", "aljazeera", "jazeera", "courier", "ledger",
     "dispatch", "bulletin",
     "outlet", "tabloid", "broadcaster", "website", "blog", "report"}
)

#: Outlet names made of one token that are clearly outlets on their own.
OUTLET_NAMES = frozenset(
    {"reuters", "ap", "afp", "bloomberg", "cnn", "bbc", "nbc", "abc", "cbs", "msnbc", "npr", "pbs",
     "politico", "axios", "breitbart", "newsweek", "xinhua", "tass", "interfax", "yonhap", "kyodo",
     "dpa", "ansa", "efe", "buzzfeed", "vox", "slate", "salon"}
)

#: Head nouns of unnamed sources ("two officials", "a senior diplomat").
ANON_NOUNS = frozenset(
    {"source", "official", "diplomat", "aide", "adviser", "advisor", "insider", "person", "people",
     "individual", "officer", "staffer", "member", "lawmaker", "analyst", "expert", "observer",
     "spokesman", "spokeswoman", "spokesperson", "representative", "investigator", "executive",
     "employee", "negotiator", "operative", "strategist", "ally", "confidant", "witness", "resident",
     "critic", "supporter", "associate", "colleague", "administrator", "agent", "worker", "envoy",
     "emissary", "mediator"}
)

#: Count words for unnamed sources.
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "another": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "dozen": 12, "both": 2, "several": 3,
}

#: Honorifics and titles stripped from a name when making the canonical form.
TITLES = frozenset(
    {"mr", "mrs", "ms", "miss", "dr", "prof", "sen", "senator", "rep", "gov", "governor", "president",
     "gen", "general", "col", "lt", "sgt", "adm", "judge", "justice", "secretary", "minister",
     "prime", "vice", "former", "rev", "sir", "dame", "lord", "lady", "mayor", "chancellor", "king",
     "queen", "prince", "princess", "pope", "speaker", "chairman", "chairwoman", "attorney",
     "candidate", "nominee", "sheriff", "commissioner", "ambassador", "director", "chief", "the"}
)

#: Pronouns that stand for one person, by gender where known.
PERSON_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f", "i": "", "we": "", "they": ""}


def cue_class(lemma: str) -> str | None:
    """The cue class of a verb lemma, or None when it is not a cue.

    Args:
        lemma: lower-case verb lemma.
    """
    return CUE_VERBS.get(lemma) or BELIEF_VERBS.get(lemma)


__all__ = [
    "ANON_NOUNS",
    "BELIEF_VERBS",
    "CLAUSE_ONLY",
    "CUE_VERBS",
    "HEDGE_WORDS",
    "NUMBER_WORDS",
    "OUTLET_NAMES",
    "OUTLET_WORDS",
    "PERSON_PRONOUNS",
    "TITLES",
    "cue_class",
]
