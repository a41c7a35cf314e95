"""a revision token for the organisation tree

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Every request reads the unit tree (10,000 units in the SPEC's target: tens of milliseconds to
build). A server process keeps the tree it built with the token it read; whoever changes a
unit writes a new token in the same transaction, so the next reader sees the token differ
and reads the tree again. `revisions` has one row per cached thing ("units" for now).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    table = op.create_table(
        "revisions",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("token", sa.String(32), nullable=False),
    )
    op.bulk_insert(table, [{"name": "units", "token": uuid.uuid4().hex}])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("revisions")
