"""Rendering of command results: Rich tables for people, CSV/JSON for programs."""

from __future__ import annotations

import json
from dataclasses import asdict

from rich.console import Console
from rich.table import Table

from muster.domain.calls import Call
from muster.domain.completeness import UnitStatus
from muster.domain.submissions import Entry, Version
from muster.reports.cells import write_csv

STATUS_COLUMNS = (
    "unit",
    "name",
    "kind",
    "parent",
    "state",
    "submitted_at",
    "timeliness",
    "entries",
    "reason",
)
STYLE = {"pending": "dim", "on_time": "green", "late": "yellow", "missing": "red"}


def print_status_table(call: Call, rows: list[UnitStatus], counts: dict[str, int]) -> None:
    """A completeness table with a headline of counts."""
    table = Table(
        title=f"Call {call.id}: {call.title}",
        caption=(
            f"{counts['expected']} expected: {counts['on_time']} on time, "
            f"{counts['late']} late, {counts['missing']} missing, {counts['pending']} pending"
        ),
    )
    for column in STATUS_COLUMNS:
        table.add_column(column, justify="right" if column == "entries" else "left")
    for row in rows:
        values = row.as_json()
        table.add_row(
            *(str(values[c] if values[c] is not None else "") for c in STATUS_COLUMNS),
            style=STYLE.get(row.timeliness.value),
        )
    Console().print(table)


def status_csv(rows: list[UnitStatus]) -> bytes:
    """The status rows as CSV (formula-safe)."""
    body = [
        [
            r.unit,
            r.name,
            r.kind,
            r.parent,
            r.state,
            r.submitted_at,
            r.timeliness.value,
            r.entries,
            r.reason,
        ]
        for r in rows
    ]
    return write_csv(list(STATUS_COLUMNS), body)


def print_entries(version: Version, entries: list[Entry], fmt: str) -> None:
    """A list version as a table or JSON."""
    if fmt == "json":
        print(json.dumps([asdict(e) for e in entries], default=str, ensure_ascii=False, indent=1))
        return
    table = Table(title=f"version {version.number} by {version.created_by} at {version.created_at}")
    columns = (
        "row",
        "person_id",
        "name_native",
        "family_name",
        "given_name",
        "date_of_birth",
        "category",
        "fit_to_travel",
        "wants_to_return",
        "note",
    )
    for column in columns:
        table.add_column(column)
    for entry in entries:
        table.add_row(*(str(getattr(entry, c) or "") for c in columns))
    Console().print(table)
