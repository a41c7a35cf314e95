"""Consolidation and jobs through the JSON API, on both databases: consolidate as a job run
by a worker, the report as the token may see it (sections, persons, counts, completeness),
the review queue and a decision stored and reapplied by the next consolidation."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.registry import set_hold
from muster.web import create_app
from muster.worker import Worker
from tests.web.api_helpers import bearer, token_for
from tests.web.consolidation_world import lists_at_the_mission

M1 = "/api/v1/calls/1/units/M1"


@pytest.fixture
def api(world: Muster) -> Iterator[TestClient]:
    lists_at_the_mission(world)
    world.settings = world.settings.model_copy(update={"job_workers": 0})  # the test's worker
    with TestClient(create_app(world), follow_redirects=False) as client:
        yield client


def _consolidate(world: Muster, api: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """Ask for a consolidation, let a worker run it; the finished job."""
    asked = api.post(M1 + "/consolidate", headers=headers)
    assert asked.status_code == 201, asked.text
    assert Worker(world).run_once() is not None
    job = api.get(f"/api/v1/jobs/{asked.json()['id']}", headers=headers)
    assert job.status_code == 200
    return dict(job.json())


def _names(report: dict[str, Any]) -> dict[str, list[str]]:
    """Persons of each section: Latin name (Hangul name) of every source's spelling."""
    return {
        s["code"]: sorted(f"{p['family_name']} {p['given_name']}" for p in s["persons"])
        for s in report["sections"]
    }


def test_consolidate_as_a_job_then_read_the_report(world: Muster, api: TestClient) -> None:
    mission = bearer(token_for(world, "mission", "M1", ["review"]))
    before = api.get(M1 + "/report", headers=mission).json()
    assert (before["report"], before["pending_job"], before["call"]["id"]) == (None, None, 1)
    asked = api.post(M1 + "/consolidate", headers=mission)
    assert asked.status_code == 201
    job = asked.json()
    assert (job["kind"], job["state"], job["parameters"]) == (
        "consolidate", "queued", {"call_id": 1, "unit_code": "M1"},
    )  # fmt: skip
    again = api.post(M1 + "/consolidate", headers=mission)  # a retry starts nothing new
    assert again.json()["id"] == job["id"]
    assert api.get(M1 + "/report", headers=mission).json()["pending_job"] == job["id"]
    listed = api.get("/api/v1/jobs", headers=mission).json()
    assert [j["id"] for j in listed] == [job["id"]]
    assert Worker(world).run_once() is not None
    done = api.get(f"/api/v1/jobs/{job['id']}", headers=mission).json()
    assert (done["state"], done["percent"], done["error"]) == ("done", 100, None)
    assert done["result"]["unit_code"] == "M1"
    report = api.get(M1 + "/report", headers=mission).json()
    assert report["pending_job"] is None
    shown = report["report"]
    assert shown["consolidation"] == done["result"]["consolidation"]
    assert (shown["entries_merged"], shown["newer_entries"], shown["show_medical"]) == (4, 0, False)
    names = _names(shown)
    assert names["health"] == ["Kim Chol Su"]
    assert len(names["stranded"]) == 2 and "Pak Myong Nam" in names["stranded"]
    merged = [p for s in shown["sections"] for p in s["persons"] if len(p["sources"]) == 2]
    assert [sorted(x["unit_code"] for x in p["sources"]) for p in merged] == [["W1", "W3"]]
    assert {s["code"] for s in shown["sections"]}.isdisjoint({"welfare", "protection"})
    assert "fractured femur" not in str(shown)  # a medical note needs `medical`
    assert shown["counts"]["region"] == {"North": 1, "South": 2}
    assert sum(shown["counts"]["section"].values()) == 3
    states = {u["unit"]: u["state"] for u in shown["completeness"]}
    assert states["C1"] == states["C2"] == "accepted" and states["W1"] == "forwarded"


def test_what_the_report_shows_depends_on_the_token(world: Muster, api: TestClient) -> None:
    with world.uow() as uow:
        set_hold(uow, OPERATOR, "P3", True, "asked for protection", world.clock())
    mission = bearer(token_for(world, "mission", "M1", ["review"]))
    _consolidate(world, api, mission)
    shown = api.get(M1 + "/report", headers=mission).json()["report"]
    assert "Pak" not in str(shown) and "P3" not in str(shown)  # nothing reveals a held person
    assert shown["entries_merged"] == 3 and sum(shown["counts"]["section"].values()) == 2
    hq = bearer(token_for(world, "hq", "M1", ["review", "medical", "protection"]))
    seen = api.get(M1 + "/report", headers=hq).json()["report"]
    assert seen["show_medical"] is True and "fractured femur" in str(seen)
    assert _names(seen)["protection"] == ["Pak Myong Nam"]
    narrow = bearer(token_for(world, "hq", "M1", ["review"]))  # hq's token, fewer permissions
    assert "fractured femur" not in str(api.get(M1 + "/report", headers=narrow).json())


def test_a_pair_is_decided_and_the_decision_reapplied(world: Muster, api: TestClient) -> None:
    mission = bearer(token_for(world, "mission", "M1", ["review"]))
    assert api.get(M1 + "/report/pairs", headers=mission).json() == {
        "consolidation": None, "total": 0, "offset": 0, "pairs": [],
    }  # fmt: skip
    _consolidate(world, api, mission)
    queue = api.get(M1 + "/report/pairs", headers=mission).json()
    assert queue["total"] == 1
    (pair,) = queue["pairs"]
    assert pair["merged"] is True and pair["decided"] is None
    sides = {pair["left"]["entry"]["family_name"], pair["right"]["entry"]["family_name"]}
    assert sides == {"Kim", "Gim"}
    assert {pair["left"]["source"]["unit_code"], pair["right"]["source"]["unit_code"]} == {
        "W1", "W3",
    }  # fmt: skip
    left, right = pair["left"]["record_id"], pair["right"]["record_id"]
    wrong = {"left": right, "right": left, "decision": "split"}  # not a pair of the queue
    assert api.post(M1 + "/report/pairs/decision", json=wrong, headers=mission).status_code == 404
    body = {"left": left, "right": right, "decision": "split"}
    decided = api.post(M1 + "/report/pairs/decision", json=body, headers=mission)
    assert decided.status_code == 200, decided.text
    assert decided.json() == {"left": left, "right": right, "same": False}
    with world.uow() as uow:
        assert [(a, b, same) for a, b, same in uow.consolidations.decisions(1)] == [
            (min(left, right), max(left, right), False)
        ]
    after = api.get(M1 + "/report/pairs", headers=mission).json()["pairs"][0]["decided"]
    assert (after["same"], after["by"]) == (False, "mission")
    _consolidate(world, api, mission)  # the next consolidation applies the decision
    shown = api.get(M1 + "/report", headers=mission).json()["report"]
    assert sum(shown["counts"]["section"].values()) == 4
    assert all(len(p["sources"]) == 1 for s in shown["sections"] for p in s["persons"])
    assert api.get(M1 + "/report/pairs", headers=mission).json()["total"] == 0


def test_a_refused_job_and_jobs_of_others(world: Muster, api: TestClient) -> None:
    north = bearer(token_for(world, "north", "C1", ["review"]))
    asked = api.post("/api/v1/calls/1/units/W1/consolidate", headers=north)
    assert asked.status_code == 400 and "workplace" in asked.json()["detail"]
    assert api.get("/api/v1/jobs", headers=north).json() == []
    mission = bearer(token_for(world, "mission", "M1", ["review"]))
    job = api.post(M1 + "/consolidate", headers=mission).json()
    assert api.get(f"/api/v1/jobs/{job['id']}", headers=north).status_code == 404
    hq = bearer(token_for(world, "hq", "HQ", ["review"]))  # review over M1: may follow it
    assert api.get(f"/api/v1/jobs/{job['id']}", headers=hq).json()["requested_by"] == "mission"
    assert [j["id"] for j in api.get("/api/v1/jobs", headers=hq).json()] == [job["id"]]
    south = bearer(token_for(world, "south", "C2", ["review"]))
    assert api.get("/api/v1/jobs", headers=south).json() == []
    assert api.get("/api/v1/jobs/99", headers=mission).status_code == 404
