"""The job workers of a web server process: started and stopped with the application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

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
