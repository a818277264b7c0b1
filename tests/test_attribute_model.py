"""The learned boundary/keep filter over rule-based attributions.

All example sentences are invented for these tests.
"""

from __future__ import annotations

import math

import pytest

from storyline import extract_quotes
from storyline.attribute_model import (
    BoundaryModel,
    ParseView,
    TreeEnsemble,
    alternatives,
    features,
    load_model,
    parse_features,
    refine,
    score,
    score_rows,
    select,
    select_spans,
    threshold_for,
)
from storyline.attribute_rules import extract_from_doc, extract_with_context
from storyline.nlp import get_nlp
from storyline.records import Quote

_TEXT = ("Jo Bell said the ferry would resume in June, which surprised the harbour board. "
         "She added that fares would not rise.\nThe council met on Friday.")


def _quote(text: str, needle: str, *, direct: bool = False) -> Quote:
    start = text.index(needle)
    end = start + len(needle)
    return Quote(text=text[start:end], start=start, end=end, speaker="Jo Bell", speaker_span=(0, 7),
                 cue="said", direct=direct, cue_class="say")


def test_packaged_model_loads_once() -> None:
    model = load_model()
    assert model is not None
    assert model is load_model()
    assert (model.weights or model.trees is not None) and 0.0 < model.threshold < 1.0
    assert 0.0 < model.belief_threshold < 1.0 and 0.0 < model.quote_threshold < 1.0


def test_alternatives_start_with_the_original_and_stay_in_bounds() -> None:
    q = _quote(_TEXT, "the ferry would resume in June, which surprised the harbour board")
    alts = alternatives(_TEXT, q.start, q.end)
    assert alts[0] == ("orig", q.start, q.end)
    kinds = {k for k, _, _ in alts}
    assert "cut:which" in kinds  # the relative clause can be cut off
    cut = next((a, b) for k, a, b in alts if k == "cut:which")
    assert _TEXT[cut[0]: cut[1]] == "the ferry would resume in June"
    assert all(0 <= a < b <= len(_TEXT) for _, a, b in alts)


def test_alternatives_extend_to_sentence_end() -> None:
    q = _quote(_TEXT, "fares would not")
    ext = [(a, b) for k, a, b in alternatives(_TEXT, q.start, q.end) if k == "ext_sent"]
    assert ext and _TEXT[ext[0][0]: ext[0][1]] == "fares would not rise"


def test_features_carry_kind_and_context() -> None:
    q = _quote(_TEXT, "the ferry would resume in June")
    feats = features(_TEXT, q, "orig", q.start, q.end, context=["rule=indirect", "lemma=say"])
    assert "k=orig" in feats and "rule=indirect" in feats and "lemma=say" in feats
    assert "cue=said" in feats


@pytest.fixture(scope="module")
def parsed() -> ParseView:
    return ParseView(get_nlp()(_TEXT))


@pytest.mark.parametrize(("needle", "tokens"), [
    ("Jo", "Jo"),
    ("o Bel", "Jo Bell"),  # starts and ends inside tokens: both are included
    ("the ferry would resume in June", "the ferry would resume in June"),
    ("rise.", "rise."),
    ("rise.\n", "rise.\n"),
])
def test_parse_view_maps_characters_to_overlapping_tokens(parsed: ParseView, needle: str, tokens: str) -> None:
    start = _TEXT.index(needle)
    i, j = parsed.tokens(start, start + len(needle))
    assert parsed.doc[i:j].text == tokens


def test_parse_features_see_one_clause_and_sentence_end(parsed: ParseView) -> None:
    whole = _quote(_TEXT, "the ferry would resume in June, which surprised the harbour board")
    feats = parse_features(parsed, whole, "orig", whole.start, whole.end)
    assert "pr=1" in feats  # one constituent: "resume" heads the whole clause
    assert "pend=orig|True" in feats  # the span stops at the full stop
    assert "pxs=orig|0" in feats
    cut = _TEXT.index("the ferry would resume in June") + len("the ferry would resume in June")
    cut_feats = parse_features(parsed, whole, "cut:which", whole.start, cut)
    # the removed relative clause hangs off a word the cut span keeps
    assert any(f.startswith("pdw=cut:which|kept") for f in cut_feats)
    assert "pend=cut:which|False" in cut_feats


def test_parse_features_count_sentences_crossed(parsed: ParseView) -> None:
    q = _quote(_TEXT, "the ferry would resume in June")
    end = _TEXT.index("not rise") + len("not rise")
    feats = parse_features(parsed, q, "ext_para", q.start, end)
    assert "pxs=ext_para|1" in feats
    assert any(f.startswith("pr=") and f != "pr=1" for f in feats)  # two sentences: two roots


def test_features_add_parse_only_when_given(parsed: ParseView) -> None:
    q = _quote(_TEXT, "the ferry would resume in June")
    plain = features(_TEXT, q, "orig", q.start, q.end)
    with_parse = features(_TEXT, q, "orig", q.start, q.end, parse=parsed)
    assert not any(f.startswith("pr=") for f in plain)
    assert set(plain) < set(with_parse) and "pr=1" in with_parse


def test_refine_ignores_a_parse_of_another_text() -> None:
    q = _quote(_TEXT, "the ferry would resume in June, which surprised the harbour board")
    model = BoundaryModel(weights={"pr=1|k=cut:which": 5.0}, bias=-1.0, threshold=0.2)
    other = get_nlp()("A different text entirely.")
    # a stale parse must not be read against the wrong offsets: no parse features, no reshaping
    (out,) = refine(_TEXT, [q], model=model, doc=other)
    assert out == q
    (cut,) = refine(_TEXT, [q], model=model, doc=get_nlp()(_TEXT))
    assert cut.text == "the ferry would resume in June"


def test_refine_without_model_keeps_the_rules_output() -> None:
    q = _quote(_TEXT, "the ferry would resume in June")
    model = BoundaryModel(weights={}, bias=10.0, threshold=0.5)
    assert refine(_TEXT, [q], model=model) == [q]  # every alternative ties: the original wins


def test_refine_drops_and_reshapes_by_weight() -> None:
    q = _quote(_TEXT, "the ferry would resume in June, which surprised the harbour board")
    prefer_cut = BoundaryModel(weights={"k=cut:which": 5.0}, bias=-1.0, threshold=0.5)
    (out,) = refine(_TEXT, [q], model=prefer_cut)
    assert out.text == "the ferry would resume in June" == _TEXT[out.start: out.end]
    assert out.speaker == "Jo Bell"
    drop_all = BoundaryModel(weights={}, bias=-5.0, threshold=0.5)
    assert refine(_TEXT, [q], model=drop_all) == []


def test_select_keeps_one_of_overlapping_statements() -> None:
    best = [(0.9, 0, 50), (0.8, 5, 48), (0.3, 60, 90), (0.7, 100, 120)]
    assert select(best, thresholds=[0.5] * 4) == [0, 3]
    assert select(best, thresholds=[0.5, 0.5, 0.2, 0.95]) == [0, 2]


def test_select_spans_falls_back_to_an_alternative_clear_of_a_kept_statement() -> None:
    # "X said A - B, Y noted, C": the first statement's best span runs over the second one's
    ranked = [[(0.6, 0, 90), (0.45, 0, 40)], [(0.9, 45, 90)]]
    assert select_spans(ranked, thresholds=[0.4, 0.4]) == [(0, 0, 40), (1, 45, 90)]
    # below its threshold, the fallback is not taken
    assert select_spans(ranked, thresholds=[0.5, 0.5]) == [(1, 45, 90)]
    # the best-only view keeps what it kept before
    assert select([r[0] for r in ranked], thresholds=[0.4, 0.4]) == [1]


def test_select_lets_a_nestable_statement_hold_a_kept_one() -> None:
    # "the captain told the crew that X, according to two deckhands": two statements, one inside the other
    best = [(0.9, 40, 70), (0.8, 0, 70), (0.7, 45, 60)]
    assert select(best, thresholds=[0.5] * 3) == [0]
    assert select(best, thresholds=[0.5] * 3, nestable=[False, True, False]) == [0, 1]
    # only the nestable one may join: the small one inside both is still dropped
    assert 2 not in select(best, thresholds=[0.5] * 3, nestable=[False, True, False])


def test_according_to_holds_the_statement_inside_it() -> None:
    text = ("After the storm passed, the captain told the crew that the ferry should stay in port, according "
            "to two deckhands.")
    found, _ = extract_with_context(get_nlp()(text))
    assert {(q.text, q.speaker) for q in found} >= {
        ("After the storm passed, the captain told the crew that the ferry should stay in port", "two deckhands"),
        ("that the ferry should stay in port", "the captain")}


def test_threshold_by_rule() -> None:
    model = BoundaryModel(weights={}, bias=0.0, threshold=0.5, belief_threshold=0.6, quote_threshold=0.2,
                          short_threshold=0.7)
    assert threshold_for(model, ["rule=belief"]) == 0.6
    assert threshold_for(model, ["rule=poll"]) == threshold_for(model, ["rule=hearsay"]) == 0.6
    assert threshold_for(model, ["rule=direct"]) == 0.2
    assert threshold_for(model, ["rule=talk"]) == 0.2  # "speaks of" + a quotation is a quotation
    assert threshold_for(model, ["rule=indirect"]) == 0.5
    assert threshold_for(model, ["rule=indirect", "comp=short-dobj"]) == 0.7


def test_context_is_parallel_to_raw_statements() -> None:
    doc = get_nlp()('"The ferry is safe," Jo Bell said. She added that fares would not rise.')
    found, context = extract_with_context(doc)
    assert found and len(found) == len(context)
    assert all(any(c.startswith("rule=") for c in ctx) for ctx in context)
    assert extract_from_doc(doc, refine=False)  # the rules alone, as before the model


def test_refined_output_keeps_a_plain_direct_quote() -> None:
    text = '"The ferry will run again in June," Jo Bell said on Monday.'
    qs = extract_quotes(text)
    assert [q.text for q in qs] == ['"The ferry will run again in June,"']
    assert qs[0].speaker == "Jo Bell"


def test_a_quotation_split_around_its_speaker_offers_the_last_part() -> None:
    text = ('"The ferry is safe," Jo Bell told the harbour board on Monday evening. '
            '"We will sail again in June and every week after."')
    alts = alternatives(text, 0, len(text))
    last = [(a, b) for k, a, b in alts if k == "qlast"]
    assert last and text[last[0][0]: last[0][1]] == '"We will sail again in June and every week after."'
    # one quotation: nothing to split
    assert not [k for k, _, _ in alternatives(text, 0, 20) if k == "qlast"]


@pytest.mark.parametrize(
    ("text", "quoted", "speaker", "cue"),
    [
        ('Their envoy speaks of "narrowing gaps" as though the dispute were a matter of bookkeeping.',
         '"narrowing gaps"', "Their envoy", "speaks"),
        ('The harbour master warned of "grave consequences for the night ferry" if the dredging failed.',
         '"grave consequences for the night ferry"', "The harbour master", "warned"),
    ],
)
def test_a_quotation_after_talk_of_is_the_talkers_words(text: str, quoted: str, speaker: str, cue: str) -> None:
    found, context = extract_with_context(get_nlp()(text))
    hits = [(q, c) for q, c in zip(found, context, strict=True) if q.text == quoted]
    assert hits, found
    q, c = hits[0]
    assert (q.speaker, q.cue, q.direct) == (speaker, cue, True)
    assert "rule=talk" in c
    # the cue is spent on the quotation: its "if" clause is not a second statement
    assert not [x for x in found if x.text.startswith("if the dredging")]


def _stump_trees() -> dict[str, object]:
    # Two trees. Tree 1 tests "k=cut:which": absent -> -1.0, present -> +2.0.
    # Tree 2 tests "q0=True", then "dir=d" when present: leaves 0.0, 0.5, 1.5.
    return {"features": ["k=cut:which", "q0=True", "dir=d"], "baseline": -0.5, "depth": 2, "roots": [0, 3],
            "feature": [0, 3, 3, 1, 3, 2, 3, 3], "left": [1, 1, 2, 4, 4, 6, 6, 7], "right": [2, 1, 2, 5, 4, 7, 6, 7],
            "value": [0.0, -1.0, 2.0, 0.0, 0.0, 0.0, 0.5, 1.5]}


@pytest.mark.parametrize(("feats", "expected"), [
    ([], -0.5 - 1.0 + 0.0),
    (["k=cut:which"], -0.5 + 2.0 + 0.0),
    (["q0=True"], -0.5 - 1.0 + 0.5),
    (["q0=True", "dir=d", "unknown"], -0.5 - 1.0 + 1.5),
    (["k=cut:which", "q0=True", "dir=d"], -0.5 + 2.0 + 1.5),
])
def test_tree_ensemble_walks_each_tree_to_its_leaf(feats: list[str], expected: float) -> None:
    trees = TreeEnsemble.from_json(_stump_trees())
    assert trees.raw([feats])[0] == pytest.approx(expected)
    model = BoundaryModel(weights={"k=cut:which": -50.0}, bias=0.0, threshold=0.5, trees=trees)
    # the trees score instead of the weights, one span or many at a time
    assert score(model, feats) == pytest.approx(1.0 / (1.0 + math.exp(-expected)))
    assert score_rows(model, [feats, feats]) == pytest.approx([score(model, feats)] * 2)


def test_refine_with_trees_prefers_the_span_they_score_higher() -> None:
    q = _quote(_TEXT, "the ferry would resume in June, which surprised the harbour board")
    model = BoundaryModel(weights={}, bias=0.0, threshold=0.5, trees=TreeEnsemble.from_json(_stump_trees()))
    (out,) = refine(_TEXT, [q], model=model)
    assert out.text == "the ferry would resume in June"
    assert score_rows(model, []) == []


def test_packaged_model_scores_with_what_it_ships() -> None:
    model = load_model()
    assert model is not None
    assert model.trees is not None or model.weights
    probs = score_rows(model, [["k=orig", "dir=d", "q0=True", "q1=True"], ["k=orig"]])
    assert all(0.0 < p < 1.0 for p in probs)


def test_tree_scores_do_not_depend_on_the_block_size(monkeypatch: pytest.MonkeyPatch) -> None:
    import storyline.attribute_model as am

    trees = TreeEnsemble.from_json(_stump_trees())
    rows = [["k=cut:which"], [], ["q0=True", "dir=d"], ["q0=True"], ["k=cut:which", "q0=True"]] * 3
    whole = trees.raw(rows)
    monkeypatch.setattr(am, "_TREE_BLOCK", 2)
    assert trees.raw(rows).tolist() == pytest.approx(whole.tolist())
    assert len(whole) == len(rows)
