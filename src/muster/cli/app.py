"""The Typer application and the global options every command shares (SPEC §7)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from muster.cli.lazy import LazyGroup

# Only the types: every import below costs start time, so commands import what they use.
if TYPE_CHECKING:
    from rich.console import Console

    from muster.bootstrap import Muster
    from muster.domain.users import User
    from muster.store.uow import UnitOfWork

app = typer.Typer(
    name="muster",
    cls=LazyGroup,
    help="Muster: calls for lists, consolidation and voluntary rotation planning.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: Rich's help renderer alone costs several times `import typer` (SPEC §8).
    rich_markup_mode=None,
)


@dataclass(frozen=True)
class GlobalOptions:
    """What `--db` and `--as` said; None means the default."""

    db: str | None
    acting_as: str | None


def _print_version(value: bool) -> None:
    """`--version`: print the installed package's version and stop."""
    if value:
        from importlib.metadata import version

        print(f"muster {version('musterroll')}")
        raise typer.Exit()


@app.callback()
def _global(
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
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_print_version, is_eager=True
        ),
    ] = False,
) -> None:
    """Muster command line; every command is a thin call into a service."""
    global _options
    _options = GlobalOptions(db=db, acting_as=acting_as)


_options = GlobalOptions(db=None, acting_as=None)


def options() -> GlobalOptions:
    """The global options of the command being run (one command per process)."""
    return _options


def refuse(message: str) -> NoReturn:
    """Print a refusal on stderr and exit 1 (input rejected or action refused)."""
    print(f"muster: {message}", file=sys.stderr)
    raise typer.Exit(code=1)


def usage_error(message: str) -> NoReturn:
    """Print a usage error on stderr and exit 2 (options that do not fit together)."""
    print(f"muster: {message}", file=sys.stderr)
    raise typer.Exit(code=2)


def console_err() -> Console:
    """A Rich console on stderr for progress and messages (stdout stays machine-readable)."""
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def handled() -> Iterator[None]:
    """Turn refusals and rejected input into a clear message on stderr and exit 1."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from muster.domain.errors import DomainError
    from muster.intake.errors import IntakeRejected

    try:
        yield
    except IntakeRejected as rejected:
        for error in rejected.errors:
            print(f"muster: {error}", file=sys.stderr)
        count = len(rejected.errors)
        refuse(f"rejected: {count} error{'s' if count != 1 else ''}; nothing was changed")
    except DomainError as error:
        refuse(str(error))
    except (OperationalError, ProgrammingError) as error:
        first = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        refuse(f"database problem: {first}. Is the URL right, and has `muster init` been run?")
    except OSError as error:
        refuse(f"{error.strerror or error}: {error.filename or ''}".strip())


def open_muster(migrate: bool = False) -> Muster:
    """The wired application for the global `--db` option."""
    from muster.bootstrap import bootstrap

    return bootstrap(options().db, migrate=migrate)


def read_input_file(path: Path, limit: int) -> bytes:
    """The bytes of an input file, refusing one over the upload limit before reading it."""
    size = path.stat().st_size
    if size > limit:
        refuse(f"{path.name} is {size:,} bytes; the limit is {limit:,} (MUSTER_MAX_UPLOAD_BYTES)")
    return path.read_bytes()


@contextmanager
def acting() -> Iterator[tuple[Muster, UnitOfWork, User]]:
    """The wired app, a unit of work and the acting user (`--as`); refusals exit 1."""
    from muster.services.actors import resolve_user

    with handled():
        muster = open_muster()
        with muster.uow() as uow:
            yield muster, uow, resolve_user(uow, options().acting_as)
