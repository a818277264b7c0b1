"""Staleness: an old story re-published later as if it were new.

A document is ``stale`` when the analysis finds its content to be much older than the date it
carries. The evidence used today: it copies (duplicate or derivative) an earlier document of the
corpus published at least ``MIN_GAP_DAYS`` before it. Compute only: the pipeline writes the flags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from storyline.records import Flag

#: A copy this many days younger than its original presents old content as new.
MIN_GAP_DAYS = 180
#: Gap (days) at which the score reaches 1.
FULL_SCORE_GAP_DAYS = 365


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
        score = round(min(1.0, 0.5 + 0.5 * gap / FULL_SCORE_GAP_DAYS), 3)
        flags[doc_id] = Flag(
            kind="stale",
            score=score,
            evidence=[
                f"dated {mine.isoformat()} but its text copies {labels.get(original, original)}, "
                f"published {theirs.isoformat()} ({gap} days earlier)"
            ],
        )
    return flags
