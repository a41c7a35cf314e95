"""The demo world generator: deterministic, realistic sizes, Korean names, three host situations."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import fields
from datetime import timedelta

import pytest

from muster.demo import model
from muster.demo.files import replacements_csv
from muster.demo.model import World
from muster.demo.script import CallScript, write_script
from muster.demo.world import generate_world
from muster.domain.categories import DEFAULT_CATALOGUE, FORBIDDEN_WORDS
from muster.intake import read_replacements

HANGUL_NAME = re.compile(r"^[가-힣]{2,4}$")
LATIN_NAME = re.compile(r"^[A-Za-z][A-Za-z -]*$")


@pytest.fixture(scope="module")
def world() -> World:
    """The full-size world for seed 1."""
    return generate_world(seed=1)


@pytest.fixture(scope="module")
def script(world: World) -> CallScript:
    """The call's story for the full-size world."""
    return write_script(world)


def _host_people(world: World) -> Counter[str]:
    host = {u.code: u.host_country for u in world.units}
    return Counter(host[p.workplace_code] or "" for p in world.people)


def test_same_seed_same_world_and_story() -> None:
    first, second = generate_world(7, 0.1), generate_world(7, 0.1)
    assert first == second
    assert [p.name_native for p in first.people] == [p.name_native for p in second.people]
    assert write_script(first) == write_script(second)


def test_another_seed_another_world() -> None:
    first, other = generate_world(1, 0.1), generate_world(2, 0.1)
    assert [p.name_native for p in first.people] != [p.name_native for p in other.people]


def test_organisation_sizes(world: World) -> None:
    kinds = Counter(u.kind for u in world.units)
    assert kinds["headquarters"] == 1
    assert kinds["mission"] == 3
    assert kinds["consulate"] >= 8
    assert kinds["workplace"] >= 300
    assert {u.workplace_type for u in world.workplaces()} == {
        "factory", "restaurant", "trading_company", "construction", "other",
    }  # fmt: skip
    for host in ("XC", "XR", "XV"):
        regions = {u.region for u in world.workplaces() if u.host_country == host}
        assert len(regions) >= 3, host
    assert len({u.code for u in world.units}) == len(world.units)


def test_about_ten_thousand_people_within_their_places(world: World) -> None:
    assert 9_500 <= len(world.people) <= 10_500
    assert len({p.person_id for p in world.people}) == len(world.people)
    assert len({p.passport_no for p in world.people}) == len(world.people)
    occupied = Counter(p.workplace_code for p in world.people)
    paired = {u.code for u in world.workplaces() if u.host_country == "XC"}
    for unit in world.workplaces():
        assert 0 < occupied[unit.code] <= (unit.slots or 0), unit.code
        if unit.code in paired:
            assert occupied[unit.code] == unit.slots, "capped places are full"


def test_roles_and_short_trips(world: World) -> None:
    roles = Counter((p.role, p.purpose) for p in world.people)
    assert roles[("manager", "work")] >= 200
    trips = roles[("business_rep", "short_trip")]
    assert 0.01 * len(world.people) <= trips <= 0.06 * len(world.people)
    for person in world.people:
        assert person.arrived < person.permit_expires
        age = (world.today - person.date_of_birth).days / 365.25
        assert 21 <= age <= 60


def test_korean_names_in_mixed_romanisations(world: World) -> None:
    assert all(HANGUL_NAME.match(p.name_native) for p in world.people)
    assert all(LATIN_NAME.match(p.family_name + p.given_name) for p in world.people)
    kim = Counter(p.family_name.capitalize() for p in world.people if p.name_native[0] == "김")
    assert kim["Kim"] > 0 and kim["Gim"] > 0
    given = [p.given_name for p in world.people]
    assert any("-" in g for g in given) and any(" " in g for g in given)
    assert any(g.isalpha() for g in given)
    assert Counter(p.sex for p in world.people).keys() == {"M", "F"}


def test_three_host_situations(world: World) -> None:
    policies = {p.host: p for p in world.policies}
    assert policies["XC"].rotation == "paired"
    assert policies["XR"].rotation == "free" and policies["XR"].stay == "may_stay"
    assert policies["XV"].rotation == "free"
    routes = {r.host: [x for x in world.routes if x.host == r.host] for r in world.routes}
    bridge = routes["XC"][0]
    assert bridge.mode == "bridge" and bridge.open_from is not None
    assert bridge.open_from > world.today, "the land border is closed today"
    rail = next(r for r in routes["XR"] if r.mode == "rail")
    assert rail.closed
    assert any(r.open_from and r.open_from <= world.today and not r.closed for r in routes["XV"])


def test_about_a_thousand_stranded_in_the_severed_host(world: World) -> None:
    host = {p.person_id: p.workplace_code for p in world.people}
    where = {u.code: u.host_country for u in world.units}
    stranded = [
        s for s in world.situations
        if where[host[s.person_id]] == "XR"
        and s.category in ("stranded_trip", "stalled_business", "contract_ended")
    ]  # fmt: skip
    assert 900 <= len(stranded) <= 1_100
    assert all("permits the stay" in (s.note or "") for s in stranded)


def test_situations_use_only_spec_categories(world: World) -> None:
    categories = Counter(s.category for s in world.situations)
    assert set(categories) == set(DEFAULT_CATALOGUE.codes())
    assert 5 <= categories["whereabouts_unknown"] <= 20
    health = [s for s in world.situations if s.category in ("illness", "work_injury")]
    assert health and all(s.note for s in health), "health entries carry a medical note"
    assert len({s.person_id for s in world.situations}) == len(world.situations)


def test_no_disciplinary_fields_anywhere() -> None:
    classes = [model.HostPolicy, model.Route, model.UnitSpec, model.PersonSpec,
               model.Situation, model.Replacement, model.World]  # fmt: skip
    names = [f.name for cls in classes for f in fields(cls)]
    assert not [n for n in names if any(word in n for word in FORBIDDEN_WORDS)]


def test_replacement_pool(world: World) -> None:
    pool = world.replacements
    assert 550 <= len(pool) <= 650
    trades = {u.trade for u in world.workplaces()}
    assert all(set(r.trades) <= trades and r.hosts for r in pool)
    assert all(r.ready > world.today for r in pool)
    records = read_replacements(replacements_csv(world), "replacements.csv")
    assert len(records) == len(pool)
    assert records[0].trades == pool[0].trades and records[0].hosts == pool[0].hosts


def test_call_story(world: World, script: CallScript) -> None:
    due = script.due
    assert due["workplace"] < due["consulate"] < due["mission"]
    assert due["mission"] - script.issued_at == timedelta(days=4)
    fates = Counter(v for k, v in script.timeliness.items() if k.startswith("W"))
    submitted = (fates["on_time"] + fates["late"]) / sum(fates.values())
    assert 0.8 <= submitted <= 0.9
    assert fates["late"] > 0
    assert script.returned and script.shared_people and script.held
    assert [s.at for s in script.steps] == sorted(s.at for s in script.steps)
    at_due = [s.unit for s in script.steps if s.action == "submit" and s.at == due["workplace"]]
    assert at_due and script.timeliness[at_due[0]] == "on_time", "the boundary is on time"
    offices = Counter(v for k, v in script.timeliness.items() if not k.startswith("W"))
    assert offices.keys() == {"on_time", "late", "missing"}


def test_small_world_keeps_every_situation() -> None:
    small = generate_world(1, 0.05)
    story = write_script(small)
    assert 400 <= len(small.people) <= 600
    assert set(story.timeliness.values()) == {"on_time", "late", "missing"}
    assert story.returned and story.shared_people and story.held
