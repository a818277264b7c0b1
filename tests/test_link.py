"""Claim matching: relation labels on invented claims, the neighbour index, and the demo corpus."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
from pathlib import Path

import numpy as np
import pytest

from storyline.ann import normalise, similar_pairs
from storyline.claims import Claim, extract_claims
from storyline.link import Relation, match_claims, positions

ROOT = Path(__file__).resolve().parents[1]


def _claim(cid: str, doc: str, text: str, *, actor: str | None = None, polarity: str = "affirmed",
           modality: str = "asserted", predicate: str | None = "send", subject: str | None = "the ministry") -> Claim:
    return Claim(id=cid, doc=doc, actor=actor, statement=text.lower(), text=text, polarity=polarity,  # type: ignore[arg-type]
                 modality=modality, start=0, end=len(text), predicate=predicate, subject=subject)  # type: ignore[arg-type]


def _vectors(n: int, same: list[int]) -> np.ndarray:
    """Random unit rows; rows listed in ``same`` are near-identical (one proposition)."""
    rng = np.random.default_rng(7)
    v = rng.normal(size=(n, 32)).astype(np.float32)
    for i in same[1:]:
        v[i] = v[same[0]] + 0.05 * rng.normal(size=32)
    return normalise(v)


DATES = {"d1": dt.date(2031, 3, 1), "d2": dt.date(2031, 3, 3), "d3": dt.date(2031, 3, 4), "d4": dt.date(2031, 8, 1)}
OUTLETS = {"d1": "Dunmere Post", "d2": "Harbour Times", "d3": "Dunmere Post Online", "d4": "Harbour Times"}
TEXT = "The ministry will send 40 inspectors to the Dunmere harbour"


@pytest.mark.parametrize(
    ("pol_b", "actor_b", "doc_b", "kind"),
    [
        ("affirmed", None, "d2", "corroborates"),
        ("negated", None, "d2", "contradicts"),
        ("negated", "Ilse Varn", "d4", "updates"),
    ],
)
def test_relation_kinds(pol_b: str, actor_b: str | None, doc_b: str, kind: str) -> None:
    a = _claim("a", "d1", TEXT, actor="Ilse Varn", modality="planned")
    b = _claim("b", doc_b, TEXT.replace("will send", "sends"), actor=actor_b, polarity=pol_b, modality="planned")
    rels = match_claims([a, b], doc_dates=DATES, doc_outlets=OUTLETS, duplicate_of={},
                        embeddings=_vectors(2, [0, 1]))
    assert [(r.kind, r.a, r.b) for r in rels] == [(kind, "a", "b")]
    rel = rels[0]
    assert TEXT in rel.evidence
    assert "Dunmere Post (2031-03-01)" in rel.explanation and "Harbour Times" in rel.explanation


def test_copies_and_same_outlet_do_not_corroborate() -> None:
    a = _claim("a", "d1", TEXT)
    b = _claim("b", "d2", TEXT + " in May")
    c = _claim("c", "d4", TEXT + " soon")
    emb = _vectors(3, [0, 1, 2])
    # d2 copies d1; d4 shares d2's outlet: a-b is one source, b-c the same outlet, a-c independent.
    rels = match_claims([a, b, c], doc_dates=DATES, doc_outlets=OUTLETS, duplicate_of={"d2": "d1"}, embeddings=emb)
    assert {(r.a, r.b) for r in rels} == {("a", "c")}


def test_unrelated_claims_are_not_linked() -> None:
    a = _claim("a", "d1", TEXT)
    b = _claim("b", "d2", "Rain closed the coastal road near Pellow for two days", predicate="close", subject="rain")
    rels = match_claims([a, b], doc_dates=DATES, doc_outlets=OUTLETS, duplicate_of={}, embeddings=_vectors(2, []))
    assert rels == []


def test_positions_report_the_change() -> None:
    a = _claim("a", "d1", TEXT, actor="Ilse Varn", polarity="negated", modality="ruled_out")
    b = _claim("b", "d4", TEXT, actor="Ilse Varn", modality="planned")
    rels = match_claims([a, b], doc_dates=DATES, doc_outlets=OUTLETS, duplicate_of={},
                        embeddings=_vectors(2, [0, 1]))
    pos = positions([a, b], rels, doc_dates=DATES)
    assert len(pos) == 1
    p = pos[0]
    assert p["actor"] == "Ilse Varn"
    assert [(x["claim"], x["stance"], x["date"]) for x in p["points"]] == [  # type: ignore[union-attr]
        ("a", "against", "2031-03-01"), ("b", "for", "2031-08-01")]
    assert p["changes"] == [{"from": "a", "to": "b", "date": "2031-08-01", "explanation": rels[0].explanation}]


@pytest.mark.parametrize(("n", "threshold", "k"), [(50, 0.2, 100), (300, 0.1, 5), (1, 0.0, 3)])
def test_similar_pairs_matches_brute_force(n: int, threshold: float, k: int) -> None:
    v = normalise(np.random.default_rng(n).normal(size=(n, 16)))
    i, j, s = similar_pairs(v, threshold=threshold, k=k, block=64)
    assert np.all(i < j) and np.all(s >= threshold)
    sims = v @ v.T
    np.testing.assert_allclose(s, sims[i, j], rtol=1e-5, atol=1e-6)
    for row in range(n):
        want = sorted((x for x in range(row + 1, n) if sims[row, x] >= threshold), key=lambda x: -sims[row, x])[:k]
        assert sorted(j[i == row].tolist()) == sorted(want)


@pytest.mark.parametrize(("max_floats", "k"), [(16 * 50, 3), (16 * 50, 1), (3000, 7), (16_000_000, 3)])
def test_similar_pairs_keep_the_k_best_with_ties_to_the_lower_column(max_floats: int, k: int) -> None:
    # Small whole numbers: every product is exact in float32, so equal similarities are true ties
    # whichever tile computes them, and many tiles and compactions are needed to finish a row.
    v = np.random.default_rng(k).integers(0, 3, size=(400, 6)).astype(np.float32)
    i, j, s = similar_pairs(v, threshold=4.0, k=k, max_floats=max_floats)
    sims = v @ v.T
    want: list[tuple[int, int]] = []
    for row in range(len(v)):
        near = [c for c in range(row + 1, len(v)) if sims[row, c] >= 4.0]
        want += [(row, c) for c in sorted(near, key=lambda c: (-sims[row, c], c))[:k]]
    assert list(zip(i.tolist(), j.tolist(), strict=True)) == want
    np.testing.assert_array_equal(s, sims[i, j])


@pytest.mark.parametrize("max_floats", [3000 * 16, 3000 * 64, 16_000_000])
def test_similar_pairs_bounds_its_step_and_finds_the_same_pairs(max_floats: int) -> None:
    import tracemalloc

    v = normalise(np.random.default_rng(3).normal(size=(3000, 8)))
    want = similar_pairs(v, threshold=0.9, k=6)
    tracemalloc.start()
    try:
        got = similar_pairs(v, threshold=0.9, k=6, max_floats=max_floats)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    for a, b in zip(want, got, strict=True):
        np.testing.assert_array_equal(a, b)
    # One step's similarity block is the largest allocation: at most max(16, max_floats / n) rows.
    rows = min(2048, max(16, max_floats // 3000))
    assert peak < 3 * rows * 3000 * 4 + 2_000_000


@pytest.mark.parametrize(("n", "max_floats"), [(300, 16_000_000), (300, 40 * 40), (1, 1000)])
def test_similar_pairs_read_from_a_row_file_equal_those_in_memory(tmp_path: Path, n: int, max_floats: int) -> None:
    from storyline.ann import RowFile

    v = normalise(np.random.default_rng(n).normal(size=(n, 8)))
    with RowFile(n, 8, folder=tmp_path) as rows:
        # Written out of order, as a store returns them.
        order = np.random.default_rng(1).permutation(n)
        rows.write(order, v[order])
        np.testing.assert_array_equal(rows[0:n], v)
        np.testing.assert_array_equal(rows[np.asarray([n - 1, 0])], v[[n - 1, 0]])
        got = similar_pairs(rows, threshold=0.3, k=4, max_floats=max_floats)
        assert rows.path.parent == tmp_path
        if os.name == "posix":
            assert not rows.path.exists(), "unlinked while open: a killed run leaves nothing behind"
    assert not list(tmp_path.iterdir()), "nothing is left behind"
    with pytest.raises(ValueError, match="closed"):
        rows[0:1]
    want = similar_pairs(v, threshold=0.3, k=4, max_floats=max_floats)
    for a, b in zip(want, got, strict=True):
        np.testing.assert_array_equal(a, b)


def test_normalise_in_place_and_skip_unit() -> None:
    raw = np.array([[3.0, 4.0], [0.0, 0.0]], dtype=np.float32)
    unit = normalise(raw)
    assert unit is not raw and raw[0, 0] == 3.0
    np.testing.assert_allclose(unit, [[0.6, 0.8], [0.0, 0.0]])
    assert normalise(unit, skip_unit=True) is unit
    assert normalise(raw, skip_unit=True) is not raw
    same = normalise(raw, in_place=True)
    assert same is raw
    np.testing.assert_allclose(raw, [[0.6, 0.8], [0.0, 0.0]])


def _candidates_all_at_once(claims: list[Claim], vecs: np.ndarray, *, k: int) -> dict[tuple[int, int], float]:
    """The candidates as one dict, the way they were made before they were streamed: neighbours, then blocks."""
    from storyline.link import BLOCK_COSINE, CANDIDATE_COSINE, MAX_BLOCK, block_keys

    ii, jj, ss = similar_pairs(vecs, threshold=CANDIDATE_COSINE, k=k)
    pairs = {(i, j): s for i, j, s in zip(ii.tolist(), jj.tolist(), ss.tolist(), strict=True)}
    blocks: dict[str, list[int]] = {}
    for n, c in enumerate(claims):
        for key in block_keys(c.text, predicate=c.predicate, subject=c.subject):
            blocks.setdefault(key, []).append(n)
    for members in blocks.values():
        if 2 <= len(members) <= MAX_BLOCK:
            for x in members:
                for y in members:
                    if x < y and float(vecs[x] @ vecs[y]) >= BLOCK_COSINE:
                        pairs.setdefault((x, y), float(vecs[x] @ vecs[y]))
    return pairs


@pytest.mark.parametrize(("n", "max_floats", "k"), [(120, 16 * 120, 4), (120, 16_000_000, 20), (400, 40 * 400, 3)])
def test_streamed_candidates_equal_the_candidates_made_at_once(
    n: int, max_floats: int, k: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from functools import partial

    from storyline import ann, link

    rng = np.random.default_rng(n + k)
    # Low dimension: many neighbours above the cut. Verbs and numbers repeat: lexical blocks, some of
    # them also neighbours, and one number block too large to use.
    vecs = normalise(rng.normal(size=(n, 6)))
    verbs = ["send", "close", "inspect", "repair"]
    claims = [_claim(f"c{m}", f"d{m % 7}", f"Harbour crews {verbs[m % 4]} {m % 9} cranes and {m % 3 + 10} quays",
                     predicate=verbs[m % 4], subject=f"crew {m % 5}") for m in range(n)]
    # Small steps: the pairs of a row are made in one step, but a row's block partners span many.
    monkeypatch.setattr(link, "iter_similar_pairs", partial(ann.iter_similar_pairs, max_floats=max_floats))
    monkeypatch.setattr(link, "PAIR_BATCH", 50)

    def pairs(**kwargs: object) -> list[tuple[int, int, float]]:
        return [(int(i), int(j), float(s)) for ii, jj, ss in link._candidates(claims, vecs, k=k, **kwargs)
                for i, j, s in zip(ii, jj, ss, strict=True)]

    got = pairs()
    want = _candidates_all_at_once(claims, vecs, k=k)
    assert [(i, j) for i, j, _ in got] == sorted(want)
    assert [s for _, _, s in got] == pytest.approx([want[i, j] for i, j, _ in got], abs=1e-6)
    focus = np.asarray([m % 11 == 0 for m in range(n)])
    assert [(i, j) for i, j, _ in pairs(focus=focus)] == [(i, j) for i, j in sorted(want) if focus[i] or focus[j]]


def test_similar_pairs_steps_cover_every_row_once() -> None:
    from storyline.ann import iter_similar_pairs

    v = normalise(np.random.default_rng(5).normal(size=(100, 4)))
    steps = list(iter_similar_pairs(v, threshold=0.99, k=2, max_floats=16 * 100))
    bounds = [(lo, hi) for lo, hi, *_ in steps]
    assert len(bounds) > 1 and bounds[0][0] == 0 and bounds[-1][1] == 100
    assert all(hi == next_lo for (_, hi), (next_lo, _) in itertools.pairwise(bounds))
    for lo, hi, i, _j, _s in steps:
        assert np.all((i >= lo) & (i < hi))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_vectorised_scores_equal_proposition_score_to_the_bit(seed: int) -> None:
    from storyline.link import (
        _LIGHT_VERBS,
        MATCH_THRESHOLD,
        STRONG_COSINE,
        _head,
        _Lexicon,
        keywords,
        numbers,
        proposition_score,
    )

    rng = np.random.default_rng(seed)
    words = ["harbour", "crews", "send", "close", "inspect", "the", "12", "cranes", "quay", "40", "two", "of",
             "and", "workers", "storm"]
    claims = [
        _claim(f"c{m}", f"d{m % 5}", " ".join(rng.choice(words, size=int(rng.integers(0, 9)))) or "the",
               predicate=[None, "be", "send", "close"][m % 4], subject=[None, "the crews", "a quay"][m % 3])
        for m in range(80)
    ]
    roots = [c.doc for c in claims]
    preds = [c.predicate if c.predicate and c.predicate not in _LIGHT_VERBS else None for c in claims]
    subjects = [_head(c.subject) for c in claims]
    i, j = np.triu_indices(len(claims), k=1)
    cos = rng.uniform(0.3, 0.9, size=len(i)).astype(np.float32)
    kept, score, _, _ = _Lexicon(claims, roots, preds, subjects).score(i, j, cos, threshold=MATCH_THRESHOLD)
    want_kept = []
    for n, (a, b) in enumerate(zip(i.tolist(), j.tolist(), strict=True)):
        ca, cb, c = claims[a], claims[b], float(cos[n])
        same_pred = preds[a] is not None and preds[a] == preds[b]
        same_subj = subjects[a] is not None and subjects[a] == subjects[b]
        shared = bool(numbers(ca.text) & numbers(cb.text))
        ok = roots[a] != roots[b] and (same_pred or same_subj or shared or c >= STRONG_COSINE)
        if ok:
            want = proposition_score(c, keywords(ca.text), keywords(cb.text), numbers_a=numbers(ca.text),
                                     numbers_b=numbers(cb.text), same_predicate=same_pred, same_subject=same_subj)
            assert float(score[n]) == want
            ok = want >= MATCH_THRESHOLD
        want_kept.append(ok)
    assert kept.tolist() == want_kept
    assert 0 < sum(want_kept) < len(want_kept)


def test_relations_do_not_depend_on_what_the_parts_cache_holds() -> None:
    from storyline import link

    texts = [TEXT, TEXT.replace("will send", "sends"), TEXT.replace("40", "45"), TEXT + " next week"]
    claims = [_claim(f"c{n}", f"d{n % 4 + 1}", t, polarity="negated" if n == 2 else "affirmed")
              for n, t in enumerate(texts * 3)]
    vecs = _vectors(len(claims), list(range(len(claims))))
    kwargs: dict = {"doc_dates": DATES, "doc_outlets": OUTLETS, "duplicate_of": {}, "embeddings": vecs}
    link._parts.cache_clear()
    want = match_claims(claims, **kwargs)
    assert want
    assert link._parts.cache_info().currsize > 0
    assert match_claims(claims, **kwargs) == want  # served from the cache
    link._parts.cache_clear()
    assert match_claims(claims, **kwargs) == want


def test_original_claims_drop_only_what_a_copy_repeats_of_its_original() -> None:
    from storyline.link import original_claims

    claims = [
        _claim("a", "d1", TEXT),
        _claim("b", "d2", "  " + TEXT.upper() + " "),  # the copy repeats it: spacing and case aside
        _claim("c", "d2", TEXT + " in May"),  # the copy's own claim
        _claim("d", "d3", TEXT),  # an independent document saying the same
    ]
    assert original_claims(claims, duplicate_of={"d2": "d1"}) == [0, 2, 3]
    assert original_claims(claims, duplicate_of={}) == [0, 1, 2, 3]


def test_shared_figure_explanation_does_not_depend_on_string_hashing(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    script = (
        "from storyline.link import _shared_quantity, quantities\n"
        "a = quantities('the publication missed 6 plus launch details')\n"
        "b = quantities('it has 6 plus models and 6 launch dates')\n"
        "print(_shared_quantity(a, b))\n"
    )
    outs = {
        subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                       env={**os.environ, "PYTHONHASHSEED": str(seed)}).stdout
        for seed in range(6)
    }
    # The first of the other side's figures in sorted order: "date launch" before "model plus".
    assert outs == {"6 launch\n"}


# --- the demo corpus --------------------------------------------------------------------------------


def _demo() -> tuple[dict, dict[str, str], list[Claim], list[Relation], dict[str, str]]:
    from storyline import extract_quotes, read_article
    from storyline.stories import assign_stories, story_docs

    golden = json.loads((ROOT / "tests/golden/demo.json").read_text())
    corpus = ROOT / "examples/corpus"
    texts: dict[str, tuple[str, str | None, str | None]] = {}
    for path in sorted(corpus.iterdir()):
        if path.suffix == ".jsonl":
            for n, line in enumerate(path.read_text().splitlines(), 1):
                rec = json.loads(line)
                body = rec.get("html") or rec.get("text")
                art = read_article(body, filename="r.html" if rec.get("html") else "r.txt")
                texts[f"{path.name}#{n}"] = (art.text, rec.get("title") or art.title, rec.get("outlet"))
        else:
            art = read_article(path.read_bytes(), filename=path.name)
            texts[path.name] = (art.text, art.title, art.outlet)
    gold_docs = {d["source"]: d for d in golden["documents"]}
    dates = {k: dt.date.fromisoformat(v) if (v := gold_docs[k]["published"].get("value")) else None for k in texts}
    outlets = {k: texts[k][2] or gold_docs[k]["outlet"] for k in texts}
    dup = {k: gold_docs[k]["duplicate_of"] for k in texts if gold_docs[k]["duplicate_of"]}
    claims: list[Claim] = []
    for key, (text, _title, _outlet) in texts.items():
        claims += extract_claims(text, doc_id=key, published=dates[key], quotes=extract_quotes(text, dates[key]))
    rels = match_claims(claims, doc_dates=dates, doc_outlets=outlets, duplicate_of=dup)
    assignments, _ = assign_stories(story_docs([(k, t[1], t[0], dates[k]) for k, t in texts.items()]))
    return golden, {k: v[0] for k, v in texts.items()}, claims, rels, assignments


@pytest.fixture(scope="module")
def demo() -> tuple[dict, dict[str, str], list[Claim], list[Relation], dict[str, str]]:
    return _demo()


def _gold_map(golden: dict, texts: dict[str, str], claims: list[Claim]) -> dict[str, set[str]]:
    """Golden claim id -> ids of our claims whose span covers at least half of the golden text."""
    out: dict[str, set[str]] = {}
    for g in golden["claims"]:
        start = texts[g["doc"]].casefold().find(g["text"].casefold())
        assert start >= 0, g["text"]
        end = start + len(g["text"])
        out[g["id"]] = {c.id for c in claims if c.doc == g["doc"] and
                        min(c.end, end) - max(c.start, start) >= 0.5 * min(c.end - c.start, end - start)}
    return out


#: Golden relations the matcher does not find yet (reported, not hidden): the drought exemption pair
#: shares too few words and its embedding similarity is low.
KNOWN_MISSES = {("c12", "c13")}


@pytest.mark.slow
def test_demo_relations_are_found(demo: tuple) -> None:
    golden, texts, claims, rels, _ = demo
    gmap = _gold_map(golden, texts, claims)
    assert all(gmap[g["id"]] for g in golden["claims"]), "every golden claim is extracted"
    found = []
    for g in golden["relations"]:
        hits = [r for r in rels if r.kind == g["kind"] and (
            (r.a in gmap[g["a"]] and r.b in gmap[g["b"]]) or (r.b in gmap[g["a"]] and r.a in gmap[g["b"]]))]
        assert all(len(r.evidence) >= 2 and r.explanation for r in hits)
        found.append(bool(hits) or (g["a"], g["b"]) in KNOWN_MISSES)
    assert all(found), [g for g, ok in zip(golden["relations"], found, strict=True) if not ok]


@pytest.mark.slow
def test_demo_relations_between_golden_claims_are_right(demo: tuple) -> None:
    golden, texts, claims, rels, _ = demo
    gmap = _gold_map(golden, texts, claims)
    statement = {g["id"]: g["statement"] for g in golden["claims"]}
    owner = {cid: gid for gid, ids in gmap.items() for cid in ids}
    touching = [r for r in rels if r.a in owner and r.b in owner]
    wrong = [r for r in touching if statement[owner[r.a]] != statement[owner[r.b]]]
    # Precision over relations whose both ends are golden claims (see the report for the figure).
    assert touching and len(wrong) / len(touching) <= 0.25
    # Wire copies never corroborate their source.
    group = {g["source"]: g["duplicate_of"] or g["source"] for g in golden["documents"]}
    doc_of = {c.id: c.doc for c in claims}
    assert not [r for r in rels if group[doc_of[r.a]] == group[doc_of[r.b]]]


@pytest.mark.slow
def test_demo_stories_match_golden(demo: tuple) -> None:
    golden, _, _, _, assignments = demo
    ours = {}
    for doc, sid in assignments.items():
        ours.setdefault(sid, set()).add(doc)
    assert sorted(map(sorted, ours.values())) == sorted(sorted(s["documents"]) for s in golden["stories"])
