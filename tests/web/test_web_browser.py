"""The call-for-lists loop in a real browser (Playwright driving Debian's chromium), in English
and in Korean: upload with an error, fix, return with a reason, resubmit, accept, forward,
the mission sees it arrive, HQ sees the board. Screenshots of each step go to
`screenshots/` (git-ignored)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from muster.bootstrap import Muster
from muster.web import create_app
from tests.web.conftest import BAD_CSV, GOOD_CSV, PASSWORD
from tests.web.messages import untranslated

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]  # fmt: skip
SHOTS = Path(__file__).parents[2] / "screenshots"

if not CHROMIUM.exists():
    reason = "Debian's chromium is not installed (apt-get install -y chromium): browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} must run in CI", pytrace=False)
    pytest.skip(f"{reason} skipped", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

from tests.web.live import serving  # noqa: E402


@pytest.fixture
def server(world: Muster) -> Iterator[str]:
    """The web application served by uvicorn on a loopback port, in a thread."""
    with serving(create_app(world)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Debian chromium (never a downloaded browser)."""
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        yield launched
        launched.close()


class Journey:
    """One language's walk through the loop, checking and photographing every step."""

    def __init__(self, browser: Browser, base: str, language: str, files: Path) -> None:
        self.browser, self.base, self.language, self.files = browser, base, language, files
        self.step = 0
        SHOTS.mkdir(exist_ok=True)

    def sign_in(self, name: str) -> Page:
        locale = "ko-KR" if self.language == "ko" else "en-GB"
        context = self.browser.new_context(locale=locale, viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.goto(self.base + "/")
        page.fill("#name", name)
        page.fill("#password", PASSWORD)
        page.click("form[action='/sign-in'] button[type=submit]")
        page.wait_for_url(self.base + "/")
        self.check(page, f"{name}-home")
        return page

    def check(self, page: Page, what: str) -> None:
        """Screenshot the page; in Korean, fail on any English message left on it."""
        self.step += 1
        page.screenshot(path=str(SHOTS / f"{self.language}-{self.step:02d}-{what}.png"),
                        full_page=True)  # fmt: skip
        if self.language == "ko":
            assert untranslated(page.content()) == [], what

    def upload(self, page: Page, name: str, content: str) -> None:
        path = self.files / name
        path.write_text(content, encoding="utf-8")
        page.goto(self.base + "/calls/1/units/W1/submit")
        page.set_input_files("#file", str(path))
        page.click("#upload")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_loop_in_the_browser(
    browser: Browser, server: str, language: str, tmp_path: Path
) -> None:
    trip = Journey(browser, server, language, tmp_path)
    manager = trip.sign_in("w1")
    trip.upload(manager, "w1.csv", BAD_CSV)
    error_row = manager.locator("#errors tr.error-row[data-row='3']").first
    expect(error_row).to_contain_text("1990-13-02")
    trip.check(manager, "upload-refused")
    trip.upload(manager, "w1.csv", GOOD_CSV)
    expect(manager.locator("#outcome")).to_be_visible()
    trip.check(manager, "submitted")

    officer = trip.sign_in("north")
    officer.goto(server + "/calls/1/units/W1")
    officer.fill("#reason", "Row 2: add the date since when / 2행: 발생일을 적어 주십시오")
    officer.click("#return")
    expect(officer.locator("#state")).to_have_text("반려됨" if language == "ko" else "returned")
    trip.check(officer, "returned")

    manager.goto(server + "/")
    expect(manager.locator(".reason").first).to_contain_text("Row 2: add the date since when")
    trip.check(manager, "sees-reason")
    trip.upload(manager, "w1-fixed.csv", GOOD_CSV.replace("2021-07-01", "2021-07-02"))
    expect(manager.locator("#outcome")).to_be_visible()
    trip.check(manager, "resubmitted")

    officer.goto(server + "/calls/1/units/W1")
    expect(officer.locator("table.diff")).to_be_visible()
    officer.click("#accept")
    expect(officer.locator("#state")).to_have_text("승인됨" if language == "ko" else "accepted")
    officer.goto(server + "/calls/1/units/C1")
    officer.check("#partial")  # W2 has sent nothing yet: forward what is accepted now
    officer.click("#forward")
    trip.check(officer, "forwarded")

    mission = trip.sign_in("mission")
    expect(mission.locator("section[aria-labelledby=h-waiting]")).to_contain_text("Consulate North")
    mission.goto(server + "/calls/1/units/C1")
    expect(mission.locator("#state")).to_have_text("제출됨" if language == "ko" else "submitted")
    trip.check(mission, "arrived")

    hq = trip.sign_in("hq")
    hq.goto(server + "/calls/1/board")
    expect(hq.locator("svg").first).to_be_visible()
    expect(hq.locator("table.board")).to_contain_text("W1")
    trip.check(hq, "board")
