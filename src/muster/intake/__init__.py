"""Intake: uploaded CSV/XLSX files -> validated records with row-level errors.

Pure file handling (no database): encodings, hostile-file limits, the first sheet of a
workbook, every error of a file in one pass, a content-addressed archive of the original
bytes, and list templates.

The names below load their module on first use (PEP 562), so that importing one light part
(`muster.intake.archive`, `muster.intake.errors`) does not load Polars and the workbook
readers: every command's start time depends on it (SPEC §8).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from muster.intake.archive import FileArchive
    from muster.intake.errors import IntakeRejected, RowError, RowWarning
    from muster.intake.limits import Limits
    from muster.intake.lists import ParsedList
    from muster.intake.readers import (
        load_table,
        read_link_frame,
        read_link_input,
        read_list,
        read_people,
        read_replacements,
        read_units,
    )
    from muster.intake.records import (
        LinkInputRecord,
        ListRecord,
        PersonRecord,
        ReplacementRecord,
        UnitRecord,
    )
    from muster.intake.templates import build_list_template

_WHERE = {
    "FileArchive": "archive",
    "IntakeRejected": "errors",
    "RowError": "errors",
    "RowWarning": "errors",
    "Limits": "limits",
    "ParsedList": "lists",
    "load_table": "readers",
    "read_link_frame": "readers",
    "read_link_input": "readers",
    "read_list": "readers",
    "read_people": "readers",
    "read_replacements": "readers",
    "read_units": "readers",
    "LinkInputRecord": "records",
    "ListRecord": "records",
    "PersonRecord": "records",
    "ReplacementRecord": "records",
    "UnitRecord": "records",
    "build_list_template": "templates",
}

__all__ = [
    "FileArchive",
    "IntakeRejected",
    "Limits",
    "LinkInputRecord",
    "ListRecord",
    "ParsedList",
    "PersonRecord",
    "ReplacementRecord",
    "RowError",
    "RowWarning",
    "UnitRecord",
    "build_list_template",
    "load_table",
    "read_link_frame",
    "read_link_input",
    "read_list",
    "read_people",
    "read_replacements",
    "read_units",
]


def __getattr__(name: str) -> object:
    """Load the module that defines `name` when it is first asked for."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"muster.intake.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
