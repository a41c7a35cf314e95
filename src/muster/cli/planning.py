"""CLI commands for planning (registered on the shared app): `muster plan SCENARIO.json`."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from muster.cli.app import app, refuse

if TYPE_CHECKING:
    from muster.planning import Plan

__all__ = ["app", "plan_command"]


@app.command("plan")
def plan_command(
    scenario_file: Annotated[
        Path,
        typer.Argument(
            metavar="SCENARIO.json",
            help="Scenario file (SPEC §6): hosts, routes, workplaces, returnees, replacements.",
            dir_okay=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", metavar="PLAN.json", help="Write the plan here (default: stdout)."),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", metavar="S", min=1.0, help="Seconds allowed for planning."),
    ] = 60.0,
) -> None:
    """Compute a rotation plan: dated moves home and out, with a reason for everyone not moved."""
    # A later `--from-db --call ID` builds the Scenario from the database instead of a file.
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
    _write(result, out)
    console.print(_summary(result, time.monotonic() - started), highlight=False)


def _write(result: Plan, out: Path | None) -> None:
    text = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        refuse(f"cannot write {out}: {exc.strerror}")


def _summary(result: Plan, seconds: float) -> str:
    homes = sum(1 for m in result.moves if m.direction == "home")
    return (
        f"plan {result.status}: objective {result.objective} of bound {result.bound}; "
        f"{homes} home, {len(result.moves) - homes} out, "
        f"{len(result.unscheduled)} not moved ({seconds:.1f} s)"
    )
