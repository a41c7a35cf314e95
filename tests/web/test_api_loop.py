"""The part-1 loop through the JSON API, on both databases: calls, status, submit a file or
nothing, entries as seen, diff, review, forward, files, notices; refused files answer 422
with the command line's errors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.intake.errors import IntakeRejected
from muster.services.lists import submit_list
from muster.web import create_app
from tests.web.api_helpers import bearer, token_for
from tests.web.conftest import BAD_CSV, GOOD_CSV, HEADER

V2 = GOOD_CSV + ",Ri,Yong Hui,리영희,1990-11-02,F,,stranded_trip,,unknown,unknown,\n"
W1 = "/api/v1/calls/1/units/W1"


@pytest.fixture
def api(world: Muster) -> Iterator[TestClient]:
    with TestClient(create_app(world), follow_redirects=False) as client:
        yield client


def _as(world: Muster, name: str, unit: str, *permissions: str) -> dict[str, str]:
    return bearer(token_for(world, name, unit, list(permissions)))


def _upload(api: TestClient, headers: dict[str, str], body: str, path: str = W1) -> object:
    files = {"file": ("w1.csv", body.encode(), "text/csv")}
    return api.post(path + "/list", files=files, headers=headers)


def test_calls_and_status(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    calls = api.get("/api/v1/calls", headers=clerk)
    assert calls.status_code == 200
    assert [(c["id"], c["title"], c["scope"]) for c in calls.json()] == [(1, "July call", "HQ")]
    assert api.get("/api/v1/calls/1", headers=clerk).json()["categories"] == [
        "illness", "work_injury", "stranded_trip",
    ]  # fmt: skip
    status = api.get("/api/v1/calls/1/status", headers=clerk).json()
    assert [(u["unit"], u["state"], u["timeliness"]) for u in status["units"]] == [
        ("W1", "not_submitted", "pending")
    ]
    assert _upload(api, clerk, GOOD_CSV).status_code == 200
    before = (world.clock() - timedelta(minutes=1)).isoformat()
    earlier = api.get("/api/v1/calls/1/status", params={"at": before}, headers=clerk).json()
    assert earlier["units"][0]["state"] == "not_submitted"
    now = api.get("/api/v1/calls/1/status", headers=clerk).json()
    assert (now["units"][0]["state"], now["units"][0]["entries"]) == ("submitted", 1)


def test_issue_a_call(world: Muster, api: TestClient) -> None:
    consul = _as(world, "north", "C1", "review")
    due = {"workplace": "2021-07-25T18:00+09:00", "consulate": "2021-07-26T18:00",
           "mission": "2021-07-27T00:00Z"}  # fmt: skip
    body = {"by": "C1", "scope": "C1", "categories": ["illness"], "due": due, "title": "North"}
    made = api.post("/api/v1/calls", json=body, headers=consul)
    assert made.status_code == 201, made.text
    assert made.json()["due"]["workplace"] == "2021-07-25T09:00:00Z"
    assert made.json()["due"]["consulate"] == "2021-07-26T18:00:00Z"
    listed = api.get("/api/v1/calls", headers=_as(world, "w3", "W3", "submit")).json()
    assert [c["title"] for c in listed] == ["July call"]  # C1's call is not W3's business
    wrong = api.post("/api/v1/calls", json={**body, "categories": ["gossip"]}, headers=consul)
    assert wrong.status_code == 400 and "gossip" in wrong.json()["detail"]
    other = api.post("/api/v1/calls", json={**body, "by": "C2", "scope": "C2"}, headers=consul)
    assert other.status_code == 404


def test_submit_review_forward(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    consul = _as(world, "north", "C1", "review")
    first = _upload(api, clerk, GOOD_CSV)
    assert first.json() == {"version": 1, "entries": 1, "duplicate": False,
                            "state": "submitted", "warnings": []}  # fmt: skip
    returned = api.post(W1 + "/review", json={"decision": "return", "reason": "row 2: since?"},
                        headers=consul)  # fmt: skip
    assert returned.json() == {"state": "returned"}
    standing = api.get(W1, headers=clerk).json()
    assert standing == {"state": "returned", "versions": 1, "accepted_version": None,
                        "correction_of": None, "return_reason": "row 2: since?"}  # fmt: skip
    second = _upload(api, clerk, V2)
    assert second.json()["version"] == 2, second.text
    no_reason = api.post(W1 + "/review", json={"decision": "return"}, headers=consul)
    assert no_reason.status_code == 400
    assert api.post(W1 + "/review", json={"decision": "accept"}, headers=consul).json() == {
        "state": "accepted"
    }
    refused = api.post("/api/v1/calls/1/units/C1/forward", json={}, headers=consul)
    assert refused.status_code == 400 and "W2" in refused.json()["detail"]
    forwarded = api.post("/api/v1/calls/1/units/C1/forward", json={"partial": True},
                         headers=consul)  # fmt: skip
    assert forwarded.json() == {"version": 1, "entries": 2, "carried": ["W1"], "new": ["W1"],
                                "outstanding": ["W2 has sent nothing"]}  # fmt: skip
    history = api.get(W1 + "/history", headers=consul).json()
    assert [e["state"] for e in history] == [
        "submitted", "returned", "submitted", "accepted", "forwarded",
    ]  # fmt: skip


def test_entries_and_diff_as_seen(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    _upload(api, clerk, GOOD_CSV)
    _upload(api, clerk, V2)
    consul = _as(world, "north", "C1", "review")  # no medical permission
    seen = api.get(W1 + "/entries", headers=consul).json()
    assert seen["version"] == {"number": 2, "created_at": "2021-07-20T09:00:00Z",
                               "created_by": "w1", "entry_count": 2}  # fmt: skip
    assert [e["family_name"] for e in seen["entries"]] == ["Kim", "Ri"]
    assert seen["entries"][0]["note"] != "fever"  # medical note redacted
    hq = _as(world, "hq", "HQ", "review", "medical")
    everything = api.get(W1 + "/entries", headers=hq).json()
    assert [e["family_name"] for e in everything["entries"]] == ["Kim", "Ri"]
    assert everything["entries"][0]["note"] == "fever"
    assert everything["entries"][0]["date_of_birth"] == "1985-03-14"
    first = api.get(W1 + "/entries", params={"version": 1}, headers=hq).json()
    assert first["version"]["number"] == 1
    diff = api.get(W1 + "/diff", headers=hq).json()
    assert (diff["from_version"], diff["to_version"]) == (1, 2)
    assert [(c["kind"], c["after"]["family_name"]) for c in diff["changes"]] == [("added", "Ri")]
    assert len(api.get(W1 + "/diff", headers=consul).json()["changes"]) == 1
    assert api.get(W1 + "/entries", params={"version": 3}, headers=hq).status_code == 404


def test_nothing_to_report(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    done = api.post(W1 + "/nothing-to-report", headers=clerk)
    assert done.json() == {"version": 1, "entries": 0, "duplicate": False,
                           "state": "submitted", "warnings": []}  # fmt: skip
    again = api.post(W1 + "/nothing-to-report", headers=clerk)
    assert again.status_code == 400 and "already reported nothing" in again.json()["detail"]


def test_a_refused_file_answers_the_errors_of_the_command_line(
    world: Muster, api: TestClient
) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    refused = _upload(api, clerk, BAD_CSV)
    assert refused.status_code == 422
    with world.uow() as uow, pytest.raises(IntakeRejected) as cli:
        submit_list(
            uow, OPERATOR, world.archive, call_id=1, unit_code="W1", data=BAD_CSV.encode(),
            filename="w1.csv", limits=world.limits(), now=world.clock(),
        )  # fmt: skip
    expected = sorted(cli.value.errors, key=lambda e: (e.row, e.column))
    body = refused.json()
    assert body["count"] == len(expected) == 2
    assert [(e["row"], e["column"], e["value"], e["expected"]) for e in body["errors"]] == [
        (e.row, e.column, e.value, e.expected) for e in expected
    ]
    assert [e["message"] for e in body["errors"]] == [str(e) for e in expected]
    assert {e["column"] for e in body["errors"]} == {"date_of_birth", "wants_to_return"}
    empty = _upload(api, clerk, HEADER)
    assert empty.status_code == 422 and empty.json()["errors"][0]["row"] == 0
    status = api.get("/api/v1/calls/1/status", headers=clerk).json()
    assert status["units"][0]["state"] == "not_submitted"


def test_files_and_their_bytes(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    _upload(api, clerk, GOOD_CSV)
    _upload(api, clerk, BAD_CSV)
    listed = api.get(W1 + "/files", headers=clerk).json()
    assert [(f["filename"], f["outcome"], f["sender"]) for f in listed] == [
        ("w1.csv", "accepted", "w1"), ("w1.csv", "rejected", "w1"),
    ]  # fmt: skip
    assert api.get(f"/api/v1/files/{listed[0]['id']}", headers=clerk).status_code == 404
    admin = _as(world, "hq", "HQ", "admin")
    original = api.get(f"/api/v1/files/{listed[0]['id']}", headers=admin)
    assert original.status_code == 200 and original.content == GOOD_CSV.encode()


def test_notices(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    consul = _as(world, "north", "C1", "review")
    _upload(api, clerk, GOOD_CSV)
    api.post(W1 + "/review", json={"decision": "return", "reason": "fix row 2"}, headers=consul)
    found = api.get("/api/v1/notices", headers=clerk).json()
    assert [(n["kind"], n["detail"]["reason"], n["read_at"]) for n in found] == [
        ("returned", "fix row 2", None)
    ]
    assert api.post("/api/v1/notices/read", headers=clerk).json() == {"unread": 0}
    assert api.get("/api/v1/notices", headers=clerk).json()[0]["read_at"] is not None
    assert api.get("/api/v1/notices", headers=consul).json() == []


def test_the_openapi_document_describes_every_route_behind_the_bearer_token(
    api: TestClient,
) -> None:
    document = api.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    operations = [op for path in document["paths"].values() for op in path.values()]
    assert len(operations) >= 16
    for operation in operations:
        assert operation["security"] == [{"bearer": []}]
        success = {"200", "201", "202"} & set(operation["responses"])
        assert len(success) == 1 and {"401", "403", "404", "422"} <= set(operation["responses"])
    upload = document["paths"]["/api/v1/calls/{call_id}/units/{unit_code}/list"]["post"]
    assert "Idempotency-Key" in {p["name"] for p in upload["parameters"]}
    assert "multipart/form-data" in upload["requestBody"]["content"]
    rejected = upload["responses"]["422"]["content"]["application/json"]["schema"]
    assert rejected == {"$ref": "#/components/schemas/Rejected"}
    pool = document["paths"]["/api/v1/rotation/pool"]["post"]  # a job: 202, with a key
    assert "Idempotency-Key" in {p["name"] for p in pool["parameters"]}
    queued = pool["responses"]["202"]["content"]["application/json"]["schema"]
    assert queued == {"$ref": "#/components/schemas/JobOut"}


def test_the_web_status_endpoint_still_answers_the_session(world: Muster) -> None:
    from tests.web.conftest import signed_in

    client, _ = signed_in(world, "w1")
    response = client.get("/api/calls/1/status")
    assert response.status_code == 200 and response.json()[0]["unit"] == "W1"


def test_times_utc_cannot_hold_are_refused_not_crashed(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    early = api.get("/api/v1/calls/1/status", params={"at": "0001-01-01T00:00+05:00"},
                    headers=clerk)  # fmt: skip
    assert early.status_code == 400 and "years 1 to 9999" in early.json()["detail"]
    late = "9999-12-31T23:00-05:00"
    body = {"by": "C1", "scope": "C1", "categories": ["illness"],
            "due": {"workplace": late, "consulate": late, "mission": late}}  # fmt: skip
    made = api.post("/api/v1/calls", json=body, headers=_as(world, "north", "C1", "review"))
    assert made.status_code == 400
    garbled = api.post("/api/v1/calls", content=b"{\x91", headers={
        **_as(world, "north", "C1", "review"), "content-type": "application/json"})  # fmt: skip
    assert garbled.status_code == 400 and garbled.json() == {
        "detail": "There was an error parsing the body"
    }


def test_receipts_do_not_quote_a_refused_files_cells(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    _upload(api, clerk, BAD_CSV)
    (receipt,) = api.get(W1 + "/files", headers=clerk).json()
    assert receipt["outcome"] == "rejected" and "reasons" not in receipt
    assert "1990-13-02" not in str(receipt)


def test_worklist(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    consul = _as(world, "north", "C1", "review")
    owed = api.get("/api/v1/worklist", headers=clerk).json()
    assert [(o["call_id"], o["unit"]["unit"], o["late"]) for o in owed["owed"]] == [
        (1, "W1", False)
    ]
    assert owed["to_review"] == []
    _upload(api, clerk, GOOD_CSV)
    waiting = api.get("/api/v1/worklist", headers=consul).json()
    assert [(r["unit"]["unit"], r["version"]) for r in waiting["to_review"]] == [("W1", 1)]
    assert api.get("/api/v1/worklist", headers=clerk).json()["owed"] == []


def test_the_template_is_the_roster(world: Muster, api: TestClient) -> None:
    clerk = _as(world, "w1", "W1", "submit")
    csv = api.get(W1 + "/template", params={"format": "csv"}, headers=clerk)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "김철수" in csv.content.decode("utf-8-sig")
    xlsx = api.get(W1 + "/template", headers=clerk)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert api.get("/api/v1/calls/1/units/C1/template", headers=clerk).status_code == 404
