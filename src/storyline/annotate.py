"""The annotate stage: parse each document once with spaCy and keep the parse for later stages.

Every later stage (entities, attribution, claims) reads the same :class:`spacy.tokens.Doc`; the parses
travel between processes or into the store as one :class:`spacy.tokens.DocBin` blob, deserialised
against the shared vocabulary of :func:`storyline.nlp.get_nlp`, so nothing is parsed twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.nlp import get_nlp, pipe_texts

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from storyline.entities import Resolution
    from storyline.kb import KnowledgeBase
    from storyline.records import TimeExpr

__all__ = ["Annotation", "annotate_documents", "docbin_bytes", "docs_from_bytes", "parse_documents"]

#: Token attributes kept in the serialised parse: what entity resolution and attribution read.
_DOCBIN_ATTRS = (
    "ORTH",
    "SPACY",
    "NORM",
    "LEMMA",
    "POS",
    "TAG",
    "MORPH",
    "HEAD",
    "DEP",
    "ENT_IOB",
    "ENT_TYPE",
    "SENT_START",
)


def parse_documents(texts: Iterable[str], *, batch_size: int = 32, n_process: int = 1) -> Iterator[Doc]:
    """Parse texts with the packaged spaCy pipeline, one ``nlp.pipe`` pass, in input order.

    Args:
        texts: the document texts (cleaned article bodies).
        batch_size: documents per spaCy batch.
        n_process: worker processes for spaCy (1 keeps everything in this process).
    """
    yield from pipe_texts(texts, batch_size=batch_size, n_process=n_process)


def docbin_bytes(docs: Iterable[Doc]) -> bytes:
    """Serialise parses into one compact blob (spaCy DocBin, no user data).

    Args:
        docs: parsed documents.
    """
    from spacy.tokens import DocBin

    bin_ = DocBin(attrs=list(_DOCBIN_ATTRS), store_user_data=False)
    for doc in docs:
        bin_.add(doc)
    return bytes(bin_.to_bytes())


def docs_from_bytes(data: bytes) -> list[Doc]:
    """Read back parses written by :func:`docbin_bytes`, sharing the pipeline's vocabulary.

    Args:
        data: the blob.
    """
    from spacy.tokens import DocBin

    return list(DocBin().from_bytes(data).get_docs(get_nlp().vocab))


@dataclass(frozen=True, slots=True)
class Annotation:
    """One document after the annotate stage.

    Args:
        doc: the spaCy parse.
        resolution: entity mentions and the document's entities.
        times: time expressions, normalised against the publication date when given.
    """

    doc: Doc
    resolution: Resolution
    times: tuple[TimeExpr, ...]


def annotate_documents(
    texts: Iterable[str],
    *,
    published: Sequence[dt.date | None] | None = None,
    kb: KnowledgeBase | Path | str | None = None,
    batch_size: int = 32,
) -> Iterator[Annotation]:
    """Parse, resolve entities and find time expressions for each text, in input order.

    Args:
        texts: the document texts.
        published: publication dates, one per text (None entries when unknown).
        kb: the knowledge base for entity linking: None for the shipped one, or a user KB file on top.
        batch_size: documents per spaCy batch.
    """
    from storyline.entities import as_kb, resolve_document
    from storyline.timex import find_times

    kb = as_kb(kb)
    for i, doc in enumerate(parse_documents(texts, batch_size=batch_size)):
        day = published[i] if published is not None else None
        yield Annotation(
            doc=doc,
            resolution=resolve_document(doc, published=day, kb=kb),
            times=tuple(find_times(doc.text, reference=day)),
        )
