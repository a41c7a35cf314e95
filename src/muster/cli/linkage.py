"""`muster link INPUT --out OUTPUT [--engine duckdb|spark] [--model M] [--save-model M]`.

SPEC §7, formats in §5. A model saved from one run (`--save-model`) links
another file, or the same file on another engine, without training (`--model`).
"""

from __future__ import annotations

import enum
import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from muster.cli.app import app, handled, read_input_file, refuse

if TYPE_CHECKING:
    import polars as pl

    from muster.linkage.link import LinkResult

__all__ = ["app", "link"]


class EngineChoice(enum.StrEnum):
    """Where Splink runs its SQL."""

    duckdb = "duckdb"
    spark = "spark"


class _Progress:
    """Steps with elapsed time on stderr, under a spinner when stderr is a terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.started = time.perf_counter()
        self.status = console.status("reading input")

    def __call__(self, message: str) -> None:
        elapsed = time.perf_counter() - self.started
        self.console.log(f"[dim]{elapsed:6.1f}s[/dim] {message}")
        self.status.update(message)


def _quiet_libraries() -> None:
    """Splink and py4j log at INFO/WARNING by default; the CLI shows its own progress."""
    for name in ("splink", "py4j", "pyspark"):
        logging.getLogger(name).setLevel(logging.ERROR)


@app.command("link")
def link(
    input_file: Annotated[
        Path,
        typer.Argument(
            metavar="INPUT", help="Link input, CSV or XLSX (SPEC §5).", show_default=False
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Where to write record_id,cluster_id.", show_default=False)
    ],
    engine: Annotated[
        EngineChoice, typer.Option("--engine", help="Where Splink runs (spark: local mode).")
    ] = EngineChoice.duckdb,
    model: Annotated[
        Path | None,
        typer.Option("--model", help="Use this saved model (Splink JSON) instead of training."),
    ] = None,
    save_model: Annotated[
        Path | None, typer.Option("--save-model", help="Write the model used (Splink JSON) here.")
    ] = None,
) -> None:
    """Cluster person records: records of one person get the same cluster_id."""
    # Imported here so that `muster --help` and other commands start fast.
    from muster.intake import read_link_frame
    from muster.settings import Settings

    if not input_file.is_file():
        refuse(f"{input_file}: no such file")
    if not out.parent.exists():
        refuse(f"{out.parent}: no such directory for --out")
    settings = _read_model(model) if model else None
    _quiet_libraries()
    progress = _Progress(Console(stderr=True, log_path=False))
    limits = Settings().local_file_limits()
    with progress.status:
        with handled():  # rejected input: every error by row and column on stderr, exit 1
            data = read_input_file(input_file, limits.max_upload_bytes)
            records = read_link_frame(data, input_file.name, limits).drop("row")
        progress(f"read {len(records):,} records")
        result = _link_and_write(records, engine, out, progress, settings)
        if save_model:
            save_model.write_text(json.dumps(result.settings, indent=1), encoding="utf-8")
    _summary(result, out, progress)


def _summary(result: LinkResult, out: Path, progress: _Progress) -> None:
    """Records, people and pairs to review, on stderr."""
    people = result.clusters["cluster_id"].n_unique()
    progress(f"wrote {out}: {len(result.clusters):,} records, {people:,} people")
    if len(result.review_pairs):
        progress(f"{len(result.review_pairs):,} pairs to review, most consequential first")


def _read_model(path: Path) -> dict[str, Any]:
    """A saved model's Splink settings, or a usage error."""
    try:
        settings = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        refuse(f"{path}: not a saved model ({error})")
    if not isinstance(settings, dict) or "comparisons" not in settings:
        refuse(f"{path}: not a saved model (no comparisons)")
    return settings


def _link_and_write(
    records: pl.DataFrame,
    engine: EngineChoice,
    out: Path,
    progress: _Progress,
    settings: dict[str, Any] | None,
) -> LinkResult:
    """Link the records and write the clusters.

    Splink is imported only here, after the input was read, so that a rejected
    file is reported without waiting for it.
    """
    from muster.linkage.engines import Engine, EngineUnavailable
    from muster.linkage.io import write_link_output
    from muster.linkage.link import link_records

    chosen: Engine = "spark" if engine is EngineChoice.spark else "duckdb"
    try:
        result = link_records(records, engine=chosen, settings=settings, progress=progress)
    except EngineUnavailable as error:
        refuse(str(error))
    write_link_output(result.clusters, out)
    return result
