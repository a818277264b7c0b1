"""Storyline: turn a pile of news articles into a dated, source-attributed, cross-checked account.

The public API (see docs and ``CONTRACT.md``)::

    read_article(raw, filename=None) -> Article
    extract_quotes(text, published=None) -> list[Quote]
    extract_quotes_batch(texts) -> list[list[Quote]]
    estimate_date(text, title=None) -> DateEstimate
    find_times(text, reference=None) -> list[TimeExpr]
    stance(claim, body) -> Stance
    stance_batch(pairs) -> list[Stance]
    editorial_score(sentence) -> float
    editorial_score_batch(sentences) -> list[float]
    analyze(paths, db=...) -> RunSummary
"""

from __future__ import annotations

from storyline._exceptions import (
    BinaryInputError,
    EmptyInputError,
    ExportError,
    InputError,
    InputTooLargeError,
    MalformedInputError,
    ModelUnavailableError,
    SchemaVersionError,
    StoreError,
    StorylineError,
)
from storyline.attribute import extract_quotes, extract_quotes_batch
from storyline.clean import read_article
from storyline.dating import estimate_date
from storyline.editorial import editorial_score, editorial_score_batch
from storyline.records import Article, DateEstimate, Quote, Stance, TimeExpr
from storyline.stance import stance, stance_batch
from storyline.timex import find_times

__version__ = "0.1.0"

__all__ = [
    "Article",
    "BinaryInputError",
    "DateEstimate",
    "EmptyInputError",
    "ExportError",
    "InputError",
    "InputTooLargeError",
    "MalformedInputError",
    "ModelUnavailableError",
    "Quote",
    "SchemaVersionError",
    "Stance",
    "StoreError",
    "StorylineError",
    "TimeExpr",
    "__version__",
    "editorial_score",
    "editorial_score_batch",
    "estimate_date",
    "extract_quotes",
    "extract_quotes_batch",
    "find_times",
    "read_article",
    "stance",
    "stance_batch",
]
