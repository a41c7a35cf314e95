"""The job workers of a web server process (started and stopped with the application), and
what the pages and the API share to hand them a file."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from muster.bootstrap import Muster
from muster.domain.users import User
from muster.services.imports import ImportKind, keep_import
from muster.services.jobs import enqueue
from muster.worker import Worker

STOP_WAIT_SECONDS = 5.0  # a job still running then is cut; its lease runs out and it is retaken


@asynccontextmanager
async def job_workers(app: FastAPI) -> AsyncIterator[None]:
    """Run `MUSTER_JOB_WORKERS` worker threads (default 1) while the application serves."""
    muster = app.state.muster
    workers = [Worker(muster) for _ in range(max(0, muster.settings.job_workers))]
    threads = [w.start() for w in workers]
    try:
        yield
    finally:
        for worker in workers:
            worker.stop()
        for thread in threads:
            thread.join(STOP_WAIT_SECONDS)


def queue_import(muster: Muster, user: User, kind: ImportKind, data: bytes, filename: str) -> int:
    """Keep a file to import and queue its import as a job; returns the job's id.

    The receipt is committed and the bytes archived before anything else (nothing handed in
    is lost, whatever happens to the job); the job reads the file from the archive and
    imports it all or nothing, as the user (refused now if the user may not import it).
    """
    with muster.uow() as uow:
        kept = keep_import(uow, user, muster.archive, kind=kind, data=data, filename=filename,
                           now=muster.clock())  # fmt: skip
    with muster.uow() as uow:
        return enqueue(uow, user, "import", {"kind": kind, "file_id": kept.file_id}, muster.clock())
