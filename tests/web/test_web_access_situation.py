"""The situation pages and the access policy: signed out -> sign-in; a host (or call) of another
subtree -> 404 with no data, the same answer as a host that does not exist; no permission is
needed beyond the subtree (every signed-in user has a board of their own part), so no 403
applies; the pages only read, so there is no form to forge."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.services.calls import issue_call
from muster.web import create_app
from tests.web.conftest import signed_in
from tests.web.situation_world import grow

PAGES = ["/situation", "/situation/XA", "/situation/XA?on=2022-04-15", "/situation/YO"]
XA_DATA = ("김철수", "Kim", "Embassy in Xanadu", "may stay until further notice", "xa-bridge")
YO_DATA = ("윤철", "Yun", "Embassy in Yonder", "may stay while the permit is valid", "yo-rail")
# Every route these tests run their refusals over (test_web_routes_covered.py reads it).
ROUTES_COVERED = [("GET", p) for p in PAGES]


@pytest.fixture
def hosts(world: Muster) -> Muster:
    grown = grow(world)
    due = {k: grown.clock() for k in (UnitKind.WORKPLACE, UnitKind.CONSULATE, UnitKind.MISSION)}
    with grown.uow() as uow:  # call 3: C3's own call, for its subtree in host YO
        issue_call(uow, OPERATOR, grown.catalogue, by="C3", scope="C3", categories=["illness"],
                   due=due, title="East call", now=grown.clock())  # fmt: skip
    return grown


@pytest.mark.parametrize("path", PAGES)
def test_signed_out_goes_to_sign_in_and_sees_nothing(hosts: Muster, path: str) -> None:
    client = TestClient(create_app(hosts), follow_redirects=False)
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")
    assert not any(s in response.text for s in XA_DATA + YO_DATA)


@pytest.mark.parametrize(
    ("user", "path", "secrets"),
    [
        ("east", "/situation/XA", XA_DATA),
        ("east", "/situation/XA?on=2022-04-15&call=2", XA_DATA),
        ("mission", "/situation/YO", YO_DATA),
        ("w1", "/situation/YO?on=2022-04-15", YO_DATA),
        ("mission", "/situation/XA?call=3", ("East call",)),  # C3's call
    ],
)
def test_another_subtree_gets_404_and_no_data(
    hosts: Muster, user: str, path: str, secrets: tuple[str, ...]
) -> None:
    client, _ = signed_in(hosts, user)
    response = client.get(path)
    assert response.status_code == 404, (path, response.status_code)
    assert not any(s in response.text for s in secrets), path
    absent = client.get("/situation/ZZ")  # a host nobody has: the very same answer
    assert absent.status_code == 404
    here = path.split("?")[0]  # the language form sends the reader back to the page
    assert response.text.replace(here, "/situation/ZZ") == absent.text


def test_the_overview_leaves_other_hosts_out(hosts: Muster) -> None:
    east, _ = signed_in(hosts, "east")
    page = east.get("/situation")
    assert page.status_code == 200 and 'href="/situation/YO"' in page.text
    assert "/situation/XA" not in page.text
    assert not any(s in page.text for s in XA_DATA)


def test_no_permission_is_needed_for_ones_own_part(hosts: Muster) -> None:
    """A workplace's clerk (submit only) sees the board of its own workplace, nothing more."""
    clerk, _ = signed_in(hosts, "w1")
    page = clerk.get("/situation/XA?on=2022-04-15")
    assert page.status_code == 200
    assert "김철수" in page.text  # W1's own people
    assert "리영희" not in page.text and "박명남" not in page.text  # W2's, W3's
    assert "강성미" not in page.text  # held, and the clerk has no `protection`
