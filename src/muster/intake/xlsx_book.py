"""What every XLSX reader needs from a workbook: its first sheet, date system and cell text rules.

The first sheet is the first <sheet> of workbook.xml (workbook order, not the active tab).
Cells become text: numbers without a trailing '.0', date-formatted numbers as ISO dates
(1900 or 1904 date system), booleans as TRUE/FALSE.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from muster.intake.errors import file_error
from muster.intake.xlsx_parts import Archive, Element, local

_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
_FORMAT_NOISE = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_CELL_REF = re.compile(r"([A-Z]{1,3})(\d+)$")
_MAX_SERIAL = 2_958_465  # 9999-12-31
_DAYS_1900_TO_1904 = 1_462
FORMULA_WITHOUT_VALUE = (
    "a saved formula result (open and save the file in Excel, or type the value)"
)
FORMULA_ERROR = "a value, not a formula error"
OUTSIDE_COLUMNS = "no value outside the named columns"


@dataclass(frozen=True)
class Book:
    """Where the parts of a workbook are, and its date system (1900 or 1904)."""

    sheet: str
    date_system: int
    styles: str | None
    shared_strings: str | None


def read_book(archive: Archive) -> Book:
    """Find the first sheet in workbook order, the date system and the styles and strings."""
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
    return Book(
        target,
        date_system,
        styles if styles and archive.has(styles) else None,
        shared if shared and archive.has(shared) else None,
    )


def _relationship_id(element: Element) -> str:
    return next((value for key, value in element.attrib.items() if local(key) == "id"), "")


def style_dates(archive: Archive, book: Book) -> list[bool]:
    """For each cell style (cellXfs index), whether its number format shows a date."""
    if book.styles is None:
        return []
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = False
    for event, element in archive.events(book.styles, start=frozenset({"cellXfs"})):
        name = local(element.tag)
        if name == "cellXfs":
            in_cell_xfs = event == "start"
        elif name == "numFmt" and event == "end":
            custom[attr_int(element.get("numFmtId"))] = element.get("formatCode", "")
        elif name == "xf" and in_cell_xfs:
            formats.append(attr_int(element.get("numFmtId")))
    return [_is_date_format(fmt, custom) for fmt in formats]


def _is_date_format(format_id: int, custom: dict[int, str]) -> bool:
    if format_id in custom:
        code = _FORMAT_NOISE.sub("", custom[format_id]).lower()
        return any(letter in code for letter in "dmy") and "general" not in code
    return format_id in _DATE_FORMAT_IDS


def shared_strings(archive: Archive, part: str) -> list[str]:
    """The shared string table, in order."""
    strings: list[str] = []
    table: Element | None = None
    for event, element in archive.events(part, start=frozenset({"sst"})):
        if event == "start":
            table = element
        elif local(element.tag) == "si":
            strings.append(rich_text(element))
            if table is not None:
                table.clear()  # keep memory flat: finished strings are no longer needed
    return strings


def rich_text(element: Element) -> str:
    """Text of a string item (<si> or <is>): plain or rich runs, without phonetic guides."""
    parts: list[str] = []
    for child in element:
        name = local(child.tag)
        if name == "t":
            parts.append(child.text or "")
        elif name == "r":
            parts.extend(t.text or "" for t in child if local(t.tag) == "t")
    return unescape("".join(parts))


def unescape(text: str) -> str:
    """Excel's escapes of characters XML cannot hold: _x000D_ is a carriage return."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def attr_int(value: str | None) -> int:
    """An attribute as an integer: 0 when missing, -1 when not a number."""
    try:
        return int(value or 0)
    except ValueError:
        return -1


def typed_text(kind: str, value: str, date_styled: bool, date_system: int) -> str:
    """A cell's saved value as text, for every cell type but shared strings and errors."""
    if kind in ("str", "inlineStr"):
        return unescape(value)
    if kind == "b":
        return "TRUE" if value == "1" else "FALSE"
    if kind == "d":
        return value.removesuffix("T00:00:00")
    try:
        number = float(value)
    except ValueError:
        return value
    if date_styled:
        return serial_to_iso(number, date_system) or number_text(value)
    return number_text(value)


def serial_to_iso(serial: float, date_system: int) -> str | None:
    """An Excel date serial as ISO text (date, or date and time); None when out of range."""
    whole = int(serial)
    if date_system == 1904:
        base, last = datetime(1904, 1, 1), _MAX_SERIAL - _DAYS_1900_TO_1904
    elif whole == 60 or whole < 1:
        return None  # 1900-02-29 never existed; Excel invented it
    else:
        base = datetime(1899, 12, 31) if whole < 60 else datetime(1899, 12, 30)
        last = _MAX_SERIAL
    if not 0 <= serial <= last:
        return None
    moment = base + timedelta(days=whole, seconds=round((serial - whole) * 86_400))
    return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat()


def number_text(value: str) -> str:
    """A numeric cell as a person would type it: 40 not 40.0, 0.5 stays 0.5."""
    return float_text(float(value))


def float_text(number: float) -> str:
    """A number as a person would type it: 40 not 40.0, 0.5 stays 0.5."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def column_index(reference: str | None, default: int) -> int:
    """Zero-based column of a cell reference such as 'B7'; `default` when there is none."""
    match = _CELL_REF.match(reference or "")
    if not match:
        return default
    index = 0
    for letter in match.group(1):
        index = index * 26 + ord(letter) - 64
    return index - 1


def letters(index: int) -> str:
    """Spreadsheet column letters of a zero-based index (0 -> A, 26 -> AA)."""
    text = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        text = chr(65 + rest) + text
    return text
