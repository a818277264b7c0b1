"""Tests for storyline.find_times: detection, TIMEX3 values, spans and robustness."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import find_times
from storyline.records import TimeExpr

REF = dt.date(2022, 5, 23)  # a Monday


def _one(text: str, reference: dt.date | None = REF) -> TimeExpr:
    found = find_times(text, reference=reference)
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "phrase", "value"),
    [
        # explicit dates
        ("The vote took place on May 23, 2022, in the capital.", "May 23, 2022", "2022-05-23"),
        ("It was signed on 23 May 2022 by both sides.", "23 May 2022", "2022-05-23"),
        ("The filing is dated 2022-05-23 in the register.", "2022-05-23", "2022-05-23"),
        ("The form was stamped 05/23/2022 at the desk.", "05/23/2022", "2022-05-23"),
        ("Payments resume on Jan. 4, 2021, officials said.", "Jan. 4, 2021", "2021-01-04"),
        ("The market fell on Friday, March 4, 2022.", "Friday, March 4, 2022", "2022-03-04"),
        ("The deadline is June 2.", "June 2", "2022-06-02"),
        ("Things have changed since Sept. 11.", "Sept. 11", "2021-09-11"),
        # months and years
        ("Prices rose in March.", "March", "2022-03"),
        ("Sales collapsed in March 2020.", "March 2020", "2020-03"),
        ("The plant opened in 1998 near the river.", "1998", "1998"),
        ("Growth slowed in early 2020.", "early 2020", "2020"),
        ("It was founded in the late 1990s.", "the late 1990s", "199"),
        ("The tax took effect in January last year.", "January last year", "2021-01"),
        ("Output peaked in fiscal 2021.", "fiscal 2021", "2021"),
        ("Exports have grown since 2019.", "2019", "2019"),
        ("It dates from the 19th century.", "the 19th century", "18"),
        # weekdays: same day, nearest past, future when the sentence says so
        ("The minister resigned on Monday.", "Monday", "2022-05-23"),
        ("The minister resigned on Thursday.", "Thursday", "2022-05-19"),
        ("The committee will meet on Thursday.", "Thursday", "2022-05-26"),
        ("The strike ended last Friday.", "last Friday", "2022-05-20"),
        # relative dates
        ("The suspect was arrested yesterday.", "yesterday", "2022-05-22"),
        ("The report is published today.", "today", "2022-05-23"),
        ("Results are due tomorrow.", "tomorrow", "2022-05-24"),
        ("Talks collapsed last week.", "last week", "2022-W20"),
        ("The board meets next month.", "next month", "2022-06"),
        ("The law passed earlier this year.", "earlier this year", "2022"),
        ("The company was sold two years ago.", "two years ago", "2020"),
        ("He left ten days ago.", "ten days ago", "2022-05-13"),
        ("Rents rose last year.", "last year", "2021"),
        ("Flooding is expected this spring.", "this spring", "2022-SP"),
        ("The bridge closed last winter.", "last winter", "2022-WI"),
        # quarters and halves
        ("Profit fell in the third quarter.", "the third quarter", "2022-Q3"),
        ("Revenue in Q1 2022 was flat.", "Q1 2022", "2022-Q1"),
        ("Debt rose in the first half of 2021.", "the first half of 2021", "2021-H1"),
        # durations
        ("The strike lasted three weeks.", "three weeks", "P3W"),
        ("He served 10 years in prison.", "10 years", "P10Y"),
        ("Prices doubled over the past two months.", "the past two months", "P2M"),
        ("It was a five-hour meeting.", "five-hour", "PT5H"),
        ("The project took 2 1/2 years.", "2 1/2 years", "P2Y6M"),
        ("They waited for several days.", "several days", "PXD"),
        # present, past and future references
        ("Prices are now lower.", "now", "PRESENT_REF"),
        ("The firm is currently profitable.", "currently", "PRESENT_REF"),
        ("The rule was recently changed.", "recently", "PAST_REF"),
        ("Nobody can predict the future.", "the future", "FUTURE_REF"),
        # times of day
        ("Shots were heard this morning.", "this morning", "2022-05-23TMO"),
        ("Police arrived last night.", "last night", "2022-05-22TNI"),
        ("The polls close at 3 p.m. local time.", "3 p.m. local time", "2022-05-23T15:00"),
        ("The rally started at noon.", "noon", "2022-05-23T12:00"),
        # sets
        ("The magazine is printed every week.", "every week", "P1W"),
        ("The fee is reviewed annually.", "annually", "P1Y"),
        ("He ran daily.", "daily", "P1D"),
        # holidays and spelled-out years
        ("Shops were busy before Christmas.", "Christmas", "2021-12-25"),
        ("He was born in nineteen sixty-four.", "nineteen sixty-four", "1964"),
    ],
)
def test_values_with_reference(text: str, phrase: str, value: str) -> None:
    found = find_times(text, reference=REF)
    hits = [t for t in found if t.text == phrase]
    assert hits, f"{phrase!r} not found in {found}"
    assert hits[0].value == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The ceasefire began on Sept. 23.", "XXXX-09-23"),
        ("The ceasefire began on May 23, 2022.", "2022-05-23"),
        ("It happened on Monday.", "XXXX-WXX-1"),
        ("Output rose in the third quarter.", "XXXX-Q3"),
        ("The market opened in March.", "XXXX-03"),
        ("The store opened yesterday.", None),
        ("Sales fell last week.", None),
        ("Prices are now lower.", "PRESENT_REF"),
        ("The ban lasted three weeks.", "P3W"),
    ],
)
def test_values_without_reference(text: str, value: str | None) -> None:
    assert find_times(text)[0].value == value


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("It rained on May 3, 2021.", "DATE"),
        ("The strike lasted three weeks.", "DURATION"),
        ("The meeting starts at 9 a.m.", "TIME"),
        ("The paper is printed weekly.", "SET"),
    ],
)
def test_kinds(text: str, kind: str) -> None:
    assert find_times(text, reference=REF)[0].kind == kind


@pytest.mark.parametrize(
    "text",
    [
        "The prime minister, Theresa May, spoke to reporters.",
        "It may rain, officials warned.",
        "About 5000 people marched; 1500 shares changed hands.",
        "The price was $2019 per unit.",
        "Leaves fall when the weather turns.",
        "He sprang up and ran away.",
    ],
)
def test_non_times_are_ignored(text: str) -> None:
    assert find_times(text, reference=REF) == []


def test_financial_year_ago_follows_quarter() -> None:
    text = "Net income in the third quarter rose to $5 million from $4 million a year earlier."
    values = [t.value for t in find_times(text, reference=dt.date(2021, 10, 20))]
    assert values == ["2021-Q3", "2020-Q3"]


def test_anchored_phrase_uses_previous_date() -> None:
    text = "The treaty was signed on March 3, 2001. The following day, protests began."
    values = [t.value for t in find_times(text, reference=REF)]
    assert values == ["2001-03-03", "2001-03-04"]


def test_spans_match_text_and_do_not_overlap() -> None:
    text = (
        "On Tuesday, May 17, the board said sales in the third quarter rose 5% from a year earlier. "
        "Two years ago, in 1998 and again in the 1990s, it grew for three weeks every year; now it is 3 p.m."
    )
    found = find_times(text, reference=REF)
    assert len(found) >= 8
    last_end = -1
    for t in found:
        assert text[t.start : t.end] == t.text
        assert t.start >= last_end
        last_end = t.end


def test_datetime_reference_is_accepted() -> None:
    assert find_times("It ended yesterday.", reference=dt.datetime(2022, 5, 23, 18, 0))[0].value == "2022-05-22"


@pytest.mark.parametrize("reference", [dt.date.min, dt.date.max])
def test_reference_at_the_ends_of_the_calendar(reference: dt.date) -> None:
    text = "Christmas, 24:00, last week, two years ago, tomorrow, the third quarter and 29 Feb."
    for t in find_times(text, reference=reference):
        assert text[t.start : t.end] == t.text


def test_empty_text() -> None:
    assert find_times("") == []


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 -/:.,'aAmMpPdyDhsQ\n")) | st.characters(),
        max_size=300,
    ),
    st.one_of(st.none(), st.dates()),
)
def test_arbitrary_text_gives_valid_spans(text: str, reference: dt.date | None) -> None:
    found = find_times(text, reference=reference)
    last_end = -1
    for t in found:
        assert 0 <= t.start < t.end <= len(text)
        assert text[t.start : t.end] == t.text
        assert t.start >= last_end
        assert t.kind in ("DATE", "TIME", "DURATION", "SET")
        last_end = t.end


TIME_WORDS = (
    *("May", "3", "2021", "last", "week", "the", "third", "quarter", "ago", "two", "years", "Monday"),
    *("morning", "p.m.", "10:30", "since", "fiscal", "1990s", "every", "day", ",", "."),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(TIME_WORDS), max_size=40))
def test_word_salad_of_time_words(words: list[str]) -> None:
    text = " ".join(words)
    for t in find_times(text, reference=REF):
        assert text[t.start : t.end] == t.text


def test_one_megabyte_of_prose_is_fast() -> None:
    para = "The committee discussed the budget and the proposals from the regional offices at length. "
    text = (para * (1_000_000 // len(para) + 1))[:1_000_000]
    t0 = time.perf_counter()
    assert find_times(text, reference=REF) == []
    assert time.perf_counter() - t0 < 10


@pytest.mark.slow
def test_one_megabyte_dense_in_times_is_bounded() -> None:
    para = "On Tuesday, May 17, sales in the third quarter rose 5% from a year earlier; two years ago, now. "
    text = (para * (1_000_000 // len(para) + 1))[:1_000_000]
    t0 = time.perf_counter()
    found = find_times(text, reference=REF)
    assert len(found) > 40_000
    assert time.perf_counter() - t0 < 60


@pytest.mark.shared
def test_tempeval_dev_sample(shared_data: Path) -> None:
    """A quick relaxed-match check on a few TimeML documents (skips without ../shared)."""
    import html
    import re

    files = sorted((shared_data / "tempeval-dev" / "TimeBank").glob("*.tml"))[:20]
    if not files:
        pytest.skip("no TimeBank documents")
    tp = n_gold = n_pred = 0
    for f in files:
        raw = f.read_text(encoding="utf-8", errors="replace")
        dct = re.search(r"<DCT>\s*<TIMEX3[^>]*value=\"(\d{4}-\d{2}-\d{2})", raw)
        body = re.search(r"<TEXT>(.*?)</TEXT>", raw, re.S)
        if not dct or not body:
            continue
        out: list[str] = []
        gold: list[tuple[int, int]] = []
        pos = open_at = 0
        for m in re.finditer(r"<(/?)(\w+)[^>]*>|([^<]+)", body.group(1)):
            if m.group(3) is not None:
                chunk = html.unescape(m.group(3))
                out.append(chunk)
                pos += len(chunk)
            elif m.group(2) == "TIMEX3":
                if m.group(1):
                    gold.append((open_at, pos))
                else:
                    open_at = pos
        pred = find_times("".join(out), reference=dt.date.fromisoformat(dct.group(1)))
        n_gold += len(gold)
        n_pred += len(pred)
        tp += sum(any(p.start < ge and p.end > gs for p in pred) for gs, ge in gold)
    assert n_gold and tp / n_gold > 0.8 and tp / max(n_pred, 1) > 0.75
