"""The situation board on the demo world (SPEC §1's picture): Calder paired with its bridge
opening in August, Rusvald free with its rail link severed and a September charter, Valeria
open by scheduled flights; beds of HQ's first plan within capacity; each mission sees its own
host only."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from muster.bootstrap import Muster, bootstrap
from muster.demo.build import build_demo
from muster.demo.users import HQ_ADMIN, reviewer_of
from muster.demo.world import TODAY, generate_world
from muster.domain.situation import RouteState
from muster.services.actors import resolve_user
from muster.services.situation import Situation, hosts_overview


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Muster]:
    """A small demo world with its call played and HQ's first plan."""
    folder: Path = tmp_path_factory.mktemp("situation-demo")
    muster = bootstrap(f"sqlite:///{folder / 'demo.db'}", migrate=True)
    build_demo(muster, generate_world(seed=3, scale=0.05))
    yield muster
    muster.engine.dispose()


def overview(muster: Muster, who: str) -> dict[str, Situation]:
    with muster.uow() as uow:
        found = hosts_overview(
            uow, resolve_user(uow, who), muster.catalogue, now=muster.clock(), on=TODAY
        )
    return {s.host: s for s in found}


def states(board: Situation) -> dict[str, tuple[RouteState, date | None]]:
    return {r.route.id: (r.state, r.opens_on) for r in board.routes}


def test_the_demo_hosts_as_headquarters_sees_them(demo: Muster) -> None:
    hosts = overview(demo, HQ_ADMIN)
    assert sorted(hosts) == ["XC", "XR", "XV"]
    calder, rusvald, valeria = hosts["XC"], hosts["XR"], hosts["XV"]
    assert (calder.rotation, rusvald.rotation, valeria.rotation) == ("paired", "free", "free")
    assert rusvald.stay_policy is not None and "until further notice" in rusvald.stay_policy
    assert states(calder) == {"jinhai-bridge": (RouteState.CLOSED, date(2021, 8, 10))}
    assert states(rusvald) == {
        "vostrava-charter": (RouteState.CLOSED, date(2021, 9, 1)),
        "vostrava-rail": (RouteState.SEVERED, None),
    }
    assert states(valeria) == {"tanhoa-flight": (RouteState.OPEN, None)}
    for board in hosts.values():
        assert board.call is not None and board.lists is not None
        assert board.deployed.people > 0 and board.lists.workplaces_reported > 0
        assert board.beds is not None
        assert max(board.beds.everyone) <= board.beds.capacity
        assert all(h <= e for h, e in zip(board.beds.host, board.beds.everyone, strict=True))
    # Rusvald strands the most: its rail link is severed and the host lets people stay.
    assert rusvald.lists is not None and valeria.lists is not None
    assert rusvald.lists.stranded_total > valeria.lists.stranded_total


def test_each_mission_sees_its_own_host_without_held_people(demo: Muster) -> None:
    everything = overview(demo, HQ_ADMIN)
    held = 0
    for host, board in everything.items():
        mine = overview(demo, reviewer_of(f"M-{host}"))
        assert list(mine) == [host]
        assert mine[host].deployed.workplaces == board.deployed.workplaces
        # HQ's administrator holds `protection`; the mission's reviewer never counts the held.
        assert mine[host].held is None and board.held is not None
        assert mine[host].deployed.people == board.deployed.people - board.held
        held += board.held
    assert held >= 1  # the demo holds a few people
