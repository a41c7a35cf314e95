"""XLSX through calamine: same cells, rows and errors as the stream reader, and safe to call.

Each behaviour calamine is relied on for (or guarded against) is checked here: the
differential tests read the same bytes with both readers and require identical Tables.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from datetime import date

import polars as pl
import pytest

import muster.intake.xlsx_calamine as fast_reader
from muster.intake import IntakeRejected, Limits, RowError, read_list
from muster.intake.table import Table
from muster.intake.xlsx_book import letters, read_book, style_dates
from muster.intake.xlsx_calamine import grid_fits, read_with_calamine
from muster.intake.xlsx_parts import Archive
from muster.intake.xlsx_scan import NEAR_COLUMNS, above_pattern, scan_sheet
from muster.intake.xlsx_stream import read_streamed
from tests.unit.intake.corpus import (
    CATEGORIES,
    LIST_HEADER,
    entry,
    inline_row,
    raw_xlsx,
    xlsx_book,
)
from tests.unit.intake.test_intake_xlsx import _handmade_zip, _spaces_deflated

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_STYLES = (
    f'<styleSheet xmlns="{_MAIN}"><numFmts count="3">'
    '<numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>'
    '<numFmt numFmtId="165" formatCode="[Red]0.00"/>'
    '<numFmt numFmtId="166" formatCode="[h]:mm"/></numFmts><cellXfs count="7">'
    '<xf numFmtId="0"/><xf numFmtId="14"/><xf numFmtId="164"/><xf numFmtId="165"/>'
    '<xf numFmtId="20"/><xf numFmtId="22"/><xf numFmtId="166"/></cellXfs></styleSheet>'
)
_SERIALS = [
    *("0", "0.5", "-5", "1", "59", "60", "60.5", "61", "31049", "31049.5"),
    *("31049.123456789", "31049.00000001", "2958465", "2958465.5", "3000000", "1E+20"),
]


def _both(data: bytes, limits: Limits | None = None) -> tuple[Table | None, Table]:
    """The calamine Table (None when it hands over) and the stream reader's Table."""
    limits = limits or Limits()
    archive = Archive(data, limits)
    book = read_book(archive)
    fast = read_with_calamine(archive, book, style_dates(archive, book), limits)
    return fast, read_streamed(Archive(data, limits), book, limits)


def _assert_same(fast: Table | None, slow: Table) -> None:
    assert fast is not None, "calamine handed the sheet to the stream reader"
    assert (fast.header, fast.header_row, fast.date_system) == (
        slow.header,
        slow.header_row,
        slow.date_system,
    )
    assert fast.frame.equals(slow.frame), (fast.frame, slow.frame)
    assert fast.errors == slow.errors


def _cell(reference: str, value: str, kind: str = "", style: int = 0, formula: str = "") -> str:
    kind_attr = f' t="{kind}"' if kind else ""
    style_attr = f' s="{style}"' if style else ""
    inner = (f"<f>{formula}</f>" if formula else "") + (f"<v>{value}</v>" if value else "")
    return f'<c r="{reference}"{style_attr}{kind_attr}>{inner}</c>'


def _row(number: int, cells: list[str]) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def _text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def _header(number: int, names: list[str]) -> str:
    return inline_row(number, names)


@pytest.mark.parametrize("date_1904", [False, True])
def test_numbers_and_date_styles_match_the_stream_reader(date_1904: bool) -> None:
    """Serial edges (times, 1900-02-29, out of range) in date, time and other formats."""
    names = ["general", "builtin_date", "custom_date", "red", "time", "date_time", "hours"]
    rows = [_header(1, names)]
    for number, serial in enumerate(_SERIALS, start=2):
        cells = [_cell(f"{chr(65 + s)}{number}", serial, style=s) for s in range(len(names))]
        rows.append(_row(number, cells))
    _assert_same(*_both(raw_xlsx("".join(rows), styles=_STYLES, date_1904=date_1904)))


def test_numbers_strings_booleans_and_iso_dates_match_the_stream_reader() -> None:
    values = [
        *(("0.1", "", 0), ("1E-3", "", 0), ("1e15", "", 0), ("1e16", "", 0), ("-0", "", 0)),
        *(("123456789012345678", "", 0), ("2.50", "", 0), ("745512345", "", 0)),
        *(("1", "b", 0), ("0", "b", 0), ("KIM", "str", 0), ("0", "s", 0), ("1", "s", 0)),
        ("x_x000D_y", "str", 0),  # Excel escapes formula results like any string
        *(("2021-07-01", "d", 0), ("2021-07-01T00:00:00", "d", 1), ("2021-07-01T12:30:00", "d", 0)),
        *(("2021-07-01T12:30:00.123", "d", 0), ("12:30:00", "d", 0), ("1900-01-01", "d", 1)),
        ("2021-07-01T12:30:00Z", "d", 0),
    ]
    rows = [_header(1, ["value", "other"])]
    for number, (value, kind, style) in enumerate(values, start=2):
        rows.append(
            _row(number, [_cell(f"A{number}", value, kind, style), _cell(f"B{number}", "1")])
        )
    rows.append(
        '<row r="40"><c r="A40" t="inlineStr"><is><r><t>김</t></r><r><t>철수</t></r>'
        '<rPh sb="0" eb="1"><t>キム</t></rPh></is></c>'
        '<c r="B40" t="inlineStr"><is><t xml:space="preserve"> a_x000D_b </t></is></c></row>'
    )
    data = raw_xlsx("".join(rows), shared=["x &amp; y", "Ri"], styles=_STYLES)
    _assert_same(*_both(data))


def test_leading_empty_rows_and_columns_keep_spreadsheet_numbers() -> None:
    rows = [
        _row(3, [_cell("B3", "0", "s"), _cell("C3", "1", "s")]),
        _row(4, []),
        _row(6, [_cell("B6", "7"), _cell("D6", "2", "s")]),
        _row(9, [_cell("C9", "8")]),
    ]
    fast, slow = _both(raw_xlsx("".join(rows), shared=["a", "b", "stray"]))
    _assert_same(fast, slow)
    assert fast is not None and fast.header_row == 3
    assert fast.frame.get_column("row").to_list() == [6, 9]
    assert [(e.row, e.column, e.value) for e in fast.errors] == [(6, "D", "stray")]


def test_error_cells_and_formulas_without_results_are_found_for_calamine() -> None:
    """calamine reads both as empty: the scan names them, exactly as the stream reader does."""
    codes = ["#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"]
    rows = [
        _row(1, [_cell("A1", "#N/A", "e"), _cell("B1", "0", "s"), _cell("C1", "1", "s")]),
        _row(2, [_cell(f"B{2}", "", formula="1/0")]),
    ]
    for number, code in enumerate(codes, start=3):
        rows.append(_row(number, [_cell(f"B{number}", code, "e", formula="X()")]))
    rows.append(
        '<row r="10"><c r="B10"><f t="shared" ref="B10:B11" si="0">A1&amp;"x"</f></c>'
        '<c r="C10"><f t="shared" si="0"/></c><c r="D10" t="e"><v>#N/A</v></c></row>'
    )
    rows.append(
        _row(11, [_cell("B11", "5", formula="2+3"), _cell("C11", "ok", "str", formula="C1")])
    )
    fast, slow = _both(raw_xlsx("".join(rows), shared=["name", "other"]))
    _assert_same(fast, slow)
    assert fast is not None
    found = [(e.row, e.column, e.value) for e in fast.errors]
    assert found[:3] == [(1, "A", "#N/A"), (2, "name", "=1/0"), (3, "name", "#DIV/0!")]
    assert (10, "name", '=A1&"x"') in found and (10, "other", "=") in found
    assert (10, "D", "#N/A") in found and len(found) == 11 + 1  # D10 besides the stray value


def test_prefixed_namespace_sheet_is_read_by_calamine() -> None:
    """Some writers (the .NET Open XML SDK) prefix every element: x:row, x:c, x:f, x:v."""
    sheet = (
        f'<x:worksheet xmlns:x="{_MAIN}"><x:sheetData>'
        '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>a</x:t></x:is></x:c>'
        '<x:c r="B1" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row>'
        '<x:row r="2"><x:c r="A2"><x:f>1+1</x:f></x:c><x:c r="B2" t="e"><x:v>#REF!</x:v></x:c>'
        '</x:row><x:row r="3"><x:c r="A3"><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    data = raw_xlsx("", extra={"xl/worksheets/sheet1.xml": sheet.encode()})
    fast, slow = _both(data)
    _assert_same(fast, slow)
    assert [(e.row, e.column, e.value) for e in slow.errors] == [
        (2, "a", "=1+1"),
        (2, "b", "#REF!"),
    ]


def test_error_values_calamine_does_not_know_are_still_reported() -> None:
    """Newer error values (#SPILL!, #CALC!) make calamine refuse: the stream reader reads."""
    rows = inline_row(1, LIST_HEADER) + inline_row(2, entry())[: -len("</row>")]
    rows += '<c r="L2" t="e"><v>#SPILL!</v></c></row>'
    with pytest.raises(IntakeRejected) as caught:
        read_list(raw_xlsx(rows), "list.xlsx", CATEGORIES)
    assert [(e.row, e.column, e.value) for e in caught.value.errors] == [(2, "note", "#SPILL!")]


def test_first_sheet_in_workbook_order_when_parts_are_numbered_otherwise() -> None:
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    workbook = (
        f'<workbook xmlns="{_MAIN}" xmlns:r="{rels}"><sheets>'
        '<sheet name="list" sheetId="2" r:id="rId4"/><sheet name="old" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    )
    book_rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId4" Type="{rels}/worksheet" Target="worksheets/sheet2.xml"/>'
        "</Relationships>"
    )
    second = inline_row(1, LIST_HEADER) + inline_row(2, entry(name_native="리영희"))
    extra = {
        "xl/workbook.xml": workbook.encode(),
        "xl/_rels/workbook.xml.rels": book_rels.encode(),
        "xl/worksheets/sheet2.xml": f'<worksheet xmlns="{_MAIN}"><sheetData>{second}</sheetData>'
        "</worksheet>".encode(),
    }
    data = raw_xlsx(inline_row(1, ["scratch"]), extra=extra)
    assert read_list(data, "list.xlsx", CATEGORIES).records()[0].name_native == "리영희"
    _assert_same(*_both(data))


def test_dates_from_a_spreadsheet_program_go_through_calamine() -> None:
    for date_1904, born in (
        (False, date(1900, 2, 1)),
        (False, date(1985, 1, 2)),
        (True, date(1985, 1, 2)),
    ):
        row: list[object] = list(entry())
        row[4], row[8] = born, date(2021, 7, 1)
        data = xlsx_book([("list", [LIST_HEADER, row])], date_1904=date_1904)
        fast, slow = _both(data)
        _assert_same(fast, slow)
        assert fast is not None and fast.frame.row(0)[4] == born.isoformat()


@pytest.mark.parametrize("far", ["XFD1048576", "P500000", "ZZ3"])
def test_a_far_stray_cell_never_reaches_calamine(monkeypatch: pytest.MonkeyPatch, far: str) -> None:
    """A1 and XFD1048576 would make calamine allocate 17 billion cells and abort the process.

    A sheet spanning far more cells than its XML could fill goes to the stream reader.
    """

    def forbidden(*_: object) -> None:
        raise AssertionError("calamine was given a grid out of proportion to the sheet")

    monkeypatch.setattr(fast_reader.CalamineWorkbook, "from_filelike", forbidden)
    row = int(far.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    rows = inline_row(1, LIST_HEADER) + inline_row(2, entry())
    rows += f'<row r="{row}"><c r="{far}"><v>1</v></c></row>'
    with pytest.raises(IntakeRejected) as caught:
        read_list(raw_xlsx(rows), "list.xlsx", CATEGORIES)
    column = far.rstrip("0123456789")
    assert caught.value.errors == [RowError(row, column, "1", "no value outside the named columns")]


def test_wide_sheets_are_bounded_exactly_and_read_by_calamine() -> None:
    rows = _row(1, [_text_cell(f"{letters(i)}1", f"c{i}") for i in range(30)])  # A to AD
    rows += "".join(
        _row(n, [_cell(f"{letters(i)}{n}", str(i)) for i in range(30)]) for n in range(2, 500)
    )
    data = raw_xlsx(rows)
    facts = scan_sheet(Archive(data, Limits()), "xl/worksheets/sheet1.xml")
    assert (facts.rows, facts.columns) == (499, 30) and grid_fits(facts)
    _assert_same(*_both(data))


def test_orderly_rows_pass_the_screen_and_disorder_is_caught() -> None:
    """Blocks are bounded by the row that starts the next one, unless a row breaks order."""
    rows = [_row(n, [_cell(f"A{n}", str(n)), _cell(f"B{n}", "x")]) for n in range(1, 60_000)]
    orderly = raw_xlsx("".join(rows))
    facts = scan_sheet(Archive(orderly, Limits()), "xl/worksheets/sheet1.xml")
    assert (facts.rows, facts.columns, facts.specials) == (59_999, NEAR_COLUMNS, [])
    rows[10] = _row(900_000, [_cell("B900000", "far")])
    disorderly = raw_xlsx("".join(rows))
    facts = scan_sheet(Archive(disorderly, Limits()), "xl/worksheets/sheet1.xml")
    assert facts.rows == 900_000 and not grid_fits(facts)


def test_row_numbers_above_a_ceiling_are_matched_exactly() -> None:
    for ceiling in (0, 9, 10, 2471, 99_999, 1_048_576):
        pattern = re.compile(f"(?:{above_pattern(ceiling)})$")
        for number in [*range(max(0, ceiling - 30), ceiling + 30), 10 * ceiling + 1]:
            assert bool(pattern.match(str(number))) == (number > ceiling), (ceiling, number)


@pytest.mark.parametrize(
    "rows",
    [
        '<row r="1"><c t="inlineStr"><is><t>a</t></is></c><c><v>1</v></c></row>',
        '<row><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row><c r="A3"><v>1</v></c></row>',
        '<row r="1"><c s="0" r="A1"><v>1</v></c></row><row r="2"><c r="a2"><v>1</v></c></row>',
    ],
    ids=["cells-without-reference", "rows-without-number", "odd-reference"],
)
def test_positions_calamine_would_guess_go_to_the_stream_reader(rows: str) -> None:
    fast, slow = _both(raw_xlsx(rows))
    assert fast is None and slow.header[0] in ("a", "1")


def test_doctype_in_the_sheet_is_refused() -> None:
    sheet = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>'
        f'<worksheet xmlns="{_MAIN}"><sheetData>{inline_row(1, LIST_HEADER)}</sheetData>'
        "</worksheet>"
    )
    data = raw_xlsx("", extra={"xl/worksheets/sheet1.xml": sheet.encode()})
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.xlsx", CATEGORIES)
    assert "entity declarations" in caught.value.errors[0].value


def test_shared_strings_lying_about_their_size_are_refused_before_calamine() -> None:
    good = zipfile.ZipFile(io.BytesIO(raw_xlsx(inline_row(1, LIST_HEADER))))
    parts = {i.filename: good.read(i) for i in good.infolist() if "shared" not in i.filename}
    liar = _handmade_zip(
        parts, "xl/sharedStrings.xml", _spaces_deflated(600), zlib.crc32(b" " * 100), 100
    )
    with pytest.raises(IntakeRejected) as caught:
        read_list(liar, "list.xlsx", CATEGORIES)
    assert "sharedStrings.xml" in caught.value.errors[0].value


class _Unseekable(io.RawIOBase):
    """A write-only stream: zipfile then writes data descriptors after each part."""

    def __init__(self) -> None:
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: object) -> int:
        chunk = bytes(data)  # type: ignore[call-overload]
        self.buffer += chunk
        return len(chunk)


@pytest.mark.parametrize("method", [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])
def test_stored_parts_and_data_descriptors_are_copied_for_calamine(method: int) -> None:
    source = zipfile.ZipFile(io.BytesIO(xlsx_book([("list", [LIST_HEADER, entry()])])))
    stream = _Unseekable()
    with zipfile.ZipFile(stream, "w", method) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info))
    data = bytes(stream.buffer)
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].flag_bits & 0x08
    fast, slow = _both(data)
    _assert_same(fast, slow)


def test_row_limit_applies_on_the_calamine_path() -> None:
    data = xlsx_book([("list", [LIST_HEADER, entry(), entry(person_id="P2")])])
    fast, _ = _both(data, Limits(max_rows=2))
    assert fast is not None
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.xlsx", CATEGORIES, Limits(max_rows=1))
    assert caught.value.errors[0].value == "more than 1 data rows"


def test_control_characters_from_escapes_are_named() -> None:
    rows = inline_row(1, LIST_HEADER) + inline_row(2, entry(note="a_x0001_b"))
    fast, _ = _both(raw_xlsx(rows))
    assert fast is not None and fast.controls
    with pytest.raises(IntakeRejected) as caught:
        read_list(raw_xlsx(rows), "list.xlsx", CATEGORIES)
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, "note")]


def test_plain_text_sheets_say_so_to_the_checks() -> None:
    fast, _ = _both(xlsx_book([("list", [LIST_HEADER, entry()])]))
    assert fast is not None and fast.normalised
    assert fast.frame.schema == pl.Schema(
        {**{f"c{i}": pl.String for i in range(12)}, "row": pl.Int64}
    )


def test_text_calamine_trims_is_trimmed_by_intake_anyway(monkeypatch: pytest.MonkeyPatch) -> None:
    """calamine trims <t> text lacking xml:space="preserve" (Excel writes it where it matters).

    Intake strips every cell and header, so the accepted list is the same either way.
    """
    sst = "".join(f"<si><t> {text} </t></si>" for text in [*LIST_HEADER, "Kim", "illness"])
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t> P1 </t></is></c>'
    row += '<c r="B2" t="s"><v>12</v></c><c r="H2" t="s"><v>13</v></c></row>'
    header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(12))
    data = raw_xlsx(f'<row r="1">{header}</row>{row}')
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/sharedStrings.xml":
                part = f'<sst xmlns="{_MAIN}">{sst}</sst>'.encode()
            archive.writestr(info.filename, part)
    data = buffer.getvalue()
    fast = read_list(data, "list.xlsx", CATEGORIES)
    monkeypatch.setattr("muster.intake.xlsx.read_with_calamine", lambda *_: None)
    slow = read_list(data, "list.xlsx", CATEGORIES)
    assert fast.frame.equals(slow.frame)
    assert (fast.records()[0].person_id, fast.records()[0].family_name) == ("P1", "Kim")
