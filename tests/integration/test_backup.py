"""Backup and restore: a round trip brings back every table row for row and every received
file byte for byte (SQLite and PostgreSQL); damaged and foreign backups are refused."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect, text

from muster.bootstrap import Muster
from muster.domain.errors import NotPermitted
from muster.domain.users import OPERATOR
from muster.intake.archive import FileArchive
from muster.intake.errors import IntakeRejected
from muster.services.actors import resolve_user
from muster.services.backup import BackupRefused, make_backup, restore_backup
from muster.store.db import make_engine
from tests.integration.test_call_loop import HEADER, LIST_W1, _issue, _review, _submit

BROKEN = HEADER + "P2,Ri,Yong Hui,리영희,1990-13-02,F,,illness,,maybe,unknown,\n"


def _world(app: Muster) -> None:
    """Lists accepted and a file rejected, so the database and the archive both hold data."""
    call_id = _issue(app)
    _submit(app, call_id, "W1", LIST_W1)
    _review(app, call_id, "W1", "north")
    with pytest.raises(IntakeRejected):  # its bytes stay archived all the same
        _submit(app, call_id, "W2", BROKEN)


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    tables = sorted(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {
            table: sorted(
                (tuple(row) for row in connection.execute(text(f'SELECT * FROM "{table}"'))),
                key=repr,
            )
            for table in tables
        }


def _files(archive: FileArchive) -> dict[str, bytes]:
    return {sha: archive.path(sha).read_bytes() for sha in archive.digests()}


def _fresh_target(app: Muster, tmp_path: Path) -> tuple[Engine, FileArchive]:
    """An empty database of the same kind (PostgreSQL: the schema dropped and made again,
    as on a new server) and an empty received-files folder."""
    archive = FileArchive(tmp_path / "restored-files")
    if app.engine.dialect.name == "sqlite":
        return make_engine(f"sqlite:///{tmp_path / 'restored.db'}"), archive
    with app.engine.begin() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
        connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    app.engine.dispose()
    return app.engine, archive


def test_a_backup_restores_every_row_and_every_file(muster: Muster, tmp_path: Path) -> None:
    _world(muster)
    tables = _snapshot(muster.engine)
    files = _files(muster.archive)
    assert len(files) >= 2 and len(tables["entries"]) > 0
    backup = tmp_path / "muster.backup"
    made = make_backup(OPERATOR, muster.engine, muster.archive, backup, muster.clock())
    assert made.files == len(files) and not made.damaged_files

    engine, archive = _fresh_target(muster, tmp_path)
    try:
        restored = restore_backup(OPERATOR, engine, archive, backup)
        assert restored.files == len(files)
        assert _snapshot(engine) == tables
        assert _files(archive) == files
        with pytest.raises(BackupRefused, match="not empty"):
            restore_backup(OPERATOR, engine, FileArchive(tmp_path / "again"), backup)
    finally:
        engine.dispose()


def _rewrite(backup: Path, out: Path, change: str) -> None:
    """A copy of the backup with one archived file's bytes changed, the manifest kept."""
    with tarfile.open(backup) as source, tarfile.open(out, "w") as target:
        for info in source:
            data = source.extractfile(info).read()  # type: ignore[union-attr]
            if info.name == change:
                data = data[:-1] + bytes([data[-1] ^ 1])
            info.size = len(data)
            target.addfile(info, io.BytesIO(data))


def test_a_tampered_or_foreign_backup_is_refused(muster: Muster, tmp_path: Path) -> None:
    _world(muster)
    backup = tmp_path / "muster.backup"
    make_backup(OPERATOR, muster.engine, muster.archive, backup, muster.clock())
    with tarfile.open(backup) as tar:
        names = tar.getnames()
    target = make_engine(f"sqlite:///{tmp_path / 'target.db'}")
    archive = FileArchive(tmp_path / "target-files")
    try:
        first_file = next(n for n in names if n.startswith("files/"))
        for member in (first_file, names[0]):
            tampered = tmp_path / "tampered.backup"
            _rewrite(backup, tampered, member)
            with pytest.raises(BackupRefused, match="does not match its checksum"):
                restore_backup(OPERATOR, target, archive, tampered)
        truncated = tmp_path / "truncated.backup"
        truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
        with pytest.raises(BackupRefused):
            restore_backup(OPERATOR, target, archive, truncated)
        foreign = tmp_path / "foreign.tar"
        with tarfile.open(foreign, "w") as tar:
            tar.add(Path(__file__), arcname="notes.txt")
        with pytest.raises(BackupRefused, match="not a Muster backup"):
            restore_backup(OPERATOR, target, archive, foreign)
        not_tar = tmp_path / "list.csv"
        not_tar.write_text(LIST_W1, encoding="utf-8")
        with pytest.raises(BackupRefused, match="not a Muster backup"):
            restore_backup(OPERATOR, target, archive, not_tar)
        assert inspect(target).get_table_names() == []
        assert archive.digests() == []
    finally:
        target.dispose()


def test_only_the_operator_backs_up_and_restores(muster: Muster, tmp_path: Path) -> None:
    with muster.uow() as uow:
        admin = resolve_user(uow, "hq")
    with pytest.raises(NotPermitted):
        make_backup(admin, muster.engine, muster.archive, tmp_path / "b", muster.clock())
    with pytest.raises(NotPermitted):
        restore_backup(admin, muster.engine, muster.archive, tmp_path / "b")
    assert not (tmp_path / "b").exists()
