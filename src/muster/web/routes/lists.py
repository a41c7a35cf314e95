"""Submitting a list: upload a file (errors shown against their rows), add rows from the
roster, download the pre-filled template."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import DomainError
from muster.intake import IntakeRejected
from muster.intake.errors import RowError
from muster.services.files import list_template
from muster.services.list_forms import FormRow, add_rows, search_roster
from muster.services.lists import SubmitOutcome, status, submit_list
from muster.store.uow import UnitOfWork
from muster.web.render import render
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()
BASE = "/calls/{call_id}/units/{unit_code}"
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


@router.get(BASE + "/submit", response_class=HTMLResponse)
def submit_page(
    request: Request, viewer: SignedIn, call_id: int, unit_code: str, q: str = ""
) -> Response:
    """The upload form, the roster search and the add-rows form."""
    return _page(request, call_id, unit_code, q)


def _page(request: Request, call_id: int, unit_code: str, q: str) -> Response:
    """The submit page with the roster matching `q`."""
    with muster_of(request).uow() as uow:
        return _page_in(uow, request, call_id, unit_code, q, {})


def _page_in(
    uow: UnitOfWork,
    request: Request,
    call_id: int,
    unit_code: str,
    q: str,
    extra: dict[str, Any],
    code: int = 200,
    roster: bool = True,
) -> Response:
    """The submit page read in `uow` (with an outcome or errors in `extra`).

    After an upload (`roster=False`) the roster is a link away rather than read and drawn
    again: the answer to an upload is its outcome.
    """
    muster = muster_of(request)
    user = request.state.viewer.user
    call, rows = status(uow, user, muster.catalogue, call_id=call_id, units=[unit_code])
    people = search_roster(uow, user, unit_code, q) if roster else None
    unit = rows[0] if rows else None
    categories = [muster.catalogue.category(c) for c in call.categories]
    context = {
        "call": call, "unit": unit, "unit_code": unit_code, "q": q, "people": people,
        "categories": categories, "max_bytes": muster.settings.max_upload_bytes, **extra,
    }  # fmt: skip
    partial = request.headers.get("hx-target") == "roster"
    template = "roster_rows.html" if partial else "submit.html"
    return render(request, template, context, status_code=code)


@router.post(BASE + "/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    viewer: Posted,
    call_id: int,
    unit_code: str,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Receive a list file; the errors, row by row, when it is refused."""
    muster = muster_of(request)
    data = await file.read(muster.settings.max_upload_bytes + 1)
    name = file.filename or "upload"

    def store(uow: UnitOfWork) -> SubmitOutcome:
        return submit_list(
            uow, viewer.user, muster.archive, call_id=call_id, unit_code=unit_code,
            data=data, filename=name, limits=muster.limits(), now=muster.clock(),
        )  # fmt: skip

    return await _outcome(request, call_id, unit_code, store)


async def _outcome(
    request: Request, call_id: int, unit_code: str, store: Callable[[UnitOfWork], SubmitOutcome]
) -> Response:
    """Store a submission and answer with its outcome or its errors, in one unit of work (the
    page reads the tree and the call the submission just read), in a worker thread."""
    from starlette.concurrency import run_in_threadpool

    def answer() -> Response:
        with muster_of(request).uow() as uow:
            try:
                extra: dict[str, Any] = {"outcome": store(uow)}
                code = 200
            except IntakeRejected as rejected:
                extra, code = {"errors": sorted(rejected.errors, key=_by_place)}, 422
            except DomainError as error:
                if type(error) is not DomainError:
                    raise
                extra, code = {"refusal": str(error)}, 400
            uow.session.rollback()  # whatever failed is undone; what committed stays
            return _page_in(uow, request, call_id, unit_code, "", extra, code, roster=False)

    return await run_in_threadpool(answer)


def _by_place(error: RowError) -> tuple[int, str]:
    return error.row, error.column


@router.post(BASE + "/rows", response_class=HTMLResponse)
async def rows_post(request: Request, viewer: Posted, call_id: int, unit_code: str) -> Response:
    """Add the ticked roster people, each with what to report, as a new version."""
    form = await request.form()
    picked = [p for p in form.getlist("person_id") if isinstance(p, str)]

    def field(name: str, pid: str, default: str = "") -> str:
        value = form.get(f"{name}_{pid}")
        return value if isinstance(value, str) and value else default

    rows = [
        FormRow(pid, field("category", pid), field("since", pid),
                field("fit_to_travel", pid, "unknown"), field("wants_to_return", pid, "unknown"),
                field("note", pid))
        for pid in picked
    ]  # fmt: skip
    muster = muster_of(request)

    def store(uow: UnitOfWork) -> SubmitOutcome:
        if not rows:
            raise DomainError("tick at least one person to add")
        return add_rows(
            uow, viewer.user, muster.archive, call_id=call_id, unit_code=unit_code,
            rows=rows, limits=muster.limits(), now=muster.clock(),
        )  # fmt: skip

    return await _outcome(request, call_id, unit_code, store)


@router.get(BASE + "/template.{fmt}")
def template(
    request: Request, viewer: SignedIn, call_id: int, unit_code: str, fmt: Literal["xlsx", "csv"]
) -> Response:
    """The list pre-filled with the workplace's roster."""
    muster = muster_of(request)
    with muster.uow() as uow:
        data = list_template(
            uow, viewer.user, muster.catalogue, call_id=call_id, unit_code=unit_code, fmt=fmt
        )
    disposition = f'attachment; filename="{unit_code}-call{call_id}.{fmt}"'
    return Response(data, media_type=MEDIA[fmt], headers={"Content-Disposition": disposition})


@router.get(BASE + "/roster", response_class=HTMLResponse)
def roster(
    request: Request,
    viewer: SignedIn,
    call_id: int,
    unit_code: str,
    q: Annotated[str, Query()] = "",
) -> Response:
    """The roster rows matching a search (the add-rows table; HTMX swaps it in place)."""
    return _page(request, call_id, unit_code, q)
