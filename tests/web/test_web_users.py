"""User administration within the admin's subtree: create, disable, enable, reset password."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.accounts import set_password
from muster.services.registry import add_user
from muster.web import create_app
from tests.web.conftest import PASSWORD, sign_in, signed_in
from tests.web.messages import untranslated


def c1_admin(world: Muster) -> tuple[TestClient, str]:
    with world.uow() as uow:
        add_user(uow, OPERATOR, "c1.admin", "C1", ["admin", "review"])
    with world.uow() as uow:
        set_password(uow, OPERATOR, "c1.admin", PASSWORD, world.clock())
    return signed_in(world, "c1.admin")


def test_the_admin_lists_the_users_of_the_subtree(world: Muster) -> None:
    admin, _ = c1_admin(world)
    page = admin.get("/users")
    assert page.status_code == 200
    listed = set(re.findall(r'id="user-([^"]+)"', page.text))
    assert listed == {"c1.admin", "north", "w1"}
    assert 'value="C1"' in page.text and 'value="W2"' in page.text and 'value="C2"' not in page.text
    grantable = re.findall(r'name="permission" value="(\w+)"', page.text)
    assert grantable == ["review", "admin"]


def test_create_a_user_with_permissions_held_and_no_more(world: Muster) -> None:
    admin, token = c1_admin(world)
    made = admin.post(
        "/users",
        data={
            "csrf_token": token,
            "name": "w2.clerk",
            "unit": "W2",
            "permission": ["review"],
            "password": "a fine password",
        },
    )
    assert made.status_code == 303
    with world.uow() as uow:
        user = uow.users.get("w2.clerk")
    assert (
        user is not None
        and user.unit_code == "W2"
        and [p.value for p in user.permissions] == ["review"]
    )
    sign_in(TestClient(create_app(world), follow_redirects=False), "w2.clerk", "a fine password")
    refused = admin.post(
        "/users",
        data={"csrf_token": token, "name": "x", "unit": "W2", "permission": ["protection"]},
    )
    assert refused.status_code == 403
    short = admin.post(
        "/users", data={"csrf_token": token, "name": "z", "unit": "W2", "password": "short"}
    )
    assert short.status_code == 400 and "10 characters" in short.text
    outside = admin.post("/users", data={"csrf_token": token, "name": "y", "unit": "W3"})
    assert outside.status_code == 404
    with world.uow() as uow:
        assert all(uow.users.get_any(name) is None for name in ("x", "y", "z"))


def test_disable_ends_sessions_and_sign_in_then_enable(world: Muster) -> None:
    admin, token = c1_admin(world)
    north, _ = signed_in(world, "north")
    assert north.get("/").status_code == 200
    assert admin.post("/users/north/disable", data={"csrf_token": token}).status_code == 303
    assert north.get("/").status_code == 303  # the session no longer works
    page = admin.get("/users").text
    assert "disabled since" in page.split('id="user-north"')[1].split("</tr>")[0]
    fresh = TestClient(create_app(world), follow_redirects=False)
    form = fresh.get("/sign-in").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf
    refused = fresh.post(
        "/sign-in", data={"name": "north", "password": PASSWORD, "csrf_token": csrf.group(1)}
    )
    assert refused.status_code == 401
    assert admin.post("/users/north/enable", data={"csrf_token": token}).status_code == 303
    signed_in(world, "north")
    with world.uow() as uow:
        actions = [
            (e.actor, e.action, e.entity_id)
            for e in uow.audit.events()
            if e.action in ("disable_user", "enable_user")
        ]
    assert actions == [("c1.admin", "disable_user", "north"), ("c1.admin", "enable_user", "north")]


def test_reset_password_shows_a_one_time_password_once(world: Muster) -> None:
    admin, token = c1_admin(world)
    page = admin.post("/users/w1/password", data={"csrf_token": token})
    assert page.status_code == 200
    found = re.search(r'<output id="one-time" class="done">([^<]+)</output>', page.text)
    assert found
    secret = found.group(1)
    assert secret not in admin.get("/users").text
    w1 = TestClient(create_app(world), follow_redirects=False)
    own = sign_in(w1, "w1", secret)
    changed = w1.post(
        "/account/password",
        data={"csrf_token": own, "current": secret, "new": "my very own secret"},
    )
    assert changed.status_code == 303
    sign_in(TestClient(create_app(world), follow_redirects=False), "w1", "my very own secret")
    with world.uow() as uow:
        assert [e.actor for e in uow.audit.events({"set_password"}) if e.entity_id == "w1"][
            -2:
        ] == [
            "c1.admin",
            "w1",
        ]


def test_users_page_in_korean(world: Muster) -> None:
    admin, token = c1_admin(world)
    admin.post("/users/north/disable", data={"csrf_token": token})
    korean = {"accept-language": "ko"}
    for page in (
        admin.get("/users", headers=korean),
        admin.post("/users/w1/password", data={"csrf_token": token}, headers=korean),
        admin.get("/account/password", headers=korean),
    ):
        assert page.status_code == 200
        assert untranslated(page.text) == []
