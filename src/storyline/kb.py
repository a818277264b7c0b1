"""A small dated knowledge base of actors: office holders, outlets, organisations and dated terms.

The shipped files live in ``storyline/data/kb/*.json`` and are written from public facts. Each file
holds one JSON object::

    {"actors": [
        {"id": "barack-obama", "name": "Barack Obama", "kind": "person",
         "aliases": ["Obama"], "country": "United States", "born": "1961-08-04",
         "roles": [{"role": "president", "of": "United States",
                    "start": "2009-01-20", "end": "2017-01-20"}]}
    ]}

``kind`` is one of person, org, country, outlet, agency, term or event. ``roles`` are dated spells:
``start`` and ``end`` are ISO dates, ``end`` is null while the spell lasts. Outlets and agencies carry
one "news organisation" role whose ``of`` is their home country; organisations, countries, terms and
events carry one "exists" role bounding when a text can speak of them as current. ``born`` (optional,
people only) is the birth date, used to read ages ("Obama, 54,"). Extra files in the
same format can be layered on top with ``load_kb(extra=[...])``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

__all__ = ["Actor", "KnowledgeBase", "Role", "load_kb", "normalise_name"]


@dataclass(frozen=True, slots=True)
class Role:
    """A dated spell in a role.

    Args:
        role: the office or function in lower case ("president", "secretary of state").
        of: what the role is of ("United States", "NATO").
        start: first day in the role.
        end: day the spell ended (the successor's first day), or None while it lasts.
    """

    role: str
    of: str
    start: dt.date
    end: dt.date | None = None

    def holds_on(self, day: dt.date) -> bool:
        """Whether the spell covers ``day`` (start inclusive, end exclusive)."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, organisation, outlet, country or dated term.

    Args:
        id: stable slug.
        name: canonical name.
        kind: person, org, country, outlet, agency, term or event.
        aliases: other names it goes by.
        country: home country, when it has one.
        roles: dated roles.
        born: birth date, when known.
    """

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    country: str | None = None
    roles: tuple[Role, ...] = ()
    born: dt.date | None = None


#: Generational suffixes after a person's name, in `normalise_name` form.
NAME_SUFFIXES = frozenset(("jr", "sr", "ii", "iii", "iv"))


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Lower-case, accent-free, punctuation-light form used for lookups (cached: names recur).

    Args:
        name: a name as written.
    """
    s = unicodedata.normalize("NFKD", name.replace("’", "'")).encode("ascii", "ignore").decode().lower()
    s = re.sub(r"\b([a-z])\.\s*(?=[a-z]\.)", r"\1", s)  # "J.D." and "J. D." -> "jd."
    s = re.sub(r"[^a-z0-9' -]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


class KnowledgeBase:
    """Actors indexed by name, with dated role lookups.

    Args:
        actors: the actors; later ones with the same id replace earlier ones.
    """

    def __init__(self, actors: Sequence[Actor]) -> None:
        self._by_id: dict[str, Actor] = {}
        for a in actors:
            self._by_id[a.id] = a
        self._by_name: dict[str, list[Actor]] = {}
        for a in self._by_id.values():
            for n in {a.name, *a.aliases}:
                bucket = self._by_name.setdefault(normalise_name(n), [])
                if a not in bucket:
                    bucket.append(a)

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Actor]:
        return iter(self._by_id.values())

    def get(self, actor_id: str) -> Actor | None:
        """The actor with this id, or None."""
        return self._by_id.get(actor_id)

    def names(self) -> list[str]:
        """Every normalised name and alias in the index."""
        return list(self._by_name)

    def find(self, name: str) -> list[Actor]:
        """Actors whose name or alias matches ``name`` (case- and accent-insensitive).

        Args:
            name: a name as written ("Obama", "Barack Obama", "Zelenskyy").
        """
        norm = normalise_name(name)
        found = self._by_name.get(norm)
        if found is None:
            # "Charles Q. Brown Jr." is the KB's "Charles Q. Brown" unless the KB lists the suffix
            words = norm.split()
            while len(words) > 2 and words[-1] in NAME_SUFFIXES:
                words.pop()
            found = self._by_name.get(" ".join(words))
        return list(found or ())

    def terms(self, actor_id: str, *, role: str | None = None) -> list[Role]:
        """The dated roles of an actor, in start order.

        Args:
            actor_id: the actor's id.
            role: keep only this role (lower case), when given.
        """
        a = self._by_id.get(actor_id)
        if a is None:
            return []
        out = [r for r in a.roles if role is None or r.role == role.lower()]
        return sorted(out, key=lambda r: r.start)

    def holders(self, role: str, of: str, on: dt.date) -> list[Actor]:
        """Who held ``role`` of ``of`` on the day ``on``.

        Args:
            role: the role, any case ("Secretary of Defense").
            of: what it is of ("United States").
            on: the day.
        """
        want_role, want_of = role.lower().strip(), normalise_name(of)
        found = []
        for a in self._by_id.values():
            for r in a.roles:
                if r.role == want_role and normalise_name(r.of) == want_of and r.holds_on(on):
                    found.append(a)
                    break
        return found


def _parse_day(value: object) -> dt.date | None:
    if value in (None, ""):
        return None
    return dt.date.fromisoformat(str(value)[:10])


def _read_actors(raw: str) -> list[Actor]:
    data = json.loads(raw)
    actors = []
    for item in data.get("actors", []):
        roles = []
        for r in item.get("roles", []):
            start = _parse_day(r.get("start"))
            if start is None:
                continue
            roles.append(Role(str(r["role"]).lower(), str(r.get("of") or ""), start, _parse_day(r.get("end"))))
        actors.append(
            Actor(
                id=str(item["id"]),
                name=str(item["name"]),
                kind=str(item.get("kind", "person")),
                aliases=tuple(str(x) for x in item.get("aliases", ())),
                country=item.get("country"),
                roles=tuple(roles),
                born=_parse_day(item.get("born")),
            )
        )
    return actors


@lru_cache(maxsize=8)
def _load(extra: tuple[str, ...]) -> KnowledgeBase:
    actors: list[Actor] = []
    folder = resources.files("storyline").joinpath("data", "kb")
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.name.endswith(".json"):
            actors.extend(_read_actors(entry.read_text(encoding="utf-8")))
    for path in extra:
        actors.extend(_read_actors(Path(path).read_text(encoding="utf-8")))
    return KnowledgeBase(actors)


def load_kb(extra: Sequence[Path | str] = ()) -> KnowledgeBase:
    """The shipped knowledge base, plus extra files in the same format (cached per process).

    Args:
        extra: paths of more KB files; their actors replace shipped ones with the same id.
    """
    return _load(tuple(str(p) for p in extra))
