"""CLI commands for planning (registered on the shared app): `muster plan SCENARIO.json`."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from muster.cli.app import app, refuse, usage_error

if TYPE_CHECKING:
    from muster.bootstrap import Muster
    from muster.planning import Plan
    from muster.reports.manifest import ManifestRow
    from muster.services.rotation_plan import SavedPlan

__all__ = ["app", "plan_command"]


@app.command("plan")
def plan_command(
    scenario_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="SCENARIO.json",
            help="Scenario file (SPEC §6): hosts, routes, workplaces, returnees, replacements.",
            dir_okay=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="PLAN.json", help="Write the plan here (default: stdout)."),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", metavar="S", min=1.0, help="Seconds allowed for planning."),
    ] = 60.0,
    from_db: Annotated[
        bool,
        typer.Option("--from-db", help="Build the scenario from the database (needs --call)."),
    ] = False,
    call: Annotated[int | None, typer.Option("--call", help="Call whose persons to plan.")] = None,
    start: Annotated[
        str | None, typer.Option("--start", help="First day, YYYY-MM-DD (default: today).")
    ] = None,
    horizon: Annotated[int, typer.Option("--horizon", min=1, help="Days to plan.")] = 60,
    manifest: Annotated[
        Path | None,
        typer.Option("--manifest", metavar="FILE.xlsx", help="Also write travel manifests."),
    ] = None,
) -> None:
    """Compute a rotation plan: dated moves home and out, with a reason for everyone not moved."""
    if from_db == (scenario_file is not None) or (from_db and call is None):
        usage_error("give SCENARIO.json, or --from-db --call ID")
    if from_db:
        assert call is not None
        result, travellers = _plan_from_db(call, start, horizon, time_limit, manifest is not None)
        _write(result, out, manifest, travellers)
        return
    assert scenario_file is not None
    # Imported here: the solver's libraries should not slow down every other command.
    from muster.planning import ScenarioError, load_scenario, plan

    try:
        scenario = load_scenario(scenario_file)
    except ScenarioError as exc:
        refuse(f"{scenario_file}: invalid scenario\n" + "\n".join(f"  {e}" for e in exc.errors))
    console = Console(stderr=True)
    started = time.monotonic()
    with console.status("planning", spinner="dots") as status:
        result = plan(scenario, time_limit=time_limit, progress=lambda m: status.update(m))
    _write(result, out, manifest)  # ids only: a scenario file names nobody
    console.print(_summary(result, time.monotonic() - started), highlight=False)


def _plan_from_db(
    call: int, start: str | None, horizon: int, time_limit: float, manifest: bool
) -> tuple[Plan, list[ManifestRow] | None]:
    """Consolidate the call, plan, save the version; with `manifest`, the named travellers."""
    from muster.cli.app import handled, open_muster, options
    from muster.planning import ScenarioError
    from muster.services.actors import resolve_user
    from muster.services.rotation_plan import plan_from_db

    try:
        first = date.fromisoformat(start) if start else date.today()
    except ValueError:
        refuse(f"--start {start!r}: expected a date YYYY-MM-DD")
    console = Console(stderr=True)
    started = time.monotonic()
    with handled():
        muster = open_muster()
        try:
            with console.status("consolidating and planning", spinner="dots"), muster.uow() as uow:
                saved = plan_from_db(
                    uow,
                    resolve_user(uow, options().acting_as),
                    muster.catalogue,
                    call_id=call,
                    start=first,
                    horizon_days=horizon,
                    time_limit=time_limit,
                    now=muster.clock(),
                )
        except ScenarioError as exc:
            refuse(
                "the stored data do not make a valid scenario\n"
                + "\n".join(f"  {e}" for e in exc.errors)
            )
        travellers = _travellers(muster, saved) if manifest else None
    for note in saved.notes:
        console.print(f"note: {note}", highlight=False)
    console.print(
        f"saved as plan {saved.id}; " + _summary(saved.plan, time.monotonic() - started),
        highlight=False,
    )
    return saved.plan, travellers


def _travellers(muster: Muster, saved: SavedPlan) -> list[ManifestRow]:
    """The plan's travellers named through the service: what the viewer may see, audited."""
    from muster.cli.app import options
    from muster.services.actors import resolve_user
    from muster.services.manifests import manifest_rows

    with muster.uow() as uow:
        actor = resolve_user(uow, options().acting_as)
        return manifest_rows(uow, actor, saved.plan, plan_id=saved.id, persons=saved.persons)


def _write(
    result: Plan,
    out: Path | None,
    manifest: Path | None = None,
    travellers: list[ManifestRow] | None = None,
) -> None:
    """The plan as JSON (stdout or --out), and the XLSX manifests when asked."""
    text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    try:
        if manifest is not None:
            from muster.reports.manifest import manifest_xlsx, rows_of

            rows = travellers if travellers is not None else rows_of(result)
            manifest.write_bytes(manifest_xlsx(rows))
        if out is None:
            sys.stdout.write(text)
            return
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        refuse(f"cannot write {exc.filename}: {exc.strerror}")


def _summary(result: Plan, seconds: float) -> str:
    homes = sum(1 for m in result.moves if m.direction == "home")
    return (
        f"plan {result.status}: objective {result.objective} of bound {result.bound}; "
        f"{homes} home, {len(result.moves) - homes} out, "
        f"{len(result.unscheduled)} not moved ({seconds:.1f} s)"
    )
