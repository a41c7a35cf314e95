"""A mission officer opens the situation board of their host in a real browser (Debian's
chromium), in English and Korean, at 1280x800 and on a tablet; screenshots go to
`screenshots/`."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, expect

from muster.bootstrap import Muster
from tests.web.conftest import PASSWORD
from tests.web.messages import untranslated
from tests.web.situation_world import grow
from tests.web.test_web_browser import SHOTS, browser, server  # noqa: F401 (fixtures)

SIZES = {"desktop": (1280, 800), "tablet": (820, 1180)}


@pytest.fixture
def world(world: Muster) -> Muster:
    """The web world grown into two hosts, with lists, routes and a plan."""
    return grow(world)


def _fits(page: Page) -> bool:
    """True when nothing makes the page scroll sideways."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_mission_officer_opens_the_board_of_their_host(
    browser: Browser,  # noqa: F811
    server: str,  # noqa: F811
    language: str,
) -> None:
    SHOTS.mkdir(exist_ok=True)
    for size, (width, height) in SIZES.items():
        locale = "ko-KR" if language == "ko" else "en-GB"
        context = browser.new_context(locale=locale, viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(server + "/")
        page.fill("#name", "mission")
        page.fill("#password", PASSWORD)
        page.click("form[action='/sign-in'] button[type=submit]")
        page.wait_for_url(server + "/")
        page.click("nav a[href='/situation']")
        expect(page.locator("article.card")).to_have_count(1)  # XA only: YO is M2's
        expect(page.locator("#host-XA")).to_be_visible()
        page.screenshot(path=str(SHOTS / f"situation-{language}-{size}-overview.png"))
        page.click("article.card a.button")
        page.wait_for_url(server + "/situation/XA")
        routes = page.locator("svg[aria-labelledby=routes-title]")
        expect(routes.locator("rect.closed")).to_have_count(1)  # until the bridge opens
        expect(routes.locator("rect.open")).to_have_count(1)
        expect(page.locator("svg[aria-labelledby=beds-title] polyline.everyone")).to_be_visible()
        assert _fits(page), size
        page.screenshot(path=str(SHOTS / f"situation-{language}-{size}-board.png"), full_page=True)
        if language == "ko":
            assert untranslated(page.content()) == []
            assert "상황" in page.content()
        context.close()
