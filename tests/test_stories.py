"""Incremental story clustering on invented vectors and on the demo corpus."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from storyline.stories import StoryDoc, assign_stories, names_of, story_id


def _doc(i: str, vec: list[float], day: int, names: set[str] | None = None) -> StoryDoc:
    v = np.asarray(vec, dtype=np.float32)
    return StoryDoc(id=i, title=f"title {i}", date=dt.date(2031, 1, 1) + dt.timedelta(days=day),
                    embedding=v / np.linalg.norm(v), names=frozenset(names or set()))


A = [1.0, 0.1, 0.0]
B = [0.0, 0.1, 1.0]


def test_batch_forms_separate_stories() -> None:
    docs = [_doc("a1", A, 0, {"dunmere"}), _doc("b1", B, 1, {"pellow"}), _doc("a2", A, 2, {"dunmere"})]
    assign, stories = assign_stories(docs, [])
    assert assign["a1"] == assign["a2"] != assign["b1"]
    assert assign["a1"] == story_id("a1")
    story = next(s for s in stories if s.id == assign["a1"])
    assert (story.start, story.end) == (dt.date(2031, 1, 1), dt.date(2031, 1, 3))
    assert story.documents == ["a1", "a2"]


@pytest.mark.parametrize("split", [1, 2, 3])
def test_incremental_equals_one_batch(split: int) -> None:
    docs = [_doc("a1", A, 0), _doc("b1", B, 1), _doc("a2", A, 2), _doc("b2", B, 40)]
    whole, _ = assign_stories(docs, [])
    first, stories = assign_stories(docs[:split], [])
    second, stories = assign_stories(docs[split:], stories)
    assert {**first, **second} == whole
    # Existing ids stay stable: earlier assignments are not renamed by the later batch.
    assert all(second.get(d, s) == s for d, s in first.items())


def test_reassigning_a_known_document_is_idempotent() -> None:
    docs = [_doc("a1", A, 0)]
    _, stories = assign_stories(docs, [])
    again, stories = assign_stories(docs, stories)
    assert again == {"a1": story_id("a1")} and len(stories) == 1 and stories[0].documents == ["a1"]


def test_names_of_skips_sentence_words() -> None:
    assert names_of("The Dunmere council met Ilse Varn on Monday.") == {"dunmere", "ilse varn"}


def test_demo_corpus_stories_match_golden() -> None:
    import json
    from pathlib import Path

    from storyline import read_article
    from storyline.stories import story_docs

    root = Path(__file__).resolve().parents[1]
    golden = json.loads((root / "tests/golden/demo.json").read_text())
    dates = {g["source"]: g["published"].get("value") for g in golden["documents"]}
    items = []
    for path in sorted((root / "examples/corpus").iterdir()):
        if path.suffix == ".jsonl":
            for n, line in enumerate(path.read_text().splitlines(), 1):
                rec = json.loads(line)
                name = "r.html" if rec.get("html") else "r.txt"
                art = read_article(rec.get("html") or rec.get("text"), filename=name)
                items.append((f"{path.name}#{n}", rec.get("title"), art.text))
        else:
            art = read_article(path.read_bytes(), filename=path.name)
            items.append((path.name, art.title, art.text))
    docs = story_docs([(k, t, x, dt.date.fromisoformat(d) if (d := dates[k]) else None) for k, t, x in items])
    # Two batches: the first half of the year, then the rest, as an incremental run would see them.
    early = [d for d in docs if d.date and d.date < dt.date(2025, 5, 1)]
    late = [d for d in docs if d not in early]
    first, stories = assign_stories(early, [])
    second, stories = assign_stories(late, stories)
    groups: dict[str, set[str]] = {}
    for doc, sid in {**first, **second}.items():
        groups.setdefault(sid, set()).add(doc)
    assert sorted(map(sorted, groups.values())) == sorted(sorted(s["documents"]) for s in golden["stories"])
    main = next(s for s in stories if "castrel-herald_kolvar-clash.txt" in s.documents)
    assert (main.start, main.end) == (dt.date(2024, 6, 11), dt.date(2025, 9, 10))


@pytest.mark.parametrize("noise", [-3e-6, 0.0, 3e-6])
def test_a_two_member_story_takes_its_first_headline_whatever_the_float_noise(noise: float) -> None:
    # Two members sit at the same angle from their centroid; only rounding error separates them,
    # and it differs between processes (a Ray actor and the driver), so the first member must win.
    first = [1.0, 0.3, 0.0]
    second = [1.0, 0.0, 0.3 + noise]
    _, stories = assign_stories([_doc("a1", first, 0), _doc("a2", second, 1)], [])
    assert len(stories) == 1 and stories[0].title == "title a1"
    # Members join in date order: the earlier one is the first.
    _, stories = assign_stories([_doc("a1", first, 1), _doc("a2", second, 0)], [])
    assert stories[0].title == "title a2"


def test_a_clearly_closer_member_still_gives_the_title() -> None:
    docs = [_doc("a1", [1.0, 0.6, 0.0], 0), _doc("a2", [1.0, 0.0, 0.0], 1), _doc("a3", [1.0, 0.0, 0.05], 2)]
    _, stories = assign_stories(docs, [])
    assert len(stories) == 1 and stories[0].title == "title a2"
