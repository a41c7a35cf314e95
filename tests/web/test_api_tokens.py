"""API tokens: kept as a hash, the secret shown once, scoped to a unit and permissions of
the owner (narrowed when the owner is), expiring, revocable; every refusal audited."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from muster.bootstrap import Muster
from muster.domain.errors import DomainError, NotFound, NotPermitted
from muster.domain.users import OPERATOR
from muster.services.actors import resolve_user
from muster.services.registry import add_user
from muster.services.tokens import create_token, revoke_token, tokens_of
from muster.store.tables import AuditEventRow, UserRow
from muster.store.tokens import ApiTokenRow
from tests.integration.conftest import Clock
from tests.web.api_helpers import bearer, token_for
from tests.web.conftest import csrf_of, signed_in
from tests.web.messages import untranslated


def _get(world: Muster, path: str, secret: str) -> tuple[int, dict[str, object]]:
    from muster.web import create_app

    client = TestClient(create_app(world), follow_redirects=False)
    response = client.get(path, headers=bearer(secret))
    return response.status_code, response.json()


@dataclass(frozen=True)
class Event:
    actor: str
    after: dict[str, Any]


def _audit(world: Muster, action: str) -> list[Event]:
    with world.uow() as uow:
        query = select(AuditEventRow.actor, AuditEventRow.after).where(
            AuditEventRow.action == action
        )
        return [Event(actor, dict(after or {})) for actor, after in uow.session.execute(query)]


def test_only_the_hash_is_stored_and_the_secret_works(world: Muster) -> None:
    secret = token_for(world, "north", "C1", ["review"])
    with world.uow() as uow:
        (row,) = uow.session.scalars(select(ApiTokenRow)).all()
        stored = {c.name: getattr(row, c.name) for c in ApiTokenRow.__table__.columns}
    assert stored["token_sha256"] == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(stored) and secret.split("_", 2)[2] not in repr(stored)
    assert secret.startswith(f"mst_{stored['prefix']}_")
    status, body = _get(world, "/api/v1/me", secret)
    assert (status, body) == (200, {"user": "north", "unit": "C1", "permissions": ["review"]})
    assert [e.after["prefix"] for e in _audit(world, "create_api_token")] == [stored["prefix"]]


def test_a_listing_never_shows_a_secret(world: Muster) -> None:
    secret = token_for(world, "north", "W1", ["submit"])
    with world.uow() as uow:
        listed = tokens_of(uow, resolve_user(uow, "north"))
    assert [(t.unit_code, t.permissions) for t in listed] == [("W1", ("submit",))]
    assert secret not in repr(listed)


def test_expiry(world: Muster, clock: Clock) -> None:
    secret = token_for(world, "north", "C1", ["review"], days=1)
    assert _get(world, "/api/v1/me", secret)[0] == 200
    clock.advance(days=1)
    status, body = _get(world, "/api/v1/me", secret)
    assert (status, body) == (401, {"detail": "a valid API token is required"})
    assert [e.after["reason"] for e in _audit(world, "api_token_refused")] == ["expired"]


def test_revocation(world: Muster) -> None:
    secret = token_for(world, "north", "C1", ["review"])
    with world.uow() as uow:
        north = resolve_user(uow, "north")
        (token,) = tokens_of(uow, north)
        revoke_token(uow, north, token.id, world.clock())
    assert _get(world, "/api/v1/me", secret)[0] == 401
    with world.uow() as uow, pytest.raises(DomainError):
        revoke_token(uow, resolve_user(uow, "north"), token.id, world.clock())
    assert [e.actor for e in _audit(world, "revoke_api_token")] == ["north"]
    assert [e.after["reason"] for e in _audit(world, "api_token_refused")] == ["revoked"]


@pytest.mark.parametrize(
    "presented", ["", "mst_", "mst_nothing_x", "Bearer", "mst_deadbeef_" + "x" * 43]
)
def test_unknown_tokens_get_the_same_answer(world: Muster, presented: str) -> None:
    token_for(world, "north", "C1", ["review"])
    status, body = _get(world, "/api/v1/me", presented)
    assert (status, body) == (401, {"detail": "a valid API token is required"})


def test_a_guess_with_a_real_prefix_is_refused(world: Muster) -> None:
    secret = token_for(world, "north", "C1", ["review"])
    forged = secret[:-4] + ("AAAA" if not secret.endswith("AAAA") else "BBBB")
    assert _get(world, "/api/v1/me", forged)[0] == 401
    (refusal,) = _audit(world, "api_token_refused")
    assert refusal.after == {"reason": "unknown", "prefix": secret.split("_")[1]}


def test_the_session_cookie_is_not_an_api_credential(world: Muster) -> None:
    client, _csrf = signed_in(world, "north")
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/api/v1/calls").status_code == 401


def test_a_token_is_scoped_within_the_owner(world: Muster) -> None:
    with world.uow() as uow:
        north = resolve_user(uow, "north")
        with pytest.raises(NotPermitted):  # C2 lies outside C1's subtree
            create_token(uow, north, unit_code="C2", permissions=["review"], now=world.clock())
        with pytest.raises(NotPermitted):  # north does not plan
            create_token(uow, north, unit_code="C1", permissions=["plan"], now=world.clock())
        with pytest.raises(DomainError):
            create_token(
                uow, north, unit_code="C1", permissions=["review"], now=world.clock(),
                expires_days=400,
            )  # fmt: skip
        with pytest.raises(DomainError):
            create_token(uow, OPERATOR, unit_code="HQ", permissions=["review"], now=world.clock())
    assert _audit(world, "create_api_token") == []


def test_a_demoted_owner_narrows_their_tokens(world: Muster) -> None:
    secret = token_for(world, "north", "W1", ["review", "submit"])
    assert _get(world, "/api/v1/me", secret)[1]["permissions"] == ["review", "submit"]
    with world.uow() as uow:
        uow.session.get(UserRow, "north").permissions = "submit"  # type: ignore[union-attr]
        uow.commit()
    assert _get(world, "/api/v1/me", secret)[1] == {
        "user": "north", "unit": "W1", "permissions": ["submit"],
    }  # fmt: skip
    with world.uow() as uow:  # moved to another consulate: W1 is out of reach
        uow.session.get(UserRow, "north").unit_code = "C2"  # type: ignore[union-attr]
        uow.commit()
    assert _get(world, "/api/v1/me", secret)[0] == 401
    reasons = [e.after["reason"] for e in _audit(world, "api_token_refused")]
    assert reasons == ["out_of_owner_scope"]


def test_admins_list_and_revoke_tokens_of_their_subtree_only(world: Muster) -> None:
    token_for(world, "w1", "W1", ["submit"])
    token_for(world, "w3", "W3", ["submit"])
    with world.uow() as uow:
        add_user(uow, OPERATOR, "c1.admin", "C1", ["admin"])
    with world.uow() as uow:
        admin = resolve_user(uow, "c1.admin")
        listed = tokens_of(uow, admin, everyone=True)
        assert [t.owner for t in listed] == ["w1"]
        with pytest.raises(NotPermitted):
            tokens_of(uow, resolve_user(uow, "north"), everyone=True)
        others = tokens_of(uow, OPERATOR, everyone=True)
        w3 = next(t for t in others if t.owner == "w3")
        with pytest.raises(NotFound):
            revoke_token(uow, admin, w3.id, world.clock())
        with pytest.raises(NotFound):  # a reviewer of C1 is no admin of w1's tokens
            revoke_token(uow, resolve_user(uow, "north"), listed[0].id, world.clock())
        assert revoke_token(uow, admin, listed[0].id, world.clock()).state(world.clock()) == (
            "revoked"
        )


def test_the_tokens_page_shows_the_secret_once(world: Muster) -> None:
    client, csrf = signed_in(world, "north")
    page = client.get("/tokens")
    assert page.status_code == 200 and "mst_" not in page.text
    made = client.post(
        "/tokens",
        data={"csrf_token": csrf, "unit": "W1", "permission": ["submit"], "days": "30",
              "label": "intake robot"},
    )  # fmt: skip
    assert made.status_code == 200 and made.headers["cache-control"] == "no-store"
    secret = made.text.split('<code id="secret">')[1].split("</code>")[0]
    assert _get(world, "/api/v1/me", secret)[1]["unit"] == "W1"
    again = client.get("/tokens")
    assert secret not in again.text and "intake robot" in again.text
    with world.uow() as uow:
        (token,) = tokens_of(uow, resolve_user(uow, "north"))
    revoked = client.post(f"/tokens/{token.id}/revoke", data={"csrf_token": csrf_of(again.text)})
    assert revoked.status_code == 303
    assert _get(world, "/api/v1/me", secret)[0] == 401


def test_the_tokens_page_refuses_what_the_user_does_not_hold(world: Muster) -> None:
    client, csrf = signed_in(world, "north")
    made = client.post("/tokens", data={"csrf_token": csrf, "unit": "C1", "days": "30"})
    assert made.status_code == 400 and "mst_" not in made.text
    assert (
        client.post(
            "/tokens", data={"csrf_token": csrf, "unit": "C1", "permission": "plan", "days": "9"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            "/tokens", data={"csrf_token": csrf, "unit": "C2", "permission": "review", "days": "9"}
        ).status_code
        == 404
    )
    with world.uow() as uow:
        assert tokens_of(uow, resolve_user(uow, "north")) == []


def test_the_tokens_page_in_korean_has_no_untranslated_string(world: Muster) -> None:
    token_for(world, "north", "W1", ["submit"])
    client, csrf = signed_in(world, "north")
    korean = {"accept-language": "ko"}
    page = client.get("/tokens", headers=korean)
    assert page.status_code == 200 and "API 토큰" in page.text
    assert untranslated(page.text) == []
    made = client.post(
        "/tokens", data={"csrf_token": csrf, "unit": "C1", "permission": "review", "days": "5"},
        headers=korean,
    )  # fmt: skip
    assert made.status_code == 200 and "새 토큰" in made.text
    assert untranslated(made.text) == []
