"""Rotation through the JSON API, on both databases: hosts, routes, quarantine, the pool (a
page, a file loaded, a refused file's errors), a plan run as a job by a worker, the plan as
a calendar, two plans compared, a manifest opened with openpyxl; what a token may see."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.registry import add_user
from muster.services.rotation import set_route_window
from muster.web import create_app
from muster.worker import Worker
from tests.web.api_helpers import bearer, token_for
from tests.web.rotation_world import POOL_HEADER, build_rotation, saved_plan

HELD = ("P3", "Pak", "박명남", "M3456789")
RUN = {"call_id": 1, "start": "2021-08-01", "horizon_days": 20, "time_limit": 10}


@pytest.fixture
def rotation(world: Muster) -> Muster:
    world.settings = world.settings.model_copy(update={"job_workers": 0})  # the test's worker
    return build_rotation(world)


@pytest.fixture
def api(rotation: Muster) -> Iterator[TestClient]:
    with TestClient(create_app(rotation), follow_redirects=False) as client:
        yield client


def _planner(world: Muster, name: str = "planner", unit: str = "HQ") -> dict[str, str]:
    return bearer(token_for(world, name, unit, ["plan"]))


def _route(world: Muster, route: str = "sinuiju") -> tuple[object, ...]:
    with world.uow() as uow:
        row = uow.rotation.route(route)
        assert row is not None
        return (row.open_from, row.open_until, row.seats_home, row.seats_out)


def test_hosts(rotation: Muster, api: TestClient) -> None:
    planner = _planner(rotation)
    hosts = api.get("/api/v1/rotation/hosts", headers=planner).json()
    assert hosts["writable"] is True and hosts["unset"] == []
    assert hosts["hosts"] == [{"host": "XA", "rotation": "free",
                               "stay_policy": "may stay until further notice",
                               "routes": ["sinuiju"]}]  # fmt: skip
    body = {"rotation": "paired", "stay_policy": "two years"}
    changed = api.put("/api/v1/rotation/hosts/XA", json=body, headers=planner)
    assert changed.status_code == 200, changed.text
    assert (changed.json()["rotation"], changed.json()["stay_policy"]) == ("paired", "two years")
    with rotation.uow() as uow:
        host = uow.rotation.host("XA")
        assert host is not None and (host.rotation, host.stay_policy) == ("paired", "two years")
    assert api.put("/api/v1/rotation/hosts/ZZ", json=body, headers=planner).status_code == 404
    mission = _planner(rotation, "m.planner", "M1")  # reads, never writes
    assert api.get("/api/v1/rotation/hosts", headers=mission).json()["writable"] is False
    refused = api.put("/api/v1/rotation/hosts/XA", json={"rotation": "free"}, headers=mission)
    assert refused.status_code == 403
    with rotation.uow() as uow:
        assert uow.rotation.host("XA").rotation == "paired"  # type: ignore[union-attr]


def test_routes_add_open_close_and_seats(rotation: Muster, api: TestClient) -> None:
    planner = _planner(rotation)
    listed = api.get("/api/v1/rotation/routes", headers=planner).json()
    sinuiju = {"id": "sinuiju", "host": "XA", "mode": "bridge", "open_from": "2021-08-02",
               "open_until": None, "seats_home": 5, "seats_out": 5, "closed": False}  # fmt: skip
    assert listed == [sinuiju]
    rail = {"id": "rail", "host": "XA", "mode": "rail", "open_from": "2021-08-10",
            "seats_home": 3, "seats_out": 2}  # fmt: skip
    added = api.post("/api/v1/rotation/routes", json=rail, headers=planner)
    assert added.status_code == 201, added.text
    assert (added.json()["open_from"], added.json()["seats_out"]) == ("2021-08-10", 2)
    again = api.post("/api/v1/rotation/routes", json=rail, headers=planner)
    assert again.status_code == 400 and "already exists" in again.json()["detail"]
    assert _route(rotation, "rail") == (date(2021, 8, 10), None, 3, 2)
    window = {"open_from": "2021-08-05", "open_until": "2021-08-20"}
    opened = api.put("/api/v1/rotation/routes/sinuiju/window", json=window, headers=planner)
    assert opened.status_code == 200 and opened.json()["open_until"] == "2021-08-20"
    assert _route(rotation)[:2] == (date(2021, 8, 5), date(2021, 8, 20))
    closed = api.put("/api/v1/rotation/routes/sinuiju/window", json={}, headers=planner)
    assert closed.json()["closed"] is True and _route(rotation)[:2] == (None, None)
    backwards = {"open_from": "2021-08-20", "open_until": "2021-08-05"}
    refused = api.put("/api/v1/rotation/routes/sinuiju/window", json=backwards, headers=planner)
    assert refused.status_code == 400 and _route(rotation)[:2] == (None, None)
    seats = api.put(
        "/api/v1/rotation/routes/sinuiju/seats",
        json={"seats_home": 7, "seats_out": 1},
        headers=planner,
    )
    assert seats.status_code == 200 and _route(rotation)[2:] == (7, 1)
    negative = {"seats_home": -1, "seats_out": 1}
    invalid = api.put("/api/v1/rotation/routes/sinuiju/seats", json=negative, headers=planner)
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["column"] == "body.seats_home"
    nowhere = api.put("/api/v1/rotation/routes/nowhere/seats", json=seats.json(), headers=planner)
    assert nowhere.status_code == 404


def test_quarantine(rotation: Muster, api: TestClient) -> None:
    planner = _planner(rotation)
    assert api.get("/api/v1/rotation/quarantine", headers=planner).json() == {
        "beds": 10, "days": 14,
    }  # fmt: skip
    put = api.put("/api/v1/rotation/quarantine", json={"beds": 40, "days": 7}, headers=planner)
    assert put.status_code == 200 and put.json() == {"beds": 40, "days": 7}
    with rotation.uow() as uow:
        found = uow.rotation.quarantine()
        assert found is not None and (found.beds, found.days) == (40, 7)


def test_the_pool_a_page_a_file_and_its_errors(rotation: Muster, api: TestClient) -> None:
    planner = _planner(rotation)
    pool = api.get("/api/v1/rotation/pool", params={"limit": 1}, headers=planner).json()
    assert (pool["total"], pool["offset"]) == (2, 0)
    assert [r["replacement_id"] for r in pool["replacements"]] == ["R1"]
    assert pool["replacements"][0]["name_native"] == "한광일"
    assert pool["replacements"][0]["trades"] == ["factory", "restaurant"]
    bad = POOL_HEADER + "R9,Ma,Il,마일,1990-01-01,M,factory,XA,2021-08-01\n"
    bad += "R10,Ma,Chol,마철,1990-02-30,M,factory,XA,soon\n"
    files = {"file": ("pool.csv", bad.encode(), "text/csv")}
    refused = _pool_job(rotation, api, planner, files)
    assert refused["state"] == "failed" and refused["kind"] == "import"
    errors = refused["result"]["errors"]
    assert {(e["row"], e["column"], e["value"]) for e in errors} == {
        (3, "date_of_birth", "1990-02-30"), (3, "ready", "soon"),
    }  # fmt: skip
    assert all(e["expected"] for e in errors) and "nothing was imported" in refused["error"]
    good = POOL_HEADER + "R7,Ma,Il,마일,1990-01-01,M,factory,XA,2021-08-01\n"
    files = {"file": ("pool.csv", good.encode(), "text/csv")}
    loaded = _pool_job(rotation, api, planner, files)
    assert loaded["state"] == "done" and loaded["result"]["records"] == 1
    again = _pool_job(rotation, api, planner, files)  # the same file, without a key
    assert again["id"] != loaded["id"] and again["result"]["records"] == 1
    everyone = api.get("/api/v1/rotation/pool", headers=planner).json()
    assert everyone["total"] == 3
    assert sorted(r["replacement_id"] for r in everyone["replacements"]) == ["R1", "R2", "R7"]
    mission = _planner(rotation, "m.planner", "M1")
    refused_now = api.post("/api/v1/rotation/pool", files=files, headers=mission)
    assert refused_now.status_code == 403  # refused at once: nothing kept, no job


def _pool_job(
    world: Muster, api: TestClient, headers: dict[str, str], files: dict[str, Any]
) -> dict[str, Any]:
    """Send a pool file (202: kept, its import queued), run the job, the job as it ended."""
    sent = api.post("/api/v1/rotation/pool", files=files, headers=headers)
    assert sent.status_code == 202, sent.text
    body = sent.json()
    assert sent.headers["location"] == f"/api/v1/jobs/{body['id']}"
    assert (body["kind"], body["state"], body["parameters"]["kind"]) == (
        "import", "queued", "replacements",
    )  # fmt: skip
    assert Worker(world).run_once() is not None
    return dict(api.get(sent.headers["location"], headers=headers).json())


def test_a_pool_file_sent_again_with_its_key_queues_one_job(
    rotation: Muster, api: TestClient
) -> None:
    planner = {**_planner(rotation), "Idempotency-Key": "pool-1"}
    good = POOL_HEADER + "R7,Ma,Il,마일,1990-01-01,M,factory,XA,2021-08-01\n"
    files = {"file": ("pool.csv", good.encode(), "text/csv")}
    first = api.post("/api/v1/rotation/pool", files=files, headers=planner)
    again = api.post("/api/v1/rotation/pool", files=files, headers=planner)
    assert first.status_code == again.status_code == 202
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert again.headers["location"] == first.headers["location"]
    with rotation.uow() as uow:
        kept = [f for f in uow.files.every() if f.purpose == "replacements"]
    assert len(kept) == 1  # received once
    other = {"file": ("pool.csv", (good + good.splitlines()[1] + "\n").encode(), "text/csv")}
    reused = api.post("/api/v1/rotation/pool", files=other, headers=planner)
    assert reused.status_code == 422 and reused.json()["errors"][0]["column"] == "Idempotency-Key"


def _run_plan(world: Muster, api: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    asked = api.post("/api/v1/rotation/plans", json=RUN, headers=headers)
    assert asked.status_code == 201, asked.text
    assert Worker(world).run_once() is not None
    return dict(api.get(f"/api/v1/jobs/{asked.json()['id']}", headers=headers).json())


def test_a_plan_runs_as_a_job_and_reads_as_a_calendar(rotation: Muster, api: TestClient) -> None:
    planner = _planner(rotation)
    asked = api.post("/api/v1/rotation/plans", json=RUN, headers=planner)
    assert asked.status_code == 201 and asked.json()["kind"] == "plan"
    retried = api.post("/api/v1/rotation/plans", json=RUN, headers=planner)
    assert retried.json()["id"] == asked.json()["id"]  # nothing new while it waits
    assert Worker(rotation).run_once() is not None
    assert Worker(rotation).run_once() is None  # one job only
    job = api.get(f"/api/v1/jobs/{asked.json()['id']}", headers=planner).json()
    assert job["state"] == "done", job
    plan_id = job["result"]["plan"]
    assert [p["id"] for p in api.get("/api/v1/rotation/plans", headers=planner).json()] == [plan_id]
    plan = api.get(f"/api/v1/rotation/plans/{plan_id}", headers=planner).json()
    summary = plan["summary"]
    assert (summary["homes"], summary["outs"], summary["not_moved"]) == (2, 2, 0)
    assert (plan["start"], plan["horizon_days"], plan["beds"]) == ("2021-08-01", 20, 10)
    assert len(plan["days"]) == 20 and plan["not_moved"] == []
    first = plan["days"][0]
    assert first["day"] == "2021-08-01" and first["routes"][0]["open"] is False
    cell = plan["days"][1]["routes"][0]
    assert (cell["route"], cell["open"], cell["seats_home"]) == ("sinuiju", True, 5)
    assert (cell["seats_home_used"], cell["seats_out_used"]) == (2, 1)
    assert sorted(p["name_native"] for p in cell["homes"]) == ["김철수", "최용호"]
    assert [p["family_name"] for p in cell["outs"]] == ["Han"]
    assert plan["days"][2]["routes"][0]["outs"][0]["workplace"] == "W3"  # O Mi Sun, ready 08-03
    assert [d["beds_in_use"] for d in plan["days"][:3]] == [0, 2, 2]
    assert not any(h in str(plan) for h in HELD)  # the planner lacks `protection`
    assert api.get("/api/v1/rotation/plans/99", headers=planner).status_code == 404


def test_a_refused_plan_job_says_why(rotation: Muster, api: TestClient) -> None:
    planner = _planner(rotation)
    nowhere = api.post("/api/v1/rotation/plans", json={**RUN, "call_id": 99}, headers=planner)
    assert nowhere.status_code == 404
    zero = api.post("/api/v1/rotation/plans", json={**RUN, "horizon_days": 0}, headers=planner)
    assert zero.status_code == 422 and zero.json()["errors"][0]["column"] == "body.horizon_days"
    mission = _planner(rotation, "m.planner", "M1")
    assert api.post("/api/v1/rotation/plans", json=RUN, headers=mission).status_code == 403
    with rotation.uow() as uow:
        assert uow.rotation.plans() == []


def _sheet_rows(content: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    rows: list[tuple[object, ...]] = []
    for name in book.sheetnames[1:]:
        rows += list(book[name].iter_rows(min_row=2, values_only=True))
    return rows


def test_manifest_and_comparison(rotation: Muster, api: TestClient) -> None:
    planner = _planner(rotation)
    first = _run_plan(rotation, api, planner)["result"]["plan"]
    url = f"/api/v1/rotation/plans/{first}/manifest.xlsx"
    cell = api.get(url, params={"route": "sinuiju", "day": "2021-08-02"}, headers=planner)
    assert cell.status_code == 200
    assert cell.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert {(r[0], r[2], r[3]) for r in _sheet_rows(cell.content)} == {
        ("home", "Kim", "Chol Su"), ("home", "Choe", "Yong Ho"), ("out", "Han", "Gwang Il"),
    }  # fmt: skip
    assert len(_sheet_rows(api.get(url, headers=planner).content)) == 4
    with rotation.uow() as uow:
        set_route_window(uow, OPERATOR, "sinuiju", date(2021, 8, 5), None)
    second = saved_plan(rotation, "planner")
    found = api.get(
        "/api/v1/rotation/plans/compare", params={"a": first, "b": second}, headers=planner
    ).json()
    assert [(c["day"], c["route"]) for c in found["cells"]] == [
        ("2021-08-02", "sinuiju"), ("2021-08-03", "sinuiju"), ("2021-08-05", "sinuiju"),
    ]  # fmt: skip
    last = found["cells"][-1]
    assert (last["first_homes"], last["second_homes"], last["second_outs"]) == (0, 2, 2)
    assert found["objective_change"] == found["second"]["objective"] - found["first"]["objective"]
    assert found["added"] == [] and found["removed"] == []
    params = {"a": first, "b": 99}
    assert (
        api.get("/api/v1/rotation/plans/compare", params=params, headers=planner).status_code == 404
    )


def test_a_planner_of_a_consulate_sees_only_its_subtree(rotation: Muster, api: TestClient) -> None:
    """C2 holds W3 only: R2 going out to W3 is shown; Kim (W1) and Choe (W2) are not."""
    plan_id = saved_plan(rotation, "planner")
    with rotation.uow() as uow:
        add_user(uow, OPERATOR, "south.planner", "C2", ["plan"])
    south = _planner(rotation, "south.planner", "C2")
    plan = api.get(f"/api/v1/rotation/plans/{plan_id}", headers=south).json()
    assert (plan["summary"]["homes"], plan["summary"]["outs"]) == (0, 1)
    assert "O" in str(plan) and not any(n in str(plan) for n in ("Kim", "Choe", "Han"))
    rows = _sheet_rows(api.get(f"/api/v1/rotation/plans/{plan_id}/manifest.xlsx",
                               headers=south).content)  # fmt: skip
    assert [r[1] for r in rows] == ["R2"]
    seats = {"seats_home": 1, "seats_out": 1}
    refused = api.put("/api/v1/rotation/routes/sinuiju/seats", json=seats, headers=south)
    assert refused.status_code == 403 and _route(rotation)[2:] == (5, 5)
    without = bearer(token_for(rotation, "hq", "HQ", ["review"]))  # hq's token without `plan`
    assert api.get("/api/v1/rotation/routes", headers=without).status_code == 403
