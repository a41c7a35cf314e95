"""The registry and protection through the API: search by any spelling, a person's record
within the token's permissions, and holds — a held person exists only for a token with
`protection` (no search hit, no record, the same 404 as nobody)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.lists import submit_list
from muster.services.registry import set_hold
from muster.web import create_app
from tests.web.api_helpers import bearer, token_for
from tests.web.conftest import HEADER

SPELLINGS = ("Kim Chol Su", "Gim Cheol-su", "김철수", "金哲洙", "M1234567", "P1")
EVERY = ["submit", "review", "admin", "medical", "welfare", "protection"]
# Yi Yeong-hui is another romanisation of Ri Yong Hui (P2): a possible match to rule on.
NAMESAKE = HEADER + ",Yi,Yeong-hui,,1990-01-01,F,,stranded_trip,,yes,yes,\n"
NAMED = HEADER + ",Gim,Cheol-su,,1985-03-14,M,,illness,2021-07-01,no,yes,high fever\n"


class Api:
    """A client acting with one token (test_api_admin.py uses it, too)."""

    def __init__(self, app: Muster, user: str, unit: str, permissions: list[str]) -> None:
        self.client = TestClient(create_app(app), follow_redirects=False)
        self.headers = bearer(token_for(app, user, unit, permissions))

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params=params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(path, json=body, headers=self.headers)


def _submit(app: Muster, rows: str) -> None:
    with app.uow() as uow:
        submit_list(
            uow, OPERATOR, app.archive, call_id=1, unit_code="W1", data=rows.encode(),
            filename="w1.csv", limits=app.limits(), now=app.clock(),
        )  # fmt: skip


def _hold(api: Api, person_id: str, action: str, reason: str) -> Any:
    body = {"person_id": person_id, "action": action, "reason": reason}
    return api.post("/api/v1/protection/holds", body)


def _ids(answer: Any) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [f["person"]["person_id"] for f in answer.json()]


@pytest.mark.parametrize("query", SPELLINGS)
def test_search_finds_a_person_by_any_spelling(world: Muster, query: str) -> None:
    north = Api(world, "north", "C1", ["review"])
    found = north.get("/api/v1/people", q=query).json()
    assert [f["person"]["person_id"] for f in found] == ["P1"]
    assert found[0]["workplaces"] == ["W1"] and found[0]["held"] is False
    assert found[0]["person"]["name_native"] == "김철수"
    assert _ids(Api(world, "south", "C2", ["review"]).get("/api/v1/people", q=query)) == []


def test_an_empty_search_finds_nobody_and_reads_nothing(world: Muster) -> None:
    assert _ids(Api(world, "north", "C1", ["review"]).get("/api/v1/people", q="  ")) == []
    with world.uow() as uow:
        assert uow.audit.events({"search_people"}) == []


def test_a_record_shows_deployments_and_lists_within_permissions(world: Muster) -> None:
    _submit(world, NAMED)
    north = Api(world, "north", "C1", ["review"]).get("/api/v1/people/P1")
    assert north.status_code == 200, north.text
    record = north.json()
    assert record["person"]["passport_no"] == "M1234567" and record["held"] is False
    assert [(d["workplace"], d["role"], d["permit_expires"]) for d in record["deployments"]] == [
        ("W1", "worker", "2022-05-01")
    ]
    (mention,) = record["mentions"]
    assert (mention["call_title"], mention["unit"], mention["version"]) == ("July call", "W1", 1)
    assert mention["entry"]["category"] == "illness" and mention["entry"]["note"] != "high fever"
    hq = Api(world, "hq", "HQ", EVERY).get("/api/v1/people/P1").json()
    assert hq["mentions"][0]["entry"]["note"] == "high fever"  # with `medical`
    assert Api(world, "south", "C2", ["review"]).get("/api/v1/people/P1").status_code == 404
    with world.uow() as uow:
        reads = [(e.actor, e.entity_id) for e in uow.audit.events({"read_person"})]
    assert reads == [("north", "P1"), ("hq", "P1")]


def test_a_held_person_exists_only_with_protection(world: Muster) -> None:
    with world.uow() as uow:
        set_hold(uow, OPERATOR, "P1", True, "asked for protection", world.clock())
    north = Api(world, "north", "C1", ["review"])
    for query in SPELLINGS:
        assert _ids(north.get("/api/v1/people", q=query)) == []
    held = north.get("/api/v1/people/P1")
    absent = north.get("/api/v1/people/P999")
    assert (held.status_code, held.json()) == (absent.status_code, absent.json())
    assert held.json() == {"detail": "not found"}
    guardian = Api(world, "hq", "HQ", ["protection"])
    found = guardian.get("/api/v1/people", q="Gim Cheol-su").json()
    assert [(f["person"]["person_id"], f["held"]) for f in found] == [("P1", True)]
    assert guardian.get("/api/v1/people/P1").json()["held"] is True


def test_holds_are_placed_lifted_and_kept_in_history(world: Muster) -> None:
    hq = Api(world, "hq", "HQ", ["protection", "review"])
    no_reason = hq.post("/api/v1/protection/holds", {"person_id": "P1", "action": "hold"})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["detail"]
    placed = _hold(hq, "P1", "hold", "asked for protection")
    assert placed.json() == {"person_id": "P1", "held": True}
    (hold,) = hq.get("/api/v1/protection/holds").json()
    assert (hold["person"]["person_id"], hold["reason"], hold["by"]) == (
        "P1", "asked for protection", "hq"
    )  # fmt: skip
    north = Api(world, "north", "C1", ["review"])
    assert _ids(north.get("/api/v1/people", q="Kim")) == []
    again = hq.post(
        "/api/v1/protection/holds", {"person_id": "P1", "action": "hold", "reason": "x"}
    )
    assert again.status_code == 400
    lifted = _hold(hq, "P1", "release", "safe now")
    assert lifted.json() == {"person_id": "P1", "held": False}
    assert hq.get("/api/v1/protection/holds").json() == []
    assert _ids(north.get("/api/v1/people", q="Kim")) == ["P1"]
    history = hq.get("/api/v1/protection/history").json()
    assert [(h["action"], h["reason"], h["by"]) for h in history] == [
        ("release", "safe now", "hq"), ("hold", "asked for protection", "hq")
    ]  # fmt: skip
    nobody = _hold(hq, "P999", "hold", "x")
    assert nobody.status_code == 404


def test_an_officer_rules_on_a_possible_match(world: Muster) -> None:
    hq = Api(world, "hq", "HQ", ["protection"])
    assert _hold(hq, "P2", "hold", "asked").is_success
    _submit(world, NAMESAKE)
    (match,) = hq.get("/api/v1/protection/matches").json()
    assert (match["person_id"], match["ruling"], match["unit"]) == ("P2", None, "W1")
    assert match["entry"]["given_name"] == "Yeong-hui"
    reviewer = Api(world, "north", "C1", ["review"])
    entries = reviewer.get("/api/v1/calls/1/units/W1/entries").json()["entries"]
    assert entries == []  # it may be the held person: hidden until ruled
    bad = hq.post(f"/api/v1/protection/matches/{match['id']}", {"ruling": "maybe"})
    assert bad.status_code == 422
    ruled = hq.post(f"/api/v1/protection/matches/{match['id']}", {"ruling": "clear"})
    assert ruled.json() == {"id": match["id"], "ruling": "clear"}
    assert hq.get("/api/v1/protection/matches").json() == []
    assert [m["ruling"] for m in hq.get("/api/v1/protection/matches", all="true").json()] == [
        "clear"
    ]
    entries = reviewer.get("/api/v1/calls/1/units/W1/entries").json()["entries"]
    assert [e["given_name"] for e in entries] == ["Yeong-hui"]  # someone else: shown
    assert hq.post("/api/v1/protection/matches/99", {"ruling": "clear"}).status_code == 404
