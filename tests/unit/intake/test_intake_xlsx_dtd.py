"""XLSX parts with a DTD are refused by the parser in every encoding, never read by calamine."""

from __future__ import annotations

import pytest

import muster.intake.xlsx_calamine as xlsx_calamine
from muster.intake import IntakeRejected, RowError, read_list
from muster.intake.xlsx_xml import PrologProof, pull_parser
from tests.unit.intake.corpus import _MAIN, CATEGORIES, LIST_HEADER, entry, inline_row, raw_xlsx

_HEADER = inline_row(1, LIST_HEADER)
_SECOND = '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'
_DTD = '<!DOCTYPE x [<!ENTITY e "P0001">]>'
_ENCODINGS = ["utf-8", "utf-16-le", "utf-16-be", "utf-16"]  # LE and BE without BOM; with BOM


def _declared(encoding: str) -> str:
    return "UTF-8" if encoding == "utf-8" else "UTF-16"


def _part(body: str, encoding: str, dtd: str = _DTD) -> bytes:
    text = f'<?xml version="1.0" encoding="{_declared(encoding)}"?>{dtd}{body}'
    return text.encode(encoding)


def _parts(encoding: str, dtd: str = _DTD) -> dict[str, dict[str, bytes]]:
    """Each part of a workbook in turn carrying the DTD, in the given encoding."""
    sheet = f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEADER}{_SECOND}</sheetData></worksheet>'
    strings = f'<sst xmlns="{_MAIN}"><si><t>&e;</t></si></sst>'
    styles = f'<styleSheet xmlns="{_MAIN}"><numFmts count="0"/></styleSheet>'
    return {
        "sheet": {"xl/worksheets/sheet1.xml": _part(sheet, encoding, dtd)},
        "shared strings": {"xl/sharedStrings.xml": _part(strings, encoding, dtd)},
        "styles": {"xl/styles.xml": _part(styles, encoding, dtd)},
    }


@pytest.fixture
def no_calamine(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """calamine replaced by a spy that records every workbook it would have been given."""
    given: list[bytes] = []

    def spy(packed: bytes) -> None:
        given.append(packed)
        return None

    monkeypatch.setattr(xlsx_calamine, "_calamine_rows", spy)
    return given


@pytest.mark.parametrize("encoding", _ENCODINGS)
@pytest.mark.parametrize("part", ["sheet", "shared strings", "styles"])
def test_a_dtd_in_any_part_and_encoding_is_refused_before_calamine(
    part: str, encoding: str, no_calamine: list[bytes]
) -> None:
    data = raw_xlsx("", shared=["P0001"], extra=_parts(encoding)[part])
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.xlsx", CATEGORIES)
    (error,) = caught.value.errors
    assert error.row == 0 and "Traceback" not in error.value
    # UTF-16 with a BOM, or big-endian, never looks like XML to the first-byte check.
    expected = "that is not UTF-8 XML" if encoding in ("utf-16", "utf-16-be") else "DOCTYPE"
    assert expected in error.value, error
    assert no_calamine == []


@pytest.mark.parametrize("part", ["sheet", "shared strings"])
def test_utf16_without_bom_and_an_entity_is_refused_not_expanded(part: str) -> None:
    """The reproduction: a UTF-16 part without BOM passes any byte check for '<!DOCTYPE'."""
    data = raw_xlsx(_HEADER + _SECOND, extra=_parts("utf-16-le")[part])
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.xlsx", CATEGORIES)
    part_name = next(iter(_parts("utf-16-le")[part]))
    assert caught.value.errors == [
        RowError(
            0,
            "",
            f"a DOCTYPE or XML entity declarations in {part_name!r}",
            "an XLSX workbook saved again by a spreadsheet program",
        )
    ]


def test_a_doctype_without_entities_is_refused_too(no_calamine: list[bytes]) -> None:
    data = raw_xlsx("", extra=_parts("utf-16-le", dtd="<!DOCTYPE worksheet>")["sheet"])
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.xlsx", CATEGORIES)
    assert "DOCTYPE" in caught.value.errors[0].value and no_calamine == []


def test_a_utf16_sheet_without_dtd_is_read_whole_by_the_stream_reader(
    no_calamine: list[bytes],
) -> None:
    sheet = (
        f'<worksheet xmlns="{_MAIN}"><sheetData>{_HEADER}'
        f"{inline_row(2, entry(name_native='김철수'))}</sheetData></worksheet>"
    )
    data = raw_xlsx("", extra={"xl/worksheets/sheet1.xml": _part(sheet, "utf-16-le", dtd="")})
    (record,) = read_list(data, "list.xlsx", CATEGORIES).records()
    assert (record.person_id, record.name_native) == ("P0001", "김철수")
    assert no_calamine == []


def test_the_pull_parser_refuses_declarations_the_byte_check_cannot_see() -> None:
    parser = pull_parser()
    with pytest.raises(ValueError, match="DTD"):
        parser.feed(_part("<a>&e;</a>", "utf-16-le"))


def test_the_prolog_proof_marks_only_clean_utf8_parts_for_calamine() -> None:
    clean = PrologProof("x.xml")
    clean.feed(b'<?xml version="1.0" encoding="UTF-8"?><a>' + b"<!" * 10)
    assert clean.proven  # the body after the root start is the byte screens' business
    wide = PrologProof("x.xml")
    wide.feed(_part("<a/>", "utf-16-le", dtd=""))
    assert wide.reached and not wide.proven
    latin = PrologProof("x.xml")
    latin.feed(b'<?xml version="1.0" encoding="ISO-8859-1"?><a/>')
    assert not latin.proven
    broken = PrologProof("x.xml")
    broken.feed(b"<?xml version='1.0'?>< a/>")
    assert broken.broken and not broken.proven
    with pytest.raises(IntakeRejected):
        PrologProof("x.xml").feed(_part("<a/>", "utf-16-le", dtd="<!DOCTYPE a>"))
