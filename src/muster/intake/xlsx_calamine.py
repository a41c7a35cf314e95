"""The first sheet read by calamine (Rust), from a workbook rebuilt out of parts already proven.

calamine sees a new zip holding only what the scan proved within the limits and free of
DTDs (the prolog parsed by defusedxml, the part UTF-8 and byte-screened): the sheet
and the shared strings (their stored bytes copied, not unpacked), a one-sheet workbook
with the original date system, and a style table in which exactly the styles Muster
counts as dates carry a date format. So calamine never chooses the sheet or decides what
is a date; Muster's rules do. Returns None when the stream reader must decide instead.
"""

from __future__ import annotations

import gc
import io
import logging
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from itertools import chain

import polars as pl
from python_calamine import CalamineWorkbook

from muster.intake.errors import RowError, file_error
from muster.intake.limits import Limits
from muster.intake.table import ROW, Table, cell_column
from muster.intake.xlsx_book import (
    OUTSIDE_COLUMNS,
    Book,
    float_text,
    letters,
    typed_text,
)
from muster.intake.xlsx_parts import Archive, RawPart, pack, stored
from muster.intake.xlsx_scan import SheetFacts, Special, prove_part, raw_cells, scan_sheet

log = logging.getLogger(__name__)
MAX_GRID = 1_048_576 * 16  # cells calamine may allocate: Excel's full height, columns A to P
MIN_GRID = 1 << 20  # ... whatever the sheet's size; above it, at most a cell per 4 bytes of XML
_MAX_STYLES = 65_536
_FIRST_SAFE_1900 = date(1900, 3, 2)  # before it, calamine's 1900 dates differ from Excel's
_LAST_DAY = date(9999, 12, 31)
_OOXML = "http://schemas.openxmlformats.org"
_MAIN = f"{_OOXML}/spreadsheetml/2006/main"
_REL = f"{_OOXML}/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'<?xml version="1.0"?><Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/></Types>'
)
_ROOT_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_BOOK_RELS = (
    f'<?xml version="1.0"?><Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
Cell = int | float | str | bool | time | date | datetime | timedelta  # python-calamine's values


def read_with_calamine(
    archive: Archive, book: Book, dates: list[bool], limits: Limits
) -> Table | None:
    """The first sheet as a Table, or None when the stream reader must read it."""
    facts = scan_sheet(archive, book.sheet)
    strings_proven = prove_part(archive, book.shared_strings) if book.shared_strings else True
    if not (facts.proven and strings_proven):
        return None  # damaged, or not UTF-8: the stream reader's defused parser reads it whole
    if facts.positional or len(dates) > _MAX_STYLES or not grid_fits(facts):
        return None
    packed = _pack(archive, book, dates)
    rows = _calamine_rows(packed) if packed is not None else None
    if rows is None:
        return None
    return _Sheet(archive, book, dates, facts, limits).table(rows)


def grid_fits(facts: SheetFacts) -> bool:
    """True when the dense grid calamine will allocate is small enough for the sheet's size.

    A sheet that spans far more cells than its XML could fill (a stray value at XFD1048576,
    say) is sparse: the stream reader's work grows with the XML, calamine's with the grid.
    """
    budget = min(MAX_GRID, max(MIN_GRID, facts.size // 4))
    return facts.rows * facts.columns <= budget


def _pack(archive: Archive, book: Book, dates: list[bool]) -> bytes | None:
    styles = "".join('<xf numFmtId="14"/>' if date else '<xf numFmtId="0"/>' for date in dates)
    system = ' date1904="1"' if book.date_system == 1904 else ""
    workbook = (
        f'<?xml version="1.0"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f'<workbookPr{system}/><sheets><sheet name="list" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )
    parts: list[tuple[str, RawPart | None]] = [
        ("[Content_Types].xml", stored(_CONTENT_TYPES.encode())),
        ("_rels/.rels", stored(_ROOT_RELS.encode())),
        ("xl/workbook.xml", stored(workbook.encode())),
        ("xl/_rels/workbook.xml.rels", stored(_BOOK_RELS.encode())),
        ("xl/styles.xml", stored(_styles(styles, len(dates)).encode())),
        ("xl/worksheets/sheet1.xml", archive.raw(book.sheet)),
    ]
    if book.shared_strings:
        parts.append(("xl/sharedStrings.xml", archive.raw(book.shared_strings)))
    ready = [(name, part) for name, part in parts if part is not None]
    return pack(ready) if len(ready) == len(parts) else None


def _styles(xfs: str, count: int) -> str:
    return f'<styleSheet xmlns="{_MAIN}"><cellXfs count="{count}">{xfs}</cellXfs></styleSheet>'


def _calamine_rows(packed: bytes) -> list[list[Cell]] | None:
    """Every row from A1 to the last cell, as python-calamine gives them; None if it refuses."""
    try:
        with _gc_paused(), CalamineWorkbook.from_filelike(io.BytesIO(packed)) as workbook:
            rows: list[list[Cell]] = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
            return rows
    except MemoryError:
        raise
    except Exception:  # calamine's refusals (damaged XML, a missing string...)
        log.info("calamine refused a sheet; the stream reader names the problem", exc_info=True)
        return None


def _joined(column: pl.Series) -> str:
    text: str = column.str.join("\n").item()
    return text


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic GC while millions of row lists are made: it would walk them all, often.

    The lists hold no cycles; reference counting frees them. (The GC switch is global to
    the process, so it is only held while calamine builds the rows.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def cell_text(cell: Cell, date_system: int) -> str | None:
    """A non-string calamine value as the stream reader would write it; None when unsure.

    calamine turns date-formatted serials into dates in its own way at the edges (times
    for serials below 1, Excel's phantom 1900-02-29, milliseconds): those cells are read
    again from the sheet XML.
    """
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float):
        return float_text(cell)
    if isinstance(cell, int):
        return str(cell)
    if isinstance(cell, datetime):
        return _moment_text(cell, date_system)
    if isinstance(cell, date):
        return None if date_system == 1900 and cell < _FIRST_SAFE_1900 else cell.isoformat()
    return None  # a time or a duration: a serial below 1, or a date cell with only a time


def _moment_text(moment: datetime, date_system: int) -> str | None:
    day = moment.date()
    early = date_system == 1900 and day < _FIRST_SAFE_1900
    if moment.microsecond or day == _LAST_DAY or early:
        return None  # milliseconds to round, or a serial past 9999-12-31
    return day.isoformat() if moment.time() == datetime.min.time() else moment.isoformat()


class _Sheet:
    """calamine's rows turned into a Table with the stream reader's rows, columns and errors."""

    def __init__(
        self, archive: Archive, book: Book, dates: list[bool], facts: SheetFacts, limits: Limits
    ) -> None:
        self.archive, self.book, self.dates = archive, book, dates
        self.facts, self.limits = facts, limits

    def table(self, rows: list[list[Cell]]) -> Table | None:
        first = next((i for i, row in enumerate(rows) if any(cell != "" for cell in row)), None)
        if first is None:
            raise file_error("an empty first sheet", "a header row naming the columns")
        width = len(rows[0])
        grid = list(chain.from_iterable(rows[first:]))
        rows.clear()  # the caller's list too: calamine's Python objects go as soon as possible
        columns = self._columns([grid[i::width] for i in range(width)], first)
        del grid
        if columns is None:
            return None
        header = [column[0] for column in columns]
        while header and header[-1] == "":
            header.pop()
        frame = self._frame(columns, first + 1)
        errors = self._errors(frame, header, first + 1, width)
        frame = frame.select(*(cell_column(i) for i in range(len(header))), ROW)
        # Proving NFC here costs a tenth of normalising every column in the checks.
        normalised = all(unicodedata.is_normalized("NFC", _joined(c)) for c in columns)
        return Table(header, first + 1, frame, self.book.date_system, errors, normalised)

    def _columns(self, columns: list[list[Cell]], first: int) -> list[pl.Series] | None:
        """Every column as text; cells calamine cannot be trusted with are read from the XML.

        Columns of strings go to Polars as they are; only the others are converted in Python.
        """
        system = self.book.date_system
        result: list[pl.Series | list[str | None]] = []
        unsure: dict[tuple[int, int], tuple[list[str | None], int]] = {}
        for index, column in enumerate(columns):
            try:
                result.append(pl.Series(column, dtype=pl.String))  # fails on any non-string
                continue
            except TypeError:
                texts = [c if c.__class__ is str else cell_text(c, system) for c in column]
            result.append(texts)
            for at, text in enumerate(texts):
                if text is None:
                    unsure[(first + 1 + at, index)] = (texts, at)
        if unsure:
            raw = raw_cells(self.archive, self.book.sheet, set(unsure))
            if len(raw) != len(unsure):
                return None
            for position, (texts, at) in unsure.items():
                cell = raw[position]
                dated = 0 <= cell.style < len(self.dates) and self.dates[cell.style]
                texts[at] = typed_text(cell.kind, cell.value or "", dated, system)
        return [c if isinstance(c, pl.Series) else pl.Series(c, dtype=pl.String) for c in result]

    def _frame(self, columns: list[pl.Series], header_row: int) -> pl.DataFrame:
        """Data rows that hold anything, all columns, with their spreadsheet row numbers."""
        count = columns[0].len()
        data = {cell_column(i): column for i, column in enumerate(columns)}
        rows = pl.int_range(header_row, header_row + count, dtype=pl.Int64, eager=True)
        frame = pl.DataFrame({**data, ROW: rows}).slice(1)
        frame = frame.filter(pl.any_horizontal(pl.col(name) != "" for name in data))
        if frame.height > self.limits.max_rows:
            raise file_error(
                f"more than {self.limits.max_rows} data rows",
                f"at most {self.limits.max_rows} rows",
            )
        return frame

    def _errors(
        self, frame: pl.DataFrame, header: list[str], header_row: int, width: int
    ) -> list[RowError]:
        """Error cells and formulas without results, then values right of the header."""
        found = [
            (s.row, 0, s.column, self._special(s, header, header_row)) for s in self.facts.specials
        ]
        for index in range(len(header), width):
            column = cell_column(index)
            stray = frame.filter(pl.col(column) != "").select(ROW, column)
            found.extend(
                (row, 1, index, RowError(row, letters(index), value, OUTSIDE_COLUMNS))
                for row, value in stray.iter_rows()
            )
        return [error for *_, error in sorted(found, key=lambda item: item[:3])]

    @staticmethod
    def _special(special: Special, header: list[str], header_row: int) -> RowError:
        named = special.row > header_row and special.column < len(header)
        column = header[special.column] if named and header[special.column] else ""
        return RowError(
            special.row, column or letters(special.column), special.value, special.expected
        )
