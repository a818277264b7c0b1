"""Build a large, realistic news-like corpus by recombining sentences from ``../shared/data``.

Usage: .venv/bin/python benchmarks/make_corpus.py --docs N --out DIR [--seed S]
       [--sentences-per-doc 6-14] [--shard-size 1000] [--near-dup 0.05] [--repost 0.03]

Each document is a JSONL record (``text``, ``title``, ``outlet``, ``published``, ``url``) written to
``DIR/shard-NNNNN.jsonl``. A document keeps a contiguous run of sentences from one source article
(PolNeAR texts or FNC-1 bodies, so it reads like one story), mixes in sentences from other
articles and MRPC/BABE, usually carries an attributed quote and sometimes an explicit date.
A share of documents are near-duplicates of earlier ones (one sentence changed, another outlet)
and stale re-posts (same text, another outlet, months later). The same seed gives the same
corpus, byte for byte. Every document is unique (text and metadata together).

The corpus is generated at run time from the shared data and belongs in /tmp, never in the
repository. Exits with a "skipped" message when ``../shared/data`` is absent.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

# A sentence ends at . ! or ? (optionally closed by a quote mark) before a capital or an opening quote.
_SENT_END = re.compile(
    r"(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bSt\.)(?<!\bMrs\.)(?<!\b[A-Z]\.)"
    r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘A-Z])"
)
_QUOTE_MARK = re.compile(r"[\"“”]")
_SPEECH = re.compile(r"\b(said|says|told|according to|stated|added|claimed|announced)\b")
_MONTHS = tuple(dt.date(2000, m, 1).strftime("%B") for m in range(1, 13))
# Outlet names of our own, added to those the data sets name, so re-posts can move between many.
_OWN_OUTLETS = (
    "Harbor Gazette",
    "Capitol Ledger",
    "Northside Post",
    "Valley Courier",
    "Evening Dispatch",
    "Metro Bulletin",
    "Coastline Times",
    "Plains Observer",
    "Riverside Herald",
    "Summit Review",
)


@dataclass(slots=True)
class Source:
    """One source article: its sentences and whatever metadata the data set gives."""

    sentences: list[str]
    title: str | None = None
    outlet: str | None = None
    published: dt.date | None = None


@dataclass(slots=True)
class Pools:
    """Everything sampled from: coherent source articles, loose sentences, quotes, outlets."""

    articles: list[Source] = field(default_factory=list)
    loose: list[str] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)


def split_sentences(text: str) -> list[str]:
    """Sentences of a text, whitespace-normalised, keeping those of a plausible length.

    Args:
        text: a paragraph or article body.
    """
    out = []
    for para in re.split(r"\n\s*\n", text):
        for sent in _SENT_END.split(" ".join(para.split())):
            sent = sent.strip()
            if 30 <= len(sent) <= 400 and (sent[0].isupper() or sent[0] in '"“'):
                out.append(sent)
    return out


def load_pools(data: Path = DATA) -> Pools:
    """Read the shared data sets into sampling pools (a few seconds).

    Args:
        data: the ``shared/data`` folder.
    """
    pools = Pools()
    meta: dict[str, tuple[str, str, str]] = {}
    meta_file = data / "polnear" / "metadata.tsv"
    if meta_file.is_file():
        with meta_file.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                meta[row["filename"]] = (row["title"], row["publisher"], row["publication_date"])
    for split in ("train", "dev"):
        for path in sorted((data / "polnear" / split / "text").glob("*.txt")):
            sents = split_sentences(path.read_text(encoding="utf-8", errors="replace"))
            title, outlet, day = meta.get(path.stem, (None, None, None))
            if len(sents) >= 4:
                # The first line of a PolNeAR text repeats its headline; the body starts after it.
                body = sents[1:] if title and sents[0].rstrip(".") == title.rstrip(".") else sents
                pools.articles.append(Source(body, title=title, outlet=outlet, published=_date(day)))
    bodies = data / "fnc1-dev" / "bodies.csv"
    if bodies.is_file():
        with bodies.open(encoding="utf-8", errors="replace") as fh:
            for row in csv.DictReader(fh):
                sents = split_sentences(row["articleBody"])
                if len(sents) >= 4:
                    pools.articles.append(Source(sents))
    mrpc = data / "mrpc-dev" / "msr_paraphrase_train.txt"
    if mrpc.is_file():
        with mrpc.open(encoding="utf-8-sig", errors="replace") as fh:
            for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                pools.loose.extend(s for s in (row["#1 String"], row["#2 String"]) if s and len(s) >= 30)
    babe = data / "babe-dev" / "babe.csv"
    outlets = set(_OWN_OUTLETS)
    if babe.is_file():
        with babe.open(encoding="utf-8", errors="replace") as fh:
            for row in csv.DictReader(fh):
                pools.loose.extend(split_sentences(row["text"]))
                if row.get("outlet"):
                    outlets.add(row["outlet"].strip())
    outlets.update(a.outlet for a in pools.articles if a.outlet)
    pools.outlets = sorted(outlets)
    every = [s for a in pools.articles for s in a.sentences] + pools.loose
    pools.quotes = [s for s in every if _QUOTE_MARK.search(s) and _SPEECH.search(s)]
    return pools


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _date_sentence(rng: random.Random, day: dt.date) -> str:
    """A sentence of our own that states a date, so dating has explicit evidence to find."""
    when = day - dt.timedelta(days=rng.randint(0, 6))
    stated = f"{_MONTHS[when.month - 1]} {when.day}, {when.year}"
    return rng.choice(
        (
            f"The figures were released on {stated}.",
            f"Officials first described the plan on {stated}.",
            f"A hearing on the matter took place on {stated}.",
            f"The statement was issued on {stated}, according to a spokesperson.",
        )
    )


def _paragraphs(rng: random.Random, sentences: list[str]) -> str:
    """Join sentences into paragraphs of one to three sentences, as news copy is laid out."""
    paras: list[str] = []
    i = 0
    while i < len(sentences):
        n = rng.choice((1, 1, 2, 2, 3))
        paras.append(" ".join(sentences[i : i + n]))
        i += n
    return "\n\n".join(paras)


def _headline(rng: random.Random, src: Source, lead: str) -> str:
    if src.title and rng.random() < 0.7:
        return src.title
    words = lead.rstrip(".").split()
    return " ".join(words[: rng.randint(7, 12)]).strip(',;:"“”')


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def generate(
    n: int,
    *,
    pools: Pools,
    seed: int = 0,
    sentences: tuple[int, int] = (6, 14),
    near_dup: float = 0.05,
    repost: float = 0.03,
) -> Iterator[dict[str, str]]:
    """Yield ``n`` unique document records, deterministic for a seed.

    Args:
        n: documents to generate.
        pools: from `load_pools`.
        seed: random seed.
        sentences: inclusive range of sentences per document.
        near_dup: share of documents that are near-copies of an earlier one.
        repost: share of documents that are stale re-posts of an earlier one.
    """
    rng = random.Random(seed)
    seen: set[str] = set()
    # Earlier documents kept for copying: a bounded reservoir, so memory stays flat for any n.
    recent: list[tuple[list[str], dict[str, str]]] = []
    made = 0
    while made < n:
        roll = rng.random()
        if recent and roll < near_dup:
            sents, rec = _near_copy(rng, pools, recent)
        elif recent and roll < near_dup + repost:
            sents, rec = _repost(rng, pools, recent)
        else:
            sents, rec = _fresh(rng, pools, sentences)
        key = hashlib.blake2b(json.dumps(rec, sort_keys=True).encode(), digest_size=12).hexdigest()
        if key in seen:
            continue
        seen.add(key)
        made += 1
        rec["url"] = f"https://{_slug(rec['outlet'])}.example/{made:07d}-{_slug(rec['title'])}"
        if len(recent) < 500:
            recent.append((sents, rec))
        else:
            recent[rng.randrange(500)] = (sents, rec)
        yield rec


def _fresh(rng: random.Random, pools: Pools, span: tuple[int, int]) -> tuple[list[str], dict[str, str]]:
    src = rng.choice(pools.articles)
    k = rng.randint(*span)
    run = min(len(src.sentences), max(3, int(k * rng.uniform(0.5, 0.8))))
    start = rng.randrange(len(src.sentences) - run + 1)
    body = list(src.sentences[start : start + run])
    lead = body[0]
    extra: list[str] = []
    while len(body) + len(extra) < k:
        pick = rng.random()
        if pick < 0.25 and pools.quotes:
            extra.append(rng.choice(pools.quotes))
        elif pick < 0.6 and pools.loose:
            extra.append(rng.choice(pools.loose))
        else:
            extra.append(rng.choice(rng.choice(pools.articles).sentences))
    day = src.published or dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(3 * 365))
    day += dt.timedelta(days=rng.randint(-3, 3))
    if rng.random() < 0.3:
        extra.append(_date_sentence(rng, day))
    if pools.quotes and rng.random() < 0.7 and not any(_QUOTE_MARK.search(s) for s in body + extra):
        extra.append(rng.choice(pools.quotes))
    rest = body[1:] + extra
    rng.shuffle(rest)
    sents = [lead, *rest]
    rec = {
        "title": _headline(rng, src, lead),
        "outlet": src.outlet if src.outlet and rng.random() < 0.5 else rng.choice(pools.outlets),
        # Some records state no date, so dating from content has work to do.
        "published": day.isoformat() if rng.random() < 0.9 else "",
        "text": _paragraphs(rng, sents),
    }
    return sents, rec


def _near_copy(
    rng: random.Random, pools: Pools, recent: list[tuple[list[str], dict[str, str]]]
) -> tuple[list[str], dict[str, str]]:
    sents, rec = rng.choice(recent)
    sents = list(sents)
    i = rng.randrange(1, len(sents)) if len(sents) > 1 else 0
    if rng.random() < 0.5 and len(sents) > 4:
        del sents[i]
    else:
        sents[i] = rng.choice(pools.loose or sents)
    out = dict(rec, outlet=rng.choice(pools.outlets), text=_paragraphs(rng, sents))
    out["published"] = _shift(rec["published"], rng.randint(0, 3))
    return sents, out


def _repost(
    rng: random.Random, pools: Pools, recent: list[tuple[list[str], dict[str, str]]]
) -> tuple[list[str], dict[str, str]]:
    sents, rec = rng.choice(recent)
    out = dict(rec, outlet=rng.choice(pools.outlets))
    out["published"] = _shift(rec["published"], rng.randint(180, 900))
    return sents, out


def _shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat() if day else ""


def write_corpus(
    out: Path,
    n: int,
    *,
    seed: int = 0,
    sentences: tuple[int, int] = (6, 14),
    shard_size: int = 1000,
    near_dup: float = 0.05,
    repost: float = 0.03,
    pools: Pools | None = None,
) -> list[Path]:
    """Write ``n`` documents as JSONL shards under ``out``; return the shard paths.

    Args:
        out: the folder (created; existing shards are overwritten).
        n: documents.
        seed: random seed.
        sentences: inclusive range of sentences per document.
        shard_size: documents per JSONL file.
        near_dup: share of near-copies.
        repost: share of stale re-posts.
        pools: pre-loaded pools (loaded from the shared data when None).
    """
    pools = pools or load_pools()
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("shard-*.jsonl"):
        old.unlink()
    paths: list[Path] = []
    fh = None
    try:
        docs = generate(n, pools=pools, seed=seed, sentences=sentences, near_dup=near_dup, repost=repost)
        for i, rec in enumerate(docs):
            if i % shard_size == 0:
                if fh:
                    fh.close()
                paths.append(out / f"shard-{i // shard_size:05d}.jsonl")
                fh = paths[-1].open("w", encoding="utf-8")
            assert fh is not None
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    finally:
        if fh:
            fh.close()
    return paths


def parse_span(value: str) -> tuple[int, int]:
    """Parse "a-b" (or "a") into an inclusive range.

    Args:
        value: the option's text.
    """
    lo, _, hi = value.partition("-")
    a, b = int(lo), int(hi or lo)
    if not 1 <= a <= b:
        raise argparse.ArgumentTypeError(f"expected a-b with 1 <= a <= b, got {value!r}")
    return a, b


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, required=True, help="documents to generate")
    ap.add_argument("--out", type=Path, required=True, help="output folder (use /tmp, not the repository)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sentences-per-doc", type=parse_span, default=(6, 14), metavar="A-B")
    ap.add_argument("--shard-size", type=int, default=1000, help="documents per JSONL file")
    ap.add_argument("--near-dup", type=float, default=0.05, help="share of near-duplicate documents")
    ap.add_argument("--repost", type=float, default=0.03, help="share of stale re-posts")
    args = ap.parse_args()
    if not (DATA / "polnear").is_dir():
        print(json.dumps({"skipped": f"{DATA} is absent"}))
        return 0
    paths = write_corpus(
        args.out,
        args.docs,
        seed=args.seed,
        sentences=args.sentences_per_doc,
        shard_size=args.shard_size,
        near_dup=args.near_dup,
        repost=args.repost,
    )
    size = sum(p.stat().st_size for p in paths)
    print(json.dumps({"docs": args.docs, "shards": len(paths), "bytes": size, "out": str(args.out)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
