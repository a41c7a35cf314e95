"""Load the demo world into a database through the real services, so every write is audited."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from muster.bootstrap import Muster
from muster.demo.files import list_csv, people_csv, units_csv
from muster.demo.model import PersonSpec, World
from muster.demo.rotation import load_rotation, plan_rotation
from muster.demo.script import CallScript, Step, as_utc, write_script
from muster.demo.users import HQ_ADMIN, DemoUser, demo_users
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.intake import read_people, read_units
from muster.services.actors import resolve_user
from muster.services.calls import issue_call
from muster.services.lists import forward, review, submit_list, submit_nothing
from muster.services.registry import add_user, import_people, import_units, set_hold
from muster.services.rotation_plan import SavedPlan

PEOPLE_PER_IMPORT = 500  # one import (one transaction) per chunk, so progress can move
Advance = Callable[[str], None]


@dataclass(frozen=True)
class BuildReport:
    """What was built: sizes, the call, the logins to print, and how long it took."""

    call_id: int
    units: int
    people: int
    steps: int
    logins: tuple[DemoUser, ...]
    seconds: float
    phases: dict[str, float]
    plan: SavedPlan | None = None  # HQ's first rotation plan (None when not asked for)


def build_demo(
    muster: Muster, world: World, console: Console | None = None, plan: bool = True
) -> BuildReport:
    """Import the world, create users, issue the call, play its story, load the rotation data
    and (with `plan`) compute HQ's first rotation plan; progress on `console`."""
    started = time.perf_counter()
    script = write_script(world)
    users = demo_users(world)
    chunks = [world.people[i : i + PEOPLE_PER_IMPORT]
              for i in range(0, len(world.people), PEOPLE_PER_IMPORT)]  # fmt: skip
    total = 3 + plan + len(chunks) + len(users) + len(script.steps)
    after = as_utc(max((step.at for step in script.steps), default=script.issued_at))
    phases: dict[str, float] = {}
    with _progress(console, total) as advance:
        with _timed(phases, "units"):
            _import_units(muster, world)
            advance("units imported")
        with _timed(phases, "people"):
            for chunk in chunks:
                _import_people(muster, chunk)
                advance("people imported")
        with _timed(phases, "users"):
            for user in users:
                _add_user(muster, user)
                advance("users created")
        with _timed(phases, "call"):
            call_id = _issue_call(muster, script)
            advance("call issued")
            for step in script.steps:
                play_step(muster, call_id, step)
                advance(f"{step.action} {step.unit}")
        saved = _rotation(muster, world, call_id, after + timedelta(hours=1), plan, phases, advance)
    return BuildReport(
        call_id=call_id,
        units=len(world.units),
        people=len(world.people),
        steps=len(script.steps),
        logins=tuple(u for u in users if u.shown),
        seconds=time.perf_counter() - started,
        phases=phases,
        plan=saved,
    )


def _rotation(
    muster: Muster,
    world: World,
    call_id: int,
    now: datetime,
    plan: bool,
    phases: dict[str, float],
    advance: Advance,
) -> SavedPlan | None:
    """HQ's rotation data, then (with `plan`) its first plan of the call."""
    with _timed(phases, "rotation"):
        load_rotation(muster, world, now)
        advance("rotation data loaded")
    if not plan:
        return None
    with _timed(phases, "plan"):
        saved = plan_rotation(muster, call_id, now)
        advance("rotation planned")
    return saved


@contextmanager
def _timed(phases: dict[str, float], name: str) -> Iterator[None]:
    """Record how long a phase of the build took."""
    started = time.perf_counter()
    yield
    phases[name] = time.perf_counter() - started


@contextmanager
def _progress(console: Console | None, total: int) -> Iterator[Advance]:
    """A Rich progress bar on the console (none without one); yields a step function."""
    columns = (TextColumn("building demo world"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("{task.description}"))  # fmt: skip
    with Progress(*columns, console=console, disable=console is None) as progress:
        task = progress.add_task("", total=total)

        def advance(what: str) -> None:
            progress.update(task, advance=1, description=what)

        yield advance


def _import_units(muster: Muster, world: World) -> None:
    """units.csv through intake and `import_units`."""
    records = read_units(units_csv(world), "units.csv", muster.limits())
    with muster.uow() as uow:
        import_units(uow, OPERATOR, records)


def _import_people(muster: Muster, people: Sequence[PersonSpec]) -> None:
    """A chunk of people.csv through intake and `import_people`."""
    records = read_people(people_csv(people), "people.csv", muster.limits())
    with muster.uow() as uow:
        import_people(uow, OPERATOR, records)


def _add_user(muster: Muster, user: DemoUser) -> None:
    """One demo user, granted by the operator."""
    with muster.uow() as uow:
        add_user(uow, OPERATOR, user.name, user.unit_code, user.permissions)


def _issue_call(muster: Muster, script: CallScript) -> int:
    """The demo call, issued by the HQ administrator to the whole tree."""
    due = {UnitKind(kind): as_utc(at) for kind, at in script.due.items()}
    with muster.uow() as uow:
        hq = uow.units.tree().headquarters()
        assert hq is not None
        return issue_call(
            uow, resolve_user(uow, HQ_ADMIN), muster.catalogue, by=hq.code, scope=hq.code,
            categories=script.categories, due=due, title=script.title,
            now=as_utc(script.issued_at), instructions=script.instructions,
        )  # fmt: skip


def play_step(muster: Muster, call_id: int, step: Step) -> None:
    """Carry out one step of the story through its service, at the step's time."""
    now: datetime = as_utc(step.at)
    with muster.uow() as uow:
        actor = resolve_user(uow, step.actor)
        if step.action == "hold":
            set_hold(uow, actor, step.unit, True, step.reason, now)
        elif step.action == "submit" and not step.rows:
            submit_nothing(uow, actor, call_id=call_id, unit_code=step.unit, now=now)
        elif step.action == "submit":
            submit_list(
                uow, actor, muster.archive, call_id=call_id, unit_code=step.unit,
                data=list_csv(step.rows), filename=f"{step.unit}-list-{step.at:%Y%m%d-%H%M}.csv",
                limits=muster.limits(), now=now,
            )  # fmt: skip
        elif step.action in ("accept", "return"):
            review(uow, actor, call_id=call_id, unit_code=step.unit,
                   accept=step.action == "accept", reason=step.reason, now=now)  # fmt: skip
        elif step.action == "forward":
            forward(
                uow, actor, muster.catalogue, call_id=call_id, unit_code=step.unit, now=now,
                partial=True,
            )  # fmt: skip
        else:
            raise ValueError(f"unknown demo step {step.action!r}")
