"""Rotation pages and forms, without JavaScript: hosts, routes, quarantine, the pool (upload
kept, errors against their rows), running the planner, the calendar, manifests, comparing."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.accounts import set_password
from muster.services.registry import add_user, set_hold
from muster.services.rotation import set_route_window
from muster.services.rotation_plan import SOURCES
from muster.store.tables import AuditEventRow
from muster.worker import Worker
from tests.web.conftest import PASSWORD, signed_in
from tests.web.messages import untranslated
from tests.web.rotation_world import POOL_HEADER, build_rotation, saved_plan

NAMES = ("Kim", "김철수", "Choe", "최용호", "Han", "한광일", "O Mi Sun", "오미선")
HELD = ("P3", "Pak", "박명남", "M3456789")


@pytest.fixture
def rotation(world: Muster) -> Muster:
    return build_rotation(world)


def _planner(world: Muster, name: str = "planner") -> tuple[TestClient, str]:
    return signed_in(world, name)


def _route(world: Muster, route: str = "sinuiju") -> tuple[object, ...]:
    with world.uow() as uow:
        row = uow.rotation.route(route)
        assert row is not None
        return (row.open_from, row.open_until, row.seats_home, row.seats_out)


def test_overview_links_every_part(rotation: Muster) -> None:
    client, _ = _planner(rotation)
    page = client.get("/rotation")
    assert page.status_code == 200
    for link in (
        "/rotation/hosts",
        "/rotation/routes",
        "/rotation/quarantine",
        "/rotation/pool",
        "/rotation/plans",
    ):
        assert f'href="{link}"' in page.text
    assert "10 beds, 14 days each" in page.text
    assert 'href="/rotation"' in client.get("/").text  # the main navigation, for planners


def test_hosts_form_sets_rule_and_stay_policy(rotation: Muster) -> None:
    client, token = _planner(rotation)
    page = client.get("/rotation/hosts")
    assert "may stay until further notice" in page.text and "sinuiju" in page.text
    form = {"csrf_token": token, "host": "XA", "rotation": "paired", "stay_policy": "until 2022"}
    saved = client.post("/rotation/hosts", data=form)
    assert (saved.status_code, saved.headers["location"]) == (303, "/rotation/hosts?done=host")
    with rotation.uow() as uow:
        host = uow.rotation.host("XA")
        assert host is not None and (host.rotation, host.stay_policy) == ("paired", "until 2022")
    shown = client.get("/rotation/hosts?done=host").text
    assert "Host policy saved." in shown and "paired (capped places)" in shown
    refused = client.post("/rotation/hosts", data={**form, "rotation": "capped"})
    assert refused.status_code == 400 and "expected paired or free" in refused.text


def test_routes_add_open_close_and_seats(rotation: Muster) -> None:
    client, token = _planner(rotation)
    added = client.post(
        "/rotation/routes",
        data={
            "csrf_token": token,
            "route_id": "rail",
            "host": "XA",
            "mode": "rail",
            "open_from": "",
            "open_until": "",
            "seats_home": "30",
            "seats_out": "20",
        },
    )
    assert added.status_code == 303
    assert _route(rotation, "rail") == (None, None, 30, 20)
    page = client.get("/rotation/routes").text
    row = page[page.index('id="route-rail"') :].split("</tr>")[0]
    assert "closed" in row and "home 30 · out 20" in row
    opened = client.post(
        "/rotation/routes/rail/window",
        data={
            "csrf_token": token,
            "open_from": "2021-08-05",
            "open_until": "2021-09-30",
            "open": "1",
        },
    )
    assert opened.status_code == 303
    assert _route(rotation, "rail")[:2] == (date(2021, 8, 5), date(2021, 9, 30))
    seats = client.post(
        "/rotation/routes/rail/seats",
        data={"csrf_token": token, "seats_home": "7", "seats_out": "9"},
    )
    assert seats.status_code == 303 and _route(rotation, "rail")[2:] == (7, 9)
    closed = client.post(
        "/rotation/routes/rail/window",
        data={"csrf_token": token, "open_from": "2021-08-05", "close": "1"},
    )
    assert closed.status_code == 303 and _route(rotation, "rail")[:2] == (None, None)
    # Refusals: the page again with the reason, nothing changed.
    bad = client.post(
        "/rotation/routes/rail/seats",
        data={"csrf_token": token, "seats_home": "-1", "seats_out": "9"},
    )
    assert bad.status_code == 400 and "seats home -1" in bad.text
    backwards = client.post(
        "/rotation/routes/sinuiju/window",
        data={
            "csrf_token": token,
            "open_from": "2021-08-10",
            "open_until": "2021-08-01",
            "open": "1",
        },
    )
    assert backwards.status_code == 400 and "before open from" in backwards.text
    assert _route(rotation, "rail")[2:] == (7, 9)
    assert _route(rotation)[:2] == (date(2021, 8, 2), None)
    twice = client.post(
        "/rotation/routes",
        data={
            "csrf_token": token,
            "route_id": "rail",
            "host": "XA",
            "mode": "rail",
            "seats_home": "1",
            "seats_out": "1",
        },
    )
    assert twice.status_code == 400 and "already exists" in twice.text
    missing = client.post(
        "/rotation/routes/nowhere/seats",
        data={"csrf_token": token, "seats_home": "1", "seats_out": "1"},
    )
    assert missing.status_code == 404


def test_quarantine_form(rotation: Muster) -> None:
    client, token = _planner(rotation)
    assert (
        client.post(
            "/rotation/quarantine", data={"csrf_token": token, "beds": "250", "days": "10"}
        ).status_code
        == 303
    )
    assert "250 beds, 10 days each" in client.get("/rotation/quarantine").text
    refused = client.post(
        "/rotation/quarantine", data={"csrf_token": token, "beds": "5", "days": "0"}
    )
    assert refused.status_code == 400
    with rotation.uow() as uow:
        row = uow.rotation.quarantine()
        assert row is not None and (row.beds, row.days) == (250, 10)


def _received(world: Muster) -> list[tuple[str, str]]:
    with world.uow() as uow:
        return [(f.filename, f.outcome) for f in uow.files.every() if f.purpose == "replacements"]


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pool_job(world: Muster, client: TestClient, token: str, name: str, data: bytes) -> str:
    """Send a pool file: kept at once, its import queued; the job's page after a worker ran it."""
    sent = client.post(
        "/rotation/pool",
        data={"csrf_token": token},
        files={"file": (name, data, "text/csv")},
    )
    assert sent.status_code == 303 and re.fullmatch(r"/jobs/\d+", sent.headers["location"])
    assert (name, "incomplete") in _received(world)  # kept before anything else
    queued = client.get(sent.headers["location"]).text
    assert 'data-state="queued"' in queued and 'hx-trigger="every 1s"' in queued
    assert Worker(world).run_once() is not None
    return client.get(sent.headers["location"]).text


def test_pool_upload_kept_errors_against_rows_and_pages(rotation: Muster) -> None:
    client, token = _planner(rotation)
    bad = POOL_HEADER + "R9,Ma,Il,마일,1990-01-01,M,factory,XA,2021-08-01\n"
    bad += "R10,Ma,Chol,마철,1990-02-30,M,factory,XA,soon\n"
    refused = _pool_job(rotation, client, token, "pool.csv", bad.encode())
    assert 'data-state="failed"' in refused
    rows = re.findall(r'class="error-row" data-row="(\d+)"', refused)
    assert rows == ["3", "3"] and "1990-02-30" in refused and "soon" in refused
    assert 'id="job-back" href="/rotation/pool"' in refused and "Traceback" not in refused
    assert _received(rotation) == [("pool.csv", "rejected")]  # kept, with its reasons
    with rotation.uow() as uow:
        assert "R9" not in {r.replacement_id for r in uow.rotation.replacements()}
    header = POOL_HEADER.strip().split(",")
    people = [
        [f"X{n:03d}", "Ri", f"Il {n}", "", "1990-01-01", "M", "factory", "XA", "2021-08-01"]
        for n in range(60)
    ]
    book = _xlsx([header, *people])
    loaded = _pool_job(rotation, client, token, "pool.xlsx", book)
    assert 'data-state="done"' in loaded and "60 replacements loaded" in loaded
    assert 'id="job-result" href="/rotation/pool"' in loaded
    assert _received(rotation) == [("pool.csv", "rejected"), ("pool.xlsx", "accepted")]
    with rotation.uow() as uow:
        (kept,) = [f for f in uow.files.every() if f.filename == "pool.xlsx"]
    assert rotation.archive.get(kept.sha256) == book
    first = client.get("/rotation/pool").text
    assert "62 replacements" in first and "Page 1 of 2" in first and "R1" in first
    second = client.get("/rotation/pool?page=2").text
    assert "Il 59" in second and "Gwang Il" not in second and 'rel="prev"' in second


def test_pool_upload_by_htmx_goes_to_the_job_and_a_refusal_stays_on_the_page(
    rotation: Muster,
) -> None:
    client, token = _planner(rotation)
    good = POOL_HEADER + "R7,Ma,Il,마일,1990-01-01,M,factory,XA,2021-08-01\n"
    files = {"file": ("pool.csv", good.encode(), "text/csv")}
    sent = client.post("/rotation/pool", data={"csrf_token": token}, files=files,
                       headers={"hx-request": "true"})  # fmt: skip
    assert sent.status_code == 204 and re.fullmatch(r"/jobs/\d+", sent.headers["hx-redirect"])
    mission, mission_token = signed_in(rotation, "m.planner")
    refused = mission.post("/rotation/pool", data={"csrf_token": mission_token}, files=files)
    assert refused.status_code == 403
    assert _received(rotation) == [("pool.csv", "incomplete")]  # the refused one was not kept


def _plan_id(client: TestClient, world: Muster, response_location: str) -> int:
    """The plan a run of the planner saved: its job run by a worker, the job page's link."""
    assert re.fullmatch(r"/jobs/\d+", response_location), response_location
    assert 'data-state="queued"' in client.get(response_location).text
    Worker(world).run_once()
    page = client.get(response_location).text
    found = re.search(r'id="job-result" href="/rotation/plans/(\d+)"', page)
    assert found, page
    return int(found.group(1))


def _run(client: TestClient, token: str, **override: str) -> object:
    form = {
        "csrf_token": token,
        "call": "1",
        "start": "2021-08-01",
        "horizon": "20",
        "time_limit": "10",
        **override,
    }
    return client.post("/rotation/plans", data=form)


def test_run_the_planner_then_the_calendar(rotation: Muster) -> None:
    client, token = _planner(rotation)
    page = client.get("/rotation/plans")
    assert 'id="run-form"' in page.text and 'hx-disabled-elt="#run-plan"' in page.text
    assert "Planning runs in the background" in page.text and "No plan yet." in page.text
    ran = _run(client, token)
    assert ran.status_code == 303  # type: ignore[attr-defined]
    plan_id = _plan_id(client, rotation, ran.headers["location"])  # type: ignore[attr-defined]
    shown = client.get(f"/rotation/plans/{plan_id}").text
    assert "2 home, 2 out, 0 not moved" in shown
    cell = re.search(
        r'<td class="cell" data-route="sinuiju" data-day="2021-08-02">(.*?)</td>', shown, re.S
    )
    assert cell, "the first open day carries everyone ready"
    for name in ("Kim Chol Su", "김철수", "Choe Yong Ho", "최용호", "Han Gwang Il"):
        assert name in cell.group(1)
    assert "2 home · 1 out" in cell.group(1) and "O Mi Sun" not in cell.group(1)  # ready 08-03
    assert "seats home 2 of 5" in cell.group(1) and "seats out 1 of 5" in cell.group(1)
    assert "manifest.xlsx?route=sinuiju&amp;day=2021-08-02" in cell.group(1)
    assert '<svg role="img"' in shown and "busiest day holds 2 of 10 beds" in shown
    assert 'id="beds-table"' in shown and "Everyone was moved." in shown
    assert not any(h in shown for h in HELD)  # the planner lacks `protection`
    listed = client.get("/rotation/plans").text
    assert f'href="/rotation/plans/{plan_id}"' in listed and "planner" in listed
    with rotation.uow() as uow:
        row = uow.rotation.plan(plan_id)
        assert row is not None and row.created_by == "planner"
        assert set(row.plan[SOURCES]) == {"P1", next(k for k in row.plan[SOURCES] if k != "P1")}
    # Through HTMX the browser is sent to the new planning job.
    htmx = client.post(
        "/rotation/plans",
        headers={"hx-request": "true"},
        data={
            "csrf_token": token,
            "call": "1",
            "start": "2021-08-01",
            "horizon": "20",
            "time_limit": "10",
        },
    )
    assert htmx.status_code == 204 and re.fullmatch(r"/jobs/\d+", htmx.headers["hx-redirect"])


def test_run_form_refusals_show_the_reason(rotation: Muster) -> None:
    client, token = _planner(rotation)
    zero = _run(client, token, horizon="0")
    assert zero.status_code == 400 and "horizon 0: expected 1 to 366" in zero.text  # type: ignore[attr-defined]
    nowhere = _run(client, token, call="99")
    assert nowhere.status_code == 404  # type: ignore[attr-defined]
    with rotation.uow() as uow:
        assert uow.rotation.plans() == []


def _manifest(client: TestClient, url: str) -> list[tuple[object, ...]]:
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows: list[tuple[object, ...]] = []
    for name in book.sheetnames[1:]:
        rows += list(book[name].iter_rows(min_row=2, values_only=True))
    return rows


def test_manifests_per_cell_and_whole_plan(rotation: Muster) -> None:
    plan_id = saved_plan(rotation, "planner")
    client, _ = _planner(rotation)
    cell = _manifest(
        client, f"/rotation/plans/{plan_id}/manifest.xlsx?route=sinuiju&day=2021-08-02"
    )
    assert {(r[0], r[2], r[3]) for r in cell} == {
        ("home", "Kim", "Chol Su"),
        ("home", "Choe", "Yong Ho"),
        ("out", "Han", "Gwang Il"),
    }
    later = _manifest(
        client, f"/rotation/plans/{plan_id}/manifest.xlsx?route=sinuiju&day=2021-08-03"
    )
    assert [(r[0], r[1], r[2], r[7]) for r in later] == [("out", "R2", "O", "W3")]
    assert _manifest(client, f"/rotation/plans/{plan_id}/manifest.xlsx?route=rail") == []
    whole = _manifest(client, f"/rotation/plans/{plan_id}/manifest.xlsx")
    assert len(whole) == 4
    with rotation.uow() as uow:
        exports = uow.session.query(AuditEventRow).filter_by(action="export_manifest").count()
    assert exports == 4


def test_held_persons_only_with_protection_even_when_held_later(rotation: Muster) -> None:
    by_hq = saved_plan(rotation, "hq")  # hq holds `protection`: P3 is planned, and not moved
    hq, _ = signed_in(rotation, "hq")
    seen = hq.get(f"/rotation/plans/{by_hq}").text
    assert 'data-person="P3" data-reason="protection_hold"' in seen
    assert "under a protection hold" in seen and "박명남" in seen
    planner, _ = _planner(rotation)
    hidden = planner.get(f"/rotation/plans/{by_hq}").text
    assert not any(h in hidden for h in HELD)
    assert "2 home, 2 out, 0 not moved" in hidden  # counts count only what is shown
    listed = planner.get("/rotation/plans").text
    assert "protection" not in listed
    # A hold placed after planning hides the person from then on, in every face.
    with rotation.uow() as uow:
        set_hold(uow, OPERATOR, "P1", True, "fears harm if returned", rotation.clock())
    later = planner.get(f"/rotation/plans/{by_hq}").text
    assert "Kim" not in later and "김철수" not in later and "1 home, 2 out" in later
    rows = _manifest(planner, f"/rotation/plans/{by_hq}/manifest.xlsx")
    assert {r[1] for r in rows} & {"P1", "P3"} == set()
    assert "Kim" in hq.get(f"/rotation/plans/{by_hq}").text
    assert (
        "1 of 10 beds" in later and "busiest day holds 1 of 10" in later
    )  # beds count only the homes shown


def test_an_unlinked_person_held_later_disappears(rotation: Muster) -> None:
    """Choe (no person_id) turns out to be a held person's namesake: hidden until cleared."""
    plan_id = saved_plan(rotation, "planner")
    more = (
        "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
        "workplace_code,role,purpose,arrived,permit_expires\n"
        "P7,Choe,Yong Ho,최용호,1988-04-04,M,M9999999,W2,worker,work,2019-05-01,2022-05-01\n"
    )
    from muster.intake import read_people
    from muster.services.registry import import_people

    with rotation.uow() as uow:
        import_people(uow, OPERATOR, read_people(more.encode(), "p.csv"))
    with rotation.uow() as uow:
        set_hold(uow, OPERATOR, "P7", True, "asked for asylum", rotation.clock())
    planner, _ = _planner(rotation)
    page = planner.get(f"/rotation/plans/{plan_id}").text
    assert "Choe" not in page and "최용호" not in page and "1 home, 2 out" in page
    rows = _manifest(planner, f"/rotation/plans/{plan_id}/manifest.xlsx")
    assert "Choe" not in {r[2] for r in rows}


def test_compare_two_plans(rotation: Muster) -> None:
    first = saved_plan(rotation, "planner")
    with rotation.uow() as uow:
        set_route_window(uow, OPERATOR, "sinuiju", date(2021, 8, 5), None)
    second = saved_plan(rotation, "planner")
    with rotation.uow() as uow:
        set_route_window(uow, OPERATOR, "sinuiju", None, None)
    third = saved_plan(rotation, "planner")
    client, _ = _planner(rotation)
    listed = client.get("/rotation/plans").text
    assert 'id="compare-form"' in listed
    moved = client.get(f"/rotation/plans/compare?a={first}&b={second}").text
    cells = re.findall(
        r"<tr class=\"(changed|)\"><th scope=\"row\">([^<]+)</th><td>sinuiju</td>", moved
    )
    assert [c[1] for c in cells] == ["Aug 2, 2021", "Aug 3, 2021", "Aug 5, 2021"]
    assert all(c[0] == "changed" for c in cells)
    assert "0 home · 0 out</td><td>2 home · 2 out" in moved and "Objective difference: -" in moved
    closed = client.get(f"/rotation/plans/compare?a={first}&b={third}").text
    removed = closed[closed.index('id="removed"') :]
    for name in ("Kim", "Choe", "Han", "O Mi Sun"):
        assert name in removed
    assert "Nobody." in closed[closed.index('id="added"') : closed.index('id="removed"')]
    assert client.get(f"/rotation/plans/compare?a={first}&b=99").status_code == 404


def test_a_planner_of_a_consulate_reads_only_its_subtree(rotation: Muster) -> None:
    """C2 holds W3 only: R2 going out to W3 is shown; Kim (W1) and Choe (W2) are not."""
    plan_id = saved_plan(rotation, "planner")
    with rotation.uow() as uow:
        add_user(uow, OPERATOR, "south.planner", "C2", ["plan"])
    with rotation.uow() as uow:
        set_password(uow, OPERATOR, "south.planner", PASSWORD, rotation.clock())
    client, token = signed_in(rotation, "south.planner")
    page = client.get(f"/rotation/plans/{plan_id}").text
    assert "O Mi Sun" in page and "0 home, 1 out" in page
    assert not any(n in page for n in ("Kim", "Choe", "Han Gwang Il"))
    assert (
        "Only planners at headquarters change rotation data" in client.get("/rotation/routes").text
    )
    assert 'id="run-form"' not in client.get("/rotation/plans").text
    rows = _manifest(client, f"/rotation/plans/{plan_id}/manifest.xlsx")
    assert [r[1] for r in rows] == ["R2"]
    refused = client.post(
        "/rotation/routes/sinuiju/seats",
        data={"csrf_token": token, "seats_home": "1", "seats_out": "1"},
    )
    assert refused.status_code == 403 and _route(rotation)[2:] == (5, 5)


def test_korean_rotation_pages_have_no_untranslated_string(rotation: Muster) -> None:
    first = saved_plan(rotation, "hq")  # P3 not moved: under a protection hold
    with rotation.uow() as uow:
        set_route_window(uow, OPERATOR, "sinuiju", None, None)
    second = saved_plan(rotation, "hq")  # the route closed: nobody moves
    client, token = signed_in(rotation, "hq")
    korean = {"accept-language": "ko"}
    pages = [
        "/rotation", "/rotation/hosts", "/rotation/routes", "/rotation/quarantine",
        "/rotation/pool", "/rotation/plans", f"/rotation/plans/{first}",
        f"/rotation/plans/{second}", f"/rotation/plans/compare?a={first}&b={second}",
        "/rotation/routes?done=seats",
    ]  # fmt: skip
    for path in pages:
        response = client.get(path, headers=korean)
        assert response.status_code == 200, path
        assert untranslated(response.text) == [], path
    plan = client.get(f"/rotation/plans/{first}", headers=korean).text
    assert "보호 조치 중" in plan and "2021. 8. 2." in plan and "김철수" in plan
    assert "열린 경로 없음" in client.get(f"/rotation/plans/{second}", headers=korean).text
    bad = POOL_HEADER + "R9,Ma,Il,마일,1990-01-01,M,factory,XA,soon\n"
    sent = client.post(
        "/rotation/pool",
        data={"csrf_token": token},
        files={"file": ("pool.csv", bad.encode(), "text/csv")},
        headers=korean,
    )
    assert Worker(rotation).run_once() is not None
    refused = client.get(sent.headers["location"], headers=korean)
    assert 'data-state="failed"' in refused.text and untranslated(refused.text) == []
    assert "오류 1건" in refused.text and "soon" in refused.text
    wrong = client.post(
        "/rotation/quarantine", data={"csrf_token": token, "beds": "x", "days": "1"}, headers=korean
    )
    assert wrong.status_code == 400 and untranslated(wrong.text) == []
