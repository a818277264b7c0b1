"""Report stage: one self-contained, offline HTML file from the bundle.

Every value that comes from an article is escaped; the page loads nothing from outside and runs
no script, so hostile article content renders inert.
"""

from __future__ import annotations

import os
from collections import Counter
from html import escape
from pathlib import Path
from typing import Any

from storyline.export import atomic_write, build_bundle
from storyline.store import Store

_CSS = """
:root { color-scheme: light dark; --fg:#1b1b1b; --bg:#fdfdfc; --muted:#666; --card:#f3f2ef; --accent:#0b5cad; }
@media (prefers-color-scheme: dark) { :root { --fg:#e8e6e3; --bg:#141414; --muted:#aaa; --card:#222; --accent:#6cb4ff; } }
body { font: 16px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto;
       max-width: 60rem; padding: 1rem; }
h1, h2, h3 { line-height: 1.2; } .muted { color: var(--muted); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: .3rem .5rem;
       border-bottom: 1px solid var(--card); vertical-align: top; }
.card { background: var(--card); border-radius: .5rem; padding: .8rem 1rem; margin: 1rem 0; }
.flag { display: inline-block; border: 1px solid var(--accent); border-radius: 1rem; padding: 0 .5rem;
        margin: 0 .3rem .3rem 0; font-size: .85em; }
details > summary { cursor: pointer; } pre { white-space: pre-wrap; word-wrap: break-word; font: inherit; }
"""


def render_report(bundle: dict[str, Any], *, title: str = "Storyline report") -> str:
    """Render the bundle as one HTML page.

    Args:
        bundle: the export bundle (see `storyline.export.build_bundle`).
        title: the page title.
    """
    docs = bundle["documents"]
    flag_counts = Counter(f["kind"] for d in docs for f in d["flags"])
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p class='muted'>{len(docs)} documents, {len(bundle['quotes'])} quotes, {len(bundle['claims'])} claims, "
        f"{len(bundle['stories'])} stories.</p>",
    ]
    if flag_counts:
        parts.append("<p>" + " ".join(f"<span class='flag'>{escape(k)}: {n}</span>"
                                      for k, n in sorted(flag_counts.items())) + "</p>")
    if bundle["stories"]:
        parts.append("<h2>Stories</h2><ul>")
        for story in bundle["stories"]:
            parts.append(f"<li>{escape(story['title'] or story['id'])} "
                         f"<span class='muted'>{escape(str(story['start']))} – {escape(str(story['end']))}, "
                         f"{len(story['documents'])} documents</span></li>")
        parts.append("</ul>")
    parts.append("<h2>Documents</h2><table><thead><tr><th>Date</th><th>Outlet</th><th>Title</th><th>Flags</th>"
                 "</tr></thead><tbody>")
    by_id = {d["id"]: d for d in docs}
    for d in sorted(docs, key=lambda d: (d["published"]["value"] or "9999", d["id"])):
        parts.append(
            f"<tr><td>{_date_cell(d['published'])}</td><td>{escape(d['outlet'] or '—')}</td>"
            f"<td><a href='#{escape(d['id'])}'>{escape(d['title'] or d['source'])}</a></td>"
            f"<td>{' '.join(escape(f['kind']) for f in d['flags'])}</td></tr>"
        )
    parts.append("</tbody></table>")
    for d in docs:
        parts.append(_document_card(d, by_id))
    parts.append("</body></html>")
    return "".join(parts)


def _date_cell(published: dict[str, Any]) -> str:
    if published["value"]:
        return escape(published["value"])
    if published["earliest"] or published["latest"]:
        return escape(f"{published['earliest'] or '…'} – {published['latest'] or '…'}")
    return "<span class='muted'>unknown</span>"


def _document_card(doc: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> str:
    out = [f"<section class='card' id='{escape(doc['id'])}'><h3>{escape(doc['title'] or doc['source'])}</h3>",
           f"<p class='muted'>{escape(doc['outlet'] or 'unknown outlet')} · {_date_cell(doc['published'])} · "
           f"{escape(doc['source'])}</p>"]
    if doc["duplicate_of"]:
        original = by_id.get(doc["duplicate_of"], {})
        out.append(f"<p>Copy of <a href='#{escape(doc['duplicate_of'])}'>"
                   f"{escape(original.get('title') or doc['duplicate_of'])}</a></p>")
    for flag in doc["flags"]:
        out.append(f"<p><span class='flag'>{escape(flag['kind'])} {flag['score']:.2f}</span>"
                   f"{escape('; '.join(flag['evidence']))}</p>")
    out.append(f"<details><summary>Text</summary><pre>{escape(doc['text'])}</pre></details>")
    if doc["removed"]:
        out.append(f"<details><summary>{len(doc['removed'])} boilerplate lines removed</summary><ul>"
                   + "".join(f"<li>{escape(line)}</li>" for line in doc["removed"]) + "</ul></details>")
    out.append("</section>")
    return "".join(out)


def write_report(db: str | os.PathLike[str], *, out: str | os.PathLike[str] = "report.html") -> Path:
    """Write the HTML report of the analysis in ``db``.

    Args:
        db: the database file.
        out: the HTML file to write.
    """
    with Store(db, read_only=True) as store:
        bundle = build_bundle(store)
    html = render_report(bundle)
    path = Path(out)
    atomic_write(path, lambda fh: fh.write(html))
    return path
