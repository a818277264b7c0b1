"""The embedding cache returns what a fresh forward pass returns, and stays bounded."""

from __future__ import annotations

import numpy as np
import pytest

from storyline import embed as embed_mod
from storyline._exceptions import EngineError


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    embed_mod.clear_cache()


def test_cached_vectors_equal_fresh_ones_and_repeats_are_embedded_once() -> None:
    texts = ["The mayor said the bridge would reopen in May.", "Rain is expected over the weekend."]
    first = embed_mod.embed(texts)
    assert embed_mod.cache_info() == {"hits": 0, "misses": 2, "size": 2}
    embed_mod.clear_cache()
    again = embed_mod.embed([texts[1], texts[0], texts[1]])
    assert embed_mod.cache_info()["misses"] == 2
    np.testing.assert_allclose(again[1], first[0], atol=1e-6)
    np.testing.assert_allclose(again[0], first[1], atol=1e-6)
    np.testing.assert_array_equal(again[0], again[2])
    cached = embed_mod.embed(texts)
    assert embed_mod.cache_info()["hits"] == 3  # the repeat in the call above counts as one
    np.testing.assert_allclose(cached, first, atol=1e-6)


def test_forward_seconds_count_model_passes_only() -> None:
    assert embed_mod.forward_seconds() == 0.0
    texts = ["The ferry resumed service on Monday.", "Okafor denied the report."]
    embed_mod.embed(texts)
    spent = embed_mod.forward_seconds()
    assert spent > 0.0
    embed_mod.embed(texts)  # served from the cache: no forward pass
    assert embed_mod.forward_seconds() == spent
    embed_mod.clear_cache()
    assert embed_mod.forward_seconds() == 0.0


def test_callers_may_modify_results_without_touching_the_cache() -> None:
    text = "Officials declined to comment on the report."
    out = embed_mod.embed([text])
    out[:] = 0.0
    assert float(np.linalg.norm(embed_mod.embed([text])[0])) == pytest.approx(1.0, abs=1e-4)


def test_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed_mod, "CACHE_SIZE", 3)
    vecs = embed_mod.embed([f"Sentence number {n} of the test." for n in range(5)])
    assert vecs.shape == (5, embed_mod.DIM)
    assert embed_mod.cache_info()["size"] == 3


@pytest.mark.parametrize("value", ["half", "fp8", "int8"])
def test_unknown_precision_setting_names_the_variable_and_the_choices(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(embed_mod.PRECISION_ENV, value)
    with pytest.raises(EngineError, match=f"{embed_mod.PRECISION_ENV}.*auto, float32, bfloat16"):
        embed_mod.embed(["The ferry left on time."])


@pytest.mark.parametrize(("value", "expected"), [("float32", False), ("bfloat16", True), (" BFloat16 ", True)])
def test_precision_setting_overrides_the_cpu_check(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv(embed_mod.PRECISION_ENV, value)
    assert embed_mod.use_bfloat16() is expected


def test_auto_precision_follows_the_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(embed_mod.PRECISION_ENV, raising=False)
    for has_bf16 in (False, True):
        monkeypatch.setattr(embed_mod, "_cpu_has_bf16", lambda has=has_bf16: has)
        assert embed_mod.use_bfloat16() is has_bf16


def test_bfloat16_vectors_stay_within_a_rounding_error_of_float32(monkeypatch: pytest.MonkeyPatch) -> None:
    if not embed_mod._cpu_has_bf16():
        pytest.skip("this CPU has no bfloat16 instructions; auto keeps float32 here")
    texts = [
        "The harbour board voted to raise ferry fares by ten percent from June.",
        "Okafor said the council had misled residents about the cost of the new quay.",
        "Rain is expected over the weekend.",
    ]
    monkeypatch.setenv(embed_mod.PRECISION_ENV, "float32")
    full = embed_mod.embed(texts)
    embed_mod.clear_cache()
    monkeypatch.setenv(embed_mod.PRECISION_ENV, "bfloat16")
    half = embed_mod.embed(texts)
    cosines = (full * half).sum(axis=1)
    assert cosines.min() > 0.9995
    # Rounding must not reorder which sentences are close: the same pair stays the nearest.
    assert np.argsort(full @ full.T, axis=1).tolist() == np.argsort(half @ half.T, axis=1).tolist()


@pytest.mark.parametrize("precision", ["float32", "bfloat16"])
def test_a_vector_does_not_depend_on_the_texts_embedded_with_it(
    monkeypatch: pytest.MonkeyPatch, precision: str
) -> None:
    # Padding a short text to a long neighbour's length reorders sums in the matrix products; in
    # bfloat16 that moved vectors by up to 1e-3 and the local and Ray engines' scores apart.
    if precision == "bfloat16" and not embed_mod._cpu_has_bf16():
        pytest.skip("this CPU has no bfloat16 instructions")
    monkeypatch.setenv(embed_mod.PRECISION_ENV, precision)
    texts = ["Rain.", "The harbour board voted to raise ferry fares by ten percent from June."]
    filler = "about the ferry timetable and its many late departures this spring."
    neighbours = [f"Filler sentence {k} {filler}" for k in range(20)]
    together = embed_mod.embed([*texts, *neighbours])[:2]
    for text, vec in zip(texts, together, strict=True):
        embed_mod.clear_cache()
        np.testing.assert_array_equal(embed_mod.embed([text])[0], vec)
