"""Alembic environment: runs migrations on the connection or URL given by `muster.store.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import muster.store.accounts
import muster.store.tokens  # noqa: F401  (both modules' tables join Base.metadata)
from muster.store.db import make_engine
from muster.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    """Run the migrations on one connection inside a transaction."""
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()
