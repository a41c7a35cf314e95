"""Every rotation page and form: signed out -> sign-in; without `plan` -> 403 and no data; a
planner outside headquarters may read but not write (403, nothing changed); a plan that does
not exist -> 404; no CSRF token -> 403 and nothing changed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.web import create_app
from tests.web.conftest import signed_in, without_tokens
from tests.web.rotation_world import POOL_HEADER, build_rotation, saved_plan

PAGES = [
    "/rotation",
    "/rotation/hosts",
    "/rotation/routes",
    "/rotation/quarantine",
    "/rotation/pool",
    "/rotation/plans",
    "/rotation/plans/1",
    "/rotation/plans/compare?a=1&b=1",
    "/rotation/plans/1/manifest.xlsx",
    "/rotation/plans/1/manifest.xlsx?route=sinuiju&day=2021-08-02",
]
NEW_POOL = POOL_HEADER + "R7,Ma,Il,마일,1990-01-01,M,factory,XA,2021-08-01\n"
POSTS: dict[str, dict[str, str]] = {
    "/rotation/hosts": {"host": "XA", "rotation": "paired", "stay_policy": "changed"},
    "/rotation/routes": {
        "route_id": "rail",
        "host": "XA",
        "mode": "rail",
        "seats_home": "1",
        "seats_out": "1",
    },
    "/rotation/routes/sinuiju/window": {"close": "1"},
    "/rotation/routes/sinuiju/seats": {"seats_home": "1", "seats_out": "1"},
    "/rotation/quarantine": {"beds": "1", "days": "2"},
    "/rotation/plans": {"call": "1", "start": "2021-08-01", "horizon": "10", "time_limit": "5"},
    "/rotation/pool": {},
}
# Data no refusal may carry: names and ids of the plan and the pool, routes, stay policy.
# (Route ids are left out: a refusal page names its own address in the language form.)
SECRETS = ("Kim", "김철수", "Choe", "Han", "한광일", "M1234567", "P1", "R1", "may stay")
# Every route these tests run their refusals over (test_web_routes_covered.py reads it).
ROUTES_COVERED = [("GET", p) for p in PAGES] + [("POST", p) for p in POSTS]


@pytest.fixture
def planned(world: Muster) -> Muster:
    """The rotation world with plan 1 made by an HQ planner."""
    build_rotation(world)
    assert saved_plan(world, "planner") == 1
    return world


def _state(world: Muster) -> tuple[object, ...]:
    """Everything the forms could change."""
    with world.uow() as uow:
        host = uow.rotation.host("XA")
        routes = [(r.id, r.open_from, r.open_until, r.seats_home, r.seats_out)
                  for r in uow.rotation.routes()]  # fmt: skip
        beds = uow.rotation.quarantine()
        return (
            host.rotation if host else None,
            host.stay_policy if host else None,
            tuple(routes),
            (beds.beds, beds.days) if beds else None,
            tuple(r.replacement_id for r in uow.rotation.replacements()),
            tuple(p.id for p in uow.rotation.plans()),
            tuple(f.filename for f in uow.files.every() if f.purpose == "replacements"),
        )


def _post(client: TestClient, path: str, fields: dict[str, str]) -> object:
    if path == "/rotation/pool":
        files = {"file": ("pool.csv", NEW_POOL.encode(), "text/csv")}
        return client.post(path, data=fields, files=files)
    return client.post(path, data=fields)


def _no_secret(text: str) -> None:
    shown = without_tokens(text)
    assert not any(s in shown for s in SECRETS), [s for s in SECRETS if s in shown]


# One world (with a plan) per test: each test walks every page or form.


def test_signed_out_goes_to_sign_in_and_changes_nothing(planned: Muster) -> None:
    before = _state(planned)
    client = TestClient(create_app(planned), follow_redirects=False)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next="), path
        _no_secret(response.text)
    for path, fields in POSTS.items():
        posted = _post(client, path, {"csrf_token": "x", **fields})
        assert posted.status_code == 303, path  # type: ignore[attr-defined]
        assert posted.headers["location"].startswith("/sign-in"), path  # type: ignore[attr-defined]
    assert _state(planned) == before


@pytest.mark.parametrize("user", ["north", "mission", "w1"])
def test_without_the_plan_permission_everything_is_refused(planned: Muster, user: str) -> None:
    before = _state(planned)
    client, token = signed_in(planned, user)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        _no_secret(response.text)
    for path, fields in POSTS.items():
        posted = _post(client, path, {"csrf_token": token, **fields})
        assert posted.status_code == 403, path  # type: ignore[attr-defined]
        _no_secret(posted.text)  # type: ignore[attr-defined]
    assert _state(planned) == before
    assert 'href="/rotation"' not in client.get("/").text  # no link to what they may not use


def test_a_mission_planner_reads_but_may_not_write(planned: Muster) -> None:
    """Rotation data is written by headquarters planners: a mission's planner gets 403."""
    before = _state(planned)
    client, token = signed_in(planned, "m.planner")
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    for path in ("/rotation/hosts", "/rotation/routes", "/rotation/quarantine"):
        assert '<form method="post" action="/rotation/' not in client.get(path).text, path
    for path, fields in POSTS.items():
        posted = _post(client, path, {"csrf_token": token, **fields})
        assert posted.status_code == 403, path  # type: ignore[attr-defined]
        _no_secret(posted.text)  # type: ignore[attr-defined]
    assert _state(planned) == before


def test_post_without_csrf_token_is_refused(planned: Muster) -> None:
    before = _state(planned)
    client, _ = signed_in(planned, "planner")
    for path, fields in POSTS.items():
        for sent in (fields, {**fields, "csrf_token": "forged"}):
            response = _post(client, path, sent)
            assert response.status_code == 403, path  # type: ignore[attr-defined]
            _no_secret(response.text)  # type: ignore[attr-defined]
    assert _state(planned) == before


def test_a_plan_that_does_not_exist_is_not_found(planned: Muster) -> None:
    client, _ = signed_in(planned, "planner")
    for path in (
        "/rotation/plans/7",
        "/rotation/plans/7/manifest.xlsx",
        "/rotation/plans/compare?a=1&b=7",
        "/rotation/plans/compare?a=7&b=1",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        _no_secret(response.text)
