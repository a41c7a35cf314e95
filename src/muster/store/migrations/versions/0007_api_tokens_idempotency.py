"""API tokens and idempotency keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

The JSON API (SPEC §9): tokens kept only as the SHA-256 of their secret with a short public
prefix, scoped to a unit and permissions of their owner, expiring and revocable
(`api_tokens`); and the Idempotency-Key of each list submission with the answer given to it
(`api_idempotency_keys`, one row per owner and key: a retry never makes a second version).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import muster.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

When = muster.store.types.UTCDateTime


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("owner_name", sa.String(length=100), nullable=False),
        sa.Column("unit_code", sa.String(length=64), nullable=False),
        sa.Column("permissions", sa.JSON(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", When(timezone=True), nullable=False),
        sa.Column("expires_at", When(timezone=True), nullable=False),
        sa.Column("revoked_at", When(timezone=True), nullable=True),
        sa.Column("last_used_at", When(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["owner_name"], ["users.name"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prefix"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_index("ix_api_tokens_owner_name", "api_tokens", ["owner_name"])
    op.create_table(
        "api_idempotency_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("owner_name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=True),
        sa.Column("created_at", When(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("owner_name", "key"),
    )


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("api_idempotency_keys")
    op.drop_table("api_tokens")
