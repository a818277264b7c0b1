"""Dating a text from its content (issue 3, not built yet)."""

from __future__ import annotations

from storyline.records import DateEstimate


def estimate_date(text: str, title: str | None = None) -> DateEstimate:
    """Estimate when ``text`` was written: a best date, an interval and the evidence.

    Args:
        text: the article body.
        title: its headline, if known.
    """
    raise NotImplementedError("content-based dating lands with issue 3")
