"""The publication date a web page states: metadata, bylines, URL and visible dates."""

from __future__ import annotations

import datetime as dt

from htmldate import find_date

from storyline.records import DateEstimate


def find_page_date(html: str, *, url: str | None = None) -> DateEstimate | None:
    """Return the date the page says it was published, or None.

    Args:
        html: the decoded page.
        url: the page URL when known (dates in URLs count).
    """
    found = find_date(html, url=url, extensive_search=True, original_date=True)
    if not found:
        return None
    day = dt.date.fromisoformat(found[:10])
    return DateEstimate.exact(day, basis="metadata", evidence=f"page states {day.isoformat()}")
