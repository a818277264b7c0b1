"""Typed records that flow between pipeline stages.

Every stage takes records in and gives records out; none of them touches the store. Offsets are
character offsets into ``Article.text`` (the cleaned body) unless a field says otherwise.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Any, Literal

DateBasis = Literal["stated", "metadata", "inferred", "unknown"]
StanceLabel = Literal["agree", "disagree", "discuss", "unrelated"]


@dataclass(frozen=True, slots=True)
class DateEstimate:
    """When a text was written: a best estimate, an interval and the reasons.

    Args:
        value: best single estimate, or None when unknown.
        earliest: lower bound of the interval (None: open).
        latest: upper bound of the interval (None: open).
        basis: "stated" (the text says it), "metadata" (page markup), "inferred", "unknown".
        evidence: human-readable reasons, one per piece of evidence.
    """

    value: dt.date | None = None
    earliest: dt.date | None = None
    latest: dt.date | None = None
    basis: DateBasis = "unknown"
    evidence: tuple[str, ...] = ()

    @classmethod
    def unknown(cls, reason: str = "no date evidence found") -> DateEstimate:
        """An estimate that says honestly that nothing is known."""
        return cls(basis="unknown", evidence=(reason,))

    @classmethod
    def exact(cls, day: dt.date, *, basis: DateBasis, evidence: str) -> DateEstimate:
        """A one-day interval for a date the document states."""
        return cls(value=day, earliest=day, latest=day, basis=basis, evidence=(evidence,))

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form with ISO dates, as the bundle needs it."""
        return {
            "value": _iso(self.value),
            "earliest": _iso(self.earliest),
            "latest": _iso(self.latest),
            "basis": self.basis,
            "evidence": list(self.evidence),
        }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps offsets in cleaned text back to offsets in the original document text.

    Stored as parallel sorted arrays of segment starts: cleaned text from ``clean_starts[i]`` on
    corresponds to original text from ``orig_starts[i]`` on, character for character, until the
    next segment.

    Args:
        clean_starts: start offset of each segment in the cleaned text (sorted, first is 0).
        orig_starts: start offset of the same segment in the original text.
    """

    clean_starts: tuple[int, ...] = (0,)
    orig_starts: tuple[int, ...] = (0,)

    def to_original(self, offset: int) -> int:
        """Offset in the original text for ``offset`` in the cleaned text."""
        i = max(0, bisect_right(self.clean_starts, offset) - 1)
        return self.orig_starts[i] + (offset - self.clean_starts[i])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Original-text span for a cleaned-text span."""
        if end <= start:
            pos = self.to_original(start)
            return pos, pos
        return self.to_original(start), self.to_original(end - 1) + 1


@dataclass(slots=True)
class Article:
    """One cleaned document, as `storyline.read_article` returns it.

    Args:
        text: the cleaned body (boilerplate removed, whitespace normalised).
        title: the headline, when found.
        outlet: site or publisher name when the page states it.
        published: only the date the page itself states (dateline, byline, metadata).
        removed: boilerplate lines or blocks that were dropped (in document order for text input).
        author: byline author(s) when stated.
        url: canonical URL when the page or the input record gives one.
        language: ISO 639-1 code of the detected language ("en"), or None if undetermined.
        language_score: confidence of the language detection in [0, 1].
        format: the input format that was read: "html", "text", "markdown" or "json".
        original: the decoded original document (HTML source or raw text).
        offsets: maps offsets in ``text`` to offsets in ``original`` (text inputs); None for HTML.
        encoding: the character encoding the bytes were decoded from ("utf-8", "cp1252"...).
    """

    text: str
    title: str | None = None
    outlet: str | None = None
    published: DateEstimate | None = None
    removed: list[str] = field(default_factory=list)
    author: str | None = None
    url: str | None = None
    language: str | None = None
    language_score: float = 0.0
    format: str = "text"
    original: str = ""
    offsets: OffsetMap | None = None
    encoding: str = "utf-8"


@dataclass(frozen=True, slots=True)
class Quote:
    """One attributed statement in a text.

    Args:
        text: the attributed content, equal to ``source_text[start:end]``.
        start: start offset of the content.
        end: end offset of the content.
        speaker: canonical name of the speaker after resolution, or None when unknown.
        speaker_span: the mention naming the speaker at this quote (may be a pronoun).
        cue: the cue ("said", "according to", "told reporters").
        direct: the content is quoted verbatim.
        via: who relayed it, nearest first ("Reuters").
        cue_class: the kind of speech act ("say", "claim", "deny", "warn", "promise"...).
        hedged: the statement is hedged ("may", "reportedly", "allegedly").
        anonymous: the speaker is an unnamed source ("two officials").
        source_count: how many unnamed sources, when the text says.
        affiliation: the unnamed source's affiliation, when given ("U.S. officials").
    """

    text: str
    start: int
    end: int
    speaker: str | None = None
    speaker_span: tuple[int, int] | None = None
    cue: str | None = None
    direct: bool = False
    via: tuple[str, ...] = ()
    cue_class: str | None = None
    hedged: bool = False
    anonymous: bool = False
    source_count: int | None = None
    affiliation: str | None = None


@dataclass(frozen=True, slots=True)
class TimeExpr:
    """A time expression found in a text, normalised to a TIMEX3 value.

    Args:
        start: start offset in the text.
        end: end offset in the text.
        text: the expression as written, equal to ``source_text[start:end]``.
        value: TIMEX3 value ("2022-05-23", "2022-W21", "P2W", "PRESENT_REF"...), None if unresolved.
        kind: TIMEX3 type: "DATE", "TIME", "DURATION" or "SET".
    """

    start: int
    end: int
    text: str
    value: str | None = None
    kind: str = "DATE"


@dataclass(frozen=True, slots=True)
class Stance:
    """Whether a body agrees with a claim.

    Args:
        label: "agree", "disagree", "discuss" or "unrelated".
        score: confidence of the label in [0, 1].
    """

    label: StanceLabel
    score: float


@dataclass(frozen=True, slots=True)
class RawInput:
    """One document as read from disk or stdin, before cleaning.

    Args:
        source: the path (or "path::line N" for JSONL records, "-" for stdin) it came from.
        data: the raw bytes or, for JSON records, the body text or HTML.
        format_hint: "html", "text", "markdown" or "json" from the file name or record.
        title: title given by a JSON record.
        url: URL given by a JSON record.
        outlet: outlet given by a JSON record.
        published: publication date string given by a JSON record.
    """

    source: str
    data: bytes | str
    format_hint: str = "text"
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """An input that could not be ingested, and why.

    Args:
        source: where it came from.
        reason: short machine-readable reason ("empty", "binary", "too_large", "malformed"...).
        message: one line for a person, saying what to do.
    """

    source: str
    reason: str
    message: str


@dataclass(slots=True)
class Flag:
    """An assessment of a document that the analysis believes holds.

    Args:
        kind: "duplicate", "derivative", "stale", "headline_contradicts_body", "editorializing",
            "weak_sourcing", "factual_inconsistency", "non_english"...
        score: how strongly, in [0, 1].
        evidence: human-readable evidence strings (quoted spans, reasons).
        spans: (start, end) offsets in the document text that support the flag.
    """

    kind: str
    score: float
    evidence: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)


@dataclass(slots=True)
class Document:
    """A stored document: a cleaned article with its identity and provenance.

    Args:
        id: stable id derived from the normalised content.
        source: the path or name the document was ingested from.
        article: the cleaned article.
        content_hash: hash of the normalised text (equal hashes mean exact duplicates).
        duplicate_of: id of the document this one duplicates, if any.
        flags: assessments of the document.
        quotes: attributed statements found in the text.
        entities: the document's entities (`storyline.entities.Entity`).
        mentions: where they are mentioned (`storyline.entities.Mention`).
        claims: checkable propositions (`storyline.claims.Claim`).
        story_vector: embedding of headline and lead, for story clustering.
        story_names: names the document mentions, for story clustering.
        sentence_vectors: unit vectors of the sentences paraphrase detection compares (n x dim),
            embedded with the rest of the batch so the cross-document stage never re-embeds them.
        skipped: stage name -> why an English-only stage skipped this document.
        signals: per-document evidence that a corpus stage weighs before it raises a flag (a
            ``stale`` office the knowledge base says had ended).
    """

    id: str
    source: str
    article: Article
    content_hash: str
    duplicate_of: str | None = None
    flags: list[Flag] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    entities: list[Any] = field(default_factory=list)
    mentions: list[Any] = field(default_factory=list)
    claims: list[Any] = field(default_factory=list)
    story_vector: Any = None
    story_names: frozenset[str] = frozenset()
    sentence_vectors: Any = None
    skipped: dict[str, str] = field(default_factory=dict)
    signals: list[Flag] = field(default_factory=list)
