"""The /api/v1 routes of situation, people, protection, audit, users and tokens: no token ->
401; a token of another subtree -> 404 (or only its own subtree's data) with no data of
this one; a permission the token lacks -> 403 with no data; refused writes change nothing.
`ROUTES` lists every route of these areas (test_web_access_api.py checks that every API
route is in some table)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR, Permission
from muster.services.registry import add_user
from muster.services.tokens import tokens_of
from muster.web import create_app
from tests.web.api_helpers import bearer, token_for
from tests.web.conftest import signed_in
from tests.web.situation_world import grow
from tests.web.test_web_access_api import NONE, Route, _call

HOLD = {"person_id": "P5", "action": "release", "reason": "no longer needed"}
USER = {"name": "new.one", "unit": "W1", "permissions": ["review"]}
ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/v1/situation"): Route("/api/v1/situation", NONE, NONE),
    ("GET", "/api/v1/situation/{host}"): Route("/api/v1/situation/XA?on=2022-04-15", 404, NONE),
    ("GET", "/api/v1/people"): Route("/api/v1/people?q=Kim", NONE, NONE),
    ("GET", "/api/v1/people/{person_id}"): Route("/api/v1/people/P1", 404, NONE),
    ("GET", "/api/v1/protection/holds"): Route("/api/v1/protection/holds", NONE, 403),
    ("POST", "/api/v1/protection/holds"): Route("/api/v1/protection/holds", 404, 403, HOLD),
    ("GET", "/api/v1/protection/matches"): Route("/api/v1/protection/matches?all=true", NONE, 403),
    ("POST", "/api/v1/protection/matches/{match_id}"): Route(
        "/api/v1/protection/matches/1", 404, 403, json={"ruling": "confirm"}
    ),
    ("GET", "/api/v1/protection/history"): Route("/api/v1/protection/history", NONE, 403),
    ("GET", "/api/v1/audit"): Route("/api/v1/audit?unit=C1&actor=operator", 404, 403),
    ("GET", "/api/v1/audit.csv"): Route("/api/v1/audit.csv?unit=C1", 404, 403),
    ("GET", "/api/v1/users"): Route("/api/v1/users", NONE, 403),
    ("POST", "/api/v1/users"): Route("/api/v1/users", 404, 403, json=USER),
    ("POST", "/api/v1/users/{name}/disable"): Route("/api/v1/users/north/disable", 404, 403),
    ("POST", "/api/v1/users/{name}/enable"): Route("/api/v1/users/north/enable", 404, 403),
    ("POST", "/api/v1/users/{name}/password"): Route("/api/v1/users/north/password", 404, 403),
    ("GET", "/api/v1/tokens"): Route("/api/v1/tokens", NONE, NONE),
    ("POST", "/api/v1/tokens/{token_id}/revoke"): Route("/api/v1/tokens/1/revoke", 404, NONE),
}
ROUTES_COVERED = [(method, route.path) for (method, _t), route in ROUTES.items()]
SECRETS = ("Kim", "김철수", "M1234567", "Sewing factory", "Kang", "강성미", "asked for protection",
           "Consulate North", "P5")  # fmt: skip
EVERY = [p.value for p in Permission]
# Another subtree: every permission at M2 (host YO); lacking: `review` only, at C1.
OTHER = ("far", "M2", EVERY)
LACKING = ("north", "C1", ["review"])


@pytest.fixture
def places(world: Muster) -> Muster:
    """Two hosts, P5 held and a W1 list that names them (match 1); north's token 1; a user of
    M2 with every permission."""
    grow(world)
    token_for(world, "north", "C1", ["review"])
    with world.uow() as uow:
        add_user(uow, OPERATOR, "far", "M2", EVERY)
        assert [m.id for m in uow.holds.matched({"P5"})] == [1]
    return world


def _unchanged(app: Muster) -> tuple[object, ...]:
    """What a refused write must not change: holds, rulings, users, tokens, passwords."""
    with app.uow() as uow:
        north = uow.users.get_any("north")
        done = uow.audit.events({"release", "hold_match_confirm", "add_user", "disable_user",
                                 "enable_user", "set_password", "revoke_api_token"})  # fmt: skip
        tokens = tokens_of(uow, OPERATOR, everyone=True)
        return (uow.holds.held(), [m.ruling for m in uow.holds.matched({"P5"})],
                north[1] if north else "gone", uow.users.get_any("new.one"),
                [t.revoked_at for t in tokens if t.id == 1],
                [e.action for e in done if e.actor != "operator"])  # fmt: skip


def _secret_free(response: Any, template: str) -> None:
    assert not any(s in response.text for s in SECRETS), (template, response.text)


@pytest.mark.parametrize(("method", "template"), sorted(ROUTES))
def test_refusals_carry_no_data_and_change_nothing(
    places: Muster, method: str, template: str
) -> None:
    route = ROUTES[(method, template)]
    before = _unchanged(places)
    client = TestClient(create_app(places), follow_redirects=False)
    browser, _csrf = signed_in(places, "hq")  # the session cookie is no API credential
    for caller, headers in ((client, {}), (client, bearer("mst_deadbeef_guess")), (browser, {})):
        refused = _call(caller, method, route, headers)
        assert refused.status_code == 401, (template, refused.text)
        assert refused.json() == {"detail": "a valid API token is required"}
    other = _call(client, method, route, bearer(token_for(places, *OTHER)))
    if route.other == NONE:  # only ever the caller's own subtree
        assert other.status_code == 200, (template, other.text)
    else:
        assert (other.status_code, other.json()) == (route.other, {"detail": "not found"})
    _secret_free(other, template)
    if route.missing != NONE:
        lacking = _call(client, method, route, bearer(token_for(places, *LACKING)))
        assert lacking.status_code == route.missing, (template, lacking.text)
        assert lacking.json() == {"detail": "you lack the permission for this"}
        _secret_free(lacking, template)
    assert _unchanged(places) == before
    expired = bearer(token_for(places, "hq", "HQ", EVERY, days=1))
    places.clock.advance(days=2)  # type: ignore[attr-defined]
    assert _call(client, method, route, expired).status_code == 401
    assert _unchanged(places) == before


def test_the_routes_act_for_a_token_that_may(places: Muster) -> None:
    """The same calls with a token of HQ holding every permission are answered (the table's
    paths are real)."""
    client = TestClient(create_app(places), follow_redirects=False)
    token = bearer(token_for(places, "hq", "HQ", EVERY))
    reads = [(m, r) for (m, _t), r in ROUTES.items() if m == "GET"]
    for method, route in reads:
        answer = _call(client, method, route, token)
        assert answer.status_code == 200, (route.path, answer.text)
