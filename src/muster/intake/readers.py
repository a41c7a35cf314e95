"""Public entry points: bytes of an upload in, validated records out, or IntakeRejected."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

import polars as pl

from muster.intake.checks import (
    both,
    duplicate_errors,
    known_codes,
    list_identity_check,
    person_checks,
    unit_checks,
)
from muster.intake.columns import check_table
from muster.intake.csv_reader import read_csv_table
from muster.intake.errors import IntakeRejected, RowWarning, file_error
from muster.intake.formats import (
    LINK_INPUT_COLUMNS,
    PERSON_COLUMNS,
    REPLACEMENT_COLUMNS,
    UNIT_COLUMNS,
    Column,
    list_columns,
)
from muster.intake.limits import DEFAULT_LIMITS, MB, Limits
from muster.intake.lists import ParsedList, duplicate_warnings, list_frame
from muster.intake.problems import Problems
from muster.intake.records import LinkInputRecord, PersonRecord, ReplacementRecord, UnitRecord
from muster.intake.sniff import Format, sniff
from muster.intake.table import ROW, Table

log = logging.getLogger(__name__)
R = TypeVar("R")
Checks = Callable[[pl.DataFrame, Problems], pl.DataFrame]


def load_table(data: bytes, filename: str, limits: Limits) -> tuple[Format, Table]:
    """Read an upload's first sheet (XLSX) or its text (CSV), chosen by content."""
    if len(data) > limits.max_upload_bytes:
        raise file_error(
            f"a file of {len(data) / MB:.1f} MB",
            f"at most {limits.max_upload_bytes / MB:.0f} MB (split the list)",
        )
    kind = sniff(data, filename)
    if kind != "xlsx":
        return kind, read_csv_table(data, limits)
    from muster.intake.xlsx import read_xlsx_table  # the workbook readers load on first use

    return kind, read_xlsx_table(data, limits)


def read_units(
    data: bytes,
    filename: str,
    limits: Limits = DEFAULT_LIMITS,
    existing: Collection[str] | None = None,
) -> list[UnitRecord]:
    """Read units.csv (organisation tree); raises IntakeRejected listing every error.

    With `existing` (the codes already in the tree), a parent that is neither there nor in
    the file is one more error of the same pass.
    """
    checks: Checks = unit_checks
    if existing is not None:
        parent = known_codes("parent_code", existing, "the code of a unit in this file or the tree")
        checks = both(unit_checks, parent)
    with _guarded():
        frame = _read(data, filename, limits, UNIT_COLUMNS, checks)
        return _records(frame, UnitRecord)


def read_people(
    data: bytes,
    filename: str,
    limits: Limits = DEFAULT_LIMITS,
    workplaces: Collection[str] | None = None,
) -> list[PersonRecord]:
    """Read people.csv (the registry); raises IntakeRejected listing every error.

    With `workplaces` (the codes of existing workplaces), an unknown workplace is one more
    error of the same pass.
    """
    checks: Checks = person_checks
    if workplaces is not None:
        known = known_codes("workplace_code", workplaces, "the code of an existing workplace unit")
        checks = both(person_checks, known)
    with _guarded():
        frame = _read(data, filename, limits, PERSON_COLUMNS, checks)
        return _records(frame, PersonRecord)


def read_replacements(
    data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS
) -> list[ReplacementRecord]:
    """Read replacements.csv (the pool); raises IntakeRejected listing every error."""
    with _guarded():
        frame = _read(
            data, filename, limits, REPLACEMENT_COLUMNS, duplicate_errors("replacement_id")
        )
        frame = frame.with_columns(pl.col("trades", "hosts").list.eval(pl.element()))
        return [
            ReplacementRecord(
                **{**row, "trades": tuple(row["trades"]), "hosts": tuple(row["hosts"])}
            )
            for row in frame.iter_rows(named=True)
        ]


def read_link_frame(data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS) -> pl.DataFrame:
    """Read a link input file columnar; raises IntakeRejected listing every error.

    The frame has the SPEC §5 link input columns in order, all String (null when empty;
    date_of_birth as written, impossible days included), then `row` (spreadsheet row).
    """
    with _guarded():
        return _read(data, filename, limits, LINK_INPUT_COLUMNS, duplicate_errors("record_id"))


def read_link_input(
    data: bytes, filename: str, limits: Limits = DEFAULT_LIMITS
) -> list[LinkInputRecord]:
    """Read a link input file as records (Python objects: small files; else read_link_frame)."""
    return _records(read_link_frame(data, filename, limits), LinkInputRecord)


def read_list(
    data: bytes, filename: str, categories: Collection[str], limits: Limits = DEFAULT_LIMITS
) -> ParsedList:
    """Read a submitted list columnar; duplicates of a person are warnings, not errors."""
    with _guarded():
        kind, table = load_table(data, filename, limits)
        problems = Problems(limits)
        columns = list_columns(tuple(categories))
        checked = check_table(table, columns, limits, problems, REPORTING_COLUMNS)
        frame = list_identity_check(checked.frame, problems)
        problems.raise_if_any()
        frame = list_frame(frame)
        warnings = _extension_warning(filename, kind) + duplicate_warnings(frame, limits)
        return ParsedList(frame, warnings + _skipped_warning(checked.skipped), checked.skipped)


def _read(
    data: bytes, filename: str, limits: Limits, columns: Sequence[Column], checks: Checks
) -> pl.DataFrame:
    _, table = load_table(data, filename, limits)
    problems = Problems(limits)
    checked = check_table(table, columns, limits, problems)
    frame = checks(checked.frame, problems)
    problems.raise_if_any()
    return frame.select(*(column.name for column in columns), ROW)


def _records(frame: pl.DataFrame, record: Callable[..., R]) -> list[R]:
    return [record(**row) for row in frame.iter_rows(named=True)]


# What an entry reports (the rest says who it is about): a roster row of the pre-filled
# template with all of these empty was left untouched, and is skipped rather than refused.
REPORTING_COLUMNS = ("category", "since", "fit_to_travel", "wants_to_return", "note")


def _skipped_warning(skipped: int) -> list[RowWarning]:
    """Say how many untouched roster rows were skipped."""
    if not skipped:
        return []
    rows = "row" if skipped == 1 else "rows"
    return [RowWarning(0, "category", "", f"{skipped} roster {rows} without a category skipped")]


def _extension_warning(filename: str, kind: Format) -> list[RowWarning]:
    """Say so when the file's name claims another format than its content (read by content)."""
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    claimed = {"xlsx": "xlsx", "xlsm": "xlsx", "xls": "xlsx", "csv": "csv", "txt": "csv"}.get(
        extension
    )
    if claimed is None or claimed == kind:
        return []
    message = (
        f"the file is named .{extension} but holds {kind.upper()} content; read as {kind.upper()}"
    )
    return [RowWarning(0, "", "", message)]


@contextmanager
def _guarded() -> Iterator[None]:
    """Turn any unexpected failure while reading into a whole-file rejection, never a traceback."""
    try:
        yield
    except IntakeRejected:
        raise
    except MemoryError:
        raise file_error("a file too large to read", "a smaller file (split the list)") from None
    except Exception as error:
        # INFO, not ERROR: an unconfigured CLI must not print the traceback to the sender;
        # a configured server log keeps it for the operators.
        log.info("intake could not read an upload", exc_info=True)
        raise file_error(
            f"a file that could not be read ({type(error).__name__})",
            "a CSV file or an XLSX workbook saved by a spreadsheet program",
        ) from error
