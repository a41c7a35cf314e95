"""Times on pages in the organisation's time zone (MUSTER_TIME_ZONE), typed and shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.calls import calls_for
from muster.settings import Settings
from tests.web.conftest import signed_in


def test_times_are_shown_and_typed_in_the_organisations_zone(world: Muster) -> None:
    world.settings = world.settings.model_copy(update={"time_zone": "Asia/Seoul"})
    client, token = signed_in(world, "hq")
    # the call of the world is due 2021-07-23 09:00 UTC: 18:00 in Seoul
    page = client.get("/calls/1", headers={"accept-language": "en"}).text
    assert "Jul 23, 2021, 6:00:00\u202fPM KST" in page or "Jul 23, 2021, 6:00:00 PM KST" in page
    form = client.get("/calls/new").text
    assert "Due per level (Asia/Seoul)" in form
    response = client.post("/calls", data={
        "csrf_token": token, "by": "HQ", "scope": "HQ", "title": "Seoul time",
        "categories": "illness", "due_workplace": "2021-07-25T18:00",
        "due_consulate": "2021-07-26T18:00", "due_mission": "2021-07-27T18:00",
    })  # fmt: skip
    assert response.status_code == 303, response.text[-400:]
    with world.uow() as uow:
        call = next(c for c in calls_for(uow, OPERATOR) if c.title == "Seoul time")
    assert min(call.due.values()) == datetime(2021, 7, 25, 9, 0, tzinfo=UTC)


def test_utc_by_default(world: Muster) -> None:
    client, _token = signed_in(world, "hq")
    assert "UTC" in client.get("/calls/1").text


def test_an_unknown_zone_is_refused_with_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSTER_TIME_ZONE", "Asia/Pyongyang-ish")
    with pytest.raises(ValidationError, match="IANA name such as Asia/Seoul"):
        Settings()
