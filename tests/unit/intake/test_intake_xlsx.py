"""XLSX: first sheet in workbook order, strings, dates in both systems, formulas, bombs."""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
import zlib
from datetime import date

import pytest

from muster.intake import IntakeRejected, Limits, RowError, read_list, read_people
from muster.intake.xlsx import serial_to_iso
from tests.unit.intake.corpus import (
    CATEGORIES,
    LIST_HEADER,
    entry,
    inline_row,
    raw_xlsx,
    xlsx_book,
)


def _rejected(data: bytes, limits: Limits | None = None) -> list[RowError]:
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.xlsx", CATEGORIES, limits or Limits())
    return caught.value.errors


def test_first_sheet_in_workbook_order_not_the_active_tab() -> None:
    data = xlsx_book(
        [("list", [LIST_HEADER, entry(name_native="김철수")]), ("notes", [["scratch"], ["x"]])],
        active=1,
    )
    assert b'activeTab="1"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")
    assert read_list(data, "list.xlsx", CATEGORIES).records()[0].name_native == "김철수"


def test_date_cells_in_1900_and_1904_systems() -> None:
    for system in (False, True):
        row = entry()
        row[4], row[8] = date(1985, 1, 2), date(2021, 7, 1)  # type: ignore[call-overload]
        data = xlsx_book([("list", [LIST_HEADER, row])], date_1904=system)
        record = read_list(data, "list.xlsx", CATEGORIES).records()[0]
        assert (record.date_of_birth, record.since) == (date(1985, 1, 2), date(2021, 7, 1))


def test_plain_serial_numbers_in_date_columns_use_the_workbook_date_system() -> None:
    header = inline_row(1, LIST_HEADER)
    body = '<row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c>'
    body += '<c r="B2" t="inlineStr"><is><t>Kim</t></is></c><c r="E2"><v>31049</v></c>'
    body += '<c r="H2" t="inlineStr"><is><t>illness</t></is></c><c r="I2"><v>44378</v></c></row>'
    got_1900 = read_list(raw_xlsx(header + body), "l.xlsx", CATEGORIES).records()[0]
    got_1904 = read_list(raw_xlsx(header + body, date_1904=True), "l.xlsx", CATEGORIES).records()[0]
    assert (got_1900.date_of_birth, got_1900.since) == (date(1985, 1, 2), date(2021, 7, 1))
    assert (got_1904.date_of_birth, got_1904.since) == (date(1989, 1, 3), date(2025, 7, 2))


def test_serial_conversion_edges() -> None:
    assert serial_to_iso(1, 1900) == "1900-01-01"
    assert serial_to_iso(59, 1900) == "1900-02-28"
    assert serial_to_iso(60, 1900) is None  # Excel's phantom 1900-02-29
    assert serial_to_iso(61, 1900) == "1900-03-01"
    assert serial_to_iso(0, 1904) == "1904-01-01"
    assert serial_to_iso(31049.5, 1900) == "1985-01-02T12:00:00"


def test_shared_strings_numbers_and_styles() -> None:
    header = "".join(f'<c r="{chr(65 + i)}1" t="s"><v>{i}</v></c>' for i in range(len(LIST_HEADER)))
    row = '<row r="2"><c r="A2"><v>1001</v></c><c r="B2" t="s"><v>12</v></c>'
    row += '<c r="G2"><v>745512345</v></c><c r="H2" t="s"><v>13</v></c></row>'
    data = raw_xlsx(f'<row r="1">{header}</row>{row}', shared=[*LIST_HEADER, "Kim", "illness"])
    record = read_list(data, "l.xlsx", CATEGORIES).records()[0]
    assert (record.person_id, record.family_name, record.passport_no) == (
        "1001",
        "Kim",
        "745512345",
    )


def test_rich_text_phonetic_runs_and_escapes() -> None:
    sst = (
        '<si><r><t>김</t></r><r><t xml:space="preserve">철수</t></r>'
        '<rPh sb="0" eb="1"><t>キム</t></rPh></si>'
        "<si><t>line_x000D_break</t></si>"
    )
    header = inline_row(1, LIST_HEADER)
    row = '<row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="D2" t="s"><v>0</v></c>'
    row += '<c r="H2" t="inlineStr"><is><t>illness</t></is></c><c r="L2" t="s"><v>1</v></c></row>'
    data = raw_xlsx(header + row)
    data = _replace_part(
        data,
        "xl/sharedStrings.xml",
        f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{sst}</sst>',
    )
    record = read_list(data, "l.xlsx", CATEGORIES).records()[0]
    assert record.name_native == "김철수"
    assert record.note == "line\rbreak"


def test_formulas_are_read_as_their_cached_values() -> None:
    row = entry()
    row[1] = ('=UPPER("kim")', "KIM")  # type: ignore[call-overload]
    row[6] = ('="M"&"123"', "M123")  # type: ignore[call-overload]
    data = xlsx_book([("list", [LIST_HEADER, row])])
    record = read_list(data, "l.xlsx", CATEGORIES).records()[0]
    assert (record.family_name, record.passport_no) == ("KIM", "M123")


def test_formula_without_cached_value_and_error_cells_are_named() -> None:
    header = inline_row(1, LIST_HEADER)
    row = inline_row(2, entry())[: -len("</row>")]
    row = row.replace(
        '<c r="F2" t="inlineStr"><is><t>M</t></is></c>', '<c r="F2"><f>IF(1,"M")</f></c>'
    )
    row = row.replace(
        '<c r="G2" t="inlineStr"><is><t>745512345</t></is></c>', '<c r="G2" t="e"><v>#N/A</v></c>'
    )
    errors = _rejected(raw_xlsx(header + row + "</row>"))
    assert [(e.row, e.column, e.value) for e in errors] == [
        (2, "sex", '=IF(1,"M")'),
        (2, "passport_no", "#N/A"),
    ]


def test_nfd_hangul_in_xlsx_is_composed() -> None:
    import unicodedata

    data = xlsx_book(
        [("list", [LIST_HEADER, entry(name_native=unicodedata.normalize("NFD", "한국"))])]
    )
    assert read_list(data, "l.xlsx", CATEGORIES).records()[0].name_native == "한국"


def test_values_outside_the_header_columns_are_refused() -> None:
    data = xlsx_book([("list", [LIST_HEADER, [*entry(), "", "stray"]])])
    assert [(e.row, e.column, e.value) for e in _rejected(data)] == [(2, "N", "stray")]


def test_empty_rows_are_skipped_and_rows_keep_sheet_numbers() -> None:
    data = xlsx_book([("list", [[], LIST_HEADER, entry(), [], entry(person_id="P2", sex="X")])])
    errors = _rejected(data)
    assert [(e.row, e.column) for e in errors] == [(5, "sex")]


def test_100_kb_cell_in_xlsx_is_refused() -> None:
    data = raw_xlsx(inline_row(1, LIST_HEADER) + inline_row(2, entry(note="x" * 100_000)))
    assert [(e.row, e.column) for e in _rejected(data)] == [(2, "note")]


def test_people_from_xlsx_with_date_cells() -> None:
    header = [
        "person_id",
        "family_name",
        "given_name",
        "name_native",
        "date_of_birth",
        "sex",
        "passport_no",
        "workplace_code",
        "role",
        "purpose",
        "arrived",
        "permit_expires",
    ]
    row = [
        "P1",
        "Kim",
        "Su",
        "김수",
        date(1980, 5, 6),
        "M",
        12345,
        "W001",
        "Worker",
        "work",
        date(2019, 3, 1),
        "",
    ]
    (person,) = read_people(xlsx_book([("people", [header, row])]), "people.xlsx")
    assert (person.date_of_birth, person.passport_no, person.role) == (
        date(1980, 5, 6),
        "12345",
        "worker",
    )
    assert person.permit_expires is None


# -- hostile workbooks ------------------------------------------------------------------


def _spaces_deflated(megabytes: int) -> bytes:
    """Raw deflate data for `megabytes` MB of spaces, built from one repeated flushed block."""
    chunk = b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first + repeat * (megabytes - 1) + compressor.flush(zlib.Z_FINISH)


def _handmade_zip(parts: dict[str, bytes], raw_name: str, raw: bytes, crc: int, size: int) -> bytes:
    """A zip with ordinary stored parts plus one pre-deflated part declaring `size` bytes."""
    entries = [(name, 0, data, zlib.crc32(data), len(data)) for name, data in parts.items()]
    entries.append((raw_name, 8, raw, crc, size))
    body, directory = bytearray(), bytearray()
    for name, method, data, checksum, declared in entries:
        encoded = name.encode()
        fields = struct.pack(
            "<HHHHHIIIHH", 20, 0, method, 0, 0x21, checksum, len(data), declared, len(encoded), 0
        )
        directory += (
            b"PK\x01\x02"
            + struct.pack("<H", 20)
            + fields
            + struct.pack("<HHHII", 0, 0, 0, 0, len(body))
            + encoded
        )
        body += b"PK\x03\x04" + fields + encoded + data
    end = struct.pack("<HHHHIIH", 0, 0, len(entries), len(entries), len(directory), len(body), 0)
    return bytes(body + directory + b"PK\x05\x06" + end)


def _bomb(megabytes: int, declared: int | None = None) -> bytes:
    """A workbook whose sheet unpacks to `megabytes` MB of spaces (and declares `declared`).

    A lying part gets the checksum of the bytes it declares, the attacker's best case.
    """
    good = zipfile.ZipFile(io.BytesIO(raw_xlsx(inline_row(1, LIST_HEADER))))
    parts = {i.filename: good.read(i) for i in good.infolist() if "sheet1" not in i.filename}
    size = megabytes << 20 if declared is None else declared
    crc = zlib.crc32(b" " * declared) if declared is not None else 0
    return _handmade_zip(parts, "xl/worksheets/sheet1.xml", _spaces_deflated(megabytes), crc, size)


def test_zip_bomb_is_refused_quickly_with_little_memory() -> None:
    bomb = _bomb(2000)  # 2 GB of spaces in about 2 MB
    assert len(bomb) < 3_000_000
    tracemalloc.start()
    started = time.perf_counter()
    errors = _rejected(bomb)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert errors[0].row == 0 and "unpacks to more than" in errors[0].value
    assert elapsed < 2 and peak < 20 << 20


def test_zip_bomb_lying_about_its_size_is_refused_while_streaming() -> None:
    liar = _bomb(1000, declared=1000)  # claims 1000 bytes, unpacks to 1 GB
    tracemalloc.start()
    started = time.perf_counter()
    errors = _rejected(liar)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert errors[0].row == 0 and "sheet1.xml" in errors[0].value
    assert elapsed < 2 and peak < 20 << 20


def test_unpacked_bytes_are_counted_against_the_budget_while_streaming() -> None:
    from muster.intake.errors import IntakeRejected as Rejected
    from muster.intake.xlsx_parts import Archive

    archive = Archive(_bomb(3), Limits())
    archive.remaining = 1 << 20  # as if other parts had used up the budget
    with pytest.raises(Rejected) as caught:
        for _ in archive.chunks("xl/worksheets/sheet1.xml"):
            pass
    assert "unpacks to more than" in caught.value.errors[0].value


def test_too_many_zip_entries_refused_before_reading_the_directory() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for i in range(50):
            archive.writestr(f"x/{i}", b"")
    errors = _rejected(buffer.getvalue(), Limits(max_zip_entries=20))
    assert errors == [RowError(0, "", "a zip with 50 parts", "an ordinary XLSX workbook")]


def test_doctype_entity_expansion_is_refused() -> None:
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol2;</t></si></sst>'
    )
    data = _replace_part(raw_xlsx(inline_row(1, LIST_HEADER)), "xl/sharedStrings.xml", laughs)
    assert "entity declarations" in _rejected(data)[0].value


def test_damaged_zip_and_broken_xml_are_refused_by_name() -> None:
    good = xlsx_book([("list", [LIST_HEADER, entry()])])
    truncated = good[: len(good) // 2]
    assert _rejected(truncated)[0].row == 0
    broken = _replace_part(
        raw_xlsx(inline_row(1, LIST_HEADER)),
        "xl/worksheets/sheet1.xml",
        "<worksheet><sheetData><row>",
    )
    assert "broken XML" in _rejected(broken)[0].value


def test_corrupted_compressed_data_is_refused() -> None:
    data = bytearray(xlsx_book([("list", [LIST_HEADER, entry()] * 50)]))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 10
    data[start : start + 40] = bytes(40)
    errors = _rejected(bytes(data))
    assert errors[0].row == 0 and "damaged" in errors[0].value


@pytest.mark.parametrize(
    ("names", "found"),
    [
        (("mimetype", "content.xml"), "OpenDocument"),
        (("word/document.xml",), "Word"),
        (("a.txt",), "zip archive"),
    ],
)
def test_zips_that_are_not_workbooks(names: tuple[str, ...], found: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, b"x")
    assert found in _rejected(buffer.getvalue())[0].value


def _replace_part(data: bytes, name: str, text: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(
                info.filename, text.encode() if info.filename == name else source.read(info)
            )
    return buffer.getvalue()
