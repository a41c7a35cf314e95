"""A protection officer, in a real browser, confirms that a list entry names a held person and
clears another that does not; afterwards a rotation plan made by a planner without
`protection` leaves the confirmed person out and plans the cleared one, and a reviewer
without `protection` reads the list without the confirmed entry. Screenshots in
`screenshots/`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.accounts import set_password
from muster.services.lists import review
from muster.services.registry import add_user, set_hold
from muster.services.rotation import add_route, set_host, set_quarantine
from muster.services.rotation_plan import SavedPlan, plan_from_db
from tests.integration.test_call_loop import _submit
from tests.web.conftest import HEADER, PASSWORD
from tests.web.test_web_browser import Journey, browser, server  # noqa: F401 (fixtures)

# P2 (Ri Yong Hui, born 1990-11-02, passport M2345678) is held. W1's list names
# - Yi Yeong-hui, another romanisation of the name, with a placeholder birth date: possible;
# - Han Mi Ok, born the same day with a passport one letter off: possible;
# - Kim Chol Su (P1) by id: nobody held.
W1_LIST = HEADER + (
    ",Yi,Yeong-hui,,1990-01-01,F,,stranded_trip,,yes,yes,\n"
    ",Han,Mi Ok,한미옥,1990-11-02,F,M2345679,stranded_trip,,yes,yes,\n"
    "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,stranded_trip,,yes,yes,\n"
)


class ProtectionJourney(Journey):
    """The walk of this test: its screenshots are named protection-… beside the loop's."""

    def check(self, page: Page, what: str) -> None:
        super().check(page, f"protection-{what}")


def _prepare(world: Muster) -> None:
    """The officer and the planner, the hold, rotation data, W1's list accepted by C1."""
    for name, permissions in (
        ("officer", ["protection", "review"]),
        ("planner", ["plan", "review"]),
    ):
        with world.uow() as uow:
            add_user(uow, OPERATOR, name, "HQ", permissions)
        with world.uow() as uow:
            set_password(uow, OPERATOR, name, PASSWORD, world.clock())
    with world.uow() as uow:
        set_hold(uow, OPERATOR, "P2", True, "asked for protection", world.clock())
    with world.uow() as uow:
        set_host(uow, OPERATOR, "XA", "free", "may stay until further notice")
    with world.uow() as uow:
        add_route(
            uow,
            OPERATOR,
            route_id="xa-bridge",
            host="XA",
            mode="bridge",
            open_from=date(2021, 8, 2),
            open_until=None,
            seats_home=5,
            seats_out=5,
        )
    with world.uow() as uow:
        set_quarantine(uow, OPERATOR, 10, 14)
    _submit(world, 1, "W1", W1_LIST, "w1")
    with world.uow() as uow:
        north = uow.users.get("north")
        assert north is not None
        review(uow, north, call_id=1, unit_code="W1", accept=True, reason=None, now=world.clock())


def _planned_names(world: Muster) -> set[str]:
    """Names of everyone in a plan made now by the planner (no `protection`)."""
    with world.uow() as uow:
        planner = uow.users.get("planner")
        assert planner is not None
        saved: SavedPlan = plan_from_db(
            uow,
            planner,
            world.catalogue,
            call_id=1,
            start=date(2021, 8, 1),
            horizon_days=20,
            time_limit=10,
            now=world.clock(),
        )
    ids = {r.id for r in saved.scenario.returnees}
    ids |= {m.person for m in saved.plan.moves} | {u.person for u in saved.plan.unscheduled}
    return {
        f"{p.entry.family_name} {p.entry.given_name}"
        for p in saved.persons
        if (p.entry.person_id or p.cluster_id) in ids
    }


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("language", ["en", "ko"])
def test_officer_confirms_a_possible_held_match_and_the_person_leaves_the_plan(
    browser: Browser,  # noqa: F811
    server: str,  # noqa: F811
    world: Muster,
    language: str,
    tmp_path: Path,
) -> None:
    _prepare(world)
    before = _planned_names(world)
    assert "Kim Chol Su" in before
    assert not {"Yi Yeong-hui", "Han Mi Ok"} & before  # possible matches wait, unplanned

    trip = ProtectionJourney(browser, server, language, tmp_path)
    officer = trip.sign_in("officer")
    officer.goto(server + "/protection")
    queue = officer.locator("#queue")
    expect(queue).to_contain_text("Yeong-hui")
    expect(queue).to_contain_text("Mi Ok")
    trip.check(officer, "queue")
    officer.locator("#queue tr", has_text="Yeong-hui").locator("button[id^=confirm-]").click()
    expect(officer.locator("p.done")).to_be_visible()
    officer.locator("#queue tr", has_text="Mi Ok").locator("button[id^=clear-]").click()
    expect(queue).not_to_contain_text("Yeong-hui")
    expect(queue).not_to_contain_text("Mi Ok")
    trip.check(officer, "ruled")
    officer.goto(server + "/people/P2")
    expect(officer.locator("#mentions")).to_contain_text("W1")
    trip.check(officer, "held-person")

    after = _planned_names(world)
    assert "Yi Yeong-hui" not in after  # confirmed: the held person is never planned
    assert {"Han Mi Ok", "Kim Chol Su"} <= after  # cleared: planned like anyone else

    reviewer = trip.sign_in("north")
    reviewer.goto(server + "/calls/1/units/W1")
    entries = reviewer.locator("main")
    expect(entries).to_contain_text("Mi Ok")
    expect(entries).to_contain_text("Chol Su")
    expect(entries).not_to_contain_text("Yeong-hui")
    trip.check(reviewer, "reviewer-list")
    reviewer.goto(server + "/people?q=" + "Ri Yong Hui")
    expect(reviewer.locator("#found")).not_to_contain_text("P2")
    trip.check(reviewer, "reviewer-search")
