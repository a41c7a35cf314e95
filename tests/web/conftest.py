"""Fixtures for the web: the small world of the service tests, passwords, a call, clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.services import accounts
from muster.services.accounts import set_password
from muster.services.calls import issue_call
from muster.web import create_app
from tests.integration.conftest import Clock, clock, muster  # noqa: F401 (fixtures)

PASSWORD = "correct horse battery"
USERS = ("hq", "mission", "north", "south", "w1", "w3")
HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note\n"
)
GOOD_CSV = HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,fever\n"
BAD_CSV = GOOD_CSV + ",Ri,Yong Hui,리영희,1990-13-02,F,,illness,,no,maybe,\n"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2 at its smallest cost in tests (a hash carries its parameters, so checks agree)."""
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", cheap)


@pytest.fixture
def world(muster: Muster, clock: Clock) -> Muster:  # noqa: F811
    """The small world with a password for every user and one call issued by HQ."""
    for name in USERS:
        with muster.uow() as uow:
            set_password(uow, OPERATOR, name, PASSWORD, clock())
    due = {kind: clock() + timedelta(days=3) for kind in
           (UnitKind.WORKPLACE, UnitKind.CONSULATE, UnitKind.MISSION)}  # fmt: skip
    with muster.uow() as uow:
        issue_call(uow, OPERATOR, muster.catalogue, by="HQ", scope="HQ",
                   categories=["illness", "work_injury", "stranded_trip"], due=due,
                   title="July call", now=clock())  # fmt: skip
    return muster


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
