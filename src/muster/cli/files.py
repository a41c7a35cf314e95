"""CLI: template, files list|get — list templates and the originals of every received file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from muster.cli.app import acting, app, refuse, usage_error
from muster.services.files import fetch_file, list_template, received_files
from muster.services.receipts import check_receipts

files_app = typer.Typer(help="Files received: every upload is kept byte for byte.")
app.add_typer(files_app, name="files")


@app.command()
def template(
    call: Annotated[int, typer.Option("--call")],
    unit: Annotated[str, typer.Option("--unit")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx or csv")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
) -> None:
    """Write a list pre-filled with the unit's roster, ready to fill in and submit."""
    if fmt not in ("xlsx", "csv"):
        usage_error("--format must be xlsx or csv")
    kind: Literal["xlsx", "csv"] = "xlsx" if fmt == "xlsx" else "csv"
    with acting() as (muster, uow, actor):
        data = list_template(
            uow,
            actor,
            muster.catalogue,
            call_id=call,
            unit_code=unit,
            fmt=kind,
        )
        out.write_bytes(data)  # inside: a write error is refused cleanly, not a traceback
    print(f"wrote {out}")


@files_app.command("list")
def files_list(
    call: Annotated[int, typer.Option("--call")],
    unit: Annotated[str, typer.Option("--unit")],
) -> None:
    """Every file received for a unit and call, accepted or rejected."""
    with acting() as (_, uow, actor):
        found = received_files(uow, actor, call, unit)
    table = Table(title=f"files received for {unit}, call {call}")
    for column in ("id", "received_at", "sender", "filename", "size", "outcome", "sha256"):
        table.add_column(column)
    for f in found:
        table.add_row(
            str(f.id),
            f.received_at.isoformat(),
            f.sender,
            f.filename,
            str(f.size),
            f.outcome,
            f.sha256[:16],
        )
    Console().print(table)


@files_app.command("get")
def files_get(
    file_id: Annotated[int, typer.Argument(help="Id from `muster files list`.")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the original bytes.")],
) -> None:
    """Write the original bytes of a received file."""
    if out.is_dir():
        refuse(f"{out} is a folder; give a file name")
    with acting() as (muster, uow, actor):
        received, data = fetch_file(uow, actor, muster.catalogue, muster.archive, file_id)
        out.write_bytes(data)  # inside: a write error is refused cleanly, not a traceback
    print(f"wrote {len(data):,} bytes of {received.filename!r} ({received.outcome}) to {out}")


@files_app.command("check")
def files_check(
    reconcile: Annotated[
        bool, typer.Option("--reconcile", help="Close interrupted receipts as `interrupted`.")
    ] = False,
) -> None:
    """Receipts without an outcome, missing or damaged bytes, archived files without a receipt."""
    with acting() as (muster, uow, actor):
        problems = check_receipts(
            uow, actor, muster.archive, reconcile=reconcile, now=muster.clock()
        )
    for p in problems:
        where = f"received file {p.file_id}" if p.file_id is not None else "archive"
        print(f"{where}: {p.sha256[:16]}: {p.problem}")
    if not problems:
        print("every received file is recorded and kept")
    elif reconcile:
        print(f"{len(problems)} problems; interrupted receipts are now closed as interrupted")
    else:
        raise typer.Exit(code=1)
