"""Korean and English: every message translated, chosen per user and by Accept-Language."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from muster.bootstrap import Muster
from muster.web.i18n import choose_language, translations
from muster.web.localise import localise
from tests.web.conftest import BAD_CSV, signed_in
from tests.web.messages import untranslated, web_messages

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
