"""The job worker: takes queued jobs from the database and runs them, one at a time.

A worker runs as a thread of the web application (started and stopped with it: see
`web/app.py`'s lifespan, `MUSTER_JOB_WORKERS` threads, default 1) or in the foreground with
`muster jobs work`. Any number of workers, in any number of processes, share one queue: a
job is claimed by one worker only (services.jobs, store.jobs). Before each claim a worker
queues again the jobs whose lease ran out (a worker that died), so a restart takes them up.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from muster.services.jobs import (
    DONE,
    LEASE,
    Job,
    Runtime,
    claim_next,
    fail,
    finish,
    renew,
    report_progress,
    requeue_stale,
    run_job,
)

LOG = logging.getLogger("muster.worker")
POLL_SECONDS = 1.0


class Worker:
    """Claims and runs jobs until stopped."""

    def __init__(
        self,
        runtime: Runtime,
        name: str | None = None,
        lease: timedelta = LEASE,
        poll: float = POLL_SECONDS,
    ) -> None:
        self.runtime, self.lease, self.poll = runtime, lease, poll
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()

    def run_once(self) -> Job | None:
        """Queue stale jobs again, then claim and run the oldest queued job (None: none)."""
        with self.runtime.uow() as uow:
            requeued = requeue_stale(uow, self.runtime.clock())
        for job_id in requeued:
            LOG.warning("job %s lost its worker; queued again", job_id)
        token = f"{self.name}:{uuid.uuid4().hex}"[-64:]
        with self.runtime.uow() as uow:
            job = claim_next(uow, token, self.runtime.clock(), self.lease)
        if job is None:
            return None
        self._run(job, token)
        return job

    def _run(self, job: Job, token: str) -> None:
        """Run a claimed job, renewing its lease meanwhile, and record how it ended."""
        finished = threading.Event()
        beat = threading.Thread(
            target=self._heartbeat, args=(job.id, token, finished), daemon=True,
            name=f"muster-job-{job.id}-lease",
        )  # fmt: skip
        beat.start()
        try:
            outcome = run_job(
                self.runtime, job, lambda d, t, m: self._progress(job.id, token, d, t, m)
            )
        finally:
            finished.set()
            beat.join()
        with self.runtime.uow() as uow:
            now = self.runtime.clock()
            if outcome.state == DONE:
                kept = finish(uow, job.id, token, outcome.result or {}, now)
            else:
                kept = fail(uow, job.id, token, outcome.reason or "", now, outcome.result)
        if not kept:
            LOG.warning("job %s was taken over by another worker; its outcome is theirs", job.id)

    def _progress(self, job_id: int, token: str, done: int, total: int, message: str) -> None:
        """Record progress; a failure to record it never stops the job."""
        try:
            with self.runtime.uow() as uow:
                report_progress(
                    uow, job_id, token, (done, total, message), self.runtime.clock(), self.lease
                )
        except Exception:
            LOG.warning("could not record the progress of job %s", job_id, exc_info=True)

    def _heartbeat(self, job_id: int, token: str, finished: threading.Event) -> None:
        """Renew the lease every quarter of it until the job ends."""
        while not finished.wait(self.lease.total_seconds() / 4):
            try:
                with self.runtime.uow() as uow:
                    renew(uow, job_id, token, self.runtime.clock(), self.lease)
            except Exception:
                LOG.warning("could not renew the lease of job %s", job_id, exc_info=True)

    def run(self) -> None:
        """Run jobs until `stop()`; waits `poll` seconds when the queue is empty."""
        while not self.stopping.is_set():
            try:
                ran = self.run_once()
            except Exception:  # the database went away for a moment: try again later
                LOG.exception("the job worker could not reach the queue")
                ran = None
            if ran is None:
                self.stopping.wait(self.poll)

    def start(self) -> threading.Thread:
        """Run in a daemon thread; returns it."""
        thread = threading.Thread(target=self.run, daemon=True, name=f"muster-worker-{self.name}")
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop after the job in hand (if any)."""
        self.stopping.set()
