"""Incremental cross-document stages: adding documents in a later run ends where one run over all of them does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from storyline.export import build_bundle
from storyline.pipeline import analyze
from storyline.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# Texts written for this test: an original report, a reworded retelling of it, a report that
# states the same figures (claims to match), and unrelated ones.
ORIGINAL = (
    "Harbour officials in Port Elsmere closed the northern quay on Tuesday after a storm damaged two cranes.\n\n"
    "The port director, Mara Lindqvist, said engineers would inspect the quay wall over the coming week.\n\n"
    "Grain exporters warned that shipments could be delayed by several weeks because of the closure.\n\n"
    "Two shipping lines said they would send their vessels to the smaller terminal at Kessby instead.\n"
)
RETOLD = (
    "The northern quay at Port Elsmere was shut by harbour officials on Tuesday after storm damage to two cranes.\n\n"
    "Engineers will inspect the wall of the quay over the coming week, said port director Mara Lindqvist.\n\n"
    "Exporters of grain said the closure could hold up their shipments for several weeks.\n\n"
    "Two shipping lines said their vessels would go to the smaller Kessby terminal instead.\n"
)
FIGURES = (
    "Storm damage shuts Port Elsmere quay\n\n"
    "Harbour officials said 40 workers were sent to repair the northern quay in Port Elsmere on Wednesday.\n\n"
    "Mara Lindqvist said the repairs would cost 12 million crowns and take until the end of June.\n"
)
UNRELATED = (
    "Lantern festival opens in Brisk\n\n"
    "A festival of lanterns opened in the old town of Brisk on Saturday with music, food stalls and a parade "
    "that drew thousands of visitors despite the cold weather.\n"
)


def _files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    texts = {
        "a-original.txt": "Storm shuts Port Elsmere quay\n\n" + ORIGINAL,
        "b-festival.txt": UNRELATED,
        "c-figures.txt": FIGURES,
        "d-retold.txt": "Port Elsmere quay shut after storm\n\n" + RETOLD,
        "e-figures-again.txt": FIGURES.replace("Wednesday", "Thursday").replace("Storm damage shuts", "Repairs at"),
    }
    out = []
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
        out.append(folder / name)
    return out


def _bundle(db: Path) -> dict[str, Any]:
    """The bundle, story ids replaced by their first member: a story keeps the id of the document
    that started it, which depends on which run saw which document first."""
    with Store(db, read_only=True) as store:
        bundle = build_bundle(store)
    names = {s["id"]: min(s["documents"]) if s["documents"] else s["id"] for s in bundle["stories"]}
    for s in bundle["stories"]:
        s["id"] = names[s["id"]]
    bundle["stories"].sort(key=lambda s: s["id"])
    for d in bundle["documents"]:
        d["story"] = names.get(d["story"], d["story"])
    return bundle


@pytest.mark.parametrize(("group", "cache_rows"), [(None, None), (1, 4)])
def test_second_run_equals_one_run_and_embeds_only_new_sentences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, group: int | None, cache_rows: int | None
) -> None:
    import storyline.assess as assess
    import storyline.crossdoc as crossdoc

    # Match on the stored subset even when the new claims are many (the default would match all at once).
    monkeypatch.setattr(crossdoc, "FULL_SHARE", 2.0)
    if group is not None:
        # One changed claim a group, and a claim-row cache smaller than a group's candidates.
        monkeypatch.setattr(crossdoc, "GROUP", group)
        monkeypatch.setattr(crossdoc, "_CACHE_ROWS", cache_rows)
    files = _files(tmp_path / "docs")
    one = tmp_path / "one.duckdb"
    analyze(files, db=one)
    embedded: list[str] = []
    real = assess.sentence_vectors

    def counting(texts: Any) -> Any:
        embedded.extend(texts)
        return real(texts)

    monkeypatch.setattr(assess, "sentence_vectors", counting)
    two = tmp_path / "two.duckdb"
    analyze(files[:3], db=two)
    first_run = len(embedded)
    analyze(files[3:], db=two)
    second_run = embedded[first_run:]
    assert second_run, "the new documents' sentences are embedded"
    assert not set(second_run) & set(assess.paraphrase_sentences(ORIGINAL)), "old documents are not re-embedded"
    assert _bundle(one) == _bundle(two)
    # A third run over nothing new changes nothing and embeds nothing: stored inputs are not analysed.
    third = analyze(files[3:], db=two)
    assert (third.seen, third.added, third.unchanged) == (2, 0, 2)
    assert len(embedded) == first_run + len(second_run)
    assert _bundle(one) == _bundle(two)


@pytest.mark.slow
def test_demo_corpus_in_two_runs_equals_one_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import storyline.crossdoc as crossdoc

    monkeypatch.setattr(crossdoc, "FULL_SHARE", 2.0)
    corpus = sorted((EXAMPLES / "corpus").iterdir())
    kb = [EXAMPLES / "kb.json"]
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    analyze(corpus, db=one, kb_files=kb)
    half = len(corpus) // 2
    analyze(corpus[:half], db=two, kb_files=kb)
    analyze(corpus[half:], db=two, kb_files=kb)
    a, b = _bundle(one), _bundle(two)
    assert a["relations"], "the demo corpus has claim relations to compare"
    for section in a:
        assert a[section] == b[section], section


@pytest.mark.slow
def test_a_later_run_redates_an_undated_article_from_its_grown_story(tmp_path: Path) -> None:
    import shutil

    corpus = Path(__file__).resolve().parents[1] / "examples" / "corpus"
    feature = "basin-observer_tesh-valley-feature.txt"
    first, later = tmp_path / "first", tmp_path / "later"
    first.mkdir()
    later.mkdir()
    shutil.copy(corpus / feature, first)
    for path in corpus.iterdir():
        if path.name != feature:
            shutil.copy(path, later)
    db = tmp_path / "store.duckdb"
    kb = [corpus.parent / "kb.json"]

    def evidence() -> str:
        with Store(db, read_only=True) as store:
            rows = store.query("SELECT published_evidence FROM documents WHERE source LIKE ?", [f"%{feature}"])
        return str(rows[0]["published_evidence"])

    analyze([first], db=db, kb_files=kb)
    assert "its story" not in evidence()  # alone, it is dated from its content only
    analyze([later], db=db, kb_files=kb)
    # The second run put dated reports into its story, so the old, undated article is re-dated from them.
    assert "its story's" in evidence() and "matches the event of 2025-04-15" in evidence()


def test_sentence_vectors_are_stored_with_their_documents_and_the_fallback_matches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    import storyline.crossdoc as crossdoc
    from storyline.embed import DIM

    files = _files(tmp_path / "docs")
    late: list[int] = []
    real = crossdoc.embed_missing_sentences

    def counting(store: Store) -> int:
        late.append(real(store))
        return late[-1]

    monkeypatch.setattr(crossdoc, "embed_missing_sentences", counting)
    db = tmp_path / "s.duckdb"
    analyze(files, db=db)
    assert late == [0], "the cross-document stage re-embedded sentences the batch had embedded"
    with Store(db) as store:
        ids = [r[0] for r in store.con.execute("SELECT id FROM documents ORDER BY seq").fetchall()]
        stored = store.sentence_vectors(ids, dim=DIM)
        assert set(stored) == set(ids)
        assert all(len(v) for v in stored.values())
        # A store without them (written by an older version) is filled in by the fallback alike.
        store.con.execute("DELETE FROM doc_sentences")
        assert real(store) == len(ids)
        again = store.sentence_vectors(ids, dim=DIM)
    for doc_id in ids:
        np.testing.assert_allclose(again[doc_id], stored[doc_id], atol=1e-5)


def test_whole_store_claims_stream_in_order_with_their_own_vectors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import numpy as np

    import storyline.crossdoc as crossdoc

    files = _files(tmp_path / "docs")
    # A word-for-word copy of the original: its claims are the original's and are left out.
    copy = tmp_path / "docs" / "f-copy.txt"
    copy.write_text(files[0].read_text(encoding="utf-8") + "\nShare this article.\n", encoding="utf-8")
    db = tmp_path / "s.duckdb"
    analyze([*files, copy], db=db)
    with Store(db) as store:
        rows = list(store.iter_claims())
        assert [r["id"] for r in store.iter_claims(chunk=1)] == [r["id"] for r in rows]
        with_actor = [r["id"] for r in rows if r["actor"]]
        assert 0 < len(with_actor) < len(rows), "the texts have claims with and without an actor"
        assert [r["id"] for r in store.iter_claims(with_actor=True)] == with_actor
        seq = dict(store.con.execute("SELECT id, seq FROM documents").fetchall())
        assert [(seq[r["doc_id"]], r["start"], r["id"]) for r in rows] == sorted(
            (seq[r["doc_id"]], r["start"], r["id"]) for r in rows)
        dup = dict(
            store.con.execute("SELECT id, duplicate_of FROM documents WHERE duplicate_of IS NOT NULL").fetchall())
        assert dup, "the copy is grouped with its original"
        stored = {i: v for ids, chunk in store.iter_claim_vectors(chunk=3) for i, v in zip(ids, chunk, strict=True)}
        claims, matrix = crossdoc._all_claims(store, duplicate_of=dup)

        # Neighbours, streamed in small chunks with few kept per claim, are the best few by brute force;
        # one stored claim a chunk and one neighbour kept prune against the running best often.
        assert matrix is not None
        near_by = {}
        for chunk, keep, held in [(5, 3, 4), (1, 1, 0), (2, 2, 0)]:
            monkeypatch.setattr(crossdoc, "_HELD_PER_KEPT", held)  # 0: cut to the best after every chunk
            monkeypatch.setattr(crossdoc, "CHUNK", chunk)
            monkeypatch.setattr(crossdoc, "NEIGHBOURS", keep)
            near_by[keep] = crossdoc._neighbours(store, matrix[:6], threshold=0.35)
    unit = {i: v / np.linalg.norm(v) for i, v in stored.items()}
    for keep, near in near_by.items():
        for n, got in enumerate(near):
            ranked = sorted(((float(matrix[n] @ v), i) for i, v in unit.items()), reverse=True)
            above = [(sim, i) for sim, i in ranked if sim >= 0.35 - 1e-3]
            if len(above) <= keep:
                assert got == {i for _, i in above}, (keep, n)
                continue
            # The copy repeats claims word for word: equal similarities may go either way.
            last = above[keep - 1][0]
            assert {i for sim, i in above if sim > last + 1e-6} <= got <= {i for sim, i in above if sim >= last - 1e-6}
            assert len(got) == keep, (keep, n)
        assert any(len(got) == keep for got in near), "some claims have more neighbours than are kept"

    def folded(text: str) -> str:
        return " ".join(text.split()).casefold()

    originals = {(r["doc_id"], folded(r["text"])) for r in rows if r["doc_id"] not in dup}
    copies = {r["id"] for r in rows if r["doc_id"] in dup and (dup[r["doc_id"]], folded(r["text"])) in originals}
    assert copies, "the copy repeats the original's claims"
    assert [c.id for c in claims] == [r["id"] for r in rows if r["id"] not in copies]
    assert matrix is not None and matrix.shape == (len(claims), len(next(iter(stored.values()))))
    for n, c in enumerate(claims):
        want = stored[c.id] / np.linalg.norm(stored[c.id])
        np.testing.assert_allclose(matrix[n], want, atol=1e-6)


def test_a_whole_store_match_from_a_row_file_equals_one_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.crossdoc as crossdoc
    from storyline.ann import RowFile

    files = _files(tmp_path / "docs")
    one = tmp_path / "memory" / "one.duckdb"
    one.parent.mkdir()
    analyze(files, db=one)
    made: list[RowFile] = []
    real = RowFile.__init__

    def tracked(self: RowFile, *args: Any, **kwargs: Any) -> None:
        real(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(RowFile, "__init__", tracked)
    monkeypatch.setattr(crossdoc, "MATRIX_IN_MEMORY", 0)
    two = tmp_path / "file" / "two.duckdb"
    two.parent.mkdir()
    analyze(files, db=two)
    assert made and made[0].path.parent == two.parent, "the rows went to a file beside the database"
    assert not made[0].path.exists(), "and the file is removed"
    a, b = _bundle(one), _bundle(two)
    assert a["relations"], "the files have claim relations to compare"
    assert a == b


def test_paraphrase_sources_read_in_small_parts_give_the_same_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.crossdoc as crossdoc

    files = _files(tmp_path / "docs")
    whole = tmp_path / "whole.duckdb"
    analyze(files, db=whole)
    # One target a step and one source a part: every source arrives in a part of its own.
    monkeypatch.setattr(crossdoc, "TARGETS_PER_STEP", 1)
    monkeypatch.setattr(crossdoc, "SOURCES_PER_STEP", 1)
    parts = tmp_path / "parts.duckdb"
    analyze(files, db=parts)
    a, b = _bundle(whole), _bundle(parts)
    retold = next(d for d in a["documents"] if d["source"].endswith("d-retold.txt"))
    assert [f["kind"] for f in retold["flags"] if f["kind"] == "derivative"] == ["derivative"]
    assert a["documents"] == b["documents"]


@pytest.mark.parametrize("part_size", [1, 3, 64])
def test_source_parts_stream_every_stored_source_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part_size: int
) -> None:
    import numpy as np

    import storyline.crossdoc as crossdoc
    from storyline.embed import DIM

    monkeypatch.setattr(crossdoc, "SOURCES_PER_STEP", part_size)
    rng = np.random.default_rng(7)
    stored = {f"doc-{i}": rng.standard_normal((i % 4 + 1, DIM)).astype(np.float32) for i in range(10)}
    with Store(tmp_path / "s.duckdb") as store:
        store.write_sentence_vectors(list(stored.items()))
        wanted = [f"doc-{i}" for i in (9, 0, 4, 5, 7, 2)] + ["not-stored"]
        parts = list(crossdoc._source_parts(store, wanted))
        assert all(0 < len(p) <= part_size for p in parts)
        got = [doc_id for p in parts for doc_id, _ in p]
        assert sorted(got) == sorted(wanted[:-1])
        for p in parts:
            for doc_id, vecs in p:
                assert np.array_equal(vecs, stored[doc_id])
        # No candidate sources: one empty part, so the step's targets are still compared with each other.
        assert list(crossdoc._source_parts(store, [])) == [[]]
        assert list(crossdoc._source_parts(store, ["not-stored"])) == [[]]


# A third wording of ORIGINAL whose last sentence is off the story: it paraphrases ORIGINAL in part.
RETOLD_IN_PART = (
    "Harbour officials shut the northern quay in Port Elsmere on Tuesday because a storm had damaged two cranes.\n\n"
    "Port director Mara Lindqvist said that over the coming week engineers would inspect the quay wall.\n\n"
    "Grain exporters said the closure could delay their shipments by several weeks.\n\n"
    "A festival of lanterns opened in the old town of Brisk on Saturday with music and food stalls.\n"
)


@pytest.mark.parametrize(
    ("first", "later"),
    [
        # The added document is older than a stored one and a better source for it.
        (["in-part", "retold", "festival"], ["original"]),
        # The added document could be a source of a stored one, but the stored source stays the better one.
        (["original", "retold", "festival"], ["in-part"]),
    ],
)
def test_an_added_older_document_is_weighed_against_the_stored_source(
    tmp_path: Path, first: list[str], later: list[str]
) -> None:
    import json

    docs = {
        "original": ("Storm shuts Port Elsmere quay\n\n" + ORIGINAL, "2025-03-01"),
        "in-part": ("Quay shut in Port Elsmere\n\n" + RETOLD_IN_PART, "2025-03-03"),
        "retold": ("Port Elsmere quay shut after storm\n\n" + RETOLD, "2025-03-05"),
        "festival": (UNRELATED, "2025-03-02"),
    }
    paths = {}
    for name, (text, day) in docs.items():
        paths[name] = tmp_path / "docs" / f"{name}.jsonl"
        paths[name].parent.mkdir(exist_ok=True)
        paths[name].write_text(json.dumps({"text": text, "published": day, "outlet": name}), encoding="utf-8")
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    analyze([paths[n] for n in docs], db=one)
    analyze([paths[n] for n in first], db=two)
    analyze([paths[n] for n in later], db=two)
    a, b = _bundle(one), _bundle(two)
    by_outlet = {d["outlet"]: d for d in a["documents"]}
    derivative = [f for f in by_outlet["retold"]["flags"] if f["kind"] == "derivative"]
    assert len(derivative) == 1 and by_outlet["original"]["id"] in derivative[0]["evidence"][0]
    assert derivative[0]["score"] == 1.0
    # The runs saw the documents in different orders, so compare them by id.
    assert {d["id"]: d for d in a["documents"]} == {d["id"]: d for d in b["documents"]}


QUAY_REPORTS = {
    # name: (text, published date or None)
    "d1": ("Storm shuts Port Elsmere quay\n\n" + ORIGINAL, "2025-03-10"),
    "d2": ("Port Elsmere quay still shut\n\n" + RETOLD, "2025-03-12"),
    "u1": ("Port Elsmere quay closure\n\n" + RETOLD_IN_PART.replace("on Tuesday", "this week"), None),
    "u2": ("Port Elsmere quay works\n\n" + ORIGINAL.replace("on Tuesday", "recently"), None),
    "inside": ("Elsmere quay repairs go on\n\n" + RETOLD.replace("on Tuesday", "last week"), "2025-03-11"),
    "later": ("Port Elsmere quay reopens\n\n" + ORIGINAL.replace("closed", "reopened"), "2025-05-20"),
}


@pytest.mark.parametrize(
    ("first", "later", "redated"),
    [
        (["d1", "d2", "u1"], ["u2"], False),  # only an undated report joins: the story's dates are as they were
        (["d1", "d2", "u1"], ["inside"], False),  # a dated report inside the story's span
        (["d1", "d2", "u1"], ["later"], True),  # a dated report that widens the span
    ],
)
def test_an_older_undated_report_is_estimated_again_only_when_its_story_evidence_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: list[str], later: list[str], redated: bool
) -> None:
    import json

    import storyline.dating_story as dating_story

    paths = {}
    for name, (text, day) in QUAY_REPORTS.items():
        paths[name] = tmp_path / "docs" / (f"{name}.jsonl" if day else f"{name}.txt")
        paths[name].parent.mkdir(exist_ok=True)
        record = json.dumps({"text": text, "published": day, "outlet": name}) if day else text
        paths[name].write_text(record, encoding="utf-8")
    one, two = tmp_path / "one.duckdb", tmp_path / "two.duckdb"
    analyze([paths[n] for n in first + later], db=one)
    analyze([paths[n] for n in first], db=two)
    estimated: list[str] = []
    real = dating_story.estimate_date

    def counting(text: str, **kwargs: Any) -> Any:
        estimated.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(dating_story, "estimate_date", counting)
    analyze([paths[n] for n in later], db=two)
    a, b = _bundle(one), _bundle(two)
    by_name = {Path(d["source"].split("#")[0]).stem: d for d in a["documents"]}
    assert len({by_name[n]["story"] for n in QUAY_REPORTS if n in first + later}) == 1, "one story"
    assert by_name["u1"]["published"]["basis"] == "inferred"
    assert any(e.startswith("its story's") for e in by_name["u1"]["published"]["evidence"])
    assert any("Port Elsmere this week because a storm" in text for text in estimated) is redated
    assert {d["id"]: d for d in a["documents"]} == {d["id"]: d for d in b["documents"]}


def _write_report(folder: Path, name: str, day: str | None, text: str) -> Path:
    """A dated report as a JSONL record, an undated one as plain text."""
    import json

    path = folder / (f"{name}.jsonl" if day else f"{name}.txt")
    folder.mkdir(exist_ok=True)
    path.write_text(json.dumps({"text": text, "published": day, "outlet": name}) if day else text, encoding="utf-8")
    return path


def _same_documents(one: Path, two: Path) -> dict[str, dict[str, Any]]:
    """Assert both stores hold the same documents; return the first's by file name."""
    a, b = _bundle(one), _bundle(two)
    assert {d["id"]: d for d in a["documents"]} == {d["id"]: d for d in b["documents"]}
    return {Path(d["source"].split("#")[0]).stem: d for d in a["documents"]}


def test_a_story_that_loses_a_dated_report_to_a_new_version_is_estimated_again(tmp_path: Path) -> None:

    def write(name: str, day: str | None, text: str) -> Path:
        return _write_report(tmp_path / "docs", name, day, text)

    d1 = write("d1", "2025-03-10", QUAY_REPORTS["d1"][0])
    d2 = write("d2", "2025-03-12", QUAY_REPORTS["d2"][0])
    u1 = write("u1", None, QUAY_REPORTS["u1"][0])
    two = tmp_path / "two.duckdb"
    analyze([d1, d2, u1], db=two)
    # The corrected report now carries the first report's day, so the story's span narrows to one day.
    write("d2", "2025-03-10", QUAY_REPORTS["d2"][0] + "\nThis report was corrected.\n")
    assert analyze([d2], db=two).new_versions == 1
    one = tmp_path / "one.duckdb"
    analyze([d1, d2, u1], db=one)
    by_name = _same_documents(one, two)
    assert any("2025-03-10 to 2025-03-10" in e for e in by_name["u1"]["published"]["evidence"])


def test_a_dated_reports_events_are_found_once_and_read_back_alike(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    import storyline.dating_story as dating_story

    def write(name: str, day: str | None, text: str) -> Path:
        return _write_report(tmp_path / "docs", name, day, text)

    # d1 dates the closure (Tuesday 11 March); the undated u1 says only "on Tuesday" about it.
    d1 = write("d1", "2025-03-12", "Storm shuts Port Elsmere quay\n\n" + ORIGINAL.replace("on Tuesday", "on March 11"))
    u1 = write("u1", None, "Port Elsmere quay closure\n\n" + ORIGINAL)
    d2 = write("d2", "2025-03-14", "Port Elsmere quay still shut\n\n" + RETOLD.replace("on Tuesday", "on 11 March"))
    two = tmp_path / "two.duckdb"
    analyze([d1, u1], db=two)
    with Store(two, read_only=True) as store:
        stored = store.query("SELECT doc_id, events FROM story_events")
    assert len(stored) == 1, "the dated report's events, not the undated one's"
    [(day, words)] = json.loads(stored[0]["events"])
    assert day == "2025-03-11" and {"elsmere", "quay", "cranes"} <= set(words)
    read: list[str] = []
    real = dating_story._dated_events

    def counting(others: Any) -> Any:
        read.extend(o.label for o in others)
        return real(others)

    monkeypatch.setattr(dating_story, "_dated_events", counting)
    analyze([d2], db=two)
    assert read == ["Port Elsmere quay still shut"], "only the new dated report is read for events"
    one = tmp_path / "one.duckdb"
    analyze([d1, u1, d2], db=one)
    by_name = _same_documents(one, two)
    assert any("matches the event of 2025-03-11" in e for e in by_name["u1"]["published"]["evidence"])


def test_a_one_run_store_leaves_no_document_to_compare_again(tmp_path: Path) -> None:
    from storyline.crossdoc import CLAIMS, PARAPHRASE

    def write(name: str, day: str | None, text: str) -> Path:
        return _write_report(tmp_path / "docs", name, day, text)

    # u1 is dated from its story (d1 dates "Tuesday"), which happens after its own estimate.
    paths = [
        write("d1", "2025-03-12", "Storm shuts Port Elsmere quay\n\n" + ORIGINAL.replace("on Tuesday", "on March 11")),
        write("u1", None, "Port Elsmere quay closure\n\n" + ORIGINAL),
        write("d2", "2025-03-14", "Port Elsmere quay still shut\n\n" + RETOLD.replace("on Tuesday", "on 11 March")),
    ]
    db = tmp_path / "store.duckdb"
    analyze(paths, db=db)
    with Store(db, read_only=True) as store:
        [u1] = store.query("SELECT published_evidence FROM documents WHERE source LIKE '%u1.txt'")
        # Each stage compared a document with the day it ends the run with, so a next run starts clean.
        assert store.unlinked_docs(PARAPHRASE) == []
        assert store.unlinked_docs(CLAIMS) == []
    assert "matches the event of 2025-03-11" in str(u1["published_evidence"])


def test_claim_neighbours_leave_out_superseded_versions_and_repeat_exactly(tmp_path: Path) -> None:
    import numpy as np

    import storyline.crossdoc as crossdoc

    files = _files(tmp_path / "docs")
    db = tmp_path / "s.duckdb"
    analyze(files, db=db)
    # A new version of the figures report: its old claims stay stored, but only as history.
    files[2].write_text(FIGURES + "\nThe harbour reopened to small boats on Friday.\n", encoding="utf-8")
    assert analyze([files[2]], db=db).new_versions == 1
    with Store(db) as store:
        old = {
            r[0]
            for r in store.con.execute(
                "SELECT c.id FROM claims c JOIN documents d ON d.id = c.doc_id WHERE d.superseded_by IS NOT NULL"
            ).fetchall()
        }
        assert old, "the first version's claims are still stored"
        every = {
            i: v for ids, chunk in store.iter_claim_vectors(current=False) for i, v in zip(ids, chunk, strict=True)
        }
        queries = np.stack([every[i] for i in sorted(old)])
        queries /= np.linalg.norm(queries, axis=1, keepdims=True)
        near = crossdoc._neighbours(store, queries, threshold=0.35)
        again = crossdoc._neighbours(store, queries, threshold=0.35)
    assert near == again
    found = set().union(*near)
    assert found, "the old claims have neighbours: the new version repeats them"
    assert not found & old


def test_whole_store_claims_hold_a_repeated_text_once(tmp_path: Path) -> None:
    from storyline import crossdoc

    with Store(tmp_path / "c.duckdb") as store:
        for n, doc_id in enumerate(["wire", "repost", "other"]):
            store.con.execute(
                "INSERT INTO documents (id, source, content_hash, text, removed, seq) VALUES (?, ?, ?, '', '[]', ?)",
                [doc_id, doc_id, doc_id, n],
            )
        said = "The port of Velmora reopened on Tuesday, officials said."
        for claim_id, doc_id, text in [("c1", "wire", said), ("c2", "repost", said), ("c3", "other", "Talks stalled.")]:
            # Built apart, as each row of a query result is: equal, but not one object.
            text = "".join(list(text))
            store.con.execute(
                "INSERT INTO claims (id, doc_id, text, statement, via, \"start\") VALUES (?, ?, ?, ?, '[]', 0)",
                [claim_id, doc_id, text, text],
            )
        claims = crossdoc._read_claims(store)
    assert [c.id for c in claims] == ["c1", "c2", "c3"]
    assert claims[0].text == claims[1].text == said
    assert claims[0].text is claims[1].text and claims[0].statement is claims[1].text
    assert claims[2].text == "Talks stalled."
