"""Staleness: old content in a pile about a later story, or re-published as if it were new.

A document is ``stale`` when the analysis finds it much older than the date it carries or than the
rest of its story. Two kinds of evidence come from the corpus here; a third, an office given as
current after the knowledge base says it ended, is found per document
(`storyline.assess_roles.past_offices`), and `merge_flags` joins them:

* it copies (duplicate or derivative) an earlier document of the corpus published at least
  ``MIN_GAP_DAYS`` before it (`stale_flags`);
* it is undated, and the latest day its own content allows lies at least ``MIN_GAP_DAYS`` before
  every dated document of its story (`story_stale_flags`): an earlier episode that a reader of the
  pile could take for current coverage. A dated early article is not flagged: its date says what
  it is, and a long story is expected to have early coverage.

Compute only: the pipeline writes the flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from storyline.records import Flag

#: A copy this many days younger than its original presents old content as new.
MIN_GAP_DAYS = 180
#: Gap (days) at which the score reaches 1.
FULL_SCORE_GAP_DAYS = 365
#: Content evidence items quoted in a story-staleness flag.
_EVIDENCE_ITEMS = 3
#: Highest score of a flag that rests on content dating alone. A retrospective text can be dated
#: to the past it narrates: 21 of 924 PolNeAR and 11 of 257 TimeML texts get an interval that ends
#: 180 days or more before their true date (measured 2026-11-23), so such a flag is a lead to check.
CONTENT_SCORE_CAP = 0.75


def gap_score(gap: int) -> float:
    """Score of a ``stale`` flag whose evidence is ``gap`` days old: 0.5, rising to 1 at a year."""
    return round(min(1.0, 0.5 + 0.5 * gap / FULL_SCORE_GAP_DAYS), 3)


def stale_flags(
    *,
    duplicate_of: Mapping[str, str],
    dates: Mapping[str, dt.date | None],
    labels: Mapping[str, str],
    min_gap_days: int = MIN_GAP_DAYS,
) -> dict[str, Flag]:
    """Flag copies published long after the document they copy.

    Args:
        duplicate_of: doc id -> id of the original it copies.
        dates: doc id -> the date the document states (None when unknown).
        labels: doc id -> a short human label for evidence (outlet and title).
        min_gap_days: smallest gap that counts as stale.
    """
    flags: dict[str, Flag] = {}
    for doc_id, original in duplicate_of.items():
        mine, theirs = dates.get(doc_id), dates.get(original)
        if mine is None or theirs is None:
            continue
        gap = (mine - theirs).days
        if gap < min_gap_days:
            continue
        flags[doc_id] = Flag(
            kind="stale",
            score=gap_score(gap),
            evidence=[
                f"dated {mine.isoformat()} but its text copies {labels.get(original, original)}, "
                f"published {theirs.isoformat()} ({gap} days earlier)"
            ],
        )
    return flags


@dataclass(frozen=True, slots=True)
class StoryMember:
    """What staleness needs to know of one document of a story.

    Args:
        doc_id: the document id.
        label: a short human label for evidence (outlet and title).
        stated: the date its page or metadata states (None when undated).
        content_latest: for an undated document, the latest day its own content allows (None: unknown).
        evidence: the content clues behind ``content_latest``, strongest first.
    """

    doc_id: str
    label: str
    stated: dt.date | None
    content_latest: dt.date | None = None
    evidence: tuple[str, ...] = ()


def story_stale_flags(
    stories: Mapping[str, Sequence[StoryMember]],
    *,
    min_gap_days: int = MIN_GAP_DAYS,
) -> dict[str, Flag]:
    """Flag undated documents whose content is far older than every dated document of their story.

    A long-running story covered all along has no such document: each article has neighbours in
    time. Only one that stands apart, before all the rest, is flagged.

    Args:
        stories: story id -> its documents.
        min_gap_days: smallest gap, before the story's earliest other dated document, that counts.
    """
    flags: dict[str, Flag] = {}
    for members in stories.values():
        dated = sorted((m.stated, m.doc_id, m.label) for m in members if m.stated is not None)
        if not dated:
            continue
        first, _, first_label = dated[0]
        for m in members:
            if m.stated is not None or m.content_latest is None:
                continue
            gap = (first - m.content_latest).days
            if gap < min_gap_days:
                continue
            clues = "; ".join(m.evidence[:_EVIDENCE_ITEMS])
            flags[m.doc_id] = Flag(
                kind="stale",
                score=min(CONTENT_SCORE_CAP, gap_score(gap)),
                evidence=[
                    f"undated; its content places it no later than {m.content_latest.isoformat()}"
                    + (f" ({clues})" if clues else "")
                    + f", {gap} days before the earliest dated article of its story "
                    f"({first_label}, {first.isoformat()}; {len(dated)} dated in all)"
                ],
            )
    return flags


def merge_flags(*parts: Mapping[str, Flag]) -> dict[str, Flag]:
    """One flag per document from several sources of the same kind: the highest score, all evidence.

    Args:
        parts: doc id -> flag, one mapping per source.
    """
    out: dict[str, Flag] = {}
    for part in parts:
        for doc_id, flag in part.items():
            have = out.get(doc_id)
            if have is None:
                out[doc_id] = flag
                continue
            out[doc_id] = Flag(kind=have.kind, score=max(have.score, flag.score),
                               evidence=[*have.evidence, *flag.evidence],
                               spans=sorted({*have.spans, *flag.spans}))
    return out
