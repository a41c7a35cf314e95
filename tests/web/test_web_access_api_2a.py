"""Every /api/v1 route of consolidation, jobs and rotation: no token (or a session cookie)
-> 401; a token of another subtree -> 404 (rotation, which is organisation-wide: a planner
outside headquarters reads what its hosts hold and may not write -> 403); a permission the
token lacks -> 403; no refusal carries data and no refused write changes anything."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.registry import add_user
from muster.web import create_app
from muster.worker import Worker
from tests.web.api_helpers import bearer, token_for
from tests.web.conftest import signed_in
from tests.web.consolidation_world import lists_at_the_mission
from tests.web.rotation_world import POOL_HEADER, build_rotation, saved_plan
from tests.web.test_web_access_api import NONE


@dataclass(frozen=True)
class Route:
    """How to call a route, in which world, and what a token of another subtree and one
    lacking the permission get (NONE: 200, only what that token may see)."""

    world: str  # "report" or "rotation"
    path: str
    other: int | str
    missing: int | str
    json: dict[str, Any] | None = None
    files: dict[str, Any] | None = field(default=None)


UNIT = "/api/v1/calls/{call_id}/units/{unit_code}"
M1 = "/api/v1/calls/1/units/M1"
POOL = {"file": ("pool.csv", (POOL_HEADER + "R7,Ma,Il,마일,1990-01-01,M,factory,XA,2021-08-01\n")
                 .encode(), "text/csv")}  # fmt: skip
ROUTE = {"id": "rail", "host": "XA", "mode": "rail", "seats_home": 1, "seats_out": 1}
PLAN = {"call_id": 1, "start": "2021-08-01", "horizon_days": 10, "time_limit": 5}
DECISION = {"left": "W1:0", "right": "W3:0", "decision": "split"}
R = "/api/v1/rotation"
ROUTES: dict[tuple[str, str], Route] = {
    ("POST", UNIT + "/consolidate"): Route("report", M1 + "/consolidate", 404, 403),
    ("GET", UNIT + "/report"): Route("report", M1 + "/report", 404, 403),
    ("GET", UNIT + "/report/pairs"): Route("report", M1 + "/report/pairs", 404, 403),
    ("POST", UNIT + "/report/pairs/decision"): Route(
        "report", M1 + "/report/pairs/decision", 404, 403, json=DECISION
    ),
    ("GET", "/api/v1/jobs"): Route("report", "/api/v1/jobs", NONE, NONE),
    # A job is followed by its requester and by holders of its kind's permission over its
    # unit: for anyone else it is absent (404), never a 403 that would tell it exists.
    ("GET", "/api/v1/jobs/{job_id}"): Route("report", "/api/v1/jobs/1", 404, 404),
    ("GET", R + "/hosts"): Route("rotation", R + "/hosts", NONE, 403),
    ("PUT", R + "/hosts/{host}"): Route(
        "rotation", R + "/hosts/XA", 403, 403, json={"rotation": "paired", "stay_policy": "x"}
    ),
    ("GET", R + "/routes"): Route("rotation", R + "/routes", NONE, 403),
    ("POST", R + "/routes"): Route("rotation", R + "/routes", 403, 403, json=ROUTE),
    ("PUT", R + "/routes/{route_id}/window"): Route(
        "rotation", R + "/routes/sinuiju/window", 403, 403, json={}
    ),
    ("PUT", R + "/routes/{route_id}/seats"): Route(
        "rotation", R + "/routes/sinuiju/seats", 403, 403, json={"seats_home": 1, "seats_out": 1}
    ),
    ("GET", R + "/quarantine"): Route("rotation", R + "/quarantine", NONE, 403),
    ("PUT", R + "/quarantine"): Route(
        "rotation", R + "/quarantine", 403, 403, json={"beds": 1, "days": 2}
    ),
    ("GET", R + "/pool"): Route("rotation", R + "/pool", NONE, 403),
    ("POST", R + "/pool"): Route("rotation", R + "/pool", 403, 403, files=POOL),
    ("POST", R + "/plans"): Route("rotation", R + "/plans", 403, 403, json=PLAN),
    ("GET", R + "/plans"): Route("rotation", R + "/plans", NONE, 403),
    ("GET", R + "/plans/compare"): Route("rotation", R + "/plans/compare?a=1&b=1", NONE, 403),
    ("GET", R + "/plans/{plan_id}"): Route("rotation", R + "/plans/1", NONE, 403),
    ("GET", R + "/plans/{plan_id}/manifest.xlsx"): Route(
        "rotation", R + "/plans/1/manifest.xlsx?route=sinuiju&day=2021-08-02", NONE, 403
    ),
}
# Every route these tests run their refusals over (test_web_routes_covered.py reads it).
ROUTES_COVERED = [(method, route.path) for (method, _t), route in ROUTES.items()]
# What no refusal (and no answer to another subtree) may carry.
SECRETS = {
    "report": ("Kim", "김철수", "Gim", "김영철", "Pak", "박명남", "M1234567", "fractured femur"),
    # C2's planner holds W3 only: nobody of W1 or W2, nor the held P3, is theirs to see.
    "rotation": ("Kim", "김철수", "Choe", "최용호", "M1234567", "P3", "박명남"),
}
# Tokens of another subtree, and lacking the permission (in their own subtree).
OTHER = {"report": ("south", "C2", ["submit", "review"]),
         "rotation": ("south.planner", "C2", ["plan"])}  # fmt: skip
LACKING = {"report": ("hq", "M1", ["submit"]), "rotation": ("hq", "HQ", ["review"])}


def _report_world(world: Muster) -> Muster:
    """Lists at the mission, consolidated by job 1 (asked by `mission`)."""
    lists_at_the_mission(world)
    client = TestClient(create_app(world), follow_redirects=False)
    mission = bearer(token_for(world, "mission", "M1", ["review"]))
    assert client.post(M1 + "/consolidate", headers=mission).json()["id"] == 1
    assert Worker(world).run_once() is not None
    return world


def _rotation_world(world: Muster) -> Muster:
    """The rotation world, plan 1 by the HQ planner, and a planner of C2."""
    build_rotation(world)
    assert saved_plan(world, "planner", horizon=10) == 1
    with world.uow() as uow:
        add_user(uow, OPERATOR, "south.planner", "C2", ["plan"])
    return world


def _state(world: Muster) -> tuple[object, ...]:
    """Everything a refused write could change."""
    with world.uow() as uow:
        host = uow.rotation.host("XA")
        routes = [(r.id, r.open_from, r.open_until, r.seats_home, r.seats_out)
                  for r in uow.rotation.routes()]  # fmt: skip
        quarantine = uow.rotation.quarantine()
        return (
            (host.rotation, host.stay_policy) if host else None, routes,
            (quarantine.beds, quarantine.days) if quarantine else None,
            sorted(r.replacement_id for r in uow.rotation.replacements()),
            len(uow.rotation.plans()), len(uow.files.every()),
            [j.id for j in uow.jobs.newest(None, "", 100)],
            list(uow.consolidations.decisions(1)),
        )  # fmt: skip


def _call(client: TestClient, method: str, route: Route, headers: dict[str, str]) -> Any:
    return client.request(method, route.path, headers=headers, json=route.json, files=route.files)


def test_the_table_lists_routes_the_app_serves(world: Muster) -> None:
    served = {
        (method.upper(), path)
        for path, operations in create_app(world).openapi()["paths"].items()
        for method in operations
    }
    assert set(ROUTES) <= served
    prefixes = ("/api/v1/rotation", "/api/v1/jobs")
    report = ("/report", "/consolidate")
    mine = {(m, p) for m, p in served if p.startswith(prefixes)
            or (p.startswith("/api/v1/calls/") and any(r in p for r in report))}  # fmt: skip
    assert mine == set(ROUTES)


@pytest.mark.parametrize(("method", "template"), sorted(ROUTES))
def test_refusals_carry_no_data_and_change_nothing(
    world: Muster, method: str, template: str
) -> None:
    route = ROUTES[(method, template)]
    world.settings = world.settings.model_copy(update={"job_workers": 0})
    app = _report_world(world) if route.world == "report" else _rotation_world(world)
    secrets = SECRETS[route.world]
    before = _state(app)
    client = TestClient(create_app(app), follow_redirects=False)
    refused = [
        _call(client, method, route, headers)
        for headers in ({}, bearer("mst_deadbeef_guess"), {"Authorization": "Basic aGs6aGs="})
    ]
    browser, _csrf = signed_in(app, "hq")  # the session cookie is no API credential
    refused.append(_call(browser, method, route, {}))
    for response in refused:
        assert response.status_code == 401, (template, response.text)
        assert response.json() == {"detail": "a valid API token is required"}
    other = _call(client, method, route, bearer(token_for(app, *OTHER[route.world])))
    if route.other == NONE:
        assert other.status_code == 200, (template, other.text)
    else:
        assert other.status_code == route.other, (template, other.text)
        assert other.json()["detail"] in ("not found", "you lack the permission for this")
    assert not any(s in other.text for s in secrets), template
    lacking = _call(client, method, route, bearer(token_for(app, *LACKING[route.world])))
    expected = 200 if route.missing == NONE else route.missing
    assert lacking.status_code == expected, (template, lacking.text)
    assert not any(s in lacking.text for s in secrets), template
    assert _state(app) == before


def test_every_answer_of_these_routes_is_described(world: Muster) -> None:
    """The OpenAPI document names a model for every success answer (the manifest: XLSX)."""
    document = create_app(world).openapi()
    for method, template in ROUTES:
        answers = document["paths"][template][method.lower()]["responses"]
        (success,) = [answers[c] for c in answers if c.startswith("2")]
        (media,) = success["content"]
        if template.endswith("manifest.xlsx"):
            assert media.startswith("application/vnd.openxmlformats"), template
            continue
        schema = success["content"][media]["schema"]
        assert media == "application/json" and ("$ref" in schema or "items" in schema), template
        for refusal in ("401", "403", "404", "422"):
            assert refusal in answers, (template, refusal)
