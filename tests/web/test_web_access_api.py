"""Every /api/v1 route and the API tokens pages: no token -> 401; a token of another subtree
-> 404 with no data; a permission the token lacks -> 403 with no data; refused writes change
nothing. `ROUTES` lists every API route: a new route without its line fails the test."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.services.actors import resolve_user
from muster.services.calls import issue_call
from muster.services.tokens import tokens_of
from muster.web import create_app
from tests.web.api_helpers import bearer, token_for
from tests.web.conftest import GOOD_CSV, signed_in

NONE = "-"  # no such refusal: the route acts on the token's own things only


@dataclass(frozen=True)
class Route:
    """How to call a route, and what a token of another subtree and one lacking a permission
    get (NONE: the route only ever shows the caller's own)."""

    path: str
    other: int | str
    missing: int | str
    json: dict[str, Any] | None = None
    files: dict[str, Any] | None = field(default=None)


UPLOAD = {"file": ("w1.csv", GOOD_CSV.encode(), "text/csv")}
CALL = {"by": "C1", "scope": "C1", "categories": ["illness"], "title": "Another",
        "due": {"workplace": "2021-07-25T00:00Z", "consulate": "2021-07-26T00:00Z",
                "mission": "2021-07-27T00:00Z"}}  # fmt: skip
UNIT = "/api/v1/calls/{call_id}/units/{unit_code}"
ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/me"): Route("/api/v1/me", NONE, NONE),
    ("GET", "/api/v1/calls"): Route("/api/v1/calls", NONE, NONE),
    ("POST", "/api/v1/calls"): Route("/api/v1/calls", 404, 403, json=CALL),
    ("GET", "/api/v1/calls/{call_id}"): Route("/api/v1/calls/2", 404, NONE),
    ("GET", "/api/v1/calls/{call_id}/status"): Route("/api/v1/calls/2/status", 404, NONE),
    ("POST", UNIT + "/list"): Route("/api/v1/calls/1/units/W1/list", 404, 403, files=UPLOAD),
    ("POST", UNIT + "/nothing-to-report"): Route(
        "/api/v1/calls/1/units/W1/nothing-to-report", 404, 403
    ),
    ("GET", UNIT): Route("/api/v1/calls/1/units/W1", 404, NONE),
    ("GET", UNIT + "/history"): Route("/api/v1/calls/1/units/W1/history", 404, NONE),
    ("GET", UNIT + "/entries"): Route("/api/v1/calls/1/units/W1/entries", 404, NONE),
    ("GET", UNIT + "/diff"): Route("/api/v1/calls/1/units/W1/diff", 404, NONE),
    ("POST", UNIT + "/review"): Route(
        "/api/v1/calls/1/units/W1/review", 404, 403, json={"decision": "accept"}
    ),
    ("POST", UNIT + "/forward"): Route(
        "/api/v1/calls/1/units/C1/forward", 404, 403, json={"partial": True}
    ),
    ("GET", UNIT + "/files"): Route("/api/v1/calls/1/units/W1/files", 404, NONE),
    # An original file needs every permission its content could require: without them it
    # is absent (404), never a 403 that would tell it exists.
    ("GET", "/api/v1/files/{file_id}"): Route("/api/v1/files/1", 404, 404),
    ("GET", "/api/v1/notices"): Route("/api/v1/notices", NONE, NONE),
    ("POST", "/api/v1/notices/read"): Route("/api/v1/notices/read", NONE, NONE),
}
SECRETS = ("Kim", "김철수", "Sewing factory", "M1234567", "North call", "fever")
# Tokens: another subtree (C2, with every permission of its user); lacking the permission
# the route needs, in its own subtree (C1: review without submit, submit without review).
OTHER = ("south", "C2", ["submit", "review"])


def _lacking(method: str, path: str) -> tuple[str, str, list[str]]:
    needs_submit = path.endswith(("/list", "/nothing-to-report"))
    if needs_submit:
        return ("north", "C1", ["review"])
    if method == "POST" or path.startswith("/api/v1/files/"):
        return ("north", "C1", ["submit"])
    return ("north", "C1", ["review"])


@pytest.fixture
def loop(world: Muster) -> Muster:
    """W1 submitted a list (file 1) through the API; C1 issued a call of its own (call 2)."""
    with TestClient(create_app(world)) as client:
        headers = bearer(token_for(world, "w1", "W1", ["submit"]))
        sent = client.post("/api/v1/calls/1/units/W1/list", files=UPLOAD, headers=headers)
        assert sent.status_code == 200, sent.text
    due = {k: world.clock() + timedelta(days=2) for k in
           (UnitKind.WORKPLACE, UnitKind.CONSULATE, UnitKind.MISSION)}  # fmt: skip
    with world.uow() as uow:
        issue_call(uow, OPERATOR, world.catalogue, by="C1", scope="C1", categories=["illness"],
                   due=due, title="North call", now=world.clock())  # fmt: skip
    return world


def _call(client: TestClient, method: str, route: Route, headers: dict[str, str]) -> Any:
    return client.request(method, route.path, headers=headers, json=route.json, files=route.files)


def _unchanged(app: Muster) -> tuple[object, ...]:
    """What a refused write must not change: W1's list, C1's, the calls, the tokens."""
    with app.uow() as uow:
        w1 = uow.submissions.load(1, "W1")
        c1 = uow.submissions.load(1, "C1")
        return (w1.state, len(w1.versions), c1.state, len(uow.calls.all()),
                len(uow.files.for_unit(1, "W1")))  # fmt: skip


def _every_table() -> set[tuple[str, str]]:
    """The routes of this table and of every other API access module's `ROUTES`."""
    found = set(ROUTES)
    for path in Path(__file__).parent.glob("test_web_access_api_*.py"):
        found |= set(importlib.import_module(f"tests.web.{path.stem}").ROUTES)
    return found


def test_every_api_route_is_in_the_table(world: Muster) -> None:
    app = create_app(world)
    served = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        if path.startswith("/api/v1/")
        for method in operations
    }
    assert served == _every_table()
    with TestClient(app) as client:
        document = client.get("/api/v1/openapi.json").json()
    assert {(m.upper(), p) for p, ops in document["paths"].items() for m in ops} == served


@pytest.mark.parametrize(("method", "template"), sorted(ROUTES))
def test_refusals_carry_no_data_and_change_nothing(
    loop: Muster, method: str, template: str
) -> None:
    route = ROUTES[(method, template)]
    before = _unchanged(loop)
    client = TestClient(create_app(loop), follow_redirects=False)
    refused: list[Any] = []
    for headers in ({}, bearer("mst_deadbeef_guess"), {"Authorization": "Basic aGs6aGs="}):
        refused.append(_call(client, method, route, headers))
    browser, _csrf = signed_in(loop, "hq")  # the session cookie is no API credential
    refused.append(_call(browser, method, route, {}))
    for response in refused:
        assert response.status_code == 401, (template, response.text)
        assert response.json() == {"detail": "a valid API token is required"}
        assert response.headers["www-authenticate"].startswith("Bearer")
    other = _call(client, method, route, bearer(token_for(loop, *OTHER)))
    if route.other == NONE:  # only ever the caller's own
        assert other.status_code == 200, (template, other.text)
    else:
        assert (other.status_code, other.json()) == (route.other, {"detail": "not found"})
    assert not any(s in other.text for s in SECRETS), template
    if route.missing != NONE:
        lacking = _call(client, method, route, bearer(token_for(loop, *_lacking(method, template))))
        assert lacking.status_code == route.missing, (template, lacking.text)
        assert not any(s in lacking.text for s in SECRETS), template
    assert _unchanged(loop) == before
    expired = bearer(token_for(loop, "hq", "HQ", ["submit", "review", "admin"], days=1))
    loop.clock.advance(days=2)  # type: ignore[attr-defined]
    assert _call(client, method, route, expired).status_code == 401
    assert _unchanged(loop) == before


def test_a_token_narrower_than_its_owner_is_held_to_its_scope(loop: Muster) -> None:
    """hq holds every permission at HQ; a token of hq for W3 with `review` may not act on W1,
    nor submit for W3."""
    client = TestClient(create_app(loop), follow_redirects=False)
    narrow = bearer(token_for(loop, "hq", "W3", ["review"]))
    assert client.get("/api/v1/calls/1/units/W1/entries", headers=narrow).status_code == 404
    upload = client.post("/api/v1/calls/1/units/W3/list", files=UPLOAD, headers=narrow)
    assert upload.status_code == 403
    listed = client.get("/api/v1/calls/1/status", headers=narrow).json()
    assert [u["unit"] for u in listed["units"]] == ["W3"]


# -- the API tokens pages ---------------------------------------------------------------


def test_the_tokens_page_needs_a_session(loop: Muster) -> None:
    client = TestClient(create_app(loop), follow_redirects=False)
    response = client.get("/tokens")
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")
    for path in ("/tokens", "/tokens/1/revoke"):
        refused = client.post(path, data={"csrf_token": "x", "unit": "C1", "permission": "review"})
        assert refused.status_code == 303


@pytest.mark.parametrize("csrf", [None, "forged"])
def test_token_forms_need_their_csrf_token(loop: Muster, csrf: str | None) -> None:
    secret = token_for(loop, "north", "C1", ["review"])
    client, _real = signed_in(loop, "north")
    data = {
        "unit": "C1",
        "permission": "review",
        "days": "9",
        **({"csrf_token": csrf} if csrf else {}),
    }
    assert client.post("/tokens", data=data).status_code == 403
    with loop.uow() as uow:
        (token,) = tokens_of(uow, resolve_user(uow, "north"))
    assert client.post(f"/tokens/{token.id}/revoke", data=data).status_code == 403
    api = TestClient(create_app(loop), follow_redirects=False)
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200  # not revoked
    with loop.uow() as uow:
        assert len(tokens_of(uow, resolve_user(uow, "north"))) == 1  # none made


def test_another_users_token_cannot_be_revoked_or_seen(loop: Muster) -> None:
    secret = token_for(loop, "south", "C2", ["review"])
    with loop.uow() as uow:
        (token,) = tokens_of(uow, resolve_user(uow, "south"))
    client, csrf = signed_in(loop, "north")
    assert token.prefix not in client.get("/tokens").text
    response = client.post(f"/tokens/{token.id}/revoke", data={"csrf_token": csrf})
    assert response.status_code == 404 and token.prefix not in response.text
    api = TestClient(create_app(loop), follow_redirects=False)
    assert api.get("/api/v1/me", headers=bearer(secret)).status_code == 200
