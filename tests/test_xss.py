"""XSS suite: every field that comes from an article is hostile; no page may carry executable injection.

The checks parse each page the way a browser would (lxml's HTML parser) and require: exactly one
script, ours, allowed by hash in the CSP; no event-handler attributes; no javascript:/data: URLs;
no elements that load or run anything (iframe, object, embed, img, base, link, form actions, meta
refresh, SVG script/foreignObject); and the payload visible as text (escaped, not dropped).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import html as lxml_html

from storyline.export import build_bundle
from storyline.report import render_report, write_report
from storyline.serve import create_app
from storyline.store import Store
from storyline.web import asset
from storyline.web.sample import build_sample_db, sample_positions

PAYLOADS = [
    "<script>window.__xss=1</script>",
    '"><img src=x onerror="window.__xss=2">',
    "'><svg onload=window.__xss=3>",
    "</style><script>window.__xss=4</script>",
    "</title></textarea></pre><script>window.__xss=5</script>",
    "<a href='javascript:window.__xss=6'>click</a>",
    "<iframe srcdoc='<script>parent.__xss=7</script>'></iframe>",
    "<base href='https://evil.invalid/'><meta http-equiv='refresh' content='0;url=https://evil.invalid'>",
    "<svg><foreignObject><body onload=window.__xss=8></body></foreignObject></svg>",
    "]]><!-- <math><mi xlink:href='javascript:x'>",
]
URL_PAYLOAD = "javascript:window.__xss=9"
FORBIDDEN_TAGS = ("iframe", "object", "embed", "img", "base", "link", "frame", "frameset", "applet", "foreignobject",
                  "math", "textarea", "input[@type='image']")


def hostile(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("xss") / "hostile.duckdb"
    build_sample_db(db, stories=2, per_story=4)
    with Store(db) as store:
        con = store.con
        docs = [r[0] for r in con.execute("SELECT id FROM documents ORDER BY seq").fetchall()]
        for i, doc in enumerate(docs):
            p = hostile(i)
            text = f"{p} body {hostile(i + 1)} more {hostile(i + 2)}"
            con.execute("UPDATE documents SET title = ?, outlet = ?, author = ?, text = ?, removed = ?, url = ?, "
                        "source = ?, published_evidence = ? WHERE id = ?",
                        [p, hostile(i + 3), hostile(i + 4), text, json.dumps([hostile(i + 5), hostile(i + 6)]),
                         URL_PAYLOAD, f"{hostile(i + 7)}.html", json.dumps([hostile(i + 8)]), doc])
            con.execute("UPDATE flags SET evidence = ?, spans = ? WHERE doc_id = ?",
                        [json.dumps([hostile(i + 9), p]), json.dumps([[0, len(p)]]), doc])
        con.execute("UPDATE quotes SET text = ?, speaker = ?, via = ?, cue = ?",
                    [hostile(0), hostile(1), json.dumps([hostile(2), hostile(3)]), hostile(4)])
        con.execute("UPDATE claims SET text = ?, statement = ?, actor = ?, via = ?, attributed_to = ?, modality = ?",
                    [hostile(5), hostile(6), hostile(7), json.dumps([hostile(8)]), hostile(9), hostile(0)])
        con.execute("UPDATE entities SET name = ?, aliases = ?", [hostile(1), json.dumps([hostile(2)])])
        con.execute("UPDATE relations SET evidence = ?", [json.dumps([hostile(3)])])
        con.execute("UPDATE stories SET title = ?", [hostile(4)])
    return db


@pytest.fixture(scope="module")
def hostile_bundle(hostile_db: Path) -> dict[str, Any]:
    with Store(hostile_db, read_only=True) as store:
        bundle = build_bundle(store)
    positions = sample_positions({**bundle, "claims": [{**c, "actor": "Harbour Board"} for c in bundle["claims"]
                                                       if c["date"] and len(c["date"]) == 10]})
    for pos in positions:
        pos["actor"], pos["topic"] = hostile(5), hostile(6)
        for point in pos["points"]:
            point["stance"] = hostile(7)
        pos["changes"].append({"from": hostile(8), "to": hostile(9), "date": pos["points"][0]["date"],
                               "explanation": hostile(0)})
    bundle["positions"] = positions
    for rel in bundle["relations"]:
        rel["explanation"] = hostile(1)
    # ids are not article text, but a bundle from elsewhere could carry anything
    bundle["documents"][0]["id"] = hostile(2)
    bundle["documents"][0]["duplicate_of"] = hostile(3)
    return bundle


def assert_inert(page_html: str) -> None:
    """The page runs nothing but our script and loads nothing."""
    tree = lxml_html.fromstring(page_html)
    scripts = tree.xpath("//script")
    assert len(scripts) == 1 and scripts[0].text == asset("report.js"), "an injected <script> element"
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name} on <{el.tag}>"
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href", "srcdoc", "data"):
                low = "".join(value.split()).lower()
                assert not low.startswith(("javascript:", "data:", "vbscript:")), f"{name}={value!r}"
                assert low.startswith(("#", "http://", "https://", "stories/", "../", "docs", "openapi.json")), value
    for tag in FORBIDDEN_TAGS:
        assert not tree.xpath(f"//{tag}"), f"an injected <{tag}>"
    metas = [m.get("http-equiv", "").lower() for m in tree.xpath("//meta[@http-equiv]")]
    assert metas == ["content-security-policy"]
    assert len(tree.xpath("//style")) == 1
    assert len(tree.xpath("/html/head/title")) == 1 and not tree.xpath("//body//title[not(ancestor::svg)]")


def assert_payloads_shown_as_text(page_html: str, *, payloads: int = len(PAYLOADS)) -> None:
    text = lxml_html.fromstring(page_html).text_content()
    for payload in PAYLOADS[:payloads]:
        assert payload in text, f"payload not rendered as text: {payload!r}"


def test_report_is_inert(hostile_bundle: dict[str, Any]) -> None:
    page = render_report(hostile_bundle, title=hostile(0))
    assert_inert(page)
    assert_payloads_shown_as_text(page)
    assert URL_PAYLOAD in page  # shown, but never as a link
    assert 'href="javascript' not in page.lower()


def test_written_report_is_inert(hostile_db: Path, tmp_path: Path) -> None:
    page = write_report(hostile_db, out=tmp_path / "r.html").read_text(encoding="utf-8")
    assert_inert(page)
    assert_payloads_shown_as_text(page)


@pytest.mark.parametrize("path", ["/", "/stories/s0", "/stories/s1", "/docs"])
def test_app_pages_are_inert(hostile_db: Path, path: str) -> None:
    client = TestClient(create_app(hostile_db))
    r = client.get(path)
    assert r.status_code == 200
    assert_inert(r.text)
    if path != "/docs":
        assert_payloads_shown_as_text(r.text)
    assert "script-src 'sha256-" in r.headers["content-security-policy"]


@pytest.mark.parametrize("path", ["/api/documents", "/api/quotes", "/api/claims", "/api/entities", "/api/stories/s0",
                                  "/api/search?q=script", "/api/relations"])
def test_api_returns_hostile_text_as_json_only(hostile_db: Path, path: str) -> None:
    client = TestClient(create_app(hostile_db))
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    json.loads(r.text)


def test_hostile_upload_filename_and_404s_are_escaped(hostile_db: Path) -> None:
    client = TestClient(create_app(hostile_db))
    r = client.get("/stories/" + "%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert r.status_code == 404 and "<script>" not in r.text
    assert r.headers["content-type"] == "application/json"
