"""entries by category on every list version

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

A count shown to a viewer leaves out what they may not see (a welfare entry without the
`welfare` permission): each version keeps its entries by category, a forward the sum over
what it carries. Versions already stored are filled in from their entries.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None
PG_TRIGGER = "submission_versions_append_only"


def upgrade() -> None:
    """Apply this migration."""
    op.add_column("submission_versions", sa.Column("category_counts", sa.JSON(), nullable=True))
    _backfill()


def _backfill() -> None:
    """Counts of the versions already stored (workplaces from entries, forwards by sum).

    `submission_versions` is append-only: its trigger is lifted for this one update (the
    migration runs as the tables' owner) and put back.
    """
    bind = op.get_bind()
    own: dict[int, Counter[str]] = defaultdict(Counter)
    for version_id, category, count in bind.execute(
        sa.text("SELECT version_id, category, count(*) FROM entries GROUP BY version_id, category")
    ):
        own[version_id][category] = count
    carries = {
        vid: carried
        for vid, carried in bind.execute(sa.text("SELECT id, carries FROM submission_versions"))
    }
    if not carries:
        return
    counts = {vid: _counts(vid, carries, own) for vid in carries}
    postgres = bind.dialect.name == "postgresql"
    _lift(postgres)
    table = sa.table("submission_versions", sa.column("id"), sa.column("category_counts", sa.JSON))
    for vid, found in counts.items():
        bind.execute(table.update().where(table.c.id == vid).values(category_counts=found))
    _restore(postgres)


def _counts(vid: int, carries: dict[int, object], own: dict[int, Counter[str]]) -> dict[str, int]:
    """A version's entries by category: its own, or the sum over what it carries."""
    carried = carries.get(vid)
    if isinstance(carried, str):  # JSON read back as text by some drivers
        import json

        carried = json.loads(carried)
    if not carried:
        return dict(own.get(vid, Counter()))
    total: Counter[str] = Counter()
    for child in carried:  # type: ignore[attr-defined]
        total.update(_counts(int(child), carries, own))
    return dict(total)


def _lift(postgres: bool) -> None:
    if postgres:
        op.execute(
            "ALTER TABLE submission_versions DISABLE TRIGGER submission_versions_append_only"
        )
    else:
        op.execute("DROP TRIGGER IF EXISTS submission_versions_no_update")


def _restore(postgres: bool) -> None:
    if postgres:
        op.execute(f"ALTER TABLE submission_versions ENABLE TRIGGER {PG_TRIGGER}")
    else:
        op.execute(
            "CREATE TRIGGER submission_versions_no_update BEFORE UPDATE ON submission_versions "
            "BEGIN SELECT RAISE(ABORT, 'muster: submission_versions is append-only "
            "(UPDATE refused)'); END"
        )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_column("submission_versions", "category_counts")
