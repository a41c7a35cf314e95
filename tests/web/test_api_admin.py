"""Administration through the API: the audit log (filters, pages, CSV, hold events only with
`protection`), users (create within one's permissions, disable — their tokens stop working —,
enable, a one-time password), and one's own API tokens (list, revoke)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.registry import add_user, set_hold
from muster.web import create_app
from tests.web.api_helpers import token_for
from tests.web.conftest import sign_in
from tests.web.test_api_people import Api


def _add(world: Muster, name: str, unit: str, permissions: list[str]) -> None:
    with world.uow() as uow:
        add_user(uow, OPERATOR, name, unit, permissions)


def test_the_audit_log_of_the_subtree_with_filters_and_pages(world: Muster) -> None:
    _add(world, "c1.admin", "C1", ["admin"])
    north = Api(world, "north", "C1", ["review"])
    assert north.get("/api/v1/people/P1").status_code == 200
    assert Api(world, "south", "C2", ["review"]).get("/api/v1/people/P3").status_code == 200
    c1 = Api(world, "c1.admin", "C1", ["admin"]).get("/api/v1/audit", action="read_person")
    assert c1.status_code == 200, c1.text
    assert [(e["actor"], e["entity_id"], e["units"]) for e in c1.json()["events"]] == [
        ("north", "P1", ["W1"])
    ]
    hq = Api(world, "hq", "HQ", ["admin"])
    day = datetime.now(UTC).date().isoformat()  # the log keeps the real time of each event
    found = hq.get("/api/v1/audit", actor="north", action="read_person", unit="C1", since=day,
                   until=day).json()  # fmt: skip
    assert (found["total"], found["events"][0]["entity_id"]) == (1, "P1")
    assert "read_person" in found["actions"]
    later = hq.get("/api/v1/audit", action="read_person", since="2030-01-01").json()
    assert (later["total"], later["events"]) == (0, [])
    assert hq.get("/api/v1/audit", since="yesterday").status_code == 422
    for _ in range(55):
        north.get("/api/v1/people", q="Kim")
    second = hq.get("/api/v1/audit", action="search_people", page=2).json()
    assert (second["total"], second["pages"], second["page"], second["page_size"]) == (
        55, 2, 2, 50,
    )  # fmt: skip
    assert len(second["events"]) == 5 and second["events"][0]["after"]["query"] == "Kim"


def test_hold_events_need_protection_and_the_csv_export(world: Muster) -> None:
    _add(world, "auditor", "HQ", ["admin"])
    with world.uow() as uow:
        set_hold(uow, OPERATOR, "P1", True, "asked for protection", world.clock())
    auditor = Api(world, "auditor", "HQ", ["admin"])
    assert auditor.get("/api/v1/audit", action="hold").json()["total"] == 0
    assert "P1" not in auditor.get("/api/v1/audit.csv", action="hold").text
    hq = Api(world, "hq", "HQ", ["admin", "protection"])
    assert hq.get("/api/v1/audit", action="hold").json()["total"] == 1
    hq.get("/api/v1/people", q="=cmd|' /C calc'!A0")
    export = hq.get("/api/v1/audit.csv", action="search_people")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["at", "actor", "action"] and len(rows) == 2
    assert rows[1][2] == "search_people" and "=cmd" in rows[1][7]
    assert all(not v.startswith(("=", "+", "-", "@")) for row in rows for v in row)
    with world.uow() as uow:
        assert [e.actor for e in uow.audit.events({"export_audit"})] == ["auditor", "hq"]


def test_users_are_made_within_the_admins_permissions(world: Muster) -> None:
    _add(world, "c1.admin", "C1", ["admin", "review"])
    admin = Api(world, "c1.admin", "C1", ["admin", "review"])
    listed = admin.get("/api/v1/users").json()
    assert [u["name"] for u in listed] == ["c1.admin", "north", "w1"]
    assert listed[1] == {"name": "north", "unit": "C1", "permissions": ["review", "submit"],
                         "disabled_at": None, "has_password": True}  # fmt: skip
    too_much = admin.post("/api/v1/users", {"name": "x.one", "unit": "W1",
                                            "permissions": ["protection"]})  # fmt: skip
    assert too_much.status_code == 403
    outside = admin.post("/api/v1/users", {"name": "x.one", "unit": "W3"})
    assert (outside.status_code, outside.json()) == (404, {"detail": "not found"})
    made = admin.post("/api/v1/users", {"name": "new.one", "unit": "W1",
                                        "permissions": ["review"]})  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json() == {"name": "new.one", "unit": "W1", "permissions": ["review"],
                           "disabled_at": None, "has_password": False}  # fmt: skip
    assert admin.post("/api/v1/users", {"name": "new.one", "unit": "W1"}).status_code == 400
    reset = admin.post("/api/v1/users/new.one/password")
    assert reset.status_code == 200 and reset.headers["cache-control"] == "no-store"
    secret = reset.json()["password"]
    assert reset.json()["name"] == "new.one" and len(secret) >= 12
    browser = TestClient(create_app(world), follow_redirects=False)
    sign_in(browser, "new.one", secret)  # the one-time password signs in
    with world.uow() as uow:
        events = uow.audit.events({"set_password"})
    assert secret not in repr([e.after for e in events])  # never kept in clear


def test_a_disabled_users_tokens_stop_working_until_enabled(world: Muster) -> None:
    admin = Api(world, "hq", "HQ", ["admin"])
    north = Api(world, "north", "C1", ["review"])
    assert north.get("/api/v1/me").status_code == 200
    disabled = admin.post("/api/v1/users/north/disable")
    assert disabled.status_code == 200 and disabled.json()["disabled_at"] is not None
    refused = north.get("/api/v1/me")
    assert (refused.status_code, refused.json()) == (
        401,
        {"detail": "a valid API token is required"},
    )
    assert admin.post("/api/v1/users/north/disable").status_code == 400  # already
    assert admin.post("/api/v1/users/hq/disable").status_code == 400  # not oneself
    enabled = admin.post("/api/v1/users/north/enable")
    assert enabled.status_code == 200 and enabled.json()["disabled_at"] is None
    assert north.get("/api/v1/me").status_code == 200
    assert admin.post("/api/v1/users/nobody/enable").status_code == 404


def test_own_tokens_are_listed_and_revoked(world: Muster) -> None:
    north = Api(world, "north", "C1", ["review"])
    other = Api(world, "north", "W1", ["submit"])
    token_for(world, "south", "C2", ["review"])
    listed = north.get("/api/v1/tokens").json()
    assert [(t["unit"], t["permissions"], t["state"]) for t in listed] == [
        ("W1", ["submit"], "active"), ("C1", ["review"], "active")
    ]  # fmt: skip
    assert all("secret" not in t and t["owner"] == "north" for t in listed)
    revoked = north.post(f"/api/v1/tokens/{listed[0]['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    assert other.get("/api/v1/me").status_code == 401
    assert north.post(f"/api/v1/tokens/{listed[0]['id']}/revoke").status_code == 400
    assert north.post("/api/v1/tokens/3/revoke").status_code == 404  # south's
    assert north.get("/api/v1/me").status_code == 200
