"""The web tests' world grown into two host countries for the situation board.

On top of `tests.web.conftest.world` (HQ > M1 > C1 {W1, W2}, C2 {W3}, host XA, and HQ's call
1, "July call"): a second mission M2 > C3 > W4 in host YO, the registry's P4..P9, P5 (of W1)
under a protection hold, HQ's call 2 ("Situation call") with W1's list accepted (Kim ill,
Kang — P5 without id — stranded, Jo whereabouts unknown) and W2's (Ri: business stalled),
host policies, routes, quarantine and a saved plan, and users for another subtree and for
the protection and welfare permissions.
"""

from __future__ import annotations

from datetime import date, timedelta

from muster.bootstrap import Muster
from muster.domain.calls import DUE_LEVELS
from muster.domain.users import OPERATOR
from muster.intake import read_people, read_units
from muster.services.accounts import set_password
from muster.services.calls import issue_call
from muster.services.lists import review, submit_list
from muster.services.registry import add_user, import_people, import_units, set_hold
from muster.services.rotation import add_route, set_host, set_quarantine
from muster.store.tables import PlanRow
from tests.integration.matrix_world import MORE_PEOPLE, MORE_UNITS
from tests.web.conftest import HEADER, PASSWORD

CATEGORIES = ["illness", "work_injury", "stranded_trip", "stalled_business", "whereabouts_unknown"]
W2_LIST = HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stalled_business,,yes,yes,\n"
W1_LIST = HEADER + (
    "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,fever\n"
    ",Kang,Seong-mi,강성미,1987-06-06,F,M5678901,stranded_trip,,yes,yes,\n"
    ",Jo,Kwang Su,조광수,1988-04-04,M,,whereabouts_unknown,2021-07-10,unknown,unknown,\n"
)
USERS = (
    ("east", "C3", ["review"]),  # another mission's consulate (host YO)
    ("guardian", "M1", ["review", "protection"]),
    ("carer", "M1", ["review", "welfare"]),
)
PLAN = {
    "status": "optimal",
    "objective": 2,
    "bound": 2,
    "unscheduled": [],
    "moves": [
        {"person": "P1", "direction": "home", "route": "xa-bridge", "date": "2021-08-11",
         "workplace": "W1"},
        {"person": "P8", "direction": "home", "route": "yo-rail", "date": "2021-08-12",
         "workplace": "W4"},
    ],
}  # fmt: skip
SCENARIO = {"start": "2021-08-10", "horizon_days": 21, "quarantine": {"beds": 4, "days": 14}}


def grow(app: Muster) -> Muster:
    """Add the second host, the list, the rotation data and the users to the world."""
    with app.uow() as uow:
        import_units(uow, OPERATOR, read_units(MORE_UNITS.encode(), "units.csv"))
    with app.uow() as uow:
        import_people(uow, OPERATOR, read_people(MORE_PEOPLE.encode(), "people.csv"))
    with app.uow() as uow:
        set_hold(uow, OPERATOR, "P5", True, "asked for protection", app.clock())
    app.clock.advance(hours=1)  # type: ignore[attr-defined]
    call = issue_call_to_all(app, "Situation call", CATEGORIES)
    for unit, rows in (("W1", W1_LIST), ("W2", W2_LIST)):
        submit_and_accept(app, call, unit, rows)
    _rotation(app)
    for name, unit, permissions in USERS:
        with app.uow() as uow:
            add_user(uow, OPERATOR, name, unit, permissions)
        with app.uow() as uow:
            set_password(uow, OPERATOR, name, PASSWORD, app.clock())
    return app


def issue_call_to_all(app: Muster, title: str, categories: list[str]) -> int:
    """A call of HQ to everyone, due in three days."""
    due = {k: app.clock() + timedelta(days=3) for k in DUE_LEVELS}
    with app.uow() as uow:
        return issue_call(uow, OPERATOR, app.catalogue, by="HQ", scope="HQ",
                          categories=categories, due=due, title=title, now=app.clock())  # fmt: skip


def submit_and_accept(app: Muster, call: int, unit: str, rows: str) -> None:
    """A workplace's list, submitted and accepted."""
    with app.uow() as uow:
        submit_list(
            uow, OPERATOR, app.archive, call_id=call, unit_code=unit, data=rows.encode(),
            filename=f"{unit}.csv", limits=app.limits(), now=app.clock(),
        )  # fmt: skip
    with app.uow() as uow:
        review(uow, OPERATOR, call_id=call, unit_code=unit, accept=True, reason=None,
               now=app.clock())  # fmt: skip


def _rotation(app: Muster) -> None:
    """Host policies, a bridge opening in August, a severed rail link, beds and a plan."""
    with app.uow() as uow:
        set_host(uow, OPERATOR, "XA", "paired", "may stay until further notice")
    with app.uow() as uow:
        set_host(uow, OPERATOR, "YO", "free", "may stay while the permit is valid")
    for route, host, mode, first, seats in (
        ("xa-bridge", "XA", "bridge", date(2021, 8, 10), 120),
        ("yo-rail", "YO", "rail", None, 0),
    ):
        with app.uow() as uow:
            add_route(uow, OPERATOR, route_id=route, host=host, mode=mode, open_from=first,
                      open_until=None, seats_home=seats, seats_out=seats)  # fmt: skip
    with app.uow() as uow:
        set_quarantine(uow, OPERATOR, 4, 14)
    with app.uow() as uow:
        uow.rotation.add_plan(
            PlanRow(call_id=1, created_at=app.clock(), created_by="operator", status="optimal",
                    objective=2, bound=2, scenario=SCENARIO, plan=PLAN)
        )  # fmt: skip
        uow.commit()
