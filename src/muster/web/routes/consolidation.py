"""The consolidated report of a call under a unit: consolidate now (a background job), the
latest consolidation's sections, counts with charts and completeness, XLSX and PDF downloads,
and the linkage review queue (confirm or split each unsure pair).

Who may: as `muster report` (services.consolidation: `review` within one's subtree); what
each section, note and held person shows is decided by the service, never here.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import NotFound
from muster.domain.users import User
from muster.services.consolidation import (
    check_consolidate,
    consolidated_report,
    decide_match,
    latest_consolidation,
    pairs_to_review,
)
from muster.services.jobs import enqueue, jobs_for
from muster.web.render import render, see_other
from muster.web.report_view import charts, completeness_summary, page_of, review_pairs
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()
BASE = "/calls/{call_id}/units/{unit_code}/report"
Text = Annotated[str, Form()]
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@router.get(BASE, response_class=HTMLResponse)
def report_page(
    request: Request, viewer: SignedIn, call_id: int, unit_code: str, page: int = 1
) -> Response:
    """The latest consolidation as the user may see it, and the pairs to review."""
    muster = muster_of(request)
    user = viewer.user
    context: dict[str, Any] = {"unit_code": unit_code, "report": None}
    with muster.uow() as uow:
        found = latest_consolidation(
            uow, user, muster.catalogue, call_id=call_id, unit_code=unit_code
        )
        context["call"] = check_consolidate(uow, user, call_id=call_id, unit_code=unit_code)[0]
        context["pending"] = _pending(uow, user, call_id, unit_code)
        if found is not None:
            run, at, newer = found
            report = consolidated_report(uow, user, muster.catalogue, run, muster.clock())
            latest = pairs_to_review(uow, user, call_id=call_id, unit_code=unit_code)
            pairs = review_pairs(latest[1] if latest else [], run, muster.catalogue, user)
            shown, page, pages = page_of(pairs, page)
            context.update(
                report=report, run=run, at=at, newer=newer, charts=charts(report),
                summary=completeness_summary(report), pairs=shown, page=page, pages=pages,
                pair_count=len(pairs),
            )  # fmt: skip
    return render(request, "report.html", context)


def _pending(uow: Any, user: User, call_id: int, unit_code: str) -> int | None:
    """A consolidation of this call and unit still queued or running, if any."""
    for job in jobs_for(uow, user, 50):
        same = job.parameters == {"call_id": call_id, "unit_code": unit_code}
        if job.kind == "consolidate" and same and not job.finished:
            return job.id
    return None


@router.post(BASE + "/consolidate")
def consolidate_post(request: Request, viewer: Posted, call_id: int, unit_code: str) -> Response:
    """Ask for a consolidation now (a background job); show its page."""
    muster = muster_of(request)
    params = {"call_id": call_id, "unit_code": unit_code}
    with muster.uow() as uow:
        job_id = enqueue(uow, viewer.user, "consolidate", params, muster.clock())
    return see_other(f"/jobs/{job_id}")


@router.get(BASE + ".{fmt}")
def report_file(
    request: Request, viewer: SignedIn, call_id: int, unit_code: str, fmt: str
) -> Response:
    """The latest consolidation's report as XLSX or PDF, as the user may see it."""
    if fmt not in MEDIA:
        raise NotFound(f"no report format {fmt!r}")
    from muster.reports import write_report  # WeasyPrint and the writers: only when asked

    muster = muster_of(request)
    with muster.uow() as uow:
        found = latest_consolidation(
            uow, viewer.user, muster.catalogue, call_id=call_id, unit_code=unit_code
        )
        if found is None:
            raise NotFound("no consolidation yet: consolidate first")
        report = consolidated_report(uow, viewer.user, muster.catalogue, found[0], muster.clock())
    data = write_report(report, muster.catalogue, "xlsx" if fmt == "xlsx" else "pdf")
    name = f"report-call{call_id}-{unit_code}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=MEDIA[fmt], headers=headers)


@router.post(BASE + "/matches")
def decide_post(
    request: Request,
    viewer: Posted,
    call_id: int,
    unit_code: str,
    left: Text,
    right: Text,
    same: Text,
    page: Annotated[int, Form()] = 1,
) -> Response:
    """Record a decision on a pair: the same person, or different persons."""
    muster = muster_of(request)
    with muster.uow() as uow:
        latest = pairs_to_review(uow, viewer.user, call_id=call_id, unit_code=unit_code)
        queued = {(str(p["record_id_l"]), str(p["record_id_r"])) for p in (latest or (0, []))[1]}
        if (left, right) not in queued:
            raise NotFound("no such pair to review here")
        decide_match(
            uow, viewer.user, call_id=call_id, left=left, right=right, same=same == "yes",
            now=muster.clock(),
        )  # fmt: skip
    return see_other(f"/calls/{call_id}/units/{unit_code}/report?page={page}#pairs")
