"""Korean and English: every message translated, chosen per user and by Accept-Language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.jobs import enqueue
from muster.services.rotation import set_host, set_quarantine, set_route_seats, set_route_window
from muster.store.tables import JobRow
from muster.web.i18n import choose_language, translations
from muster.web.localise import localise
from muster.worker import Worker
from tests.web.conftest import BAD_CSV, signed_in
from tests.web.messages import untranslated, web_messages
from tests.web.rotation_world import build_rotation, saved_plan

KO = Path(__file__).parents[2] / "src/muster/web/locales/ko/LC_MESSAGES"


def test_every_message_has_a_korean_translation() -> None:
    translated: set[str] = set()
    for po in sorted(KO.glob("*.po")):
        with po.open("rb") as source:
            translated |= {str(m.id) for m in read_po(source, locale="ko") if m.id and m.string}
    assert sorted(web_messages() - translated) == []


@pytest.mark.parametrize(
    ("chosen", "header", "expected"),
    [
        (None, "ko-KR,ko;q=0.9,en;q=0.8", "ko"),
        (None, "fr, en;q=0.5", "en"),
        ("en", "ko", "en"),
        ("ko", "en-US", "ko"),
        (None, None, "en"),
    ],
)
def test_language_choice(chosen: str | None, header: str | None, expected: str) -> None:
    assert choose_language(chosen, header) == expected


PAGES = [
    "/", "/calls", "/calls/new", "/calls/1", "/calls/1/board", "/notices",
    "/calls/1/units/W1", "/calls/1/units/W1/submit", "/calls/1/units/W1/files",
]  # fmt: skip


def test_korean_pages_have_no_untranslated_string(world: Muster) -> None:
    client, token = signed_in(world, "w1")
    files = {"file": ("w1.csv", BAD_CSV.encode(), "text/csv")}
    korean = {"accept-language": "ko"}
    refused = client.post("/calls/1/units/W1/upload", data={"csrf_token": token}, files=files,
                          headers=korean)  # fmt: skip
    assert refused.status_code == 422
    assert untranslated(refused.text) == []
    assert "오류 2건" in refused.text
    # the row errors' expected forms are Korean too, the values as written
    assert "YYYY-MM-DD 형식의 날짜" in refused.text
    assert "다음 중 하나: yes, no, unknown" in refused.text
    assert "1990-13-02" in refused.text
    for path in PAGES:
        response = client.get(path, headers=korean)
        assert response.status_code == 200, path
        assert untranslated(response.text) == [], path


def _tight(world: Muster, rotation: str) -> int:
    """A plan of the rotation world with one seat a day each way and one quarantine bed."""
    with world.uow() as uow:
        set_host(uow, OPERATOR, "XA", rotation, None)
    with world.uow() as uow:
        set_quarantine(uow, OPERATOR, 1, 14)
    with world.uow() as uow:
        set_route_seats(uow, OPERATOR, "sinuiju", 1, 1)
    return saved_plan(world, "hq", horizon=5)


def _details(html: str) -> list[str]:
    """The not-moved details of a plan page."""
    return [" ".join(d.split()) for d in re.findall(r'<td class="detail">(.*?)</td>', html, re.S)]


def test_korean_plan_details_and_job_failures_have_no_untranslated_string(
    world: Muster,
) -> None:
    with world.uow() as uow:  # no rotation data yet: planning fails for want of quarantine
        hq = uow.users.get("hq")
        assert hq is not None
    params = {"call_id": 1, "start": "2021-08-01", "horizon_days": 5, "time_limit": 5}
    with world.uow() as uow:
        failing = [enqueue(uow, hq, "plan", params, world.clock())]
    with world.uow() as uow:  # a job whose parameters were spoilt after it was asked for
        failing.append(uow.jobs.add(JobRow(
            kind="plan", parameters={**params, "call_id": "one"}, requested_by="hq",
            unit_code="HQ", state="queued", progress_done=0, progress_total=0,
            progress_message="", attempts=0, created_at=world.clock(),
        )))  # fmt: skip
        uow.commit()
    while Worker(world).run_once() is not None:
        pass
    build_rotation(world)
    plans = [_tight(world, "free"), _tight(world, "paired")]  # capacity; no replacement
    with world.uow() as uow:
        set_route_window(uow, OPERATOR, "sinuiju", None, None)
    plans.append(saved_plan(world, "hq"))  # the route closed
    client, _ = signed_in(world, "hq")
    korean, english = {"accept-language": "ko"}, {"accept-language": "en"}
    shown: list[str] = []
    for plan in plans:
        page = client.get(f"/rotation/plans/{plan}", headers=korean).text
        assert untranslated(page) == [], plan
        details = [d for d in _details(page) if d]
        assert details and all(re.search("[가-힣]", d) for d in details), details
        shown += details
        english_details = _details(client.get(f"/rotation/plans/{plan}", headers=english).text)
        assert untranslated(" ".join(f"<p>{d}</p>" for d in english_details if d)) != []
    assert any("격리 병상 부족 2021-08-02..2021-08-05; 귀국 좌석 부족" in d for d in shown)
    assert any("교대 인원 1명이 모두" in d for d in shown)
    assert any("왕복 경로가 열리지 않음" in d for d in shown)
    for job_id in failing:
        page = client.get(f"/jobs/{job_id}", headers=korean).text
        assert 'data-state="failed"' in page and untranslated(page) == [], page
        assert untranslated(client.get(f"/jobs/{job_id}", headers=english).text) != []
    assert "격리 수용 능력이 설정되지 않았습니다" in client.get(f"/jobs/{failing[0]}",
                                                      headers=korean).text  # fmt: skip
    assert "정수로 필요합니다" in client.get(f"/jobs/{failing[1]}", headers=korean).text


def test_english_pages_are_detected_as_english(world: Muster) -> None:
    client, _ = signed_in(world, "w1")
    assert untranslated(client.get("/", headers={"accept-language": "en"}).text)


def test_language_is_kept_per_user(world: Muster) -> None:
    client, token = signed_in(world, "north")
    client.post("/language", data={"csrf_token": token, "language": "ko", "back": "/"})
    page = client.get("/", headers={"accept-language": "en"})
    assert '<html lang="ko">' in page.text and "로그아웃" in page.text
    other, _ = signed_in(world, "south")
    assert '<html lang="en">' in other.get("/", headers={"accept-language": "en"}).text


def test_dates_and_numbers_are_localised_and_hangul_kept(world: Muster) -> None:
    client, _ = signed_in(world, "hq")
    english = client.get("/calls", headers={"accept-language": "en"}).text
    korean = client.get("/calls", headers={"accept-language": "ko"}).text
    assert "Jul 23, 2021" in english
    assert "2021. 7. 23." in korean
    roster = client.get("/calls/1/units/W1/submit?q=김철수", headers={"accept-language": "ko"})
    assert "김철수" in roster.text and "1985. 3. 14." in roster.text


@pytest.mark.parametrize(
    ("english", "korean"),
    [
        ("one of yes, no, unknown", "다음 중 하나: yes, no, unknown"),
        ("one of the columns person_id, note", "다음 열 중 하나: person_id, note"),
        ("'W1': nothing was accepted since its last forward",
         "'W1': 지난번 전달 이후 승인된 목록이 없습니다"),
        ("a value (category is required)", "값 (category 열은 반드시 채워야 합니다)"),
        ("something no catalogue knows", "something no catalogue knows"),
    ],
)  # fmt: skip
def test_service_messages_are_shown_in_korean(english: str, korean: str) -> None:
    catalogue = translations("ko")
    assert localise(english, catalogue.gettext) == korean
    assert localise(english, translations("en").gettext) == english


def test_a_refusal_page_is_korean(world: Muster) -> None:
    client, token = signed_in(world, "north")
    korean = {"accept-language": "ko"}
    # W1 has submitted nothing: accepting it is refused by the submission's state machine
    response = client.post("/calls/1/units/W1/accept", data={"csrf_token": token},
                           headers=korean)  # fmt: skip
    assert response.status_code == 400
    assert "현재 상태가" in response.text
    assert untranslated(response.text) == []
