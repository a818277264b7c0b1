"""Time expressions: detection and TIMEX3 normalisation (issue 3, not built yet)."""

from __future__ import annotations

import datetime as dt

from storyline.records import TimeExpr


def find_times(text: str, reference: dt.date | None = None) -> list[TimeExpr]:
    """Find and normalise the time expressions in ``text``.

    Args:
        text: any text.
        reference: the date relative expressions are resolved against.
    """
    raise NotImplementedError("time expressions land with issue 3")
