"""a user can be disabled

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07

An administrator disables a user instead of deleting them (the audit log names them): a
disabled user cannot sign in, and their sessions and API tokens stop working. `disabled_at`
is when; NULL means active.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import muster.store.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Apply this migration."""
    column: sa.Column[object] = sa.Column(
        "disabled_at", muster.store.types.UTCDateTime(timezone=True), nullable=True
    )
    op.add_column("users", column)


def downgrade() -> None:
    """Revert this migration."""
    op.drop_column("users", "disabled_at")
