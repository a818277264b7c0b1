"""Dating an undated article from the dated articles of its story (the last resort of the issue's list).

Two kinds of outside evidence are added to the article's own content clues:

* the span of the story: an article usually appears while its story is being reported, so the
  dated articles' first and last days (padded by ``SPAN_PAD`` days) bound it softly;
* shared events: "last Tuesday's talks in Port Selwyn" in the undated article and "the talks in
  Port Selwyn on April 15" in a dated one name the same event when the sentences share enough
  content words; the dated article gives the event's day (its year from that article's date), and a
  weekday that agrees with it places the undated article in the following week.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from storyline.dating import DateHint, estimate_date
from storyline.dating_rules import MON, WDAY
from storyline.records import DateEstimate

if TYPE_CHECKING:
    from storyline.store import Store

__all__ = ["StoryDated", "date_from_story", "redate_from_stories", "story_hints"]

SPAN_PAD = 30
#: How the story's span starts its evidence line (staleness reads the content's evidence without it).
SPAN_EVIDENCE = "its story's "
SPAN_P = 0.95
EVENT_P = 0.9
MIN_SHARED = 3
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}
_MDY = re.compile(rf"\b(?P<mon>{MON})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?")
_DMY = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<mon>{MON})\b(?:,?\s+(?P<year>(?:19|20)\d\d)\b)?")
_WEEKDAY_REF = re.compile(rf"\b(?P<last>[Ll]ast\s+|[Tt]his past\s+|[Oo]n\s+)?(?P<wd>{WDAY})(?:['’]s)?\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]{3,}")
_STOP = {
    "that", "this", "with", "from", "have", "were", "which", "their", "there", "they", "would", "said", "says",
    "about", "after", "before", "since", "when", "will", "been", "than", "into", "also", "last", "week",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "june", "july", "august", "september", "october", "november", "december", "ended",
    "without", "meant", "instead", "what", "while", "where", "over", "under", "more", "most", "some",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class StoryDated:
    """A dated article of the same story.

    Args:
        day: its publication date (stated or from metadata).
        text: its text.
        label: how to name it in evidence (title or source).
    """

    day: dt.date
    text: str
    label: str


def _sentences(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    pos = 0
    for part in re.split(r"(?<=[.!?])\s+|\n+", text):
        start = text.find(part, pos)
        if part.strip():
            out.append((start, part))
        pos = max(pos, start + len(part))
    return out


def _words(sentence: str) -> set[str]:
    return {w.lower().strip("'’") for w in _WORD.findall(sentence)} - _STOP


def _resolve(mon: int, day: int, year: str | None, ref: dt.date) -> dt.date | None:
    """The day a dated article means by "April 15": the latest such day not after it, unless a year is given."""
    try:
        if year:
            return dt.date(int(year), mon, day)
        d = dt.date(ref.year, mon, day)
        return d if d <= ref else dt.date(ref.year - 1, mon, day)
    except ValueError:
        return None


def _dated_events(others: Sequence[StoryDated]) -> list[tuple[dt.date, set[str], str]]:
    events: list[tuple[dt.date, set[str], str]] = []
    for o in others:
        # Most texts name no day of a month; a sentence's match is also one in the whole text.
        if not (_MDY.search(o.text) or _DMY.search(o.text)):
            continue
        for _, sent in _sentences(o.text):
            for rx in (_MDY, _DMY):
                for m in rx.finditer(sent):
                    d = _resolve(_MONTHS[m.group("mon")[:3].lower()], int(m.group("day")), m.group("year"), o.day)
                    if d is not None:
                        events.append((d, _words(sent), o.label))
    return events


def _events_to_json(events: Sequence[tuple[dt.date, set[str], str]]) -> str:
    """One document's `_dated_events` as stored (its label comes from the document row)."""
    return json.dumps([[d.isoformat(), sorted(words)] for d, words, _ in events])


def _events_from_json(raw: str, *, label: str) -> list[tuple[dt.date, set[str], str]]:
    return [(dt.date.fromisoformat(day), set(words), label) for day, words in json.loads(raw)]


class _EventIndex:
    """A story's dated events by weekday, with each word's events, for matching many undated articles.

    Args:
        events: (day, content words, label) of each dated event, in `_dated_events` order.
        others: the dated articles they come from, whose span is kept (one story's undated
            articles share it).
    """

    def __init__(self, events: Sequence[tuple[dt.date, set[str], str]], *, others: Sequence[StoryDated] = ()) -> None:
        days = [o.day for o in others]
        #: The first and last day of the dated articles the events come from (None: not given).
        self.span = (min(days), max(days)) if days else None
        self.events: list[list[tuple[dt.date, str]]] = [[] for _ in range(7)]
        words: list[dict[str, list[int]]] = [{} for _ in range(7)]
        for d, event_words, label in events:
            day_events = self.events[d.weekday()]
            for w in event_words:
                words[d.weekday()].setdefault(w, []).append(len(day_events))
            day_events.append((d, label))
        self.by_word = [{w: np.asarray(at, dtype=np.int64) for w, at in day.items()} for day in words]

    def best(self, weekday: int, words: set[str]) -> tuple[int, dt.date, str] | None:
        """The event on ``weekday`` sharing the most words (at least `MIN_SHARED`; ties: the first listed).

        Args:
            weekday: 0 for Monday.
            words: the content words of the undated article's sentence.
        """
        index = self.by_word[weekday]
        hits = [index[w] for w in words if w in index]
        if len(hits) < MIN_SHARED:
            return None
        shared = np.bincount(np.concatenate(hits), minlength=len(self.events[weekday]))
        top = int(np.argmax(shared))  # the first of the most shared
        if shared[top] < MIN_SHARED:
            return None
        d, label = self.events[weekday][top]
        return int(shared[top]), d, label


def story_hints(
    text: str,
    others: Sequence[StoryDated],
    *,
    events: Sequence[tuple[dt.date, set[str], str]] | _EventIndex | None = None,
) -> list[DateHint]:
    """Outside evidence for an undated article from the dated articles of its story.

    Args:
        text: the undated article's text.
        others: the story's dated articles.
        events: their dated events, when already read (one story's undated articles share them).
    """
    if not others:
        return []
    if isinstance(events, _EventIndex) and events.span is not None:
        first, last = events.span
    else:
        first, last = min(o.day for o in others), max(o.day for o in others)
    pad = dt.timedelta(days=SPAN_PAD)
    hints = [
        DateHint(
            earliest=first - pad,
            latest=last + pad,
            # No count of the articles: it would change the evidence of every undated member
            # whenever the story gains a dated article, and the estimate does not depend on it.
            reason=f"{SPAN_EVIDENCE}dated articles run from {first.isoformat()} to {last.isoformat()}",
            p=SPAN_P,
        )
    ]
    if not isinstance(events, _EventIndex):
        events = _EventIndex(_dated_events(others) if events is None else events)
    seen: set[dt.date] = set()
    for _, sent in _sentences(text):
        for m in _WEEKDAY_REF.finditer(sent):
            best = events.best(_WEEKDAYS.index(m.group("wd").lower()), _words(sent))
            if best is None or best[1] in seen:
                continue
            _, d, label = best
            seen.add(d)
            # "last Tuesday" is within the past week; a bare "Tuesday's talks" may also be this week's.
            lo = d + dt.timedelta(days=1)
            hi = d + dt.timedelta(days=7)
            hints.append(
                DateHint(
                    earliest=lo,
                    latest=hi,
                    reason=f"{m.group(0).strip()!r} in {sent.strip()[:80]!r} matches the event of "
                    f"{d.isoformat()} ({d:%A}) reported in {label!r}",
                    p=EVENT_P,
                )
            )
    return hints


def date_from_story(
    text: str,
    *,
    title: str | None,
    others: Sequence[StoryDated],
    events: Sequence[tuple[dt.date, set[str], str]] | _EventIndex | None = None,
) -> DateEstimate:
    """Date an undated article from its content together with the dated articles of its story.

    Args:
        text: the article text.
        title: its headline.
        others: the story's dated articles (the article itself excluded).
        events: the dated events of ``others``, when already read.
    """
    return estimate_date(text, title=title, hints=story_hints(text, others, events=events))


def redate_from_stories(store: Store, *, run_id: str | None = None, lost: Collection[str] = ()) -> int:
    """Re-date the stored undated documents of each story from the story's dated documents.

    Args:
        store: an open store whose stories are assigned.
        run_id: only stories that gained documents in this run (None: every story). An undated
            document's estimate depends on its own text and its story's dated documents alone, so the
            other stories' estimates stand as their earlier run left them. In a story that only
            gained documents, an older undated document is estimated again only when its story
            evidence changed.
        lost: stories that this run's new versions took a document from (`Store.superseded_stories`,
            read before the stories were rewritten); their undated documents are all estimated again.

    Returns:
        The number of documents whose estimate was replaced.
    """
    touched = None if run_id is None else sorted({*store.run_stories(run_id=run_id), *lost})
    rows = store.story_dating_rows(stories=touched)
    dated: dict[str, list[tuple[str, StoryDated]]] = {}
    fresh: dict[str, bool] = {}
    for r in rows:
        fresh[r["id"]] = run_id is None or r["run_id"] == run_id
        if r["published_basis"] in ("stated", "metadata") and r["published_value"] is not None:
            label = r["title"] or r["source"]
            dated.setdefault(r["story"], []).append((r["id"], StoryDated(r["published_value"], r["text"] or "", label)))
    # Each dated document's events are found once and stored: a large story has many undated
    # articles to compare, and each run that grows it would otherwise read them all again.
    stored = {r["id"]: r["events"] for r in rows if r["events"] is not None}
    events_of: dict[str, list[tuple[dt.date, set[str], str]]] = {}
    found: list[tuple[str, str]] = []
    for docs in dated.values():
        for doc_id, d in docs:
            if doc_id in stored:
                events_of[doc_id] = _events_from_json(stored[doc_id], label=d.label)
            else:
                events_of[doc_id] = _dated_events([d])
                found.append((doc_id, _events_to_json(events_of[doc_id])))
    store.write_story_events(found)
    others = {story: [d for _, d in docs] for story, docs in dated.items()}
    events = {
        story: _EventIndex([e for doc_id, _ in docs for e in events_of[doc_id]], others=others[story])
        for story, docs in dated.items()
    }
    # The story as the older documents last saw it: without this run's dated documents.
    before: dict[str, tuple[list[StoryDated], _EventIndex]] = {}
    for story, docs in dated.items():
        if run_id is not None and story not in lost:
            old = [(doc_id, d) for doc_id, d in docs if not fresh[doc_id]]
            old_others = [d for _, d in old]
            old_events = [e for doc_id, _ in old for e in events_of[doc_id]]
            before[story] = (old_others, _EventIndex(old_events, others=old_others))
    out: dict[str, DateEstimate] = {}
    for r in rows:
        story = r["story"]
        # Undated articles are never among the dated ones, so the story's list is "the others".
        if r["published_basis"] not in ("inferred", "unknown") or not others.get(story):
            continue
        text = r["text"] or ""
        hints = story_hints(text, others[story], events=events[story])
        if not fresh[r["id"]] and story in before:
            earlier, earlier_index = before[story]
            if story_hints(text, earlier, events=earlier_index) == hints:
                continue  # its story evidence is what its stored estimate was made from
        out[r["id"]] = estimate_date(text, title=r["title"], hints=hints)
    store.set_published(out)
    return len(out)
