"""Repository of background jobs: the queue several worker processes share.

Claiming is the one delicate step: on PostgreSQL a worker locks the oldest queued row with
`SELECT ... FOR UPDATE SKIP LOCKED` (other workers skip it instead of waiting); on SQLite,
which has one writer at a time, a single conditional `UPDATE` takes the oldest queued row.
Either way a job is claimed by exactly one worker, and every later write of that worker
names its claim token, so a worker whose lease ran out (and whose job another worker took
up) changes nothing any more.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from muster.store.tables import JobRow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
STATES = (QUEUED, RUNNING, DONE, FAILED)


class JobRepository:
    """Jobs: enqueue, claim, report, finish; requeue those whose worker died."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, row: JobRow) -> int:
        """Save a new job; returns its id."""
        self._session.add(row)
        self._session.flush()
        return row.id

    def get(self, job_id: int) -> JobRow | None:
        """One job, read fresh from the database."""
        return self._session.scalar(
            select(JobRow).where(JobRow.id == job_id).execution_options(populate_existing=True)
        )

    def newest(
        self, units: Collection[str] | None, requested_by: str | None, limit: int
    ) -> list[JobRow]:
        """The newest jobs for any of the units (None: every unit) or of one requester."""
        query = select(JobRow).order_by(JobRow.id.desc()).limit(limit)
        if units is not None:
            mine = JobRow.requested_by == requested_by
            query = query.where(JobRow.unit_code.in_(sorted(units)) | mine)
        return list(self._session.scalars(query))

    def claim_next(self, token: str, now: datetime, lease_until: datetime) -> JobRow | None:
        """Take the oldest queued job for the holder of `token`, or None when none waits."""
        taken = dict(
            state=RUNNING, claim=token, lease_until=lease_until, started_at=now,
            attempts=JobRow.attempts + 1,
        )  # fmt: skip
        if self._session.get_bind().dialect.name == "postgresql":
            job_id = self._session.scalar(
                select(JobRow.id)
                .where(JobRow.state == QUEUED)
                .order_by(JobRow.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            )
            if job_id is None:
                return None
            self._session.execute(update(JobRow).where(JobRow.id == job_id).values(**taken))
        else:
            oldest = select(JobRow.id).where(JobRow.state == QUEUED).order_by(JobRow.id).limit(1)
            changed = self._session.execute(
                update(JobRow)
                .where(JobRow.id == oldest.scalar_subquery(), JobRow.state == QUEUED)
                .values(**taken)
            )
            if not changed.rowcount:  # type: ignore[attr-defined]
                return None
        self._session.flush()
        return self._session.scalar(
            select(JobRow)
            .where(JobRow.claim == token, JobRow.state == RUNNING)
            .execution_options(populate_existing=True)
        )

    def held(self, job_id: int, token: str, **values: object) -> bool:
        """Update a running job only while `token` still holds it; False when it does not."""
        changed = self._session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.claim == token, JobRow.state == RUNNING)
            .values(**values)
        )
        return bool(changed.rowcount)  # type: ignore[attr-defined]

    def stale(self, now: datetime) -> list[JobRow]:
        """Running jobs whose lease ran out: their worker stopped renewing it (it died)."""
        return list(
            self._session.scalars(
                select(JobRow)
                .where(JobRow.state == RUNNING, JobRow.lease_until < now)
                .order_by(JobRow.id)
            )
        )

    def release(self, job_id: int, token: str | None, **values: object) -> bool:
        """Put a stale job back (or fail it) unless another worker renewed it meanwhile."""
        changed = self._session.execute(
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.state == RUNNING, JobRow.claim == token)
            .values(**values)
        )
        return bool(changed.rowcount)  # type: ignore[attr-defined]
