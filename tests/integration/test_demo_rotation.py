"""The demo world carries rotation data, loaded through the services, and a valid first plan."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from muster.bootstrap import Muster, bootstrap
from muster.demo.build import BuildReport, build_demo
from muster.demo.model import World
from muster.demo.rotation import PLAN_START
from muster.demo.world import generate_world
from muster.planning import check_plan
from muster.store.tables import AuditEventRow, ReceivedFileRow
from tests.e2e.cli import invoke


@dataclass(frozen=True)
class Built:
    """A small demo world and its build report."""

    muster: Muster
    world: World
    report: BuildReport
    url: str
    folder: Path


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    """Build the world once for the module."""
    folder = tmp_path_factory.mktemp("demo-rotation")
    url = f"sqlite:///{folder / 'demo.db'}"
    muster = bootstrap(url, migrate=True)
    world = generate_world(seed=2, scale=0.05)
    yield Built(muster, world, build_demo(muster, world), url, folder)
    muster.engine.dispose()


def test_hosts_paired_and_free(built: Built) -> None:
    with built.muster.uow() as uow:
        hosts = {h.id: h.rotation for h in uow.rotation.hosts()}
    assert hosts == {"XC": "paired", "XR": "free", "XV": "free"}


def test_routes_open_opening_later_and_severed(built: Built) -> None:
    with built.muster.uow() as uow:
        routes = {r.id: (r.open_from, r.open_until) for r in uow.rotation.routes()}
    opened, _ = routes["tanhoa-flight"]
    later, _ = routes["jinhai-bridge"]
    assert opened is not None and opened <= PLAN_START
    assert later is not None and later > PLAN_START
    assert routes["vostrava-rail"] == (None, None)  # severed: no open day


def test_quarantine_and_the_pool_imported_as_a_received_file(built: Built) -> None:
    with built.muster.uow() as uow:
        quarantine = uow.rotation.quarantine()
        beds = quarantine.beds if quarantine else None
        pool = len(uow.rotation.replacements())
        files = uow.session.scalars(
            select(ReceivedFileRow.purpose).where(ReceivedFileRow.purpose == "replacements")
        ).all()
    assert beds == built.world.quarantine_beds
    assert pool == len(built.world.replacements) > 0
    assert files == ["replacements"]


def test_the_first_plan_is_valid_and_uses_open_routes(built: Built) -> None:
    saved = built.report.plan
    assert saved is not None
    assert check_plan(saved.scenario, saved.plan) == []
    routes = Counter(m.route for m in saved.plan.moves)
    assert routes["tanhoa-flight"] > 0 and routes["jinhai-bridge"] > 0
    assert "vostrava-rail" not in routes
    assert min(m.date for m in saved.plan.moves if m.route == "jinhai-bridge").isoformat() >= (
        "2021-08-10"
    )
    directions = Counter(m.direction for m in saved.plan.moves)
    assert directions["home"] > 0 and directions["out"] > 0


def test_rotation_writes_were_audited(built: Built) -> None:
    with built.muster.uow() as uow:
        counts = dict(
            uow.session.execute(
                select(AuditEventRow.action, func.count()).group_by(AuditEventRow.action)
            ).all()
        )
    assert counts["set_host"] == 3 and counts["add_route"] == len(built.world.routes)
    assert counts["set_quarantine"] == 1 and counts["plan"] == 1
    assert counts["import_replacement"] == len(built.world.replacements)


def test_plan_from_db_works_on_the_demo(built: Built) -> None:
    result = invoke(
        "plan", "--from-db", "--call", str(built.report.call_id), "--start", "2021-08-01",
        "--time-limit", "10", "--out", "plan.json", "--manifest", "plan.xlsx",
        db=built.url, cwd=built.folder,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "saved as plan 2" in result.err
    assert (built.folder / "plan.xlsx").stat().st_size > 0
