"""The audit log browser: filters, pages, CSV export, within the admin's subtree."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.registry import add_user
from tests.web.conftest import PASSWORD, signed_in
from tests.web.messages import untranslated


def _admins(world: Muster) -> None:
    from muster.services.accounts import set_password

    for name, unit in (("c1.admin", "C1"), ("c2.admin", "C2")):
        with world.uow() as uow:
            add_user(uow, OPERATOR, name, unit, ["admin"])
        with world.uow() as uow:
            set_password(uow, OPERATOR, name, PASSWORD, world.clock())


def test_an_admin_reads_the_events_of_their_subtree_only(world: Muster) -> None:
    _admins(world)
    north, _ = signed_in(world, "north")
    north.get("/people/P1")
    south, _ = signed_in(world, "south")
    south.get("/people/P3")
    c1, _ = signed_in(world, "c1.admin")
    page = c1.get("/audit")
    assert page.status_code == 200
    rows = page.text.split('id="events"')[1]
    assert "read_person" in rows and "P1" in rows
    assert "P3" not in rows and "south" not in rows
    hq, _ = signed_in(world, "hq")
    every = hq.get("/audit").text.split('id="events"')[1]
    assert "P1" in every and "P3" in every


def test_filters_narrow_by_who_what_unit_and_time(world: Muster) -> None:
    _admins(world)
    north, _ = signed_in(world, "north")
    north.get("/people/P1")
    hq, _ = signed_in(world, "hq")
    day = datetime.now(UTC).date().isoformat()  # the log keeps the real time of each event
    found = hq.get(
        "/audit",
        params={
            "actor": "north",
            "action": "read_person",
            "since": day,
            "until": day,
            "unit": "C1",
        },
    ).text
    rows = found.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.count("<tr>") == 1 and "read_person" in rows
    assert "1 events" in found
    empty = hq.get("/audit", params={"action": "read_person", "since": "2030-01-01"}).text
    assert "No events." in empty
    assert hq.get("/audit", params={"since": "yesterday"}).status_code == 400


def test_pages_of_fifty(world: Muster) -> None:
    hq, _ = signed_in(world, "hq")
    for _ in range(60):
        hq.get("/people", params={"q": "Kim"})
    first = hq.get("/audit", params={"action": "search_people"}).text
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = hq.get("/audit", params={"action": "search_people", "page": 2}).text
    assert second.split("<tbody>")[1].split("</tbody>")[0].count("<tr>") == 10


def test_csv_export_of_the_filtered_rows_is_formula_safe_and_audited(world: Muster) -> None:
    hq, _ = signed_in(world, "hq")
    hq.get("/people", params={"q": "=cmd|' /C calc'!A0"})
    response = hq.get("/audit.csv", params={"action": "search_people"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["action"] for r in rows] == ["search_people"]
    assert rows[0]["after"].startswith("{")  # JSON: begins with a brace, no formula
    assert "=cmd" in rows[0]["after"]
    assert all(not v.startswith(("=", "+", "-", "@")) for r in rows for v in r.values())
    with world.uow() as uow:
        assert [e.actor for e in uow.audit.events({"export_audit"})] == ["hq"]


def test_audit_page_in_korean(world: Muster) -> None:
    hq, _ = signed_in(world, "hq")
    page = hq.get("/audit", headers={"accept-language": "ko"})
    assert page.status_code == 200 and "감사 기록" in page.text
    assert untranslated(page.text) == []
