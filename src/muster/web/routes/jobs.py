"""Background jobs: the list of those one may follow, and one job's page (its state and a
progress bar, polled by HTMX every second while it runs, reloaded by the browser without
JavaScript); the result's link once done, the reason (a refused file's errors against their
rows) once failed, and the way back to the page that asked for it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.services.jobs import Job, job_status, jobs_for
from muster.web.render import render
from muster.web.security import SignedIn, muster_of

router = APIRouter()


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, viewer: SignedIn) -> Response:
    """The newest jobs the user asked for or may follow."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = jobs_for(uow, viewer.user, 100)
    return render(request, "jobs.html", {"jobs": found})


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, viewer: SignedIn, job_id: int) -> Response:
    """One job as it stands (404 for anyone who may not follow it)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        job = job_status(uow, viewer.user, job_id)
    errors = (job.result or {}).get("errors") if job.state == "failed" else None
    context = {
        "job": job, "link": result_link(job), "back": back_link(job),
        "errors": sorted(errors, key=lambda e: (e["row"], e["column"])) if errors else None,
    }  # fmt: skip
    return render(request, "job.html", context)


def result_link(job: Job) -> str | None:
    """Where the result of a finished job is shown, if it has a page."""
    result = job.result or {}
    if job.state == "done" and job.kind == "consolidate":
        return f"/calls/{result['call_id']}/units/{result['unit_code']}/report"
    if job.state == "done" and job.kind == "plan":
        return f"/rotation/plans/{result['plan']}"
    if job.state == "done" and _pool_import(job):
        return "/rotation/pool"
    return None


def back_link(job: Job) -> str | None:
    """The page that asked for a failed job, where it may be asked for again."""
    if job.state == "failed" and _pool_import(job):
        return "/rotation/pool"
    return None


def _pool_import(job: Job) -> bool:
    """A replacements file sent from the pool page (or the API)."""
    return job.kind == "import" and job.parameters.get("kind") == "replacements"
