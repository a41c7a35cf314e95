"""Access to the registry, protection, audit and user pages: signed out -> sign-in; another
subtree -> 404 (or left out) with no data; a missing permission -> 403 with no data; a POST
without its CSRF token -> 403, and nothing changed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.accounts import set_password
from muster.services.registry import add_user, set_hold
from muster.web import create_app
from tests.web.conftest import HEADER, PASSWORD, signed_in

PAGES = ["/people", "/people?q=Kim", "/people/P1", "/protection", "/audit", "/audit.csv",
         "/users", "/account/password"]  # fmt: skip
SECRETS = ("Kim", "김철수", "M1234567", "Gim", "Cheol-su", "north")
# A W1 list names Gim Cheol-su without id or birth date: it may be P1, who is held.
NAMESAKE = HEADER + ",Gim,Cheol-su,,,M,,illness,2021-07-01,no,yes,\n"
# Every route these tests run their refusals over (test_web_routes_covered.py reads it).
ROUTES_COVERED = [("GET", p) for p in PAGES] + [
    ("POST", p) for p in ("/protection/holds", "/protection/matches/1", "/users",
                          "/users/north/disable", "/users/north/enable",
                          "/users/north/password", "/account/password")
]  # fmt: skip


@pytest.fixture
def places(world: Muster) -> Muster:
    """P1 (W1) held; a W1 list that may name them; admins and officers of C2; who ruled."""
    for name, unit, permissions in (
        ("c2.admin", "C2", ["admin"]),
        ("c2.officer", "C2", ["protection"]),
        ("m1.reviewer", "M1", ["review"]),
    ):
        with world.uow() as uow:
            add_user(uow, OPERATOR, name, unit, permissions)
        with world.uow() as uow:
            set_password(uow, OPERATOR, name, PASSWORD, world.clock())
    with world.uow() as uow:
        set_hold(uow, OPERATOR, "P1", True, "asked for protection", world.clock())
    w1, token = signed_in(world, "w1")
    files = {"file": ("w1.csv", NAMESAKE.encode(), "text/csv")}
    assert w1.post("/calls/1/units/W1/upload", data={"csrf_token": token}, files=files).is_success
    return world


def match_ids(app: Muster) -> list[int]:
    from muster.services.protection import hold_queue

    with app.uow() as uow:
        return [q.match.id for q in hold_queue(uow, OPERATOR)]


def unchanged(app: Muster) -> None:
    """Nothing of what the forms change has changed."""
    with app.uow() as uow:
        assert uow.holds.held() == {"P1"}
        assert uow.users.get("north") is not None and uow.users.get_any("new.one") is None
        done = uow.audit.events({"hold_match_confirm", "release", "disable_user", "add_user",
                                 "set_password", "enable_user"})  # fmt: skip
    assert [e for e in done if e.actor != "operator"] == []
    assert len(match_ids(app)) == 1


def posts(app: Muster) -> list[str]:
    (match,) = match_ids(app)
    return ["/protection/holds", f"/protection/matches/{match}", "/users",
            "/users/north/disable", "/users/north/enable", "/users/north/password",
            "/account/password"]  # fmt: skip


FORM = {"person_id": "P1", "action": "release", "reason": "r", "ruling": "confirm",
        "name": "new.one", "unit": "W1", "current": PASSWORD, "new": "another pass"}  # fmt: skip


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_pages_go_to_sign_in(places: Muster, path: str) -> None:
    response = TestClient(create_app(places), follow_redirects=False).get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")
    assert not any(s in response.text for s in SECRETS)


def test_signed_out_posts_go_to_sign_in(places: Muster) -> None:
    client = TestClient(create_app(places), follow_redirects=False)
    for path in posts(places):
        response = client.post(path, data={"csrf_token": "x", **FORM})
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in")
    unchanged(places)


@pytest.mark.parametrize(
    ("user", "path"),
    [("south", "/people/P1"), ("south", "/people/P2"), ("c2.officer", "/people/P1"),
     ("c2.admin", "/audit?unit=C1"), ("c2.admin", "/audit.csv?unit=W1")],
)  # fmt: skip
def test_another_subtree_gets_404_and_no_data(places: Muster, user: str, path: str) -> None:
    client, token = signed_in(places, user)
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)
    body = response.text.replace(token, "")  # a random token may hold any two letters
    assert not any(s in body for s in SECRETS if s != "north")


@pytest.mark.parametrize(
    ("user", "path"),
    [("south", "/people?q=Kim+Chol+Su"), ("south", "/people?q=P2"),
     ("c2.officer", "/people?q=김철수"), ("c2.officer", "/protection"),
     ("c2.admin", "/users"), ("c2.admin", "/audit"), ("c2.admin", "/audit.csv")],
)  # fmt: skip
def test_another_subtree_is_left_out_of_lists(places: Muster, user: str, path: str) -> None:
    client, token = signed_in(places, user)
    response = client.get(path)
    assert response.status_code == 200, path
    body = response.text.split('<main id="main">')[-1].split('id="found"')[-1]  # not the query
    body = body.replace(token, "")  # a random token may hold any two letters
    assert not any(s in body for s in ("김철수", "M1234567", "Cheol-su", "P1", "P2", "W1")), path
    assert "north" not in body.replace(f"{user}", "")


@pytest.mark.parametrize("path", ["/protection", "/audit", "/audit.csv", "/users"])
def test_missing_permission_gets_403_and_no_data(places: Muster, path: str) -> None:
    client, token = signed_in(places, "m1.reviewer")  # review only, over W1 and W2
    response = client.get(path)
    assert response.status_code == 403, path
    assert not any(s in response.text.replace(token, "") for s in SECRETS)


def test_held_person_is_absent_without_protection(places: Muster) -> None:
    client, _ = signed_in(places, "north")
    assert client.get("/people/P1").status_code == 404
    assert "P1" not in client.get("/people?q=P1").text.split('id="found"')[-1]


@pytest.mark.parametrize("user", ["c2.officer", "c2.admin"])
def test_another_subtrees_posts_get_404_and_change_nothing(places: Muster, user: str) -> None:
    client, token = signed_in(places, user)
    for path in posts(places)[:-1]:
        if ("/users" in path) is (user != "c2.admin"):
            continue  # each user tries the forms of their own permission
        response = client.post(path, data={"csrf_token": token, **FORM})
        assert response.status_code == 404, (path, response.status_code)
        assert not any(s in response.text.replace(token, "") for s in SECRETS if s != "north")
    unchanged(places)


def test_missing_permission_posts_get_403_and_change_nothing(places: Muster) -> None:
    client, token = signed_in(places, "m1.reviewer")
    for path in posts(places)[:-1]:
        response = client.post(path, data={"csrf_token": token, **FORM})
        assert response.status_code == 403, (path, response.status_code)
    unchanged(places)


@pytest.mark.parametrize("token", [None, "forged"])
def test_posts_without_the_csrf_token_are_refused(places: Muster, token: str | None) -> None:
    client, _real = signed_in(places, "hq")
    data = dict(FORM, current=PASSWORD)
    if token:
        data["csrf_token"] = token
    for path in posts(places):
        response = client.post(path, data=data)
        assert response.status_code == 403, (path, response.status_code)
    assert client.get("/").status_code == 200
    unchanged(places)
