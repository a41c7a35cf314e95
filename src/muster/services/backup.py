"""Backup and restore: the database and every received file in one tar, with a manifest.

A backup is an uncompressed tar holding

- `database.sqlite3` (SQLite, copied with the online backup API while Muster runs) or
  `database.pgdump` (PostgreSQL, `pg_dump --format=custom` of the schema in use);
- `files/<sha256>`: every file of the received-files archive, byte for byte;
- `muster-backup.json`: the manifest, written last: the format, the Muster version, the
  database kind (and PostgreSQL schema), the Alembic revision, and the SHA-256 of every
  other member.

`restore` reads the whole backup and checks every member against the manifest before it
touches anything: a damaged backup (a checksum that does not match, a member missing or
added) and a foreign file (not a tar, or a tar without a Muster manifest) are refused. The
target database must be empty (no tables); the archive gets every file of the backup.

Backup and restore are the operator's alone (the local operator, no `--as`): a backup holds
every identity, held persons and medical notes included, and a restore replaces the whole
database, which no user's scope covers.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

from muster.domain.errors import DomainError, NotPermitted
from muster.domain.users import OPERATOR, User
from muster.intake.archive import FileArchive

FORMAT = "muster-backup"
FORMAT_VERSION = 1
MANIFEST = "muster-backup.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
FILES_PREFIX = "files/"
_FILE_MEMBER = re.compile(r"files/[0-9a-f]{64}")
_CHUNK = 1024 * 1024


class BackupRefused(DomainError):
    """A backup that cannot be made, or a backup file that cannot be restored."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds, or what a restore brought back."""

    database: str
    revision: str
    files: int
    damaged_files: tuple[str, ...] = ()


def _require_operator(actor: User) -> None:
    """Only the local operator backs up or restores."""
    if actor != OPERATOR:
        raise NotPermitted(
            "backup and restore are the operator's: run them without --as, on the machine "
            "that holds the database and the received files"
        )


def _muster_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("musterroll")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def _sha256_file(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


def _revision(engine: Engine) -> str:
    """The Alembic revision the database stands at; refuses a database never initialised."""
    if "alembic_version" not in inspect(engine).get_table_names():
        raise BackupRefused("the database has no Muster schema; run `muster init` first")
    with engine.connect() as connection:
        revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    if not revision:
        raise BackupRefused("the database has no Alembic revision; run `muster init` first")
    return str(revision)


# -- PostgreSQL -------------------------------------------------------------------------


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URI for pg_dump/pg_restore (no password in it) and their environment."""
    url = engine.url
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _current_schema(engine: Engine) -> str:
    with engine.connect() as connection:
        schema = connection.execute(text("SELECT current_schema()")).scalar()
    if not schema:
        raise BackupRefused("the database URL names no existing schema (check search_path)")
    return str(schema)


def _run(arguments: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client program; its error output becomes the refusal."""
    program = shutil.which(arguments[0])
    if program is None:
        raise BackupRefused(f"{arguments[0]} is not installed (the PostgreSQL client programs)")
    done = subprocess.run(
        [program, *arguments[1:]], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        message = done.stderr.strip().splitlines()
        raise BackupRefused(f"{arguments[0]} failed: {message[-1] if message else done.returncode}")


def _dump_postgres(engine: Engine, out: Path) -> str:
    """`pg_dump --format=custom` of the schema in use into `out`; returns the schema."""
    schema = _current_schema(engine)
    uri, env = _libpq(engine)
    _run(["pg_dump", "--format=custom", f"--schema={schema}", f"--file={out}", uri], env)
    return schema


def _restore_postgres(engine: Engine, dump: Path, schema: str, scratch: Path) -> None:
    """pg_restore into the (empty) schema of the same name, in one transaction."""
    target = _current_schema(engine)
    if target != schema:
        raise BackupRefused(
            f"the backup holds PostgreSQL schema {schema!r} but the target uses {target!r}; "
            f"restore into a database whose search_path is an empty schema {schema!r}"
        )
    uri, env = _libpq(engine)
    listing = subprocess.run(
        [shutil.which("pg_restore") or "pg_restore", "--list", str(dump)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if listing.returncode != 0:
        raise BackupRefused(f"pg_restore cannot read the database dump: {listing.stderr.strip()}")
    # The schema already exists (empty) in the target: leave out its CREATE and COMMENT.
    kept = [
        line
        for line in listing.stdout.splitlines()
        if " SCHEMA - " not in line and "COMMENT - SCHEMA " not in line
    ]
    selection = scratch / "restore.list"
    selection.write_text("\n".join(kept) + "\n", encoding="utf-8")
    _run(
        [
            "pg_restore",
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--use-list={selection}",
            f"--dbname={uri}",
            str(dump),
        ],
        env,
    )


# -- SQLite -----------------------------------------------------------------------------


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupRefused("an in-memory SQLite database cannot be backed up or restored")
    return Path(database)


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy one SQLite database into another with the online backup API."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


# -- backup -----------------------------------------------------------------------------


def make_backup(
    actor: User, engine: Engine, archive: FileArchive, out: Path, now: datetime
) -> BackupSummary:
    """Write the database, every archived file and a manifest into the tar `out`."""
    _require_operator(actor)
    if out.exists():
        raise BackupRefused(f"{out} exists; a backup never overwrites a file")
    revision = _revision(engine)
    kind = engine.dialect.name
    if kind not in ("sqlite", "postgresql"):
        raise BackupRefused(f"cannot back up a {kind} database")
    out.parent.mkdir(parents=True, exist_ok=True)
    members: dict[str, str] = {}
    damaged: list[str] = []
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "muster_version": _muster_version(),
        "created_at": now.isoformat(),
        "database": kind,
        "alembic_revision": revision,
    }
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".muster-backup-") as scratch_name:
        scratch = Path(scratch_name)
        partial = scratch / "backup.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            if kind == "sqlite":
                copy = scratch / SQLITE_MEMBER
                _copy_sqlite(_sqlite_path(engine), copy)
                name = SQLITE_MEMBER
            else:
                copy = scratch / POSTGRES_MEMBER
                manifest["postgresql_schema"] = _dump_postgres(engine, copy)
                name = POSTGRES_MEMBER
            members[name] = _sha256_file(copy)
            tar.add(copy, arcname=name, recursive=False)
            copy.unlink()
            for sha in archive.digests():
                path = archive.path(sha)
                actual = _sha256_file(path)
                if actual != sha:
                    damaged.append(sha)  # kept as it is: `muster files check` names it
                member = FILES_PREFIX + sha
                members[member] = actual
                tar.add(path, arcname=member, recursive=False)
            manifest["members"] = members
            _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
        with partial.open("rb+") as stream:
            os.fsync(stream.fileno())
        os.replace(partial, out)
    return BackupSummary(
        database=kind,
        revision=revision,
        files=len(members) - 1,
        damaged_files=tuple(damaged),
    )


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


# -- restore ----------------------------------------------------------------------------


def _read_backup(source: Path, scratch: Path) -> tuple[dict[str, Any], dict[str, Path]]:
    """Unpack `source` into `scratch`, checking every member; the manifest and the members."""
    try:
        tar = tarfile.open(source, "r:")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, OSError) as error:
        raise BackupRefused(f"{source.name} is not a Muster backup ({error})") from None
    manifest: dict[str, Any] | None = None
    found: dict[str, tuple[Path, str]] = {}
    with tar:
        try:
            for number, info in enumerate(tar):
                if not info.isfile():
                    raise BackupRefused(f"{source.name} is not a Muster backup: {info.name!r}")
                name = info.name
                stream = tar.extractfile(info)
                assert stream is not None
                if name == MANIFEST:
                    if info.size > 64 * 1024 * 1024:
                        raise BackupRefused(f"{source.name}: the manifest is too large")
                    try:
                        manifest = json.loads(stream.read())
                    except ValueError:
                        raise BackupRefused(f"{source.name}: the manifest is damaged") from None
                    continue
                if name not in (SQLITE_MEMBER, POSTGRES_MEMBER) and not _FILE_MEMBER.fullmatch(
                    name
                ):
                    raise BackupRefused(f"{source.name} is not a Muster backup: {name!r}")
                if name in found:
                    raise BackupRefused(f"{source.name} holds {name} twice")
                target = scratch / f"m{number}"
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := stream.read(_CHUNK):
                        digest.update(chunk)
                        out.write(chunk)
                found[name] = (target, digest.hexdigest())
        except (tarfile.TarError, EOFError, OSError) as error:
            raise BackupRefused(f"{source.name} is damaged ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupRefused(f"{source.name} is not a Muster backup (no Muster manifest)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupRefused(
            f"{source.name} is a Muster backup of format {manifest.get('format_version')}; "
            f"this Muster reads format {FORMAT_VERSION}"
        )
    expected = manifest.get("members")
    if not isinstance(expected, dict):
        raise BackupRefused(f"{source.name}: the manifest lists no members")
    missing = sorted(set(expected) - set(found))
    extra = sorted(set(found) - set(expected))
    wrong = sorted(name for name, (_, sha) in found.items() if expected.get(name) not in (sha,))
    wrong = [name for name in wrong if name not in extra]
    if missing or extra or wrong:
        problems = [
            *(f"{name} missing" for name in missing),
            *(f"{name} not in the manifest" for name in extra),
            *(f"{name} does not match its checksum" for name in wrong),
        ]
        raise BackupRefused(f"{source.name} is damaged: " + "; ".join(problems[:5]))
    return manifest, {name: path for name, (path, _) in found.items()}


def _require_empty(engine: Engine) -> None:
    tables = inspect(engine).get_table_names()
    if tables:
        raise BackupRefused(
            f"the target database is not empty ({len(tables)} tables); restore only into an "
            "empty database"
        )


def _known_revision(engine: Engine, revision: str) -> None:
    from alembic.script import ScriptDirectory

    from muster.store.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config(""))
    try:
        known = script.get_revision(revision)
    except Exception:  # alembic raises several kinds for an unknown revision
        known = None
    if known is None:
        raise BackupRefused(
            f"the backup is at schema revision {revision}, which this Muster does not know; "
            "restore it with the Muster version that made it (or a newer one)"
        )


def restore_backup(
    actor: User, engine: Engine, archive: FileArchive, source: Path
) -> BackupSummary:
    """Check the backup completely, then restore its database and its files.

    The database is then migrated to this Muster's newest schema (as `muster init` would).
    """
    _require_operator(actor)
    with tempfile.TemporaryDirectory(prefix="muster-restore-") as scratch_name:
        scratch = Path(scratch_name)
        manifest, members = _read_backup(source, scratch)
        kind = manifest.get("database")
        revision = str(manifest.get("alembic_revision"))
        if kind != engine.dialect.name:
            raise BackupRefused(
                f"the backup holds a {kind} database; the target is {engine.dialect.name}"
            )
        member = SQLITE_MEMBER if kind == "sqlite" else POSTGRES_MEMBER
        if member not in members:
            raise BackupRefused(f"{source.name} is damaged: {member} missing")
        _known_revision(engine, revision)
        _require_empty(engine)
        engine.dispose()
        if kind == "sqlite":
            _copy_sqlite(members[member], _sqlite_path(engine))
        else:
            _restore_postgres(
                engine, members[member], str(manifest.get("postgresql_schema")), scratch
            )
        files = 0
        for name, path in members.items():
            if name.startswith(FILES_PREFIX):
                _place(archive, name.removeprefix(FILES_PREFIX), path)
                files += 1
    from muster.store.migrate import upgrade

    upgrade(engine)
    return BackupSummary(database=str(kind), revision=revision, files=files)


def _place(archive: FileArchive, sha: str, unpacked: Path) -> None:
    """Put an archived file back where the archive keeps it, byte for byte, atomically."""
    with unpacked.open("rb") as stream:
        archive.place(sha, stream)
