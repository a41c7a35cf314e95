"""CLI: call issue, submit, review, forward, status, submissions show|diff."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from muster.cli.app import acting, app, handled, open_muster, options, read_input_file, usage_error
from muster.cli.render import print_entries, print_status_table, status_csv
from muster.domain.calls import parse_datetime, parse_due_options
from muster.domain.completeness import summary
from muster.services.actors import resolve_user
from muster.services.calls import issue_call
from muster.services.lists import (
    Standing,
    diff_versions,
    forward,
    list_entries,
    review,
    standing,
    status,
    submit_list,
    submit_nothing,
)

call_app = typer.Typer(help="Calls for lists.")
submissions_app = typer.Typer(help="Read and compare submitted lists.")
app.add_typer(call_app, name="call")
app.add_typer(submissions_app, name="submissions")

CallOpt = Annotated[int, typer.Option("--call", help="Call id.")]
UnitOpt = Annotated[str, typer.Option("--unit", help="Unit code.")]


@call_app.command("issue")
def call_issue(
    by: Annotated[str, typer.Option("--by", help="Code of the issuing unit.")],
    scope: Annotated[str, typer.Option("--scope", help="Code of the subtree asked.")],
    categories: Annotated[str, typer.Option("--categories", help="C1,C2,...")],
    due: Annotated[
        list[str], typer.Option("--due", help="DATETIME for every level, or KIND=DATETIME.")
    ],
    title: Annotated[str, typer.Option("--title")] = "Call for lists",
    instructions: Annotated[str, typer.Option("--instructions")] = "",
) -> None:
    """Issue a call; prints the call id alone on stdout."""
    with acting() as (muster, uow, actor):
        call_id = issue_call(
            uow,
            actor,
            muster.catalogue,
            by=by,
            scope=scope,
            categories=categories.split(","),
            due=parse_due_options(due),
            title=title,
            now=muster.clock(),
            instructions=instructions,
        )
    print(call_id)


@app.command()
def submit(
    call: CallOpt,
    unit: UnitOpt,
    file: Annotated[Path | None, typer.Argument(exists=True, dir_okay=False, readable=True)] = None,
    nothing_to_report: Annotated[
        bool,
        typer.Option("--nothing-to-report", help="Nobody at the workplace is concerned."),
    ] = False,
) -> None:
    """Submit a list (CSV or XLSX) or an explicit nothing-to-report; row-level errors on stderr
    (exit 1) or the received count and version."""
    if nothing_to_report == (file is not None):
        usage_error("give a list FILE or --nothing-to-report, not both")
    if file is None:
        _submit_nothing(call, unit)
        return
    with handled():
        muster = open_muster()
        data = read_input_file(file, muster.settings.max_upload_bytes)
        with muster.uow() as uow:
            outcome = submit_list(
                uow,
                resolve_user(uow, options().acting_as),
                muster.archive,
                call_id=call,
                unit_code=unit,
                data=data,
                filename=file.name,
                limits=muster.limits(),
                now=muster.clock(),
            )
        for warning in outcome.warnings:
            print(
                f"muster: warning: row {warning.row}, column {warning.column}: "
                f"{warning.value!r} — {warning.message}",
                file=sys.stderr,
            )
        if outcome.duplicate:
            print(
                f"same file as version {outcome.version}: no new version "
                f"({outcome.entries} entries, {outcome.state})"
            )
        else:
            print(
                f"received {outcome.entries} entries as version {outcome.version}, awaiting review"
            )


def _submit_nothing(call: int, unit: str) -> None:
    """Report that nobody at the workplace is concerned."""
    with acting() as (muster, uow, actor):
        outcome = submit_nothing(uow, actor, call_id=call, unit_code=unit, now=muster.clock())
    print(f"received 'nothing to report' as version {outcome.version}, awaiting review")


@app.command("review")
def review_command(
    call: CallOpt,
    unit: UnitOpt,
    accept: Annotated[bool, typer.Option("--accept", help="Accept the list.")] = False,
    return_reason: Annotated[
        str | None, typer.Option("--return", help="Return for correction, with the reason.")
    ] = None,
) -> None:
    """Review a submitted list of a child unit: --accept or --return REASON."""
    if accept == (return_reason is not None):
        usage_error("give exactly one of --accept or --return REASON")
    with acting() as (muster, uow, actor):
        state = review(
            uow,
            actor,
            call_id=call,
            unit_code=unit,
            accept=accept,
            reason=return_reason,
            now=muster.clock(),
        )
    print(f"{unit}: {state}")


@app.command("forward")
def forward_command(
    call: CallOpt,
    unit: UnitOpt,
    partial: Annotated[
        bool,
        typer.Option("--partial", help="Forward what is accepted although some lists are not."),
    ] = False,
) -> None:
    """Forward everything a unit has accepted to its parent (again whenever more is accepted)."""
    with acting() as (muster, uow, actor):
        done = forward(
            uow,
            actor,
            muster.catalogue,
            call_id=call,
            unit_code=unit,
            now=muster.clock(),
            partial=partial,
        )
    new = f" (new: {', '.join(done.new)})" if done.new else ""
    print(
        f"{unit}: forwarded version {done.version} with {done.entries} entries from "
        f"{', '.join(done.carried)}{new}"
    )
    if done.outstanding:
        print(f"{unit}: still outstanding: {'; '.join(done.outstanding)}")


@app.command("status")
def status_command(
    call: CallOpt,
    at: Annotated[str | None, typer.Option("--at", help="As it stood at DATETIME.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, json or csv")] = "table",
) -> None:
    """Completeness and timeliness per unit for a call."""
    if fmt not in ("table", "json", "csv"):
        usage_error("--format must be table, json or csv")
    with handled():
        muster = open_muster()
        when: datetime | None = parse_datetime(at) if at else None
        with muster.uow() as uow:
            the_call, rows = status(
                uow,
                resolve_user(uow, options().acting_as),
                muster.catalogue,
                call_id=call,
                at=when,
                now=muster.clock(),
            )
        if fmt == "json":
            print(json.dumps([r.as_json() for r in rows], ensure_ascii=False, indent=1))
        elif fmt == "csv":
            sys.stdout.buffer.write(status_csv(rows))
        else:
            print_status_table(the_call, rows, summary(rows))


@submissions_app.command("show")
def submissions_show(
    call: CallOpt,
    unit: UnitOpt,
    version: Annotated[int | None, typer.Option("--version")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """Show a version of a unit's list (default the latest), as you may see it."""
    with acting() as (muster, uow, actor):
        where = standing(uow, actor, call_id=call, unit_code=unit)
        shown, entries = list_entries(
            uow,
            actor,
            muster.catalogue,
            call_id=call,
            unit_code=unit,
            version=version,
        )
    if fmt != "json":
        print(_standing_line(unit, where))
    print_entries(shown, entries, fmt)


def _standing_line(unit: str, where: Standing) -> str:
    """One line on where a list stands: state, return reason, correction."""
    line = f"{unit}: {where.state}, {where.versions} version(s)"
    if where.accepted_version:
        line += f"; version {where.accepted_version} accepted"
    if where.correction_of:
        line += f"; the latest version corrects version {where.correction_of} after acceptance"
    if where.return_reason:
        line += f"; returned: {where.return_reason}"
    return line


@submissions_app.command("diff")
def submissions_diff(
    call: CallOpt,
    unit: UnitOpt,
    from_version: Annotated[int | None, typer.Option("--from")] = None,
    to_version: Annotated[int | None, typer.Option("--to")] = None,
) -> None:
    """Added, removed and changed entries between two versions of a unit's list."""
    with acting() as (muster, uow, actor):
        a, b, changes = diff_versions(
            uow,
            actor,
            muster.catalogue,
            call_id=call,
            unit_code=unit,
            from_version=from_version,
            to_version=to_version,
        )
    if not changes:
        print(f"{unit}: versions {a} and {b} have the same entries")
        return
    table = Table(title=f"{unit}: version {a} -> {b}")
    for column in ("change", "entry", "before", "after"):
        table.add_column(column)
    for change in changes:
        table.add_row(change.kind, change.key, _brief(change.before), _brief(change.after))
    Console().print(table)


def _brief(entry: object) -> str:
    """A one-line summary of an entry for the diff table."""
    if entry is None:
        return ""
    return " ".join(
        str(getattr(entry, f) or "")
        for f in ("category", "fit_to_travel", "wants_to_return", "since", "note")
    )
