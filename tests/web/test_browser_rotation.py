"""HQ's planner in a real browser (Playwright driving Debian's chromium): opens a closed route
and changes its seats, runs the planner as a background job and follows it to its end, opens
the plan as a calendar and downloads the manifest of one route and day, which opens in openpyxl and
lists the travellers of that day; then sends a replacements file, which is loaded by a job whose
page leads back to the pool. Screenshots of each step go to `screenshots/`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.rotation import set_route_window
from tests.web.rotation_world import POOL_HEADER, build_rotation
from tests.web.test_web_browser import Journey, browser, server  # noqa: F401 (fixtures)


@pytest.fixture
def world_closed(world: Muster) -> Muster:
    """The rotation world with its one route closed, waiting to be opened."""
    build_rotation(world)
    with world.uow() as uow:
        set_route_window(uow, OPERATOR, "sinuiju", None, None)
    return world


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_hq_edits_a_route_runs_a_plan_and_downloads_a_manifest(
    world_closed: Muster,
    browser: Browser,  # noqa: F811
    server: str,  # noqa: F811
    language: str,
    tmp_path: Path,
) -> None:
    trip = Journey(browser, server, language, tmp_path)
    page = trip.sign_in("planner")
    page.click("nav a[href='/rotation']")
    expect(page.locator("h1")).to_have_text("교대" if language == "ko" else "Rotation")
    trip.check(page, "rotation-overview")

    page.goto(server + "/rotation/routes")
    row = page.locator("#route-sinuiju")
    expect(row.locator(".window")).to_have_text("닫힘" if language == "ko" else "closed")
    page.fill("#from-sinuiju", "2021-08-02")
    page.click("#open-sinuiju")
    expect(page.locator("#done")).to_be_visible()
    page.fill("#home-sinuiju", "3")
    page.fill("#out-sinuiju", "3")
    page.click("#seats-sinuiju")
    expect(page.locator("#done")).to_be_visible()
    seats = "귀국 3 · 파견 3" if language == "ko" else "home 3 · out 3"
    expect(row.locator(".seats")).to_contain_text(seats)
    expect(row.locator(".window")).not_to_contain_text("닫힘" if language == "ko" else "closed")
    trip.check(page, "rotation-route-opened")

    page.goto(server + "/rotation/plans")
    page.select_option("#call", "1")
    page.fill("#start", "2021-08-01")
    page.fill("#horizon", "20")
    page.fill("#time_limit", "10")
    page.click("#run-plan")
    page.wait_for_url(re.compile(r".*/jobs/\d+$"), timeout=60_000)  # the planning job's page
    expect(page.locator("#job-progress")).to_be_visible()
    trip.check(page, "rotation-planning")
    expect(page.locator("#job-state[data-state=done]")).to_be_visible(timeout=120_000)
    trip.check(page, "rotation-plan-job-done")
    page.click("#job-result")
    page.wait_for_url(re.compile(r".*/rotation/plans/\d+$"), timeout=60_000)
    calendar = page.locator("#calendar")
    expect(calendar).to_be_visible()
    cell = page.locator("td.cell[data-route=sinuiju][data-day='2021-08-02']")
    expect(cell.locator("summary")).to_contain_text("2")
    cell.locator("summary").click()
    expect(cell).to_contain_text("Kim Chol Su")
    expect(cell).to_contain_text("최용호")
    expect(page.locator("figure.chart svg")).to_be_visible()
    trip.check(page, "rotation-calendar")

    with page.expect_download() as download:
        cell.locator("a.manifest").click()
    saved = tmp_path / "manifest.xlsx"
    download.value.save_as(saved)
    book = load_workbook(saved, read_only=True)
    assert book.sheetnames[0] == "Summary"
    travellers = {
        (row[0], row[2], row[3], row[4])
        for name in book.sheetnames[1:]
        for row in book[name].iter_rows(min_row=2, values_only=True)
    }
    assert travellers == {
        ("home", "Kim", "Chol Su", "김철수"),
        ("home", "Choe", "Yong Ho", "최용호"),
        ("out", "Han", "Gwang Il", "한광일"),
    }
    page.goto(server + "/rotation/plans")
    expect(page.locator("#plans tbody tr")).to_have_count(1)
    trip.check(page, "rotation-plans")

    page.goto(server + "/rotation/pool")
    good = POOL_HEADER + "R7,Ma,Il,마일,1990-01-01,M,factory,XA,2021-08-01\n"
    page.set_input_files(
        "#file", files=[{"name": "pool.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    page.click("#upload")
    page.wait_for_url(re.compile(r".*/jobs/\d+$"), timeout=60_000)  # the import job's page
    expect(page.locator("#job-state[data-state=done]")).to_be_visible(timeout=120_000)
    expect(page.locator("#outcome")).to_contain_text("1")
    trip.check(page, "rotation-pool-job-done")
    page.click("#job-result")
    page.wait_for_url(re.compile(r".*/rotation/pool$"), timeout=60_000)
    expect(page.locator("#pool")).to_contain_text("마일")
