"""The whole loop through the command line: import, issue, submit, review, forward, status."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.cli import Result, invoke, run
from tests.integration.conftest import PEOPLE_CSV, UNITS_CSV

Runner = Callable[..., Result]
HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note\n"
)


@pytest.fixture
def world(tmp_path: Path, db_url: str) -> tuple[Path, str]:
    """An initialised database (SQLite and PostgreSQL) with units, people and users."""
    return _world(tmp_path, db_url, run)


@pytest.fixture
def sqlite_world(tmp_path: Path) -> tuple[Path, str]:
    """The same world on SQLite only, for the refusal tests (each CLI start costs seconds)."""
    return _world(tmp_path, f"sqlite:///{tmp_path / 'muster.db'}", invoke)


def _world(tmp_path: Path, db_url: str, run: Runner) -> tuple[Path, str]:
    """Write the files, initialise the database, import, add users."""
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
    assert run("init", db=db_url, cwd=tmp_path).code == 0
    assert run("import", "units", "units.csv", db=db_url, cwd=tmp_path).out == "imported 7 units\n"
    assert run("import", "people", "people.csv", db=db_url, cwd=tmp_path).code == 0
    for name, unit, perms in [
        ("north", "C1", ["submit", "review"]),
        ("w3", "W3", ["submit"]),
        ("mission", "M1", ["review"]),
    ]:
        args = [a for p in perms for a in ("--permission", p)]
        assert (
            run("user", "add", "--name", name, "--unit", unit, *args, db=db_url, cwd=tmp_path).code
            == 0
        )
    return tmp_path, db_url


def _issue(path: Path, db: str, run: Runner = run) -> str:
    result = run(
        "call",
        "issue",
        "--by",
        "HQ",
        "--scope",
        "HQ",
        "--categories",
        "illness,stranded_trip",
        "--due",
        "2099-07-24T18:00:00+09:00",
        "--due",
        "workplace=2099-07-23T18:00:00+09:00",
        "--title",
        "July call",
        db=db,
        cwd=path,
    )
    assert result.code == 0, result.err
    assert result.out.strip().isdigit()
    return result.out.strip()


def test_whole_loop(world: tuple[Path, str]) -> None:
    """The relay as consulates work it, through the real `muster`, on both databases: a
    partial forward with one list missing, the late list accepted and forwarded later, a
    correction after forwarding back through review, and nothing to report."""
    path, db = world
    call = _issue(path, db)

    def muster(*args: str, as_user: str | None = None) -> Result:
        result = run(*(("--as", as_user) if as_user else ()), *args, db=db, cwd=path)
        assert "Traceback" not in result.err, result.err
        return result

    (path / "w1.csv").write_text(
        HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,\n",
        encoding="utf-8",
    )
    (path / "w2.csv").write_text(
        HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,,stranded_trip,,yes,yes,\n", encoding="utf-8"
    )
    (path / "empty.csv").write_text(HEADER, encoding="utf-8")
    submitted = muster("submit", "--call", call, "--unit", "W1", "w1.csv")
    assert submitted.out == "received 1 entries as version 1, awaiting review\n", submitted.err
    returned = muster(
        "review", "--call", call, "--unit", "W1", "--return", "add the since date", as_user="north"
    )
    assert returned.out.strip() == "W1: returned"
    shown = muster("submissions", "show", "--call", call, "--unit", "W1")
    assert "returned: add the since date" in shown.out
    status = {
        r["unit"]: r for r in json.loads(muster("status", "--call", call, "--format", "json").out)
    }
    assert status["W1"]["reason"] == "add the since date"
    assert status["W2"]["timeliness"] == "pending"  # due in 2099: not missing yet
    assert muster("submit", "--call", call, "--unit", "W1", "w1.csv").code == 0
    assert muster("review", "--call", call, "--unit", "W1", "--accept", as_user="north").code == 0
    refused = muster("forward", "--call", call, "--unit", "C1", as_user="north")
    assert refused.code == 1 and "W2 has sent nothing" in refused.err
    partial = muster("forward", "--call", call, "--unit", "C1", "--partial", as_user="north")
    assert "forwarded version 1 with 1 entries from W1" in partial.out, partial.err
    assert "still outstanding: W2 has sent nothing" in partial.out
    # The late list arrives, is accepted, and is forwarded later.
    empty = muster("submit", "--call", call, "--unit", "W2", "empty.csv")
    assert empty.code == 1 and "nothing to report" in empty.err
    assert muster("submit", "--call", call, "--unit", "W2", "w2.csv").code == 0
    assert muster("review", "--call", call, "--unit", "W2", "--accept", as_user="north").code == 0
    again = muster("forward", "--call", call, "--unit", "C1", as_user="north")
    assert "forwarded version 2 with 2 entries from W1, W2 (new: W2)" in again.out, again.err
    assert muster("review", "--call", call, "--unit", "C1", "--accept", as_user="mission").code == 0
    # A correction after forwarding goes back through review; the parent keeps version 1.
    (path / "w1.csv").write_text(
        HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,\n"
        "P4,Han,Gwang Il,한광일,1990-01-01,M,,stranded_trip,,yes,yes,\n",
        encoding="utf-8",
    )
    assert muster("submit", "--call", call, "--unit", "W1", "w1.csv").code == 0
    shown = muster("submissions", "show", "--call", call, "--unit", "W1", as_user="north")
    assert "corrects version 1 after acceptance" in shown.out
    waiting = muster("forward", "--call", call, "--unit", "C1", as_user="north")
    assert waiting.code == 1 and "W1 awaits review (a correction of version 1)" in waiting.err
    assert muster("review", "--call", call, "--unit", "W1", "--accept", as_user="north").code == 0
    third = muster("forward", "--call", call, "--unit", "C1", as_user="north")
    assert "forwarded version 3 with 3 entries" in third.out, third.err
    # Nothing to report is a submission like any other.
    nothing = muster("submit", "--call", call, "--unit", "W3", "--nothing-to-report", as_user="w3")
    assert nothing.out == "received 'nothing to report' as version 1, awaiting review\n"
    rows = {
        r["unit"]: r for r in json.loads(muster("status", "--call", call, "--format", "json").out)
    }
    assert (rows["W3"]["state"], rows["W3"]["timeliness"], rows["W3"]["entries"]) == (
        "submitted",
        "on_time",
        0,
    )
    assert (rows["C1"]["state"], rows["C1"]["entries"]) == ("submitted", 3)
    assert rows["W1"]["state"] == rows["W2"]["state"] == "forwarded"
    assert set(rows["W1"]) >= {"unit", "kind", "state", "submitted_at", "timeliness", "entries"}
    csv_out = muster("status", "--call", call, "--format", "csv")
    assert csv_out.out.lstrip("\ufeff").startswith("unit,name,kind")
    table = muster("status", "--call", call)
    assert "W3" in table.out and "pending" in table.out


def test_scope_refusal_exits_1(sqlite_world: tuple[Path, str]) -> None:
    path, db = sqlite_world
    call = _issue(path, db, invoke)
    (path / "w3.csv").write_text(
        HEADER + "P3,Pak,Myong Nam,박명남,1979-01-30,M,,stranded_trip,,yes,yes,\n",
        encoding="utf-8",
    )
    refused = invoke(
        "--as", "north", "submit", "--call", call, "--unit", "W3", "w3.csv", db=db, cwd=path
    )
    assert refused.code == 1
    assert "outside their unit's subtree" in refused.err
    assert "Traceback" not in refused.err
    assert invoke("submit", "--call", call, "--unit", "W3", "w3.csv", db=db, cwd=path).code == 0
    for args in (
        ["review", "--call", call, "--unit", "W3", "--accept"],
        ["forward", "--call", call, "--unit", "C2"],
        ["submissions", "show", "--call", call, "--unit", "W3"],
    ):
        result = invoke("--as", "north", *args, db=db, cwd=path)
        assert result.code == 1, args
        assert "outside their unit's subtree" in result.err


def test_bad_row_is_named_and_nothing_changes(sqlite_world: tuple[Path, str]) -> None:
    path, db = sqlite_world
    call = _issue(path, db, invoke)
    (path / "bad.csv").write_text(
        HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,,illness,,no,yes,\n"
        "P2,Ri,Yong Hui,리영희,1990-11-02,F,,detention,,perhaps,yes,\n",
        encoding="utf-8",
    )
    result = invoke("submit", "--call", call, "--unit", "W1", "bad.csv", db=db, cwd=path)
    assert result.code == 1
    assert "row 3" in result.err and "category" in result.err and "detention" in result.err
    assert "fit_to_travel" in result.err and "perhaps" in result.err
    status = json.loads(invoke("status", "--call", call, "--format", "json", db=db, cwd=path).out)
    assert next(r for r in status if r["unit"] == "W1")["state"] == "not_submitted"


def test_bad_units_file_exits_1_and_names_the_row(sqlite_world: tuple[Path, str]) -> None:
    path, db = sqlite_world
    (path / "more.csv").write_text(
        "code,name,kind,parent_code,host_country,region,workplace_type,slots\n"
        "W5,Shop,workplace,C1,XA,North,shop,5\n",
        encoding="utf-8",
    )
    result = invoke("import", "units", "more.csv", db=db, cwd=path)
    assert result.code == 1
    assert "row 2" in result.err and "workplace_type" in result.err and "shop" in result.err


def test_usage_errors_exit_2(sqlite_world: tuple[Path, str]) -> None:
    path, db = sqlite_world
    assert invoke("status", db=db, cwd=path).code == 2
    assert invoke("review", "--call", "1", "--unit", "W1", db=db, cwd=path).code == 2


def test_no_disciplinary_commands_or_categories(sqlite_world: tuple[Path, str]) -> None:
    path, db = sqlite_world
    help_text = invoke("--help", db=db, cwd=path).out.lower()
    for word in ("detention", "defect", "contact"):
        assert word not in help_text
    bad = invoke(
        "call",
        "issue",
        "--by",
        "HQ",
        "--scope",
        "HQ",
        "--categories",
        "defection",
        "--due",
        "2099-01-01",
        db=db,
        cwd=path,
    )
    assert bad.code == 1 and "unknown category 'defection'" in bad.err


def test_template_files_and_diff_commands(sqlite_world: tuple[Path, str]) -> None:
    path, db = sqlite_world
    call = _issue(path, db, invoke)
    made = invoke(
        "template",
        "--call",
        call,
        "--unit",
        "W1",
        "--format",
        "csv",
        "--out",
        "w1.csv",
        db=db,
        cwd=path,
    )
    assert made.code == 0, made.err
    lines = (path / "w1.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == HEADER.strip() and lines[1].startswith("P1,Kim,Chol Su,김철수")
    (path / "w1.csv").write_text(
        HEADER + lines[1].replace(",,,,,", ",illness,,no,yes,") + "\n", encoding="utf-8"
    )
    submitted = invoke("submit", "--call", call, "--unit", "W1", "w1.csv", db=db, cwd=path)
    assert submitted.code == 0, submitted.err
    listed = invoke("files", "list", "--call", call, "--unit", "W1", db=db, cwd=path)
    assert "accepted" in listed.out
    file_id = re.search(r"(\d+)\s*│[^\n]*w1\.csv", listed.out)
    assert file_id, listed.out  # imports are received files too: the list is not file 1
    got = invoke("files", "get", file_id.group(1), "--out", "copy.csv", db=db, cwd=path)
    assert got.code == 0 and (path / "copy.csv").read_bytes() == (path / "w1.csv").read_bytes()
    nowhere = invoke(
        "template",
        "--call",
        call,
        "--unit",
        "W1",
        "--format",
        "xlsx",
        "--out",
        "missing/dir/t.xlsx",
        db=db,
        cwd=path,
    )
    assert nowhere.code == 1 and "Traceback" not in nowhere.err
    same = invoke("submissions", "diff", "--call", call, "--unit", "W1", db=db, cwd=path)
    assert same.code == 0 and "same entries" in same.out


@pytest.mark.parametrize(
    "args",
    [
        ("template", "--call", "1", "--unit", "W1", "--format", "pdf", "--out", "t.pdf"),
        ("status", "--call", "1", "--format", "yaml"),
        ("review", "--call", "1", "--unit", "W1"),
    ],
)
def test_usage_errors_exit_2_with_the_reason_on_stderr(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    db = f"sqlite:///{tmp_path / 'usage.db'}"
    result = invoke(*args, db=db, cwd=tmp_path)
    assert result.code == 2
    assert result.err.startswith("muster: ") and result.out == ""
