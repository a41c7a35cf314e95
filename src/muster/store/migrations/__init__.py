"""Alembic migrations of the Muster schema."""
