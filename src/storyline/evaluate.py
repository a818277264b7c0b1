"""Score an exported bundle against golden annotations (the format of ``tests/golden/README.md``).

Used by the demo corpus's eval gate and usable on any corpus a team annotates the same way. Every
figure is a share in [0, 1]; a figure whose golden set is empty is left out.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

_NON_WORD = re.compile(r"[\W_]+")


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def _squash(text: str | None) -> str:
    """Letters and digits only, without a leading "the" or a web suffix, for loose name matching."""
    value = _norm(text)
    value = re.sub(r"^the\s+", "", value)
    value = re.sub(r"\.(com|net|org|co\.uk|news|info)$", "", value)
    return _NON_WORD.sub("", value)


def golden_key(source: str) -> str:
    """The golden file's name for a bundle ``source`` (file name, or "file.jsonl#N").

    Args:
        source: a document's source as ingested.
    """
    path, _, record = source.partition("#")
    name = Path(path).name
    return f"{name}#{record}" if record else name


def _share(hits: list[bool]) -> float | None:
    return sum(hits) / len(hits) if hits else None


def _in_text(line: str, text: str) -> bool:
    return _norm(line) in _norm(text)


def score_bundle(bundle: dict[str, Any], golden: dict[str, Any]) -> dict[str, float]:
    """Figures of ``bundle`` against ``golden``.

    Args:
        bundle: the export bundle (`storyline.export.build_bundle`).
        golden: the golden annotations.
    """
    ours = {golden_key(d["source"]): d for d in bundle["documents"]}
    gold_docs = {g["source"]: g for g in golden["documents"]}
    id_to_key = {d["id"]: k for k, d in ours.items()}
    found: dict[str, list[bool]] = {
        k: []
        for k in (
            "documents_found",
            "titles",
            "outlets",
            "stated_dates",
            "dates_in_interval",
            "boilerplate_removed",
            "body_kept",
            "duplicate_recall",
            "duplicate_precision",
        )
    }
    for key, gold in gold_docs.items():
        doc = ours.get(key)
        found["documents_found"].append(doc is not None)
        if doc is None:
            continue
        found["titles"].append(_norm(doc["title"]) == _norm(gold.get("title")))
        if gold.get("outlet"):
            a, b = _squash(doc["outlet"]), _squash(gold["outlet"])
            found["outlets"].append(bool(a) and (a in b or b in a))
        pub = gold.get("published") or {}
        if pub.get("basis") in ("stated", "metadata") and pub.get("value"):
            found["stated_dates"].append(doc["published"]["value"] == pub["value"])
        if pub.get("earliest") and pub.get("latest"):
            value = doc["published"]["value"]
            found["dates_in_interval"].append(value is not None and pub["earliest"] <= value <= pub["latest"])
        for line in gold.get("removed", []):
            found["boilerplate_removed"].append(not _in_text(line, doc["text"]))
        layout = gold.get("layout") or {}
        for line in (layout.get("body_first"), layout.get("body_last")):
            if line:
                found["body_kept"].append(_in_text(line, doc["text"]))
        if gold.get("duplicate_of"):
            predicted = id_to_key.get(doc["duplicate_of"] or "")
            found["duplicate_recall"].append(predicted == gold["duplicate_of"])
        if doc["duplicate_of"]:
            found["duplicate_precision"].append(id_to_key.get(doc["duplicate_of"]) == gold.get("duplicate_of"))
    quotes_by_doc: dict[str, list[dict[str, Any]]] = {}
    for q in bundle.get("quotes", []):
        quotes_by_doc.setdefault(q["doc"], []).append(q)
    found["quotes_found"] = []
    found["quotes_speaker_via"] = []
    for key, gold in gold_docs.items():
        doc = ours.get(key)
        candidates = quotes_by_doc.get(doc["id"], []) if doc else []
        for gq in gold.get("quotes", []):
            match = next((q for q in candidates if _norm(gq["text"]) in _norm(q["text"])), None)
            found["quotes_found"].append(match is not None)
            found["quotes_speaker_via"].append(match is not None and _same_quote_source(match, gq))
    gold_story = {g["source"]: g.get("story") for g in golden["documents"]}
    our_story = {k: d.get("story") for k, d in ours.items()}
    keys = sorted(k for k in gold_story if k in our_story)
    found["story_pairs"] = [
        (gold_story[a] == gold_story[b]) == (our_story[a] is not None and our_story[a] == our_story[b])
        for i, a in enumerate(keys)
        for b in keys[i + 1 :]
    ]
    found["relations_recall"] = [_relation_found(rel, golden, bundle, ours) for rel in golden.get("relations", [])]
    found["relations_precision"] = _relations_right(golden, bundle, ours)
    found["unrelated_claims_unlinked"] = _unrelated_unlinked(golden, bundle, ours)
    flag_kinds = {
        "duplicate",
        "derivative",
        "stale",
        "headline_contradicts_body",
        "editorializing",
        "weak_sourcing",
        "factual_inconsistency",
    }
    for kind in sorted(flag_kinds):
        rec: list[bool] = []
        prec: list[bool] = []
        for key, gold in gold_docs.items():
            doc = ours.get(key)
            ours_kinds = {f["kind"] for f in doc["flags"]} if doc else set()
            gold_kinds = set(gold.get("flags", []))
            if kind in gold_kinds:
                rec.append(kind in ours_kinds)
            if kind in ours_kinds:
                prec.append(kind in gold_kinds)
        found[f"flag_{kind}_recall"] = rec
        found[f"flag_{kind}_precision"] = prec
    found["flag_evidence"] = _flag_evidence(gold_docs, ours)
    return {k: round(v, 4) for k, hits in found.items() if (v := _share(hits)) is not None}


def _flag_evidence(gold_docs: dict[str, dict[str, Any]], ours: dict[str, dict[str, Any]]) -> list[bool]:
    """Per golden evidence passage of a flag we raised: whether our flag quotes it or points at it.

    A span that covers most of the text (a copy is stale as a whole) points at nothing in particular.
    """
    hits: list[bool] = []
    for key, gold in gold_docs.items():
        doc = ours.get(key)
        if doc is None:
            continue
        text = doc.get("text") or ""
        for flag in doc["flags"]:
            pointed = [text[a:b] for a, b in flag.get("spans") or [] if b - a < len(text) / 2]
            said = " ".join([*flag.get("evidence", []), *pointed])
            needles = gold.get("flag_evidence", {}).get(flag["kind"], [])
            hits.extend(_squash(needle) in _squash(said) for needle in needles)
    return hits


def _same_quote_source(ours: dict[str, Any], gold: dict[str, Any]) -> bool:
    """Speaker (None for unnamed sources) and relay chain agree."""
    if gold.get("speaker") is None:
        speaker_ok = ours.get("speaker") is None or bool(ours.get("anonymous"))
    else:
        a, b = _squash(ours.get("speaker")), _squash(gold["speaker"])
        speaker_ok = bool(a) and (a == b or (len(a) > 3 and b.endswith(a)))
    via_ok = [_squash(v) for v in ours.get("via", [])] == [_squash(v) for v in gold.get("via", [])]
    return speaker_ok and via_ok


def _claims_covering(gc: dict[str, Any], bundle: dict[str, Any], ours: dict[str, dict[str, Any]]) -> set[str]:
    """Ids of our claims in the golden claim's document whose text contains it or lies within it."""
    doc = ours.get(gc["doc"])
    if doc is None:
        return set()
    want = _norm(gc["text"])
    return {c["id"] for c in bundle.get("claims", [])
            if c["doc"] == doc["id"] and (want in _norm(c["text"]) or _norm(c["text"]) in want)}


def _relations_right(golden: dict[str, Any], bundle: dict[str, Any], ours: dict[str, dict[str, Any]]) -> list[bool]:
    """For each of our relations the golden file can judge: does it join one proposition?

    A relation is judged when its ends cover two golden claims (right when they share a ``statement``)
    or the two sides of a labelled ``claim_pairs`` entry (right when the entry is ``same``).
    """
    verdicts: dict[frozenset[str], bool] = {}
    statement_of: dict[str, set[str]] = {}
    for gc in golden.get("claims", []):
        for cid in _claims_covering(gc, bundle, ours):
            statement_of.setdefault(cid, set()).add(_norm(gc["statement"]))
    for pair in golden.get("claim_pairs", []):
        for x in _claims_covering(pair["a"], bundle, ours):
            for y in _claims_covering(pair["b"], bundle, ours):
                verdicts[frozenset((x, y))] = bool(pair["same"]) or verdicts.get(frozenset((x, y)), False)
    out = []
    for r in bundle.get("relations", []):
        if r["a"] in statement_of and r["b"] in statement_of:
            out.append(bool(statement_of[r["a"]] & statement_of[r["b"]]))
        elif (verdict := verdicts.get(frozenset((r["a"], r["b"])))) is not None:
            out.append(verdict)
    return out


def _unrelated_unlinked(golden: dict[str, Any], bundle: dict[str, Any], ours: dict[str, dict[str, Any]]) -> list[bool]:
    """For each ``claim_pairs`` entry labelled not ``same``: is it free of any relation?"""
    linked = {frozenset((r["a"], r["b"])) for r in bundle.get("relations", [])}
    out = []
    for pair in golden.get("claim_pairs", []):
        if pair["same"]:
            continue
        ends = [_claims_covering(pair[side], bundle, ours) for side in ("a", "b")]
        out.append(not any(frozenset((x, y)) in linked for x in ends[0] for y in ends[1]))
    return out


def _relation_found(
    rel: dict[str, Any], golden: dict[str, Any], bundle: dict[str, Any], ours: dict[str, dict[str, Any]]
) -> bool:
    """A golden relation is found when our claims carrying both golden texts are related with its kind."""
    gold_claims = {c["id"]: c for c in golden.get("claims", [])}
    ends = []
    for side in (rel["a"], rel["b"]):
        gc = gold_claims.get(side)
        doc = ours.get(gc["doc"]) if gc else None
        if gc is None or doc is None:
            return False
        want = _norm(gc["text"])
        ends.append(
            {
                c["id"]
                for c in bundle.get("claims", [])
                if c["doc"] == doc["id"] and (want in _norm(c["text"]) or _norm(c["text"]) in want)
            }
        )
    a_ids, b_ids = ends
    return any(
        r["kind"] == rel["kind"] and ((r["a"] in a_ids and r["b"] in b_ids) or (r["a"] in b_ids and r["b"] in a_ids))
        for r in bundle.get("relations", [])
    )
