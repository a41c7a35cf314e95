"""The situation board's figures, each worked out by hand on small cases."""

from __future__ import annotations

from datetime import date

from muster.domain.categories import DEFAULT_CATALOGUE, catalogue_from_mapping
from muster.domain.people import Deployment, Purpose, Role
from muster.domain.situation import (
    Change,
    RouteState,
    RouteWindow,
    beds_in_use,
    deployed,
    list_figures,
    permits,
    permits_due,
    route_state,
    route_status,
    trend,
)
from muster.domain.submissions import Entry
from tests.unit.domain.test_access import RENAMED

TODAY = date(2021, 7, 20)


def _deployment(pid: str, workplace: str, expires: date | None = None, **kw: object) -> Deployment:
    role = kw.get("role", Role.WORKER)
    purpose = kw.get("purpose", Purpose.WORK)
    return Deployment(pid, workplace, role, purpose, permit_expires=expires)  # type: ignore[arg-type]


def test_people_deployed_count_only_the_hosts_workplaces() -> None:
    found = deployed(
        [
            _deployment("P1", "W1"),
            _deployment("P2", "W1", role=Role.MANAGER),
            _deployment("P3", "W2", purpose=Purpose.SHORT_TRIP, role=Role.BUSINESS_REP),
            _deployment("P4", "W9"),  # another host's workplace
        ],
        {"W1": 40, "W2": 12, "W3": 5},
    )
    assert (found.people, found.workplaces, found.slots) == (3, 3, 57)
    assert found.by_role == {"worker": 1, "manager": 1, "business_rep": 1}
    assert found.by_purpose == {"work": 2, "short_trip": 1}


ASKED = ("illness", "work_injury", "stranded_trip", "stalled_business", "whereabouts_unknown")


def test_list_figures_split_health_stranded_and_welfare_and_find_stalled_workplaces() -> None:
    entries = {
        "W1": [Entry("illness"), Entry("illness"), Entry("work_injury"), Entry("stranded_trip")],
        "W2": [Entry("stalled_business"), Entry("stalled_business")],
        "W3": [Entry("stalled_business"), Entry("whereabouts_unknown")],
        "W4": [],  # nothing to report
    }
    found = list_figures(entries, DEFAULT_CATALOGUE, ASKED)
    assert found.health == {"illness": 2, "work_injury": 1}
    assert found.stranded == {"stranded_trip": 1, "stalled_business": 3}
    assert found.welfare == {"whereabouts_unknown": 1}
    assert (found.sick_and_injured, found.stranded_total, found.welfare_total) == (3, 4, 1)
    assert found.stalled_workplaces == 2  # W2 and W3, however many people each lists
    assert found.workplaces_reported == 4
    assert found.count("stalled_business") == 3 and found.count("contract_ended") == 0


def test_an_asked_category_nobody_reports_is_zero_and_an_unasked_one_is_absent() -> None:
    found = list_figures(
        {"W1": [Entry("illness")]}, DEFAULT_CATALOGUE, ("illness", "stranded_trip")
    )
    assert found.health == {"illness": 1}
    assert found.stranded == {"stranded_trip": 0}
    assert found.welfare == {}
    assert found.stalled_workplaces == 0


def test_sections_are_found_by_their_marks_not_their_codes() -> None:
    renamed = catalogue_from_mapping(RENAMED)
    entries = {"W1": [Entry("malade"), Entry("bloque"), Entry("disparu"), Entry("disparu")]}
    found = list_figures(entries, renamed, ("malade", "bloque", "disparu"))
    assert (found.health, found.stranded, found.welfare) == (
        {"malade": 1},
        {"bloque": 1},
        {"disparu": 2},
    )


def test_trend_against_the_previous_call() -> None:
    now = list_figures(
        {"W1": [Entry("illness"), Entry("illness"), Entry("stalled_business")], "W2": []},
        DEFAULT_CATALOGUE,
        ("illness", "stalled_business", "whereabouts_unknown"),
    )
    before = list_figures(
        {"W1": [Entry("illness"), Entry("stalled_business")], "W2": [Entry("stalled_business")]},
        DEFAULT_CATALOGUE,
        ("illness", "stalled_business"),
    )
    headlines, categories = trend(now, before)
    assert [(c.key, c.now, c.before, c.direction) for c in headlines] == [
        ("sick_and_injured", 2, 1, "up"),
        ("stranded", 1, 2, "down"),
        ("stalled_workplaces", 1, 2, "down"),
        ("welfare", 0, None, "unknown"),  # the previous call did not ask for welfare
    ]
    by_code = {c.key: (c.now, c.before) for c in categories}
    assert by_code == {
        "illness": (2, 1),
        "stalled_business": (1, 2),
        "whereabouts_unknown": (0, None),  # the previous call did not ask for it
    }
    assert Change("x", 3, None).delta is None and Change("x", 3, None).direction == "unknown"
    assert Change("x", 3, 5).delta == -2


def test_a_headline_of_categories_a_call_did_not_ask_is_unknown_not_zero() -> None:
    sick_only = list_figures({"W1": [Entry("illness")]}, DEFAULT_CATALOGUE, ("illness",))
    stranded_only = list_figures({"W1": []}, DEFAULT_CATALOGUE, ("stranded_trip",))
    headlines, _ = trend(stranded_only, sick_only, welfare=False)
    assert [(c.key, c.now, c.before, c.direction) for c in headlines] == [
        ("sick_and_injured", None, 1, "unknown"),
        ("stranded", 0, None, "unknown"),
        ("stalled_workplaces", None, None, "unknown"),
    ]


def test_trend_without_a_previous_call_or_without_welfare() -> None:
    now = list_figures({"W1": [Entry("whereabouts_unknown")]}, DEFAULT_CATALOGUE, ASKED)
    headlines, categories = trend(now, None, welfare=False)
    assert [c.key for c in headlines] == ["sick_and_injured", "stranded", "stalled_workplaces"]
    assert all(c.before is None for c in headlines + categories)
    assert "whereabouts_unknown" not in {c.key for c in categories}


def test_permits_expiring_within_30_60_90_days() -> None:
    people = [
        _deployment("P1", "W1", date(2021, 7, 1)),  # ended 19 days ago
        _deployment("P2", "W1", date(2021, 7, 20)),  # ends today
        _deployment("P3", "W1", date(2021, 8, 19)),  # in 30 days
        _deployment("P4", "W1", date(2021, 8, 20)),  # in 31 days
        _deployment("P5", "W1", date(2021, 9, 18)),  # in 60 days
        _deployment("P6", "W1", date(2021, 10, 18)),  # in 90 days
        _deployment("P7", "W1", date(2021, 10, 19)),  # in 91 days
        _deployment("P8", "W1", None),  # no permit date known
    ]
    found = permits(people, TODAY)
    assert found.expired == 1
    assert found.within == {30: 3, 60: 5, 90: 6}
    assert [d.person_id for d in permits_due(reversed(people), TODAY)] == [
        "P1", "P2", "P3", "P4", "P5", "P6",
    ]  # fmt: skip
    assert [d.person_id for d in permits_due(people, TODAY, 30)] == ["P1", "P2", "P3"]


BRIDGE = RouteWindow("bridge", "XC", "bridge", date(2021, 8, 10), None, 120, 100)
RAIL = RouteWindow("rail", "XR", "rail", None, None, 0, 0)
CHARTER = RouteWindow("charter", "XR", "flight", date(2021, 9, 1), date(2021, 9, 30), 20, 20)
ROAD = RouteWindow("road", "XR", "road", None, None, 10, 10)


def test_route_state_on_a_day() -> None:
    assert route_state(BRIDGE, date(2021, 8, 9)) is RouteState.CLOSED
    assert route_state(BRIDGE, date(2021, 8, 10)) is RouteState.OPEN
    assert route_state(BRIDGE, date(2030, 1, 1)) is RouteState.OPEN
    assert route_state(RAIL, TODAY) is RouteState.SEVERED
    assert route_state(ROAD, TODAY) is RouteState.CLOSED  # seats but no date: closed
    assert route_state(CHARTER, date(2021, 9, 30)) is RouteState.OPEN
    assert route_state(CHARTER, date(2021, 10, 1)) is RouteState.CLOSED


def test_route_status_over_time_with_opening_date_and_seats() -> None:
    bridge = route_status(BRIDGE, TODAY, 30)  # 2021-07-20 .. 2021-08-18
    assert bridge.state is RouteState.CLOSED and bridge.opens_on == date(2021, 8, 10)
    assert [(s.state, s.first, s.last, s.days) for s in bridge.stretches] == [
        (RouteState.CLOSED, TODAY, date(2021, 8, 9), 21),
        (RouteState.OPEN, date(2021, 8, 10), date(2021, 8, 18), 9),
    ]
    assert (bridge.seats_home, bridge.seats_out) == (9 * 120, 9 * 100)
    charter = route_status(CHARTER, TODAY, 90)
    assert [s.state for s in charter.stretches] == [
        RouteState.CLOSED, RouteState.OPEN, RouteState.CLOSED,
    ]  # fmt: skip
    assert charter.seats_home == 30 * 20
    rail = route_status(RAIL, TODAY, 90)
    assert rail.state is RouteState.SEVERED and rail.opens_on is None
    assert len(rail.stretches) == 1 and rail.stretches[0].days == 90 and rail.seats_home == 0
    assert route_status(BRIDGE, date(2021, 9, 1), 10).opens_on is None  # already open
    assert charter.closed_since is None and bridge.closed_since is None
    after = route_status(CHARTER, date(2021, 11, 1), 10)
    assert after.state is RouteState.CLOSED and after.closed_since == date(2021, 10, 1)


def test_quarantine_beds_in_use_over_the_horizon() -> None:
    start = date(2021, 8, 1)
    arrivals = [date(2021, 8, 1), date(2021, 8, 1), date(2021, 8, 3), date(2021, 7, 31)]
    # 3 days of quarantine: day 0 holds the two arrivals of day 0 and the one of the day before.
    assert beds_in_use(arrivals, start, 6, 3) == [3, 3, 3, 1, 1, 0]
    assert beds_in_use([], start, 3, 14) == [0, 0, 0]
