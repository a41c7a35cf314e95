"""accounts, web sessions, login attempts and notices

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14

Sign-in for the web: an argon2 password hash, language and e-mail per user
(`user_accounts`), server-side sessions keyed by the SHA-256 of the cookie token
(`web_sessions`), every sign-in attempt for throttling (`login_attempts`) and each
user's inbox (`notices`). None is append-only: the audit log keeps what matters.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import muster.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

When = muster.store.types.UTCDateTime


def upgrade() -> None:
    """Apply this migration."""
    op.create_table(
        "user_accounts",
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("updated_at", When(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"]),
        sa.PrimaryKeyConstraint("user_name"),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", When(timezone=True), nullable=False),
        sa.Column("expires_at", When(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_sha256"),
    )
    op.create_index("ix_web_sessions_user_name", "web_sessions", ["user_name"])
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", When(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    for column in ("at", "user_name", "address"):
        op.create_index(f"ix_login_attempts_{column}", "login_attempts", [column])
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_name", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("unit_code", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", When(timezone=True), nullable=False),
        sa.Column("read_at", When(timezone=True), nullable=True),
        sa.Column("emailed_at", When(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_name"], ["users.name"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_name", "key"),
    )
    op.create_index("ix_notices_user_name", "notices", ["user_name"])


def downgrade() -> None:
    """Revert this migration."""
    op.drop_table("notices")
    op.drop_table("login_attempts")
    op.drop_table("web_sessions")
    op.drop_table("user_accounts")
