"""The protection officer's page: place and lift holds, rule on possible matches, history."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from tests.web.conftest import HEADER, signed_in
from tests.web.messages import untranslated

# Yi Yeong-hui is how another romanisation writes Ri Yong Hui (P2, held below); the list
# gives no person_id and a placeholder birth date: a possible match the officer rules on.
NAMESAKE = HEADER + (
    ",Yi,Yeong-hui,,1990-01-01,F,,stranded_trip,,yes,yes,\n"
    "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,stranded_trip,,yes,yes,\n"
)


def hold_p2(hq: TestClient, token: str) -> None:
    response = hq.post(
        "/protection/holds",
        data={"csrf_token": token, "person_id": "P2", "action": "hold", "reason": "asked"},
    )
    assert response.status_code == 303 and response.headers["location"] == "/protection?done=hold"


def submit_namesake(world: Muster) -> None:
    w1, token = signed_in(world, "w1")
    files = {"file": ("w1.csv", NAMESAKE.encode(), "text/csv")}
    assert w1.post("/calls/1/units/W1/upload", data={"csrf_token": token}, files=files).is_success


def match_id(page: str) -> int:
    found = re.search(r'id="match-(\d+)"', page)
    assert found, "no match waiting"
    return int(found.group(1))


def reviewer_sees(world: Muster) -> str:
    north, _ = signed_in(world, "north")
    return north.get("/calls/1/units/W1").text


def test_officer_confirms_a_possible_match_and_it_stays_hidden(world: Muster) -> None:
    hq, token = signed_in(world, "hq")
    hold_p2(hq, token)
    submit_namesake(world)
    assert "Yeong-hui" not in reviewer_sees(world)
    page = hq.get("/protection")
    assert page.status_code == 200
    queue = page.text.split('id="queue"')[1].split("</table>")[0]
    assert "Yeong-hui" in queue and "P2" in queue and "possibly" in queue
    confirmed = hq.post(
        f"/protection/matches/{match_id(page.text)}",
        data={"csrf_token": token, "ruling": "confirm"},
    )
    assert confirmed.status_code == 303
    after = hq.get(confirmed.headers["location"]).text
    assert "Nothing waits for a ruling." in after
    ruled = after.split('id="ruled"')[1].split("</table>")[0]
    assert "Yeong-hui" in ruled and "confirmed: the held person" in ruled
    assert "Yeong-hui" not in reviewer_sees(world)
    with world.uow() as uow:
        events = [(e.actor, e.action) for e in uow.audit.events({"hold", "hold_match_confirm"})]
    assert events == [("hq", "hold"), ("hq", "hold_match_confirm")]


def test_officer_clears_a_namesake_and_reviewers_see_it(world: Muster) -> None:
    hq, token = signed_in(world, "hq")
    hold_p2(hq, token)
    submit_namesake(world)
    page = hq.get("/protection").text
    hq.post(f"/protection/matches/{match_id(page)}", data={"csrf_token": token, "ruling": "clear"})
    assert "Yeong-hui" in reviewer_sees(world)


def test_holds_are_placed_and_lifted_with_reasons_and_kept_in_history(world: Muster) -> None:
    hq, token = signed_in(world, "hq")
    hold_p2(hq, token)
    holds = hq.get("/protection").text.split('id="holds"')[1].split("</table>")[0]
    assert "P2" in holds and "asked" in holds
    lifted = hq.post(
        "/protection/holds",
        data={"csrf_token": token, "person_id": "P2", "action": "release", "reason": "safe"},
    )
    assert lifted.status_code == 303
    page = hq.get("/protection").text
    assert "Nobody is under a hold." in page
    history = page.split('id="history"')[1]
    assert "hold placed" in history and "hold lifted" in history
    no_reason = hq.post(
        "/protection/holds", data={"csrf_token": token, "person_id": "P2", "action": "hold"}
    )
    assert no_reason.status_code == 400 and "reason" in no_reason.text


def test_protection_page_in_korean(world: Muster) -> None:
    hq, token = signed_in(world, "hq")
    hold_p2(hq, token)
    submit_namesake(world)
    page = hq.get("/protection", headers={"accept-language": "ko"})
    assert page.status_code == 200 and "보호 조치" in page.text
    assert untranslated(page.text) == []
