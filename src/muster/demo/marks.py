"""What `muster demo` may delete and recreate: only the files it marked as its own.

A demo database is an SQLite file the demo created itself: a sidecar `<file>.demo-mark`
(JSON) names the database file, its archive folder and its replacement pool, and holds a
random token that the demo also stamped into the database header (SQLite's
`application_id`), so a file copied over the demo's is not mistaken for it. An archive
folder the demo created holds `.muster-demo` naming its database. An existing database,
archive or pool without these marks is refused and left untouched; an absent one (or an
empty archive folder) is created and marked.
"""

from __future__ import annotations

import json
import secrets
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muster.domain.errors import DomainError

MADE_BY = "muster demo"
ARCHIVE_MARK = ".muster-demo"
_HEADER = b"SQLite format 3\x00"
_APPLICATION_ID = slice(68, 72)  # big-endian 32-bit integer in the 100-byte database header


class NotTheDemos(DomainError):
    """An existing database, archive or file that the demo did not create is in the way."""


@dataclass(frozen=True)
class DemoFiles:
    """Where a demo lives: its SQLite file (None for a server database), archive and pool."""

    database: Path | None
    archive: Path
    pool: Path | None
    label: str  # the database as the archive mark names it (a path, or a URL without password)


def sidecar(database: Path) -> Path:
    """The mark written beside a demo's SQLite file."""
    return database.with_name(database.name + ".demo-mark")


def claim(files: DemoFiles) -> None:
    """Refuse unless everything in the way is the demo's own; then clear it and mark afresh."""
    ours = _database_is_ours(files)
    _check_archive(files)
    _check_pool(files, ours)
    _clear(files)
    _mark(files)


def _database_is_ours(files: DemoFiles) -> bool:
    """True for a marked demo database, False when there is none; refuses any other."""
    database = files.database
    if database is None:
        return False
    present = [p for p in (database, *_journals(database)) if p.exists()]
    if not present:
        return False
    mark = _read_json(sidecar(database))
    if (
        not database.is_file()
        or mark.get("database") != str(database.resolve())
        or _application_id(database) != mark.get("token")
    ):
        raise NotTheDemos(
            f"{present[0]} exists and was not created by `muster demo`; it is left untouched "
            "(give --db a new SQLite file, or remove it yourself)"
        )
    return True


def _check_archive(files: DemoFiles) -> None:
    archive = files.archive
    if not archive.exists() or (archive.is_dir() and not any(archive.iterdir())):
        return
    if _read_json(archive / ARCHIVE_MARK).get("database") != files.label:
        raise NotTheDemos(
            f"the received-files archive {archive} exists and was not created by this demo; "
            "it is left untouched (set MUSTER_DATA_DIR to a new folder, or remove it yourself)"
        )


def _check_pool(files: DemoFiles, database_is_ours: bool) -> None:
    pool = files.pool
    if pool is None or not pool.exists() or files.database is None:
        return
    if not database_is_ours or _read_json(sidecar(files.database)).get("pool") != str(
        pool.resolve()
    ):
        raise NotTheDemos(
            f"{pool} exists and was not written by `muster demo`; it is left untouched "
            "(give --db another file name, or remove it yourself)"
        )


def _clear(files: DemoFiles) -> None:
    """Delete what the checks proved to be the demo's own."""
    if files.database is not None:
        for path in (files.database, *_journals(files.database), sidecar(files.database)):
            path.unlink(missing_ok=True)
    if files.pool is not None:
        files.pool.unlink(missing_ok=True)
    if (files.archive / ARCHIVE_MARK).is_file():
        shutil.rmtree(files.archive)


def _mark(files: DemoFiles) -> None:
    """Create the empty database with its token and sidecar, and the marked archive folder."""
    files.archive.mkdir(parents=True, exist_ok=True)
    _write_json(files.archive / ARCHIVE_MARK, {"made_by": MADE_BY, "database": files.label})
    if files.database is None:
        return
    token = secrets.randbits(31) | 1
    with sqlite3.connect(files.database) as connection:
        connection.execute(f"PRAGMA application_id = {token}")
    connection.close()
    mark = {
        "made_by": MADE_BY,
        "database": str(files.database.resolve()),
        "token": token,
        "archive": str(files.archive.resolve()),
        "pool": str(files.pool.resolve()) if files.pool is not None else None,
    }
    _write_json(sidecar(files.database), mark)


def _journals(database: Path) -> tuple[Path, Path]:
    return Path(f"{database}-wal"), Path(f"{database}-shm")


def _application_id(database: Path) -> int | None:
    """The application_id in an SQLite file's header; None for anything else."""
    with database.open("rb") as stream:
        header = stream.read(100)
    if len(header) < 100 or not header.startswith(_HEADER):
        return None
    return int.from_bytes(header[_APPLICATION_ID], "big", signed=True)


def _read_json(path: Path) -> dict[str, Any]:
    """A mark's fields; empty when the file is missing or not a mark."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) and found.get("made_by") == MADE_BY else {}


def _write_json(path: Path, fields: dict[str, Any]) -> None:
    path.write_text(json.dumps(fields, indent=2) + "\n", encoding="utf-8")
