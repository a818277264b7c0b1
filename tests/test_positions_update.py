"""Incremental positions: rebuilding only the groups of claims an update touches ends where a rebuild of all does."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.crossdoc import _changed_positions, _read_claims, _relation_dict
from storyline.link import Relation, positions
from storyline.store import Store

KINDS = ["corroborates", "contradicts", "updates"]


def _relation(kind: str, a: str, b: str, score: float) -> Relation:
    return Relation(kind=kind, a=a, b=b, evidence=(f"{a}~{b}",), explanation=f"{a} then {b}", score=score)


def _rows(found: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(p, sort_keys=True) for p in found)


def _relation_ends(draw: Any, ids: list[str], count: int) -> list[tuple[str, str, str, float]]:
    out = []
    for _ in range(count):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if a != b:
            out.append((draw(st.sampled_from(KINDS)), a, b, draw(st.sampled_from([0.5, 0.7, 0.9]))))
    return out


@st.composite
def _stores(draw: Any) -> dict[str, Any]:
    n_docs = draw(st.integers(2, 6))
    claims = []
    for d in range(n_docs):
        for k in range(draw(st.integers(1, 4))):
            claims.append(
                {
                    "id": f"c{d}{k}",
                    "doc": f"d{d}",
                    "actor": draw(st.sampled_from(["Ana Ruiz", "Port Board", None])),
                    "statement": draw(st.sampled_from(["quay shut", "the quay will reopen", "cranes damaged"])),
                    "polarity": draw(st.sampled_from(["affirmed", "negated"])),
                    "date": f"2025-03-{1 + d:02d}" if draw(st.booleans()) else None,
                }
            )
    ids = [c["id"] for c in claims]
    gone = draw(st.sets(st.sampled_from([f"d{d}" for d in range(n_docs)]), max_size=2))
    current = [c["id"] for c in claims if c["doc"] not in gone]
    dirty = draw(st.sets(st.sampled_from(current), max_size=4)) if current else set()
    stored = _relation_ends(draw, ids, draw(st.integers(0, 14)))
    new = _relation_ends(draw, current, draw(st.integers(0, 6))) if len(current) > 1 else []
    # A new relation always has a re-matched end, as in update_claim_links.
    new = [r for r in new if r[1] in dirty or r[2] in dirty]
    return {"claims": claims, "gone": gone, "dirty": dirty, "stored": stored, "new": new, "n_docs": n_docs}


@settings(max_examples=120, deadline=None)
@given(_stores())
def test_rebuilt_groups_and_stored_positions_equal_positions_rebuilt_from_all_relations(case: dict[str, Any]) -> None:
    doc_dates = {f"d{d}": (dt.date(2025, 4, 1 + d) if d % 2 else None) for d in range(case["n_docs"])}
    with Store(":memory:") as store:
        with store.transaction() as con:
            for d in range(case["n_docs"]):
                con.execute(
                    "INSERT INTO documents (id, source, content_hash, text, removed, seq, superseded_by) "
                    "VALUES (?, ?, ?, '', '[]', ?, ?)",
                    [f"d{d}", f"d{d}.txt", f"h{d}", d, "newer" if f"d{d}" in case["gone"] else None],
                )
            for c in case["claims"]:
                con.execute(
                    'INSERT INTO claims (id, doc_id, actor, statement, text, polarity, via, date, "start", "end") '
                    "VALUES (?, ?, ?, ?, ?, ?, '[]', ?, 0, 1)",
                    [c["id"], c["doc"], c["actor"], c["statement"], c["statement"], c["polarity"], c["date"]],
                )
        # The state an earlier run left: relations among the claims of that time, and their positions.
        earlier = [_relation(*r) for r in case["stored"]]
        every_claim = _read_claims(store) + [c for c in _all_claims_including_gone(store) if c.doc in case["gone"]]
        in_order = sorted(earlier, key=lambda r: (-r.score, r.a, r.b))
        stored_positions = positions(every_claim, in_order, doc_dates=doc_dates)
        store.replace_links([_relation_dict(r) for r in earlier], stored_positions)
        new = [_relation(*r) for r in case["new"]]
        replaced, found = _changed_positions(store, dirty_ids=case["dirty"], new_relations=new, doc_dates=doc_dates)
        store.update_links(
            sorted(case["dirty"]) or [""], [_relation_dict(r) for r in new], found, replaced_positions=replaced
        )
        after = [json.loads(r["data"]) for r in store.query("SELECT data FROM positions")]
        current = _read_claims(store)
    live = {c.id for c in current}
    kept = [r for r in earlier if {r.a, r.b} <= live and not {r.a, r.b} & case["dirty"]]
    expected = positions(current, sorted([*kept, *new], key=lambda r: (-r.score, r.a, r.b)), doc_dates=doc_dates)
    assert _rows(after) == _rows(expected)


def _all_claims_including_gone(store: Store) -> list[Any]:
    from storyline.crossdoc import _claim

    return [_claim(r) for r in store.query("SELECT * FROM claims ORDER BY id")]
