"""Attribution stage: quotes, speakers and the chain of sources (issue 4, not built yet)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from storyline.records import Quote


def extract_quotes(text: str, published: dt.date | None = None) -> list[Quote]:
    """Find attributed statements in ``text``.

    Args:
        text: a cleaned article body.
        published: the article's date, used to resolve titles to people.
    """
    raise NotImplementedError("attribution lands with issue 4")


def extract_quotes_batch(texts: Iterable[str]) -> list[list[Quote]]:
    """`extract_quotes` for many texts, in order.

    Args:
        texts: cleaned article bodies.
    """
    return [extract_quotes(t) for t in texts]
