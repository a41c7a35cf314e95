"""Command line entry point: `muster ...` (SPEC §7).

Each module below registers its commands on the shared Typer `app`.
"""

from __future__ import annotations

from muster.cli import demo, files, linkage, lists, planning, registry, reports, rotation
from muster.cli.app import app

__all__ = [
    "app",
    "demo",
    "files",
    "linkage",
    "lists",
    "main",
    "planning",
    "registry",
    "reports",
    "rotation",
]


def main() -> None:
    """Run the command line."""
    app()
