"""API: one unit's list for a call — submit a file or nothing to report (with an
Idempotency-Key), its standing and history, its entries and the diff between versions (as
the token may see them), review (accept or return with a reason) and forward."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from muster.domain.submissions import Entry, Version
from muster.domain.users import User
from muster.intake.errors import IntakeRejected
from muster.services.lists import (
    SubmitOutcome,
    diff_versions,
    forward,
    list_entries,
    review,
    standing,
    submit_list,
    submit_nothing,
)
from muster.services.worklist import history
from muster.web.api.base import (
    PREFIX,
    REFUSALS,
    ApiRoute,
    Caller,
    CallId,
    Problem,
    Text,
    UnitCode,
    rejected_body,
)
from muster.web.api.idempotency import Answer, answer_once, fingerprint, key_header
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["lists"], responses=REFUSALS)
UNIT = "/calls/{call_id}/units/{unit_code}"
IdempotencyKey = Annotated[str | None, key_header("makes a second version")]
Version_ = Annotated[int, Query(ge=1, le=100_000)]


class RowWarningOut(BaseModel):
    """Something worth a look in a file that was not refused."""

    row: int
    column: str
    value: str
    message: str


class SubmitOut(BaseModel):
    """What became of a submitted list (counts as the submitter may know them)."""

    version: int
    entries: int
    duplicate: bool = Field(description="The same bytes as the latest version: no new version")
    state: str
    warnings: list[RowWarningOut]


class StandingOut(BaseModel):
    """Where a unit's list stands."""

    state: str
    versions: int
    accepted_version: int | None
    correction_of: int | None
    return_reason: str | None


class EventOut(BaseModel):
    """One state change of a unit's list: who, when and why."""

    state: str
    at: datetime
    by: str
    version: int | None
    reason: str | None


class VersionOut(BaseModel):
    """A version of a unit's list (entry_count: the entries the token may see)."""

    number: int
    created_at: datetime
    created_by: str
    entry_count: int


class EntriesOut(BaseModel):
    """A version and its entries as the token may see them (SPEC §5 columns; `row` in the
    file)."""

    version: VersionOut
    entries: list[Entry]


class ChangeOut(BaseModel):
    """An entry added, removed or changed between two versions."""

    kind: Literal["added", "removed", "changed"]
    key: str
    before: Entry | None
    after: Entry | None


class DiffOut(BaseModel):
    """What changed from one version to another."""

    from_version: int
    to_version: int
    changes: list[ChangeOut]


class ReviewIn(BaseModel):
    """Accept a child unit's submitted list, or return it with a reason it can act on."""

    decision: Literal["accept", "return"]
    reason: Annotated[Text, Field(max_length=2000)] | None = None


class ReviewOut(BaseModel):
    """The list's state after the review."""

    state: str


class ForwardIn(BaseModel):
    """Forward what the unit accepted; `partial` passes it on while children are missing."""

    partial: bool = False


class ForwardOut(BaseModel):
    """What a forward passed on and what it left outstanding."""

    version: int
    entries: int
    carried: list[str]
    new: list[str]
    outstanding: list[str]


def _submitted(outcome: SubmitOutcome) -> dict[str, Any]:
    warnings = [RowWarningOut(row=w.row, column=w.column, value=w.value, message=w.message)
                for w in outcome.warnings]  # fmt: skip
    found = SubmitOut(
        version=outcome.version, entries=outcome.entries, duplicate=outcome.duplicate,
        state=outcome.state, warnings=warnings,
    )  # fmt: skip
    return found.model_dump(mode="json")


def _once(
    request: Request, user: User, key: str | None, print_: str, act: Callable[[], Answer]
) -> JSONResponse:
    """Act once per idempotency key (a different request with a used key: 422)."""
    return answer_once(muster_of(request), user.name, key, print_, act)


SUBMIT_ANSWERS: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "description": "The first request with this key is still running"},
}


@router.post(UNIT + "/list", response_model=SubmitOut, responses=SUBMIT_ANSWERS)
async def submit_file(
    request: Request,
    user: Caller,
    call_id: CallId,
    unit_code: UnitCode,
    file: Annotated[UploadFile, File(description="The list: CSV or XLSX (SPEC §5)")],
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Submit a workplace's list as a file (needs `submit`): a new version, or the row-level
    errors (422) of a file refused whole. With an Idempotency-Key, a retry never makes a second
    version."""
    muster = muster_of(request)
    data = await file.read(muster.settings.max_upload_bytes + 1)
    name = (file.filename or "upload")[:200].replace("\x00", "")
    print_ = fingerprint("list", str(call_id), unit_code, name, data)

    def act() -> Answer:
        try:
            with muster.uow() as uow:
                outcome = submit_list(
                    uow, user, muster.archive, call_id=call_id, unit_code=unit_code, data=data,
                    filename=name, limits=muster.limits(), now=muster.clock(),
                )  # fmt: skip
        except IntakeRejected as refused:
            return Answer(422, rejected_body(refused.errors))
        return Answer(200, _submitted(outcome))

    return await run_in_threadpool(_once, request, user, idempotency_key, print_, act)


@router.post(UNIT + "/nothing-to-report", response_model=SubmitOut, responses=SUBMIT_ANSWERS)
def submit_nothing_to_report(
    request: Request,
    user: Caller,
    call_id: CallId,
    unit_code: UnitCode,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Report that nobody at the workplace is concerned (needs `submit`): a version with no
    entries, reviewed like any other."""
    muster = muster_of(request)

    def act() -> Answer:
        with muster.uow() as uow:
            outcome = submit_nothing(
                uow, user, call_id=call_id, unit_code=unit_code, now=muster.clock()
            )
        return Answer(200, _submitted(outcome))

    print_ = fingerprint("nothing", str(call_id), unit_code)
    return _once(request, user, idempotency_key, print_, act)


@router.get(UNIT)
def unit_standing(
    request: Request, user: Caller, call_id: CallId, unit_code: UnitCode
) -> StandingOut:
    """The state of a unit's list, why it was returned, what a correction corrects."""
    with muster_of(request).uow() as uow:
        found = standing(uow, user, call_id=call_id, unit_code=unit_code)
    return StandingOut.model_validate(found, from_attributes=True)


@router.get(UNIT + "/history")
def unit_history(
    request: Request, user: Caller, call_id: CallId, unit_code: UnitCode
) -> list[EventOut]:
    """Every state change of the unit's list, oldest first."""
    with muster_of(request).uow() as uow:
        events = history(uow, user, call_id=call_id, unit_code=unit_code)
    return [
        EventOut(state=e.state.value, at=e.at, by=e.by, version=e.version, reason=e.reason)
        for e in events
    ]


def _version(version: Version) -> VersionOut:
    return VersionOut(
        number=version.number, created_at=version.created_at, created_by=version.created_by,
        entry_count=version.entry_count,
    )  # fmt: skip


@router.get(UNIT + "/entries")
def unit_entries(
    request: Request,
    user: Caller,
    call_id: CallId,
    unit_code: UnitCode,
    version: Version_ | None = None,
) -> EntriesOut:
    """A version of the unit's list (default the latest) as the token may see it: sections its
    permissions do not open and held persons are left out, medical notes redacted (audited)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        shown, entries = list_entries(
            uow, user, muster.catalogue, call_id=call_id, unit_code=unit_code, version=version
        )
    return EntriesOut(version=_version(shown), entries=entries)


@router.get(UNIT + "/diff")
def unit_diff(
    request: Request,
    user: Caller,
    call_id: CallId,
    unit_code: UnitCode,
    from_version: Annotated[int | None, Query(alias="from", ge=1, le=100_000)] = None,
    to_version: Annotated[int | None, Query(alias="to", ge=1, le=100_000)] = None,
) -> DiffOut:
    """Entries added, removed and changed between two versions (default: the last two)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        old, new, changes = diff_versions(
            uow, user, muster.catalogue, call_id=call_id, unit_code=unit_code,
            from_version=from_version, to_version=to_version,
        )  # fmt: skip
    found = [ChangeOut(kind=c.kind, key=c.key, before=c.before, after=c.after) for c in changes]
    return DiffOut(from_version=old, to_version=new, changes=found)


@router.post(UNIT + "/review")
def unit_review(
    request: Request, user: Caller, call_id: CallId, unit_code: UnitCode, body: ReviewIn
) -> ReviewOut:
    """Accept or return a child unit's submitted list (needs `review` above it)."""
    muster = muster_of(request)
    accept = body.decision == "accept"
    with muster.uow() as uow:
        state = review(
            uow, user, call_id=call_id, unit_code=unit_code, accept=accept,
            reason=None if accept else (body.reason or ""), now=muster.clock(),
        )  # fmt: skip
    return ReviewOut(state=state)


@router.post(UNIT + "/forward")
def unit_forward(
    request: Request, user: Caller, call_id: CallId, unit_code: UnitCode, body: ForwardIn
) -> ForwardOut:
    """Pass everything the unit accepted up to its parent, as a new version (needs `review`)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = forward(
            uow, user, muster.catalogue, call_id=call_id, unit_code=unit_code,
            now=muster.clock(), partial=body.partial,
        )  # fmt: skip
    return ForwardOut.model_validate(found, from_attributes=True)
