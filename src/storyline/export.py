"""Export stage: the story bundle (``BUNDLE.md``) as JSON, JSONL, CSV or Parquet.

`build_bundle` reads the store into the bundle dict (compute). `write_export` writes it to a
file or folder atomically: the output appears whole or not at all, and a full disk raises
`ExportError` instead of leaving a truncated file.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from storyline._exceptions import ExportError
from storyline.assess import outlet_profiles
from storyline.store import Store

BUNDLE_VERSION = 1
FORMATS = ("json", "jsonl", "csv", "parquet")
SECTIONS = ("documents", "entities", "quotes", "claims", "relations", "stories", "positions", "outlets")


def _json_list(value: str | None) -> list[Any]:
    return json.loads(value) if value else []


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def build_bundle(store: Store, *, include_superseded: bool = False) -> dict[str, Any]:
    """Read the whole analysis from ``store`` as a bundle dict (BUNDLE.md, version 1).

    Args:
        store: an open store.
        include_superseded: also list documents replaced by a newer version of their file.
    """
    where = "" if include_superseded else "WHERE superseded_by IS NULL"
    docs = store.query(f"SELECT * FROM documents {where} ORDER BY seq")
    flags: dict[str, list[dict[str, Any]]] = {}
    for row in store.query("SELECT * FROM flags ORDER BY doc_id, kind"):
        flags.setdefault(row["doc_id"], []).append(
            {
                "kind": row["kind"],
                "score": row["score"],
                "evidence": _json_list(row["evidence"]),
                "spans": [list(s) for s in _json_list(row["spans"])],
            }
        )
    documents = [
        {
            "id": d["id"],
            "source": d["source"],
            "title": d["title"],
            "outlet": d["outlet"],
            "author": d["author"],
            "url": d["url"],
            "language": d["language"],
            "published": {
                "value": _iso(d["published_value"]),
                "earliest": _iso(d["published_earliest"]),
                "latest": _iso(d["published_latest"]),
                "basis": d["published_basis"] or "unknown",
                "evidence": _json_list(d["published_evidence"]),
            },
            "text": d["text"],
            "removed": _json_list(d["removed"]),
            "duplicate_of": d["duplicate_of"],
            "story": d["story"],
            "superseded_by": d["superseded_by"],
            "flags": flags.get(d["id"], []),
        }
        for d in docs
    ]
    entities = [
        {
            "id": e["id"],
            "name": e["name"],
            "kind": e["kind"],
            "aliases": _json_list(e["aliases"]),
            "kb_id": e["kb_id"],
            "part_of": e["part_of"],
        }
        for e in store.query("SELECT * FROM entities ORDER BY id")
    ]
    quotes = [
        {
            "id": q["id"],
            "doc": q["doc_id"],
            "text": q["text"],
            "start": q["start"],
            "end": q["end"],
            "speaker": q["speaker"],
            "speaker_entity": q["speaker_entity"],
            "speaker_span": [q["speaker_start"], q["speaker_end"]] if q["speaker_start"] is not None else None,
            "cue": q["cue"],
            "cue_class": q["cue_class"],
            "direct": q["direct"],
            "via": _json_list(q["via"]),
            "hedged": q["hedged"],
            "anonymous": q["anonymous"],
            "source_count": q["source_count"],
            "affiliation": q["affiliation"],
        }
        for q in store.query('SELECT * FROM quotes ORDER BY doc_id, "start", "end", id')
    ]
    claims = [
        {
            "id": c["id"],
            "doc": c["doc_id"],
            "actor": c["actor"],
            "actor_entity": c["actor_entity"],
            "statement": c["statement"],
            "text": c["text"],
            "polarity": c["polarity"],
            "modality": c["modality"],
            "attributed_to": c["attributed_to"],
            "via": _json_list(c["via"]),
            "date": c["date"],
            "start": c["start"],
            "end": c["end"],
            "predicate": c["predicate"],
            "object": c["object"],
            "checkworthiness": c["checkworthiness"],
        }
        for c in store.query('SELECT * FROM claims ORDER BY doc_id, "start", "end", id')
    ]
    relations = [
        {
            "kind": r["kind"],
            "a": r["a"],
            "b": r["b"],
            "evidence": _json_list(r["evidence"]),
            "explanation": r["explanation"],
            "score": r["score"],
        }
        for r in store.query("SELECT * FROM relations ORDER BY a, b, kind")
    ]
    positions = [json.loads(p["data"]) for p in store.query("SELECT data FROM positions ORDER BY actor, topic, data")]
    members: dict[str, list[str]] = {}
    for d in documents:
        if d["story"]:
            members.setdefault(d["story"], []).append(d["id"])
    stories = [
        {
            "id": s["id"],
            "title": s["title"],
            "documents": members.get(s["id"], []),
            "start": s["start"],
            "end": s["end"],
        }
        for s in store.query("SELECT * FROM stories ORDER BY id")
    ]
    return {
        "version": BUNDLE_VERSION,
        "documents": documents,
        "entities": entities,
        "quotes": quotes,
        "claims": claims,
        "relations": relations,
        "stories": stories,
        "positions": positions,
        "outlets": outlet_profiles(documents, quotes=quotes, claims=claims, relations=relations),
    }


def export(
    db: str | os.PathLike[str],
    *,
    fmt: str = "json",
    out: str | os.PathLike[str] | None = None,
    stream: TextIO | None = None,
) -> Path | None:
    """Export the analysis in ``db``.

    Args:
        db: the database file.
        fmt: "json" (one bundle object), "jsonl" (one record per line, each with a "type"),
            "csv" or "parquet" (a folder with one file per section).
        out: the output file (json, jsonl) or folder (csv, parquet); None writes json/jsonl to ``stream``.
        stream: where json/jsonl go when ``out`` is None (default stdout).

    Raises:
        ExportError: unknown format, missing output folder for csv/parquet, or a failed write.
        StoreError: the database is missing or corrupt, or its last analyze run did not finish.
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    with Store(db, read_only=True) as store:
        store.require_complete()
        bundle = build_bundle(store)
    if fmt in ("csv", "parquet"):
        if out is None:
            raise ExportError(f"--format {fmt} writes one file per section: give an output folder with -o")
        return _write_tables(bundle, Path(out), fmt=fmt)
    if out is None:
        target = stream or sys.stdout
        for chunk in _serialise(bundle, fmt):
            target.write(chunk)
        target.flush()
        return None
    path = Path(out)
    atomic_write(path, lambda fh: [fh.write(chunk) for chunk in _serialise(bundle, fmt)])
    return path


def _serialise(bundle: dict[str, Any], fmt: str) -> Iterator[str]:
    if fmt == "json":
        yield json.dumps(bundle, ensure_ascii=False, indent=1)
        yield "\n"
        return
    yield json.dumps({"type": "bundle", "version": bundle["version"]}) + "\n"
    kinds = {
        "documents": "document",
        "entities": "entity",
        "quotes": "quote",
        "claims": "claim",
        "relations": "relation",
        "stories": "story",
        "positions": "position",
        "outlets": "outlet",
    }
    for section in SECTIONS:
        kind = kinds[section]
        for record in bundle[section]:
            yield json.dumps({"type": kind, **record}, ensure_ascii=False) + "\n"


def atomic_write(path: Path, write: Any) -> None:
    """Write via a temporary file in the same folder, then rename into place."""
    if not path.parent.exists():
        raise ExportError(f"output folder {path.parent} does not exist; create it first")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        _public_mode(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        _unlink_quietly(tmp)
        raise ExportError(
            f"cannot write {path}: {exc.strerror or exc}; free disk space or choose another path"
        ) from exc
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _public_mode(path: str) -> None:
    """Give a finished temporary file the permissions a plain ``open`` would (mkstemp makes it 0600)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _flat(value: Any) -> Any:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _write_tables(bundle: dict[str, Any], folder: Path, *, fmt: str) -> Path:
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create output folder {folder}: {exc.strerror or exc}") from exc
    # Every section is written to a temporary file first and renamed into place only once all of
    # them are written, so a full disk leaves the folder as it was rather than half-updated.
    staged: list[tuple[str, Path]] = []
    try:
        for section in SECTIONS:
            rows = [{k: _flat(v) for k, v in record.items()} for record in bundle[section]]
            target = folder / f"{section}.{fmt}"
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
            staged.append((tmp, target))
            if fmt == "csv":
                with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                    if rows:
                        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
                        writer.writeheader()
                        writer.writerows(rows)
                    fh.flush()
                    os.fsync(fh.fileno())
            else:
                os.close(fd)
                _write_parquet(rows, Path(tmp))
        for tmp, target in staged:
            _public_mode(tmp)
            os.replace(tmp, target)
    except OSError as exc:
        for tmp, _ in staged:
            _unlink_quietly(tmp)
        if created:
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise ExportError(
            f"cannot write {fmt} files into {folder}: {exc.strerror or exc}; free disk space or choose another path"
        ) from exc
    except BaseException:
        for tmp, _ in staged:
            _unlink_quietly(tmp)
        raise
    return folder


def _write_parquet(rows: list[dict[str, Any]], target: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(rows) if rows else pa.table({})
    pq.write_table(table, str(target))
