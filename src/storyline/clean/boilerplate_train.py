"""Fit the boilerplate line model on invented, labelled pages and report held-out figures.

Run ``python -m storyline.clean.boilerplate_train`` to rebuild ``data/boilerplate/model.json``.
The example lines live in ``data/boilerplate/*.txt`` (written for this project, no third-party
text). Pages are assembled at random from them; cross-validation splits the *example lines* into
folds first, so a test page never contains a line (or template) seen in training.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from storyline.clean.boilerplate import DATA_DIR, MODEL_FILE, page_features

_SITES = (
    "dailyledger.com",
    "northgazette.net",
    "The Morning Courier",
    "rivertimes.org",
    "Harbor Post",
    "civicwire.news",
    "eastvalleyherald.com",
    "The Plainsman",
    "metroreport.co",
    "Lakeside Tribune",
)
_SECTIONS = (
    "World",
    "WORLD",
    "Politics",
    "POLITICS",
    "Global News",
    "Business",
    "Local",
    "Opinion",
    "Europe",
    "U.S.",
    "National",
    "Economy",
    "Health",
    "Breaking",
)
_NAMES = (
    "Maria Okafor",
    "Daniel Reyes",
    "Li Wen",
    "Sarah Lindqvist",
    "Tomas Novak",
    "Aisha Rahman",
    "Peter Hall",
    "Jean Moreau",
    "Ravi Menon",
    "Elena Petrova",
)
_PLACES = ("Riverton", "the northern provinces", "Lisbon", "Nairobi", "the capital", "Ohio", "Kraków", "the valley")
_ORGS = (
    "The health ministry",
    "The Institute for Public Policy",
    "the transport authority",
    "Northwind Energy",
    "the World Food Council",
    "the city's police department",
)


@dataclass(frozen=True, slots=True)
class Example:
    """One example line template.

    Args:
        text: the template, placeholders in braces.
        kind: its group ("share", "comment", ..., "sentence", "heading").
        boilerplate: whether the line is boilerplate.
    """

    text: str
    kind: str
    boilerplate: bool


def load_examples() -> tuple[list[Example], list[str]]:
    """The example line templates and the invented headlines."""
    base = DATA_DIR
    examples: list[Example] = []
    for name, label in (("lines_boilerplate.txt", True), ("lines_article.txt", False)):
        kind = "?"
        for line in (base / name).read_text(encoding="utf-8").splitlines():
            if line.startswith("## "):
                kind = line[3:].strip()
            elif line.strip() and not line.startswith("#"):
                examples.append(Example(line.strip(), kind, label))
    heads = [
        ln.strip()
        for ln in (base / "headlines.txt").read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    return examples, heads


def _fill(template: str, rng: random.Random, heads: list[str]) -> str:
    out = template
    if "{headline}" in out:
        head = rng.choice(heads)
        if rng.random() < 0.5:
            # Many sites write headlines in sentence case.
            head = head[0] + " ".join(w if w.isupper() else w.lower() for w in head.split())[1:]
        out = out.replace("{headline}", head, 1)
    for key, pool in (
        ("{site}", _SITES),
        ("{section}", _SECTIONS),
        ("{name}", _NAMES),
        ("{place}", _PLACES),
        ("{org}", _ORGS),
        ("{headline}", heads),
    ):
        while key in out:
            out = out.replace(key, rng.choice(pool), 1)
    while "{n}" in out:
        out = out.replace("{n}", str(rng.choice((1, 2, 3, 5, 12, 48, 150, 1200))), 1)
    while "{year}" in out:
        out = out.replace("{year}", str(rng.randint(2009, 2026)), 1)
    return out


def make_page(rng: random.Random, examples: list[Example], heads: list[str]) -> tuple[list[str], list[int], str]:
    """One invented page: its lines (title and byline left out), labels (1 = boilerplate) and title."""
    sentences = [e for e in examples if e.kind == "sentence"]
    headings = [e for e in examples if e.kind == "heading"]
    listing = [e for e in examples if e.kind == "list"]
    by_kind: dict[str, list[Example]] = {}
    for e in examples:
        if e.boilerplate:
            by_kind.setdefault(e.kind, []).append(e)
    title = rng.choice(heads)
    lines: list[str] = []
    labels: list[int] = []

    def add(kinds: tuple[str, ...], k: int) -> None:
        for _ in range(k):
            pool = [e for kd in kinds for e in by_kind.get(kd, [])]
            if pool:
                lines.append(_fill(rng.choice(pool).text, rng, heads))
                labels.append(1)

    # Header leftovers: share bars, section labels, image placeholders.
    add(("share", "navigation", "media"), rng.choice((0, 0, 1, 2)))
    if rng.random() < 0.15:
        lines.append(title)
        labels.append(1)
    for p in range(rng.randint(2, 12)):
        if p and headings and rng.random() < 0.08:
            lines.append(_fill(rng.choice(headings).text, rng, heads))
            labels.append(0)
        if listing and rng.random() < 0.15:
            # A run of list items (steps, ingredients, specifications) inside the article.
            for item in rng.sample(listing, min(len(listing), rng.randint(2, 5))):
                lines.append(_fill(item.text, rng, heads))
                labels.append(0)
        k = rng.choice((1, 1, 2, 2, 3, 4))
        para = " ".join(_fill(rng.choice(sentences).text, rng, heads) for _ in range(k))
        if rng.random() < 0.12:
            para = para.rstrip(".")  # dumps often lose the final full stop
        lines.append(para)
        labels.append(0)
        if rng.random() < 0.07:
            add(("related", "media", "subscribe"), 1)
    tail_kinds = rng.choice(
        (
            ("share", "comment"),
            ("subscribe", "legal"),
            ("related", "navigation"),
            ("share", "related", "comment", "legal"),
            ("media", "subscribe", "navigation", "legal"),
        )
    )
    add(tail_kinds, rng.choice((0, 1, 2, 3, 4, 6, 8)))
    return lines, labels, title


def _pages(
    rng: random.Random, examples: list[Example], heads: list[str], n: int
) -> tuple[list[dict[str, float]], list[int]]:
    feats: list[dict[str, float]] = []
    ys: list[int] = []
    for _ in range(n):
        lines, labels, title = make_page(rng, examples, heads)
        feats.extend(page_features(lines, title=title))
        ys.extend(labels)
    return feats, ys


def _fit(feats: list[dict[str, float]], ys: list[int], c: float) -> tuple[float, dict[str, float]]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform(feats)
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(x, ys)
    names = vec.get_feature_names_out()
    weights = {str(k): round(float(w), 4) for k, w in zip(names, clf.coef_[0], strict=True) if abs(w) >= 1e-3}
    return float(clf.intercept_[0]), weights


def main(argv: list[str] | None = None) -> int:
    """Cross-validate, then fit on everything and write the model JSON.

    Args:
        argv: optional ``[output_path]``.
    """
    from storyline.clean.boilerplate import BoilerplateModel

    examples, heads = load_examples()
    rng = random.Random(7)
    folds = 5
    fold_of = {id(e): rng.randrange(folds) for e in examples}
    head_fold = {h: rng.randrange(folds) for h in heads}
    c, threshold = 0.5, 0.5
    tp = fp = fn = tn = 0
    long_lost = long_total = 0
    for k in range(folds):
        train = [e for e in examples if fold_of[id(e)] != k]
        test = [e for e in examples if fold_of[id(e)] == k]
        bias, weights = _fit(*_pages(rng, train, [h for h in heads if head_fold[h] != k], 600), c)
        model = BoilerplateModel(bias, weights, threshold)
        tf, ty = _pages(rng, test, [h for h in heads if head_fold[h] == k] or heads, 200)
        for f, y in zip(tf, ty, strict=True):
            pred = model.drops(f)
            tp += pred and y == 1
            fp += pred and y == 0
            fn += (not pred) and y == 1
            tn += (not pred) and y == 0
            if y == 0 and (f.get("prose") or f.get("clause")):
                long_total += 1
                long_lost += pred
    precision = tp / max(1, tp + fp)
    recall = tp / max(1, tp + fn)
    report = {
        "cv_folds": folds,
        "boilerplate_precision": round(precision, 4),
        "boilerplate_recall": round(recall, 4),
        "boilerplate_f1": round(2 * precision * recall / max(1e-9, precision + recall), 4),
        "article_line_keep_rate": round(tn / max(1, tn + fp), 4),
        "prose_line_keep_rate": round(1 - long_lost / max(1, long_total), 4),
        "examples": len(examples),
    }
    bias, weights = _fit(*_pages(rng, examples, heads, 800), c)
    out = Path(argv[0]) if argv else DATA_DIR / MODEL_FILE
    out.write_text(
        json.dumps(
            {"bias": round(bias, 4), "threshold": threshold, "weights": dict(sorted(weights.items())), "cv": report},
            indent=0,
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    report["features"] = len(weights)
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
