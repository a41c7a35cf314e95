"""CLI commands for linkage (registered on the shared app)."""

from __future__ import annotations

from muster.cli.app import app

__all__ = ["app"]
