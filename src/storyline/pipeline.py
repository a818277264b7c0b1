"""The analyze job: stream inputs through the per-document stages, store them, then link.

Per document (compute only, no I/O): ingest -> clean -> identify. Per batch: one store
transaction. After the stream: the cross-document stages (duplicates) over what the store holds,
so a re-run or an incremental run reprocesses nothing that is already stored.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from storyline import dedup
from storyline._exceptions import EngineError, InputError
from storyline.assess_roles import past_offices
from storyline.clean import read_article
from storyline.dating_story import SPAN_EVIDENCE
from storyline.ingest import iter_inputs
from storyline.kb import KnowledgeBase, load_kb
from storyline.memory import release_free_memory, release_models
from storyline.records import Article, DateEstimate, Document, Flag, RawInput, Rejection
from storyline.staleness import StoryMember, merge_flags, stale_flags, story_stale_flags
from storyline.store import Store

#: Documents per store transaction: a crash loses at most this many documents' work.
BATCH_SIZE = 64

#: Where the per-document stages can run (`analyze`'s ``engine``).
ENGINES = ("local", "ray")
#: A run that analyses this many documents hands back its models before the cross-document stages,
#: which need none: their memory grows with the store, and reloading takes seconds, not minutes.
LARGE_RUN = 2_000

ProgressCallback = Callable[[int, int], None]


@dataclass(slots=True)
class RunSummary:
    """What an analyze run did.

    Args:
        run_id: the run's id.
        db: the database path.
        seen: inputs read (documents and rejections).
        added: new documents stored.
        unchanged: documents already stored (no-op).
        new_versions: changed files at known paths stored as new versions.
        rejected: inputs that failed, with reasons.
        warnings: one line per input that was read with a caveat (e.g. not UTF-8).
        duplicates: documents that duplicate another one.
        non_english: documents whose language is not English.
        seconds: wall time.
        totals: row counts of the store after the run.
    """

    run_id: str
    db: str
    seen: int = 0
    added: int = 0
    unchanged: int = 0
    new_versions: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicates: int = 0
    non_english: int = 0
    seconds: float = 0.0
    totals: dict[str, int] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """ "ok" when every input was ingested, else "partial"."""
        return "partial" if self.rejected else "ok"

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "run_id": self.run_id,
            "db": self.db,
            "status": self.status,
            "seen": self.seen,
            "added": self.added,
            "unchanged": self.unchanged,
            "new_versions": self.new_versions,
            "duplicates": self.duplicates,
            "non_english": self.non_english,
            "seconds": round(self.seconds, 3),
            "docs_per_s": round(self.seen / self.seconds, 1) if self.seconds else None,
            "rejected": [{"source": r.source, "reason": r.reason, "message": r.message} for r in self.rejected],
            "warnings": list(self.warnings),
            "totals": self.totals,
        }


def document_id(raw: RawInput) -> str:
    """Stable id from the normalised content of an input, independent of its path.

    Args:
        raw: the input as read.
    """
    data = raw.data.decode("utf-8", "replace") if isinstance(raw.data, bytes) else raw.data
    body = " ".join(unicodedata.normalize("NFC", data).split())
    meta = "\x1f".join(x or "" for x in (raw.title, raw.url, raw.outlet, raw.published))
    return "d" + hashlib.blake2b(f"{meta}\x1e{body}".encode(), digest_size=8).hexdigest()


def _file_name(raw: RawInput) -> str:
    ext = {"html": ".html", "markdown": ".md"}.get(raw.format_hint, ".txt")
    return Path(raw.source.split("#", 1)[0]).name if raw.source != "-" and "#" not in raw.source else f"record{ext}"


def clean_input(raw: RawInput) -> Document:
    """Clean one input into a `Document` (compute only).

    Args:
        raw: the input as read.

    Raises:
        InputError: the input cannot be cleaned.
    """
    name = _file_name(raw)
    if raw.format_hint == "html" and not name.endswith((".html", ".htm")):
        name += ".html"
    article = read_article(raw.data, filename=name)
    _apply_record_metadata(article, raw)
    if not article.text.strip():
        raise InputError("no article text found after removing boilerplate", source=raw.source)
    doc = Document(
        id=document_id(raw), source=raw.source, article=article, content_hash=dedup.content_hash(article.text)
    )
    if article.language and article.language != "en":
        doc.flags.append(
            Flag(
                kind="non_english",
                score=round(article.language_score, 3),
                evidence=[
                    f"language detected: {article.language} ({article.language_score:.2f}); "
                    "English-only stages (quotes, claims, editorial) skip this document"
                ],
            )
        )
    return doc


def _apply_record_metadata(article: Article, raw: RawInput) -> None:
    """Fill fields that a JSON record states and the page itself does not."""
    article.title = raw.title or article.title
    article.outlet = raw.outlet or article.outlet
    article.url = raw.url or article.url
    if raw.published:
        day = parse_record_date(raw.published)
        if day:
            article.published = DateEstimate.exact(
                day, basis="metadata", evidence=f'input record states published "{raw.published}"'
            )


#: What a record's stated date may look like before dateparser sees it ("3 March 2021", "Tue, 02 Mar
#: 2021 10:00:00 GMT"): word characters, spaces and date punctuation, with a digit, 40 chars at most.
_RECORD_DATE = re.compile(r"(?=[^\d]*\d)[\w ,./:+-]{4,40}")
#: Month names are read in these languages; detecting among all of dateparser's took seconds.
_RECORD_DATE_LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")


def parse_record_date(value: str) -> dt.date | None:
    """Parse an ISO-like date from an input record, or None.

    Args:
        value: "2025-03-02", "2025-03-02T10:00:00Z" or similar.
    """
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        pass
    # Only short, date-shaped strings with a digit reach dateparser: its language detection took
    # seconds on some garbage strings, and its lenient mode turned words like "x" into today's
    # month (fuzzing found both). Strict parsing wants a day, a month and a year.
    if not _RECORD_DATE.fullmatch(value.strip()):
        return None
    import dateparser

    parsed = dateparser.parse(
        value, languages=list(_RECORD_DATE_LANGUAGES), settings={"PREFER_DAY_OF_MONTH": "first", "STRICT_PARSING": True}
    )
    return parsed.date() if parsed else None


def batched(items: Iterable[RawInput | Rejection], size: int) -> Iterator[list[RawInput | Rejection]]:
    """Inputs in lists of ``size`` (the last may be shorter), read lazily.

    Args:
        items: inputs and ingest rejections.
        size: items per list.
    """
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def analyze(
    paths: Sequence[str | os.PathLike[str]],
    *,
    db: str | os.PathLike[str] = "storyline.duckdb",
    batch_size: int = BATCH_SIZE,
    progress: ProgressCallback | None = None,
    stdin: BinaryIO | None = None,
    kb_files: Sequence[str | os.PathLike[str]] = (),
    engine: str = "local",
    address: str | None = None,
    workers: int | None = None,
) -> RunSummary:
    """Analyse documents under ``paths`` into the database ``db``.

    Args:
        paths: files, folders and "-" (stdin).
        db: the DuckDB file; created when missing, extended when present.
        batch_size: documents per transaction.
        progress: called with (documents seen, documents added) after each batch.
        stdin: stream used for "-".
        kb_files: extra knowledge-base files layered over the shipped one.
        engine: "local" (this process) or "ray" (per-document stages on Ray Data, see `storyline.engine_ray`).
        address: Ray only: None or "local" for a private instance, "auto" or "ray://host:port" for a cluster.
        workers: Ray only: actors that run the per-document stages (None: one per CPU, less one).

    Raises:
        EngineError: unknown engine, or the Ray engine cannot run.
    """
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    started = time.perf_counter()
    kb = load_kb([Path(p) for p in kb_files])
    run_id = uuid.uuid4().hex[:12]
    summary = RunSummary(run_id=run_id, db=str(db))
    with Store(db) as store:
        store.start_run(run_id)
        if engine == "ray":
            from storyline.engine_ray import ray_batches

            batches: Iterator[BatchResult] = ray_batches(
                paths,
                scratch=Path(db).resolve().parent,
                batch_size=batch_size,
                kb=kb,
                stdin=stdin,
                address=address,
                workers=workers,
                show_progress=progress is not None,
                split_stored=lambda batch: _split_stored(store, batch),
            )
        else:
            batches = (
                process_inputs(fresh, kb=kb, stored=stored)
                for fresh, stored in (
                    _split_stored(store, batch) for batch in batched(iter_inputs(paths, stdin=stdin), batch_size)
                )
            )
        done: BatchResult | None = None
        for done in batches:
            _write_batch(store, done, summary=summary, run_id=run_id)
            _release_memory(store)
            if progress:
                progress(summary.seen, summary.added)
        # The last batch's documents are not held through the cross-document stages.
        done = None
        if summary.added >= LARGE_RUN:
            release_models()
        _release_memory(store)
        link_entities(store, kb=kb)
        # Each stage frees what it read before the next one reads more (see release_free_memory).
        _release_memory(store)
        link_stories(store, run_id=run_id)
        _release_memory(store)
        # After story re-dating, so copy originals and paraphrase sources are chosen by final dates,
        # and the days recorded as linked are the ones the next run will find.
        groups = link_duplicates(store)
        link_staleness(store, duplicate_of=groups.duplicate_of)
        _release_memory(store)
        link_claims(store, duplicate_of=groups.duplicate_of)
        summary.totals = store.counts()
        summary.duplicates = summary.totals.get("duplicates", 0)
        summary.seconds = time.perf_counter() - started
        store.finish_run(run_id, status=summary.status, counts=summary.totals)
    return summary


def _write_batch(store: Store, done: BatchResult, *, summary: RunSummary, run_id: str) -> None:
    """Write one batch's results and count them into ``summary``."""
    docs, rejections = done.documents, done.rejections
    result = store.write_batch(docs, rejections, done.signatures, run_id=run_id, vectors=done.vectors)
    summary.seen += len(done.outcomes) + len(done.stored)
    summary.added += len(result.added)
    summary.unchanged += len(result.unchanged) + len(done.stored)
    summary.new_versions += len(result.versions)
    summary.rejected.extend(rejections)
    added = set(result.added)
    summary.non_english += sum(1 for d in docs if d.id in added and any(f.kind == "non_english" for f in d.flags))
    summary.warnings.extend(
        f"{d.source}: not valid UTF-8; decoded as {d.article.encoding}"
        for d in docs
        if d.article.encoding not in ("utf-8", "ascii")
    )


def _release_memory(store: Store) -> None:
    """DuckDB's cached pages and the freed heap back to the system, between batches and stages."""
    store.release_cache()
    release_free_memory()


def _split_stored(store: Store, batch: Sequence[RawInput | Rejection]) -> tuple[list[RawInput | Rejection], list[str]]:
    """The inputs of a batch still to analyse, and the ids of those the store already holds.

    A document's id comes from its raw content, so a stored one is known before it is cleaned,
    and re-reading a folder that grew costs only its new files.

    Args:
        store: the open store.
        batch: inputs, and ingest rejections.
    """
    ids = [None if isinstance(item, Rejection) else document_id(item) for item in batch]
    known = store.known_ids([i for i in ids if i is not None])
    fresh = [item for item, doc_id in zip(batch, ids, strict=True) if doc_id is None or doc_id not in known]
    return fresh, [doc_id for doc_id in ids if doc_id is not None and doc_id in known]


@dataclass(slots=True)
class BatchResult:
    """The per-document stages' output for one batch of inputs, ready for `Store.write_batch`.

    Args:
        outcomes: one per analysed input, in input order: the document or why it was rejected.
        signatures: MinHash signature per document id.
        vectors: doc id -> claim id -> claim embedding.
        stored: ids of inputs left out because the store already holds them.
    """

    outcomes: list[Document | Rejection] = field(default_factory=list)
    signatures: dict[str, np.ndarray] = field(default_factory=dict)
    vectors: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)
    stored: list[str] = field(default_factory=list)

    @property
    def documents(self) -> list[Document]:
        """The documents, in input order."""
        return [x for x in self.outcomes if isinstance(x, Document)]

    @property
    def rejections(self) -> list[Rejection]:
        """The rejections, in input order."""
        return [x for x in self.outcomes if isinstance(x, Rejection)]


def process_inputs(
    batch: Sequence[RawInput | Rejection], *, kb: KnowledgeBase | None = None, stored: Sequence[str] = ()
) -> BatchResult:
    """Run every per-document stage on one batch of inputs (compute only; every engine calls this).

    Args:
        batch: inputs, and ingest rejections that pass through unchanged.
        kb: the knowledge base (None: the shipped one).
        stored: ids of this batch's inputs that were left out because the store holds them.
    """
    outcomes: list[Document | Rejection] = []
    for item in batch:
        if isinstance(item, Rejection):
            outcomes.append(item)
            continue
        try:
            outcomes.append(clean_input(item))
        except InputError as exc:
            outcomes.append(Rejection(item.source, exc.reason, f"{item.source}: {exc.args[0]}"))
        except RecursionError:
            outcomes.append(
                Rejection(item.source, "malformed", f"{item.source}: document is nested too deeply to parse")
            )
    done = BatchResult(outcomes=outcomes, stored=list(stored))
    docs = done.documents
    annotate_documents(docs, kb=kb)
    done.vectors = embed_documents(docs)
    done.signatures = {d.id: dedup.signature(d.article.text) for d in docs}
    return done


def embed_documents(docs: list[Document]) -> dict[str, dict[str, np.ndarray]]:
    """Embed each English document's headline and lead (stories), sentences (paraphrase) and claims (matching).

    Args:
        docs: annotated documents of one batch; ``story_vector``, ``story_names`` and
            ``sentence_vectors`` are set in place.

    Returns:
        doc id -> claim id -> claim embedding.
    """
    from storyline.stories import story_docs

    english = [d for d in docs if "attribution" not in d.skipped]
    if not english:
        return {}
    from storyline.assess import paraphrase_sentences, sentence_vectors
    from storyline.embed import DIM, embed

    records = story_docs(
        [
            (d.id, d.article.title, d.article.text, d.article.published.value if d.article.published else None)
            for d in english
        ]
    )
    for doc, record in zip(english, records, strict=True):
        doc.story_vector = record.embedding
        doc.story_names = record.names
    # Paraphrase sentences mostly repeat the editorial ones already embedded for this batch, so
    # they cost little here; embedded later, after the cache has moved on, they cost a second pass.
    sentences = [paraphrase_sentences(d.article.text) for d in english]
    flat = [s for ss in sentences for s in ss]
    sentence_vecs = sentence_vectors(flat) if flat else np.zeros((0, DIM), dtype=np.float32)
    at = 0
    for doc, ss in zip(english, sentences, strict=True):
        doc.sentence_vectors = sentence_vecs[at : at + len(ss)].reshape(len(ss), DIM)
        at += len(ss)
    claims = [(d.id, c) for d in english for c in d.claims]
    vecs = embed([c.text for _, c in claims]) if claims else np.zeros((0, 0), dtype=np.float32)
    out: dict[str, dict[str, np.ndarray]] = {}
    for (doc_id, claim), vec in zip(claims, vecs, strict=True):
        out.setdefault(doc_id, {})[claim.id] = vec
    return out


def annotate_documents(docs: list[Document], *, kb: KnowledgeBase | None = None) -> None:
    """Run the per-document language stages on a batch, in place (compute only).

    Dating from content fills ``published`` where the page states no date. English documents are
    parsed once (spaCy ``nlp.pipe``); that one parse feeds entity resolution and attribution.
    Other languages are kept, with the reason each English-only stage skipped them.

    Args:
        docs: cleaned documents of one batch.
        kb: the knowledge base (None: the shipped one).
    """
    from storyline.annotate import annotate_documents as annotate
    from storyline.assess import assess_document, editorial_inputs
    from storyline.attribute import CHUNK_CHARS, drop_own_outlet, extract_quotes_batch
    from storyline.attribute_rules import extract_from_doc
    from storyline.claims import extract_claims
    from storyline.dating import estimate_date
    from storyline.embed import embed

    english: list[Document] = []
    for doc in docs:
        if doc.article.language not in (None, "en"):
            reason = f"language is {doc.article.language}, not English"
            doc.skipped.update({"dating": reason, "entities": reason, "attribution": reason})
            continue
        if doc.article.published is None or doc.article.published.value is None:
            doc.article.published = estimate_date(doc.article.text, title=doc.article.title)
        english.append(doc)
    regular = [d for d in english if len(d.article.text) <= CHUNK_CHARS]
    # Very long texts are attributed piecewise and get no entity pass: bounded time and memory.
    huge = [d for d in english if len(d.article.text) > CHUNK_CHARS]
    published = [d.article.published.value if d.article.published else None for d in regular]
    # Warms the embedding cache for the whole batch at once (see assess.editorial_inputs).
    embed(editorial_inputs(d.article.text for d in regular))
    for doc, ann in zip(regular, annotate([d.article.text for d in regular], published=published, kb=kb), strict=True):
        doc.quotes = drop_own_outlet(extract_from_doc(ann.doc), doc.article.outlet)
        doc.entities = list(ann.resolution.entities)
        doc.mentions = list(ann.resolution.mentions)
        day = doc.article.published.value if doc.article.published else None
        doc.claims = extract_claims(doc.article.text, doc_id=doc.id, published=day, quotes=doc.quotes, doc=ann.doc)
        doc.flags.extend(
            assess_document(
                doc.article.text,
                title=doc.article.title,
                quotes=doc.quotes,
                removed=doc.article.removed,
                url=doc.article.url,
                published=day,
                kb=kb,
                mentions=doc.mentions,
                entities=doc.entities,
            )
        )
        stated = doc.article.published is not None and doc.article.published.basis in ("stated", "metadata")
        if kb is not None and day is not None and stated:
            office = past_offices(doc.article.text, published=day, kb=kb, mentions=doc.mentions,
                                  entities=doc.entities)
            if office is not None:
                doc.signals.append(office)
    for doc, quotes in zip(huge, extract_quotes_batch([d.article.text for d in huge]), strict=True):
        doc.quotes = drop_own_outlet(quotes, doc.article.outlet)
        doc.skipped["entities"] = f"text longer than {CHUNK_CHARS:,} characters"


def link_entities(store: Store, *, kb: KnowledgeBase | None = None) -> int:
    """Merge per-document entities into corpus entities and link quote speakers to them.

    Args:
        store: an open store.
        kb: the knowledge base (None: the shipped one).

    Returns:
        The number of corpus entities.
    """
    from storyline.entities import Entity, canonical_map, link_corpus, normalise_name

    made: dict[int, Entity] = {}

    def as_entity(row: tuple[Any, ...]) -> Entity:
        # Rows stored alike are one tuple (Store.document_entities), so each becomes one Entity; by
        # identity, as hashing the fields of 270,000 rows (at 20,000 documents) cost more than the rest.
        found = made.get(id(row))
        if found is None:
            key, name, kind, aliases, kb_id, part_of, roles = row
            found = made[id(row)] = Entity(
                key=key, name=name, kind=kind or "", aliases=aliases, kb_id=kb_id, part_of=part_of, roles=roles
            )
        return found

    stored = store.document_entities()  # holds the rows, so their ids stay theirs
    per_doc = {doc_id: [as_entity(r) for r in rows] for doc_id, rows in stored.items()}
    corpus = link_corpus(per_doc.values(), kb=kb)
    canon = canonical_map(corpus)
    rows = [
        (e.key, e.name, e.kind, json.dumps(list(e.aliases)), e.kb_id, e.part_of, json.dumps(list(e.members)))
        for e in corpus
    ]
    links: list[tuple[str, str]] = []
    # Entities recur across documents as one object each, so each one's names are normalised once.
    names_of: dict[int, frozenset[str]] = {}

    def names(e: Entity) -> frozenset[str]:
        found = names_of.get(id(e))
        if found is None:
            found = names_of[id(e)] = frozenset(normalise_name(a) for a in (e.name, *e.aliases))
        return found

    for quote_id, doc_id, speaker, keys in store.iter_quote_speakers():
        # The first mention under the speaker's words that names a corpus entity.
        entity = None
        for k in keys:
            entity = canon.get(k)
            if entity is not None:
                break
        if entity is None and speaker:
            name = normalise_name(speaker)
            entity = next(
                (
                    canon[e.key]
                    for e in per_doc.get(doc_id, [])
                    if e.key in canon and name in names(e)
                ),
                None,
            )
        if entity is not None:
            links.append((entity.key, quote_id))
    store.replace_entities(rows, links)
    return len(corpus)


def link_stories(store: Store, *, run_id: str | None = None) -> int:
    """Place documents that have no story yet into the stored stories (or new ones), incrementally.

    Args:
        store: an open store.
        run_id: the run that added documents: only their stories' undated documents are re-dated
            (None: every story's).

    Returns:
        The number of stories.
    """
    from storyline.dating_story import redate_from_stories
    from storyline.stories import StoryDoc, assign_stories, rebuild_story

    rows = store.story_docs()
    records = {
        r["doc_id"]: StoryDoc(
            id=r["doc_id"], title=r["title"], date=r["day"], embedding=r["vector"], names=frozenset(r["names"])
        )
        for r in rows
    }
    members: dict[str, list[StoryDoc]] = {}
    for r in rows:
        if r["story"] and r["joined"] is not None:
            members.setdefault(r["story"], []).append(records[r["doc_id"]])
    existing = [rebuild_story(sid, docs) for sid, docs in members.items()]
    placed = {d.id for docs in members.values() for d in docs}
    _, stories = assign_stories([rec for doc_id, rec in records.items() if doc_id not in placed], existing)
    joined = {doc_id: n for s in stories for n, doc_id in enumerate(s.documents)}
    lost = store.superseded_stories(run_id=run_id) if run_id is not None else set()
    store.replace_stories(stories, joined)
    # Last resort of the dating rules: undated documents are narrowed by their story's dated ones.
    redate_from_stories(store, run_id=run_id, lost=lost)
    return len(stories)


def link_claims(store: Store, *, duplicate_of: dict[str, str]) -> int:
    """Match the claims of new or changed documents across the store; write relations and positions.

    Incremental (`storyline.crossdoc.update_claim_links`): relations between older claims are kept.

    Args:
        store: an open store.
        duplicate_of: doc id -> original doc id (a copy group counts as one source).

    Returns:
        The number of relations.
    """
    from storyline.crossdoc import update_claim_links

    return update_claim_links(store, duplicate_of=duplicate_of)


def paraphrase_flags(store: Store, *, duplicate_of: dict[str, str]) -> dict[str, list[Flag]]:
    """``derivative`` flags for documents that paraphrase an earlier one without copying it word for word.

    Incremental (`storyline.crossdoc.update_paraphrases`): sentence vectors come stored with each
    document from the per-document stage; only new or changed documents are assessed.

    Args:
        store: an open store.
        duplicate_of: documents already grouped as near copies (left to the copy flags).
    """
    from storyline.crossdoc import update_paraphrases

    return update_paraphrases(store, duplicate_of=duplicate_of)


def link_duplicates(store: Store) -> dedup.DuplicateGroups:
    """Recompute duplicate groups over the stored signatures and write them.

    Args:
        store: an open store.
    """
    signatures = store.signatures()
    info = store.document_dates()
    order = {doc_id: i for i, doc_id in enumerate(signatures)}
    groups = dedup.find_duplicates(
        signatures,
        dates={k: v[0] for k, v in info.items()},
        order=order,
        outlets=store.document_outlets(),
        text_of=store.document_text,
    )
    store.set_duplicates(dict(groups.duplicate_of))
    rows = store.query("SELECT id, outlet, title, source, length(text) AS n FROM documents WHERE superseded_by IS NULL")
    # A copy's evidence is its whole text: every part of it stands in the original too.
    whole = {row["id"]: [(0, int(row["n"]))] for row in rows}
    flags = {
        doc_id: [
            Flag(
                kind="duplicate" if sim >= dedup.EXACT_COPY_JACCARD else "derivative",
                score=round(sim, 3),
                evidence=[
                    f"{sim:.0%} of its word 5-grams match {groups.duplicate_of[doc_id]} "
                    f"({info[groups.duplicate_of[doc_id]][1]}), the earliest copy"
                ],
                spans=whole.get(doc_id, []),
            )
        ]
        for doc_id, sim in groups.similarity.items()
    }
    flags.update(paraphrase_flags(store, duplicate_of=groups.duplicate_of))
    store.replace_flags("dedup", flags, kinds=("duplicate", "derivative"))
    return groups


def link_staleness(store: Store, *, duplicate_of: dict[str, str]) -> int:
    """Recompute the ``stale`` flags from the corpus and the documents' own signals.

    Three kinds of evidence, one flag per document: a late copy of an early document, an undated
    document far older than its story, and (found per document) offices given as current that the
    knowledge base says had ended. Run after `link_stories`, which assigns stories and re-dates.

    Args:
        store: an open store.
        duplicate_of: doc id -> id of the original it copies.

    Returns:
        The number of documents flagged.
    """
    rows = store.staleness_rows()
    labels = {r["id"]: f'{r["outlet"] or "unknown outlet"}, "{r["title"] or r["source"]}"' for r in rows}
    dates = {doc_id: day for doc_id, (day, _) in store.document_dates().items()}
    stories: dict[str, list[StoryMember]] = {}
    offices: dict[str, Flag] = {}
    for r in rows:
        for raw in json.loads(r["signals"] or "[]"):
            if raw["kind"] == "stale":
                offices[r["id"]] = Flag(kind="stale", score=float(raw["score"]), evidence=list(raw["evidence"]),
                                        spans=[(int(a), int(b)) for a, b in raw["spans"]])
        if r["story"] is None:
            continue
        # The content's own clues, without the story's span that re-dating added.
        evidence = tuple(e for e in json.loads(r["published_evidence"] or "[]") if not e.startswith(SPAN_EVIDENCE))
        stories.setdefault(r["story"], []).append(
            StoryMember(doc_id=r["id"], label=labels[r["id"]], stated=r["stated"],
                        content_latest=r["content_latest"], evidence=evidence)
        )
    whole = {r["id"]: [(0, int(r["n"]))] for r in rows}
    corpus = merge_flags(stale_flags(duplicate_of=duplicate_of, dates=dates, labels=labels), story_stale_flags(stories))
    # A copy or an early episode is stale as a whole: the whole text carries the date it is judged by.
    for doc_id, flag in corpus.items():
        flag.spans = whole.get(doc_id, [])
    stale = merge_flags(corpus, offices)
    store.replace_flags("staleness", {doc_id: [flag] for doc_id, flag in stale.items()}, kinds=("stale",))
    return len(stale)
