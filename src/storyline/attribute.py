"""Attribution stage: quotes, speakers and the chain of sources.

Who said what, how (direct or indirect) and through whom (``via``). Rule-based over the spaCy
parse from `storyline.nlp.get_nlp` (see `storyline.attribute_rules`), with content boundaries and
keep/drop decided by a small packaged model (`storyline.attribute_model`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Iterator

from storyline.clean.decode import scrub_surrogates
from storyline.records import Quote

#: Texts longer than this are parsed in pieces cut at paragraph or sentence boundaries, so one
#: huge document keeps memory and time bounded.
CHUNK_CHARS = 100_000
_BATCH_SIZE = 16


def _chunks(text: str, *, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) pairs covering ``text``, cut at paragraph, sentence or space boundaries."""
    pos = 0
    n = len(text)
    while pos < n:
        if n - pos <= size:
            yield pos, text[pos:]
            return
        window_end = pos + size
        cut = text.rfind("\n", pos + size // 2, window_end)
        if cut < 0:
            cut = text.rfind(". ", pos + size // 2, window_end)
            cut = cut + 1 if cut >= 0 else text.rfind(" ", pos + size // 2, window_end)
        if cut <= pos:
            cut = window_end
        yield pos, text[pos:cut]
        pos = cut


def _shift(q: Quote, offset: int) -> Quote:
    if not offset:
        return q
    span = (q.speaker_span[0] + offset, q.speaker_span[1] + offset) if q.speaker_span else None
    return dataclasses.replace(q, start=q.start + offset, end=q.end + offset, speaker_span=span)


def extract_quotes(text: str, published: dt.date | None = None) -> list[Quote]:
    """Find attributed statements in ``text``.

    Args:
        text: a cleaned article body.
        published: the article's date (accepted for the public contract; names are resolved
            from the text itself).
    """
    return extract_quotes_batch([text])[0]


def extract_quotes_batch(texts: Iterable[str]) -> list[list[Quote]]:
    """`extract_quotes` for many texts, in order, parsed in batches with ``nlp.pipe``.

    Args:
        texts: cleaned article bodies.
    """
    from storyline.attribute_rules import extract_from_doc
    from storyline.nlp import pipe_texts

    items = list(texts)
    results: list[list[Quote]] = [[] for _ in items]
    pieces: list[tuple[int, int, str]] = []
    for i, text in enumerate(items):
        if not isinstance(text, str) or not text.strip():
            continue
        # Same length, so offsets still point into the caller's text; quote texts are re-sliced below.
        pieces.extend((i, off, piece) for off, piece in _chunks(scrub_surrogates(text)))
    if not pieces:
        return results
    docs = pipe_texts((p for _, _, p in pieces), batch_size=_BATCH_SIZE)
    for (i, off, _), doc in zip(pieces, docs, strict=True):
        results[i].extend(_shift(q, off) for q in extract_from_doc(doc))
    for i, text in enumerate(items):
        if isinstance(text, str) and results[i] and scrub_surrogates(text) is not text:
            results[i] = [dataclasses.replace(q, text=text[q.start : q.end]) for q in results[i]]
    return results


def _squash(name: str) -> str:
    words = "".join(ch if ch.isalnum() else " " for ch in name.lower()).split()
    return "".join(words[1:] if words[:1] == ["the"] else words)


def drop_own_outlet(quotes: list[Quote], outlet: str | None) -> list[Quote]:
    """Remove the publishing outlet from each quote's relay chain.

    "X told the Herald" in the Herald's own article is a first-hand interview, not a relay.

    Args:
        quotes: the article's quotes.
        outlet: the article's outlet (None: nothing to remove).
    """
    if not outlet or not outlet.strip():
        return quotes
    # The outlet may be a site name ("castrelherald.com"): its first label names the publisher.
    host = outlet.strip().lower().split("//")[-1].removeprefix("www.")
    own = {_squash(outlet)} | ({_squash(host.split(".")[0])} if " " not in host and "." in host else set())
    own.discard("")
    if not own:
        return quotes
    return [dataclasses.replace(q, via=tuple(v for v in q.via if _squash(v) not in own))
            if any(_squash(v) in own for v in q.via) else q for q in quotes]


__all__ = ["CHUNK_CHARS", "drop_own_outlet", "extract_quotes", "extract_quotes_batch"]
