"""SPEC §5 link input and link output files.

Link input: `record_id, family_name, given_name, name_native, date_of_birth,
sex, passport_no` (header required, names matched case-insensitively, unknown
columns rejected). Link output: `record_id, cluster_id`. Errors name the row
as a spreadsheet shows it (header = row 1), the column, the value and the
expected form, and every error in the file is reported.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from muster.linkage.features import LINK_INPUT_COLUMNS

MAX_ERRORS_SHOWN = 50
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SEX = frozenset({"", "M", "F"})


@dataclass(frozen=True)
class InputError:
    """One problem in an input file, located as the user sees it."""

    row: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        shown = f" value {self.value!r}:" if self.value else ""
        return f"{where}:{shown} {self.expected}"


class LinkInputError(ValueError):
    """The link input file was rejected; `errors` lists every reason."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:MAX_ERRORS_SHOWN])
        more = len(errors) - MAX_ERRORS_SHOWN
        tail = f"\n  ... and {more} more" if more > 0 else ""
        super().__init__(f"{len(errors)} error(s) in the link input:\n{shown}{tail}")


def _decode(path: Path) -> str:
    """File text as UTF-8 (with or without BOM)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        where = InputError(0, "", "", f"the file is not UTF-8 text (byte {error.start})")
        raise LinkInputError([where]) from error


def _header(names: list[str]) -> list[InputError]:
    """Missing, unknown or repeated columns."""
    folded = [n.strip().casefold() for n in names]
    errors = [
        InputError(1, n, "", "unknown column; expected only " + ", ".join(LINK_INPUT_COLUMNS))
        for n, f in zip(names, folded, strict=True)
        if f not in LINK_INPUT_COLUMNS
    ]
    errors += [
        InputError(1, c, "", "missing column") for c in LINK_INPUT_COLUMNS if c not in folded
    ]
    errors += [
        InputError(1, c, "", "column appears more than once")
        for c in LINK_INPUT_COLUMNS
        if folded.count(c) > 1
    ]
    return errors


def _row_errors(row_number: int, record: dict[str, str], seen: dict[str, int]) -> list[InputError]:
    """Problems in one data row (row_number as in a spreadsheet)."""
    errors: list[InputError] = []
    record_id = record["record_id"]
    if not record_id:
        errors.append(InputError(row_number, "record_id", "", "a record_id is required"))
    elif record_id in seen:
        first = seen[record_id]
        errors.append(InputError(row_number, "record_id", record_id, f"repeats row {first}"))
    else:
        seen[record_id] = row_number
    dob = record["date_of_birth"]
    if dob and not _DATE.fullmatch(dob):
        errors.append(InputError(row_number, "date_of_birth", dob, "expected YYYY-MM-DD"))
    if record["sex"].upper() not in _SEX:
        errors.append(InputError(row_number, "sex", record["sex"], "expected M, F or empty"))
    return errors


def parse_link_input(text: str) -> pl.DataFrame:
    """Validated link input records from CSV text; raises LinkInputError listing every error."""
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise LinkInputError([InputError(1, "", "", "a header row is required")])
    errors = _header(header)
    if errors:
        raise LinkInputError(errors)
    index = {n.strip().casefold(): i for i, n in enumerate(header)}
    rows: list[dict[str, str]] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            errors.append(
                InputError(number, "", "", f"has {len(cells)} cells; the header has {len(header)}")
            )
            continue
        record = {c: cells[index[c]].strip() for c in LINK_INPUT_COLUMNS}
        errors += _row_errors(number, record, seen)
        rows.append(record)
    if errors:
        raise LinkInputError(errors)
    return pl.DataFrame(rows, schema=dict.fromkeys(LINK_INPUT_COLUMNS, pl.String))


def read_link_input(path: Path) -> pl.DataFrame:
    """Read and validate a link input CSV file (UTF-8, with or without BOM)."""
    return parse_link_input(_decode(path))


def write_link_output(clusters: pl.DataFrame, path: Path) -> None:
    """Write `record_id, cluster_id` (one row per input record, input order) as UTF-8 CSV."""
    clusters.select("record_id", "cluster_id").write_csv(path)
