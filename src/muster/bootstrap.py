"""Wires real adapters together: settings, engine, unit of work, archive, catalogue, clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from muster.domain.categories import DEFAULT_CATALOGUE, Catalogue, catalogue_from_mapping
from muster.intake.archive import FileArchive
from muster.intake.limits import Limits
from muster.settings import Settings
from muster.store.db import make_engine, session_factory
from muster.store.uow import UnitOfWork


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


@dataclass
class Muster:
    """One running Muster: what services need besides the unit of work itself."""

    settings: Settings
    engine: Engine
    factory: sessionmaker[Session]
    archive: FileArchive
    catalogue: Catalogue
    clock: Callable[[], datetime] = field(default=utc_now)

    def uow(self) -> UnitOfWork:
        """A fresh unit of work."""
        return UnitOfWork(self.factory)

    def limits(self) -> Limits:
        """Intake limits from the settings."""
        return self.settings.limits()


def load_catalogue(settings: Settings) -> Catalogue:
    """Categories from MUSTER_CATEGORIES_FILE (YAML), else the SPEC §4 defaults."""
    if settings.categories_file is None:
        return DEFAULT_CATALOGUE
    import yaml  # only for a catalogue of one's own: every command starts without it

    data = yaml.safe_load(settings.categories_file.read_text(encoding="utf-8")) or {}
    return catalogue_from_mapping(data)


def bootstrap(database_url: str | None = None, migrate: bool = False) -> Muster:
    """Build a Muster for a database URL (default from settings), migrating it if asked."""
    settings = Settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": database_url})
    engine = make_engine(settings.database_url)
    if migrate:
        from muster.store.migrate import upgrade  # Alembic is only needed by `muster init`

        upgrade(engine)
    return Muster(
        settings=settings,
        engine=engine,
        factory=session_factory(engine),
        archive=FileArchive(settings.archive_dir()),
        catalogue=load_catalogue(settings),
    )
