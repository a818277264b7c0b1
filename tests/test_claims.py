"""Claim extraction on invented sentences: polarity, modality, actor, date and stable ids."""

from __future__ import annotations

import datetime as dt

import pytest

from storyline.claims import Claim, claim_id, extract_claims
from storyline.records import Quote

PUB = dt.date(2031, 4, 9)  # a Wednesday


def _claims(text: str, quotes: list[Quote] | None = None) -> list[Claim]:
    return extract_claims(text, doc_id="d1", published=PUB, quotes=quotes if quotes is not None else [])


@pytest.mark.parametrize(
    ("text", "polarity", "modality"),
    [
        ("The harbour board ruled out raising the mooring fees for fishing boats.", "negated", "ruled_out"),
        ("The council will not close the eastern ferry terminal this year.", "negated", "ruled_out"),
        ("The mayor refused to sign the new water contract with Pellow Energy.", "negated", "ruled_out"),
        ("The ferry company never paid the 40,000 crown fine to the harbour board.", "negated", "asserted"),
        ("The harbour board raised mooring fees by 12 percent on Tuesday.", "affirmed", "asserted"),
        ("The council will open a second ferry terminal in Dunmere next spring.", "affirmed", "planned"),
        ("The council may close the eastern ferry terminal after the 2031 audit.", "affirmed", "possible"),
        ("The ferry company must repay 40,000 crowns to the harbour board.", "affirmed", "demanded"),
    ],
)
def test_polarity_and_modality(text: str, polarity: str, modality: str) -> None:
    claims = _claims(text)
    assert claims, text
    main = claims[0]
    assert (main.polarity, main.modality) == (polarity, modality)
    assert main.text == text[main.start:main.end]


def test_quote_claims_carry_speaker_and_split_sentences() -> None:
    text = ('"We will not sell the port. The harbour employs 300 people in Dunmere," Mayor Ilse Varn said on Tuesday. '
            "The port handled 2 million tonnes of cargo in 2030.")
    q = Quote(text=text[: text.index(" on Tuesday")], start=0, end=text.index(" on Tuesday"),
              speaker="Ilse Varn", cue="said", direct=True, cue_class="say")
    claims = _claims(text, [q])
    quoted = [c for c in claims if c.source == "quote"]
    assert {c.text for c in quoted} >= {"We will not sell the port", "The harbour employs 300 people in Dunmere"}
    sell = next(c for c in quoted if "sell" in c.text)
    assert (sell.actor, sell.polarity, sell.modality) == ("Ilse Varn", "negated", "ruled_out")
    assert sell.statement.startswith("ilse varn will not sell")
    reporter = [c for c in claims if c.source == "reporter"]
    assert any("2 million tonnes" in c.text and c.actor is None for c in reporter)


def test_what_a_speaker_rules_out_is_a_negated_claim() -> None:
    text = "The defence minister ruled out sending troops to the border on Monday."
    start = text.index("sending")
    q = Quote(text=text[start: text.index(" on Monday")], start=start, end=text.index(" on Monday"),
              speaker="The defence minister", cue="ruled out", direct=False, cue_class="rule_out")
    (claim,) = [c for c in _claims(text, [q]) if c.source == "quote"]
    # the content alone says "sending troops"; the cue says it will not happen
    assert (claim.actor, claim.polarity, claim.modality) == ("The defence minister", "negated", "ruled_out")


def test_anonymous_source_is_attributed_not_named() -> None:
    text = "The ministry is preparing plans to move the archive to Dunmere, two officials said."
    end = text.index(", two officials")
    q = Quote(text=text[:end], start=0, end=end, speaker="two officials", cue="said", anonymous=True,
              cue_class="say")
    claim = next(c for c in _claims(text, [q]) if c.source == "quote")
    assert claim.actor is None
    assert claim.attributed_to == "two officials"
    assert claim.modality == "possible"


def test_relative_date_resolves_against_publication() -> None:
    claims = _claims("The harbour board raised mooring fees by 12 percent on Monday.")
    assert claims[0].date == "2031-04-07"


def test_colour_is_not_a_claim_but_facts_are() -> None:
    text = ("It was a grey and quiet morning. "
            "The Dunmere council approved a budget of 3.2 million crowns for the new bridge on Tuesday.")
    claims = _claims(text)
    assert [c.text for c in claims] == [
        "The Dunmere council approved a budget of 3.2 million crowns for the new bridge on Tuesday"
    ]
    assert 0.0 <= claims[0].checkworthiness <= 1.0


def test_ids_are_stable_and_offset_based() -> None:
    text = "The harbour board raised mooring fees by 12 percent on Tuesday."
    a, b = _claims(text), _claims(text)
    assert [c.id for c in a] == [c.id for c in b]
    assert a[0].id == claim_id("d1", a[0].start, a[0].end)
    assert claim_id("d1", 0, 5) != claim_id("d2", 0, 5)


@pytest.mark.parametrize("text", ["", "   ", "\n\n"])
def test_empty_text_has_no_claims(text: str) -> None:
    assert extract_claims(text, doc_id="d", published=None, quotes=[]) == []


def test_default_quotes_come_from_attribution() -> None:
    text = "Mayor Ilse Varn said the council would not sell the port to Pellow Energy."
    claims = extract_claims(text, doc_id="d9", published=PUB)
    assert any(c.actor and "Ilse Varn" in c.actor and c.polarity == "negated" for c in claims)
