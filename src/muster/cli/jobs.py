"""CLI: jobs work (a job worker in the foreground) and jobs list (what is queued, running, done)."""

from __future__ import annotations

import signal
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from muster.cli.app import acting, app, handled, open_muster

jobs_app = typer.Typer(
    help="Background jobs: run a worker in the foreground, list what is queued and done."
)
app.add_typer(jobs_app, name="jobs")


@jobs_app.command("work")
def work(
    threads: Annotated[int, typer.Option("--threads", min=1, help="Jobs run at once.")] = 1,
    once: Annotated[
        bool, typer.Option("--once", help="Run what is queued, then stop (for cron or tests).")
    ] = False,
) -> None:
    """Run queued jobs in the foreground until interrupted (Ctrl-C ends after the job in hand);
    any number of workers, in any number of processes, share one database's queue."""
    from muster.worker import Worker

    with handled():
        muster = open_muster()
        if once:
            ran = 0
            while Worker(muster).run_once() is not None:
                ran += 1
            print(f"ran {ran} jobs; none is queued now")
            return
        workers = [Worker(muster, name=None) for _ in range(threads)]
        signal.signal(signal.SIGTERM, lambda *_: _stop(workers))
        running = [w.start() for w in workers]
        print(f"working: {threads} thread(s); Ctrl-C stops after the jobs in hand")
        try:
            for thread in running:
                while thread.is_alive():
                    thread.join(timeout=1)
        except KeyboardInterrupt:
            for w in workers:
                w.stop()
            for thread in running:
                thread.join()


def _stop(workers: list[Any]) -> None:
    """Let every worker end after the job in hand."""
    for worker in workers:
        worker.stop()


@jobs_app.command("list")
def list_jobs(
    limit: Annotated[int, typer.Option("--limit", min=1, help="How many, newest first.")] = 50,
) -> None:
    """The newest jobs the acting user may follow: kind, state, progress, outcome."""
    from muster.services.jobs import jobs_for

    with acting() as (_, uow, actor):
        found = jobs_for(uow, actor, limit)
    table = Table(title="jobs, newest first")
    for column in ("id", "kind", "unit", "by", "state", "progress", "created", "outcome"):
        table.add_column(column)
    for job in found:
        outcome = job.error or (", ".join(f"{k}={v}" for k, v in (job.result or {}).items()))
        table.add_row(
            str(job.id), job.kind, job.unit_code or "", job.requested_by, job.state,
            f"{job.percent}% {job.message}", job.created_at.isoformat(timespec="seconds"),
            outcome,
        )  # fmt: skip
    Console(width=160).print(table)
