"""The consolidated report page: consolidate now (a job), sections as the viewer may see
them, counts with charts and tables, completeness, downloads, and the review queue."""

from __future__ import annotations

import re
from io import BytesIO

import openpyxl
import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.registry import set_hold
from muster.web.report_view import page_of
from muster.worker import Worker
from tests.web.conftest import signed_in
from tests.web.consolidation_world import lists_at_the_mission
from tests.web.messages import untranslated

REPORT = "/calls/1/units/M1/report"


@pytest.fixture
def call(world: Muster) -> int:
    return lists_at_the_mission(world)


def consolidate(world: Muster, client: TestClient, token: str, unit: str = "M1") -> str:
    """Press "consolidate now", run the job, return the job page's address."""
    response = client.post(f"/calls/1/units/{unit}/report/consolidate", data={"csrf_token": token})
    assert response.status_code == 303
    job_page = response.headers["location"]
    assert re.fullmatch(r"/jobs/\d+", job_page)
    assert Worker(world).run_once() is not None
    return job_page


def pair_form(html: str) -> dict[str, str]:
    """The record ids of the first pair on the page."""
    found = re.search(r'data-left="([^"]+)" data-right="([^"]+)"', html)
    assert found, "no pair on the page"
    return {"left": found.group(1), "right": found.group(2)}


def test_before_a_first_consolidation_the_page_offers_one(world: Muster, call: int) -> None:
    client, _ = signed_in(world, "mission")
    page = client.get(REPORT)
    assert page.status_code == 200
    assert "Not consolidated yet." in page.text and 'id="consolidate"' in page.text
    assert "download-xlsx" not in page.text
    assert client.get(REPORT + ".xlsx").status_code == 404


def test_consolidate_now_runs_a_job_and_the_report_shows_it(world: Muster, call: int) -> None:
    client, token = signed_in(world, "mission")
    job_page = consolidate(world, client, token)
    job = client.get(job_page)
    assert 'data-state="done"' in job.text and f'href="{REPORT}"' in job.text
    page = client.get(REPORT).text
    assert "3 persons from 4 entries shown." in page
    health = page.split('id="section-health"')[1].split("</section>")[0]
    stranded = page.split('id="section-stranded"')[1].split("</section>")[0]
    assert "Kim Chol Su" in health and "Kim Chol Su" not in stranded  # health apart
    assert "박명남" in stranded and "김영철" in stranded and "W1, W3" in stranded  # merged
    assert "fractured femur" not in page  # a medical note needs `medical`
    assert 'id="section-welfare"' not in page and 'id="section-protection"' not in page
    charts = {m for m in re.findall(r'<figure class="chart" id="chart-(\w+)"', page)}
    assert charts == {"section", "category", "region", "type"}
    assert page.count("<svg") == 4 and 'aria-label="Persons by region"' in page
    assert "<td>South</td><td>2</td>" in page and "<td>North</td><td>1</td>" in page
    assert "on time: 4" in page and "accepted: 2" in page and "forwarded: 2" in page


def test_headquarters_with_medical_and_protection_sees_more(world: Muster, call: int) -> None:
    with world.uow() as uow:
        set_hold(uow, OPERATOR, "P3", True, "asked for protection", world.clock())
    mission, token = signed_in(world, "mission")
    consolidate(world, mission, token)
    page = mission.get(REPORT).text
    assert "박명남" not in page and "Pak Myong Nam" not in page and "P3" not in page
    assert "2 persons from 3 entries shown." in page  # nothing reveals a held person
    hq, _ = signed_in(world, "hq")
    page = hq.get(REPORT).text
    assert "fractured femur" in page
    protection = page.split('id="section-protection"')[1].split("</section>")[0]
    assert "박명남" in protection


def test_a_pair_is_shown_side_by_side_and_a_decision_is_kept(world: Muster, call: int) -> None:
    client, token = signed_in(world, "mission")
    consolidate(world, client, token)
    page = client.get(REPORT).text
    pair = page.split('<article class="pair card"')[1].split("</article>")[0]
    for text in ("Kim Yong Chol", "Gim Yeong-cheol", "김영철", "Jan 1, 1970",
                 "W1's list, version 1, row 3", "W3's list, version 1, row 3",
                 "merged them into one person"):  # fmt: skip
        assert text in pair, text
    decided = client.post(
        REPORT + "/matches", data={"csrf_token": token, "same": "no", **pair_form(page)}
    )
    assert decided.status_code == 303 and decided.headers["location"].startswith(REPORT)
    page = client.get(REPORT).text
    assert "Decided: different persons · mission" in page
    consolidate(world, client, token)  # the decision is applied on the next consolidation
    page = client.get(REPORT).text
    assert "4 persons from 4 entries shown." in page and "No pair to review." in page


def test_only_a_pair_of_the_queue_can_be_decided(world: Muster, call: int) -> None:
    client, token = signed_in(world, "mission")
    consolidate(world, client, token)
    pair = pair_form(client.get(REPORT).text)
    wrong = {"left": pair["left"], "right": pair["left"].replace("W1", "W3")}
    response = client.post(REPORT + "/matches", data={"csrf_token": token, "same": "yes", **wrong})
    assert response.status_code == 404
    assert "Decided" not in client.get(REPORT).text


def test_downloads_are_the_report_as_the_viewer_may_see_it(world: Muster, call: int) -> None:
    client, token = signed_in(world, "mission")
    consolidate(world, client, token)
    xlsx = client.get(REPORT + ".xlsx")
    assert xlsx.status_code == 200
    assert "attachment" in xlsx.headers["content-disposition"]
    book = openpyxl.load_workbook(BytesIO(xlsx.content), read_only=True)
    cells = " ".join(
        str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row
    )
    assert "김영철" in cells and "fractured femur" not in cells
    pdf = client.get(REPORT + ".pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert "Stranded or without work" in text and "fractured femur" not in text
    assert client.get(REPORT + ".csv").status_code == 404


def test_lists_accepted_after_the_run_are_named_on_the_page(world: Muster, call: int) -> None:
    client, token = signed_in(world, "mission")
    consolidate(world, client, token)
    from tests.integration.test_call_loop import HEADER, _review, _submit

    _submit(
        world,
        1,
        "W2",
        HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stranded_trip,,yes,yes,\n",
    )
    _review(world, 1, "W2", "north")
    page = client.get(REPORT).text
    assert "1 accepted entries arrived after it" in page and "리영희" not in page


def test_the_report_page_in_korean(world: Muster, call: int) -> None:
    client, token = signed_in(world, "hq")  # (the user "mission" reads as an English word)
    korean = {"accept-language": "ko"}
    assert untranslated(client.get(REPORT, headers=korean).text) == []
    job_page = consolidate(world, client, token)
    for path in (REPORT, job_page, "/jobs"):
        page = client.get(path, headers=korean)
        assert page.status_code == 200
        assert untranslated(page.text) == [], path
    page = client.get(REPORT, headers=korean).text
    assert "김영철" in page and "Gim Yeong-cheol" in page  # names as written


def test_a_long_queue_is_shown_page_by_page() -> None:
    pairs = list(range(23))
    first, page, pages = page_of(pairs, 1)  # type: ignore[arg-type]
    assert (first, page, pages) == (list(range(10)), 1, 3)
    last, page, _ = page_of(pairs, 9)  # type: ignore[arg-type]
    assert (last, page) == ([20, 21, 22], 3)
    assert page_of([], 2) == ([], 1, 1)
