"""Command line entry point: `muster ...` (SPEC §7).

Each module below registers its commands on the shared Typer `app`.
"""

from __future__ import annotations

from muster.cli import linkage, planning
from muster.cli.app import app

__all__ = ["app", "linkage", "main", "planning"]


def main() -> None:
    """Run the command line."""
    app()
