"""Long work as background jobs, recorded in the database: queued, running with progress,
done with a result, or failed with a reason a person can read.

This module knows nothing of what a job does. A *kind* (registered in `services/job_kinds.py`,
loaded on first use) says which access check a job of that kind needs, which permission lets
other users of the unit follow it, and how it runs. The life of a job:

1. `enqueue(uow, actor, kind, params, now)`: the kind's access check runs as the actor (the
   same check its service makes); the job is saved `queued` for the unit the check names.
2. A worker (`muster.worker`: a thread of the web application, or `muster jobs work`) takes
   it with `claim_next` under a lease, and runs it as the requesting user: the check runs
   again (permissions may have changed meanwhile), then the service, which checks once more.
3. While it runs the worker renews the lease and `report_progress` records how far it is; it
   ends with `finish` (its result) or `fail` (the reason: a refusal in the words of the
   domain, never a stack trace, which only the server's log gets).
4. A job still `running` whose lease ran out lost its worker (the process died):
   `requeue_stale` queues it again, or fails it after `MAX_ATTEMPTS` tries.

A job is followed (`job_status`, `jobs_for`) by the user who asked for it, and by users
whose subtree holds the job's unit and who hold the permission its kind needs; for anyone
else it does not exist.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any, Protocol

from muster.domain.access import in_scope, units_in_scope
from muster.domain.categories import Catalogue
from muster.domain.errors import DomainError, NotFound
from muster.domain.units import UnitTree
from muster.domain.users import OPERATOR, Permission, User
from muster.intake import IntakeRejected, Limits
from muster.intake.archive import FileArchive
from muster.store.jobs import DONE, FAILED, QUEUED, RUNNING
from muster.store.tables import JobRow
from muster.store.uow import UnitOfWork

LOG = logging.getLogger("muster.jobs")
LEASE = timedelta(minutes=10)  # a worker renews it every LEASE / 4 while the job runs
MAX_ATTEMPTS = 3  # a job whose worker died this often is failed, not retried for ever
UNEXPECTED = (
    "the job stopped on an unexpected error; nothing it had not finished was saved. "
    "Try again; if it fails again, the operator finds the details in the server's log"
)

Params = Mapping[str, Any]
ReportProgress = Callable[[int, int, str], None]  # (done, total, message)


class Runtime(Protocol):
    """What running a job needs besides a unit of work (a `muster.bootstrap.Muster`)."""

    catalogue: Catalogue
    archive: FileArchive

    def uow(self) -> UnitOfWork:
        """A fresh unit of work."""
        ...

    def clock(self) -> datetime:
        """The current time."""
        ...

    def limits(self) -> Limits:
        """Intake limits."""
        ...


@dataclass(frozen=True)
class JobKind:
    """What one kind of job is: its checks, who may follow it, how it runs."""

    name: str
    # The access check of its service, as the user; returns the unit the job is for.
    check: Callable[[UnitOfWork, User, Params], str | None]
    # The permission that lets users of the unit (other than the requester) follow it.
    permission: Callable[[Params], Permission]
    # Run it as the user; returns the result (JSON) to keep.
    run: Callable[[Runtime, User, Params, ReportProgress], dict[str, Any]]


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    """Make a kind of job known (services/job_kinds.py registers Muster's)."""
    KINDS[kind.name] = kind


def kind_of(name: str) -> JobKind:
    """The registered kind, loading Muster's kinds on first use."""
    import_module("muster.services.job_kinds")  # registers Muster's kinds (once)
    found = KINDS.get(name)
    if found is None:
        raise DomainError(f"no kind of job {name!r}; known: {', '.join(sorted(KINDS))}")
    return found


@dataclass(frozen=True)
class Job:
    """A job as its followers see it."""

    id: int
    kind: str
    parameters: dict[str, Any]
    requested_by: str
    unit_code: str | None
    state: str
    done: int
    total: int
    message: str
    result: dict[str, Any] | None
    error: str | None
    attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        """Done or failed: nothing more will happen to it."""
        return self.state in (DONE, FAILED)

    @property
    def percent(self) -> int:
        """How far it is, 0-100 (100 once done)."""
        if self.state == DONE:
            return 100
        return min(100, round(100 * self.done / self.total)) if self.total else 0


def _job(row: JobRow) -> Job:
    """The row as a Job."""
    return Job(
        row.id, row.kind, dict(row.parameters), row.requested_by, row.unit_code, row.state,
        row.progress_done, row.progress_total, row.progress_message,
        dict(row.result) if row.result is not None else None, row.error, row.attempts,
        row.created_at, row.started_at, row.finished_at,
    )  # fmt: skip


# -- asking for work and following it ---------------------------------------------------------


def enqueue(uow: UnitOfWork, actor: User, kind: str, params: Params, now: datetime) -> int:
    """Queue a job of a kind with its parameters (JSON values) for the actor; returns its id.

    Refuses, as the kind's service would, what the actor may not do; the job runs later as
    the actor (checked again then). Other faces enqueue through this one function, e.g.
    `enqueue(uow, user, "plan", {"call_id": 1, "start": "2021-08-01", "horizon_days": 60,
    "time_limit": 60}, now)`; see services/job_kinds.py for each kind's parameters.
    """
    found = kind_of(kind)
    unit = found.check(uow, actor, params)
    row = JobRow(
        kind=kind, parameters=dict(params), requested_by=actor.name, unit_code=unit,
        state=QUEUED, progress_done=0, progress_total=0, progress_message="", attempts=0,
        created_at=now,
    )  # fmt: skip
    job_id = uow.jobs.add(row)
    uow.audit.record(actor.name, "enqueue_job", "job", str(job_id), None, {"kind": kind})
    uow.commit()
    return job_id


def _may_follow(actor: User, tree: UnitTree, row: JobRow) -> bool:
    """The requester; or a user whose subtree holds the job's unit, with the kind's permission."""
    if actor.name == row.requested_by or actor.is_operator:
        return True
    if row.unit_code is None:
        return False
    permission = kind_of(row.kind).permission(row.parameters)
    return actor.has(permission) and in_scope(actor, tree, row.unit_code)


def job_status(uow: UnitOfWork, actor: User, job_id: int) -> Job:
    """One job as it stands now; NotFound for anyone who may not follow it."""
    row = uow.jobs.get(job_id)
    if row is None or not _may_follow(actor, uow.units.tree(), row):
        raise NotFound(f"no job {job_id}")
    return _job(row)


def jobs_for(uow: UnitOfWork, actor: User, limit: int = 200) -> list[Job]:
    """The newest jobs the actor may follow, newest first."""
    tree = uow.units.tree()
    units = None if actor.is_operator else units_in_scope(actor, tree)
    rows = uow.jobs.newest(units, actor.name, limit)
    return [_job(r) for r in rows if _may_follow(actor, tree, r)]


# -- the worker's side (it acts for each job's requester) --------------------------------------


def claim_next(uow: UnitOfWork, token: str, now: datetime, lease: timedelta = LEASE) -> Job | None:
    """Take the oldest queued job for the worker holding `token` (None when none waits)."""
    row = uow.jobs.claim_next(token, now, now + lease)
    uow.commit()
    return _job(row) if row is not None else None


def report_progress(
    uow: UnitOfWork, job_id: int, token: str, progress: tuple[int, int, str], now: datetime,
    lease: timedelta = LEASE,
) -> bool:  # fmt: skip
    """Record how far a running job is (and renew its lease); False if the worker lost it."""
    done, total, message = progress
    kept = uow.jobs.held(
        job_id, token, progress_done=done, progress_total=total,
        progress_message=message[:300], lease_until=now + lease,
    )  # fmt: skip
    uow.commit()
    return kept


def renew(
    uow: UnitOfWork, job_id: int, token: str, now: datetime, lease: timedelta = LEASE
) -> bool:
    """Extend the lease of a running job (the worker is alive); False if it lost it."""
    kept = uow.jobs.held(job_id, token, lease_until=now + lease)
    uow.commit()
    return kept


def finish(uow: UnitOfWork, job_id: int, token: str, result: dict[str, Any], now: datetime) -> bool:
    """Record a job done with its result; False if the worker no longer held it."""
    row = uow.jobs.get(job_id)
    total = max(row.progress_total, 1) if row else 1
    kept = uow.jobs.held(
        job_id, token, state=DONE, result=result, finished_at=now, lease_until=None,
        progress_done=total, progress_total=total,
    )  # fmt: skip
    uow.commit()
    return kept


def fail(
    uow: UnitOfWork, job_id: int, token: str, reason: str, now: datetime,
    result: dict[str, Any] | None = None,
) -> bool:  # fmt: skip
    """Record a job failed with the reason its followers read; False if the worker lost it."""
    kept = uow.jobs.held(
        job_id, token, state=FAILED, error=reason, result=result, finished_at=now,
        lease_until=None,
    )  # fmt: skip
    uow.commit()
    return kept


def requeue_stale(uow: UnitOfWork, now: datetime, max_attempts: int = MAX_ATTEMPTS) -> list[int]:
    """Queue again every running job whose lease ran out (its worker died); one that has
    been tried `max_attempts` times is failed instead. Returns the ids queued again."""
    queued: list[int] = []
    for row in uow.jobs.stale(now):
        if row.attempts >= max_attempts:
            reason = f"the job was interrupted {row.attempts} times (its worker stopped)"
            uow.jobs.release(
                row.id, row.claim, state=FAILED, error=reason, finished_at=now, lease_until=None
            )
        elif uow.jobs.release(row.id, row.claim, state=QUEUED, claim=None, lease_until=None):
            queued.append(row.id)
    uow.commit()
    return queued


@dataclass(frozen=True)
class Outcome:
    """How running one job ended."""

    state: str
    result: dict[str, Any] | None
    reason: str | None


def run_job(runtime: Runtime, job: Job, report: ReportProgress) -> Outcome:
    """Run a claimed job as its requester: check again, run, and say how it ended.

    Never raises for what the job did: a refusal or rejected file becomes the reason the
    user reads; anything unexpected is logged with its stack trace and the user reads
    `UNEXPECTED`.
    """
    try:
        found = kind_of(job.kind)
        with runtime.uow() as uow:
            actor = _requester(uow, job.requested_by)
            found.check(uow, actor, job.parameters)
        result = found.run(runtime, actor, job.parameters, report)
        return Outcome(DONE, result, None)
    except IntakeRejected as rejected:
        errors = rejected.to_json()
        reason = f"the file was refused: {len(errors)} error(s); nothing was imported"
        return Outcome(FAILED, {"errors": errors}, reason)
    except DomainError as refused:
        return Outcome(FAILED, None, str(refused))
    except Exception:
        LOG.exception("job %s (%s) failed", job.id, job.kind)
        return Outcome(FAILED, None, UNEXPECTED)


def _requester(uow: UnitOfWork, name: str) -> User:
    """The user a job runs as (the local operator's jobs run as the operator)."""
    user = uow.users.get(name)
    if user is not None:
        return user
    if name == OPERATOR.name:
        return OPERATOR
    raise DomainError(f"the user {name!r} who asked for this job no longer exists")


__all__ = ["DONE", "FAILED", "QUEUED", "RUNNING", "Job", "JobKind", "enqueue", "job_status"]
