"""The report, review queue and job pages: signed out -> sign-in; another subtree -> 404 and no
data; a permission missing in one's own subtree -> 403 and no data; a form without its CSRF
token -> 403 and nothing changed."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.jobs import jobs_for
from muster.services.registry import add_user
from muster.web import create_app
from muster.worker import Worker
from tests.web.conftest import PASSWORD, signed_in
from tests.web.consolidation_world import lists_at_the_mission

REPORT = "/calls/1/units/M1/report"
SECRETS = ("김영철", "Gim Yeong-cheol", "Kim Yong Chol", "박명남", "Pak Myong Nam", "W1:", "W3:")
# Every route these tests run their refusals over (test_web_routes_covered.py reads it).
ROUTES_COVERED = [("GET", p) for p in (REPORT, REPORT + ".xlsx", "/jobs/1", "/jobs")] + [
    ("POST", REPORT + "/consolidate"), ("POST", REPORT + "/matches"),
]  # fmt: skip


@pytest.fixture
def consolidated(world: Muster) -> dict[str, str]:
    """M1 consolidated by its reviewer (job 1); the pair's record ids; an M1 admin without
    `review`."""
    lists_at_the_mission(world)
    client, token = signed_in(world, "mission")
    job = client.post(REPORT + "/consolidate", data={"csrf_token": token}).headers["location"]
    assert Worker(world).run_once() is not None
    found = re.search(r'data-left="([^"]+)" data-right="([^"]+)"', client.get(REPORT).text)
    assert found
    with world.uow() as uow:
        add_user(uow, OPERATOR, "m1.admin", "M1", ["admin"])
    from muster.services.accounts import set_password

    with world.uow() as uow:
        set_password(uow, OPERATOR, "m1.admin", PASSWORD, world.clock())
    return {"job": job, "left": found.group(1), "right": found.group(2)}


def _gets(c: dict[str, str]) -> list[str]:
    return [REPORT, REPORT + "?page=2", REPORT + ".xlsx", REPORT + ".pdf", c["job"], "/jobs"]


def _posts(c: dict[str, str]) -> list[tuple[str, dict[str, str]]]:
    pair = {"left": c["left"], "right": c["right"], "same": "no"}
    return [(REPORT + "/consolidate", {}), (REPORT + "/matches", pair)]


def _unchanged(world: Muster, client: TestClient) -> None:
    """Still one job, and no decision on the pair."""
    with world.uow() as uow:
        assert len(jobs_for(uow, OPERATOR)) == 1
        assert uow.consolidations.decisions(1) == []


def test_signed_out_goes_to_sign_in(world: Muster, consolidated: dict[str, str]) -> None:
    client = TestClient(create_app(world), follow_redirects=False)
    for path in _gets(consolidated):
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next=")
        assert not any(s in response.text for s in SECRETS)
    for path, data in _posts(consolidated):
        response = client.post(path, data={"csrf_token": "x", **data})
        assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    _unchanged(world, client)


@pytest.mark.parametrize("user", ["north", "south"])
def test_another_subtree_finds_nothing(
    world: Muster, consolidated: dict[str, str], user: str
) -> None:
    """The consulates below M1 (review in their own subtree) see neither M1's report nor its
    job; north neither sees south's consulate report."""
    client, token = signed_in(world, user)
    paths = [p for p in _gets(consolidated) if p != "/jobs"]
    paths += ["/calls/1/units/C2/report" if user == "north" else "/calls/1/units/C1/report"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert not any(s in response.text for s in SECRETS), path
    assert consolidated["job"] not in client.get("/jobs").text
    for path, data in _posts(consolidated):
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 404, path
        assert not any(s in response.text for s in SECRETS)
    _unchanged(world, client)


def test_a_missing_permission_is_refused(world: Muster, consolidated: dict[str, str]) -> None:
    """An M1 administrator without `review`: 403 on the report and its forms, no data; the
    mission reviewer's job is not theirs to follow (404)."""
    client, token = signed_in(world, "m1.admin")
    for path in [REPORT, REPORT + ".xlsx", REPORT + ".pdf"]:
        response = client.get(path)
        assert response.status_code == 403, path
        assert not any(s in response.text for s in SECRETS), path
    for path, data in _posts(consolidated):
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 403, path
    job = client.get(consolidated["job"])
    assert job.status_code == 404 and "M1" not in job.text.split("<main")[1]
    assert consolidated["job"] not in client.get("/jobs").text
    clerk, _ = signed_in(world, "w1")
    assert clerk.get("/calls/1/units/W1/report").status_code == 403
    _unchanged(world, client)


def test_forms_without_their_csrf_token_change_nothing(
    world: Muster, consolidated: dict[str, str]
) -> None:
    client, token = signed_in(world, "mission")
    for path, data in _posts(consolidated):
        for sent in ({}, {"csrf_token": "forged"}):
            response = client.post(path, data={**sent, **data})
            assert response.status_code == 403, path
    _unchanged(world, client)
    ok = client.post(REPORT + "/matches", data={"csrf_token": token, **_posts(consolidated)[1][1]})
    assert ok.status_code == 303  # the same form with its token is accepted
