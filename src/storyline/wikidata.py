"""Import actors and dated offices from a Wikidata JSON dump subset into the project's KB format.

The dump is Wikidata's ``latest-all.json`` layout: one entity per line, optionally inside a JSON
array whose lines end in commas, optionally gzip- or bzip2-compressed. Humans, organisations
(outlets and news agencies included) and countries are kept with their English label and aliases;
humans keep their "position held" (P39) statements with start (P580), end (P582) and "of" (P642)
qualifiers. Labels of the offices and places they point to are read in a second pass over the
same file. The output is a ``{"actors": [...]}`` file that :func:`storyline.kb.load_kb` layers
on top of the shipped knowledge base (see :mod:`storyline.kb`).
"""

from __future__ import annotations

import bz2
import gzip
import json
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

__all__ = ["import_wikidata", "iter_entities"]

HUMAN = "Q5"
#: Instance-of classes kept as countries.
COUNTRY_CLASSES = frozenset({"Q6256", "Q3624078", "Q3024240", "Q7275"})
#: Instance-of classes kept as news outlets and agencies.
OUTLET_CLASSES = frozenset({"Q11032", "Q1153191", "Q41298", "Q1002697", "Q1616075", "Q15265344", "Q1110794"})
AGENCY_CLASSES = frozenset({"Q192283"})
#: Instance-of classes kept as organisations.
ORG_CLASSES = frozenset(
    {
        "Q43229",  # organization
        "Q4830453",  # business
        "Q783794",  # company
        "Q7210356",  # political organization
        "Q7278",  # political party
        "Q327333",  # government agency
        "Q2659904",  # government organization
        "Q484652",  # international organization
        "Q163740",  # nonprofit organization
        "Q245065",  # intergovernmental organization
        "Q17149090",  # armed organization
        "Q15911314",  # association
    }
)

_P_INSTANCE = "P31"
_P_POSITION = "P39"
_P_START = "P580"
_P_END = "P582"
_P_OF = "P642"
_P_JURISDICTION = "P1001"
_P_CITIZEN = "P27"
_P_COUNTRY = "P17"


@dataclass(slots=True)
class _Spell:
    position: str
    start: str
    end: str | None
    of: str | None


@dataclass(slots=True)
class _Kept:
    qid: str
    name: str
    kind: str
    aliases: list[str]
    country: str | None
    spells: list[_Spell] = field(default_factory=list)


def _open(path: Path) -> IO[str]:
    if path.suffix == ".gz":
        return gzip.open(path, "rt", encoding="utf-8")
    if path.suffix == ".bz2":
        return bz2.open(path, "rt", encoding="utf-8")
    return path.open("r", encoding="utf-8")


def iter_entities(dump_path: Path) -> Iterator[dict[str, Any]]:
    """The entities of a dump, one dict each, skipping the array brackets and blank lines.

    Args:
        dump_path: a ``.json``, ``.json.gz`` or ``.json.bz2`` dump (or a subset of one).
    """
    with _open(Path(dump_path)) as fh:
        for line in fh:
            s = line.strip().rstrip(",")
            if s in ("", "[", "]"):
                continue
            if s.startswith("[") and s.endswith("]"):  # a whole array on one line
                yield from (e for e in json.loads(s) if isinstance(e, dict))
                continue
            s = s.removeprefix("[").removesuffix("]").rstrip(",")
            obj = json.loads(s)
            if isinstance(obj, dict):
                yield obj


def _en(values: dict[str, Any] | list[Any] | None) -> str | None:
    if not isinstance(values, dict):
        return None
    for lang in ("en", "en-gb", "en-us", "mul"):
        v = values.get(lang)
        if isinstance(v, dict) and v.get("value"):
            return str(v["value"])
    return None


def _en_aliases(values: dict[str, Any] | list[Any] | None) -> list[str]:
    if not isinstance(values, dict):
        return []
    out: list[str] = []
    for lang in ("en", "en-gb", "en-us"):
        for v in values.get(lang, ()):
            if isinstance(v, dict) and v.get("value") and v["value"] not in out:
                out.append(str(v["value"]))
    return out


def _snak_item(snak: dict[str, Any]) -> str | None:
    if snak.get("snaktype") != "value":
        return None
    value = (snak.get("datavalue") or {}).get("value")
    if isinstance(value, dict) and value.get("id"):
        return str(value["id"])
    if isinstance(value, dict) and value.get("numeric-id") is not None:
        return f"Q{value['numeric-id']}"
    return None


def _snak_day(snak: dict[str, Any]) -> str | None:
    """An ISO day for a time snak; month or year precision falls on the first day."""
    if snak.get("snaktype") != "value":
        return None
    value = (snak.get("datavalue") or {}).get("value")
    if not isinstance(value, dict):
        return None
    m = re.match(r"^\+(\d{4})-(\d{2})-(\d{2})", str(value.get("time", "")))
    if not m:
        return None  # BCE or malformed
    year, month, day = m.groups()
    precision = int(value.get("precision", 11))
    if precision < 9:
        return None  # decade or coarser: not a usable bound
    if precision == 9 or month == "00":
        month, day = "01", "01"
    elif precision == 10 or day == "00":
        day = "01"
    return f"{year}-{month}-{day}"


def _statements(entity: dict[str, Any], prop: str) -> list[dict[str, Any]]:
    claims = entity.get("claims") or {}
    out = claims.get(prop, []) if isinstance(claims, dict) else []
    return [s for s in out if isinstance(s, dict) and s.get("rank") != "deprecated"]


def _items(entity: dict[str, Any], prop: str) -> list[str]:
    return [q for s in _statements(entity, prop) if (q := _snak_item(s.get("mainsnak") or {}))]


def _qualifier(statement: dict[str, Any], prop: str, *, day: bool) -> str | None:
    for snak in (statement.get("qualifiers") or {}).get(prop, ()):
        value = _snak_day(snak) if day else _snak_item(snak)
        if value:
            return value
    return None


def _kind(classes: set[str]) -> str | None:
    if HUMAN in classes:
        return "person"
    if classes & COUNTRY_CLASSES:
        return "country"
    if classes & AGENCY_CLASSES:
        return "agency"
    if classes & OUTLET_CLASSES:
        return "outlet"
    if classes & ORG_CLASSES:
        return "org"
    return None


def _slug(name: str) -> str:
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-") or "actor"


def _role_and_of(position: str, of: str | None) -> tuple[str, str]:
    """Split an office label into the KB's role and "of" ("President of the United States")."""
    role = position
    if of:
        # "United States Secretary of Defense" with jurisdiction "United States"
        role = re.sub(rf"(?i)\s*\bof\s+(the\s+)?{re.escape(of)}\b", "", role)
        role = re.sub(rf"(?i)^{re.escape(of)}\s+", "", role)
        return role.strip().lower(), of
    return role.strip().lower(), ""


def import_wikidata(dump_path: Path, *, out: Path) -> int:
    """Read a Wikidata dump subset and write the kept actors as a KB JSON file.

    Args:
        dump_path: the dump (``.json``, ``.json.gz`` or ``.json.bz2``; one entity per line).
        out: where to write the KB file (``{"actors": [...]}``).

    Returns:
        The number of actors written.
    """
    dump_path = Path(dump_path)
    kept: list[_Kept] = []
    needed: set[str] = set()
    labels: dict[str, str] = {}
    for entity in iter_entities(dump_path):
        kind = _kind(set(_items(entity, _P_INSTANCE)))
        label = _en(entity.get("labels"))
        if kind is None or not label or entity.get("type", "item") != "item":
            continue
        qid = str(entity.get("id", ""))
        labels[qid] = label
        countries = _items(entity, _P_CITIZEN if kind == "person" else _P_COUNTRY)
        actor = _Kept(qid, label, kind, _en_aliases(entity.get("aliases")), countries[0] if countries else None)
        if actor.country:
            needed.add(actor.country)
        if kind == "person":
            for st in _statements(entity, _P_POSITION):
                position = _snak_item(st.get("mainsnak") or {})
                start = _qualifier(st, _P_START, day=True)
                if position is None or start is None:
                    continue  # an office with no start date cannot date anything
                spell = _Spell(position, start, _qualifier(st, _P_END, day=True), _qualifier(st, _P_OF, day=False))
                actor.spells.append(spell)
                needed.add(position)
                if spell.of:
                    needed.add(spell.of)
        kept.append(actor)
    # Offices and places are not kept themselves: later passes read just the labels (and the
    # office's jurisdiction, P1001) of those the kept actors point to, so memory stays small.
    jurisdiction: dict[str, str] = {}
    for _ in range(2):
        missing = {q for q in needed if q not in labels}
        if not missing:
            break
        for entity in iter_entities(dump_path):
            qid = str(entity.get("id", ""))
            if qid not in missing:
                continue
            label = _en(entity.get("labels"))
            if label:
                labels[qid] = label
            for q in _items(entity, _P_JURISDICTION)[:1]:
                jurisdiction[qid] = q
                needed.add(q)
    actors = []
    ids: set[str] = set()
    for a in kept:
        slug = _slug(a.name)
        if slug in ids:
            slug = f"{slug}-{a.qid.lower()}"
        ids.add(slug)
        roles = []
        for sp in a.spells:
            of_q = sp.of or jurisdiction.get(sp.position)
            of_label = labels.get(of_q) if of_q else None
            role, of = _role_and_of(labels.get(sp.position, sp.position), of_label)
            roles.append({"role": role, "of": of, "start": sp.start, "end": sp.end})
        actors.append(
            {
                "id": slug,
                "name": a.name,
                "kind": a.kind,
                "aliases": [x for x in a.aliases if x != a.name],
                "country": labels.get(a.country) if a.country else None,
                "roles": sorted(roles, key=lambda r: str(r["start"])),
                "wikidata": a.qid,
            }
        )
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {"description": f"Imported from Wikidata dump {dump_path.name}", "actors": actors}
    out.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return len(actors)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``python -m storyline.wikidata DUMP OUT``."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m storyline.wikidata DUMP OUT", file=sys.stderr)
        return 2
    n = import_wikidata(Path(args[0]), out=Path(args[1]))
    print(f"wrote {n} actors to {args[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
