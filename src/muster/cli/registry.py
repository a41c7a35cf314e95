"""CLI: init, import units|people, user add, hold, release."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from muster.cli.app import acting, app, handled, open_muster, options, read_input_file
from muster.domain.users import User
from muster.intake import Limits, read_people, read_units
from muster.services.actors import resolve_user
from muster.services.registry import add_user, import_people, import_units, set_hold
from muster.store.uow import UnitOfWork

import_app = typer.Typer(help="Load an organisation tree or a registry, all or nothing.")
user_app = typer.Typer(help="Manage users.")
app.add_typer(import_app, name="import")
app.add_typer(user_app, name="user")

FileArg = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)]


@app.command()
def init() -> None:
    """Create or migrate the database."""
    with handled():
        muster = open_muster(migrate=True)
        print(f"database ready: {muster.engine.url.render_as_string(hide_password=True)}")


@import_app.command("units")
def import_units_command(file: FileArg) -> None:
    """Load units.csv (or XLSX): code, name, kind, parent_code, host_country, region, ..."""
    _import(file, read_units, import_units, "units")


@import_app.command("people")
def import_people_command(file: FileArg) -> None:
    """Load people.csv (or XLSX): the registry and each person's deployment."""
    _import(file, read_people, import_people, "people")


def _import(
    file: Path,
    reader: Callable[[bytes, str, Limits], Sequence[Any]],
    service: Callable[[UnitOfWork, User, Any], int],
    noun: str,
) -> None:
    """Read a file whole, then hand its records to an import service (all or nothing)."""
    with handled():
        muster = open_muster()
        data = read_input_file(file, muster.settings.max_upload_bytes)
        records = reader(data, file.name, muster.limits())
        with muster.uow() as uow:
            count = service(uow, resolve_user(uow, options().acting_as), records)
        print(f"imported {count} {noun}")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Option("--name", help="Login name.")],
    unit: Annotated[str, typer.Option("--unit", help="Code of the user's unit.")],
    permission: Annotated[
        list[str],
        typer.Option(
            "--permission", help="submit, review, plan, admin, medical, welfare, protection"
        ),
    ],
) -> None:
    """Create a user attached to a unit, with permissions."""
    with acting() as (_, uow, actor):
        user = add_user(uow, actor, name, unit, permission)
    perms = ", ".join(sorted(p.value for p in user.permissions))
    print(f"user {user.name} added to {user.unit_code} ({perms})")


@app.command()
def hold(
    person: Annotated[str, typer.Option("--person", help="person_id")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept in the audit log).")],
) -> None:
    """Put a person under a protection hold (needs the protection permission)."""
    with acting() as (muster, uow, actor):
        set_hold(uow, actor, person, True, reason, muster.clock())
    print(f"{person} is under a protection hold")


@app.command()
def release(person: Annotated[str, typer.Option("--person", help="person_id")]) -> None:
    """Lift a protection hold (needs the protection permission)."""
    with acting() as (muster, uow, actor):
        set_hold(uow, actor, person, False, None, muster.clock())
    print(f"{person} is no longer under a protection hold")
