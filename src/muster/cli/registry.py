"""CLI: init, import units|people, user add|password|disable|enable, hold, release."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from muster.cli.app import acting, app, handled, open_muster, options, read_input_file, refuse
from muster.domain.protection import Ruling
from muster.services.actors import resolve_user
from muster.services.imports import ImportKind, import_file
from muster.services.protection import hold_queue, rule_on_match
from muster.services.registry import add_user, hold_history, set_hold

import_app = typer.Typer(help="Load an organisation tree or a registry, all or nothing.")
user_app = typer.Typer(help="Manage users.")
app.add_typer(import_app, name="import")
holds_app = typer.Typer(help="Protection holds: entries that may name a held person, history.")
app.add_typer(user_app, name="user")
app.add_typer(holds_app, name="holds")

PasswordOpt = Annotated[
    str | None,
    typer.Option("--password", help="Web password (asked for in a terminal when not given)."),
]
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
    import_command(file, "units")


@import_app.command("people")
def import_people_command(file: FileArg) -> None:
    """Load people.csv (or XLSX): the registry and each person's deployment."""
    import_command(file, "people")


def import_command(file: Path, kind: ImportKind) -> None:
    """Hand a file's bytes to the import service (it keeps, reads and imports, all or nothing)."""
    with handled():
        muster = open_muster()
        data = read_input_file(file, muster.settings.max_upload_bytes)
        with muster.uow() as uow:
            count = import_file(
                uow,
                resolve_user(uow, options().acting_as),
                muster.archive,
                kind=kind,
                data=data,
                filename=file.name,
                limits=muster.limits(),
                now=muster.clock(),
            )
        print(f"imported {count} {kind}")


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
    password: PasswordOpt = None,
) -> None:
    """Create a user attached to a unit, with permissions; asks for a web password when run
    in a terminal (or takes --password); without one the user cannot sign in yet."""
    from muster.services.accounts import set_password  # argon2 only when a password is set

    secret = password if password is not None else ask_password(optional=True)
    with acting() as (muster, uow, actor):
        user = add_user(uow, actor, name, unit, permission)
        if secret:
            set_password(uow, actor, name, secret, muster.clock())
    perms = ", ".join(sorted(p.value for p in user.permissions))
    print(f"user {user.name} added to {user.unit_code} ({perms})")


@user_app.command("password")
def user_password(
    name: Annotated[str, typer.Option("--name", help="Login name.")],
    password: PasswordOpt = None,
) -> None:
    """Set a user's web password (asks for it unless --password is given); signs them out."""
    from muster.services.accounts import set_password

    secret = password if password is not None else ask_password(optional=False)
    with acting() as (muster, uow, actor):
        set_password(uow, actor, name, secret, muster.clock())
    print(f"password of {name} set; every session of {name} ended")


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: no sign-in, every session ended, API tokens stop working."""
    from muster.services.users import disable_user

    with acting() as (muster, uow, actor):
        disable_user(uow, actor, name, muster.clock())
    print(f"user {name} disabled; every session of {name} ended")


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Enable a disabled user again."""
    from muster.services.users import enable_user

    with acting() as (muster, uow, actor):
        enable_user(uow, actor, name, muster.clock())
    print(f"user {name} enabled")


def ask_password(optional: bool) -> str:
    """Ask for a password twice, hidden, in a terminal; outside one, none (or refuse)."""
    if not sys.stdin.isatty():
        if optional:
            return ""
        refuse("no terminal to ask for the password in: give --password")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


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


@holds_app.command("queue")
def holds_queue(
    everything: Annotated[
        bool, typer.Option("--all", help="Also matches already ruled on or named by id.")
    ] = False,
) -> None:
    """Entries that name or may name a held person, waiting for a ruling (needs protection)."""
    with acting() as (_, uow, actor):
        items = hold_queue(uow, actor, everything=everything)
    table = Table(title="entries that may name a person under a protection hold")
    for column in ("match", "held person", "how", "ruling", "call", "unit", "version", "row"):
        table.add_column(column)
    table.add_column("entry")
    for item in items:
        e = item.entry
        name = " ".join(x for x in (e.family_name, e.given_name, e.name_native) if x)
        table.add_row(
            str(item.match.id), item.match.person_id, item.match.kind, item.match.ruling or "",
            str(item.call_id), item.unit_code, str(item.version), str(e.row),
            f"{name} {e.date_of_birth or ''} {e.passport_no or ''}".strip(),
        )  # fmt: skip
    Console().print(table)


def _rule(match_id: int, ruling: Ruling) -> None:
    """Record a ruling on a match."""
    with acting() as (muster, uow, actor):
        rule_on_match(uow, actor, match_id, ruling, muster.clock())
    print(f"match {match_id}: {ruling.value}")


@holds_app.command("confirm")
def holds_confirm(
    match_id: Annotated[int, typer.Argument(help="Match id from the queue.")],
) -> None:
    """The entry is the held person: it stays hidden and is never planned."""
    _rule(match_id, Ruling.CONFIRM)


@holds_app.command("clear")
def holds_clear(match_id: Annotated[int, typer.Argument(help="Match id from the queue.")]) -> None:
    """The entry is someone else: it is shown and planned like any other."""
    _rule(match_id, Ruling.CLEAR)


@holds_app.command("history")
def holds_history() -> None:
    """Every hold placed and lifted in your subtree (needs protection)."""
    with acting() as (_, uow, actor):
        history = hold_history(uow, actor)
    table = Table(title="protection holds")
    for column in ("person", "action", "reason", "at", "by"):
        table.add_column(column)
    for person_id, action, reason, at, by in history:
        table.add_row(person_id, action, reason or "", at.isoformat(), by)
    Console().print(table)
