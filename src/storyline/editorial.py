"""Editorialising wording: loaded, one-sided or opinionated sentences (issue 6, not built yet)."""

from __future__ import annotations

from collections.abc import Iterable


def editorial_score(sentence: str) -> float:
    """Probability in [0, 1] that ``sentence`` editorialises; >= 0.5 means yes.

    Args:
        sentence: one sentence.
    """
    raise NotImplementedError("editorial scoring lands with issue 6")


def editorial_score_batch(sentences: Iterable[str]) -> list[float]:
    """`editorial_score` for many sentences, in order.

    Args:
        sentences: sentences to score.
    """
    return [editorial_score(s) for s in sentences]
