"""Behaviour of `storyline.stance` on invented claim/body pairs."""

from __future__ import annotations

import json
from importlib import resources

import pytest

import storyline
from storyline import Stance

CLAIM = "City council approves new bridge over the Marlow river"
AGREE = (
    "The city council voted on Tuesday to approve a new bridge over the Marlow river. "
    "Council members backed the bridge plan by nine votes to two, and the mayor confirmed that "
    "construction of the bridge will begin in the spring. The new bridge will carry two lanes of traffic."
)
DISAGREE = (
    "Reports that the city council approved a new bridge over the Marlow river are false. "
    "The council denied it had voted on any bridge, and a spokesperson said the story was a hoax. "
    "There is no evidence that a bridge over the Marlow river was ever approved, officials said."
)
UNRELATED = (
    "A local bakery won a national prize for its sourdough loaf this weekend. The judges praised the "
    "crust and the long fermentation. The owners plan to open a second shop next year."
)


@pytest.fixture(scope="module")
def results() -> dict[str, Stance]:
    """One batch for the three pairs (the model loads once per module)."""
    out = storyline.stance_batch([(CLAIM, AGREE), (CLAIM, DISAGREE), (CLAIM, UNRELATED)])
    return dict(zip(["agree", "disagree", "unrelated"], out, strict=True))


def test_unrelated_body_is_unrelated(results: dict[str, Stance]) -> None:
    assert results["unrelated"].label == "unrelated"


def test_supporting_body_is_related_and_not_disagreeing(results: dict[str, Stance]) -> None:
    assert results["agree"].label in {"agree", "discuss"}


def test_refuting_body_disagrees(results: dict[str, Stance]) -> None:
    assert results["disagree"].label == "disagree"


@pytest.mark.parametrize("key", ["agree", "disagree", "unrelated"])
def test_scores_are_probabilities(results: dict[str, Stance], key: str) -> None:
    assert 0.0 <= results[key].score <= 1.0


def test_single_matches_batch(results: dict[str, Stance]) -> None:
    assert storyline.stance(CLAIM, DISAGREE) == results["disagree"]


@pytest.mark.parametrize(("claim", "body"), [("", AGREE), (CLAIM, ""), ("   ", "  \n "), ("", "")])
def test_empty_side_is_unrelated(claim: str, body: str) -> None:
    s = storyline.stance(claim, body)
    assert s.label == "unrelated"
    assert 0.0 <= s.score <= 1.0


def test_empty_batch() -> None:
    assert storyline.stance_batch([]) == []


def test_batch_keeps_order_with_empty_items(results: dict[str, Stance]) -> None:
    out = storyline.stance_batch([(CLAIM, ""), (CLAIM, UNRELATED), ("", "x")])
    assert [s.label for s in out] == ["unrelated", results["unrelated"].label, "unrelated"]


def test_shipped_weights_are_json_and_match_features() -> None:
    from storyline.stance import STAGE1_FEATURES, STAGE2_FEATURES

    d = json.loads(resources.files("storyline").joinpath("data/stance/model.json").read_text(encoding="utf-8"))
    assert d["stage1_features"] == list(STAGE1_FEATURES)
    assert d["stage2_features"] == list(STAGE2_FEATURES)
    assert len(d["stage2"]["coef"][0]) == len(STAGE2_FEATURES)
    assert sorted(d["stage2"]["classes"]) == ["agree", "disagree", "discuss"]


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("One sentence. Another one here! A third? Yes.", 4),
        ("No split inside 3.5 percent growth.", 1),
        ("First paragraph line\n\nSecond paragraph.", 2),
        ("", 0),
    ],
)
def test_split_sentences(text: str, n: int) -> None:
    from storyline.stance import split_sentences

    assert len(split_sentences(text)) == n
