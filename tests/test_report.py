"""The HTML report: sections, charts, flag highlighting, CSP and self-containment."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import html as lxml_html

from storyline.report import _flag_marks, render_report, subset_bundle, write_report
from storyline.web import asset, csp_hash
from storyline.web.charts import Axis, claim_matrix, parse_day, slug, stance_class
from storyline.web.sample import sample_bundle

ROOT = Path(__file__).resolve().parents[1]


def find(node: Any, path: str) -> list[Any]:
    """Elements matching a tiny CSS subset: descendant steps of ``tag.class1.class2`` (no cssselect here)."""
    xpath = "."
    for step in path.split():
        tag, *classes = step.split(".")
        cond = "".join(f"[contains(concat(' ', normalize-space(@class), ' '), ' {c} ')]" for c in classes)
        xpath += f"//{tag or '*'}{cond}"
    return list(node.xpath(xpath))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return sample_bundle(tmp_path_factory.mktemp("sample") / "s.duckdb", stories=2, per_story=4)


@pytest.fixture(scope="module")
def page(bundle: dict[str, Any]) -> Any:
    return lxml_html.fromstring(render_report(bundle, title="Sample"))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from storyline.pipeline import analyze

    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    analyze([ROOT / "examples" / "corpus"], db=db)
    return db


def test_every_section_is_drawn(page: Any, bundle: dict[str, Any]) -> None:
    for section in ("stories", "positions", "sources", "quotes", "entities", "documents"):
        assert page.get_element_by_id(section) is not None
    assert len(find(page, "section.story")) == len(bundle["stories"])
    assert len(find(page, "svg.timeline")) == len(bundle["stories"])
    assert len(find(page, "article.card")) == len(bundle["documents"])
    assert len(find(page, ".quote")) == len(bundle["quotes"])
    assert len(find(page.get_element_by_id("entities"), "tbody tr")) == len(bundle["entities"])


def test_timeline_draws_exact_dates_as_dots_and_estimates_as_bars(page: Any, bundle: dict[str, Any]) -> None:
    exact = sum(1 for d in bundle["documents"] if d["published"]["value"])
    estimated = sum(1 for d in bundle["documents"] if not d["published"]["value"] and d["published"]["earliest"])
    assert estimated > 0
    assert len(find(page, "svg.timeline circle.doc")) == exact
    assert len([r for r in find(page, "svg.timeline rect.est") if "claim" not in r.get("class")]) == estimated
    dated_claims = [c for c in bundle["claims"] if c["date"]]
    assert len(find(page, "svg.timeline path.claim") + find(page, "svg.timeline rect.claim")) == len(dated_claims)
    # every mark links to a card or claim on the page
    for link in find(page, "svg.timeline a"):
        assert page.get_element_by_id(link.get("href")[1:]) is not None


def test_matrix_shows_corroboration_and_contradiction(page: Any) -> None:
    cells = [td.get("class").split()[-1] for td in find(page, "table.matrix td.cell")]
    assert {"corroborates", "contradicts", "silent"} <= set(cells)


def test_positions_show_change_points(page: Any, bundle: dict[str, Any]) -> None:
    changes = sum(len(p["changes"]) for p in bundle["positions"])
    assert changes > 0
    assert len(find(page, "svg.positions g.change")) == changes
    assert "reversed course" in page.get_element_by_id("positions").text_content()


def test_sources_graph_follows_relay_chains(page: Any) -> None:
    graph = find(page, "svg.sources")[0]
    names: dict[str, set[str]] = {g.get("class"): set() for g in find(graph, "g.node")}
    for g in find(graph, "g.node"):
        names[g.get("class")].add(find(g, "text")[0].text)
    assert "Tidewater Wire" in names["node via"]
    assert "Mayor Ilse Varro" in names["node speaker"]
    assert find(graph, "path.edge")


def test_flag_links_land_on_marks_with_the_evidence(page: Any, bundle: dict[str, Any]) -> None:
    for doc in bundle["documents"]:
        card = page.get_element_by_id(slug("doc", doc["id"]))
        links = find(card, "a.flag")
        assert len(links) == len(doc["flags"])
        for link, flag in zip(links, doc["flags"], strict=True):
            target = page.get_element_by_id(link.get("href")[1:])
            assert target.tag == "mark"
            if flag["spans"]:
                start, end = flag["spans"][0]
                assert target.text_content() == doc["text"][start:end]
            elif flag["kind"] == "weak_sourcing":  # evidence found verbatim in the text
                assert target.text_content() == "officials said"
                assert target.getparent().tag == "pre"


def test_csp_allows_exactly_the_inline_script_and_style(page: Any) -> None:
    csp = page.xpath('//meta[@http-equiv="Content-Security-Policy"]')[0].get("content")
    scripts = find(page, "script")
    assert len(scripts) == 1 and scripts[0].text == asset("report.js")
    assert csp_hash(scripts[0].text) in csp and csp_hash(find(page, "style")[0].text) in csp
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp


def test_report_fetches_nothing(page: Any) -> None:
    assert not page.xpath("//*[@src] | //link | //iframe | //object | //embed")
    assert not re.search(r"@import|url\(", asset("report.css"))
    assert "fetch(" not in asset("report.js").split("getElementById(\"upload\")")[0]


def test_write_report_on_demo_corpus(demo_db: Path, tmp_path: Path) -> None:
    out = write_report(demo_db, out=tmp_path / "report.html")
    doc = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    cards = find(doc, "article.card")
    assert len(cards) >= 15
    assert find(doc, "svg.timeline circle.doc")
    flags = find(doc, "a.flag")
    assert flags, "the demo corpus has duplicate/derivative flags"
    for link in flags:
        assert doc.get_element_by_id(link.get("href")[1:]).tag == "mark"


def test_subset_bundle_keeps_one_story(bundle: dict[str, Any]) -> None:
    part = subset_bundle(bundle, "s1")
    assert part is not None and [s["id"] for s in part["stories"]] == ["s1"]
    ids = {d["id"] for d in part["documents"]}
    assert ids and all(d["story"] == "s1" for d in part["documents"])
    assert all(c["doc"] in ids for c in part["claims"]) and all(q["doc"] in ids for q in part["quotes"])
    assert subset_bundle(bundle, "nope") is None


def test_empty_bundle_renders() -> None:
    html = render_report({"documents": [], "entities": [], "quotes": [], "claims": [], "relations": [], "stories": []})
    assert "No documents yet" in html


@pytest.mark.parametrize(("value", "expected"), [
    ("2025-03-02", (dt.date(2025, 3, 2), dt.date(2025, 3, 2))),
    ("2025-03-02T10:00:00Z", (dt.date(2025, 3, 2), dt.date(2025, 3, 2))),
    ("2024-02", (dt.date(2024, 2, 1), dt.date(2024, 2, 29))),
    ("2025-12", (dt.date(2025, 12, 1), dt.date(2025, 12, 31))),
    ("2025", (dt.date(2025, 1, 1), dt.date(2025, 12, 31))),
    ("2025-13-40", None), ("last week", None), (None, None), (20250302, None),
])
def test_parse_day(value: object, expected: object) -> None:
    assert parse_day(value) == expected


@given(st.text(max_size=40))
def test_parse_day_never_raises(value: str) -> None:
    result = parse_day(value)
    assert result is None or result[0] <= result[1]


@given(st.text(min_size=1, max_size=80), st.text(min_size=1, max_size=80))
def test_slugs_are_safe_and_distinct(a: str, b: str) -> None:
    assert re.fullmatch(r"doc-[A-Za-z0-9_-]+", slug("doc", a))
    if a != b:
        assert slug("doc", a) != slug("doc", b)


@pytest.mark.parametrize(("days", "label"), [(20, "Jan"), (200, "2025"), (2000, "20")])
def test_axis_ticks_fit(days: int, label: str) -> None:
    axis = Axis(dt.date(2025, 1, 1), dt.date(2025, 1, 1) + dt.timedelta(days=days))
    ticks = axis.ticks()
    assert 2 <= len(ticks) <= 12 and any(label in t[1] for t in ticks)
    assert all(axis.x(axis.start) <= axis.x(t[0]) <= axis.x(axis.end) for t in ticks)


@pytest.mark.parametrize(("stance", "cls"), [("support", "pro"), ("agree", "pro"), ("oppose", "con"),
                                               ("disagree", "con"), ("rules out", "con"), ("discuss", "neutral")])
def test_stance_class(stance: str, cls: str) -> None:
    assert stance_class(stance) == cls


def test_matrix_signs_propagate_through_relations() -> None:
    docs = {f"d{i}": {"id": f"d{i}", "outlet": f"O{i}", "published": {"value": f"2025-01-0{i + 1}"}} for i in range(4)}
    claims = [{"id": f"c{i}", "doc": f"d{i}", "statement": f"s{i}"} for i in range(4)]
    relations = [{"kind": "contradicts", "a": "c0", "b": "c1"}, {"kind": "contradicts", "a": "c1", "b": "c2"}]
    outlets, rows = claim_matrix(claims, relations, docs)
    assert outlets == ["O0", "O1", "O2", "O3"]
    assert len(rows) == 2  # c0-c1-c2 linked, c3 alone
    assert rows[0][1] == {"O0": "corroborates", "O1": "contradicts", "O2": "corroborates", "O3": "silent"}


def test_overlapping_and_invalid_spans() -> None:
    text = "abcdefghijklmnop"
    flags: list[dict[str, Any]] = [{"kind": "a", "spans": [[2, 8]]},
                                   {"kind": "b", "spans": [[4, 10], [50, 60], [5, 3]]},
                                   {"kind": "c", "spans": [], "evidence": ["nothing like it"]}]
    marks, targets = _flag_marks("doc-x", text, flags)
    assert [(m[0], m[1]) for m in marks] == [(2, 8)]
    assert targets == ["doc-x-f0", "doc-x-f0", "doc-x-ev2"]


def test_sources_graph_caps_each_column() -> None:
    from collections import Counter

    from storyline.web.charts import sources_svg

    chains: Counter[tuple[str, ...]] = Counter({(f"speaker {i}", "Wire", "Outlet"): i + 1 for i in range(30)})
    svg = lxml_html.fromstring(f"<div>{sources_svg(chains, max_nodes=10)}</div>")
    speakers = [g.xpath(".//text")[0].text for g in find(svg, "g.speaker")]
    assert len(speakers) == 10 and "21 others" in speakers and "speaker 29" in speakers
    assert "speaker 0" not in speakers
