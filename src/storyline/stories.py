"""Incremental story clustering: new documents join existing stories without re-clustering.

Each story keeps a centroid embedding, a bag of entity and place names and its date span. A new
document joins the story it resembles most (centroid cosine, plus name overlap, minus a small
penalty for distance in time) when that resemblance clears `JOIN_THRESHOLD`; otherwise it starts a
new story. Documents of a batch are taken in date order, and each updates its story at once, so a
batch can form stories of its own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

#: Least resemblance for a document to join an existing story.
JOIN_THRESHOLD = 0.45
#: Least resemblance (centroid cosine plus name overlap) for two stories to merge.
MERGE_THRESHOLD = 0.5
#: Weight of name overlap (Jaccard of entity/place names with the story's frequent names).
NAME_WEIGHT = 0.4
#: Resemblance lost per 30 days between a document and a story's span, capped at `MAX_TIME_PENALTY`.
TIME_PENALTY_PER_MONTH = 0.01
MAX_TIME_PENALTY = 0.1
#: Members whose closeness to the centroid is within this of the best tie for the title.
TITLE_TIE = 1e-4


@dataclass(slots=True)
class StoryDoc:
    """A document as story clustering sees it.

    Args:
        id: document id.
        title: headline, when known.
        date: publication date, when known.
        embedding: unit-length vector of the headline and lead.
        names: entity and place names the document mentions.
    """

    id: str
    title: str | None
    date: dt.date | None
    embedding: np.ndarray
    names: frozenset[str] = frozenset()


@dataclass(slots=True)
class Story:
    """A group of documents about one unfolding event.

    Args:
        id: stable id (derived from the document that started the story).
        title: headline of the member closest to the centroid.
        start: earliest member date.
        end: latest member date.
        documents: member document ids, in the order they joined.
        centroid: sum of member embeddings (normalise before comparing).
        names: how many members mention each name.
        titles: member id -> headline, to choose the story title.
        vectors: member id -> embedding, to choose the story title.
    """

    id: str
    title: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    documents: list[str] = field(default_factory=list)
    centroid: np.ndarray | None = None
    names: Counter[str] = field(default_factory=Counter)
    titles: dict[str, str] = field(default_factory=dict)
    vectors: dict[str, np.ndarray] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form with the bundle's story fields."""
        return {
            "id": self.id,
            "title": self.title,
            "documents": list(self.documents),
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }


def story_id(doc_id: str) -> str:
    """Stable id of a story started by ``doc_id``.

    Args:
        doc_id: the id of the story's first document.
    """
    return "s" + hashlib.sha1(doc_id.encode()).hexdigest()[:10]


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n else v


class _Features:
    """Each story's unit centroid and frequent names, worked out once per state of the story.

    A story changes only by gaining members, so its size tells a stale entry from a current one;
    without this, every comparison rebuilt both from the story's name counts.
    """

    def __init__(self) -> None:
        self._by_story: dict[str, tuple[int, np.ndarray, frozenset[str]]] = {}

    def of(self, story: Story) -> tuple[np.ndarray, frozenset[str]]:
        """(unit centroid, names mentioned by more than one member, or all of a one-member story's).

        Args:
            story: a story with a centroid.
        """
        assert story.centroid is not None
        size = len(story.documents)
        hit = self._by_story.get(story.id)
        if hit is None or hit[0] != size:
            common = frozenset(n for n, k in story.names.items() if k >= 2 or size == 1)
            hit = (size, _unit(story.centroid), common)
            self._by_story[story.id] = hit
        return hit[1], hit[2]

    def forget(self, story: Story) -> None:
        """Drop a story that was merged away (its id may not come back with other members)."""
        self._by_story.pop(story.id, None)


#: Slack on the reach test of `_best_reaching`: a matrix product and a dot product of the same
#: vectors may differ in the last bits.
_REACH_SLACK = 1e-6


class _Centroids:
    """The stories' unit centroids as one matrix, rows in story order, so a document is compared
    with every story in one product.

    Args:
        stories: the stories, in the order their rows take.
        features: the per-story cache the rows come from.
        capacity: rows to reserve (stories to come included).
        dim: vector width.
    """

    def __init__(self, stories: Sequence[Story], features: _Features, *, capacity: int, dim: int) -> None:
        self._features = features
        self._rows: dict[str, int] = {}
        self._matrix = np.zeros((max(capacity, len(stories), 1), dim), dtype=np.float32)
        self._live = np.zeros(len(self._matrix), dtype=bool)
        self._names = np.zeros(len(self._matrix), dtype=np.float64)
        for story in stories:
            self.update(story)

    def update(self, story: Story) -> None:
        """Set the row of ``story`` (a new story gets the next row).

        Args:
            story: a story that changed or is new.
        """
        row = self._rows.setdefault(story.id, len(self._rows))
        if row >= len(self._matrix):
            self._matrix = np.vstack([self._matrix, np.zeros_like(self._matrix)])
            self._live = np.concatenate([self._live, np.zeros_like(self._live)])
            self._names = np.concatenate([self._names, np.zeros_like(self._names)])
        if story.centroid is not None:
            centroid, names = self._features.of(story)
            self._matrix[row] = centroid
            self._live[row] = True
            self._names[row] = len(names)

    def cosines(self, unit: np.ndarray) -> np.ndarray:
        """Cosine of ``unit`` with each story's centroid, in story order; -inf for a story without one.

        Args:
            unit: a unit vector.
        """
        n = len(self._rows)
        return np.where(self._live[:n], self._matrix[:n] @ unit, -np.inf)

    def name_reach(self, names: int) -> np.ndarray:
        """The most the name term can add for each story, given how many names the other side has.

        The overlap of two name sets is at most the smaller size over the larger.

        Args:
            names: the size of the other side's name set.
        """
        sizes = self._names[: len(self._rows)]
        if not names:
            return np.zeros_like(sizes)
        return np.asarray(NAME_WEIGHT * np.minimum(sizes, names) / np.maximum(sizes, names))


def _width(docs: Sequence[StoryDoc], stories: Sequence[Story]) -> int:
    """The width of the vectors in play (1 when there are none)."""
    for story in stories:
        if story.centroid is not None:
            return len(story.centroid)
    return len(docs[0].embedding) if docs else 1


def _best_reaching(
    stories: Sequence[Story],
    cosines: np.ndarray,
    *,
    reach: np.ndarray,
    threshold: float,
    score: Callable[[Story], float],
) -> tuple[float, Story] | None:
    """The best-scoring story (the first on ties) among those that could score ``threshold``.

    A score is a cosine plus at most ``reach``, less a penalty, so a story whose cosine falls short
    of ``threshold - reach`` cannot reach it; when no story reaches it, which one is best does
    not matter.

    Args:
        stories: the candidates, in the order of ``cosines``.
        cosines: each story's centroid cosine.
        reach: the most the rest of the score can add to each story's cosine.
        threshold: the score that matters.
        score: the exact score of a story.
    """
    best: tuple[float, Story] | None = None
    for k in np.flatnonzero(cosines + reach >= threshold - _REACH_SLACK):
        story = stories[int(k)]
        value = score(story)
        if best is None or value > best[0]:
            best = (value, story)
    return best


def _resemblance(doc: StoryDoc, unit: np.ndarray, story: Story, features: _Features) -> float:
    centroid, common = features.of(story)
    cos = float(unit @ centroid)
    overlap = len(doc.names & common) / len(doc.names | common) if doc.names and common else 0.0
    penalty = 0.0
    if doc.date and story.start and story.end:
        gap = max((story.start - doc.date).days, (doc.date - story.end).days, 0)
        penalty = min(MAX_TIME_PENALTY, TIME_PENALTY_PER_MONTH * gap / 30)
    return cos + NAME_WEIGHT * overlap - penalty


def _add(story: Story, doc: StoryDoc) -> None:
    """Add ``doc`` to ``story`` (the title is chosen once all members are in, by `_retitle`)."""
    story.documents.append(doc.id)
    vec = _unit(np.asarray(doc.embedding, dtype=np.float32))
    story.centroid = vec.copy() if story.centroid is None else story.centroid + vec
    story.names.update(doc.names)
    story.vectors[doc.id] = vec
    if doc.title:
        story.titles[doc.id] = doc.title
    if doc.date:
        story.start = min(story.start or doc.date, doc.date)
        story.end = max(story.end or doc.date, doc.date)


def _retitle(story: Story) -> None:
    """Title the story with the headline of the member closest to its centroid (first on ties)."""
    if story.centroid is None:
        return
    titled = [d for d in story.documents if d in story.titles]
    if titled:
        scores = np.stack([story.vectors[d] for d in titled]) @ _unit(story.centroid)
        # Two members are always equally close to their centroid: within float noise (which differs
        # between processes and batch shapes) the first member wins, so every engine picks alike.
        best = int(np.flatnonzero(scores >= scores.max() - TITLE_TIE)[0])
        story.title = story.titles[titled[best]]


def assign_stories(
    new_docs: Sequence[StoryDoc],
    existing: Sequence[Story] = (),
    *,
    threshold: float = JOIN_THRESHOLD,
) -> tuple[dict[str, str], list[Story]]:
    """Put each new document into an existing story or a new one.

    Args:
        new_docs: the documents to place (any order; taken by date, undated last).
        existing: stories from earlier runs; they are updated in place and returned.
        threshold: least resemblance for joining a story.

    Returns:
        (document id -> story id, all stories).
    """
    stories = list(existing)
    placed = {d: s.id for s in stories for d in s.documents}
    assignments: dict[str, str] = {}
    features = _Features()
    order = sorted(new_docs, key=lambda d: (d.date is None, d.date or dt.date.min, d.id))
    taken = {s.id for s in stories}
    # Unit centroids, one row per story in list order (rows of stories without one stay out of reach).
    units = _Centroids(stories, features, capacity=len(stories) + len(order), dim=_width(order, stories))
    for doc in order:
        if doc.id in placed:
            assignments[doc.id] = placed[doc.id]
            continue
        unit = _unit(np.asarray(doc.embedding, dtype=np.float32))
        best = _best_reaching(
            stories,
            units.cosines(unit),
            reach=units.name_reach(len(doc.names)),
            threshold=threshold,
            score=partial(_resemblance, doc, unit, features=features),
        )
        if best is not None and best[0] >= threshold:
            story = best[1]
        else:
            sid = story_id(doc.id)
            while sid in taken:
                sid = story_id(sid)
            taken.add(sid)
            story = Story(id=sid)
            stories.append(story)
        _add(story, doc)
        units.update(story)
        placed[doc.id] = story.id
        assignments[doc.id] = story.id
    touched = set(assignments.values())
    for story in stories:
        if story.id in touched:
            _retitle(story)
    stories = _merge_touched(stories, touched, threshold=MERGE_THRESHOLD, features=features)
    final = {d: s.id for s in stories for d in s.documents}
    return {d: final[d] for d in assignments}, stories


def _story_resemblance(a: Story, b: Story, features: _Features) -> float:
    """Centroid cosine plus overlap of the names both stories mention often."""
    ca, na = features.of(a)
    cb, nb = features.of(b)
    cos = float(ca @ cb)
    overlap = len(na & nb) / len(na | nb) if na and nb else 0.0
    return cos + NAME_WEIGHT * overlap


def _merge_touched(stories: list[Story], touched: set[str], *, threshold: float, features: _Features) -> list[Story]:
    """Merge stories this batch touched into any story they now clearly belong with.

    Early documents of one story can start separate stories (a dam filling, then a border
    shooting) that only their later members tie together; the older story keeps its id.
    """
    merged = True
    while merged:
        merged = False
        units = _Centroids(stories, features, capacity=len(stories), dim=_width((), stories))
        for row, a in [(k, s) for k, s in enumerate(stories) if s.id in touched]:
            if a.centroid is None:
                continue
            centroid, names = features.of(a)
            cosines = units.cosines(centroid)
            cosines[row] = -np.inf
            best = _best_reaching(
                stories,
                cosines,
                reach=units.name_reach(len(names)),
                threshold=threshold,
                score=partial(_story_resemblance, a, features=features),
            )
            if best is None or best[0] < threshold:
                continue
            b = best[1]
            keep, drop = (a, b) if (a.start or dt.date.max) <= (b.start or dt.date.max) else (b, a)
            for d in drop.documents:
                keep.documents.append(d)
                keep.vectors[d] = drop.vectors[d]
                if d in drop.titles:
                    keep.titles[d] = drop.titles[d]
            assert keep.centroid is not None and drop.centroid is not None
            keep.centroid = keep.centroid + drop.centroid
            keep.names.update(drop.names)
            keep.start = min((x for x in (keep.start, drop.start) if x), default=None)
            keep.end = max((x for x in (keep.end, drop.end) if x), default=None)
            _retitle(keep)
            stories.remove(drop)
            features.forget(drop)
            touched.add(keep.id)
            merged = True
            break
    return stories


_NAME = re.compile(r"\b[A-Z][a-z]+(?:[ -][A-Z][a-z]+)*\b")
_NOT_NAMES = frozenset(
    str.split(
        "The A An In On At For And But If It This That He She They We I His Her Their Our "
        "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April "
        "May June July August September October November December"
    )
)


def names_of(text: str) -> frozenset[str]:
    """Capitalised names in a text (a cheap stand-in for entity linking), lowercased.

    Args:
        text: any text.
    """
    found = set()
    for m in _NAME.finditer(text):
        words = [w for w in re.split(r"[ -]", m.group(0)) if w not in _NOT_NAMES]
        if words:
            found.add(" ".join(words).lower())
    return frozenset(found)


def story_docs(
    items: Sequence[tuple[str, str | None, str, dt.date | None]],
    *,
    lead_chars: int = 600,
) -> list[StoryDoc]:
    """`StoryDoc` records for (id, title, text, date) tuples: MiniLM vectors of headline and lead.

    Args:
        items: (document id, title, cleaned text, publication date).
        lead_chars: how much of the body's start is embedded with the headline.
    """
    from storyline.embed import embed

    texts = [f"{title or ''}. {text[:lead_chars]}" for _, title, text, _ in items]
    vecs = embed(texts)
    return [
        StoryDoc(id=i, title=t, date=d, embedding=vecs[k], names=names_of(text))
        for k, (i, t, text, d) in enumerate(items)
    ]


def rebuild_story(story_id_: str, members: Sequence[StoryDoc]) -> Story:
    """A stored story rebuilt from its members, in the order they joined.

    Args:
        story_id_: the story's stored id.
        members: its documents as `StoryDoc` records.
    """
    story = Story(id=story_id_)
    for doc in members:
        _add(story, doc)
    _retitle(story)
    return story
