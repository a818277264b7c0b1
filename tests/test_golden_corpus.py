"""Consistency of the bundled demo corpus with its golden annotations (tests/golden/demo.json).

These tests check the corpus and the golden file against each other only; they use the standard
library and nothing from `storyline`, so they stay valid while the library is being built.
"""

from __future__ import annotations

import datetime as dt
import difflib
import html
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN_PATH = ROOT / "tests" / "golden" / "demo.json"
FLAG_KINDS = {
    "duplicate",
    "derivative",
    "stale",
    "headline_contradicts_body",
    "editorializing",
    "weak_sourcing",
    "factual_inconsistency",
}
BASES = {"stated", "metadata", "inferred", "unknown"}
ENTITY_KINDS = {"person", "org", "country", "outlet", "agency", "place"}
KB_KINDS = {"person", "org", "country", "outlet", "agency"}
RELATION_KINDS = {"corroborates", "contradicts", "updates"}
POLARITIES = {"affirmed", "negated"}
MODALITIES = {"asserted", "planned", "possible", "demanded", "ruled_out"}
REQUIRED_PHENOMENA = {
    "boilerplate",
    "undated",
    "wire_copy",
    "stale",
    "headline_contradiction",
    "reversal",
    "agency_relay",
    "editorializing",
    "anonymous_sourcing",
    "factual_slip",
    "corroboration",
    "contradiction",
    "unrelated_story",
}
# Which flag each flag-bearing phenomenon must put on its documents (the source of a copy carries none).
PHENOMENON_FLAG = {
    "headline_contradiction": "headline_contradicts_body",
    "editorializing": "editorializing",
    "anonymous_sourcing": "weak_sourcing",
    "factual_slip": "factual_inconsistency",
}


@cache
def golden() -> dict[str, Any]:
    """The parsed golden file."""
    data: dict[str, Any] = json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))
    return data


def corpus_dir() -> Path:
    return ROOT / golden()["corpus"]


def kb() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((ROOT / golden()["kb"]).read_text(encoding="utf-8"))
    return data


def docs() -> list[dict[str, Any]]:
    return list(golden()["documents"])


def doc_by_source() -> dict[str, dict[str, Any]]:
    return {d["source"]: d for d in docs()}


def jsonl_records(name: str) -> list[dict[str, Any]]:
    lines = (corpus_dir() / name).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@cache
def raw(source: str) -> str:
    """The raw text of a document: the file, or the JSONL record's text or html field."""
    if "#" in source:
        name, _, num = source.partition("#")
        record = jsonl_records(name)[int(num) - 1]
        return str(record.get("text") or record.get("html") or "")
    return (corpus_dir() / source).read_text(encoding="utf-8")


@cache
def searchable(source: str) -> str:
    """Raw text plus its HTML-unescaped form, so substrings match whichever way they are written."""
    text = raw(source)
    return text + "\n" + html.unescape(text)


def body_paragraphs(source: str) -> list[str]:
    """The article body as paragraphs, read with simple rules that suit the corpus's own markup."""
    doc = doc_by_source()[source]
    text = raw(source)
    if doc["format"] == "text":
        layout = doc["layout"]
        lines = [ln.strip() for ln in text.splitlines()]
        first, last = lines.index(layout["body_first"]), lines.index(layout["body_last"])
        inline = set(doc["removed"])
        return [ln for ln in lines[first : last + 1] if ln and ln not in inline]
    if "<" in text:
        article = re.search(r"<article[^>]*>(.*)</article>", text, flags=re.S)
        scope = article.group(1) if article else text
        paras = re.findall(r"<p>(.*?)</p>", scope, flags=re.S)
        return [html.unescape(re.sub(r"<[^>]+>", "", p)).strip() for p in paras]
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def parse_day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def doc_ids() -> list[str]:
    return [d["source"] for d in docs()]


# --- the corpus as a whole ------------------------------------------------------------------


def test_golden_top_level_shape() -> None:
    g = golden()
    assert g["version"] == 1
    for key in ("documents", "entities", "claims", "relations", "stories", "phenomena"):
        assert isinstance(g[key], list) and g[key], key
    assert corpus_dir().is_dir()
    assert len(set(doc_ids())) == len(doc_ids())


def test_every_corpus_file_and_record_is_annotated() -> None:
    expected = set()
    for path in sorted(corpus_dir().iterdir()):
        if path.suffix == ".jsonl":
            expected |= {f"{path.name}#{i}" for i in range(1, len(jsonl_records(path.name)) + 1)}
        else:
            expected.add(path.name)
    assert expected == set(doc_ids())


def test_corpus_size_outlets_span_and_formats() -> None:
    assert len(docs()) >= 14
    outlet_kinds = {e["name"]: e["kind"] for e in golden()["entities"]}
    outlets = {d["outlet"] for d in docs() if outlet_kinds.get(d["outlet"]) == "outlet"}
    agencies = {d["outlet"] for d in docs() if outlet_kinds.get(d["outlet"]) == "agency"}
    assert len(outlets) >= 6, outlets
    assert len(agencies) >= 1
    days = [parse_day(d["published"]["earliest"]) for d in docs()]
    known = [day for day in days if day is not None]
    assert (max(known) - min(known)).days >= 183
    formats = {d["format"] for d in docs()}
    assert {"text", "html", "json"} <= formats
    jsonl_files = [p for p in corpus_dir().iterdir() if p.suffix == ".jsonl"]
    assert len(jsonl_files) == 1
    assert 2 <= len(jsonl_records(jsonl_files[0].name)) <= 4
    suffixes = {p.suffix for p in corpus_dir().iterdir()}
    assert {".txt", ".html", ".jsonl"} <= suffixes


def test_jsonl_records_have_the_documented_fields() -> None:
    for path in corpus_dir().glob("*.jsonl"):
        for record in jsonl_records(path.name):
            assert {"title", "url", "published", "outlet"} <= set(record)
            assert ("text" in record) != ("html" in record)


def test_all_required_phenomena_are_planted() -> None:
    planted = {p["id"]: p for p in golden()["phenomena"]}
    assert set(planted) >= REQUIRED_PHENOMENA
    sources = set(doc_ids())
    for pid, entry in planted.items():
        assert entry["description"]
        assert entry["documents"], pid
        assert set(entry["documents"]) <= sources, pid
        tagged = {d["source"] for d in docs() if pid in d["phenomena"]}
        assert tagged == set(entry["documents"]), pid


@pytest.mark.parametrize(("phenomenon", "flag"), sorted(PHENOMENON_FLAG.items()))
def test_flagging_phenomena_put_their_flag_on_their_documents(phenomenon: str, flag: str) -> None:
    planted = {p["id"]: p for p in golden()["phenomena"]}
    flagged = {d["source"] for d in docs() if flag in d["flags"]}
    assert flagged == set(planted[phenomenon]["documents"])


def test_wire_copy_has_a_verbatim_and_an_edited_repost() -> None:
    planted = {p["id"]: p for p in golden()["phenomena"]}
    members = [doc_by_source()[s] for s in planted["wire_copy"]["documents"]]
    sources = [d for d in members if d["duplicate_of"] is None]
    assert len(sources) == 1
    agency = {e["name"] for e in golden()["entities"] if e["kind"] == "agency"}
    assert sources[0]["outlet"] in agency
    kinds = sorted(flag for d in members for flag in d["flags"])
    assert kinds == ["derivative", "duplicate"]


def test_reversal_is_same_actor_two_outlets_ruled_out_then_planned() -> None:
    claims = {c["id"]: c for c in golden()["claims"]}
    updates = [r for r in golden()["relations"] if r["kind"] == "updates"]
    assert updates
    for rel in updates:
        a, b = claims[rel["a"]], claims[rel["b"]]
        assert a["actor"] == b["actor"] is not None
        assert a["statement"] == b["statement"]
        assert a["modality"] == "ruled_out" and a["polarity"] == "negated"
        assert b["polarity"] == "affirmed"
        assert parse_day(a["date"]) < parse_day(b["date"])  # type: ignore[operator]
        outlets = {doc_by_source()[a["doc"]]["outlet"], doc_by_source()[b["doc"]]["outlet"]}
        assert len(outlets) == 2


# --- documents ------------------------------------------------------------------------------


@pytest.mark.parametrize("source", doc_ids())
def test_document_fields(source: str) -> None:
    doc = doc_by_source()[source]
    assert doc["title"] and doc["outlet"]
    assert doc["format"] in {"text", "html", "json"}
    assert doc["story"] in {s["id"] for s in golden()["stories"]}
    assert set(doc["flags"]) <= FLAG_KINDS
    assert len(set(doc["flags"])) == len(doc["flags"])
    # Every flag except the copy flags (proved by the source comparison) needs evidence spans.
    assert set(doc["flags"]) - {"duplicate", "derivative"} <= set(doc["flag_evidence"]) <= set(doc["flags"])
    if "#" in source:
        name, _, num = source.partition("#")
        record = jsonl_records(name)[int(num) - 1]
        assert record["title"] == doc["title"]
        assert record["outlet"] == doc["outlet"]
    else:
        assert doc["title"] in searchable(source)
        outlet = next(e for e in golden()["entities"] if e["name"] == doc["outlet"])
        assert any(alias in searchable(source) for alias in [outlet["name"], *outlet["aliases"]])


@pytest.mark.parametrize("source", doc_ids())
def test_published_interval_is_valid(source: str) -> None:
    pub = doc_by_source()[source]["published"]
    assert pub["basis"] in BASES
    earliest, latest, value = parse_day(pub["earliest"]), parse_day(pub["latest"]), parse_day(pub["value"])
    assert earliest is not None and latest is not None and earliest <= latest
    if value is not None:
        assert earliest <= value <= latest
    else:
        assert pub["basis"] in {"inferred", "unknown"}
    if "actual" in pub:
        assert earliest <= dt.date.fromisoformat(pub["actual"]) <= latest


def _date_forms(day: dt.date) -> list[str]:
    month = day.strftime("%B")
    return [
        day.isoformat(),
        f"{day.day} {month} {day.year}",
        f"{month} {day.day}, {day.year}",
        f"{day.day} {month[:3]} {day.year}",
    ]


@pytest.mark.parametrize("source", doc_ids())
def test_stated_and_metadata_dates_occur_in_the_document(source: str) -> None:
    doc = doc_by_source()[source]
    pub = doc["published"]
    if pub["basis"] not in {"stated", "metadata"}:
        return
    day = dt.date.fromisoformat(pub["value"])
    if "#" in source:
        name, _, num = source.partition("#")
        assert jsonl_records(name)[int(num) - 1]["published"].startswith(day.isoformat())
        return
    text = searchable(source)
    assert any(form in text for form in _date_forms(day)), source
    if pub["basis"] == "metadata":
        assert re.search(rf"(content|datetime)=\"{day.isoformat()}|\"datePublished\": \"{day.isoformat()}", text)


def test_undated_document_has_no_date_and_inferable_evidence() -> None:
    undated = [d for d in docs() if d["published"]["basis"] == "inferred"]
    assert undated
    for doc in undated:
        text = raw(doc["source"])
        # Past years may be mentioned, but no full date, no dated copyright line and no date markup.
        months = "January|February|March|April|May|June|July|August|September|October|November|December"
        assert not re.search(rf"\b\d{{1,2}} ({months}),? \d{{4}}\b|\b({months}) \d{{1,2}},? \d{{4}}\b", text)
        assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text)
        assert not re.search(r"(©|&copy;|Copyright)\s*\d{4}", text)
        assert "<meta" not in text and "<time" not in text
        years = {int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", text)}
        assert all(year < dt.date.fromisoformat(doc["published"]["latest"]).year for year in years)
        evidence = doc["published"]["evidence"]
        assert len(evidence) >= 2
        for item in evidence:
            assert item in text


def test_stale_documents_are_dated_a_year_after_their_content() -> None:
    stale = [d for d in docs() if "stale" in d["flags"]]
    assert stale
    for doc in stale:
        page = dt.date.fromisoformat(doc["published"]["value"])
        content = dt.date.fromisoformat(doc["published"]["content_date"])
        assert 300 <= (page - content).days <= 430


@pytest.mark.parametrize("source", doc_ids())
def test_body_length_is_realistic(source: str) -> None:
    words = sum(len(p.split()) for p in body_paragraphs(source))
    assert 200 <= words <= 700, (source, words)


@pytest.mark.parametrize("source", [d["source"] for d in docs() if d["duplicate_of"]])
def test_copies_match_their_source(source: str) -> None:
    doc = doc_by_source()[source]
    original = doc["duplicate_of"]
    assert original in doc_by_source() and original != source
    assert doc_by_source()[original]["duplicate_of"] is None
    ours, theirs = body_paragraphs(source), body_paragraphs(original)
    if "duplicate" in doc["flags"]:
        assert "derivative" not in doc["flags"]
        assert ours == theirs
    else:
        assert "derivative" in doc["flags"]
        ratio = difflib.SequenceMatcher(None, "\n".join(ours), "\n".join(theirs)).ratio()
        assert 0.8 <= ratio < 1.0, ratio
        assert doc["title"] != doc_by_source()[original]["title"]


@pytest.mark.parametrize("source", [d["source"] for d in docs() if not d["duplicate_of"]])
def test_non_copies_carry_no_copy_flag(source: str) -> None:
    assert not {"duplicate", "derivative"} & set(doc_by_source()[source]["flags"])


@pytest.mark.parametrize("source", doc_ids())
def test_flag_evidence_occurs_in_the_document(source: str) -> None:
    doc = doc_by_source()[source]
    for items in doc["flag_evidence"].values():
        assert items
        for item in items:
            assert item in searchable(source), item


@pytest.mark.parametrize("source", [d["source"] for d in docs() if d["format"] == "text"])
def test_boilerplate_lines_are_exact_lines_of_the_file(source: str) -> None:
    doc = doc_by_source()[source]
    layout = doc["layout"]
    lines = [ln.strip() for ln in raw(source).splitlines()]
    assert doc["removed"], "every page dump has boilerplate"
    for line in [*doc["removed"], *layout["metadata_lines"], *layout["optional_lines"], layout["title_line"]]:
        assert line in lines, line
    first, last = lines.index(layout["body_first"]), lines.index(layout["body_last"])
    assert first < last
    removed = set(doc["removed"])
    assert layout["body_first"] not in removed and layout["body_last"] not in removed
    # Every non-blank line is accounted for: body, title, metadata, optional or removed.
    accounted = removed | set(layout["metadata_lines"]) | set(layout["optional_lines"]) | {layout["title_line"]}
    outside = [ln for i, ln in enumerate(lines) if ln and not first <= i <= last]
    assert set(outside) <= accounted


def test_boilerplate_covers_several_kinds() -> None:
    removed = [ln for d in docs() if d["format"] == "text" for ln in d["removed"]]
    patterns = {
        "share": r"^Share\b",
        "comment": r"Leave a comment",
        "newsletter": r"Subscribe to our newsletter",
        "read_more": r"^Read more:",
        "copyright": r"^©",
        "privacy": r"Privacy Policy",
        "image": r"^\[(Image|image|Photo|Illustration)",
        "breadcrumb": r"(Home > |Home / )",
        "advert": r"(?i)^\[?advertisement\]?$",
    }
    for kind, pattern in patterns.items():
        assert any(re.search(pattern, ln) for ln in removed), kind


@pytest.mark.parametrize("source", doc_ids())
def test_quotes_occur_with_their_cue_and_known_speaker(source: str) -> None:
    names = {e["name"]: e for e in golden()["entities"]}
    text = searchable(source)
    quotes = doc_by_source()[source]["quotes"]
    for quote in quotes:
        assert quote["text"] in text, quote["text"]
        assert quote["cue"] and quote["cue"].lower() in text.lower(), quote["cue"]
        assert isinstance(quote["direct"], bool)
        if quote["direct"]:
            # A direct quote sits inside quotation marks somewhere in the document.
            assert re.search(r"\"[^\"]*" + re.escape(quote["text"]), text), quote["text"]
        speaker = quote["speaker"]
        if speaker is not None:
            assert names[speaker]["kind"] in {"person", "org"}
            assert any(alias in text for alias in names[speaker]["aliases"] + [speaker]), speaker
        for relay in quote["via"]:
            assert names[relay]["kind"] in {"agency", "outlet"}
            assert relay in text


def test_agency_relayed_quotes_exist_in_several_documents() -> None:
    relayed = {d["source"] for d in docs() for q in d["quotes"] if q["via"]}
    assert len(relayed) >= 2


def test_anonymous_piece_has_no_named_speaker() -> None:
    planted = {p["id"]: p for p in golden()["phenomena"]}
    for source in planted["anonymous_sourcing"]["documents"]:
        quotes = doc_by_source()[source]["quotes"]
        assert quotes and all(q["speaker"] is None and q.get("anonymous") for q in quotes)


# --- entities, claims, relations, stories, knowledge base -----------------------------------


def test_entities_are_unique_and_their_aliases_occur() -> None:
    corpus_text = "\n".join(searchable(s) for s in doc_ids())
    names = [e["name"] for e in golden()["entities"]]
    assert len(names) == len(set(names))
    for entity in golden()["entities"]:
        assert entity["kind"] in ENTITY_KINDS
        assert entity["aliases"]
        for alias in entity["aliases"]:
            assert alias in corpus_text, alias


def test_outlets_of_documents_are_entities() -> None:
    names = {e["name"]: e["kind"] for e in golden()["entities"]}
    for doc in docs():
        assert names[doc["outlet"]] in {"outlet", "agency"}


def test_claims_occur_in_their_documents() -> None:
    claims = golden()["claims"]
    assert len({c["id"] for c in claims}) == len(claims)
    names = {e["name"] for e in golden()["entities"]}
    for claim in claims:
        assert claim["doc"] in doc_by_source()
        assert claim["text"] in searchable(claim["doc"]), claim["text"]
        assert claim["statement"]
        assert claim["polarity"] in POLARITIES
        assert claim["modality"] in MODALITIES
        assert claim["actor"] is None or claim["actor"] in names
        if claim["date"] is not None:
            dt.date.fromisoformat(claim["date"])


def test_relations_link_claims_across_documents() -> None:
    claims = {c["id"]: c for c in golden()["claims"]}
    relations = golden()["relations"]
    kinds = {r["kind"] for r in relations}
    assert kinds == RELATION_KINDS
    for rel in relations:
        a, b = claims[rel["a"]], claims[rel["b"]]
        assert a["doc"] != b["doc"]
        doc_a, doc_b = doc_by_source()[a["doc"]], doc_by_source()[b["doc"]]
        if rel["kind"] == "corroborates":
            # Independent: different outlets, neither a copy of the other.
            assert doc_a["outlet"] != doc_b["outlet"]
            assert doc_a["duplicate_of"] != b["doc"] and doc_b["duplicate_of"] != a["doc"]
            assert a["polarity"] == b["polarity"]
        if rel["kind"] == "contradicts":
            assert a["statement"] == b["statement"]
            assert a["polarity"] != b["polarity"]
            assert doc_a["outlet"] != doc_b["outlet"]


def test_stories_partition_the_documents_and_span_their_dates() -> None:
    stories = golden()["stories"]
    seen: list[str] = []
    for story in stories:
        seen += story["documents"]
        start, end = dt.date.fromisoformat(story["start"]), dt.date.fromisoformat(story["end"])
        for source in story["documents"]:
            doc = doc_by_source()[source]
            assert doc["story"] == story["id"]
            pub = doc["published"]
            assert start <= dt.date.fromisoformat(pub["earliest"])
            assert dt.date.fromisoformat(pub["latest"]) <= end
    assert sorted(seen) == sorted(doc_ids())
    main = max(stories, key=lambda s: len(s["documents"]))
    assert (dt.date.fromisoformat(main["end"]) - dt.date.fromisoformat(main["start"])).days >= 183
    assert any(1 <= len(s["documents"]) <= 2 for s in stories if s is not main)


def test_kb_format() -> None:
    actors = kb()["actors"]
    ids = [a["id"] for a in actors]
    assert len(ids) == len(set(ids))
    for actor in actors:
        assert actor["kind"] in KB_KINDS
        assert actor["name"] and isinstance(actor["aliases"], list)
        assert actor["country"] is None or actor["country"] in ids
        for role in actor["roles"]:
            assert role["role"] and role["of"] in ids
            start, end = parse_day(role["start"]), parse_day(role["end"])
            assert start is not None and (end is None or start <= end)
        if actor["kind"] in {"outlet", "agency"}:
            assert actor["country"] is not None


def test_kb_covers_named_people_outlets_and_agency() -> None:
    kb_names = {a["name"] for a in kb()["actors"]}
    for entity in golden()["entities"]:
        if entity["kind"] in {"outlet", "agency", "country"}:
            assert entity["name"] in kb_names, entity["name"]
    speakers = {q["speaker"] for d in docs() for q in d["quotes"] if q["speaker"]}
    # Minor vox-pop speakers may be missing from the KB; officials may not.
    assert len(speakers - kb_names) <= 1


def _roles_on(name: str, day: dt.date) -> set[str]:
    for actor in kb()["actors"]:
        if actor["name"] == name:
            return {
                r["role"]
                for r in actor["roles"]
                if dt.date.fromisoformat(r["start"]) <= day
                and (r["end"] is None or day <= dt.date.fromisoformat(r["end"]))
            }
    raise AssertionError(f"{name} is not in the knowledge base")


def test_factual_slip_contradicts_the_knowledge_base() -> None:
    slipped = [d for d in docs() if "factual_inconsistency" in d["flags"]]
    assert slipped
    for doc in slipped:
        day = dt.date.fromisoformat(doc["published"]["value"])
        for evidence in doc["flag_evidence"]["factual_inconsistency"]:
            match = re.fullmatch(r"([A-Z][a-z]+) Minister ((?:[A-Z][a-z]+ ?)+)", evidence)
            assert match, evidence
            stated_role = f"{match.group(1).lower()} minister"
            assert stated_role not in _roles_on(match.group(2).strip(), day)


def test_reversal_actor_holds_the_same_office_throughout() -> None:
    claims = {c["id"]: c for c in golden()["claims"]}
    for rel in golden()["relations"]:
        if rel["kind"] != "updates":
            continue
        a, b = claims[rel["a"]], claims[rel["b"]]
        roles_a = _roles_on(a["actor"], dt.date.fromisoformat(a["date"]))
        roles_b = _roles_on(b["actor"], dt.date.fromisoformat(b["date"]))
        assert roles_a and roles_a == roles_b
