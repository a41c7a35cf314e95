"""CLI: report (consolidated, sectioned) and matches list|confirm|split (the review queue)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import typer
from rich.console import Console
from rich.table import Table

from muster.cli.app import acting, app, console_err, handled, open_muster, options, usage_error
from muster.services.actors import resolve_user

matches_app = typer.Typer(help="Pairs linkage was unsure of: confirm or split them.")
app.add_typer(matches_app, name="matches")

CallOpt = Annotated[int, typer.Option("--call", help="Call id.")]


@app.command()
def report(
    call: CallOpt,
    unit: Annotated[str, typer.Option("--unit", help="Mission, consulate or headquarters.")],
    fmt: Annotated[str, typer.Option("--format", help="xlsx, pdf or html")],
    out: Annotated[Path, typer.Option("--out", help="File to write.")],
) -> None:
    """Consolidate the accepted lists under a unit and write the sectioned report."""
    if fmt not in ("xlsx", "pdf", "html"):
        usage_error("--format must be xlsx, pdf or html")
    kind: Literal["xlsx", "pdf", "html"] = fmt  # type: ignore[assignment]
    # Linkage (Splink) and the writers (WeasyPrint) are heavy: import them only when used.
    from muster.reports import write_report
    from muster.services.consolidation import consolidate, consolidated_report

    with handled():
        muster = open_muster()
        err = console_err()
        with err.status("linking persons across lists..."), muster.uow() as uow:
            actor = resolve_user(uow, options().acting_as)
            run = consolidate(
                uow, actor, muster.catalogue, call_id=call, unit_code=unit, now=muster.clock()
            )
        with muster.uow() as uow:
            built = consolidated_report(uow, actor, muster.catalogue, run, muster.clock())
        with err.status(f"writing {fmt}..."):
            out.write_bytes(write_report(built, muster.catalogue, kind))
        print(
            f"wrote {out}: {len(built.persons)} persons from {built.entries_merged} entries; "
            f"{len(run.review_pairs)} pairs to review (`muster matches list`)"
        )


@matches_app.command("list")
def matches_list(
    call: CallOpt,
    unit: Annotated[str, typer.Option("--unit")],
) -> None:
    """Pairs from the latest consolidation that a reviewer should look at."""
    from muster.services.consolidation import pairs_to_review

    with acting() as (_, uow, actor):
        latest = pairs_to_review(uow, actor, call_id=call, unit_code=unit)
    if latest is None:
        print(f"no consolidation of call {call} for {unit} yet; run `muster report` first")
        return
    run, pairs = latest
    table = Table(title=f"pairs to review: call {call}, {unit} (run {run})")
    for column in ("left", "right", "probability"):
        table.add_column(column)
    for pair in pairs:
        table.add_row(
            str(pair["record_id_l"]),
            str(pair["record_id_r"]),
            f"{float(str(pair['match_probability'])):.3f}",
        )
    Console().print(table)


def _decide(call: int, left: str, right: str, same: bool) -> None:
    """Record a decision on a pair."""
    from muster.services.consolidation import decide_match

    with acting() as (muster, uow, actor):
        decide_match(
            uow,
            actor,
            call_id=call,
            left=left,
            right=right,
            same=same,
            now=muster.clock(),
        )
    print(f"{left} and {right}: {'same person' if same else 'different people'}")


@matches_app.command("confirm")
def matches_confirm(
    call: CallOpt,
    left: Annotated[str, typer.Option("--left")],
    right: Annotated[str, typer.Option("--right")],
) -> None:
    """The two records are the same person (reapplied on every later consolidation)."""
    _decide(call, left, right, True)


@matches_app.command("split")
def matches_split(
    call: CallOpt,
    left: Annotated[str, typer.Option("--left")],
    right: Annotated[str, typer.Option("--right")],
) -> None:
    """The two records are different people (reapplied on every later consolidation)."""
    _decide(call, left, right, False)
