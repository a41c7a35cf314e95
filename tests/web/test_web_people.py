"""The registry pages: search by any spelling, a person's page with the lists that named them."""

from __future__ import annotations

import pytest

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.registry import set_hold
from tests.web.conftest import HEADER, signed_in
from tests.web.messages import untranslated

SPELLINGS = ("Kim Chol Su", "Gim Cheol-su", "김철수", "金哲洙", "M1234567", "P1")


@pytest.mark.parametrize("query", SPELLINGS)
def test_search_finds_a_person_by_any_spelling(world: Muster, query: str) -> None:
    client, _token = signed_in(world, "north")
    page = client.get("/people", params={"q": query})
    assert page.status_code == 200
    assert 'href="/people/P1"' in page.text
    assert "P2" not in page.text.split('id="found"')[1]


def test_search_in_another_subtree_finds_nothing(world: Muster) -> None:
    client, token = signed_in(world, "south")
    page = client.get("/people", params={"q": "김철수"})
    assert page.status_code == 200
    body = page.text.replace(token, "")  # a random token may hold any two letters
    assert "P1" not in body and "M1234567" not in body
    assert "Nobody found" in page.text
    assert 'href="/people/P3"' in client.get("/people", params={"q": "Pak Myong Nam"}).text


def test_a_held_person_is_found_only_with_protection(world: Muster) -> None:
    with world.uow() as uow:
        set_hold(uow, OPERATOR, "P1", True, "asked for protection", world.clock())
    north, _ = signed_in(world, "north")
    for query in SPELLINGS:
        page = north.get("/people", params={"q": query})
        assert "/people/P1" not in page.text and "M1234567" not in page.text.split("found")[-1]
    assert north.get("/people/P1").status_code == 404
    hq, _ = signed_in(world, "hq")
    page = hq.get("/people", params={"q": "Gim Cheol-su"})
    assert 'href="/people/P1"' in page.text and "under a protection hold" in page.text
    person = hq.get("/people/P1")
    assert person.status_code == 200 and "Under a protection hold" in person.text


def test_a_persons_page_shows_deployments_and_lists_within_permissions(world: Muster) -> None:
    w1, token = signed_in(world, "w1")
    body = HEADER + ",Gim,Cheol-su,,1985-03-14,M,,illness,2021-07-01,no,yes,high fever\n"
    files = {"file": ("w1.csv", body.encode(), "text/csv")}
    assert w1.post("/calls/1/units/W1/upload", data={"csrf_token": token}, files=files).is_success
    north, _ = signed_in(world, "north")
    page = north.get("/people/P1")
    assert page.status_code == 200
    assert "김철수" in page.text and "M1234567" in page.text and "W1" in page.text
    mentions = page.text.split('id="mentions"')[1]
    assert "July call" in mentions and "Cannot work: illness" in mentions
    assert "high fever" not in mentions and "needs the medical permission" in mentions
    hq, _ = signed_in(world, "hq")
    assert "high fever" in hq.get("/people/P1").text.split('id="mentions"')[1]
    with world.uow() as uow:
        reads = [(e.actor, e.entity_id) for e in uow.audit.events({"read_person"})]
    assert reads == [("north", "P1"), ("hq", "P1")]


def test_people_pages_in_korean(world: Muster) -> None:
    client, _ = signed_in(world, "hq")
    korean = {"accept-language": "ko"}
    for path in ("/people?q=김철수", "/people/P1", "/people?q=nobody"):
        page = client.get(path, headers=korean)
        assert page.status_code == 200, path
        assert untranslated(page.text) == [], path
