"""receipts with separate outcomes, hold matches and reviews, append-only tables

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07

The outcome of a received file moves to `file_outcomes`, so that the receipt can be
committed before the file is read (nothing received is lost, even in a crash). Entries that
name or may name a person under a protection hold are recorded in `hold_matches`, with a
protection officer's rulings in `hold_reviews`. Finally the database itself refuses UPDATE
and DELETE on every append-only table (triggers on SQLite and PostgreSQL).

On PostgreSQL the triggers bind every role that is not the tables' owner and the owner
too; an operator who must repair data by hand drops a trigger as the owner (see SECURITY
notes in the README: run the application as a role that does not own the tables).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import muster.store.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Frozen here (tables.APPEND_ONLY_TABLES may grow in later migrations).
APPEND_ONLY_TABLES = (
    "submissions",
    "submission_versions",
    "entries",
    "submission_events",
    "received_files",
    "file_outcomes",
    "hold_events",
    "hold_matches",
    "hold_reviews",
    "match_decisions",
    "audit_events",
)


def upgrade() -> None:
    """Apply this migration."""
    _file_outcomes()
    _hold_matches()
    for table in APPEND_ONLY_TABLES:
        _append_only(table)


def _file_outcomes() -> None:
    """`file_outcomes`, filled from the outcome columns of `received_files`, which go."""
    op.create_table(
        "file_outcomes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_file_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=True),
        sa.Column("at", muster.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["received_file_id"], ["received_files.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_file_outcomes_received_file_id", "file_outcomes", ["received_file_id"], unique=False
    )
    op.execute(
        "INSERT INTO file_outcomes (received_file_id, outcome, reasons, at) "
        "SELECT id, outcome, reasons, received_at FROM received_files ORDER BY id"
    )
    # Plain DROP COLUMN (SQLite >= 3.35 and PostgreSQL): no table rebuild, no foreign-key churn.
    op.execute("ALTER TABLE received_files DROP COLUMN outcome")
    op.execute("ALTER TABLE received_files DROP COLUMN reasons")


def _hold_matches() -> None:
    """`hold_matches` and `hold_reviews`."""
    op.create_table(
        "hold_matches",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("found_at", muster.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.person_id"]),
        sa.ForeignKeyConstraint(["version_id"], ["submission_versions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hold_matches_person_id", "hold_matches", ["person_id"], unique=False)
    op.create_index("ix_hold_matches_version_id", "hold_matches", ["version_id"], unique=False)
    op.create_table(
        "hold_reviews",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("match_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("at", muster.store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("by_user", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["match_id"], ["hold_matches.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_hold_reviews_match_id", "hold_reviews", ["match_id"], unique=False)


def _append_only(table: str) -> None:
    """Triggers that make the database refuse UPDATE and DELETE on a table."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION muster_append_only() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN "
            "RAISE EXCEPTION 'muster: % is append-only (% refused)', TG_TABLE_NAME, TG_OP; "
            "END $$"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION muster_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION muster_append_only()"
        )
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'muster: {table} is append-only ({verb} refused)'); END"
        )


def downgrade() -> None:
    """Revert this migration (the append-only triggers go first)."""
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in APPEND_ONLY_TABLES:
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS muster_append_only()")
    op.drop_table("hold_reviews")
    op.drop_table("hold_matches")
    op.add_column("received_files", sa.Column("outcome", sa.String(16), nullable=True))
    op.add_column("received_files", sa.Column("reasons", sa.JSON(), nullable=True))
    op.drop_table("file_outcomes")
