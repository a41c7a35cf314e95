"""The situation board pages: a card per host of the viewer's subtree, and one host's board
with its figures, charts and tables, counted as the viewer may see them."""

from __future__ import annotations

import re
from datetime import date

import pytest

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.rotation import add_route
from tests.web.conftest import HEADER, signed_in
from tests.web.messages import untranslated
from tests.web.situation_world import grow, issue_call_to_all, submit_and_accept

ON = "?on=2022-04-15"  # P1 (W1), P5 (W1, held) and P6 (W1) have permits ending 2022-05-01


@pytest.fixture
def hosts(world: Muster) -> Muster:
    return grow(world)


def tile(html: str, label: str) -> str:
    """The value shown in the tile of a figure."""
    found = re.search(
        r'<span class="value">([^<]*)</span><span class="what">' + re.escape(label), html
    )
    assert found, label
    return found.group(1)


def test_the_overview_has_a_card_per_host_of_the_subtree(hosts: Muster) -> None:
    with hosts.uow() as uow:  # a ferry that ran in June only
        add_route(uow, OPERATOR, route_id="xa-ferry", host="XA", mode="sea",
                  open_from=date(2021, 6, 1), open_until=date(2021, 6, 30), seats_home=10,
                  seats_out=10)  # fmt: skip
    client, _ = signed_in(hosts, "hq")
    page = client.get("/situation")
    assert page.status_code == 200
    assert '<a href="/situation">Situation</a>' in page.text  # in the navigation
    assert 'href="/situation/XA"' in page.text and 'href="/situation/YO"' in page.text
    assert "Paired rotation" in page.text and "Free rotation" in page.text
    assert "may stay until further notice" in page.text
    assert "xa-bridge" in page.text and "Severed" in page.text
    assert "xa-ferry (Sea)" in page.text and "Closed since Jul 1, 2021" in page.text
    later = client.get("/situation?on=2022-04-15").text  # the day carries to the boards
    assert 'href="/situation/XA?on=2022-04-15"' in later
    assert later.count("Closed") < page.text.count("Closed")  # the bridge is open by then
    mission, _ = signed_in(hosts, "mission")
    page = mission.get("/situation")
    assert 'href="/situation/XA"' in page.text and "/situation/YO" not in page.text
    assert "Embassy in Xanadu" in page.text and "Embassy in Yonder" not in page.text


def test_the_board_of_a_host_for_a_mission_officer(hosts: Muster) -> None:
    client, _ = signed_in(hosts, "mission")
    page = client.get("/situation/XA" + ON)
    assert page.status_code == 200
    html = page.text
    assert tile(html, "People deployed") == "4"  # P1, P6, P2, P3 (P5 is held)
    assert tile(html, "Sick and injured") == "1"
    assert tile(html, "Stranded or without work") == "1"  # Ri; Kang names the held P5
    assert tile(html, "Workplaces that cannot operate") == "1"
    assert "Whereabouts unknown" not in html  # no `welfare`
    assert "Under a protection hold" not in html
    assert "may stay until further notice" in html and "Paired rotation" in html
    # Routes over time: closed until the bridge opens, with its seats, as a chart and a table.
    july = client.get("/situation/XA?on=2021-07-20").text
    assert '<rect class="closed"' in july and '<rect class="open"' in july
    assert "opens on Aug 10, 2021" in july and '<td class="num">120</td>' in july
    assert '<rect class="open"' in html and '<rect class="closed"' not in html
    # Beds in use over the plan's horizon against the capacity, and their numbers.
    assert 'class="capacity"' in html and "polyline" in html
    assert "From rotation plan 1" in html
    # Permits ending: names of the viewer's subtree, never the held person's.
    assert "김철수" in html and "전명철" in html
    assert "강성미" not in html and "Kang" not in html


def test_protection_and_welfare_open_what_they_guard(hosts: Muster) -> None:
    guardian, _ = signed_in(hosts, "guardian")
    html = guardian.get("/situation/XA" + ON).text
    assert tile(html, "Stranded or without work") == "2"
    assert tile(html, "Under a protection hold") == "1"
    assert "강성미" in html  # P5's permit ends too
    carer, _ = signed_in(hosts, "carer")
    html = carer.get("/situation/XA" + ON).text
    assert tile(html, "Whereabouts unknown") == "1"
    assert "Whereabouts unknown: welfare follow-up" in html
    assert "강성미" not in html


def test_a_consulate_sees_its_own_workplaces(hosts: Muster) -> None:
    client, _ = signed_in(hosts, "south")  # C2: W3 only
    html = client.get("/situation/XA" + ON).text
    assert tile(html, "People deployed") == "1"
    assert "박명남" in html and "김철수" not in html


def test_the_trend_against_the_previous_call(hosts: Muster) -> None:
    """A later call in which W1 reports two sick people: the board compares it with the
    Situation call (one sick person)."""
    hosts.clock.advance(days=30)  # type: ignore[attr-defined]
    call = issue_call_to_all(hosts, "August call", ["illness", "work_injury", "stranded_trip"])
    rows = HEADER + (
        "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,\n"
        "P6,Jon,Myong Chol,전명철,1983-02-02,M,M6789012,work_injury,,no,yes,\n"
    )
    submit_and_accept(hosts, call, "W1", rows)
    client, _ = signed_in(hosts, "mission")
    html = client.get("/situation/XA").text
    assert "Arrows compare with Situation call." in html
    assert "▲ +1" in html and "up by 1 since the previous call" in html
    assert "Against the previous call" in html
    overview = client.get("/situation").text
    assert "compared with Situation call" in overview and "▲ +1" in overview
    earlier = client.get("/situation/XA?call=1").text
    assert "There is no earlier call to compare with." in earlier


def test_a_wrong_day_or_call_is_refused(hosts: Muster) -> None:
    client, _ = signed_in(hosts, "mission")
    assert client.get("/situation/XA?on=2022-13-40").status_code == 400
    assert client.get("/situation/XA?call=abc").status_code == 404
    assert client.get("/situation/XA?call=99").status_code == 404


def test_korean_situation_pages_are_translated(hosts: Muster) -> None:
    client, _ = signed_in(hosts, "guardian")
    korean = {"accept-language": "ko"}
    for path in ("/situation", "/situation/XA" + ON, "/situation/XA?on=2021-07-20"):
        response = client.get(path, headers=korean)
        assert response.status_code == 200, path
        assert untranslated(response.text) == [], path
    assert "상황" in client.get("/situation", headers=korean).text
