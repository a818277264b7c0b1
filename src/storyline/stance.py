"""Stance of a body towards a claim (issue 5, not built yet)."""

from __future__ import annotations

from collections.abc import Iterable

from storyline.records import Stance


def stance(claim: str, body: str) -> Stance:
    """Does ``body`` agree with, disagree with, discuss, or ignore ``claim``?

    Args:
        claim: a short claim, such as a headline.
        body: the text to compare.
    """
    raise NotImplementedError("stance lands with issue 5")


def stance_batch(pairs: Iterable[tuple[str, str]]) -> list[Stance]:
    """`stance` for many (claim, body) pairs, in order.

    Args:
        pairs: (claim, body) tuples.
    """
    return [stance(c, b) for c, b in pairs]
