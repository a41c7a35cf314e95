"""The completeness view's aggregated read gives exactly what the full aggregates give.

`services.lists.status` reads one summary per unit with one SQL query (now, or as of
`--at`); `domain.completeness.completeness` computes the same rows from every version and
event loaded into memory. Both run here on one call, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from muster.bootstrap import Muster
from muster.domain.completeness import UnitStatus, completeness
from muster.services.actors import resolve_user
from muster.services.lists import forward, status
from tests.integration.conftest import Clock
from tests.integration.test_call_loop import (
    DUE,
    HEADER,
    LIST_W1,
    LIST_W3,
    _issue,
    _review,
    _submit,
)

LIST_W2 = HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stranded_trip,,yes,yes,\n"
VIEWERS = (None, "hq", "mission", "north", "south", "w1")


def _story(muster: Muster, clock: Clock) -> tuple[int, list[datetime]]:
    """Every kind of history a unit can have; returns the call and the moment of each step."""
    call_id = _issue(muster)
    moments: list[datetime] = []

    def then(hours: float = 0, at: datetime | None = None) -> None:
        moments.append(clock())
        clock.now = at or clock.now + timedelta(hours=hours)

    _submit(muster, call_id, "W1", LIST_W1, "w1")
    then(hours=1)
    _review(muster, call_id, "W1", "north", "row 2: check the since date")  # returned
    then(hours=1)
    _submit(muster, call_id, "W1", LIST_W1 + LIST_W2.splitlines()[1] + "\n", "w1")  # version 2
    then(hours=1)
    _review(muster, call_id, "W1", "north")  # accepted
    then(at=DUE)
    _submit(muster, call_id, "W2", LIST_W2)  # exactly at the due time: on time
    then(at=DUE + timedelta(seconds=1))
    _submit(muster, call_id, "W3", LIST_W3, "w3")  # one second late
    then(hours=0.5)
    _review(muster, call_id, "W2", "north", "missing passport")
    then(hours=0.5)
    _submit(muster, call_id, "W2", LIST_W2)  # the same bytes again: no new version
    then(hours=0.5)
    _review(muster, call_id, "W3", "south", "whose list is this?")  # stays returned
    then(hours=1)
    with muster.uow() as uow:  # W1 forwarded; C1 submitted, carrying W1's version 2
        north = resolve_user(uow, "north")  # W2 awaits review: a partial forward
        forward(
            uow, north, muster.catalogue, call_id=call_id, unit_code="C1", now=clock(), partial=True
        )
    then(hours=1)
    _review(muster, call_id, "C1", "mission")  # accepted; C2 and M1 stay missing
    then()
    return call_id, moments


def _fast(
    muster: Muster, call_id: int, viewer: str | None, at: datetime | None
) -> list[UnitStatus]:
    with muster.uow() as uow:
        return status(uow, resolve_user(uow, viewer), muster.catalogue, call_id=call_id, at=at)[1]


def _full(
    muster: Muster, call_id: int, viewer: str | None, at: datetime | None
) -> list[UnitStatus]:
    with muster.uow() as uow:
        call, tree = uow.calls.get(call_id), uow.units.tree()
        submissions = uow.submissions.load_all(call_id)
        return completeness(call, tree, submissions, resolve_user(uow, viewer), at)


def test_the_story_covers_every_kind_of_unit(muster: Muster, clock: Clock) -> None:
    call_id, _ = _story(muster, clock)
    rows = {r.unit: r for r in _fast(muster, call_id, None, None)}
    seen = {u: (r.state, r.timeliness.value, r.entries) for u, r in rows.items()}
    assert seen == {
        "M1": ("not_submitted", "missing", 0),
        "C1": ("accepted", "on_time", 2),
        "W1": ("forwarded", "on_time", 2),
        "W2": ("submitted", "on_time", 1),
        "C2": ("not_submitted", "missing", 0),
        "W3": ("returned", "late", 1),
    }
    assert rows["W2"].submitted_at == DUE
    assert rows["W3"].submitted_at == DUE + timedelta(seconds=1)


def test_aggregated_read_equals_the_full_aggregates_now_and_at_every_moment(
    muster: Muster, clock: Clock
) -> None:
    call_id, moments = _story(muster, clock)
    tick = timedelta(microseconds=1)
    instants: list[datetime | None] = [None, moments[0] - tick, clock() + timedelta(days=365)]
    instants += [m + d for m in moments for d in (-tick, timedelta(0), tick)]
    for viewer in VIEWERS:
        for at in instants:
            fast, full = _fast(muster, call_id, viewer, at), _full(muster, call_id, viewer, at)
            assert fast == full, (viewer, at)
    past = {r.unit: (r.state, r.entries) for r in _fast(muster, call_id, None, moments[1])}
    assert past["W1"] == ("returned", 1) and past["W2"] == ("not_submitted", 0)


def test_first_submission_follows_the_history_not_the_clock(muster: Muster, clock: Clock) -> None:
    call_id = _issue(muster)
    _submit(muster, call_id, "W1", LIST_W1)
    clock.advance(hours=1)
    _review(muster, call_id, "W1", "north", "row 2: check the since date")
    clock.advance(hours=-3)  # a server whose clock is behind
    _submit(muster, call_id, "W1", LIST_W1 + "\n")
    fast, full = _fast(muster, call_id, None, None), _full(muster, call_id, None, None)
    assert fast == full
    assert next(r for r in fast if r.unit == "W1").submitted_at == clock() + timedelta(hours=2)
