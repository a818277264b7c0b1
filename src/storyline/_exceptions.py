"""Every exception Storyline raises, in one place.

The tree::

    StorylineError                 base class: catch this to catch everything below
    ├── InputError                 a document cannot be read (bad encoding, binary, empty, too big...)
    │   ├── EmptyInputError        the input has no text at all
    │   ├── BinaryInputError       the input is not text (NUL bytes, undecodable)
    │   ├── InputTooLargeError     the input (or its decompressed form) exceeds a size limit
    │   └── MalformedInputError    structured input (JSON/JSONL/HTML) cannot be parsed
    ├── StoreError                 the DuckDB store cannot be opened, migrated or written
    │   └── SchemaVersionError     the database was written by a newer Storyline
    ├── ExportError                an export cannot be written (disk full, bad path)
    └── ModelUnavailableError      a packaged model is not installed

Messages say what went wrong and what to do about it. Pipeline code catches ``InputError`` per
document, records the rejection with its reason, and carries on with the rest of the batch.
"""

from __future__ import annotations


class StorylineError(Exception):
    """Base class of every Storyline error."""


class InputError(StorylineError):
    """A document cannot be read.

    Args:
        message: what is wrong and what to do.
        source: the path or name of the offending input, when known.
    """

    reason = "unreadable"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.source = source

    def __str__(self) -> str:
        base = super().__str__()
        return f"{self.source}: {base}" if self.source else base


class EmptyInputError(InputError):
    """The input holds no text."""

    reason = "empty"


class BinaryInputError(InputError):
    """The input is binary, not text."""

    reason = "binary"


class InputTooLargeError(InputError):
    """The input, or what it decompresses to, exceeds a size limit."""

    reason = "too_large"


class MalformedInputError(InputError):
    """Structured input (JSON, JSONL, HTML) cannot be parsed."""

    reason = "malformed"


class StoreError(StorylineError):
    """The database cannot be opened, migrated or written."""


class SchemaVersionError(StoreError):
    """The database schema is newer than this version of Storyline understands."""


class ExportError(StorylineError):
    """An export cannot be written."""


class ModelUnavailableError(StorylineError):
    """A packaged model is missing; reinstall with ``make install``."""


class EngineError(StorylineError):
    """The requested execution engine cannot run (not installed, cluster unreachable, bad option)."""


__all__ = [
    "BinaryInputError",
    "EmptyInputError",
    "EngineError",
    "ExportError",
    "InputError",
    "InputTooLargeError",
    "MalformedInputError",
    "ModelUnavailableError",
    "SchemaVersionError",
    "StoreError",
    "StorylineError",
]
