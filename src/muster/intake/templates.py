"""List templates (SPEC §7 `muster template`): the list format pre-filled with a roster."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Literal

import xlsxwriter

from muster.intake.formats import ANSWERS, LIST_COLUMN_NAMES, SEXES
from muster.reports.cells import WORKBOOK_OPTIONS, write_csv, write_xlsx_row

ROSTER_COLUMNS = (
    "person_id",
    "family_name",
    "given_name",
    "name_native",
    "date_of_birth",
    "sex",
    "passport_no",
)
_SPARE_ROWS = 500  # empty rows below the roster that still get drop-downs
_HELP: dict[str, tuple[str, str, str]] = {  # column -> (required, English, Korean)
    "person_id": (
        "",
        "Registry id of the person, if known; keep a pre-filled value",
        "등록 번호(아는 경우); 미리 채워진 값은 그대로 두십시오",
    ),
    "family_name": (
        "*",
        "Family name in Latin letters (* family_name, name_native or person_id)",
        "성(로마자) (* family_name, name_native, person_id 중 하나 필수)",
    ),
    "given_name": ("", "Given name in Latin letters", "이름(로마자)"),
    "name_native": ("*", "Full name in the native script, e.g. Hangul", "본국 문자 성명(한글 등)"),
    "date_of_birth": ("", "Date of birth, YYYY-MM-DD", "생년월일, YYYY-MM-DD 형식"),
    "sex": ("", "M, F or empty", "성별: M(남), F(여) 또는 빈칸"),
    "passport_no": ("", "Passport number", "여권 번호"),
    "category": (
        "yes",
        "What the entry reports: one of the categories listed below. A roster row left "
        "without a category (and nothing else reported) is skipped: nothing is reported for "
        "that person. If nobody is concerned, send 'nothing to report' instead of a list",
        "보고 구분: 아래 목록의 구분 코드 중 하나. 구분을 비워 둔 명단 행은 보고하지 않은 것으로 "
        "보고 건너뜁니다. 해당자가 없으면 명단 대신 '보고할 사항 없음'을 제출하십시오",
    ),
    "since": ("", "Since when, YYYY-MM-DD", "발생일(언제부터), YYYY-MM-DD 형식"),
    "fit_to_travel": (
        "",
        "Fit to travel: yes, no or unknown (empty = unknown)",
        "여행 가능 여부: yes, no, unknown (빈칸 = unknown)",
    ),
    "wants_to_return": (
        "",
        "Wants to go home: yes, no or unknown (empty = unknown). Nobody is sent home without yes",
        "귀국 희망 여부: yes, no, unknown (빈칸 = unknown). yes가 아니면 귀국 대상이 되지 않습니다",
    ),
    "note": ("", "Free text: what HQ needs to know, nothing more", "비고: 필요한 내용만 기입"),
}


def build_list_template(
    rows: Sequence[Mapping[str, str]],
    categories: Sequence[tuple[str, str]],
    fmt: Literal["xlsx", "csv"],
) -> bytes:
    """A list in the SPEC §5 format, pre-filled with the roster rows, as XLSX or CSV."""
    filled = [[row.get(name, "") or "" for name in ROSTER_COLUMNS] + [""] * 5 for row in rows]
    if fmt == "csv":
        return write_csv(LIST_COLUMN_NAMES, filled)
    return _xlsx(filled, categories)


def _xlsx(filled: list[list[str]], categories: Sequence[tuple[str, str]]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    text = workbook.add_format({"num_format": "@"})
    bold = workbook.add_format({"bold": True, "num_format": "@", "bg_color": "#DDEBF7"})
    sheet = workbook.add_worksheet("list")
    help_sheet = workbook.add_worksheet("help")
    for column, name in enumerate(LIST_COLUMN_NAMES):
        sheet.write_string(0, column, name, bold)
        sheet.set_column(column, column, 18 if name != "note" else 40, text)
    for number, values in enumerate(filled, start=1):
        write_xlsx_row(sheet, number, values, {"text": text})
    sheet.freeze_panes(1, 0)
    last = len(filled) + _SPARE_ROWS
    first_code = _write_help(help_sheet, bold, categories)
    codes = f"=help!$A${first_code + 1}:$A${first_code + max(len(categories), 1)}"
    _drop_down(sheet, "category", last, codes, "Choose a category / 구분을 선택하십시오")
    for name in ("fit_to_travel", "wants_to_return"):
        _drop_down(sheet, name, last, list(ANSWERS), "yes, no or unknown")
    _drop_down(sheet, "sex", last, list(SEXES), "M or F")
    workbook.close()
    return buffer.getvalue()


def _drop_down(sheet: object, name: str, last: int, source: str | list[str], message: str) -> None:
    column = LIST_COLUMN_NAMES.index(name)
    sheet.data_validation(  # type: ignore[attr-defined]
        1,
        column,
        last,
        column,
        {
            "validate": "list",
            "source": source,
            "ignore_blank": True,
            "error_title": name,
            "error_message": message,
        },
    )


def _write_help(sheet: object, bold: object, categories: Sequence[tuple[str, str]]) -> int:
    """Explain each column in English and Korean, then list the categories; return its row."""
    write = sheet.write_string  # type: ignore[attr-defined]
    for column, title in enumerate(("column / 열", "required / 필수", "English", "한국어")):
        write(0, column, title, bold)
    for number, name in enumerate(LIST_COLUMN_NAMES, start=1):
        required, english, korean = _HELP[name]
        for column, value in enumerate((name, required, english, korean)):
            write(number, column, value)
    start = len(LIST_COLUMN_NAMES) + 2
    write(start, 0, "category / 구분", bold)
    write(start, 1, "label / 설명", bold)
    for number, (code, label) in enumerate(categories, start=start + 1):
        write(number, 0, code)
        write(number, 1, label)
    sheet.set_column(0, 0, 22)  # type: ignore[attr-defined]
    sheet.set_column(2, 3, 70)  # type: ignore[attr-defined]
    return start + 1
