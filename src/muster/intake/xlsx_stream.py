"""The first sheet read by streaming its XML in Python, cell by cell: slow, but exact for any file.

The calamine reader hands a sheet here when calamine refuses it or cannot be trusted with
it (cells without references, a cell grid too large to allocate densely, damaged parts).
Every cell's saved value becomes text; error cells and formulas without a saved result are
reported by row and column.
"""

from __future__ import annotations

from collections.abc import Iterator

from muster.intake.errors import RowError, file_error
from muster.intake.limits import Limits
from muster.intake.table import Table, table_from_rows
from muster.intake.xlsx_book import (
    FORMULA_ERROR,
    FORMULA_WITHOUT_VALUE,
    OUTSIDE_COLUMNS,
    Book,
    attr_int,
    column_index,
    letters,
    rich_text,
    shared_strings,
    style_dates,
    typed_text,
)
from muster.intake.xlsx_parts import Archive, Element, local


def read_streamed(archive: Archive, book: Book, limits: Limits) -> Table:
    """Read the book's first sheet by streaming its XML."""
    dates = style_dates(archive, book)
    date_styles = frozenset(index for index, date in enumerate(dates) if date)
    shared = shared_strings(archive, book.shared_strings) if book.shared_strings else []
    return _SheetReader(archive, book, date_styles, shared, limits).table()


class _SheetReader:
    """Turns one worksheet's <row> elements into text rows and cell errors."""

    def __init__(
        self,
        archive: Archive,
        book: Book,
        date_styles: frozenset[int],
        shared: list[str],
        limits: Limits,
    ) -> None:
        self.archive, self.book, self.limits = archive, book, limits
        self.date_styles, self.shared = date_styles, shared
        self.errors: list[RowError] = []
        self.header: list[str] = []

    def table(self) -> Table:
        rows = self._rows()
        header_row = 0
        for header_row, cells in rows:  # noqa: B007 - the header is the first non-empty row
            if any(cells):
                self.header = cells
                break
        if not self.header:
            raise file_error("an empty first sheet", "a header row naming the columns")
        data = list(self._data_rows(rows))
        errors = self.errors
        return table_from_rows(self.header, header_row, data, self.book.date_system, errors)

    def _data_rows(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
        width, count = len(self.header), 0
        for number, cells in rows:
            if not any(cells):
                continue
            count += 1
            if count > self.limits.max_rows:
                raise file_error(
                    f"more than {self.limits.max_rows} data rows",
                    f"at most {self.limits.max_rows} rows",
                )
            for index in range(width, len(cells)):
                if cells[index]:
                    self.errors.append(
                        RowError(number, letters(index), cells[index], OUTSIDE_COLUMNS)
                    )
            yield number, cells

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        sheet_data: Element | None = None
        number = 0
        for event, element in self.archive.events(self.book.sheet, start=frozenset({"sheetData"})):
            if event == "start":
                sheet_data = element
            elif local(element.tag) == "row":
                number = attr_int(element.get("r")) if element.get("r") else number + 1
                yield number, self._cells(number, element)
                if sheet_data is not None:
                    sheet_data.clear()

    def _cells(self, number: int, row: Element) -> list[str]:
        cells: list[str] = []
        for cell in row:
            if local(cell.tag) != "c":
                continue
            index = column_index(cell.get("r"), len(cells))
            cells.extend([""] * (index + 1 - len(cells)))
            cells[index] = self._value(number, index, cell)
        return cells

    def _value(self, number: int, index: int, cell: Element) -> str:
        kind = cell.get("t", "n")
        value = formula = inline = None
        for child in cell:
            name = local(child.tag)
            if name == "v":
                value = child.text or ""
            elif name == "f":
                formula = child.text or ""
            elif name == "is":
                inline = rich_text(child)
        if inline is not None:
            return inline
        if value is None:
            if formula is not None:
                self._error(number, index, "=" + formula, FORMULA_WITHOUT_VALUE)
            return ""
        return self._typed(number, index, kind, value, attr_int(cell.get("s")))

    def _typed(self, number: int, index: int, kind: str, value: str, style: int) -> str:
        if kind == "s":
            position = attr_int(value)
            if not 0 <= position < len(self.shared):
                raise file_error(f"a missing shared string {value!r}", "an undamaged workbook")
            return self.shared[position]
        if kind == "e":
            self._error(number, index, value, FORMULA_ERROR)
            return ""
        dated = style in self.date_styles
        return typed_text(kind, value, dated, self.book.date_system)

    def _error(self, number: int, index: int, value: str, expected: str) -> None:
        header = self.header[index] if index < len(self.header) and self.header[index] else ""
        self.errors.append(RowError(number, header or letters(index), value, expected))
