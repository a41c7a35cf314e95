"""RFC 4180 CSV into a Table: Polars parses, a quote-aware field count proves the structure.

Polars silently pads short rows, so before its reading is trusted every record's field
count is taken from the bytes with quoted fields removed (one field count per record).
Files that fail that check (ragged rows, broken quoting) are diagnosed record by record
with the standard library's strict csv reader, which names the row; only broken files pay
for that slow path.
"""

from __future__ import annotations

import csv
import io
import unicodedata

import polars as pl

from muster.intake.decode import decode_text
from muster.intake.errors import IntakeRejected, RowError, file_error
from muster.intake.limits import Limits
from muster.intake.table import ROW, Table, cell_column, table_from_rows

_SEPARATORS = (",", ";", "\t")
_QUOTING = "RFC 4180 quoting: a field in quotes ends with a quote, inner quotes doubled"
_CONTROLS = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_CONTROLS = bytes(b for b in range(256) if b not in _CONTROLS)
_LINE_MARKERS = (b"\x1f", b"\x1e", b"\x1d", b"\x1c")


def read_csv_table(data: bytes, limits: Limits) -> Table:
    """Decode and parse a CSV upload, refusing ragged rows and broken quoting by row."""
    decoded = decode_text(data)
    text = decoded.text
    if "\n" not in text:
        text = text.replace("\r", "\n")  # classic Mac line ends
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)  # composes decomposed Hangul jamo
    body = text.lstrip("\r\n")
    offset = text[: len(text) - len(body)].count("\n")  # blank rows above the header
    if not body.strip():
        raise file_error("no header row", "a header row naming the columns")
    unchanged = decoded.encoding == "utf-8" and body is decoded.text
    utf8 = data[decoded.bom :] if unchanged else body.encode("utf-8")
    first_line = body[: body.find("\n")] if "\n" in body else body
    separator = _separator(first_line)
    width = first_line.count(separator) + 1
    counts = _field_counts(utf8, separator)
    if counts is not None and len(counts) - 1 > limits.max_rows:
        raise file_error(f"{len(counts) - 1} data rows", f"at most {limits.max_rows} rows")
    if counts is not None and _structure_ok(counts, width):
        table = _polars_table(utf8, separator, offset, len(counts))
        if table is not None:
            return table
    return _python_table(body, separator, offset, width, limits)


def _separator(first_line: str) -> str:
    """The separator used in the header line: comma, semicolon (European Excel) or tab."""
    counts = [first_line.count(separator) for separator in _SEPARATORS]
    return _SEPARATORS[counts.index(max(counts))] if max(counts) else ","


def _field_counts(utf8: bytes, separator: str) -> pl.DataFrame | None:
    """Fields per record (and whether it is blank), counted outside quoted fields.

    None when quotes are unbalanced or no marker byte is free: the slow path decides.
    """
    if b'"' in utf8:
        pieces = utf8.split(b'"')
        if len(pieces) % 2 == 0:
            return None
        utf8 = b"".join(pieces[0::2])
    marker = next((m for m in _LINE_MARKERS if m not in utf8), None)
    if marker is None:
        return None
    lines = pl.read_csv(
        utf8,
        has_header=False,
        separator=marker.decode(),
        quote_char=None,
        infer_schema=False,
        new_columns=["line"],
        raise_if_empty=False,
    ).get_column("line")
    lines = lines.fill_null("")
    return pl.DataFrame(
        {
            "fields": lines.str.count_matches(separator, literal=True) + 1,
            "blank": lines.str.strip_chars() == "",
        }
    )


def _structure_ok(counts: pl.DataFrame, width: int) -> bool:
    """True when every non-blank record has the header's number of fields."""
    ragged = counts.filter((pl.col("fields") != width) & ~pl.col("blank"))
    return ragged.height == 0


def _polars_table(utf8: bytes, separator: str, offset: int, records: int) -> Table | None:
    """Parse with Polars; None when its reading disagrees with the structural count."""
    try:
        frame = pl.read_csv(
            utf8,
            has_header=False,
            separator=separator,
            quote_char='"',
            infer_schema=False,
            empty_string_is_null=False,
            raise_if_empty=True,
        )
    except (pl.exceptions.PolarsError, OSError, ValueError):
        return None
    if frame.height != records:
        return None
    frame = frame.rename({old: cell_column(i) for i, old in enumerate(frame.columns)})
    header = [value or "" for value in frame.row(0)]
    data = frame.slice(1).fill_null("")
    rows = pl.int_range(2 + offset, 2 + offset + data.height, dtype=pl.Int64, eager=True)
    controls = bool(utf8.translate(None, _NOT_CONTROLS))
    return Table(
        header, 1 + offset, data.with_columns(rows.alias(ROW)), normalised=True, controls=controls
    )


def _python_table(body: str, separator: str, offset: int, width: int, limits: Limits) -> Table:
    """Strict record-by-record reading that names every ragged row and the first bad quote."""
    # Long cells are refused later, by row and column, not here as a parse error.
    csv.field_size_limit(max(csv.field_size_limit(), len(body) + 1))
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=separator, strict=True)
    errors: list[RowError] = []
    records: list[tuple[int, list[str]]] = []
    row = offset
    try:
        for row, record in enumerate(reader, start=1 + offset):
            if len(record) != width and any(field.strip() for field in record):
                found = f"{len(record)} fields"
                errors.append(RowError(row, "", found, f"{width} fields, as in the header row"))
            records.append((row, record))
    except csv.Error:
        errors.append(RowError(row + 1, "", "a field with broken quoting", _QUOTING))
    if errors:
        raise IntakeRejected(errors[: limits.max_errors])
    if len(records) - 1 > limits.max_rows:
        raise file_error(f"{len(records) - 1} data rows", f"at most {limits.max_rows} rows")
    header_row, header = records[0]
    return table_from_rows(header, header_row, records[1:])
