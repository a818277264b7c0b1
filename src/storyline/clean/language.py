"""Language identification with the packaged py3langid model (offline)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

#: Characters of text examined: past about a thousand, more text adds cost and no accuracy.
_SAMPLE_CHARS = 1200
_LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def detect_language(text: str) -> tuple[str | None, float]:
    """Return (ISO 639-1 code, probability) for ``text``, or (None, 0.0) when there is too little.

    Args:
        text: the cleaned text of a document.
    """
    sample = text[:_SAMPLE_CHARS]
    if len(_LETTERS.findall(sample, 0, 200)) < 20:
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return str(lang), float(prob)
