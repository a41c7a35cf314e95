"""A sheet as read from CSV or XLSX, before its columns are matched and checked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import polars as pl

from muster.intake.errors import RowError

ROW = "row"


@dataclass(frozen=True)
class Table:
    """Header names as written, data cells as text ('' when empty) and spreadsheet row numbers.

    `frame` has String columns c0..c{n-1}, one per header cell, and an Int64 column `row`.
    `date_system` is 1900 or 1904 for XLSX (numbers in date columns are Excel serials) and
    None for CSV. `errors` are problems met while reading, such as formula errors in cells.
    `normalised` and `controls` let the checks skip work the reader did on the whole file.
    """

    header: list[str]
    header_row: int
    frame: pl.DataFrame
    date_system: int | None = None
    errors: list[RowError] = field(default_factory=list)
    normalised: bool = False  # the reader already made all text NFC
    controls: bool = True  # control characters may occur (False: the reader proved none)


def cell_column(index: int) -> str:
    """Internal name of the index-th column of a Table's frame."""
    return f"c{index}"


def table_from_rows(
    header: Sequence[str],
    header_row: int,
    rows: Iterable[tuple[int, Sequence[str]]],
    date_system: int | None = None,
    errors: Iterable[RowError] = (),
) -> Table:
    """Build a Table from (row number, cells) pairs; short rows are padded with ''."""
    width = len(header)
    numbers: list[int] = []
    columns: list[list[str]] = [[] for _ in range(width)]
    for number, cells in rows:
        numbers.append(number)
        padded = list(cells[:width]) + [""] * (width - len(cells))
        for column, cell in zip(columns, padded, strict=True):
            column.append(cell)
    data = {cell_column(i): pl.Series(values, dtype=pl.String) for i, values in enumerate(columns)}
    data[ROW] = pl.Series(numbers, dtype=pl.Int64)
    return Table(list(header), header_row, pl.DataFrame(data), date_system, list(errors))
