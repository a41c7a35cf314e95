"""Intake: uploaded CSV/XLSX files -> validated records with row-level errors.

Pure file handling (no database): encodings, hostile-file limits, the first sheet of a
workbook, every error of a file in one pass, a content-addressed archive of the original
bytes, and list templates.
"""

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
