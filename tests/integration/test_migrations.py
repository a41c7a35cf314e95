"""Migrations keep what is stored: 0006 fills the category counts of versions already there."""

from __future__ import annotations

from alembic import command
from sqlalchemy import select

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.store.migrate import alembic_config
from muster.store.tables import SubmissionVersionRow
from tests.integration.test_call_loop import HEADER, LIST_W1, _issue, _review, _submit

SECOND = HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,,whereabouts_unknown,,unknown,unknown,\n"


def test_0006_fills_in_the_counts_of_stored_versions(muster: Muster) -> None:
    from muster.services.lists import forward

    call_id = _issue(muster)
    _submit(muster, call_id, "W1", LIST_W1)
    _submit(muster, call_id, "W2", SECOND)
    _review(muster, call_id, "W1", "north")
    _review(muster, call_id, "W2", "north")
    with muster.uow() as uow:
        forward(
            uow, OPERATOR, muster.catalogue, call_id=call_id, unit_code="C1", now=muster.clock()
        )
    before = _counts(muster)
    config = alembic_config(muster.engine.url.render_as_string(hide_password=False))
    with muster.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005")
    with muster.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    after = _counts(muster)
    assert after == before
    assert sorted(after.values(), key=len) == [
        {"illness": 1},
        {"whereabouts_unknown": 1},
        {"illness": 1, "whereabouts_unknown": 1},
    ]


def _counts(app: Muster) -> dict[int, dict[str, int]]:
    with app.uow() as uow:
        rows = uow.session.execute(
            select(SubmissionVersionRow.id, SubmissionVersionRow.category_counts)
        ).all()
    return {vid: dict(counts or {}) for vid, counts in rows}


def test_migrations_build_exactly_the_schema_of_the_models(db_url: str) -> None:
    """Alembic's autogenerate finds nothing to change between head and the models."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import muster.store.accounts
    import muster.store.tokens  # noqa: F401  (its tables join Base.metadata)
    from muster.store.db import make_engine
    from muster.store.migrate import upgrade
    from muster.store.tables import Base

    engine = make_engine(db_url)
    try:
        upgrade(engine)
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": False}
            )
            differences = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert differences == []
