"""`muster demo` recreates only the database, archive and pool it made itself."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import muster.cli.demo as demo_cli
from muster.cli import app
from muster.demo.marks import ARCHIVE_MARK, sidecar
from tests.e2e.cli import run

SMALL = ("--scale", "0.02")


@pytest.fixture(autouse=True)
def _no_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the demo but do not serve it; archives go beside the database."""
    monkeypatch.setattr(demo_cli, "_serve", lambda *_: None)
    for name in ("MUSTER_DATA_DIR", "MUSTER_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


def _demo(cwd: Path, *args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, [*args, "demo", *SMALL], env=env)
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


def _someone_elses(folder: Path) -> dict[Path, bytes]:
    """A real-looking database, its received files and a pool, none made by the demo."""
    database = folder / "existing.db"
    with sqlite3.connect(database) as connection:
        connection.execute("CREATE TABLE people (name TEXT)")
        connection.execute("INSERT INTO people VALUES ('김철수')")
    connection.close()
    (folder / "existing-files" / "ab").mkdir(parents=True)
    (folder / "existing-files" / "ab" / "original.csv").write_bytes(b"person_id\nP1\n")
    (folder / "existing-replacements.csv").write_bytes(b"replacement_id\nR1\n")
    return {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _unchanged(folder: Path, before: dict[Path, bytes]) -> None:
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before


def test_the_real_command_refuses_an_existing_database_and_leaves_it(tmp_path: Path) -> None:
    before = _someone_elses(tmp_path)
    result = run("demo", "--port", "1", db=f"sqlite:///{tmp_path / 'existing.db'}", cwd=tmp_path)
    assert result.code == 1
    assert "existing.db exists and was not created by `muster demo`" in result.err
    assert "left untouched" in result.err and "Traceback" not in result.err
    _unchanged(tmp_path, before)


def test_an_existing_archive_or_pool_is_refused_even_for_a_new_database(tmp_path: Path) -> None:
    before = _someone_elses(tmp_path)
    (tmp_path / "existing.db").unlink()  # the database is gone, its archive is still there
    before.pop(tmp_path / "existing.db")
    code, err = _demo(tmp_path, "--db", "sqlite:///existing.db")
    assert code == 1 and "received-files archive" in err and "existing-files" in err
    _unchanged(tmp_path, before)
    shutil.rmtree(tmp_path / "existing-files")
    before = {p: b for p, b in before.items() if "existing-files" not in str(p)}
    code, err = _demo(tmp_path, "--db", "sqlite:///existing.db")
    assert code == 1 and "existing-replacements.csv exists" in err
    _unchanged(tmp_path, before)


def test_an_archive_named_by_muster_data_dir_is_not_taken_over(tmp_path: Path) -> None:
    archive = tmp_path / "real-archive"
    (archive / "12").mkdir(parents=True)
    (archive / "12" / "kept").write_bytes(b"x")
    code, err = _demo(tmp_path, env={"MUSTER_DATA_DIR": str(archive)})
    assert code == 1 and "real-archive" in err
    assert (archive / "12" / "kept").read_bytes() == b"x"
    assert not (tmp_path / "muster-demo.db").exists(), "nothing is created before the checks"


def test_the_demo_twice_in_a_row_recreates_its_own_world(tmp_path: Path) -> None:
    assert _demo(tmp_path)[0] == 0
    database = tmp_path / "muster-demo.db"
    first = json.loads(sidecar(database).read_text())
    assert first["database"] == str(database.resolve())
    assert (tmp_path / "muster-demo-files" / ARCHIVE_MARK).is_file()
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE units SET name = 'changed by a user of the demo'")
    connection.close()
    assert _demo(tmp_path)[0] == 0
    second = json.loads(sidecar(database).read_text())
    assert second["token"] != first["token"], "a new database, with a new token"
    with sqlite3.connect(database) as connection:
        names = {name for (name,) in connection.execute("SELECT name FROM units")}
    connection.close()
    assert "changed by a user of the demo" not in names and names


def test_a_file_copied_over_the_demo_database_is_not_recreated(tmp_path: Path) -> None:
    assert _demo(tmp_path)[0] == 0
    _someone_elses(tmp_path)
    shutil.copyfile(tmp_path / "existing.db", tmp_path / "muster-demo.db")
    for journal in ("-wal", "-shm"):
        Path(f"{tmp_path / 'muster-demo.db'}{journal}").unlink(missing_ok=True)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    code, err = _demo(tmp_path)
    assert code == 1 and "muster-demo.db exists and was not created" in err
    _unchanged(tmp_path, before)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    notes = tmp_path / "notes.db"
    notes.write_text("not a database")
    code, err = _demo(tmp_path, "--db", "sqlite:///notes.db")
    assert code == 1 and "notes.db exists" in err
    assert notes.read_text() == "not a database"
