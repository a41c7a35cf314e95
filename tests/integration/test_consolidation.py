"""Consolidation through the services: linkage across workplaces, sections and visibility."""

from __future__ import annotations

from io import BytesIO

import openpyxl
import pytest
from pypdf import PdfReader

from muster.bootstrap import Muster
from muster.domain.consolidation import ConsolidatedReport
from muster.domain.users import OPERATOR
from muster.reports import write_report
from muster.services.actors import resolve_user
from muster.services.consolidation import consolidate, consolidated_report, decide_match
from muster.services.lists import forward
from muster.services.registry import add_user, set_hold
from tests.integration.test_call_loop import HEADER, _issue, _review, _submit

W1 = HEADER + (
    "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,fractured femur\n"
    ",Choe,Un Ha,최은하,1992-02-02,F,,whereabouts_unknown,2021-07-10,unknown,unknown,\n"
)
W2 = HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stranded_trip,,yes,yes,\n"
W3 = HEADER + (
    ",KIM,CHOLSU,金哲洙,1985-03-14,M,M1234567,stranded_trip,,yes,yes,\n"
    "P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,stalled_business,,yes,no,\n"
)


@pytest.fixture
def accepted_call(muster: Muster) -> int:
    """A call where W1, W2 and W3 submitted and were accepted; P3 is under a protection hold."""
    call_id = _issue(muster)
    for unit, body in (
        ("W1", W1),
        ("W2", W2),
        ("W3", W3.replace("stalled_business", "stranded_trip")),
    ):
        _submit(muster, call_id, unit, body)
        _review(muster, call_id, unit, "mission")
    with muster.uow() as uow:
        set_hold(uow, OPERATOR, "P3", True, "fears harm if returned", muster.clock())
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "plain", "M1", ["review"])
    return call_id


def _report(muster: Muster, call_id: int, actor: str) -> ConsolidatedReport:
    with muster.uow() as uow:
        user = resolve_user(uow, actor)
        run = consolidate(
            uow, user, muster.catalogue, call_id=call_id, unit_code="M1", now=muster.clock()
        )
    with muster.uow() as uow:
        return consolidated_report(uow, user, muster.catalogue, run, muster.clock())


def test_same_person_from_two_workplaces_is_merged(muster: Muster, accepted_call: int) -> None:
    report = _report(muster, accepted_call, "hq")
    persons = report.persons
    kim = [p for p in persons if {s.unit_code for s in p.sources} == {"W1", "W3"}]
    assert len(kim) == 1, [(p.cluster_id, [s.unit_code for s in p.sources]) for p in persons]
    assert kim[0].section == "health"  # health outranks stranded
    sections = {p.section for p in persons}
    assert sections == {"health", "stranded", "welfare", "protection"}
    assert len(persons) == 4


def test_plain_viewer_sees_no_medical_welfare_or_held_in_any_format(
    muster: Muster, accepted_call: int
) -> None:
    report = _report(muster, accepted_call, "plain")
    assert {s.section.code for s in report.sections} == {"health", "stranded"}
    html = write_report(report, muster.catalogue, "html").decode()
    xlsx = write_report(report, muster.catalogue, "xlsx")
    pdf = PdfReader(BytesIO(write_report(report, muster.catalogue, "pdf")))
    pdf_text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Unable to work: health" in pdf_text  # the text is there to search

    book = openpyxl.load_workbook(BytesIO(xlsx), read_only=True)
    cells = " ".join(
        str(c)
        for ws in book.worksheets
        for row in ws.iter_rows(values_only=True)
        for c in row
        if c is not None
    )
    for text in (html, cells, pdf_text):
        assert "fractured femur" not in text
        assert "최은하" not in text and "Choe" not in text
        assert "박명남" not in text and "P3" not in text
        assert "리영희" in text


def test_reviewer_decision_is_remembered(muster: Muster, accepted_call: int) -> None:
    first = _report(muster, accepted_call, "hq")
    kim = next(p for p in first.persons if len(p.sources) == 2)
    left, right = (s.record_id for s in kim.sources)
    with muster.uow() as uow:
        decide_match(
            uow,
            resolve_user(uow, "hq"),
            call_id=accepted_call,
            left=left,
            right=right,
            same=False,
            now=muster.clock(),
        )
    second = _report(muster, accepted_call, "hq")
    assert all(len(p.sources) == 1 for p in second.persons)
    assert len(second.persons) == 5


def test_forwarded_lists_still_count_as_accepted(muster: Muster, accepted_call: int) -> None:
    with muster.uow() as uow:
        forward(
            uow,
            OPERATOR,
            muster.catalogue,
            call_id=accepted_call,
            unit_code="C1",
            now=muster.clock(),
        )
    report = _report(muster, accepted_call, "hq")
    assert len(report.persons) == 4
