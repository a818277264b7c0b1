"""The `storyline` command line: a thin layer over the library.

Exit codes: 0 success; 1 finished, but some inputs were rejected (each is reported); 2 usage
error; 3 nothing done because of an error (bad database, unwritable output...).
"""

from __future__ import annotations

import json
import os
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from storyline import __version__
from storyline._exceptions import StorylineError

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3

app = typer.Typer(
    name="storyline",
    help="Turn a pile of news articles into a dated, source-attributed, cross-checked account of the story.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
err = Console(stderr=True)
out = Console()

DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB database file.", dir_okay=False)]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="Print nothing but errors.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a machine-readable JSON summary on stdout.")]


class Engine(StrEnum):
    """Where `analyze` runs the per-document stages."""

    local = "local"
    ray = "ray"


def _fail(exc: Exception) -> typer.Exit:
    err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
    return typer.Exit(EXIT_ERROR)


def _version(value: bool) -> None:
    if value:
        out.print(f"storyline {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Storyline command line."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@app.command()
def analyze(
    paths: Annotated[
        list[str],
        typer.Argument(
            help="Files or folders (recursive) of .txt, .md, .html, .json, "
            ".jsonl, optionally .gz; '-' reads standard input."
        ),
    ],
    db: DbOption = Path("storyline.duckdb"),
    kb: Annotated[
        list[Path] | None,
        typer.Option(
            "--kb",
            help="Extra knowledge-base JSON file (actors with aliases and dated roles); repeatable.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    quiet: QuietOption = False,
    as_json: JsonOption = False,
    engine: Annotated[
        Engine,
        typer.Option(
            "--engine",
            help="Where the per-document stages run: this process, or Ray Data workers (needs the 'ray' extra).",
        ),
    ] = Engine.local,
    address: Annotated[
        str | None,
        typer.Option(
            "--address", help="Ray only: 'auto' or 'ray://host:port' joins a cluster; default starts a local one."
        ),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Ray only: worker actors (default: one per CPU, less one).")
    ] = None,
) -> None:
    """Analyse documents into the database (created if missing, extended if present)."""
    from storyline.pipeline import analyze as run_analyze

    show_progress = not quiet and not as_json and err.is_terminal
    started = time.perf_counter()
    try:
        if show_progress:
            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.completed} docs · {task.fields[rate]} docs/s"),
                TimeElapsedColumn(),
                console=err,
                transient=True,
            ) as bar:
                task = bar.add_task("analysing", total=None, rate="–")

                def progress(seen: int, added: int) -> None:
                    rate = seen / max(time.perf_counter() - started, 1e-9)
                    bar.update(task, completed=seen, rate=f"{rate:.1f}")

                summary = run_analyze(
                    paths,
                    db=db,
                    progress=progress,
                    kb_files=kb or (),
                    engine=engine.value,
                    address=address,
                    workers=workers,
                )
        else:
            summary = run_analyze(
                paths, db=db, kb_files=kb or (), engine=engine.value, address=address, workers=workers
            )
    except StorylineError as exc:
        raise _fail(exc) from exc
    for warning in summary.warnings:
        err.print(f"[cyan]warning:[/] {warning}", markup=True, highlight=False, soft_wrap=True)
    for rejection in summary.rejected:
        err.print(f"[yellow]rejected:[/] {rejection.message}", markup=True, highlight=False, soft_wrap=True)
    if as_json:
        sys.stdout.write(json.dumps(summary.as_dict()) + "\n")
    elif not quiet:
        table = Table(title=f"storyline analyze → {summary.db}", show_header=False)
        rate = f"{summary.seen / summary.seconds:.1f} docs/s" if summary.seconds else "–"
        for label, value in [
            ("inputs read", summary.seen),
            ("documents added", summary.added),
            ("already stored (unchanged)", summary.unchanged),
            ("new versions of known files", summary.new_versions),
            ("rejected", len(summary.rejected)),
            ("duplicates in store", summary.duplicates),
            ("non-English", summary.non_english),
            ("documents in store", summary.totals.get("documents", 0)),
            ("quotes / claims", f'{summary.totals.get("quotes", 0)} / {summary.totals.get("claims", 0)}'),
            ("relations between claims", summary.totals.get("relations", 0)),
            ("entities / stories", f'{summary.totals.get("entities", 0)} / {summary.totals.get("stories", 0)}'),
            ("flags raised", summary.totals.get("flags", 0)),
            ("time", f"{summary.seconds:.2f} s ({rate})"),
        ]:
            table.add_row(label, str(value))
        out.print(table)
    raise typer.Exit(EXIT_PARTIAL if summary.rejected else EXIT_OK)


@app.command()
def export(
    db: DbOption = Path("storyline.duckdb"),
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="json (the story bundle), jsonl, csv or parquet.")
    ] = "json",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Output file (json/jsonl; default stdout) or folder (csv/parquet)."),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Export the analysis as the story bundle (json) or as tables (jsonl, csv, parquet)."""
    from storyline.export import export as run_export

    try:
        written = run_export(db, fmt=fmt, out=output)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if written is not None and not quiet:
        err.print(f"wrote {written}")


@app.command()
def report(
    db: DbOption = Path("storyline.duckdb"),
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")] = Path("report.html"),
    quiet: QuietOption = False,
) -> None:
    """Write a self-contained HTML report that opens offline from disk."""
    from storyline.report import write_report

    try:
        written = write_report(db, out=output)
    except StorylineError as exc:
        raise _fail(exc) from exc
    if not quiet:
        out.print(f"Report: {written.resolve()}")


@app.command()
def serve(
    db: DbOption = Path("storyline.duckdb"),
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    allow_upload: Annotated[
        bool, typer.Option("--allow-upload", help="Accept POST /api/documents (needs --token).")
    ] = False,
    token: Annotated[
        str | None, typer.Option("--token", envvar="STORYLINE_TOKEN", help="Bearer token for uploads.")
    ] = None,
    max_upload_bytes: Annotated[int, typer.Option("--max-upload-bytes", help="Largest upload accepted.")] = 5_000_000,
    max_uploads: Annotated[int, typer.Option("--max-uploads", help="Most uploads accepted per process.")] = 200,
) -> None:
    """Serve the report pages and a JSON API (docs at /docs); read-only unless --allow-upload."""
    from storyline.serve import serve as run_serve

    try:
        run_serve(db, host=host, port=port, allow_upload=allow_upload, token=token,
                  max_upload_bytes=max_upload_bytes, max_uploads=max_uploads)
    except ValueError as exc:
        err.print(f"[bold red]error:[/] {exc}", markup=True, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from exc
    except StorylineError as exc:
        raise _fail(exc) from exc


if __name__ == "__main__":  # pragma: no cover
    app()
