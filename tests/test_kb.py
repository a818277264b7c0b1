"""Tests for the shipped dated knowledge base."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from storyline.kb import load_kb, normalise_name


@pytest.mark.parametrize(
    ("role", "of", "day", "expected"),
    [
        ("secretary of defense", "United States", "2022-06-01", "Lloyd Austin"),
        ("Secretary of State", "United States", "2015-06-01", "John Kerry"),
        ("president", "United States", "1990-03-01", "George H. W. Bush"),
        ("president", "United States", "2025-06-01", "Donald Trump"),
        ("chairman of the joint chiefs of staff", "United States", "2016-01-01", "Joseph Dunford"),
        ("prime minister", "United Kingdom", "1995-01-01", "John Major"),
        ("chancellor", "Germany", "2010-01-01", "Angela Merkel"),
        ("president", "Russia", "2010-01-01", "Dmitry Medvedev"),
        ("president", "Ukraine", "2022-03-01", "Volodymyr Zelensky"),
        ("secretary-general", "NATO", "2020-01-01", "Jens Stoltenberg"),
        ("secretary-general", "United Nations", "1998-01-01", "Kofi Annan"),
        ("president of the european commission", "European Union", "2016-01-01", "Jean-Claude Juncker"),
        ("prime minister", "Japan", "2014-01-01", "Shinzo Abe"),
        ("president", "Brazil", "2020-01-01", "Jair Bolsonaro"),
    ],
)
def test_holders_on_a_date(role: str, of: str, day: str, expected: str) -> None:
    names = [a.name for a in load_kb().holders(role, of, dt.date.fromisoformat(day))]
    assert names == [expected]


def test_role_end_day_belongs_to_successor() -> None:
    kb = load_kb()
    names = [a.name for a in kb.holders("president", "United States", dt.date(2017, 1, 20))]
    assert names == ["Donald Trump"]


@pytest.mark.parametrize(
    ("alias", "expected"),
    [
        ("Zelenskyy", "Volodymyr Zelensky"),
        ("J.D. Vance", "JD Vance"),
        ("francois hollande", "Francois Hollande"),
        ("Erdoğan", "Recep Tayyip Erdogan"),
        ("AFP", "Agence France-Presse"),
    ],
)
def test_find_by_alias(alias: str, expected: str) -> None:
    assert expected in [a.name for a in load_kb().find(alias)]


def test_ambiguous_surname_returns_every_match() -> None:
    names = {a.name for a in load_kb().find("Bush")}
    assert {"George H. W. Bush", "George W. Bush"} <= names


def test_terms_are_sorted_and_filterable() -> None:
    kb = load_kb()
    terms = kb.terms("donald-trump", role="president")
    assert [t.start for t in terms] == [dt.date(2017, 1, 20), dt.date(2025, 1, 20)]
    assert terms[0].end == dt.date(2021, 1, 20) and terms[1].end is None
    assert kb.terms("no-such-actor") == []


def test_outlets_carry_home_country() -> None:
    (reuters,) = [a for a in load_kb().find("Reuters") if a.kind in {"agency", "outlet"}]
    assert reuters.country == "United Kingdom"


def test_shipped_roles_are_well_formed() -> None:
    kb = load_kb()
    assert len(kb) > 500
    for actor in kb:
        assert actor.kind in {"person", "org", "country", "outlet", "agency", "term", "event"}
        for r in actor.roles:
            assert r.end is None or r.start <= r.end, (actor.id, r)


def test_extra_file_overrides_and_extends(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "extra.json"
    path.write_text(
        json.dumps(
            {
                "actors": [
                    {
                        "id": "test-person",
                        "name": "Ada Placeholder",
                        "kind": "person",
                        "aliases": ["Ada"],
                        "country": "Nowhere",
                        "roles": [{"role": "mayor", "of": "Testville", "start": "2001-02-03", "end": None}],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    kb = load_kb([path])
    assert [a.name for a in kb.holders("mayor", "Testville", dt.date(2020, 1, 1))] == ["Ada Placeholder"]
    assert load_kb().find("Ada Placeholder") == []


@pytest.mark.parametrize(
    ("raw", "norm"), [("J. D. Vance", "jd vance"), ("Martin O’Malley", "martin o'malley"), ("François", "francois")]
)
def test_normalise_name(raw: str, norm: str) -> None:
    assert normalise_name(raw) == norm
