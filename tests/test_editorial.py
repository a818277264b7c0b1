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


@pytest.mark.parametrize(
    ("sentences", "marked", "expected"),
    [
        # "slammed" is marked in both sentences that hold it: 2 / (2 + 1).
        (["Lind slammed the plan.", "Okafor slammed the ferry deal."], [["slammed"], ["Slammed"]], {"slammed": 0.6667}),
        # A marked phrase counts each of its words; a mark on a word the sentence lacks counts nothing.
        (["A truly reckless scheme."], [["truly reckless", "absent"]], {"truly": 0.5, "reckless": 0.5}),
        # Marked once in three sentences holding it.
        (["Brandt claimed it.", "He claimed so.", "She claimed none."], [["claimed"], [], []], {"claimed": 0.25}),
        (["Nothing marked here."], [[]], {}),
    ],
)
def test_learn_word_bias(sentences: list[str], marked: list[list[str]], expected: dict[str, float]) -> None:
    from storyline.editorial import learn_word_bias

    assert learn_word_bias(sentences, marked) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Lind slammed the reckless plan.", [0.6, 0.9]),
        ("The ferry leaves at noon.", [0.0, 0.0]),
        ("", [0.0, 0.0]),
        ("SLAMMED, slammed!", [0.6, 1.2]),
    ],
)
def test_word_bias_features(sentence: str, expected: list[float]) -> None:
    from storyline.editorial import word_bias_features

    table = {"slammed": 0.6, "reckless": 0.3}
    assert word_bias_features(sentence, table).tolist() == pytest.approx(expected)


def test_shipped_model_matches_its_features() -> None:
    import json
    from importlib import resources

    from storyline.editorial import LEXICON_FEATURES, WORD_BIAS_FEATURES, features

    model = json.loads(resources.files("storyline").joinpath("data/editorial/model.json").read_text(encoding="utf-8"))
    width = features(["The ferry leaves at noon."]).shape[1]
    assert len(model["coef"]) == len(model["mean"]) == len(model["scale"]) == width
    assert width == 384 + len(LEXICON_FEATURES) + len(WORD_BIAS_FEATURES)
    assert model["word_bias"] and all(0.0 < v < 1.0 for v in model["word_bias"].values())
    # The word-bias columns carry weight: a sentence of marked words scores above the same sentence without them.
    assert model["coef"][-2] > 0 and model["coef"][-1] > 0
