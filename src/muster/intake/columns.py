"""Header matching and vectorised checks of every cell against its column's expected form."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import polars as pl

from muster.intake.errors import RowError
from muster.intake.formats import Column
from muster.intake.limits import Limits
from muster.intake.problems import Problems
from muster.intake.table import ROW, Table, cell_column

RAW = "_raw_"  # prefix of the trimmed, normalised text kept beside each typed column
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_NEUTRALISED = r"^'([=+\-@\t\r])"  # undo the formula-injection guard of our own exports
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
# A workbook's date-time cell as the XLSX readers write it: the date counts, not the time.
_ISO_MOMENT = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$"
_MOMENT_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:"
_SERIAL = r"^(\d{1,7})(?:\.\d+)?$"  # whole days, and the time of day as a fraction
_DATE_SHAPE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"  # date_text: the shape only (ASCII digits)
_MONTH_SHAPE = r"^[0-9]{4}-[0-9]{2}$"
_YEAR_SHAPE = r"^[0-9]{4}$"
_BASIC_SHAPE = r"^[0-9]{8}$"
_MAX_SERIAL = 2_958_465


@dataclass(frozen=True)
class Checked:
    """Typed columns (null when empty or invalid), their raw text under RAW+name, and ROW."""

    frame: pl.DataFrame
    present: frozenset[str]
    skipped: int = 0  # rows left out because every column of `skip_when_blank` was empty


def check_table(
    table: Table,
    columns: Sequence[Column],
    limits: Limits,
    problems: Problems,
    skip_when_blank: Sequence[str] = (),
) -> Checked:
    """Match the header, then check every cell; problems go to `problems`, nothing raises.

    Work is done column-wise in a few passes over the frame; per-cell Python runs only for
    cells that are wrong. Rows whose `skip_when_blank` columns are all empty are left out
    and counted (a pre-filled roster row the user did not touch).
    """
    problems.add(table.errors)
    mapping = _match_header(table, columns, problems)
    names = [column.name for column in columns]
    frame = table.frame.select(
        *[(pl.col(mapping[n]) if n in mapping else pl.lit("")).alias(RAW + n) for n in names],
        pl.col(ROW),
    )
    frame = frame.with_columns(_clean(RAW + n, table.normalised) for n in names)
    frame = frame.with_columns(_undo_guard(frame, names))
    frame = frame.filter(~pl.all_horizontal(pl.col(RAW + n) == "" for n in names))
    skipped = 0
    if skip_when_blank:
        untouched = pl.all_horizontal(pl.col(RAW + n) == "" for n in skip_when_blank)
        before = frame.height
        frame = frame.filter(~untouched)
        skipped = before - frame.height
    frame = frame.with_columns(_typed(c, table.date_system).alias(c.name) for c in columns)
    too_long = _too_long(frame, names, limits)
    checks = [
        _problem(column, limits, table.controls, column.name in too_long).alias(column.name)
        for column in columns
        if column.name in mapping
    ]
    _report(frame, frame.select(*checks), columns, problems)
    kept = frame.select(ROW, *names, *[RAW + n for n in names])
    return Checked(kept, frozenset(mapping), skipped)


def _report(
    frame: pl.DataFrame, found: pl.DataFrame, columns: Sequence[Column], problems: Problems
) -> None:
    """Hand the bad cells (non-null expected forms in `found`) of each column to `problems`."""
    for order, column in enumerate(columns):
        if column.name not in found.columns:
            continue
        expected = found.get_column(column.name)
        if expected.null_count() == expected.len():
            continue
        bad = frame.select(ROW, pl.col(RAW + column.name).alias("value"))
        bad = bad.filter(expected.is_not_null()).with_columns(expected.drop_nulls().alias("why"))
        problems.add_cells(bad, order, column.name, pl.col("why"))


def header_key(name: str) -> str:
    """A header cell as compared: NFC, without BOM or surrounding space, case-folded."""
    return unicodedata.normalize("NFC", name).replace("\ufeff", "").strip().casefold()


def _match_header(table: Table, columns: Sequence[Column], problems: Problems) -> dict[str, str]:
    wanted = {column.name: column for column in columns}
    names = ", ".join(wanted)
    mapping: dict[str, str] = {}
    row = table.header_row
    for index, written in enumerate(table.header):
        key = header_key(written)
        if not key:
            values = table.frame.get_column(cell_column(index)).str.strip_chars()
            if bool((values != "").any()):
                problems.add([RowError(row, f"column {index + 1}", "", "a column name")])
        elif key not in wanted:
            problems.add(
                [RowError(row, written.strip(), written.strip(), f"one of the columns {names}")]
            )
        elif key in mapping:
            problems.add([RowError(row, key, written.strip(), "each column named once")])
        else:
            mapping[key] = cell_column(index)
    for column in columns:
        if column.name not in mapping and not column.optional:
            problems.add([RowError(row, column.name, "", f"a column named {column.name}")])
    return mapping


def _clean(name: str, normalised: bool) -> pl.Expr:
    """Trimmed and (unless the reader did it for the whole file) NFC: composes Hangul jamo."""
    text = pl.col(name) if normalised else pl.col(name).str.normalize("NFC")
    return text.str.strip_chars()


def _undo_guard(frame: pl.DataFrame, names: Sequence[str]) -> list[pl.Expr]:
    """Remove the apostrophe our own exports put before =, +, -, @ (only where it occurs)."""
    starts = frame.select(pl.col(RAW + n).str.starts_with("'").any() for n in names).row(0)
    return [
        pl.col(RAW + n).str.replace(_NEUTRALISED, "$1")
        for n, guarded in zip(names, starts, strict=True)
        if guarded
    ]


def _too_long(frame: pl.DataFrame, names: Sequence[str], limits: Limits) -> set[str]:
    """Columns holding at least one cell longer than the limit."""
    longest = frame.select(pl.col(RAW + n).str.len_chars().max() for n in names).row(0)
    return {
        n for n, size in zip(names, longest, strict=True) if (size or 0) > limits.max_cell_chars
    }


@lru_cache(maxsize=256)  # built once per column shape: a 5-row upload should not pay for it
def _typed(column: Column, date_system: int | None) -> pl.Expr:
    text = pl.col(RAW + column.name)
    empty = text == ""
    if column.kind == "choice":
        lowered = {choice.lower(): choice for choice in column.choices}
        value = text.str.to_lowercase().replace_strict(
            lowered, default=None, return_dtype=pl.String
        )
    elif column.kind == "whole":
        value = pl.when(text.str.contains(r"^\d{1,9}$")).then(text.cast(pl.Int64, strict=False))
    elif column.kind == "date":
        value = _date(text, date_system)
    elif column.kind == "date_text":
        value = _date_text(text, date_system)
    elif column.kind == "list":
        items = text.str.split(";").list.eval(pl.element().str.strip_chars())
        value = items.list.filter(pl.element() != "")
        value = pl.when(value.list.len() > 0).then(value)
    else:
        value = text
    return pl.when(~empty).then(value)


def _date(text: pl.Expr, date_system: int | None) -> pl.Expr:
    """ISO dates; in a workbook also date serials and date-times, read as their date."""
    iso = pl.when(text.str.contains(_ISO_DATE)).then(text.str.to_date("%Y-%m-%d", strict=False))
    if date_system is None:
        return iso
    day = text.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    moment = pl.when(text.str.contains(_ISO_MOMENT)).then(day)
    return pl.coalesce(iso, moment, _excel_serial(text, date_system))


def _date_text(text: pl.Expr, date_system: int | None) -> pl.Expr:
    """Lenient dates (link input): any YYYY-MM-DD shape as written, impossible days included;
    a year alone (YYYY) or a year and month (YYYY-MM) as YYYY-00-00 and YYYY-MM-00, the forms
    linkage reads as "year known" (registers write what they know); YYYYMMDD as YYYY-MM-DD.

    In a workbook a number is an Excel date serial, as for strict dates, given as ISO text,
    and a date-time cell gives its date.
    """
    shaped = (
        pl.when(text.str.contains(_DATE_SHAPE))
        .then(text)
        .when(text.str.contains(_MONTH_SHAPE))  # ISO 8601's reduced precision: month known
        .then(text + "-00")
        .when(text.str.contains(_YEAR_SHAPE))  # the year alone (a workbook's 1972 too)
        .then(text + "-00-00")
        .when(text.str.contains(_BASIC_SHAPE))  # ISO 8601's basic format, 19720314
        .then(
            pl.concat_str(
                text.str.slice(0, 4), text.str.slice(4, 2), text.str.slice(6, 2), separator="-"
            )
        )
    )
    if date_system is None:
        return shaped
    moment = pl.when(text.str.contains(_MOMENT_SHAPE)).then(text.str.slice(0, 10))
    serial = _excel_serial(text, date_system).dt.strftime("%Y-%m-%d")
    return pl.coalesce(shaped, moment, serial)


def _excel_serial(text: pl.Expr, date_system: int) -> pl.Expr:
    """A number of days as an Excel date, its time of day dropped (null when not one)."""
    serial = text.str.extract(_SERIAL, 1).cast(pl.Int64, strict=False)
    if date_system == 1904:
        return pl.when(serial <= _MAX_SERIAL - 1462).then(_plus_days(date(1904, 1, 1), serial))
    # Excel's 1900 system counts a 29 February 1900 that never was (serial 60)
    return (
        pl.when((serial >= 1) & (serial < 60))
        .then(_plus_days(date(1899, 12, 31), serial))
        .when((serial > 60) & (serial <= _MAX_SERIAL))
        .then(_plus_days(date(1899, 12, 30), serial))
    )


def _plus_days(base: date, days: pl.Expr) -> pl.Expr:
    return (pl.lit(base) + pl.duration(days=days)).cast(pl.Date)


@lru_cache(maxsize=256)
def _problem(column: Column, limits: Limits, controls: bool, long: bool) -> pl.Expr:
    """The expected form for each bad cell of a column, null for good ones (first rule wins)."""
    text = pl.col(RAW + column.name)
    empty = text == ""
    rules: list[tuple[pl.Expr, str]] = []
    if long:
        rules.append(
            (
                text.str.len_chars() > limits.max_cell_chars,
                f"at most {limits.max_cell_chars} characters in a cell",
            )
        )
    if controls:
        rules.append(
            (text.str.contains(_CONTROL), "text without control characters (such as NUL bytes)")
        )
    if column.required:
        rules.append((empty, f"a value ({column.name} is required)"))
    rules.append((~empty & pl.col(column.name).is_null(), column.expected()))
    expected: pl.Expr = pl.lit(None, dtype=pl.String)
    for condition, message in reversed(rules):
        expected = pl.when(condition).then(pl.lit(message)).otherwise(expected)
    return expected
