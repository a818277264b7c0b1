"""The same-proposition decision on hand-labelled demo-corpus claim pairs, and its parts.

`tests/fixtures/link/demo_claim_pairs.json` holds pairs of claims (as the pipeline extracted them from
the invented demo corpus) that an earlier matcher linked as corroborating; each is labelled ``same``
(one proposition) or not (one topic only). The pairs are matched with the real MiniLM embeddings.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from storyline.claims import Claim
from storyline.link import claim_parts, match_claims, numbers, quantities, shared_proposition

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "link" / "demo_claim_pairs.json"
PAIRS: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["pairs"]

#: Same-proposition pairs the decision misses (reported, not hidden): synonyms the parse cannot see
#: ("troops" / "soldiers", "three of his colleagues" / "three officers"; "want" is a light verb), and
#: one figure under verbs of different classes ("crossed" / "pushed", "commits to" / "must release").
KNOWN_MISSES = {
    ("the Dravonian patrol had crossed roughly", "the Dravonian patrol had pushed some 400"),
    ("a water-sharing accord with Arvenia that", "Under the accord, Dravonia must release "),
    ("Prime Minister Aurel Dobran on Tuesday s", "Under the accord, Dravonia must release "),
    ("a few hundred Arvenian troops deployed a", "around 250 Arvenian soldiers will deploy"),
    ("The Arvenian side wanted a fixed minimum", "Arvenia wants a guaranteed minimum flow"),
    ("Three months ago, on the night of Januar", "the January 14 shooting at the Kolvar cr"),
}
#: Topic-only pairs still linked (none since relative clauses, passive agents and frequencies are compared).
KNOWN_FALSE: set[tuple[str, str]] = set()


def _claim(cid: str, doc: str, side: dict[str, Any]) -> Claim:
    return Claim(id=cid, doc=doc, actor=side["actor"], statement=side["text"].lower(), text=side["text"],
                 polarity=side["polarity"], modality=side["modality"], start=0, end=len(side["text"]),
                 predicate=side["predicate"], subject=side["subject"], object=side["object"])


def _key(pair: dict[str, Any]) -> tuple[str, str]:
    return pair["a"]["text"][:40], pair["b"]["text"][:40]


@pytest.fixture(scope="module")
def decisions() -> list[tuple[dict[str, Any], list[Any]]]:
    from storyline.embed import embed

    vecs = embed([side["text"] for p in PAIRS for side in (p["a"], p["b"])])
    day = dt.date(2025, 6, 1)
    out = []
    for n, pair in enumerate(PAIRS):
        a, b = _claim("a", "d1", pair["a"]), _claim("b", "d2", pair["b"])
        rels = match_claims([a, b], doc_dates={"d1": day, "d2": day}, doc_outlets={"d1": "Outlet A", "d2": "Outlet B"},
                            duplicate_of={}, embeddings=vecs[2 * n : 2 * n + 2])
        out.append((pair, rels))
    return out


def test_fixture_has_both_labels() -> None:
    assert sum(p["same"] for p in PAIRS) >= 50 and sum(not p["same"] for p in PAIRS) >= 50


@pytest.mark.slow
def test_same_proposition_pairs_corroborate(decisions: list[tuple[dict[str, Any], list[Any]]]) -> None:
    missed = {_key(p) for p, rels in decisions if p["same"] and not any(r.kind == "corroborates" for r in rels)}
    assert missed == KNOWN_MISSES


@pytest.mark.slow
def test_topic_only_pairs_are_not_related(decisions: list[tuple[dict[str, Any], list[Any]]]) -> None:
    linked = {_key(p) for p, rels in decisions if not p["same"] and rels}
    assert linked == KNOWN_FALSE


@pytest.mark.slow
def test_every_corroboration_names_what_is_shared(decisions: list[tuple[dict[str, Any], list[Any]]]) -> None:
    rels = [r for _, found in decisions for r in found]
    assert rels and all("(shared: " in r.explanation for r in rels)
    assert any("same figure \u201c250 arvenian soldier\u201d" in r.explanation for r in rels)


def test_quantities_count_things_and_skip_references() -> None:
    assert ("250", frozenset({"arvenian", "soldier"})) in quantities("around 250 Arvenian soldiers will deploy")
    assert quantities("talks between the two countries") == frozenset()
    assert quantities("on the night of January 14 in 2024") == frozenset()
    assert ("3", frozenset({"border", "officer"})) in quantities("Three border officers were killed")


def _parts(text: str, *, predicate: str | None, subject: str | None = None, obj: str | None = None,
           modality: str = "asserted") -> Any:
    return claim_parts(Claim(id="x", doc="d", actor=None, statement=text.lower(), text=text, polarity="affirmed",
                             modality=modality, start=0, end=len(text), predicate=predicate,  # type: ignore[arg-type]
                             subject=subject, object=obj))


def test_shared_proposition_rules() -> None:
    killed = _parts("Four Pellish miners were killed in the flood", predicate="kill", subject="four pellish miners",
                    obj="in the flood")
    died = _parts("The four miners, all from Pell, died on Sunday", predicate="die", subject="the four miners")
    rescued = _parts("Four Pellish miners were rescued from the flooded shaft", predicate="rescue",
                     subject="four pellish miners", obj="from the flooded shaft")
    # One action class ("kill" / "die") on a shared participant agrees; a different action does not.
    assert shared_proposition(killed, died, cosine=0.6, score=1.0) is not None
    assert shared_proposition(killed, rescued, cosine=0.6, score=1.0) is None
    # One verb with different arguments in the same slot states different facts.
    cars = _parts("The bridge reopened to cars", predicate="reopen", subject="the bridge", obj="to cars")
    walkers = _parts("The bridge reopened to walkers", predicate="reopen", subject="the bridge", obj="to walkers")
    assert shared_proposition(cars, walkers, cosine=0.7, score=1.2) is None
    # Different figures never corroborate; a hedged figure needs a matching action.
    five = _parts("Five miners were killed", predicate="kill", subject="five miners")
    assert shared_proposition(killed, five, cosine=0.9, score=1.5) is None
    hedged = _parts("Four Pellish miners may have been trapped", predicate="trap", subject="four pellish miners",
                    modality="possible")
    assert shared_proposition(killed, hedged, cosine=0.5, score=0.9) is None


def test_roles_and_frequencies_separate_topic_from_fact() -> None:
    # A relative clause is about the noun before it: a lane and a fence that both run along a canal differ.
    lane = _parts("a cycle lane that runs along the Mersel Canal", predicate="run", subject="that",
                  obj="along the mersel canal")
    fence = _parts("the old fence that runs along it beside the Mersel Canal", predicate="run", subject="that",
                   obj="along it")
    assert lane.relative_subject == "lane"
    assert shared_proposition(lane, fence, cosine=0.7, score=1.0) is None
    # The body one claim acts on is the actor of the other.
    convened = _parts("The mayor convened the harbour board on Friday", predicate="convene", subject="the mayor",
                      obj="the harbour board")
    by_board = _parts("hearings convened by the harbour board", predicate="convene")
    assert "board" in by_board.agent_words
    assert shared_proposition(convened, by_board, cosine=0.6, score=1.0) is None
    # How often is a figure: "twice" and "monthly" are different reports of one body meeting.
    monthly = _parts("the tenants' panel will meet monthly", predicate="meet", subject="the tenants' panel",
                     modality="planned")
    twice = _parts("The tenants' panel has met twice since spring", predicate="meet", subject="the tenants' panel")
    assert numbers("met twice") == frozenset({"2 times"})
    assert shared_proposition(monthly, twice, cosine=0.6, score=1.1) is None
    again = _parts("The tenants' panel met twice this spring", predicate="meet", subject="the tenants' panel")
    assert shared_proposition(twice, again, cosine=0.8, score=1.3) is not None
    # A participle after a determiner is an adjective and names no action ("a guaranteed minimum").
    close = _parts("negotiators came close to a guaranteed minimum price of 12 crowns", predicate="come",
                   subject="negotiators", modality="possible")
    assert "guarantee" not in close.actions_named
