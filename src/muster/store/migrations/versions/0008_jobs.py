"""background jobs; the clusters of each consolidation run

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

Long work (consolidation, planning, large imports) runs as jobs recorded in the database, so
that a page follows it across reloads and restarts and several server processes share the
queue. A consolidation run now keeps which entries it merged (record id -> cluster id), so
that its report can be shown again without linking once more; earlier runs keep none.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import muster.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("progress_done", sa.Integer(), nullable=False),
        sa.Column("progress_total", sa.Integer(), nullable=False),
        sa.Column("progress_message", sa.String(length=300), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claim", sa.String(length=64), nullable=True),
        sa.Column("lease_until", muster.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", muster.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", muster.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", muster.store.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["unit_code"], ["units.code"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_jobs_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_jobs_unit_code"), ["unit_code"], unique=False)
    with op.batch_alter_table("consolidations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clusters", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this migration."""
    with op.batch_alter_table("consolidations", schema=None) as batch_op:
        batch_op.drop_column("clusters")
    with op.batch_alter_table("jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_jobs_unit_code"))
        batch_op.drop_index(batch_op.f("ix_jobs_state"))
    op.drop_table("jobs")
