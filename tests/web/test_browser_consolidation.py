"""A mission officer consolidates and resolves a review pair, in a real browser (Debian's
chromium), in English and Korean: the report page, "consolidate now", the job's page followed
until done (the server's own worker thread runs it), the sections and the review queue, a
split decision that then shows. Screenshots of each step go to `screenshots/`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from muster.bootstrap import Muster
from tests.web.consolidation_world import lists_at_the_mission

if not Path("/usr/bin/chromium").exists():
    reason = "Debian's chromium is not installed (apt-get install -y chromium): browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} must run in CI", pytrace=False)
    pytest.skip(f"{reason} skipped", allow_module_level=True)

from playwright.sync_api import Browser, expect

from tests.web.test_web_browser import Journey, browser, server  # noqa: F401 (fixtures)

JOB_SECONDS = 180_000  # linkage on a cold start takes a while on a busy machine (ms)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_a_mission_officer_consolidates_and_resolves_a_review_pair(
    world: Muster,
    browser: Browser,  # noqa: F811
    server: str,  # noqa: F811
    language: str,
    tmp_path: Path,
) -> None:
    ko = language == "ko"
    lists_at_the_mission(world)
    trip = Journey(browser, server, language, tmp_path)
    trip.step = 20  # screenshots after those of the list loop
    officer = trip.sign_in("mission")

    officer.goto(server + "/calls/1/units/M1/report")
    expect(officer.locator("#run")).to_have_text(
        "아직 통합하지 않았습니다." if ko else "Not consolidated yet."
    )
    trip.check(officer, "report-before")

    officer.click("#consolidate")
    officer.wait_for_url(f"{server}/jobs/*")
    expect(officer.locator("#job-progress")).to_be_visible()
    trip.check(officer, "job-following")
    expect(officer.locator("#job-state[data-state=done]")).to_be_visible(timeout=JOB_SECONDS)
    expect(officer.locator("#job-status")).to_have_text("완료" if ko else "done")
    trip.check(officer, "job-done")

    officer.click("#job-result")
    officer.wait_for_url(f"{server}/calls/1/units/M1/report")
    expect(officer.locator("#section-health")).to_contain_text("Kim Chol Su")
    expect(officer.locator("#section-stranded")).to_contain_text("김영철")
    expect(officer.locator("#chart-section svg")).to_be_visible()
    pair = officer.locator("article.pair").first
    expect(pair).to_contain_text("Kim Yong Chol")
    expect(pair).to_contain_text("Gim Yeong-cheol")
    trip.check(officer, "report-and-queue")

    pair.locator("button.split").click()
    officer.wait_for_url(f"{server}/calls/1/units/M1/report?page=1#pairs")
    decision = officer.locator("article.pair .decision").first
    expect(decision).to_contain_text("결정됨: 다른 사람" if ko else "Decided: different persons")
    trip.check(officer, "pair-split")

    officer.click("#consolidate")  # the decision is applied by the next consolidation
    expect(officer.locator("#job-state[data-state=done]")).to_be_visible(timeout=JOB_SECONDS)
    officer.click("#job-result")
    expect(officer.locator("#no-pairs")).to_be_visible()
    expect(officer.locator("#section-stranded tbody tr")).to_have_count(3)
    trip.check(officer, "after-split")
