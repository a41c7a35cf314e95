"""Fixtures for the web: the small world of the service tests, passwords, a call, clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from muster.bootstrap import Muster, bootstrap
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.services import accounts
from muster.services.accounts import set_password
from muster.services.calls import issue_call
from muster.web import create_app
from tests.integration.conftest import (  # noqa: F401 (fixture)
    START,
    Clock,
    build_small_world,
    clock,
    copied_world,
    load_small_world,
)

PASSWORD = "correct horse battery"
USERS = ("hq", "mission", "north", "south", "w1", "w3")
HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note\n"
)
GOOD_CSV = HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,fever\n"
BAD_CSV = GOOD_CSV + ",Ri,Yong Hui,리영희,1990-13-02,F,,illness,,no,maybe,\n"


# Argon2 at its smallest cost in tests (a hash carries its parameters, so checks agree).
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its smallest cost in tests."""
    monkeypatch.setattr(accounts, "_hasher", CHEAP)


@pytest.fixture
def muster(request: pytest.FixtureRequest, db_url: str) -> Iterator[Muster]:
    """The small world (tests.integration.conftest); for a test that uses `world`, with the
    passwords and the call of the world (the copy of a world built once per test process)."""
    if "world" in request.fixturenames:
        yield from copied_world("web", build_world, request, db_url)
    else:
        yield from copied_world("small", build_small_world, request, db_url)


@pytest.fixture
def world(muster: Muster) -> Muster:
    """The small world with a password for every user and one call issued by HQ (`muster`
    makes it, as a copy, when a test uses this fixture)."""
    return muster


def build_world(url: str, files: Path) -> None:
    """Migrate the database at `url`, load the small world, give every user a password (at the
    cheap test cost) and issue one call by HQ, at the `clock` fixture's time."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MUSTER_DATA_DIR", str(files))
        patch.setattr(accounts, "_hasher", CHEAP)
        app = bootstrap(url, migrate=True)
        app.clock = clock = Clock(START)
        try:
            load_small_world(app)
            for name in USERS:
                with app.uow() as uow:
                    set_password(uow, OPERATOR, name, PASSWORD, clock())
            due = {kind: clock() + timedelta(days=3) for kind in
                   (UnitKind.WORKPLACE, UnitKind.CONSULATE, UnitKind.MISSION)}  # fmt: skip
            with app.uow() as uow:
                issue_call(uow, OPERATOR, app.catalogue, by="HQ", scope="HQ",
                           categories=["illness", "work_injury", "stranded_trip"], due=due,
                           title="July call", now=clock())  # fmt: skip
        finally:
            app.engine.dispose()


@pytest.fixture
def client(world: Muster) -> Iterator[TestClient]:
    """A browser-like client that is not signed in."""
    with TestClient(create_app(world), follow_redirects=False) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    """The CSRF token of the first form of a page."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf token in the page"
    return found.group(1)


def without_tokens(html: str) -> str:
    """A page without its CSRF token values (random text that may hold "P1" by chance)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token."""
    page = client.get("/sign-in")
    response = client.post(
        "/sign-in",
        data={"name": name, "password": password, "csrf_token": csrf_of(page.text)},
    )
    assert response.status_code == 303, response.text
    return csrf_of(client.get("/").text)


def signed_in(world: Muster, name: str) -> tuple[TestClient, str]:
    """A new client signed in as `name`, with its CSRF token."""
    test_client = TestClient(create_app(world), follow_redirects=False)
    return test_client, sign_in(test_client, name)
