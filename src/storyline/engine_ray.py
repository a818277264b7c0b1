"""The Ray engine: the per-document stages on Ray Data, everything else as in the local engine.

`storyline.pipeline.analyze` with ``engine="ray"`` gets its batches from `ray_batches`:

1. The driver streams `iter_inputs` into input Parquet shards of one batch each (one input per
   row, with its ordinal), so it never holds more than one batch of raw inputs.
2. A Ray dataset of the shard paths (one block per shard) goes through `DocumentWorker` actors with
   ``map_batches``. Each actor loads spaCy and the sentence embedder once, then runs
   `pipeline.process_inputs` (the very function the local engine runs) on each shard. Ray's
   streaming executor bounds the blocks in flight, so slow actors hold the rest back instead of
   results piling up in memory.
3. The actors' results go to output Parquet shards: the document pickled into a bytes column, and
   its MinHash signature, story vector and claim vectors as list columns.
4. The driver reads the output shards back in input order and yields them as the same batches the
   local engine stores, so the store and the cross-document stages see exactly what they would see
   locally.

Ray is imported only here, and only when this engine runs. The scratch folder lives next to the
database; on a multi-node cluster it must be on storage that every node can reach.
"""

from __future__ import annotations

import heapq
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from storyline._exceptions import EngineError
from storyline.ingest import iter_inputs
from storyline.kb import KnowledgeBase
from storyline.memory import release_free_memory
from storyline.pipeline import BatchResult, batched, process_inputs
from storyline.records import Document, RawInput, Rejection

#: Columns of the input shards.
_INPUT_COLUMNS = (
    "ordinal",
    "source",
    "data",
    "data_is_text",
    "format_hint",
    "title",
    "url",
    "outlet",
    "published",
    "reason",
    "message",
)


def ray_batches(
    paths: Sequence[str | os.PathLike[str]],
    *,
    scratch: str | os.PathLike[str],
    batch_size: int,
    kb: KnowledgeBase | None = None,
    stdin: BinaryIO | None = None,
    address: str | None = None,
    workers: int | None = None,
    show_progress: bool = False,
    split_stored: Callable[[Sequence[RawInput | Rejection]], tuple[list[RawInput | Rejection], list[str]]]
    | None = None,
) -> Iterator[BatchResult]:
    """Run the per-document stages on Ray and yield the results batch by batch, in input order.

    Args:
        paths: files, folders and "-" (stdin).
        scratch: folder under which the Parquet shards are written (removed afterwards).
        batch_size: inputs per batch, as in the local engine.
        kb: the knowledge base (None: the shipped one).
        stdin: stream used for "-".
        address: None or "local" starts a private Ray instance; "auto" or "ray://host:port" joins a cluster.
        workers: actors in the pool (None: one per CPU but one, at most one per input shard).
        show_progress: let Ray Data draw its progress bars on stderr.
        split_stored: per batch of inputs, (those to analyse, ids of those already stored); the
            stored ones are reported first, in one result, and never sent to Ray.

    Raises:
        EngineError: Ray is not installed or the cluster cannot be reached.
    """
    if workers is not None and workers < 1:
        raise EngineError(f"--workers must be at least 1, not {workers}")
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise EngineError("the Ray engine needs Ray: pip install 'storyline[ray]' (or 'ray[data]==2.60.0')") from exc
    folder = Path(tempfile.mkdtemp(prefix=".storyline-ray-", dir=Path(scratch)))
    started_here = False
    ctx = ray.data.DataContext.get_current()
    saved = (ctx.execution_options.preserve_order, ctx.enable_progress_bars)
    try:
        inputs, outputs = folder / "inputs", folder / "outputs"
        stored: list[str] = []

        def fresh_inputs() -> Iterator[RawInput | Rejection]:
            for batch in batched(iter_inputs(paths, stdin=stdin), batch_size):
                fresh, known = split_stored(batch) if split_stored else (batch, [])
                stored.extend(known)
                yield from fresh

        total = write_input_shards(fresh_inputs(), inputs, rows_per_file=batch_size)
        if stored:
            yield BatchResult(stored=stored)
        if total == 0:
            return
        started_here = _connect(ray, address=address, workers=workers)
        # By default one CPU stays free for Ray Data's own tasks (the shard writes) and the driver.
        size = workers or max(1, min(int(ray.cluster_resources().get("CPU", 1)) - 1, -(-total // batch_size)))
        # Output shards are merged by ordinal either way; preserving order keeps that merge streaming.
        ctx.execution_options.preserve_order = True
        ctx.enable_progress_bars = show_progress
        logging.getLogger("ray.data").setLevel(logging.INFO if show_progress else logging.WARNING)
        # One block per input shard, and a shard is one local-engine batch: every actor gets work,
        # and each batch holds the same documents as in the local engine.
        shards = [{"shard": str(f)} for f in sorted(inputs.glob("*.parquet"))]
        dataset = ray.data.from_items(shards, override_num_blocks=len(shards)).map_batches(
            DocumentWorker,
            batch_size=1,
            batch_format="pyarrow",
            fn_constructor_kwargs={"kb": kb},
            compute=ray.data.ActorPoolStrategy(size=size),
            num_cpus=1,
        )
        try:
            dataset.write_parquet(str(outputs))
        except Exception as exc:  # Ray wraps actor and task failures in several unrelated types
            raise EngineError(f"the Ray job failed: {exc}") from exc
        yield from _batches(read_output_shards(outputs), batch_size=batch_size, total=total)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        ctx.execution_options.preserve_order, ctx.enable_progress_bars = saved
        if started_here:
            ray.shutdown()


def _connect(ray: Any, *, address: str | None, workers: int | None) -> bool:
    """Connect to Ray unless already connected; True when this call started a private instance."""
    if ray.is_initialized():
        return False
    options: dict[str, Any] = {"include_dashboard": False, "logging_level": logging.WARNING}
    try:
        if address in (None, "", "local"):
            # One CPU more than the actors need, so Ray Data's read and write tasks can still run.
            ray.init(num_cpus=max(os.cpu_count() or 1, (workers or 0) + 1), **options)
        else:
            ray.init(address=address, **options)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise EngineError(f"cannot start or reach Ray at {address or 'a local instance'}: {exc}") from exc
    return True


def write_input_shards(items: Iterable[RawInput | Rejection], folder: Path, *, rows_per_file: int) -> int:
    """Write inputs to Parquet files of ``rows_per_file`` rows each, numbered in input order.

    Args:
        items: inputs and ingest rejections, in input order.
        folder: where the files go (created).
        rows_per_file: rows per file; equal to the batch size so Ray's batches match the local ones.

    Returns:
        The number of inputs written.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder.mkdir(parents=True, exist_ok=True)
    schema = pa.schema(
        [
            ("ordinal", pa.int64()),
            ("source", pa.string()),
            ("data", pa.binary()),
            ("data_is_text", pa.bool_()),
            *((name, pa.string()) for name in _INPUT_COLUMNS[4:]),
        ]
    )
    total = 0
    rows: list[dict[str, Any]] = []
    for ordinal, item in enumerate(items):
        rows.append(_input_row(ordinal, item))
        total = ordinal + 1
        if len(rows) == rows_per_file:
            pq.write_table(
                pa.Table.from_pylist(rows, schema=schema), folder / f"input-{rows[0]['ordinal']:012d}.parquet"
            )
            rows.clear()
    if rows:
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), folder / f"input-{rows[0]['ordinal']:012d}.parquet")
    return total


def _input_row(ordinal: int, item: RawInput | Rejection) -> dict[str, Any]:
    if isinstance(item, Rejection):
        return {"ordinal": ordinal, "source": item.source, "reason": item.reason, "message": item.message}
    text = isinstance(item.data, str)
    data = item.data.encode("utf-8", "surrogatepass") if isinstance(item.data, str) else item.data
    return {
        "ordinal": ordinal,
        "source": item.source,
        "data": data,
        "data_is_text": text,
        "format_hint": item.format_hint,
        "title": item.title,
        "url": item.url,
        "outlet": item.outlet,
        "published": item.published,
    }


def _input_item(row: dict[str, Any]) -> RawInput | Rejection:
    if row["reason"] is not None:
        return Rejection(row["source"], row["reason"], row["message"])
    data = row["data"].decode("utf-8", "surrogatepass") if row["data_is_text"] else row["data"]
    return RawInput(
        source=row["source"],
        data=data,
        format_hint=row["format_hint"],
        title=row["title"],
        url=row["url"],
        outlet=row["outlet"],
        published=row["published"],
    )


class DocumentWorker:
    """A Ray Data actor: loads the models once, then turns batches of inputs into result rows.

    Args:
        kb: the knowledge base (None: the shipped one).
    """

    def __init__(self, *, kb: KnowledgeBase | None = None) -> None:
        from storyline.embed import embed
        from storyline.nlp import get_nlp

        self.kb = kb
        # Load both models now, once per actor, rather than inside the first batch.
        get_nlp()
        embed(["warm up"])

    def __call__(self, batch: Any) -> Any:
        """Process input shards (a pyarrow table with their paths) into a table of result rows.

        Args:
            batch: rows with a ``shard`` column, the path of an input shard written by `write_input_shards`.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        tables = []
        for shard in batch.column("shard").to_pylist():
            rows = pq.read_table(shard).to_pylist()
            done = process_inputs([_input_item(row) for row in rows], kb=self.kb)
            tables.append(result_table([row["ordinal"] for row in rows], done))
            del done
            release_free_memory()
        return pa.concat_tables(tables)


def result_table(ordinals: Sequence[int], done: BatchResult) -> Any:
    """The output shard rows for one processed batch, one row per input.

    Args:
        ordinals: the inputs' ordinals, in input order.
        done: what `pipeline.process_inputs` returned for those inputs.
    """
    import pyarrow as pa

    rows: list[dict[str, Any]] = []
    for ordinal, item in zip(ordinals, done.outcomes, strict=True):
        if isinstance(item, Rejection):
            rows.append({"ordinal": ordinal, "rejection": pickle.dumps(item)})
            continue
        story = item.story_vector
        claims = done.vectors.get(item.id, {})
        rows.append(
            {
                "ordinal": ordinal,
                # The vectors travel as list columns; the pickled document carries the rest.
                "document": pickle.dumps(replace(item, story_vector=None), protocol=pickle.HIGHEST_PROTOCOL),
                "signature": done.signatures[item.id].tolist() if item.id in done.signatures else None,
                "story_vector": None if story is None else np.asarray(story, dtype=np.float32).tolist(),
                "claim_ids": list(claims),
                "claim_vectors": [np.asarray(v, dtype=np.float32).tolist() for v in claims.values()],
            }
        )
    schema = pa.schema(
        [
            ("ordinal", pa.int64()),
            ("rejection", pa.binary()),
            ("document", pa.binary()),
            ("signature", pa.list_(pa.uint32())),
            ("story_vector", pa.list_(pa.float32())),
            ("claim_ids", pa.list_(pa.string())),
            ("claim_vectors", pa.list_(pa.list_(pa.float32()))),
        ]
    )
    return pa.Table.from_pylist(rows, schema=schema)


def read_output_shards(folder: Path) -> Iterator[dict[str, Any]]:
    """Yield the result rows of all output shards in ordinal order, one shard in memory at a time.

    Shards are visited by their smallest ordinal; a row is released once no later shard can hold a
    smaller one, so the merge is exact even if shards overlap and streaming when they do not.

    Args:
        folder: the folder Ray Data wrote the output shards to.
    """
    import pyarrow.parquet as pq

    files = sorted(folder.glob("*.parquet"))
    starts = []
    for file in files:
        column = pq.read_table(file, columns=["ordinal"]).column("ordinal").to_pylist()
        if column:
            starts.append((min(column), str(file)))
    starts.sort()
    pending: list[tuple[int, dict[str, Any]]] = []
    for i, (_, file_name) in enumerate(starts):
        for row in pq.read_table(file_name).to_pylist():
            heapq.heappush(pending, (row["ordinal"], row))
        bound = starts[i + 1][0] if i + 1 < len(starts) else None
        while pending and (bound is None or pending[0][0] < bound):
            yield heapq.heappop(pending)[1]


def _result(row: dict[str, Any]) -> tuple[Document | Rejection, np.ndarray | None, dict[str, np.ndarray]]:
    # The shards are written by this run's own actors into a private folder: unpickling is safe.
    if row["rejection"] is not None:
        rejection: Rejection = pickle.loads(row["rejection"])
        return rejection, None, {}
    doc: Document = pickle.loads(row["document"])
    if row["story_vector"] is not None:
        doc.story_vector = np.asarray(row["story_vector"], dtype=np.float32)
    signature = None if row["signature"] is None else np.asarray(row["signature"], dtype=np.uint32)
    claims = {
        cid: np.asarray(vec, dtype=np.float32) for cid, vec in zip(row["claim_ids"], row["claim_vectors"], strict=True)
    }
    return doc, signature, claims


def _batches(rows: Iterator[dict[str, Any]], *, batch_size: int, total: int) -> Iterator[BatchResult]:
    """Regroup ordered result rows into batches of ``batch_size`` inputs, as the local engine stores them."""
    seen = 0
    current = BatchResult()
    for expected, row in enumerate(rows):
        if row["ordinal"] != expected:
            raise EngineError(f"the Ray engine lost input {expected}: its results jump to input {row['ordinal']}")
        seen = expected + 1
        item, signature, claims = _result(row)
        current.outcomes.append(item)
        if isinstance(item, Document):
            if signature is not None:
                current.signatures[item.id] = signature
            if claims:
                current.vectors[item.id] = claims
        if len(current.outcomes) == batch_size:
            yield current
            current = BatchResult()
    if current.outcomes:
        yield current
    if seen != total:
        raise EngineError(f"the Ray engine returned {seen} results for {total} inputs")


__all__ = ["DocumentWorker", "ray_batches", "read_output_shards", "result_table", "write_input_shards"]
