"""The intake corpus through `submit_list` on SQLite and PostgreSQL: accepted or refused, kept."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date

import pytest

from muster.bootstrap import Muster
from muster.domain.submissions import Entry
from muster.domain.users import OPERATOR
from muster.intake import IntakeRejected
from muster.services.lists import list_entries, submit_list
from tests.integration.test_call_loop import _issue
from tests.unit.intake.corpus import LIST_HEADER, csv_text, entry, list_csv, xlsx_book
from tests.unit.intake.test_intake_xlsx import _bomb

Check = Callable[[list[Entry]], bool]


def _xlsx_1904() -> bytes:
    row: list[object] = list(entry(category="illness"))
    row[LIST_HEADER.index("date_of_birth")] = date(1985, 1, 2)
    return xlsx_book([("list", [LIST_HEADER, row])], date_1904=True)


ACCEPTED: list[tuple[str, bytes, str, Check]] = [
    (
        "cp949-uhc",
        list_csv([entry(name_native="똠방각", family_name="Ttom")], "cp949"),
        "list.csv",
        lambda es: es[0].name_native == "똠방각",
    ),
    (
        "gb18030",
        list_csv([entry(name_native="金哲洙")], "gb18030"),
        "list.csv",
        lambda es: es[0].name_native == "金哲洙",
    ),
    (
        "utf-16",
        csv_text([entry()]).encode("utf-16"),
        "list.csv",
        lambda es: es[0].name_native == "김철수",
    ),
    (
        "utf-8-bom",
        csv_text([entry()]).encode("utf-8-sig"),
        "list.csv",
        lambda es: es[0].person_id is None or es[0].family_name == "Kim",
    ),
    (
        "nfd-hangul",
        list_csv([entry(name_native=unicodedata.normalize("NFD", "김철수"))]),
        "list.csv",
        lambda es: es[0].name_native == "김철수",
    ),
    ("xlsx-1904", _xlsx_1904(), "list.xlsx", lambda es: es[0].date_of_birth == date(1985, 1, 2)),
    ("lying-extension", list_csv([entry()]), "list.xlsx", lambda es: len(es) == 1),
    (
        "injection-payload",
        list_csv([entry(note='=HYPERLINK("http://x","y")')]),
        "list.csv",
        lambda es: es[0].note == '=HYPERLINK("http://x","y")',
    ),
]

REFUSED: list[tuple[str, bytes, str]] = [
    ("zip-bomb", _bomb(200), "list.xlsx"),
    ("nul-bytes", list_csv([entry()]).replace(b"Kim", b"K\x00m"), "list.csv"),
    ("ragged", list_csv([entry()]) + b"P2,Ri\r\n", "list.csv"),
    ("garbage", bytes(range(256)) * 40, "list.csv"),
    ("100kb-cell", list_csv([entry(note="x" * 100_000)]), "list.csv"),
]


def _submit(muster: Muster, call_id: int, data: bytes, filename: str) -> None:
    with muster.uow() as uow:
        submit_list(
            uow,
            OPERATOR,
            muster.archive,
            call_id=call_id,
            unit_code="W1",
            data=data,
            filename=filename,
            limits=muster.limits(),
            now=muster.clock(),
        )


@pytest.mark.parametrize(
    ("name", "data", "filename", "check"), ACCEPTED, ids=[c[0] for c in ACCEPTED]
)
def test_legitimate_files_are_taken(
    muster: Muster, name: str, data: bytes, filename: str, check: Check
) -> None:
    call_id = _issue(muster)
    _submit(muster, call_id, data, filename)
    with muster.uow() as uow:
        _, entries = list_entries(uow, OPERATOR, muster.catalogue, call_id=call_id, unit_code="W1")
    assert check(entries), (name, entries)


@pytest.mark.parametrize(("name", "data", "filename"), REFUSED, ids=[c[0] for c in REFUSED])
def test_bad_files_are_refused_and_kept(
    muster: Muster, name: str, data: bytes, filename: str
) -> None:
    call_id = _issue(muster)
    with pytest.raises(IntakeRejected) as rejected:
        _submit(muster, call_id, data, filename)
    assert all(e.expected for e in rejected.value.errors), name
    with muster.uow() as uow:
        kept = [(f.outcome, f.sha256, f.reasons) for f in uow.files.every()]
    assert len(kept) == 1 and kept[0][0] == "rejected" and kept[0][2]
    assert muster.archive.get(kept[0][1]) == data
