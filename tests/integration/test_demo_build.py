"""A small demo world built through the services: status, returns, shared people, holds, web."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from muster.bootstrap import Muster, bootstrap
from muster.demo.build import BuildReport, build_demo
from muster.demo.model import World
from muster.demo.script import CallScript, write_script
from muster.demo.world import generate_world
from muster.domain.access import REDACTED
from muster.domain.completeness import UnitStatus
from muster.domain.submissions import Entry, Version
from muster.domain.users import OPERATOR
from muster.services.actors import resolve_user
from muster.services.lists import list_entries, status
from muster.store.tables import AuditEventRow

SCALE = 0.05
HEALTH = ("illness", "work_injury")


@dataclass(frozen=True)
class Built:
    """The small demo world, its story and the database it was built into."""

    muster: Muster
    world: World
    script: CallScript
    report: BuildReport


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Build the world once for the module (it takes a few seconds)."""
    folder: Path = tmp_path_factory.mktemp("demo")
    muster = bootstrap(f"sqlite:///{folder / 'demo.db'}", migrate=True)
    world = generate_world(seed=1, scale=SCALE)
    report = build_demo(muster, world)
    yield Built(muster, world, write_script(world), report)
    muster.engine.dispose()


def _status(built: Built) -> dict[str, UnitStatus]:
    with built.muster.uow() as uow:
        _call, rows = status(uow, OPERATOR, built.muster.catalogue, call_id=built.report.call_id)
    return {r.unit: r for r in rows}


def _entries(
    built: Built, unit: str, actor: str | None = None, version: int | None = None
) -> tuple[Version, list[Entry]]:
    with built.muster.uow() as uow:
        return list_entries(
            uow, resolve_user(uow, actor), built.muster.catalogue,
            call_id=built.report.call_id, unit_code=unit, version=version,
        )  # fmt: skip


def test_status_matches_the_story(built: Built) -> None:
    rows = _status(built)
    assert {code: r.timeliness.value for code, r in rows.items()} == dict(built.script.timeliness)
    assert {r.timeliness.value for r in rows.values()} == {"on_time", "late", "missing"}
    workplaces = [r for r in rows.values() if r.kind == "workplace"]
    assert any(r.timeliness.value == "late" for r in workplaces)
    assert any(r.state == "not_submitted" for r in workplaces)
    assert any(r.state == "forwarded" for r in workplaces)
    assert sum(r.entries for r in workplaces) > 50


def test_returned_lists_were_corrected(built: Built) -> None:
    rows = _status(built)
    for unit in built.script.returned:
        first, v1 = _entries(built, unit, version=1)
        latest, v2 = _entries(built, unit)
        assert latest.number == 2 and first.number == 1
        assert len(v2) >= len(v1)
        assert any(e.passport_no is None and e.since is None for e in v1)
        assert rows[unit].timeliness.value == "on_time", "judged on the first submission"


def test_a_person_listed_by_two_workplaces(built: Built) -> None:
    rows = _status(built)
    people = {p.person_id: p for p in built.world.people}
    submitted = [u for u, r in rows.items() if r.kind == "workplace" and r.state != "not_submitted"]
    seen: dict[str, set[str]] = {}
    for unit in submitted:
        for entry in _entries(built, unit)[1]:
            passport = entry.passport_no or ""
            person = entry.person_id or next(
                (p for p, s in people.items() if s.passport_no == passport), None
            )
            if person:
                seen.setdefault(person, set()).add(unit)
    twice = {p for p, units in seen.items() if len(units) > 1}
    assert twice and twice <= set(built.script.shared_people)


def test_holds_hide_people_from_reviewers(built: Built) -> None:
    held = set(built.script.held)
    assert held
    people = {p.person_id: p.workplace_code for p in built.world.people}
    for person in held:
        unit = people[person]
        reviewer = f"review.{_parent(built, unit).lower()}"
        assert person in {e.person_id for e in _entries(built, unit)[1]}
        assert person not in {e.person_id for e in _entries(built, unit, reviewer)[1]}


def test_medical_notes_and_welfare_entries_need_their_permission(built: Built) -> None:
    unit = _units_with(built, HEALTH)[0]
    reviewer = f"review.{_parent(built, unit).lower()}"
    seen = [e for e in _entries(built, unit, "medical.officer")[1] if e.category in HEALTH]
    assert seen and all(e.note and e.note != REDACTED for e in seen)
    hidden = [e for e in _entries(built, unit, reviewer)[1] if e.category in HEALTH]
    assert hidden and all(e.note == REDACTED for e in hidden)
    welfare_unit = _units_with(built, ("whereabouts_unknown",))[0]
    assert any(e.category == "whereabouts_unknown" for e in _entries(built, welfare_unit)[1])
    reviewer = f"review.{_parent(built, welfare_unit).lower()}"
    shown = _entries(built, welfare_unit, reviewer)[1]
    assert not [e for e in shown if e.category == "whereabouts_unknown"]


def test_every_write_was_audited(built: Built) -> None:
    with built.muster.uow() as uow:
        counts = dict(
            uow.session.execute(
                select(AuditEventRow.action, func.count()).group_by(AuditEventRow.action)
            ).all()
        )
    assert counts["import_person"] == len(built.world.people)
    assert counts["import_unit"] == len(built.world.units)
    assert counts["issue_call"] == 1
    assert counts["hold"] == len(built.script.held)
    submits = [s for s in built.script.steps if s.action == "submit"]
    assert counts["submit"] + counts.get("submit_nothing_to_report", 0) == len(submits)
    assert counts.get("submit_nothing_to_report", 0) == sum(1 for s in submits if not s.rows)
    assert counts["return"] == len(built.script.returned)


def _parent(built: Built, unit: str) -> str:
    return next(u.parent_code or "" for u in built.world.units if u.code == unit)


def _units_with(built: Built, categories: tuple[str, ...]) -> list[str]:
    """Submitted workplaces (in code order) whose latest list has an entry of these categories."""
    rows = _status(built)
    found = []
    for unit, row in sorted(rows.items()):
        if row.kind != "workplace" or row.state == "not_submitted":
            continue
        if any(e.category in categories for e in _entries(built, unit)[1]):
            found.append(unit)
    assert found, categories
    return found
