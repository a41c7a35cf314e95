"""CLI: host set|list, route add|open|close|list, quarantine set, replacement import."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from muster.cli.app import acting, app, refuse
from muster.cli.registry import import_command
from muster.services.rotation import (
    add_route,
    host_policies,
    set_host,
    set_quarantine,
    set_route_window,
)

host_app = typer.Typer(help="Host policies: paired (capped places) or free, and stay policy.")
route_app = typer.Typer(help="Routes home and back: open dates and seats per day.")
quarantine_app = typer.Typer(help="Quarantine capacity at home.")
replacement_app = typer.Typer(help="The pool of trained replacements.")
app.add_typer(host_app, name="host")
app.add_typer(route_app, name="route")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(replacement_app, name="replacement")


def _date(text: str | None, option: str) -> date | None:
    """An ISO date option, or a refusal naming the option."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        refuse(f"{option} {text!r}: expected a date YYYY-MM-DD")


@host_app.command("set")
def host_set(
    host: Annotated[str, typer.Argument(help="Host country code, as in units.csv.")],
    rotation: Annotated[str, typer.Option("--rotation", help="paired or free")],
    stay: Annotated[str | None, typer.Option("--stay", help="Stay policy, in words.")] = None,
) -> None:
    """Set a host country's rotation and stay policy."""
    with acting() as (_, uow, actor):
        set_host(uow, actor, host, rotation, stay)
    print(f"host {host}: {rotation}")


@host_app.command("list")
def host_list() -> None:
    """Every host policy and its routes."""
    with acting() as (_, uow, actor):
        hosts = host_policies(uow, actor)
    table = Table(title="hosts and routes")
    for column in ("host", "rotation", "stay policy", "routes"):
        table.add_column(column)
    for h in hosts:
        table.add_row(h.host, h.rotation, h.stay_policy or "", ", ".join(h.routes))
    Console().print(table)


@route_app.command("add")
def route_add(
    route: Annotated[str, typer.Argument(help="Route id, e.g. bridge-sinuiju.")],
    host: Annotated[str, typer.Option("--host")],
    seats_home: Annotated[int, typer.Option("--seats-home", help="Seats per day home.")],
    seats_out: Annotated[int, typer.Option("--seats-out", help="Seats per day out.")],
    mode: Annotated[str, typer.Option("--mode", help="bridge, rail, road, flight, sea")] = "other",
    open_from: Annotated[str | None, typer.Option("--from", help="First open day.")] = None,
    open_until: Annotated[str | None, typer.Option("--until", help="Last open day.")] = None,
) -> None:
    """Add a route for a host; without --from it is closed until opened."""
    with acting() as (_, uow, actor):
        add_route(
            uow,
            actor,
            route_id=route,
            host=host,
            mode=mode,
            open_from=_date(open_from, "--from"),
            open_until=_date(open_until, "--until"),
            seats_home=seats_home,
            seats_out=seats_out,
        )
    print(f"route {route} added")


@route_app.command("open")
def route_open(
    route: Annotated[str, typer.Argument()],
    open_from: Annotated[str, typer.Option("--from", help="First open day.")],
    open_until: Annotated[str | None, typer.Option("--until", help="Last open day.")] = None,
) -> None:
    """Open a route from a day (optionally until a last open day)."""
    with acting() as (_, uow, actor):
        set_route_window(
            uow,
            actor,
            route,
            _date(open_from, "--from"),
            _date(open_until, "--until"),
        )
    print(f"route {route} open from {open_from}" + (f" until {open_until}" if open_until else ""))


@route_app.command("close")
def route_close(route: Annotated[str, typer.Argument()]) -> None:
    """Close a route (no open day)."""
    with acting() as (_, uow, actor):
        set_route_window(uow, actor, route, None, None)
    print(f"route {route} closed")


@quarantine_app.command("set")
def quarantine_set(
    beds: Annotated[int, typer.Option("--beds")],
    days: Annotated[int, typer.Option("--days")] = 14,
) -> None:
    """Set quarantine beds at home and the days each arrival holds one."""
    with acting() as (_, uow, actor):
        set_quarantine(uow, actor, beds, days)
    print(f"quarantine: {beds} beds, {days} days")


@replacement_app.command("import")
def replacement_import(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Load replacements.csv (or XLSX) into the pool, all or nothing."""
    import_command(file, "replacements")
