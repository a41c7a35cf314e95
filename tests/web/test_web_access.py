"""Every page and form: signed out -> sign-in; another subtree -> 404 and no data; no CSRF
token -> refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.services.calls import issue_call
from muster.store.accounts import NoticeRow
from muster.web import create_app
from tests.web.conftest import GOOD_CSV, signed_in

# Pages of the first call (scope HQ) that name workplace W1 of consulate C1.
W1_PAGES = [
    "/calls/1/units/W1",
    "/calls/1/units/W1/submit",
    "/calls/1/units/W1/roster?q=Kim",
    "/calls/1/units/W1/template.xlsx",
    "/calls/1/units/W1/template.csv",
    "/calls/1/units/W1/files",
]
# Pages of the second call, issued by C1 to its own subtree.
C1_CALL_PAGES = ["/calls/2", "/calls/2/board", "/api/calls/2/status", "/calls/2/units/W1"]
OPEN_PAGES = ["/", "/calls", "/calls/new", "/calls/1", "/calls/1/board", "/notices"]
POSTS = [
    "/sign-out",
    "/language",
    "/notices/read",
    "/calls",
    "/calls/1/units/W1/upload",
    "/calls/1/units/W1/rows",
    "/calls/1/units/W1/accept",
    "/calls/1/units/W1/return",
    "/calls/1/units/C1/forward",
]
# Every route these tests run their refusals over (test_web_routes_covered.py reads it).
ROUTES_COVERED = [("GET", p) for p in OPEN_PAGES + W1_PAGES + C1_CALL_PAGES + ["/files/1"]] + [
    ("POST", p) for p in POSTS
]
SECRETS = ("Kim", "김철수", "Sewing factory", "M1234567", "P1")


@pytest.fixture
def loop(world: Muster) -> Muster:
    """W1 has submitted a list; C1 issued a call of its own to its subtree."""
    client, token = signed_in(world, "w1")
    files = {"file": ("w1.csv", GOOD_CSV.encode(), "text/csv")}
    response = client.post("/calls/1/units/W1/upload", data={"csrf_token": token}, files=files)
    assert response.status_code == 200, response.text
    due = {k: world.clock() + timedelta(days=2) for k in
           (UnitKind.WORKPLACE, UnitKind.CONSULATE, UnitKind.MISSION)}  # fmt: skip
    with world.uow() as uow:
        issue_call(uow, OPERATOR, world.catalogue, by="C1", scope="C1", categories=["illness"],
                   due=due, title="North call", now=world.clock())  # fmt: skip
    return world


@pytest.mark.parametrize("path", OPEN_PAGES + W1_PAGES + C1_CALL_PAGES + ["/files/1"])
def test_signed_out_get_goes_to_sign_in(loop: Muster, path: str) -> None:
    client = TestClient(create_app(loop), follow_redirects=False)
    response = client.get(path)
    if path.startswith("/api/"):
        assert response.status_code == 401
        return
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")
    assert not any(s in response.text for s in SECRETS)


@pytest.mark.parametrize("path", POSTS)
def test_signed_out_post_goes_to_sign_in(loop: Muster, path: str) -> None:
    client = TestClient(create_app(loop), follow_redirects=False)
    response = client.post(path, data={"csrf_token": "x", "reason": "r", "language": "ko"})
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in")


@pytest.mark.parametrize("path", W1_PAGES + C1_CALL_PAGES + ["/files/1"])
@pytest.mark.parametrize("user", ["w3", "south"])
def test_other_subtree_gets_404_and_no_data(loop: Muster, path: str, user: str) -> None:
    client, _token = signed_in(loop, user)
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert not any(s in response.text for s in SECRETS if s != "P1")
    assert "North call" not in response.text


@pytest.mark.parametrize(
    "path", [p for p in POSTS if "/units/" in p] + ["/calls/2/units/W1/accept"]
)
def test_other_subtree_posts_get_404_and_change_nothing(loop: Muster, path: str) -> None:
    client, token = signed_in(loop, "south")
    files = {"file": ("x.csv", GOOD_CSV.encode(), "text/csv")} if "upload" in path else None
    data = {"csrf_token": token, "reason": "no", "person_id": "P1", "category_P1": "illness"}
    response = client.post(path, data=data, files=files)
    assert response.status_code == 404, (path, response.status_code, response.text[-500:])
    reviewer, _ = signed_in(loop, "north")
    page = reviewer.get("/calls/1/units/W1")
    assert 'id="state">submitted<' in page.text


@pytest.mark.parametrize("path", ["/calls/1/units/W1/accept", "/calls/1/units/W1/return"])
def test_missing_permission_in_own_subtree_gets_403_and_changes_nothing(
    loop: Muster, path: str
) -> None:
    client, token = signed_in(loop, "w1")  # submit at W1, no review permission
    response = client.post(path, data={"csrf_token": token, "reason": "no"})
    assert response.status_code == 403, (path, response.status_code)
    reviewer, _ = signed_in(loop, "north")
    assert 'id="state">submitted<' in reviewer.get("/calls/1/units/W1").text


def test_calls_of_another_subtree_are_not_listed(loop: Muster) -> None:
    client, _token = signed_in(loop, "w3")
    assert "North call" not in client.get("/calls").text
    own, _ = signed_in(loop, "w1")
    assert "North call" in own.get("/calls").text


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("token", [None, "forged"])
def test_post_without_the_csrf_token_is_refused(loop: Muster, path: str, token: str) -> None:
    client, _real = signed_in(loop, "north")
    data = {"reason": "r", "language": "ko", "person_id": "P1", "category_P1": "illness"}
    if token:
        data["csrf_token"] = token
    files = {"file": ("x.csv", GOOD_CSV.encode(), "text/csv")} if "upload" in path else None
    response = client.post(path, data=data, files=files)
    assert response.status_code == 403, (path, response.status_code)
    assert client.get("/").status_code == 200  # still signed in: nothing happened
    page = client.get("/calls/1/units/W1")
    assert 'id="state">submitted<' in page.text


def test_sign_in_form_needs_its_csrf_cookie(loop: Muster) -> None:
    client = TestClient(create_app(loop), follow_redirects=False)
    data = {"name": "w1", "password": "correct horse battery", "csrf_token": "guess"}
    assert client.post("/sign-in", data=data).status_code == 403


def test_original_files_only_for_those_allowed(loop: Muster) -> None:
    clerk, _ = signed_in(loop, "w1")
    assert clerk.get("/files/1").status_code == 404  # submit only: no protection permission
    reviewer, _ = signed_in(loop, "north")
    assert reviewer.get("/files/1").status_code == 404
    admin, _ = signed_in(loop, "hq")
    response = admin.get("/files/1")
    assert response.status_code == 200
    assert response.content == GOOD_CSV.encode()


def test_notices_are_each_users_own(loop: Muster) -> None:
    with loop.uow() as uow:
        uow.session.add(NoticeRow(user_name="w3", key="k", kind="late", call_id=1,
                                  unit_code="W3", detail={"title": "secret title"},
                                  created_at=loop.clock()))  # fmt: skip
        uow.commit()
    client, _ = signed_in(loop, "w1")
    assert "secret title" not in client.get("/notices").text
