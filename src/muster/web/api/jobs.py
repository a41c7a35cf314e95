"""API: background jobs — one job's state, progress, result or reason, and the caller's jobs.

Who may follow a job is decided by services.jobs (the requester, or users of its unit's
subtree holding the permission its kind needs); for anyone else it does not exist (404).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from muster.domain.users import User
from muster.services.jobs import Job, enqueue, job_status, jobs_for
from muster.store.uow import UnitOfWork
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["jobs"], responses=REFUSALS)
JobId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A job's id")]


class JobOut(BaseModel):
    """A background job as its followers see it: queued, running (with progress), done (with
    its result) or failed (with a reason a person can read, and any errors as the result)."""

    id: int
    kind: str
    parameters: dict[str, Any]
    requested_by: str
    unit_code: str | None
    state: str = Field(description="queued, running, done or failed")
    done: int
    total: int
    percent: int = Field(description="How far it is, 0 to 100 (100 once done)")
    message: str
    result: dict[str, Any] | None
    error: str | None = Field(description="Why it failed, in words a person can read")
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


def job_out(job: Job) -> JobOut:
    """A job as the API shows it."""
    return JobOut(
        id=job.id, kind=job.kind, parameters=job.parameters, requested_by=job.requested_by,
        unit_code=job.unit_code, state=job.state, done=job.done, total=job.total,
        percent=job.percent, message=job.message, result=job.result, error=job.error,
        attempts=job.attempts, created_at=job.created_at, started_at=job.started_at,
        finished_at=job.finished_at,
    )  # fmt: skip


def pending_job(uow: UnitOfWork, user: User, kind: str, params: dict[str, Any]) -> Job | None:
    """An unfinished job of this kind with these parameters that the caller may follow."""
    for job in jobs_for(uow, user, 50):
        if job.kind == kind and job.parameters == params and not job.finished:
            return job
    return None


def start_job(
    uow: UnitOfWork, user: User, kind: str, params: dict[str, Any], now: datetime
) -> JobOut:
    """The caller's own unfinished job of this kind with these parameters, if any (a retried
    request starts nothing new), else a new one queued (the kind's access check runs)."""
    found = pending_job(uow, user, kind, params)
    if found is not None and found.requested_by == user.name:
        return job_out(found)
    return job_out(job_status(uow, user, enqueue(uow, user, kind, params, now)))


@router.get("/jobs")
def list_jobs(
    request: Request,
    user: Caller,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many")] = 50,
) -> list[JobOut]:
    """The newest jobs the token may follow, newest first."""
    with muster_of(request).uow() as uow:
        return [job_out(j) for j in jobs_for(uow, user, limit)]


@router.get("/jobs/{job_id}")
def show_job(request: Request, user: Caller, job_id: JobId) -> JobOut:
    """One job as it stands now: poll it until `state` is done or failed."""
    with muster_of(request).uow() as uow:
        return job_out(job_status(uow, user, job_id))
