"""`muster backup` and `muster restore` as the operator runs them: a new machine gets the
database and every received file back; `--as` and a non-empty target are refused."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.cli import run
from tests.integration.conftest import UNITS_CSV


def test_backup_and_restore_on_a_new_machine(tmp_path: Path) -> None:
    old = tmp_path / "old"
    new = tmp_path / "new"
    old.mkdir()
    new.mkdir()
    db = f"sqlite:///{old / 'muster.db'}"
    (old / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    assert run("init", db=db, cwd=old).code == 0
    assert run("import", "units", "units.csv", db=db, cwd=old).code == 0
    kept = sorted(p.name for p in (old / "files").glob("*/*/*"))
    assert kept

    refused = run("--as", "nobody", "backup", "b.backup", db=db, cwd=old)
    assert refused.code == 1 and "operator" in refused.err
    assert not (old / "b.backup").exists()
    made = run("backup", str(tmp_path / "b.backup"), db=db, cwd=old)
    assert made.code == 0, made.err
    again = run("backup", str(tmp_path / "b.backup"), db=db, cwd=old)
    assert again.code == 1 and "exists" in again.err

    target = f"sqlite:///{new / 'muster.db'}"
    restored = run("restore", str(tmp_path / "b.backup"), db=target, cwd=new)
    assert restored.code == 0, restored.err
    assert sorted(p.name for p in (new / "files").glob("*/*/*")) == kept
    for name in kept:
        old_file = next((old / "files").glob(f"*/*/{name}"))
        assert next((new / "files").glob(f"*/*/{name}")).read_bytes() == old_file.read_bytes()
    status = run("files", "check", db=target, cwd=new)
    assert status.code == 0, status.err
    assert "missing" not in status.out + status.err, status.out
    twice = run("restore", str(tmp_path / "b.backup"), db=target, cwd=new)
    assert twice.code == 1 and "not empty" in twice.err
