"""A world with two missions for the permission matrix and the held-person property test.

HQ > M1 > C1 {W1, W2}, C2 {W3}  (the conftest world)
   > M2 > C3 {W4}               (another mission, so that "out of subtree" exists at every level)

Databases are built once per module (SQLite file, or a PostgreSQL schema) by the real
migrations, and filled through the real services acting as the local operator.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from muster.bootstrap import Muster, bootstrap
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR, User
from muster.intake import read_people, read_units
from muster.services.actors import resolve_user
from muster.services.calls import issue_call
from muster.services.lists import SubmitOutcome, forward, review, submit_list
from muster.services.registry import add_user, import_people, import_units
from tests.conftest import POSTGRES_URL, _postgres_schema_url
from tests.integration.conftest import PEOPLE_CSV, UNITS_CSV, Clock

MORE_UNITS = """code,name,kind,parent_code,host_country,region,workplace_type,slots
M2,Embassy in Yonder,mission,HQ,YO,,,
C3,Consulate East,consulate,M2,YO,East,,
W4,Mine,workplace,C3,YO,East,factory,50
"""
PEOPLE_HEADER = PEOPLE_CSV.split("\n", 1)[0] + "\n"
MORE_PEOPLE = PEOPLE_HEADER + (
    "P4,Choe,Un Hui,최은희,1992-05-05,F,M4567890,W4,worker,work,2019-05-01,2022-05-01\n"
    "P5,Kang,Song Mi,강성미,1987-06-06,F,M5678901,W1,worker,work,2019-05-01,2022-05-01\n"
    "P6,Jon,Myong Chol,전명철,1983-02-02,M,M6789012,W1,worker,work,2019-05-01,2022-05-01\n"
    "P7,Ryu,Kyong Ae,류경애,1986-08-08,F,M7890123,W4,worker,work,2019-05-01,2022-05-01\n"
    "P8,Yun,Chol,윤철,1984-09-09,M,M8901234,W4,worker,work,2019-05-01,2022-05-01\n"
    "P9,Son,Hyok,손혁,1981-01-01,M,M9012345,W4,worker,work,2019-05-01,2022-05-01\n"
)
LIST_HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note\n"
)
EVERY_CATEGORY = ("illness", "stranded_trip", "whereabouts_unknown")
DUE = datetime(2021, 7, 24, 18, 0, tzinfo=UTC)
START = datetime(2021, 7, 20, 9, 0, tzinfo=UTC)

# The roles of the matrix: (unit, permissions). The last two are not in the list of issue 9:
# a mission planner shows that rotation data is written by headquarters planners only, and
# a mission protection officer shows that holds, too, stop at the subtree.
ROLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "clerk": ("W1", ("submit",)),
    "consul": ("C1", ("review",)),
    "mission": ("M1", ("review",)),
    "hq_planner": ("HQ", ("plan", "review")),
    "admin": ("C1", ("admin",)),
    "medical": ("M1", ("medical", "review")),
    "welfare": ("M1", ("welfare", "review")),
    "officer": ("HQ", ("protection", "review")),
    "m_planner": ("M1", ("plan", "review")),
    "m_officer": ("M1", ("protection", "review")),
}


def database_url(kind: str, folder: Path) -> Generator[str, None, None]:
    """A migrated-to-be database for one engine, kept for a whole module."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'muster.db'}"
        return
    if not POSTGRES_URL:
        if os.environ.get("CI"):
            pytest.fail("MUSTER_TEST_POSTGRES_URL must be set in CI")
        pytest.skip("MUSTER_TEST_POSTGRES_URL is not set")
    yield from _postgres_schema_url()


def open_muster(url: str, folder: Path) -> Muster:
    """A Muster on a freshly migrated database, received files kept under `folder`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUSTER_DATA_DIR", str(folder / "files"))
        app = bootstrap(url, migrate=True)
    app.clock = Clock(START)
    return app


def load_tree(app: Muster) -> None:
    """Both missions and their workplaces."""
    for body in (UNITS_CSV, MORE_UNITS):
        with app.uow() as uow:
            import_units(uow, OPERATOR, read_units(body.encode(), "units.csv"))


def load_tree_and_people(app: Muster) -> None:
    """Both missions, their workplaces and the registry (P1..P9)."""
    load_tree(app)
    for body in (PEOPLE_CSV, MORE_PEOPLE):
        with app.uow() as uow:
            import_people(uow, OPERATOR, read_people(body.encode(), "people.csv"))


def add_roles(app: Muster) -> None:
    """One user per role, named after it."""
    for name, (unit, permissions) in ROLES.items():
        with app.uow() as uow:
            add_user(uow, OPERATOR, name, unit, list(permissions))


def user(app: Muster, name: str | None) -> User:
    """The user of that name (None: the local operator)."""
    with app.uow() as uow:
        return resolve_user(uow, name)


def issue(
    app: Muster,
    by: str = "HQ",
    scope: str | None = None,
    categories: tuple[str, ...] = EVERY_CATEGORY,
    actor: User = OPERATOR,
    title: str = "July call",
) -> int:
    """Issue a call from `by` to `scope` (default: `by`'s subtree)."""
    with app.uow() as uow:
        return issue_call(
            uow,
            actor,
            app.catalogue,
            by=by,
            scope=scope or by,
            categories=list(categories),
            due={
                UnitKind.WORKPLACE: DUE,
                UnitKind.CONSULATE: DUE + timedelta(days=1),
                UnitKind.MISSION: DUE + timedelta(days=2),
            },
            title=title,
            now=app.clock(),
        )


def submit(
    app: Muster, call_id: int, unit: str, body: str, actor: User = OPERATOR
) -> SubmitOutcome:
    """Submit a list (CSV text) for a workplace."""
    with app.uow() as uow:
        return submit_list(
            uow,
            actor,
            app.archive,
            call_id=call_id,
            unit_code=unit,
            data=body.encode(),
            filename=f"{unit}.csv",
            limits=app.limits(),
            now=app.clock(),
        )


def accept(app: Muster, call_id: int, unit: str, actor: User = OPERATOR) -> str:
    """Accept a unit's submitted list."""
    with app.uow() as uow:
        return review(
            uow, actor, call_id=call_id, unit_code=unit, accept=True, reason=None, now=app.clock()
        )


def forward_up(app: Muster, call_id: int, unit: str, actor: User = OPERATOR) -> int:
    """Forward what a consulate or mission accepted (partially: silent children may remain);
    returns the entries forwarded, as the actor may count them."""
    with app.uow() as uow:
        return forward(
            uow,
            actor,
            app.catalogue,
            call_id=call_id,
            unit_code=unit,
            now=app.clock(),
            partial=True,
        ).entries
