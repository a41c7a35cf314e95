"""A rotation world on top of the web world: host XA free, one route, beds, a pool of two,
the lists of W1, W2, W3 accepted for call 1 (P1 linked, Choe unlinked, P3 under a hold), and
planners: `planner` (plan, review at HQ, no protection) and `m.planner` (plan, review at M1).
"""

from __future__ import annotations

from datetime import date

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.intake import read_replacements
from muster.services.accounts import set_password
from muster.services.actors import resolve_user
from muster.services.registry import add_user, set_hold
from muster.services.rotation import add_route, import_replacements, set_host, set_quarantine
from muster.services.rotation_plan import plan_from_db
from tests.integration.test_call_loop import _review, _submit
from tests.web.conftest import HEADER, PASSWORD

POOL_HEADER = (
    "replacement_id,family_name,given_name,name_native,date_of_birth,sex,trades,hosts,ready\n"
)
POOL = POOL_HEADER + (
    "R1,Han,Gwang Il,한광일,1990-01-01,M,factory;restaurant,XA,2021-08-01\n"
    "R2,O,Mi Sun,오미선,1991-02-02,F,construction,XA,2021-08-03\n"
)
LISTS = {
    "W1": HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,yes,yes,\n",
    "W2": HEADER + ",Choe,Yong Ho,최용호,1988-04-04,M,M9999999,stranded_trip,,yes,yes,\n",
    "W3": HEADER + "P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,stranded_trip,,yes,yes,\n",
}
START = date(2021, 8, 1)
PLANNERS = (("planner", "HQ", ["plan", "review"]), ("m.planner", "M1", ["plan", "review"]))


def build_rotation(world: Muster) -> Muster:
    """Rotation data, accepted lists of call 1, a hold on P3 and two planners."""
    with world.uow() as uow:
        set_host(uow, OPERATOR, "XA", "free", "may stay until further notice")
    with world.uow() as uow:
        add_route(
            uow, OPERATOR, route_id="sinuiju", host="XA", mode="bridge",
            open_from=date(2021, 8, 2), open_until=None, seats_home=5, seats_out=5,
        )  # fmt: skip
    with world.uow() as uow:
        set_quarantine(uow, OPERATOR, 10, 14)
    with world.uow() as uow:
        import_replacements(uow, OPERATOR, read_replacements(POOL.encode(), "pool.csv"))
    for unit, body in LISTS.items():
        _submit(world, 1, unit, body)
        _review(world, 1, unit, None)
    with world.uow() as uow:
        set_hold(uow, OPERATOR, "P3", True, "asked for asylum", world.clock())
    for name, unit, permissions in PLANNERS:
        with world.uow() as uow:
            add_user(uow, OPERATOR, name, unit, permissions)
        with world.uow() as uow:
            set_password(uow, OPERATOR, name, PASSWORD, world.clock())
    return world


def saved_plan(world: Muster, actor: str, horizon: int = 20) -> int:
    """A plan of call 1 made by `actor` through the service; its id."""
    with world.uow() as uow:
        saved = plan_from_db(
            uow, resolve_user(uow, actor), world.catalogue, call_id=1, start=START,
            horizon_days=horizon, time_limit=10, now=world.clock(),
        )  # fmt: skip
    return saved.id
