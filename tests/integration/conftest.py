"""Fixtures for service tests: a migrated database, a clock we control, a small world."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from muster.bootstrap import Muster, bootstrap
from muster.domain.users import OPERATOR
from muster.intake import read_people, read_units
from muster.services.registry import add_user, import_people, import_units
from tests.conftest import Templates

UNITS_CSV = """code,name,kind,parent_code,host_country,region,workplace_type,slots
HQ,Headquarters,headquarters,,,,,
M1,Embassy in Xanadu,mission,HQ,XA,,,
C1,Consulate North,consulate,M1,XA,North,,
C2,Consulate South,consulate,M1,XA,South,,
W1,Sewing factory 1,workplace,C1,XA,North,factory,40
W2,Restaurant Pyongyang,workplace,C1,XA,North,restaurant,12
W3,Building site,workplace,C2,XA,South,construction,80
"""

PEOPLE_CSV = (
    (
        "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
        "workplace_code,role,purpose,arrived,permit_expires\n"
    )
    + """P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,W1,worker,work,2019-05-01,2022-05-01
P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,W2,worker,work,2019-06-01,2022-06-01
P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,W3,manager,short_trip,2021-01-10,2021-04-10
"""
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(**kwargs)


START = datetime(2021, 7, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    """Starts on 2021-07-20 09:00 UTC."""
    return Clock(START)


@pytest.fixture
def muster(request: pytest.FixtureRequest, db_url: str) -> Iterator[Muster]:
    """A Muster on a freshly migrated database, with the small world loaded."""
    yield from copied_world("small", build_small_world, request, db_url)


def copied_world(
    name: str, build: Callable[[str, Path], None], request: pytest.FixtureRequest, db_url: str
) -> Iterator[Muster]:
    """A Muster on a copy of the world `build` makes, built once per test process
    (tests.conftest.Templates); or built here, on a database of the test's own. Its clock is
    the test's `clock`; its files are in the test's folder."""
    tmp_path: Path = request.getfixturevalue("tmp_path")
    clock: Clock = request.getfixturevalue("clock")
    monkeypatch: pytest.MonkeyPatch = request.getfixturevalue("monkeypatch")
    templates: Templates = request.getfixturevalue("templates")
    files = tmp_path / "files"
    url = templates.copy(name, db_url, files, build)
    monkeypatch.setenv("MUSTER_DATA_DIR", str(files))
    if url is None:
        url = db_url
        build(url, files)
    app = bootstrap(url)
    app.clock = clock
    try:
        yield app
    finally:
        app.engine.dispose()
        if url != db_url:
            templates.release(url)


def build_small_world(url: str, files: Path) -> None:
    """Migrate the database at `url` and load the small world, at the `clock` fixture's time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUSTER_DATA_DIR", str(files))
        app = bootstrap(url, migrate=True)
    app.clock = Clock(START)
    try:
        load_small_world(app)
    finally:
        app.engine.dispose()


def load_small_world(app: Muster) -> None:
    """Units, people and users of the small world."""
    with app.uow() as uow:
        import_units(uow, OPERATOR, read_units(UNITS_CSV.encode(), "units.csv"))
    with app.uow() as uow:
        import_people(uow, OPERATOR, read_people(PEOPLE_CSV.encode(), "people.csv"))
    users = [
        ("hq", "HQ", ["submit", "review", "plan", "admin", "medical", "welfare", "protection"]),
        ("mission", "M1", ["review"]),
        ("north", "C1", ["submit", "review"]),
        ("south", "C2", ["submit", "review"]),
        ("w1", "W1", ["submit"]),
        ("w3", "W3", ["submit"]),
    ]
    for name, unit, perms in users:
        with app.uow() as uow:
            add_user(uow, OPERATOR, name, unit, perms)
