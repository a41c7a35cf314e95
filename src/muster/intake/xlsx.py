"""The first sheet (in workbook order, not the active tab) of an XLSX workbook as a Table.

Streams the sheet XML row by row. Cells become text: shared and inline strings as written,
numbers without a trailing '.0', date-formatted numbers as ISO dates (1900 or 1904 date
system), formulas as their cached values. Error cells and formulas without a cached value
are reported by row and column.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from muster.intake.errors import RowError, file_error
from muster.intake.limits import Limits
from muster.intake.table import Table, table_from_rows
from muster.intake.xlsx_parts import Archive, Element, local

_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_MAX_SERIAL = 2_958_465  # 9999-12-31


@dataclass(frozen=True)
class _Book:
    sheet: str
    date_system: int
    styles: str | None
    shared_strings: str | None


def read_xlsx_table(data: bytes, limits: Limits) -> Table:
    """Read the first sheet of a workbook, within the size limits."""
    archive = Archive(data, limits)
    book = _book(archive)
    date_styles = _date_styles(archive, book.styles) if book.styles else frozenset()
    shared = _shared_strings(archive, book.shared_strings) if book.shared_strings else []
    sheet = _SheetReader(archive, book, date_styles, shared, limits)
    return sheet.table()


def _book(archive: Archive) -> _Book:
    part = archive.workbook_part()
    relationships = archive.relationships(part)
    first_sheet, date_system = None, 1900
    for _event, element in archive.events(part):
        name = local(element.tag)
        if name == "workbookPr" and element.get("date1904", "0").lower() in ("1", "true"):
            date_system = 1904
        if name == "sheet" and first_sheet is None:
            first_sheet = _relationship_id(element)
    by_type = {kind.rpartition("/")[2]: target for kind, target in relationships.values()}
    target = relationships.get(first_sheet or "", ("", ""))[1]
    if not target or not archive.has(target):
        raise file_error("a workbook without sheets", "a workbook whose first sheet is the list")
    styles, shared = by_type.get("styles"), by_type.get("sharedStrings")
    return _Book(
        target,
        date_system,
        styles if styles and archive.has(styles) else None,
        shared if shared and archive.has(shared) else None,
    )


def _relationship_id(element: Element) -> str:
    return next((value for key, value in element.attrib.items() if local(key) == "id"), "")


def _date_styles(archive: Archive, part: str) -> frozenset[int]:
    """Indexes of the cell styles whose number format shows a date."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = False
    for event, element in archive.events(part, start=frozenset({"cellXfs"})):
        name = local(element.tag)
        if name == "cellXfs":
            in_cell_xfs = event == "start"
        elif name == "numFmt" and event == "end":
            custom[_int(element.get("numFmtId"))] = element.get("formatCode", "")
        elif name == "xf" and in_cell_xfs:
            formats.append(_int(element.get("numFmtId")))
    return frozenset(i for i, fmt in enumerate(formats) if _is_date_format(fmt, custom))


def _is_date_format(format_id: int, custom: dict[int, str]) -> bool:
    if format_id in custom:
        code = _FORMAT_NOISE.sub("", custom[format_id]).lower()
        return any(letter in code for letter in "dmy") and "general" not in code
    return format_id in _DATE_FORMAT_IDS


def _shared_strings(archive: Archive, part: str) -> list[str]:
    strings: list[str] = []
    table: Element | None = None
    for event, element in archive.events(part, start=frozenset({"sst"})):
        if event == "start":
            table = element
        elif local(element.tag) == "si":
            strings.append(_rich_text(element))
            if table is not None:
                table.clear()  # keep memory flat: finished strings are no longer needed
    return strings


def _rich_text(element: Element) -> str:
    """Text of a string item (<si> or <is>): plain or rich runs, without phonetic guides."""
    parts: list[str] = []
    for child in element:
        name = local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    text = "".join(parts)
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return -1


def serial_to_iso(serial: float, date_system: int) -> str | None:
    """An Excel date serial as ISO text (date, or date and time); None when out of range."""
    whole = int(serial)
    if date_system == 1904:
        base = datetime(1904, 1, 1)
    elif whole == 60 or whole < 1:
        return None  # 1900-02-29 never existed; Excel invented it
    else:
        base = datetime(1899, 12, 31) if whole < 60 else datetime(1899, 12, 30)
    if not 0 <= serial <= _MAX_SERIAL:
        return None
    moment = base + timedelta(days=whole, seconds=round((serial - whole) * 86_400))
    return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat()


def number_text(value: str) -> str:
    """A numeric cell as a person would type it: 40 not 40.0, 0.5 stays 0.5."""
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


class _SheetReader:
    """Turns one worksheet's <row> elements into text rows and cell errors."""

    def __init__(
        self,
        archive: Archive,
        book: _Book,
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
                        RowError(
                            number,
                            _letters(index),
                            cells[index],
                            "no value outside the named columns",
                        )
                    )
            yield number, cells

    def _rows(self) -> Iterator[tuple[int, list[str]]]:
        sheet_data: Element | None = None
        number = 0
        for event, element in self.archive.events(self.book.sheet, start=frozenset({"sheetData"})):
            if event == "start":
                sheet_data = element
            elif local(element.tag) == "row":
                number = _int(element.get("r")) if element.get("r") else number + 1
                yield number, self._cells(number, element)
                if sheet_data is not None:
                    sheet_data.clear()

    def _cells(self, number: int, row: Element) -> list[str]:
        cells: list[str] = []
        for cell in row:
            if local(cell.tag) != "c":
                continue
            index = _column_index(cell.get("r"), len(cells))
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
                inline = _rich_text(child)
        if inline is not None:
            return inline
        if value is None:
            if formula is not None:
                self._error(
                    number,
                    index,
                    "=" + formula,
                    "a saved formula result (open and save the file in Excel, or type the value)",
                )
            return ""
        return self._typed(number, index, kind, value, _int(cell.get("s")))

    def _typed(self, number: int, index: int, kind: str, value: str, style: int) -> str:
        if kind == "s":
            position = _int(value)
            if not 0 <= position < len(self.shared):
                raise file_error(f"a missing shared string {value!r}", "an undamaged workbook")
            return self.shared[position]
        if kind in ("str", "inlineStr"):
            return value
        if kind == "b":
            return "TRUE" if value == "1" else "FALSE"
        if kind == "e":
            self._error(number, index, value, "a value, not a formula error")
            return ""
        if kind == "d":
            return value.removesuffix("T00:00:00")
        return self._number(value, style)

    def _number(self, value: str, style: int) -> str:
        try:
            number = float(value)
        except ValueError:
            return value
        if style in self.date_styles:
            return serial_to_iso(number, self.book.date_system) or number_text(value)
        return number_text(value)

    def _error(self, number: int, index: int, value: str, expected: str) -> None:
        header = self.header[index] if index < len(self.header) and self.header[index] else ""
        self.errors.append(RowError(number, header or _letters(index), value, expected))


def _column_index(reference: str | None, default: int) -> int:
    match = _CELL_REF.match(reference or "")
    if not match:
        return default
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - 64
    return index - 1


def _letters(index: int) -> str:
    """Spreadsheet column letters of a zero-based index (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
