"""A worksheet's XML streamed once before calamine may read it: size proven, oddities found.

calamine reports neither error cells nor formulas without a saved result (both read as
empty), and it allocates a dense grid spanning every cell reference, so one stray reference
far away would ask for gigabytes and abort the process. The scan walks the unpacked bytes
in blocks of whole rows; a fast RE2 screen (pyarrow, linear time) passes ordinary blocks,
and only blocks with formulas, error values, declarations, cells or rows without a
reference, references beyond column P, or rows numbered above the row that starts the next
block (rows come in order in any sheet a spreadsheet program writes) are examined closely
in Python. So the extent of the grid is known, exactly or from above, before calamine runs.

Before any of that is trusted, the part's prolog goes through the defused XML parser
(xlsx_xml.PrologProof): a DTD is refused in any encoding, and only a UTF-8 part is marked
`proven`, so that the byte screens below see every declaration the rest could hold.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc

from muster.intake.errors import file_error
from muster.intake.xlsx_book import FORMULA_ERROR, FORMULA_WITHOUT_VALUE
from muster.intake.xlsx_parts import Archive
from muster.intake.xlsx_xml import DAMAGED, PrologProof, declarations

NEAR_COLUMNS = 16  # references the screen lets through name columns A to P
_BLOCK = 1 << 20
_PREFIX = r"(?:[\w.-]+:)?"
_ATTRIBUTE_NOT_R = r"""\s+(?:[^\sr=>/][^\s=>/]*|r[^\s=>/]+)\s*=\s*(?:"[^"]*"|'[^']*')"""
_NO_REFERENCE = rf"<{_PREFIX}(?:c|row)(?:{_ATTRIBUTE_NOT_R})*\s*/?>"
_ODD_REFERENCE = r"""r\s*=\s*["'](?:[A-Z]{2}|[Q-Z]|[A-Z]?[^0-9A-Z]|[A-Z]?[0-9]{1,7}[^0-9"'])"""
_SUSPECT = "|".join(("<!", rf"<{_PREFIX}f[\s/>]", "v>#", _NO_REFERENCE, _ODD_REFERENCE))
_P = _PREFIX.encode()
_ROW_START = re.compile(rb"<" + _P + rb"row[\s>/]")
_ROW_NUMBER = re.compile(rb"<" + _P + rb"""row\s[^>]*?\br\s*=\s*["']([0-9]{1,7})["']""")
_CELL_START = re.compile(rb"<" + _P + rb"c(?=[\s/>])([^>]*)>")
_NO_REFERENCE_TAG = re.compile(_NO_REFERENCE.encode())
_ANY_REFERENCE = re.compile(rb"""\sr\s*=\s*["']([^"']*)["']""")
_REFERENCE = re.compile(rb"([A-Z]{0,3})([0-9]{1,7})")
_REFERENCES = re.compile(rb"[A-Z]{0,3}[0-9]{1,7}(?:\n[A-Z]{0,3}[0-9]{1,7})*")
_DIGITS, _LETTERS = re.compile(rb"[0-9]+"), re.compile(rb"[A-Z]+")
_FORMULA = re.compile(rb"<" + _P + rb"f[\s/>]")
_F_OPEN, _F_CLOSE = rb"<" + _P + rb"f(?:\s[^>]*)?(?:/>|>", rb"</" + _P + rb"f>)"
_BARE_FORMULA = re.compile(_F_OPEN + rb"([^<]*)" + _F_CLOSE + rb"\s*</" + _P + rb"c>")
_ERROR_CELL = re.compile(rb"<" + _P + rb"""c\s[^>]*?\bt\s*=\s*["']e["'][^>]*>""")
_VALUE = re.compile(
    rb"\s*(?:" + _F_OPEN + rb"[^<]*" + _F_CLOSE + rb"\s*)?<" + _P + rb"v(?:/>|>([^<]*)</)"
)
_KIND = re.compile(rb"""\st\s*=\s*["']([^"']*)["']""")
_STYLE = re.compile(rb"""\ss\s*=\s*["']([0-9]+)["']""")


@dataclass(frozen=True)
class Special:
    """A cell calamine reads as empty that must be reported: row as shown, zero-based column."""

    row: int
    column: int
    value: str
    expected: str


@dataclass
class SheetFacts:
    """What the scan found: cells to report, the extent of the grid, trust in positions."""

    specials: list[Special] = field(default_factory=list)
    rows: int = 0  # no cell reference names a higher row
    columns: int = 0  # ... or a higher column (1 = A)
    positional: bool = False  # some cell has no usable reference: only the stream reader places it
    size: int = 0  # unpacked bytes of the sheet
    proven: bool = False  # prolog parsed without a DTD and the part is UTF-8: calamine may read it


@dataclass(frozen=True)
class RawCell:
    """A cell's type, style and saved value exactly as the sheet XML holds them."""

    kind: str
    style: int
    value: str | None


def scan_sheet(archive: Archive, name: str) -> SheetFacts:
    """Stream a worksheet part once (counted against the limits) and collect its facts."""
    facts = SheetFacts()
    proof = PrologProof(name)
    for block, ceiling in blocks(archive, name, proof):
        facts.size += len(block)
        if _suspect(block, ceiling):
            _inspect(block, name, facts)
        else:
            facts.rows = max(facts.rows, ceiling)
            facts.columns = max(facts.columns, NEAR_COLUMNS)
    facts.proven = proof.proven
    return facts


def prove_part(archive: Archive, name: str) -> bool:
    """Stream an XML part once: its size proven, DOCTYPE and entity declarations refused.

    True when calamine may read it (see PrologProof.proven).
    """
    proof = PrologProof(name)
    tail = b""
    for number, chunk in enumerate(archive.chunks(name)):
        if number == 0:
            _check_start(chunk, name)
        proof.feed(chunk)
        if b"<!" in chunk or b"<!" in tail + chunk[:1]:
            _refuse_declarations(tail + chunk, name)
        tail = chunk[-16:]
    return proof.proven


def raw_cells(
    archive: Archive, name: str, wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], RawCell]:
    """The raw XML of the wanted cells, by (row, zero-based column)."""
    found: dict[tuple[int, int], RawCell] = {}
    for block, _ in blocks(archive, name):
        for cell in _CELL_START.finditer(block):
            attributes = cell.group(1)
            position = _position(attributes)
            if position is None or position not in wanted:
                continue
            value = None if attributes.endswith(b"/") else _VALUE.match(block, cell.end())
            kind = _KIND.search(attributes)
            style = _STYLE.search(attributes)
            found[position] = RawCell(
                _text(kind.group(1)) if kind else "n",
                int(style.group(1)) if style else 0,
                _text(value.group(1) or b"") if value else None,
            )
    return found


def blocks(
    archive: Archive, name: str, proof: PrologProof | None = None
) -> Iterator[tuple[bytes, int]]:
    """The unpacked part in blocks of about a megabyte, each ending before a <row> start.

    With each block comes its ceiling: the number of the row that starts the next block
    (or of the block's own last row), above which no row of an orderly sheet is numbered.
    Each chunk also goes to `proof`, when given.
    """
    pending: list[bytes] = []
    size, wanted = 0, _BLOCK
    for number, chunk in enumerate(archive.chunks(name)):
        if number == 0:
            _check_start(chunk, name)
        if proof is not None:
            proof.feed(chunk)
        pending.append(chunk)
        size += len(chunk)
        if size < wanted:
            continue
        data = b"".join(pending)
        cut = _last_row_start(data)
        if cut > 0:
            yield data[:cut], _row_number(data, cut)
            pending, size, wanted = [data[cut:]], len(data) - cut, _BLOCK
        else:  # one row longer than a block: gather more before looking again
            pending, wanted = [data], 2 * size
    if pending:
        data = b"".join(pending)
        yield data, _row_number(data, _last_row_start(data))


def _last_row_start(data: bytes) -> int:
    """Where the last complete <row ...> start tag begins; -1 when there is none."""
    at = len(data)
    while (at := data.rfind(b"row", 0, at)) > 0:
        start = data.rfind(b"<", 0, at)
        if start >= 0 and _ROW_START.match(data, start) and data.find(b">", at) >= 0:
            return start
    return -1


def _row_number(data: bytes, start: int) -> int:
    """The r of the row starting at `start`; 0 when there is none (the screen then flags all)."""
    found = _ROW_NUMBER.match(data, start) if start >= 0 else None
    return int(found.group(1)) if found else 0


def _check_start(chunk: bytes, name: str) -> None:
    if not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise file_error(f"a part {name!r} that is not UTF-8 XML", DAMAGED)


def _refuse_declarations(data: bytes, name: str) -> None:
    """The byte screen of a UTF-8 part's body (its prolog went through the parser)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise declarations(name)


def _suspect(block: bytes, ceiling: int) -> bool:
    """True when the block needs a close look; RE2 in linear time, no Python per cell."""
    above = rf"""r\s*=\s*["'][A-Z]?(?:{above_pattern(ceiling)})["']"""
    found = pc.match_substring_regex(pa.array([block], pa.binary()), f"{_SUSPECT}|{above}")
    return bool(found[0].as_py())


def above_pattern(number: int) -> str:
    """A regex for the decimal numbers above `number` (with leading zeros: any longer one)."""
    digits = str(number)
    options = [f"[0-9]{{{len(digits) + 1},}}"]
    for at, digit in enumerate(digits):
        if digit != "9":
            rest = len(digits) - at - 1
            tail = f"[0-9]{{{rest}}}" if rest else ""
            options.append(f"{digits[:at]}[{int(digit) + 1}-9]{tail}")
    return "|".join(options)


def _inspect(block: bytes, name: str, facts: SheetFacts) -> None:
    if b"<!" in block:
        _refuse_declarations(block, name)
    _bounds(block, facts)
    if _NO_REFERENCE_TAG.search(block):
        facts.positional = True
    if _FORMULA.search(block):
        _bare_formulas(block, facts)
    if b"v>#" in block:
        _error_cells(block, facts)


def _bounds(block: bytes, facts: SheetFacts) -> None:
    """Raise the bounds to every reference in the block; odd references mean positional."""
    values = b"\n".join(_ANY_REFERENCE.findall(block))
    if not values:
        return
    if not _REFERENCES.fullmatch(values):
        facts.positional = True
    facts.rows = max(facts.rows, 0, *map(int, _DIGITS.findall(values)))
    names = set(_LETTERS.findall(values))
    facts.columns = max(facts.columns, *map(_column_number, names), 0)


def _bare_formulas(block: bytes, facts: SheetFacts) -> None:
    """Formulas directly followed by the end of their cell: no saved result to read."""
    for formula in _BARE_FORMULA.finditer(block):
        position = _cell_before(block, formula.start())
        if position is None:
            facts.positional = True
            continue
        text = "=" + _text(formula.group(1) or b"")
        facts.specials.append(Special(position[0], position[1], text, FORMULA_WITHOUT_VALUE))


def _error_cells(block: bytes, facts: SheetFacts) -> None:
    for cell in _ERROR_CELL.finditer(block):
        value = None if cell.group(0).endswith(b"/>") else _VALUE.match(block, cell.end())
        if value is None:
            continue  # an error cell without a value reads as empty, as in the stream reader
        position = _position(cell.group(0))
        if position is None:
            facts.positional = True
            continue
        text = _text(value.group(1) or b"")
        facts.specials.append(Special(position[0], position[1], text, FORMULA_ERROR))


def _cell_before(block: bytes, end: int) -> tuple[int, int] | None:
    """Position of the cell whose start tag comes shortly before `end`."""
    start = end
    for _ in range(4):
        start = block.rfind(b"<", 0, start)
        if start < 0:
            return None
        cell = _CELL_START.match(block, start)
        if cell is not None:
            return _position(cell.group(1))
    return None


def _position(attributes: bytes) -> tuple[int, int] | None:
    """(row, zero-based column) named by a cell's r attribute; None without a usable one."""
    found = _ANY_REFERENCE.search(attributes)
    reference = _REFERENCE.fullmatch(found.group(1)) if found else None
    if reference is None or not reference.group(1):
        return None
    return int(reference.group(2)), _column_number(reference.group(1)) - 1


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    return html.unescape(text) if "&" in text else text
