"""registry search keys; audit log indexes

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

A registry search looks people up by stored keys instead of reading the whole registry:
each person's name keys (the linkage normaliser's), cleaned passport and the version of the
keys, indexed. They start NULL: the next search works them out for everyone (and an import
stores them as it writes). The audit log browser filters by action or actor, newest first:
an index on each with the id.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

KEYS = (
    ("family_key", sa.Text(), True),
    ("given_key", sa.Text(), True),
    ("given_hangul", sa.Text(), False),
    ("passport_key", sa.String(length=32), True),
    ("name_keys", sa.Integer(), True),
)


def upgrade() -> None:
    """Apply this migration."""
    # Added in place (no batch copy of the table: deployments and holds refer to it).
    for name, kind, indexed in KEYS:
        op.add_column("people", sa.Column(name, kind, nullable=True))
        if indexed:
            op.create_index(f"ix_people_{name}", "people", [name], unique=False)
    op.create_index("ix_audit_events_action_id", "audit_events", ["action", "id"], unique=False)
    op.create_index("ix_audit_events_actor_id", "audit_events", ["actor", "id"], unique=False)


def downgrade() -> None:
    """Revert this migration."""
    op.drop_index("ix_audit_events_actor_id", table_name="audit_events")
    op.drop_index("ix_audit_events_action_id", table_name="audit_events")
    for name, _kind, indexed in reversed(KEYS):
        if indexed:
            op.drop_index(f"ix_people_{name}", table_name="people")
        op.drop_column("people", name)
