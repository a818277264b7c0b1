"""The annotate stage: one parse per document, serialised and read back without re-parsing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from storyline.annotate import annotate_documents, docbin_bytes, docs_from_bytes, parse_documents
from storyline.nlp import get_nlp

TEXTS = [
    "Prime Minister Aurel Dobran said on Tuesday that the dam was safe.",
    "The Northern Basin Council met in Port Selwyn last week.",
    "",
    "Irena Kovalt, the president, flew to Castrel on 3 March 2025.",
]


@pytest.fixture(scope="module")
def docs() -> list:
    return list(parse_documents(TEXTS, batch_size=2))


def test_parse_keeps_order_and_text(docs: list) -> None:
    assert [d.text for d in docs] == TEXTS


def test_parse_runs_the_whole_pipeline(docs: list) -> None:
    first = docs[0]
    assert any(e.label_ == "PERSON" and "Dobran" in e.text for e in first.ents)
    assert any(t.dep_ == "nsubj" for t in first)
    assert all(t.pos_ for t in first)


def test_docbin_round_trip_keeps_the_parse(docs: list) -> None:
    data = docbin_bytes(docs)
    assert isinstance(data, bytes) and data
    back = docs_from_bytes(data)
    assert [d.text for d in back] == TEXTS
    for a, b in zip(docs, back, strict=True):
        assert [(e.start_char, e.end_char, e.label_) for e in a.ents] == [
            (e.start_char, e.end_char, e.label_) for e in b.ents
        ]
        assert [(t.dep_, t.head.i, t.pos_, t.lemma_) for t in a] == [(t.dep_, t.head.i, t.pos_, t.lemma_) for t in b]
        assert [s.start for s in a.sents] == [s.start for s in b.sents]
        assert b.vocab is get_nlp().vocab


def test_docbin_of_nothing_is_readable() -> None:
    assert docs_from_bytes(docbin_bytes([])) == []


@pytest.mark.parametrize(
    ("day", "value"),
    [(dt.date(2025, 3, 4), "2025-03-03"), (None, "2025-03-03")],
)
def test_annotate_documents_bundles_parse_entities_and_times(day: dt.date | None, value: str) -> None:
    (ann,) = annotate_documents([TEXTS[3]], published=[day])
    assert ann.doc.text == TEXTS[3]
    names = {ann.resolution.entity(m.entity_key).name for m in ann.resolution.mentions}  # type: ignore[union-attr]
    assert "Irena Kovalt" in names
    assert value in {t.value for t in ann.times}


@pytest.mark.parametrize(
    ("text", "first_word", "starts"),
    [
        # a blank line always starts a sentence, even after a closing quotation mark
        ("“We will sail at dawn,” the captain said.”\n\nOfficials said the harbour was shut.", "Officials", True),
        ("The pier was closed for repairs\n\nOfficials said the harbour was shut.", "Officials", True),
        # a single line break starts one after sentence-final punctuation only
        ("The pier was closed for repairs.\nOfficials said the harbour was shut.", "Officials", True),
        ("The pier was closed for repairs by\nOfficials of the harbour board.", "Officials", None),
    ],
)
def test_paragraph_breaks_preset_sentence_starts(text: str, first_word: str, starts: bool | None) -> None:
    from storyline.nlp import mark_paragraphs

    doc = mark_paragraphs(get_nlp().make_doc(text))
    tok = next(t for t in doc if t.text == first_word)
    assert tok.is_sent_start is starts


@pytest.mark.parametrize(
    ("text", "second"),
    [
        # without the preset start the parser runs these across the blank line
        ("The crowd heckled the minister. “How about talking about the things the valley actually cares "
         "about?”\n\nOkafor was sharp as he answered, with contempt, every point the minister had made.", "Okafor was"),
        ("The board called the report an “awful” piece of “work.”\n\n“The board has done an awful job this "
         "year,” Okafor said.", "“The board"),
    ],
)
def test_the_parser_keeps_a_paragraph_break_as_a_sentence_start(text: str, second: str) -> None:
    starts = [s.text.strip() for s in get_nlp()(text).sents]
    assert any(s.startswith(second) for s in starts), starts


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("Harbour Minister Says Ferry Will Run All Winter\n\nThe body.",
         "Harbour Minister says Ferry will Run all Winter"),
        ("Okafor Tells Council: ‘We Will Not Sign.’\n\nThe body.", "Okafor tells Council: ‘We will not Sign.’"),
        # sentence case already, a single line, or a long first line: unchanged
        ("Harbour minister says ferry will run\n\nThe body.", "Harbour minister says ferry will run"),
        ("Harbour Minister Says Ferry Will Run", "Harbour Minister Says Ferry Will Run"),
        ("A Long Line " * 30 + "\n\nThe body.", ("A Long Line " * 30)),
    ],
)
def test_sentence_case_headline(text: str, headline: str) -> None:
    from storyline.nlp import sentence_case_headline

    out = sentence_case_headline(text)
    assert out.split("\n")[0] == headline.split("\n")[0]
    assert out[len(headline):] == text[len(headline):]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_sentence_case_headline_keeps_every_offset(text: str) -> None:
    from storyline.nlp import sentence_case_headline

    out = sentence_case_headline(text)
    assert len(out) == len(text)
    assert out.lower() == text.lower() or out == text


def test_pipe_texts_keeps_the_text_and_reads_the_headline_in_sentence_case() -> None:
    from storyline.nlp import pipe_texts

    texts = ["Harbour Minister Jo Bell Praises Ferry Crews\n\nThe crews worked all night.", "No headline here."]
    docs = list(pipe_texts(texts))
    assert [d.text for d in docs] == texts
    praises = next(t for t in docs[0] if t.text == "Praises")
    assert praises.pos_ == "VERB" and praises.lemma_ == "praise"
    assert any(e.text == "Jo Bell" and e.label_ == "PERSON" for e in docs[0].ents)
