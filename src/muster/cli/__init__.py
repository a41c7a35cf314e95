"""Command line entry point: `muster ...` (SPEC §7).

Each module of this package registers its commands on the shared Typer `app`; the
top-level group (cli/lazy.py) imports a module only when one of its commands runs.
"""

from __future__ import annotations

from muster.cli.app import app

__all__ = ["app", "main"]


def main() -> None:
    """Run the command line."""
    app()
