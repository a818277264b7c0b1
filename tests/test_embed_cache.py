"""The embedding cache returns what a fresh forward pass returns, and stays bounded."""

from __future__ import annotations

import numpy as np
import pytest

from storyline import embed as embed_mod


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
