"""Behaviour of `storyline.editorial_score` on invented sentences."""

from __future__ import annotations

import pytest

import storyline

LOADED = [
    "The reckless regime unleashed a brutal, shameful crackdown on peaceful protesters.",
    "This disastrous scheme is an outrageous attack on hardworking families by radical extremists.",
    "The so-called experts spewed their usual hateful propaganda in a bizarre, unhinged tirade.",
]
NEUTRAL = [
    "The committee will meet on Thursday at 10 a.m. in room 204.",
    "The company reported revenue of 3.2 billion dollars for the second quarter.",
    "The bridge is 450 metres long and carries two lanes of traffic.",
]


@pytest.fixture(scope="module")
def scores() -> list[float]:
    """Scores of every invented sentence in one batch (the model loads once per module)."""
    return storyline.editorial_score_batch(LOADED + NEUTRAL)


@pytest.mark.parametrize("i", range(len(LOADED)))
def test_loaded_sentences_score_high(scores: list[float], i: int) -> None:
    assert scores[i] >= 0.5


@pytest.mark.parametrize("i", range(len(NEUTRAL)))
def test_neutral_sentences_score_low(scores: list[float], i: int) -> None:
    assert scores[len(LOADED) + i] < 0.5


def test_loaded_outranks_neutral(scores: list[float]) -> None:
    assert min(scores[: len(LOADED)]) > max(scores[len(LOADED) :])


def test_scores_in_unit_interval(scores: list[float]) -> None:
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_single_matches_batch(scores: list[float]) -> None:
    assert storyline.editorial_score(LOADED[0]) == pytest.approx(scores[0], abs=1e-5)


@pytest.mark.parametrize("text", ["", "   ", "\n"])
def test_empty_sentence_scores_zero(text: str) -> None:
    assert storyline.editorial_score(text) == 0.0


def test_empty_batch() -> None:
    assert storyline.editorial_score_batch([]) == []


def test_batch_keeps_order_with_blanks(scores: list[float]) -> None:
    out = storyline.editorial_score_batch(["", NEUTRAL[0], " "])
    assert out[0] == 0.0 and out[2] == 0.0
    assert out[1] == pytest.approx(scores[len(LOADED)], abs=1e-5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An utterly shocking and shameful decision.", {"shocking", "shameful", "utterly shocking"}),
        ("The meeting starts at noon.", set()),
        ('Officials called it a "temporary" measure.', {'"temporary"'}),
    ],
)
def test_loaded_phrases(text: str, expected: set[str]) -> None:
    from storyline.editorial import loaded_phrases

    found = {text[a:b] for a, b in loaded_phrases(text)}
    assert found == expected


@pytest.mark.parametrize(
    ("text", "feature", "positive"),
    [
        ("The most absurd and biggest failure ever.", "superlative", True),
        ("They tested the new forest road.", "superlative", False),
        ("We must act now!", "exclaim", True),
        ("Clearly, this should stop.", "opinion", True),
    ],
)
def test_lexicon_features(text: str, feature: str, positive: bool) -> None:
    from storyline.editorial import LEXICON_FEATURES, lexicon_features

    value = lexicon_features(text)[LEXICON_FEATURES.index(feature)]
    assert (value > 0) == positive
