"""The Typer application and the global options every command shares (SPEC §7)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Annotated, NoReturn

import click
import typer

app = typer.Typer(
    name="muster",
    help="Muster: calls for lists, consolidation and voluntary rotation planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@dataclass(frozen=True)
class GlobalOptions:
    """What `--db` and `--as` said; None means the default."""

    db: str | None
    acting_as: str | None


@app.callback()
def _global(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL (default sqlite:///muster.db or $MUSTER_DATABASE_URL).",
        ),
    ] = None,
    acting_as: Annotated[
        str | None,
        typer.Option("--as", help="Act as this user, with the user's unit scope and permissions."),
    ] = None,
) -> None:
    """Muster command line; every command is a thin call into a service."""
    ctx.obj = GlobalOptions(db=db, acting_as=acting_as)


def options() -> GlobalOptions:
    """The global options of the command being run."""
    obj = click.get_current_context().find_root().obj
    return obj if isinstance(obj, GlobalOptions) else GlobalOptions(db=None, acting_as=None)


def refuse(message: str) -> NoReturn:
    """Print a refusal on stderr and exit 1 (input rejected or action refused)."""
    print(f"muster: {message}", file=sys.stderr)
    raise typer.Exit(code=1)
