#!/usr/bin/env python3
"""Train the attribution boundary/keep model on PolNeAR train only.

Usage: python benchmarks/train_attribution.py [--split DIR] [--out FILE] [--cache FILE.spacy]
       [--quote-threshold 0.2]

Reads ``../shared/data/polnear/train`` at run time (skips cleanly when it is absent) and the
scorer ``../shared/eval/score_attribution.py`` for its gold loader and IoU. For every statement
the rules find (``extract_with_context``, the rules' loose mode), each alternative span from
`storyline.attribute_model.alternatives` is labelled 1 when its character IoU with some gold
content is at least 0.5 and it is the statement's best alternative. Gradient-boosted trees
(``--learner trees``, the default) or a logistic regression (``--learner logistic``) are fitted over
the binary features; the four keep thresholds (quotes, other speech, beliefs, short objects) are
chosen by 5-fold cross-validation over train documents (best F1 + speech recall with precision
at least ``--min-precision``). Writes the model as JSON: feature names are short tags and single
common words, no PolNeAR passage is stored. Takes about 15 minutes on 2 cores with trees and a
parse cache (``--cache``; 2 with the logistic model), plus about 3 minutes to parse train without one.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEFAULT_SPLIT = SHARED / "data" / "polnear" / "train"
DEFAULT_OUT = ROOT / "src" / "storyline" / "data" / "attribution" / "model.json"
_MIN_COUNT = 3
_MIN_WEIGHT = 0.005
_FOLDS = 5
#: The acceptance bars of issue #4 on PolNeAR: F1 over all attributions and speech-cue recall.
_F1_BAR = 0.65
_SPEECH_BAR = 0.85
_THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5]
_BELIEF_THRESHOLDS = [0.55, 0.6, 0.65, 0.7]
_QUOTE_THRESHOLDS = [0.2, 0.3, 0.4]
_SHORT_THRESHOLDS = [0.5, 0.6, 0.7]
#: Boosted trees: the most frequent feature names kept as columns, rounds, step and leaves a tree.
_TREE_COLUMNS = 3000
_TREE_ROUNDS = 300
_TREE_STEP = 0.1
_TREE_LEAVES = 31


def _scorer() -> Any:
    sys.path.insert(0, str(SHARED / "eval"))
    import score_attribution

    return score_attribution


def _parse(texts: list[str], cache: Path | None) -> list[Any]:
    from spacy.tokens import DocBin

    from storyline.clean.decode import scrub_surrogates
    from storyline.nlp import fix_lemmas, get_nlp, pipe_texts

    nlp = get_nlp()
    if cache is not None and cache.exists():
        # A cache written before a lemma fix gets it on reading.
        docs = [fix_lemmas(d) for d in DocBin().from_disk(cache).get_docs(nlp.vocab)]
        if len(docs) == len(texts):
            return docs
    docs = list(pipe_texts((scrub_surrogates(t) for t in texts), batch_size=16))
    if cache is not None:
        bin_ = DocBin(store_user_data=False)
        for d in docs:
            bin_.add(d)
        bin_.to_disk(cache)
    return docs


_Alt = tuple[list[str], int, tuple[int, int]]


def _rows(sc: Any, gold_docs: list[Any], parsed: list[Any]) -> list[list[list[_Alt]]]:
    """Per document, per statement: its alternatives as (features, label, span)."""
    from storyline.attribute_model import ParseView, alternatives, features
    from storyline.attribute_rules import extract_with_context

    out = []
    for (_, text, gold), doc in zip(gold_docs, parsed, strict=True):
        stmts = []
        found, context = extract_with_context(doc)
        parse = ParseView(doc)
        for q, ctx in zip(found, context, strict=True):
            spans = alternatives(text, q.start, q.end)
            ious = [max((sc.iou([(a, b)], g["content"]) for g in gold), default=0.0) for _, a, b in spans]
            top = max(ious)
            # Positive: a match, and the best of this statement's alternatives (so the model
            # learns to choose, not merely to accept any span that clears the IoU bar).
            stmts.append([(features(text, q, kind, a, b, context=ctx, parse=parse),
                           int(v >= 0.5 and v >= top - 0.02), (a, b))
                          for (kind, a, b), v in zip(spans, ious, strict=True)])
        out.append(stmts)
    return out


def _fit(rows: list[Any], c: float) -> tuple[dict[str, float], float]:
    import numpy as np
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    counts: Counter[str] = Counter(f for doc in rows for st in doc for feats, _, _ in st for f in set(feats))
    vocab = {f: i for i, f in enumerate(sorted(f for f, n in counts.items() if n >= _MIN_COUNT))}
    ind: list[int] = []
    ptr = [0]
    y: list[int] = []
    for doc in rows:
        for st in doc:
            for feats, label, _ in st:
                ind.extend(sorted({vocab[f] for f in feats if f in vocab}))
                ptr.append(len(ind))
                y.append(label)
    x = csr_matrix((np.ones(len(ind)), ind, ptr), shape=(len(y), len(vocab)))
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(x, np.array(y))
    inv = {i: f for f, i in vocab.items()}
    # Tiny weights change no decision; dropping them keeps the shipped file small.
    weights = {inv[i]: round(float(w), 4) for i, w in enumerate(clf.coef_[0]) if abs(w) >= _MIN_WEIGHT}
    return weights, float(clf.intercept_[0])


def _fit_trees(rows: list[Any]) -> dict[str, Any]:
    """Boosted trees over the most frequent features, as the ``trees`` object of the model file."""
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    from storyline.attribute_model import TreeEnsemble

    counts: Counter[str] = Counter(f for doc in rows for st in doc for feats, _, _ in st for f in set(feats))
    names = [f for f, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:_TREE_COLUMNS] if n >= _MIN_COUNT]
    column = {f: i for i, f in enumerate(names)}
    feats_list = [feats for doc in rows for st in doc for feats, _, _ in st]
    x = np.zeros((len(feats_list), len(names)), dtype=np.float32)
    for i, feats in enumerate(feats_list):
        x[i, [column[f] for f in set(feats) if f in column]] = 1.0
    y = np.array([label for doc in rows for st in doc for _, label, _ in st])
    clf = HistGradientBoostingClassifier(max_iter=_TREE_ROUNDS, learning_rate=_TREE_STEP, max_leaf_nodes=_TREE_LEAVES,
                                         l2_regularization=1.0, early_stopping=False, random_state=0)
    clf.fit(x, y)
    feature: list[int] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []
    depth = 0
    # sklearn keeps the fitted trees as flat node records; a present (1.0) feature goes right.
    for (tree,) in clf._predictors:
        base = len(feature)
        roots.append(base)
        for k, node in enumerate(tree.nodes):
            depth = max(depth, int(node["depth"]))
            if node["is_leaf"]:
                feature.append(len(names))
                left.append(base + k)
                right.append(base + k)
                value.append(round(float(node["value"]), 6))
            else:
                assert 0.0 <= float(node["num_threshold"]) < 1.0, "binary features split between 0 and 1"
                feature.append(int(node["feature_idx"]))
                left.append(base + int(node["left"]))
                right.append(base + int(node["right"]))
                value.append(0.0)
    out = {"features": names, "baseline": round(float(np.ravel(clf._baseline_prediction)[0]), 6), "depth": depth,
           "roots": roots, "feature": feature, "left": left, "right": right, "value": value}
    sample = slice(0, min(2000, len(feats_list)))
    mine = TreeEnsemble.from_json(out).raw(feats_list[sample])
    assert np.allclose(mine, clf.decision_function(x[sample]), atol=1e-3), "exported trees disagree with sklearn"
    return out


def _choose(rows_doc: list[Any], model: Any) -> list[tuple[list[Any], int, bool]]:
    """Per statement: its alternatives as (probability, start, end), best first, its threshold
    group and whether it may nest with another statement."""
    from storyline.attribute_model import BoundaryModel, nestable_statement, score_rows, threshold_for

    groups = BoundaryModel(weights={}, bias=0.0, threshold=0.0, belief_threshold=1.0, quote_threshold=2.0,
                           short_threshold=3.0)
    probs = iter(score_rows(model, [feats for st in rows_doc for feats, _, _ in st]))
    out = []
    for st in rows_doc:
        ranked = sorted(((next(probs), span[0], span[1]) for _, _, span in st), key=lambda x: -x[0])
        out.append((ranked, int(threshold_for(groups, st[0][0])), nestable_statement(st[0][0])))
    return out


class _Matcher:
    """The scorer's figures for many threshold settings, with every span's IoUs computed once.

    Args:
        sc: the scorer module (its ``iou`` and matching rule: 1:1, greedy by IoU, at least 0.5).
        gold_docs: the gold split.
        rows: per document and statement, the alternatives (their spans are what can be predicted).
    """

    def __init__(self, sc: Any, gold_docs: list[Any], rows: list[Any]) -> None:
        self.n_gold = sum(len(gold) for _, _, gold in gold_docs)
        self.n_speech = sum(1 for _, _, gold in gold_docs for g in gold if g["speech"])
        self.pairs: list[dict[tuple[int, int], list[tuple[float, int, bool]]]] = []
        for (_, _, gold), doc in zip(gold_docs, rows, strict=True):
            spans = {span for st in doc for _, _, span in st}
            self.pairs.append({span: [(v, j, g["speech"]) for j, g in enumerate(gold)
                                      if (v := sc.iou([span], g["content"])) >= 0.5] for span in spans})

    def __call__(self, chosen: list[list[tuple[list[Any], int, bool]]], limits4: tuple[float, ...]) -> dict[str, float]:
        from storyline.attribute_model import select_spans

        tp = tp_speech = n_pred = 0
        for doc, pairs in zip(chosen, self.pairs, strict=True):
            kept = select_spans([r for r, _, _ in doc], thresholds=[limits4[g] for _, g, _ in doc],
                                nestable=[nest for _, _, nest in doc])
            n_pred += len(kept)
            for speech_only in (False, True):
                cand = sorted(((v, i, j) for i, (_, a, b) in enumerate(kept) for v, j, sp in pairs[(a, b)]
                               if sp or not speech_only), reverse=True)
                used_p: set[int] = set()
                used_g: set[int] = set()
                for _, i, j in cand:
                    if i not in used_p and j not in used_g:
                        used_p.add(i)
                        used_g.add(j)
                if speech_only:
                    tp_speech += len(used_p)
                else:
                    tp += len(used_p)
        p = tp / n_pred if n_pred else 0.0
        r = tp / self.n_gold if self.n_gold else 0.0
        return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
                "speech_recall": round(tp_speech / self.n_speech, 4) if self.n_speech else 0.0}


def _model(rows: list[Any], learner: str, c: float) -> tuple[Any, dict[str, Any]]:
    """A fitted scorer and the JSON fields that describe it."""
    from storyline.attribute_model import BoundaryModel, TreeEnsemble

    if learner == "trees":
        trees = _fit_trees(rows)
        return (BoundaryModel(weights={}, bias=0.0, threshold=0.0, trees=TreeEnsemble.from_json(trees)),
                {"bias": 0.0, "weights": {}, "trees": trees})
    weights, bias = _fit(rows, c)
    return BoundaryModel(weights=weights, bias=bias, threshold=0.0), {"bias": round(bias, 5),
                                                                      "weights": dict(sorted(weights.items()))}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", type=Path, default=DEFAULT_SPLIT)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--cache", type=Path, default=None, help="DocBin file to reuse parses between runs")
    ap.add_argument("--c", type=float, default=0.1, help="inverse regularisation strength")
    ap.add_argument("--min-precision", type=float, default=0.86)
    ap.add_argument("--quote-threshold", type=float, default=None,
                    help="keep threshold for quotations, instead of the cross-validated choice")
    ap.add_argument("--learner", choices=["trees", "logistic"], default="trees")
    args = ap.parse_args()
    if args.quote_threshold is not None and args.quote_threshold not in _QUOTE_THRESHOLDS:
        ap.error(f"--quote-threshold must be one of {_QUOTE_THRESHOLDS}")
    if not (args.split / "text").is_dir() or not (SHARED / "eval" / "score_attribution.py").exists():
        print(json.dumps({"skipped": f"no PolNeAR split at {args.split}"}))
        return 0
    sc = _scorer()
    gold_docs = sc.load_split(args.split, None)
    parsed = _parse([t for _, t, _ in gold_docs], args.cache)
    rows = _rows(sc, gold_docs, parsed)
    # Cross-validated choice of the keep threshold (document folds, train only).
    chosen: list[Any] = [None] * len(rows)
    for k in range(_FOLDS):
        fold_model, _ = _model([r for i, r in enumerate(rows) if i % _FOLDS != k], args.learner, args.c)
        for i, r in enumerate(rows):
            if i % _FOLDS == k:
                chosen[i] = _choose(r, fold_model)
    matcher = _Matcher(sc, gold_docs, rows)
    table = []
    for t in _THRESHOLDS:
        for tb in _BELIEF_THRESHOLDS:
            for tq, ts in ((q, s) for q in _QUOTE_THRESHOLDS for s in _SHORT_THRESHOLDS):
                table.append({"threshold": t, "belief_threshold": tb, "quote_threshold": tq, "short_threshold": ts,
                              **matcher(chosen, (t, tb, tq, ts))})
    ok = [r for r in table if r["precision"] >= args.min_precision] or table
    # Both acceptance figures count (overall F1 and recall of speech attributions): take the setting
    # whose weaker figure comes closest to its bar.
    best = max(ok, key=lambda r: (min(r["f1"] / _F1_BAR, r["speech_recall"] / _SPEECH_BAR), r["f1"]))
    if args.quote_threshold is not None:
        # A product floor the CV cannot see: the demo corpus's scare quotes ('speaks of "narrowing
        # gaps"') score between 0.2 and 0.4. The CV row of the pinned setting is what gets reported.
        best = next(r for r in table if r["quote_threshold"] == args.quote_threshold and all(
            r[k] == best[k] for k in ("threshold", "belief_threshold", "short_threshold")))
    _, fitted = _model(rows, args.learner, args.c)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "version": 2, "trained_on": "PolNeAR train (first annotator per article)", "learner": args.learner,
        "c": args.c, "threshold": best["threshold"], "belief_threshold": best["belief_threshold"],
        "quote_threshold": best["quote_threshold"], "short_threshold": best["short_threshold"],
        "cv": best, **fitted,
    }, separators=(",", ":")) + "\n", encoding="utf-8")
    print(json.dumps({"cv_table": table, "chosen": best, "out": str(args.out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
