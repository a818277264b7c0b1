"""Does the body contradict its own headline? Cue rules over the body's sentences plus the stance model.

The headline's main event is read with a small lexicon of event classes (a breakdown, an agreement, a
death, a resignation...). A body sentence contradicts it when it states the opposite event about the
same topic ("talks collapse" vs "agreed to resume the talks") or negates the headline's own verb
("we did not walk out"). The stance model (headline as claim, body as evidence) adds weight when it
also reads the body as disagreeing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storyline.assess_text import Sentence, merge_adjacent, sentences
from storyline.records import Flag

#: A document is flagged when the combined score reaches this (calibrated on the demo corpus, see docs/FLAGS.md).
THRESHOLD = 0.6
#: Weight of one sentence stating the opposite event, and of one negating the headline's verb.
OPPOSITE_WEIGHT = 0.35
NEGATION_WEIGHT = 0.45
#: The stance model's "disagree" confidence at which it flags on its own (FNC-1 dev: see docs/FLAGS.md).
STANCE_ALONE = 0.7
#: At least this many contradicting sentences: one stray cue is too weak alone.
MIN_SENTENCES = 2
#: Only the first sentences carry the story's main line; later ones are background.
MAX_SENTENCES = 30


@dataclass(frozen=True, slots=True)
class _EventClass:
    name: str
    headline: re.Pattern[str]
    opposite: re.Pattern[str]
    # Opposite wording that only counts in a sentence about the headline's topic ("fighting continues").
    weak: re.Pattern[str] | None = None


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


# Written for this module: generic news wording for events and the wording that undoes them.
_CLASSES = (
    _EventClass(
        "breakdown",
        _rx(
            r"\b(collaps\w*|break(?:s)? down|broke down|f[ae]ll(?:s)? apart|fail(?:s|ed)?|walk(?:s|ed)? out|"
            r"storm(?:s|ed)? out|abandon(?:s|ed)?|call(?:s|ed)? off|scrap(?:s|ped)?|cancel(?:s|led|ed)?|"
            r"halt(?:s|ed)?|suspend(?:s|ed)?|pull(?:s|ed)? out|derail(?:s|ed)?|end(?:s|ed)? in failure|"
            r"founder(?:s|ed)?|torpedo(?:es|ed)?|quit(?:s)?)\b"
        ),
        _rx(
            r"\b(resum(?:e|es|ed|ing|ption)|reconven(?:e|es|ed)|back at the table|return(?:s|ed)? to the table|"
            r"pauses?|paused|adjourn(?:ed|ment)|postpon(?:e|ed|ement)|reschedul(?:e|ed)|not over|far from over|"
            r"will be back)\b"
        ),
        _rx(r"\b(continu(?:e|es|ed|ing)|on track|go ahead|next round)\b"),
    ),
    _EventClass(
        "agreement",
        _rx(r"\b(agree(?:s|d)?|deal|sign(?:s|ed)?|accord|breakthrough|approv(?:e|es|ed)|seal(?:s|ed)?)\b"),
        _rx(r"\b(no agreement|without (?:an? )?(?:agreement|deal)|fail(?:ed|s)? to (?:agree|reach|sign)|no deal)\b"),
        _rx(r"\b(not (?:yet )?(?:signed|agreed|approved)|deadlock(?:ed)?|stalled|rejected)\b"),
    ),
    _EventClass(
        "death",
        _rx(r"\b(kill(?:s|ed)?|dead|dies|died|death)\b"),
        _rx(r"\b(no one (?:was )?killed|nobody (?:was )?killed|no deaths|no casualties)\b"),
        _rx(r"\b(surviv(?:e|ed|es|ing)|alive|unharmed)\b"),
    ),
    _EventClass(
        "resignation",
        _rx(r"\b(resign(?:s|ed)?|quit(?:s)?|steps? down|stepped down|ousted|sacked|fired)\b"),
        _rx(r"\b(has not resigned|did not resign|no intention of (?:resigning|quitting|stepping down))\b"),
        _rx(r"\b(will stay|remain(?:s|ed)? in (?:office|post|his post|her post)|stay on)\b"),
    ),
    _EventClass(
        "admission",
        _rx(r"\b(admit(?:s|ted)?|confirm(?:s|ed)?|concede(?:s|d)?|acknowledg(?:e|es|ed))\b"),
        _rx(r"\b(never said|no such)\b"),
        _rx(r"\b(den(?:y|ies|ied)|rejected the (?:claim|report|account)s?)\b"),
    ),
)
_NEGATION = _rx(r"\b(not|never|no|n't|nothing|nobody|neither|nor)\b|n't\b")
_CONTENT = re.compile(r"[a-z]+")
# Wording that refutes a claim outright; what the stance-only route shows as evidence.
_REFUTE = _rx(
    r"\b(den(?:y|ies|ied)|false|hoax|fake|debunk(?:s|ed)?|not true|untrue|baseless|unfounded|fabricated|"
    r"refut(?:e|es|ed)|no evidence|never happened|made up|rejected (?:the|these|those) (?:claims?|reports?))\b"
)
# Words too common to carry a headline's topic or event.
_STOP = frozenset(
    [
        "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as",
        "is", "are", "was", "were", "be", "been", "it", "its", "this", "that", "after", "before", "over",
        "into", "amid", "says", "said", "say", "as", "new", "first", "two", "three", "more", "than", "s"
    ]
)
# Reported speech of a third party repeating the headline's claim is not the body contradicting it.
_WEAK_VERBS = frozenset({"say", "says", "said", "tell", "told", "make", "made", "take", "took", "get", "got"})


def _stem(word: str) -> str:
    for suf in ("ing", "ies", "ied", "ed", "es", "s"):
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            return word[: -len(suf)]
    return word


def _stems(text: str) -> list[str]:
    return [_stem(w) for w in _CONTENT.findall(text.lower()) if w not in _STOP and len(w) > 2]


def _negates(sentence: str, verb_stems: set[str]) -> bool:
    """A negation within three words before one of the headline's words ("did not walk out")."""
    toks = re.findall(r"[a-z]+(?:n't)?|n't", sentence.lower())
    for i, tok in enumerate(toks):
        if _stem(tok) in verb_stems and tok not in _WEAK_VERBS:
            window = toks[max(0, i - 3) : i]
            if any(_NEGATION.search(w) for w in window):
                return True
    return False


def _names(text: str) -> set[str]:
    """Stems of words the body capitalises mid-sentence: names, which say little about the topic."""
    return {_stem(m.group(1).lower()) for m in re.finditer(r"(?<=[a-z,;] )([A-Z][a-z]+)", text)}


def headline_cues(title: str, text: str) -> list[tuple[Sentence, float, str]]:
    """Body sentences that contradict the headline, with a weight and the reason for each.

    Args:
        title: the headline.
        text: the body.
    """
    classes = [c for c in _CLASSES if c.headline.search(title)]
    if not classes:
        return []
    event_stems = {s for c in classes for m in c.headline.finditer(title) for s in _stems(m.group(0))}
    topic = set(_stems(title)) - event_stems - _names(text)
    # A negative headline ("X did not ...") is confirmed, not contradicted, by a negative body.
    negatable = set() if _NEGATION.search(title) else event_stems
    out: list[tuple[Sentence, float, str]] = []
    for sent in sentences(text)[:MAX_SENTENCES]:
        weight, reasons = 0.0, []
        topical = bool(topic & set(_stems(sent.text)))
        for c in classes:
            if c.opposite.search(sent.text) or (topical and c.weak is not None and c.weak.search(sent.text)):
                weight += OPPOSITE_WEIGHT
                reasons.append(f"states the opposite of the headline's {c.name}")
                break
        if negatable and _negates(sent.text, negatable):
            weight += NEGATION_WEIGHT
            reasons.append("negates the headline's wording")
        if weight:
            out.append((sent, min(1.0, weight), "; ".join(reasons)))
    return out


def headline_contradicts_body(title: str | None, text: str, *, use_stance: bool = True) -> list[Flag]:
    """Flag a body that contradicts its headline (``headline_contradicts_body``), or return [].

    Two routes: the cue rules (at least two contradicting sentences, combined score >= THRESHOLD, the
    stance model adding weight when it says "disagree"), or the stance model alone when it says
    "disagree" with at least STANCE_ALONE confidence and the body has a refuting sentence to show.

    Args:
        title: the headline (no headline, no flag).
        text: the cleaned body.
        use_stance: also ask the stance model (headline as claim, body as evidence).
    """
    if not title or not title.strip() or not text.strip():
        return []
    cues = headline_cues(title, text)
    keep = 1.0
    for _, w, _ in cues:
        keep *= 1.0 - w
    score = 1.0 - keep if len(cues) >= MIN_SENTENCES else 0.0
    reasons = sorted({r for _, _, r in cues}) if score else []
    spans = [(s.start, s.end) for s, _, _ in cues] if score else []
    refuting = [s for s in sentences(text)[:MAX_SENTENCES] if _REFUTE.search(s.text)][:3] if use_stance else []
    # The model can only add weight to the cues (at most half the way to 1) or stand alone beside a
    # refuting sentence; when neither can reach the threshold its answer changes nothing, so the
    # embeddings it needs (the headline and every body sentence) are not computed.
    could_flag = (score > 0 and 1.0 - 0.5 * (1.0 - score) >= THRESHOLD) or (score == 0 and bool(refuting))
    if use_stance and could_flag:
        from storyline.stance import stance

        st = stance(title, text)
        if st.label == "disagree":
            if score:
                score = 1.0 - (1.0 - score) * (1.0 - 0.5 * st.score)
            elif st.score >= STANCE_ALONE and refuting:
                score = st.score
                spans = [(s.start, s.end) for s in refuting]
                reasons = ["body sentences refute the headline"]
            if score:
                reasons.append(f"stance model: body disagrees with headline ({st.score:.2f})")
    if score < THRESHOLD:
        return []
    spans = merge_adjacent(text, spans)
    evidence = [text[a:b] for a, b in spans] + reasons
    return [Flag(kind="headline_contradicts_body", score=round(score, 3), evidence=evidence, spans=spans)]
