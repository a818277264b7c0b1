"""Multi-row inserts keep the row-by-row meaning: the last row per key wins."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline._exceptions import StoreError
from storyline.store import Store, _float_rows, _insert_rows


def test_replacing_insert_keeps_the_last_row_per_key_across_chunks(monkeypatch) -> None:
    import storyline.store as store_mod

    monkeypatch.setattr(store_mod, "_ROWS_PER_INSERT", 2)
    con = duckdb.connect()
    con.execute("CREATE TABLE t (a VARCHAR, b VARCHAR, v INTEGER, PRIMARY KEY (a, b))")
    con.execute("INSERT INTO t VALUES ('x', '1', 0)")
    rows = [("x", "1", 1), ("y", "1", 2), ("x", "1", 3), ("x", "2", None), ("z", "9", 5)]
    _insert_rows(con, "INSERT OR REPLACE INTO t", rows, key_width=2)
    got = con.execute("SELECT a, b, v FROM t ORDER BY a, b").fetchall()
    assert got == [("x", "1", 3), ("x", "2", None), ("y", "1", 2), ("z", "9", 5)]


def test_plain_insert_keeps_every_row_and_accepts_none() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE m (doc VARCHAR, start INTEGER, label VARCHAR)")
    _insert_rows(con, "INSERT INTO m", [("d", 1, "A"), ("d", 1, "A"), ("e", 2, None)], key_width=0)
    _insert_rows(con, "INSERT INTO m", [], key_width=0)
    assert con.execute("SELECT count(*) FROM m").fetchone() == (3,)


_TYPED = "CREATE TABLE w (id VARCHAR PRIMARY KEY, n INTEGER, x DOUBLE, b BLOB, d DATE, ts TIMESTAMP, note VARCHAR)"


def _typed_rows(n: int) -> list[tuple[object, ...]]:
    return [
        (f"k{i % (n - 3)}", i, i / 7 if i % 3 else i, bytes([i % 256, 7]), f"2024-01-{1 + i % 28:02d}",
         "2026-11-23T08:00:00", None if i % 2 else f"note {i}")
        for i in range(n)
    ]


@pytest.mark.parametrize("arrow_from", [1, 10**9], ids=["arrow", "values"])
@pytest.mark.parametrize("n", [40, 600])
def test_arrow_and_values_inserts_store_the_same_rows(monkeypatch, arrow_from: int, n: int) -> None:
    import storyline.store as store_mod

    monkeypatch.setattr(store_mod, "_ARROW_MIN_ROWS", arrow_from)
    con = duckdb.connect()
    con.execute(_TYPED)
    rows = _typed_rows(n)
    _insert_rows(con, "INSERT OR REPLACE INTO w", rows, key_width=1)
    got = con.execute("SELECT id, n, x, b, CAST(d AS VARCHAR), CAST(ts AS VARCHAR), note FROM w ORDER BY n").fetchall()
    last = {r[0]: r for r in rows}
    assert [g[0] for g in got] == sorted(last, key=lambda k: last[k][1])
    for g in got:
        want = last[g[0]]
        assert g[1:4] == (want[1], pytest.approx(want[2]), want[3])
        assert g[4] == want[4] and g[5].startswith("2026-11-23 08:00:00") and g[6] == want[6]


def test_arrow_insert_falls_back_on_mixed_columns(monkeypatch) -> None:
    import storyline.store as store_mod

    monkeypatch.setattr(store_mod, "_ARROW_MIN_ROWS", 1)
    con = duckdb.connect()
    con.execute("CREATE TABLE v (a VARCHAR)")
    _insert_rows(con, "INSERT INTO v", [("text",), (3,)], key_width=0)
    assert sorted(r[0] for r in con.execute("SELECT a FROM v").fetchall()) == ["3", "text"]


def test_whole_store_relations_are_swapped_in_at_once(monkeypatch, tmp_path) -> None:
    import storyline.store as store_mod

    monkeypatch.setattr(store_mod, "_WRITE_CHUNK", 7)
    monkeypatch.setattr(store_mod, "_ARROW_MIN_ROWS", 1)
    old = [{"kind": "corroborates", "a": "o1", "b": "o2", "evidence": ["old"], "explanation": "", "score": 0.5}]
    relations = [
        {"kind": "corroborates", "a": f"c{i}", "b": f"c{i + 1}", "evidence": [f"e{i}"], "explanation": "", "score": 0.5}
        for i in range(40)
    ]
    with store_mod.Store(tmp_path / "s.duckdb") as store:
        store.replace_links(iter(old), [{"actor": "Brandt", "topic": "ferry"}])

        def failing():  # type: ignore[no-untyped-def]
            yield from relations[:20]
            raise RuntimeError("the match stopped")

        with pytest.raises(RuntimeError):
            store.replace_links(failing(), [])
        # Three chunks were written and committed, but the relations and positions are still the old ones.
        assert store.con.execute("SELECT a FROM relations").fetchall() == [("o1",)]
        assert store.con.execute("SELECT actor FROM positions").fetchall() == [("Brandt",)]
        seen: list[int] = []

        def watched():  # type: ignore[no-untyped-def]
            for n, rel in enumerate(relations):
                if n == 30:  # while the new relations are written, readers still see the old ones
                    seen.append(len(store.con.execute("SELECT a FROM relations").fetchall()))
                yield rel

        store.replace_links(watched(), [])
        got = store.con.execute("SELECT a, b, evidence FROM relations ORDER BY a").fetchall()
        attached = {r[0] for r in store.con.execute("SELECT database_name FROM duckdb_databases()").fetchall()}
    assert seen == [1]
    assert sorted(got) == sorted((r["a"], r["b"], f'["{r["evidence"][0]}"]') for r in relations)
    # The staging file is detached and gone, after the failed write as after the good one.
    assert "staging" not in attached
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.duckdb"]


def test_update_rows_sets_values_by_id_last_wins() -> None:
    from storyline.store import _update_rows

    con = duckdb.connect()
    con.execute("CREATE TABLE q (id VARCHAR PRIMARY KEY, speaker_entity VARCHAR)")
    con.execute("INSERT INTO q VALUES ('a', NULL), ('b', NULL), ('c', 'old')")
    _update_rows(con, "q", "speaker_entity", [("e1", "a"), ("e2", "b"), ("e3", "a")])
    assert con.execute("SELECT id, speaker_entity FROM q ORDER BY id").fetchall() == [
        ("a", "e3"),
        ("b", "e2"),
        ("c", "old"),
    ]


@pytest.mark.parametrize(("env", "given", "expected_mib"), [(None, None, 244.1), ("512MB", None, 488.2),
                                                             ("512MB", "1GB", 953.6)])
def test_store_caps_duckdb_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, env: str | None,
                                  given: str | None, expected_mib: float) -> None:
    if env is None:
        monkeypatch.delenv("STORYLINE_DB_MEMORY", raising=False)
    else:
        monkeypatch.setenv("STORYLINE_DB_MEMORY", env)
    with Store(tmp_path / "capped.duckdb", memory_limit=given) as store:
        row = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert row is not None and row[0] == f"{expected_mib} MiB"


def test_replace_entities_writes_the_new_state_whatever_was_there(tmp_path: Path) -> None:
    with Store(tmp_path / "e.duckdb") as store:
        with store.transaction() as con:
            con.execute("INSERT INTO quotes (id, doc_id, text, \"start\", \"end\", via) VALUES "
                        "('q1', 'd', 'a', 0, 1, '[]'), ('q2', 'd', 'b', 1, 2, '[]'), ('q3', 'd', 'c', 2, 3, '[]')")

        def entity(key: str, name: str) -> tuple[str, str, str, str, None, None, str]:
            return (key, name, "person", "[]", None, None, "[]")

        store.replace_entities([entity("e1", "Ana"), entity("e2", "Bo")], [("e1", "q1"), ("e2", "q2")])
        # e1 renamed, e2 gone, e3 new; q1 moves to e3, q2 loses its speaker, q3 gains e1
        store.replace_entities([entity("e1", "Ana Ruiz"), entity("e3", "Cy")], [("e3", "q1"), ("e1", "q3")])
        assert store.query("SELECT id, name FROM entities ORDER BY id") == [
            {"id": "e1", "name": "Ana Ruiz"}, {"id": "e3", "name": "Cy"}]
        assert store.query("SELECT id, speaker_entity FROM quotes ORDER BY id") == [
            {"id": "q1", "speaker_entity": "e3"}, {"id": "q2", "speaker_entity": None},
            {"id": "q3", "speaker_entity": "e1"}]


def _cached_table_mib(store: Store) -> float:
    row = store.con.execute(
        "SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory() WHERE tag = 'BASE_TABLE'"
    ).fetchone()
    return float(row[0]) / 2**20 if row else 0.0


@pytest.mark.parametrize("limit", ["256MB", "300 MiB"])
def test_release_cache_evicts_read_pages_and_keeps_the_cap(tmp_path: Path, limit: str) -> None:
    db = tmp_path / "cache.duckdb"
    with Store(db, memory_limit=limit) as store:
        store.con.execute(
            "CREATE TABLE big AS SELECT range AS n, repeat(md5(range::VARCHAR), 4) AS s FROM range(400000)"
        )
        store.con.execute("CHECKPOINT")
    with Store(db, memory_limit=limit) as store:
        cap = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
        assert store.con.execute("SELECT count(DISTINCT s) FROM big").fetchone() == (400000,)
        assert _cached_table_mib(store) > 20, "the scan leaves its pages cached"
        store.release_cache()
        assert _cached_table_mib(store) < 20
        assert store.con.execute("SELECT current_setting('memory_limit')").fetchone() == cap
        assert store.con.execute("SELECT sum(n) FROM big").fetchone() == (sum(range(400000)),)


def test_release_cache_leaves_a_store_in_memory_alone() -> None:
    with Store(":memory:") as store:
        store.con.execute("CREATE TABLE t AS SELECT range AS n FROM range(1000)")
        store.release_cache()
        assert store.con.execute("SELECT count(*) FROM t").fetchone() == (1000,)


def _setting(store: Store) -> str:
    row = store.con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert row is not None
    return str(row[0])


def _bulk_table(store: Store, name: str) -> None:
    store.con.execute(
        f"CREATE TABLE {name} AS SELECT range AS n, md5(range::VARCHAR) || md5((range + 1)::VARCHAR) AS s "
        "FROM range(1000000)"
    )


def test_capped_cache_holds_a_bulk_write_under_the_lower_cap_and_restores_the_cap(tmp_path: Path) -> None:
    with Store(tmp_path / "open.duckdb", memory_limit="256MB") as store:
        _bulk_table(store, "big")
        assert _cached_table_mib(store) > 24, "uncapped, the written pages stay cached"
    with Store(tmp_path / "capped.duckdb", memory_limit="256MB") as store:
        cap = _setting(store)
        with store.capped_cache("16MB"):
            assert _setting(store) != cap
            _bulk_table(store, "big")
            assert _cached_table_mib(store) < 16
        assert _setting(store) == cap
        assert store.con.execute("SELECT count(*), sum(n) FROM big").fetchone() == (1000000, sum(range(1000000)))


@pytest.mark.parametrize(("path", "configured", "asked"), [
    ("file", "256MB", "512MB"),  # not lower than the configured cap
    ("file", "256MB", "a lot"),  # not a size
    ("file", "80%", "16MB"),  # a configured cap in another form
    (":memory:", "256MB", "16MB"),  # nowhere to write pages out to
])
def test_capped_cache_leaves_the_cap_alone_when_it_cannot_lower_it(
    tmp_path: Path, path: str, configured: str, asked: str
) -> None:
    with Store(tmp_path / "s.duckdb" if path == "file" else path, memory_limit=configured) as store:
        cap = _setting(store)
        with store.capped_cache(asked):
            assert _setting(store) == cap
        assert _setting(store) == cap


def test_capped_cache_restores_the_cap_when_the_block_fails(tmp_path: Path) -> None:
    with Store(tmp_path / "s.duckdb", memory_limit="256MB") as store:
        cap = _setting(store)
        with pytest.raises(RuntimeError), store.capped_cache("16MB"):
            raise RuntimeError("stop")
        assert _setting(store) == cap


def test_relations_are_written_under_the_write_cap(tmp_path: Path) -> None:
    import storyline.store as store_mod

    seen: list[str] = []
    with Store(tmp_path / "s.duckdb", memory_limit="256MB") as store:
        cap = _setting(store)

        def relations():  # type: ignore[no-untyped-def]
            for n in range(3):
                seen.append(_setting(store))
                yield {"kind": "corroborates", "a": f"c{n}", "b": f"c{n + 1}", "evidence": ["x", "y"],
                       "explanation": "both say so", "score": 0.9}

        store.replace_links(relations(), [])
        assert _setting(store) == cap
        assert store.con.execute("SELECT count(*) FROM relations").fetchone() == (3,)
    with Store(":memory:", memory_limit=store_mod.SINGLE_PASS_CACHE) as low:
        written_cap = _setting(low)
    assert seen == [written_cap] * 3


@pytest.mark.parametrize(("size", "expected"), [
    ("256MB", 256 * 10**6), ("300 MiB", 300 * 2**20), ("1.5GiB", int(1.5 * 2**30)), ("16kb", 16_000),
    (" 2TB ", 2 * 10**12), ("80%", None), ("256", None), ("MB", None), ("-1MB", None),
])
def test_size_bytes_reads_plain_sizes_only(size: str, expected: int | None) -> None:
    from storyline.store import _size_bytes

    assert _size_bytes(size) == expected


def test_relations_need_a_writable_place_for_their_staging_file(monkeypatch, tmp_path) -> None:
    import tempfile

    from storyline._exceptions import StoreError

    monkeypatch.setattr(tempfile, "gettempdir", lambda: str(tmp_path / "missing" / "folder"))
    rel = {"kind": "corroborates", "a": "c1", "b": "c2", "evidence": ["x"], "explanation": "", "score": 0.5}
    with Store(":memory:") as store:
        with pytest.raises(StoreError, match="must be writable"):
            store.replace_links(iter([rel]), [])
        assert store.con.execute("SELECT count(*) FROM relations").fetchone() == (0,)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(st.lists(st.floats(width=32, allow_nan=False), min_size=3, max_size=3), max_size=40),
    start=st.integers(min_value=0, max_value=5),
    large=st.booleans(),
)
def test_float_rows_decode_any_slice_of_a_binary_column(rows: list[list[float]], start: int, large: bool) -> None:
    import numpy as np
    import pyarrow as pa

    matrix = np.asarray(rows, dtype=np.float32).reshape(len(rows), 3)
    column = pa.array([r.tobytes() for r in matrix], type=pa.large_binary() if large else pa.binary())
    got = _float_rows(column.slice(min(start, len(rows))))
    want = matrix[min(start, len(rows)) :]
    if len(want):
        assert np.array_equal(got, want)
    else:
        assert got.size == 0
    got += 1  # a copy of its own, writable, as callers scale rows in place


@pytest.mark.parametrize(
    "values", [[b"\x00" * 8, None], [b"\x00" * 8, b"\x00" * 4], [b"\x00" * 6]], ids=["null", "ragged", "not-floats"]
)
def test_float_rows_refuse_what_is_not_a_matrix(values: list[bytes | None]) -> None:
    import pyarrow as pa

    with pytest.raises(StoreError, match="differ in length or are missing"):
        _float_rows(pa.array(values, type=pa.binary()))


def test_claim_vectors_come_back_in_stored_order_without_superseded_ones(tmp_path: Path) -> None:
    import numpy as np

    with Store(tmp_path / "v.duckdb") as store:
        con = store.con
        for n, (doc_id, old) in enumerate([("d1", False), ("d2", True), ("d3", False)]):
            con.execute("INSERT INTO documents (id, source, content_hash, text, removed, seq, superseded_by) "
                        "VALUES (?, ?, ?, '', '[]', ?, ?)", [doc_id, doc_id, doc_id, n, "d3" if old else None])
        vectors = {f"c{n}": np.arange(4, dtype=np.float32) + n for n in range(7)}
        owner = {"c0": "d1", "c1": "d2", "c2": "d1", "c3": "d3", "c4": "d2", "c5": "d3", "c6": "d1"}
        for claim_id, doc_id in owner.items():
            con.execute("INSERT INTO claims (id, doc_id, text, via) VALUES (?, ?, 'x', '[]')", [claim_id, doc_id])
            con.execute("INSERT INTO claim_vectors (claim_id, vector) VALUES (?, ?)",
                        [claim_id, vectors[claim_id].tobytes()])
        for current, want in [(True, ["c0", "c2", "c3", "c5", "c6"]), (False, list(owner))]:
            got = [(i, v) for ids, chunk in store.iter_claim_vectors(chunk=2, current=current)
                   for i, v in zip(ids, chunk, strict=True)]
            assert [i for i, _ in got] == want
            assert all(np.array_equal(v, vectors[i]) for i, v in got)


def test_streamed_reads_report_a_failed_query_as_a_store_error_and_can_stop_early(tmp_path: Path) -> None:
    with Store(tmp_path / "r.duckdb") as store:
        with pytest.raises(StoreError, match=r"query on .* failed"):
            list(store.iter_query("SELECT * FROM no_such_table"))
        with pytest.raises(StoreError, match=r"query on .* failed"):
            list(store._arrow_batches("SELECT * FROM no_such_table", 10))
        rows = store.iter_query("SELECT * FROM range(10000)", chunk=10)
        assert next(rows) == {"range": 0}
        rows.close()  # leaves its cursor; the store reads on
        assert store.query("SELECT count(*) AS n FROM range(5)") == [{"n": 5}]
