"""Wikidata dump import into the KB format, on a hand-made sample in the dump's JSON layout."""

from __future__ import annotations

import bz2
import datetime as dt
import gzip
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storyline.kb import load_kb
from storyline.wikidata import _snak_day, import_wikidata, iter_entities


@pytest.fixture(scope="module")
def sample(fixtures_dir: Path) -> Path:
    return fixtures_dir / "wikidata" / "sample.json"


def _variant(sample: Path, tmp_path: Path, kind: str) -> Path:
    raw = sample.read_text(encoding="utf-8")
    if kind == "array":
        return sample
    if kind == "lines":  # one entity per line, no array brackets or commas
        body = "\n".join(line.rstrip(",") for line in raw.splitlines() if line not in ("[", "]"))
        path = tmp_path / "lines.json"
        path.write_text(body + "\n", encoding="utf-8")
        return path
    if kind == "gz":
        path = tmp_path / "dump.json.gz"
        path.write_bytes(gzip.compress(raw.encode()))
        return path
    if kind == "bz2":
        path = tmp_path / "dump.json.bz2"
        path.write_bytes(bz2.compress(raw.encode()))
        return path
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["array", "lines", "gz", "bz2"])
def test_reads_every_layout(sample: Path, tmp_path: Path, kind: str) -> None:
    path = _variant(sample, tmp_path, kind)
    assert len(list(iter_entities(path))) == 10
    out = tmp_path / "kb.json"
    assert import_wikidata(path, out=out) == 5


@pytest.fixture(scope="module")
def imported(sample: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("wd") / "kb.json"
    import_wikidata(sample, out=out)
    return {a["name"]: a for a in json.loads(out.read_text(encoding="utf-8"))["actors"]}


def test_keeps_humans_organisations_and_countries(imported: dict[str, dict]) -> None:
    assert set(imported) == {"Marta Vell", "Tomas Arlen", "Oskaria", "Oskarian Daily", "Oskarian Labour Party"}
    kinds = {n: a["kind"] for n, a in imported.items()}
    assert kinds == {
        "Marta Vell": "person",
        "Tomas Arlen": "person",
        "Oskaria": "country",
        "Oskarian Daily": "outlet",
        "Oskarian Labour Party": "org",
    }


def test_labels_aliases_and_country(imported: dict[str, dict]) -> None:
    vell = imported["Marta Vell"]
    assert vell["id"] == "marta-vell" and vell["wikidata"] == "Q900001"
    assert vell["aliases"] == ["Vell", "M. Vell"]
    assert vell["country"] == "Oskaria"
    assert imported["Oskaria"]["aliases"] == ["Republic of Oskaria"]


@pytest.mark.parametrize(
    ("name", "roles"),
    [
        (
            "Marta Vell",
            [
                {"role": "minister of finance", "of": "Oskaria", "start": "2015-01-01", "end": "2019-05-01"},
                {"role": "prime minister", "of": "Oskaria", "start": "2019-05-01", "end": "2023-06-30"},
            ],
        ),
        ("Tomas Arlen", [{"role": "prime minister", "of": "Oskaria", "start": "2023-07-01", "end": None}]),
    ],
)
def test_positions_held_with_dates_and_of(imported: dict[str, dict], name: str, roles: list[dict]) -> None:
    # undated and deprecated statements are left out
    assert imported[name]["roles"] == roles


def test_output_layers_on_the_shipped_kb(sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "oskaria.json"
    import_wikidata(sample, out=out)
    kb = load_kb(extra=[out])
    assert [a.name for a in kb.holders("prime minister", "Oskaria", dt.date(2020, 1, 1))] == ["Marta Vell"]
    assert [a.name for a in kb.holders("prime minister", "Oskaria", dt.date(2024, 1, 1))] == ["Tomas Arlen"]
    assert kb.find("Vell")[0].id == "marta-vell"


@given(
    st.integers(min_value=1000, max_value=2999),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=0, max_value=28),
    st.integers(min_value=9, max_value=11),
)
def test_time_values_become_iso_days(year: int, month: int, day: int, precision: int) -> None:
    snak = {
        "snaktype": "value",
        "datavalue": {"value": {"time": f"+{year:04d}-{month:02d}-{day:02d}T00:00:00Z", "precision": precision}},
    }
    value = _snak_day(snak)
    assert value is not None
    parsed = dt.date.fromisoformat(value)
    assert parsed.year == year
    if precision == 9:
        assert (parsed.month, parsed.day) == (1, 1)


@pytest.mark.parametrize(
    "snak",
    [
        {"snaktype": "somevalue"},
        {"snaktype": "value", "datavalue": {"value": {"time": "-0044-03-15T00:00:00Z", "precision": 11}}},
        {"snaktype": "value", "datavalue": {"value": {"time": "+1990-00-00T00:00:00Z", "precision": 8}}},
    ],
)
def test_unusable_times_are_dropped(snak: dict) -> None:
    assert _snak_day(snak) is None
