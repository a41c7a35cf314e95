"""Shared fixtures: databases built by migrations (SQLite always, PostgreSQL when configured)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, make_url, text

from muster.store.db import normalise_url

POSTGRES_URL = os.environ.get("MUSTER_TEST_POSTGRES_URL")
SHARED_SCOPES = ("class", "module", "package")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`make test`: `-n auto --dist loadgroup`) the tests that share a
    world built once per module (or class) run on one worker, so it is built once; one group per
    parameter of that world (the permission matrix's SQLite and PostgreSQL worlds run side by
    side). Every other test goes to whichever worker is free."""
    for item in items:
        if group := shared_world_group(item):
            item.add_marker(pytest.mark.xdist_group(group))


def shared_world_group(item: pytest.Item) -> str | None:
    """`path` or `path:param=index,...` when the test uses a fixture of a wider scope than one
    test (session fixtures are built once per worker anyway); None otherwise."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return None
    shared = sorted(
        name
        for name, definitions in info.name2fixturedefs.items()
        if definitions and definitions[-1].scope in SHARED_SCOPES
    )
    if not shared:
        return None
    callspec = getattr(item, "callspec", None)
    params = [f"{n}={callspec.indices[n]}" for n in shared if callspec and n in callspec.indices]
    # The group name may hold no "]" (xdist splits a node id at an "@" after the last "]").
    return ":".join([item.nodeid.split("::")[0], *params])


def _postgres_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    assert POSTGRES_URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(POSTGRES_URL))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in POSTGRES_URL else "?"
    try:
        yield f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# The URLs `db_url` made (an empty SQLite file to be, or an empty PostgreSQL schema), by engine.
FRESH: dict[str, str] = {}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL for each engine: a fresh SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'muster.db'}"
        FRESH[url] = "sqlite"
        yield url
        FRESH.pop(url, None)
        return
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("MUSTER_TEST_POSTGRES_URL must be set in CI")
        pytest.skip("MUSTER_TEST_POSTGRES_URL is not set")
    for url in _postgres_schema_url():
        FRESH[url] = "postgres"
        yield url
        FRESH.pop(url, None)


class Templates:
    """Databases built once per test process and engine, then copied for each test that asks:
    the SQLite file is copied; PostgreSQL makes a database with the template as its
    `TEMPLATE`. What a build wrote to its data folder (MUSTER_DATA_DIR) is copied along."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: dict[tuple[str, str], tuple[str, Path]] = {}
        self._admin: Engine | None = None

    def admin(self) -> Engine:
        if self._admin is None:
            assert POSTGRES_URL is not None
            url = normalise_url(POSTGRES_URL)
            self._admin = create_engine(url, isolation_level="AUTOCOMMIT")
        return self._admin

    def copy(
        self, name: str, db_url: str, files: Path, build: Callable[[str, Path], None]
    ) -> str | None:
        """A copy of template `name` at `db_url` (SQLite) or in a new PostgreSQL database,
        with its files in `files`; its URL. None if `db_url` was not made by the `db_url`
        fixture (a test's own database): the caller builds there itself."""
        kind = FRESH.get(db_url)
        if kind is None:
            return None
        if (name, kind) not in self.built:
            self.built[name, kind] = self._build(name, kind, build)
        source, source_files = self.built[name, kind]
        shutil.copytree(source_files, files, dirs_exist_ok=True)
        if kind == "sqlite":
            shutil.copyfile(_sqlite_file(source), _sqlite_file(db_url))
            return db_url
        database = f"muster_w_{uuid.uuid4().hex[:12]}"
        with self.admin().connect() as db:
            db.execute(text(f'CREATE DATABASE "{database}" TEMPLATE "{_database_of(source)}"'))
        return _with_database(database)

    def release(self, url: str) -> None:
        """Drop a PostgreSQL copy (a SQLite copy goes with its test's folder)."""
        if url.startswith("sqlite"):
            return
        with self.admin().connect() as db:
            db.execute(text(f'DROP DATABASE IF EXISTS "{_database_of(url)}" WITH (FORCE)'))

    def _build(self, name: str, kind: str, build: Callable[[str, Path], None]) -> tuple[str, Path]:
        folder = self.folder / f"{name}-{kind}"
        folder.mkdir(parents=True)
        if kind == "sqlite":
            url = f"sqlite:///{folder / 'muster.db'}"
        else:
            database = f"muster_t_{name}_{uuid.uuid4().hex[:12]}"
            with self.admin().connect() as db:
                db.execute(text(f'CREATE DATABASE "{database}"'))
            url = _with_database(database)
        build(url, folder / "files")  # leaves no connection open: it is copied next
        (folder / "files").mkdir(exist_ok=True)
        if kind == "sqlite":
            for extra in ("-wal", "-shm"):
                assert not Path(f"{_sqlite_file(url)}{extra}").exists(), "template still open"
        return url, folder / "files"

    def close(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as db:
            for (_name, kind), (url, _files) in self.built.items():
                if kind == "postgres":
                    db.execute(text(f'DROP DATABASE IF EXISTS "{_database_of(url)}" WITH (FORCE)'))
        self._admin.dispose()


def _sqlite_file(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def _with_database(database: str) -> str:
    assert POSTGRES_URL is not None
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


def _database_of(url: str) -> str:
    database = make_url(url).database
    assert database
    return database


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    """Template databases of this test process (one per worker under pytest-xdist)."""
    made = Templates(tmp_path_factory.mktemp("templates"))
    try:
        yield made
    finally:
        made.close()
