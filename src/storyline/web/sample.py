"""Invented sample analyses for the web views: every bundle section filled, at any size.

Used by the report/app tests, the XSS suite and the API benchmark. All names, outlets and text
here are made up. `build_sample_db` writes documents through `Store.write_batch` and fills the
later-stage tables (entities, quotes, claims, relations, stories) directly, since the stages
that compute them are not needed to exercise the views.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from storyline.export import build_bundle
from storyline.records import Article, DateEstimate, Document, Flag
from storyline.store import _DOC_COLUMNS, Store, _document_row

OUTLETS = ("Northwind Gazette", "Lantern Post", "Tidewater Wire", "Cobalt Daily", "Fernhill Courier")
ACTORS = ("Mayor Ilse Varro", "Harbour Board", "Minister Oren Calde", "Dockworkers Guild")
AGENCY = "Tidewater Wire"
TOPICS = ("harbour levy", "night ferry", "sea wall", "fish market", "rail link", "bridge toll")
_QUOTE_COLUMNS = ("id", "doc_id", "text", '"start"', '"end"', "speaker", "speaker_entity", "speaker_start",
                  "speaker_end", "cue", "cue_class", "direct", "via", "hedged", "anonymous")
_CLAIM_COLUMNS = ("id", "doc_id", "actor", "actor_entity", "statement", "text", "polarity", "modality",
                  "attributed_to", "via", "date", '"start"', '"end"')


def _day(story: int, i: int) -> dt.date:
    return dt.date(2025, 1, 6) + dt.timedelta(days=(story * 37) % 300 + 3 * i)


def _text(story: int, i: int, topic: str, outlet: str, actor: str) -> str:
    return (
        f"PORT ALDER — The plan for the {topic} moved forward on Tuesday, {outlet} has learned. "
        f'"We will not raise the {topic} charge this year," {actor} said, according to {AGENCY}. '
        f"Critics said the decision was a shameless giveaway to shipping firms. "
        f"The council will vote on the {topic} next month, officials said. "
        f"Report {i} in series {story} adds that the harbour budget stays unchanged."
    )


def sample_documents(*, stories: int = 2, per_story: int = 4) -> list[tuple[Document, int]]:
    """Invented documents with flags, each with its story number.

    Args:
        stories: number of stories.
        per_story: documents per story.
    """
    out = []
    for s in range(stories):
        topic = TOPICS[s % len(TOPICS)]
        for i in range(per_story):
            outlet = OUTLETS[(s + i) % len(OUTLETS)]
            actor = ACTORS[(s + i) % len(ACTORS)]
            text = _text(s, i, topic, outlet, actor)
            day = _day(s, i)
            if i % 4 == 3:  # an estimated date: an interval, not a stated day
                published = DateEstimate(value=None, earliest=day - dt.timedelta(days=4),
                                         latest=day + dt.timedelta(days=2), basis="inferred",
                                         evidence=("mentions 'next month' relative to a dated event",))
            else:
                published = DateEstimate.exact(day, basis="stated", evidence=f"dateline {day.isoformat()}")
            article = Article(text=text, title=f"{topic.title()} update {i + 1}", outlet=outlet, published=published,
                              removed=["Subscribe for more harbour news", "Share this story"], author="Staff reporter",
                              url=f"https://example.org/{s}/{i}", language="en", language_score=0.99)
            did = "d" + hashlib.blake2b(f"sample{s}:{i}".encode(), digest_size=8).hexdigest()
            doc = Document(id=did, source=f"sample/{s:04d}/{i:04d}.txt", article=article,
                           content_hash=hashlib.blake2b(text.encode(), digest_size=8).hexdigest())
            phrase = "a shameless giveaway to shipping firms"
            at = text.find(phrase)
            doc.flags.append(Flag(kind="editorializing", score=0.81, evidence=[f'loaded wording: "{phrase}"'],
                                  spans=[(at, at + len(phrase))]))
            if i % 2 == 1:
                doc.flags.append(Flag(kind="weak_sourcing", score=0.55,
                                      evidence=["officials said"]))  # found verbatim: marked without spans
            if i == per_story - 1 and per_story > 1:
                doc.flags.append(Flag(kind="derivative", score=0.72,
                                      evidence=["72% of its word 5-grams match an earlier copy"]))
            out.append((doc, s))
    return out


def _bulk_insert(con: Any, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert many rows at once through an Arrow table (row-by-row inserts take minutes at 10k)."""
    import pyarrow as pa

    if not rows:
        return
    data = pa.table({name: list(values) for name, values in zip(columns, zip(*rows, strict=True), strict=True)})
    con.register("_bulk_rows", data)
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT * FROM _bulk_rows")
    finally:
        con.unregister("_bulk_rows")


def build_sample_db(path: str | os.PathLike[str], *, stories: int = 2, per_story: int = 4, bulk: bool = False) -> None:
    """Write an invented analysis with every table filled into a new database at ``path``.

    Args:
        path: the DuckDB file to create (must not hold an analysis yet).
        stories: number of stories.
        per_story: documents per story.
        bulk: insert documents and flags in bulk instead of through `Store.write_batch` (which
            does per-document bookkeeping: minutes for a 10,000-document benchmark database).
    """
    docs = sample_documents(stories=stories, per_story=per_story)
    with Store(Path(path)) as store:
        con = store.con
        if bulk:
            with store.transaction():
                rows = [list(_document_row(d, seq=i + 1, run_id="sample", now="2025-01-01T00:00:00+00:00"))
                        for i, (d, _) in enumerate(docs)]
                _bulk_insert(con, "documents", _DOC_COLUMNS, rows)
                _bulk_insert(con, "sources", ("path", "version", "doc_id", "ingested_at"),
                             [(d.source, 1, d.id, None) for d, _ in docs])
                _bulk_insert(con, "flags", ("doc_id", "kind", "score", "evidence", "spans", "stage"),
                             [(d.id, f.kind, f.score, json.dumps(f.evidence), json.dumps(f.spans), "sample")
                              for d, _ in docs for f in d.flags])
        else:
            store.write_batch([d for d, _ in docs], [], {}, run_id="sample")
        con.execute("CREATE TEMP TABLE story_of (doc VARCHAR, story VARCHAR)")
        _bulk_insert(con, "story_of", ("doc", "story"), [(d.id, f"s{s}") for d, s in docs])
        con.execute("UPDATE documents SET story = story_of.story FROM story_of WHERE documents.id = story_of.doc")
        _bulk_insert(con, "entities", ("id", "name", "kind", "aliases"),
                     [(f"e{k}", a, "person" if a.split()[0] in ("Mayor", "Minister") else "org",
                       json.dumps([a.split()[-1]])) for k, a in enumerate(ACTORS)])
        quotes: list[tuple[Any, ...]] = []
        claims: list[tuple[Any, ...]] = []
        relations: list[tuple[Any, ...]] = []
        for n, (doc, s) in enumerate(docs):
            text = doc.article.text
            topic = TOPICS[s % len(TOPICS)]
            q0 = text.index('"') + 1
            q1 = text.index('"', q0)
            actor = ACTORS[(s + n % per_story) % len(ACTORS)]
            via = [AGENCY] if doc.article.outlet != AGENCY else []
            quotes.append((f"q{n}", doc.id, text[q0:q1], q0, q1, actor, f"e{ACTORS.index(actor)}", None, None, "said",
                           "neutral", True, json.dumps(via), False, False))
            negated = n % per_story == 2
            claims.append((f"c{n}", doc.id, actor, f"e{ACTORS.index(actor)}",
                           f"{topic} charge {'raised' if negated else 'not raised'} this year", text[q0:q1],
                           "negated" if negated else "affirmed", "asserted", actor, json.dumps(via),
                           _day(s, n % per_story).isoformat(), q0, q1))
            k = text.index("The council")
            if n % per_story != 1:  # one outlet leaves the vote out: a "silent" cell in the matrix
                claims.append((f"v{n}", doc.id, "council", None, f"council votes on {topic} next month",
                               text[k:text.index(".", k) + 1], "affirmed", "planned", "officials", "[]",
                               (_day(s, n % per_story) + dt.timedelta(days=30)).isoformat()[:7], k,
                               text.index(".", k)))
            if n % per_story:
                kind = "contradicts" if negated else "corroborates"
                relations.append((kind, f"c{n - n % per_story}", f"c{n}",
                                  json.dumps([f"same {topic} charge, {'opposite' if negated else 'same'} polarity"])))
        _bulk_insert(con, "quotes", _QUOTE_COLUMNS, quotes)
        _bulk_insert(con, "claims", _CLAIM_COLUMNS, claims)
        _bulk_insert(con, "relations", ("kind", "a", "b", "evidence"), relations)
        _bulk_insert(con, "stories", ("id", "title", '"start"', '"end"'),
                     [(f"s{s}", f"The {TOPICS[s % len(TOPICS)]} dispute", _day(s, 0).isoformat(),
                       _day(s, per_story - 1).isoformat()) for s in range(stories)])


def sample_positions(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Invented ``positions`` for a sample bundle: each actor's dated claims, with change points.

    Args:
        bundle: a bundle read from a sample database.
    """
    by_actor: dict[str, list[dict[str, Any]]] = {}
    for claim in bundle["claims"]:
        if claim["actor"] in ACTORS and claim["date"] and len(claim["date"]) == 10:
            by_actor.setdefault(claim["actor"], []).append(claim)
    out = []
    for actor, claims in sorted(by_actor.items()):
        claims.sort(key=lambda c: c["date"])
        points = [{"date": c["date"], "claim": c["id"], "doc": c["doc"],
                   "stance": "oppose" if c["polarity"] == "negated" else "support"} for c in claims]
        changes = [{"from": a["stance"], "to": b["stance"], "date": b["date"],
                    "explanation": f"{actor} reversed course on {b['date']}"}
                   for a, b in itertools.pairwise(points) if a["stance"] != b["stance"]]
        out.append({"actor": actor, "topic": claims[0]["statement"].split(" charge")[0], "points": points,
                    "changes": changes})
    return out


def sample_bundle(path: str | os.PathLike[str], *, stories: int = 2, per_story: int = 4) -> dict[str, Any]:
    """Build a sample database at ``path`` and return its bundle with ``positions`` and explanations.

    Args:
        path: the DuckDB file to create.
        stories: number of stories.
        per_story: documents per story.
    """
    build_sample_db(path, stories=stories, per_story=per_story)
    with Store(Path(path), read_only=True) as store:
        bundle = build_bundle(store)
    bundle["positions"] = sample_positions(bundle)
    for rel in bundle["relations"]:
        rel["explanation"] = f"both report the charge decision ({rel['kind']})"
    return bundle
