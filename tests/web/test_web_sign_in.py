"""Sign-in: passwords, cookies, expiry, sign-out (here and everywhere), throttling, audit."""

from __future__ import annotations

from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.services.accounts import ACCOUNT_FAILURES, ADDRESS_FAILURES
from muster.web import create_app
from tests.integration.conftest import Clock
from tests.web.conftest import PASSWORD, csrf_of, sign_in, signed_in


def _try(client: TestClient, name: str, password: str) -> int:
    page = client.get("/sign-in")
    data = {"name": name, "password": password, "csrf_token": csrf_of(page.text)}
    return client.post("/sign-in", data=data).status_code


def _audit(world: Muster, *actions: str) -> list[tuple[str, str]]:
    with world.uow() as uow:
        return [(e.actor, e.action) for e in uow.audit.events(actions)]


def test_sign_in_sets_a_safe_cookie_and_opens_home(world: Muster) -> None:
    client = TestClient(create_app(world), follow_redirects=False)
    page = client.get("/sign-in")
    data = {"name": "w1", "password": PASSWORD, "csrf_token": csrf_of(page.text), "next": "/calls"}
    response = client.post("/sign-in", data=data)
    assert response.status_code == 303 and response.headers["location"] == "/calls"
    cookie = response.headers["set-cookie"]
    assert "muster_session=" in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Secure" not in cookie  # plain HTTP (loopback); over HTTPS it is Secure
    assert client.get("/").status_code == 200
    assert ("w1", "login") in _audit(world, "login")


def test_cookie_is_secure_over_https(world: Muster) -> None:
    client = TestClient(create_app(world), base_url="https://testserver", follow_redirects=False)
    page = client.get("/sign-in")
    data = {"name": "w1", "password": PASSWORD, "csrf_token": csrf_of(page.text)}
    assert "Secure" in client.post("/sign-in", data=data).headers["set-cookie"]


def test_next_never_leaves_the_site(world: Muster) -> None:
    client = TestClient(create_app(world), follow_redirects=False)
    page = client.get("/sign-in")
    data = {"name": "w1", "password": PASSWORD, "csrf_token": csrf_of(page.text),
            "next": "//evil.example/"}  # fmt: skip
    assert client.post("/sign-in", data=data).headers["location"] == "/"


def test_wrong_password_and_unknown_user_look_the_same(world: Muster) -> None:
    client = TestClient(create_app(world), follow_redirects=False)
    assert _try(client, "w1", "wrong password!") == 401
    assert _try(client, "nobody", "wrong password!") == 401
    assert ("w1", "login_failed") in _audit(world, "login_failed")


def test_account_locks_after_failures_then_unlocks(world: Muster, clock: Clock) -> None:
    client = TestClient(create_app(world), follow_redirects=False)
    for _ in range(ACCOUNT_FAILURES):
        assert _try(client, "w1", "wrong password!") == 401
    assert _try(client, "w1", PASSWORD) == 429  # locked, even with the right password
    assert ("w1", "login_locked") in _audit(world, "login_locked")
    assert _try(client, "w3", PASSWORD) == 303  # another account from the same address
    clock.advance(minutes=16)
    assert _try(client, "w1", PASSWORD) == 303


def test_address_locks_after_failures_across_accounts(world: Muster) -> None:
    client = TestClient(create_app(world), follow_redirects=False)
    for number in range(ADDRESS_FAILURES):
        _try(client, f"guess{number}", "wrong password!")
    assert _try(client, "north", PASSWORD) == 429


def test_session_expires(world: Muster, clock: Clock) -> None:
    client, _ = signed_in(world, "w1")
    clock.advance(hours=13)
    response = client.get("/")
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")


def test_sign_out_and_sign_out_everywhere(world: Muster) -> None:
    first, token = signed_in(world, "w1")
    second, _ = signed_in(world, "w1")
    assert first.post("/sign-out", data={"csrf_token": token}).status_code == 303
    assert first.get("/").status_code == 303
    assert second.get("/").status_code == 200
    third, token3 = signed_in(world, "w1")
    response = third.post("/sign-out", data={"csrf_token": token3, "everywhere": "1"})
    assert response.status_code == 303
    assert second.get("/").status_code == 303 and third.get("/").status_code == 303
    actions = [a for _u, a in _audit(world, "sign_out", "sign_out_everywhere")]
    assert actions == ["sign_out", "sign_out_everywhere"]


def test_a_user_without_a_password_cannot_sign_in(world: Muster) -> None:
    from muster.domain.users import OPERATOR
    from muster.services.registry import add_user

    with world.uow() as uow:
        add_user(uow, OPERATOR, "newbie", "W1", ["submit"])
    client = TestClient(create_app(world), follow_redirects=False)
    assert _try(client, "newbie", "") in (401, 422)
    assert _try(client, "newbie", "anything at all") == 401


def test_the_session_token_is_not_stored(world: Muster) -> None:
    client = TestClient(create_app(world), follow_redirects=False)
    sign_in(client, "w1")
    token = client.cookies["muster_session"]
    with world.uow() as uow:
        from sqlalchemy import text

        stored = [r[0] for r in uow.session.execute(text("SELECT token_sha256 FROM web_sessions"))]
    assert stored and token not in stored


def test_cli_sets_passwords(world: Muster) -> None:
    from typer.testing import CliRunner

    from muster.cli import app

    url = world.settings.database_url
    runner = CliRunner()
    add = ["user", "add", "--name", "clerk2", "--unit", "W1", "--permission", "submit"]
    added = runner.invoke(app, ["--db", url, *add, "--password", "first password"])
    assert added.exit_code == 0, added.output
    client = TestClient(create_app(world), follow_redirects=False)
    assert _try(client, "clerk2", "first password") == 303
    changed = runner.invoke(app, ["--db", url, "user", "password", "--name", "clerk2",
                                  "--password", "second password"])  # fmt: skip
    assert changed.exit_code == 0, changed.output
    assert client.get("/").status_code == 303  # a new password ends every session
    assert _try(client, "clerk2", "first password") == 401
    assert _try(client, "clerk2", "second password") == 303
    short = runner.invoke(app, ["--db", url, "user", "password", "--name", "clerk2",
                                "--password", "short"])  # fmt: skip
    assert short.exit_code == 1
    no_terminal = runner.invoke(app, ["--db", url, "user", "password", "--name", "clerk2"])
    assert no_terminal.exit_code == 1
