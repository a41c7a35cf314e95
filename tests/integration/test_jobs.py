"""Background jobs through the services and the worker, on SQLite and PostgreSQL: checks at
enqueue and at run, who may follow a job, progress, failures in words, leases of dead
workers, and several workers (threads and processes) sharing one queue."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, update

from muster.bootstrap import Muster
from muster.domain.errors import NotFound, NotPermitted, OutOfScope
from muster.domain.users import OPERATOR, Permission, User
from muster.services import jobs
from muster.services.actors import resolve_user
from muster.services.consolidation import latest_consolidation
from muster.services.imports import keep_import
from muster.services.jobs import (
    UNEXPECTED,
    JobKind,
    Params,
    ReportProgress,
    Runtime,
    claim_next,
    enqueue,
    job_status,
    jobs_for,
)
from muster.services.registry import add_user
from muster.store.tables import JobRow, UserRow
from muster.worker import Worker
from tests.integration.conftest import Clock
from tests.integration.test_consolidation import accepted_call  # noqa: F401 (fixture)
from tests.integration.test_manifests import open_route

UNITS = "code,name,kind,parent_code,host_country,region,workplace_type,slots\n"


def _enqueue(app: Muster, actor: str | None, kind: str, params: dict[str, Any]) -> int:
    with app.uow() as uow:
        return enqueue(uow, resolve_user(uow, actor), kind, params, app.clock())


def _status(app: Muster, actor: str | None, job_id: int) -> jobs.Job:
    with app.uow() as uow:
        return job_status(uow, resolve_user(uow, actor), job_id)


def test_a_consolidation_job_runs_as_its_requester_and_keeps_the_run(
    muster: Muster,
    accepted_call: int,  # noqa: F811
) -> None:
    job_id = _enqueue(
        muster, "mission", "consolidate", {"call_id": accepted_call, "unit_code": "M1"}
    )
    assert _status(muster, "mission", job_id).state == "queued"
    ran = Worker(muster).run_once()
    assert ran is not None and ran.id == job_id
    job = _status(muster, "mission", job_id)
    assert job.state == "done" and job.percent == 100 and job.error is None
    assert job.result is not None and job.result["unit_code"] == "M1"
    assert job.started_at is not None and job.finished_at is not None
    with muster.uow() as uow:
        found = latest_consolidation(
            uow, resolve_user(uow, "mission"), muster.catalogue, call_id=accepted_call,
            unit_code="M1",
        )  # fmt: skip
        assert found is not None
        run, _at, newer = found
        assert run.id == job.result["consolidation"] and newer == 0
        assert uow.consolidations.latest(accepted_call, "M1").created_by == "mission"  # type: ignore[union-attr]
    kim = [p for p in run.persons if {s.unit_code for s in p.sources} == {"W1", "W3"}]
    assert len(kim) == 1  # the same person from two workplaces, merged as `muster report` does


def test_enqueue_makes_the_checks_of_the_service(
    muster: Muster,
    accepted_call: int,  # noqa: F811
) -> None:
    params = {"call_id": accepted_call, "unit_code": "M1"}
    with muster.uow() as uow, pytest.raises(OutOfScope):
        enqueue(uow, resolve_user(uow, "north"), "consolidate", params, muster.clock())
    with muster.uow() as uow, pytest.raises(NotPermitted):
        enqueue(uow, resolve_user(uow, "w1"), "consolidate", params, muster.clock())
    plan = {"call_id": accepted_call, "start": "2021-08-01", "horizon_days": 30}
    with muster.uow() as uow, pytest.raises(NotPermitted, match="plan"):
        enqueue(uow, resolve_user(uow, "mission"), "plan", plan, muster.clock())
    with muster.uow() as uow, pytest.raises(NotFound):
        enqueue(
            uow,
            resolve_user(uow, "mission"),
            "consolidate",
            {**params, "call_id": 99},
            muster.clock(),
        )
    with muster.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(JobRow)) == 0


def test_a_job_is_checked_again_when_it_runs(
    muster: Muster,
    accepted_call: int,  # noqa: F811
) -> None:
    job_id = _enqueue(
        muster, "mission", "consolidate", {"call_id": accepted_call, "unit_code": "M1"}
    )
    with muster.uow() as uow:  # the mission's reviewer lost `review` before the job ran
        uow.session.execute(
            update(UserRow).where(UserRow.name == "mission").values(permissions="submit")
        )
        uow.commit()
    Worker(muster).run_once()
    job = _status(muster, "mission", job_id)
    assert job.state == "failed" and "review" in (job.error or "")
    with muster.uow() as uow:
        assert uow.consolidations.latest(accepted_call, "M1") is None


def test_who_may_follow_a_job(
    muster: Muster,
    accepted_call: int,  # noqa: F811
) -> None:
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "m1.admin", "M1", ["admin"])
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "m2", "C2", ["review"])
    job_id = _enqueue(
        muster, "mission", "consolidate", {"call_id": accepted_call, "unit_code": "M1"}
    )
    assert _status(muster, "hq", job_id).id == job_id  # HQ's subtree holds M1, with review
    for outsider in ("north", "m2", "m1.admin"):  # below M1; other consulate; no review
        with pytest.raises(NotFound):
            _status(muster, outsider, job_id)
        with muster.uow() as uow:
            assert jobs_for(uow, resolve_user(uow, outsider)) == []
    with muster.uow() as uow:
        assert [j.id for j in jobs_for(uow, resolve_user(uow, "mission"))] == [job_id]


def test_failures_are_told_in_words_never_as_a_stack_trace(
    muster: Muster,
    accepted_call: int,  # noqa: F811
) -> None:
    plan = {"call_id": accepted_call, "start": "2021-08-01", "horizon_days": 30, "time_limit": 5}
    job_id = _enqueue(muster, "hq", "plan", plan)
    Worker(muster).run_once()
    job = _status(muster, "hq", job_id)
    assert job.state == "failed"
    assert job.error == "quarantine capacity at home is not set; set the beds and days first"

    def explode(_rt: Runtime, _u: User, _p: Params, _r: ReportProgress) -> dict[str, Any]:
        raise RuntimeError("secret internals at line 42")

    with registered(JobKind("explode", lambda *_: "HQ", lambda _p: Permission.REVIEW, explode)):
        job_id = _enqueue(muster, "hq", "explode", {})
        Worker(muster).run_once()
    job = _status(muster, "hq", job_id)
    assert job.state == "failed" and job.error == UNEXPECTED
    assert "secret" not in job.error and "Traceback" not in job.error


def test_a_plan_job_is_saved_as_a_plan_version(
    muster: Muster,
    accepted_call: int,  # noqa: F811
) -> None:
    open_route(muster)
    plan = {"call_id": accepted_call, "start": "2021-08-01", "horizon_days": 30, "time_limit": 5}
    job_id = _enqueue(muster, "hq", "plan", plan)
    Worker(muster).run_once()
    job = _status(muster, "hq", job_id)
    assert job.state == "done", job.error
    assert job.result is not None
    with muster.uow() as uow:
        saved = uow.rotation.plan(job.result["plan"])
        assert saved is not None and saved.created_by == "hq"
        assert job.result["moves"] == len(saved.plan["moves"])


def test_an_import_job_reads_the_file_kept_when_it_was_asked_for(muster: Muster) -> None:
    good = (UNITS + "W9,Bakery,workplace,C1,XA,North,factory,8\n").encode()
    bad = (UNITS + "W8,Mill,workplace,NOPE,XA,North,factory,8\n").encode()
    ids = []
    for name, data in (("good.csv", good), ("bad.csv", bad)):
        with muster.uow() as uow:
            kept = keep_import(
                uow, OPERATOR, muster.archive, kind="units", data=data, filename=name,
                now=muster.clock(),
            )  # fmt: skip
        ids.append(_enqueue(muster, None, "import", {"kind": "units", "file_id": kept.file_id}))
        assert muster.archive.get(kept.sha256) == data  # kept before any job ran
    while Worker(muster).run_once() is not None:
        pass
    done, failed = (_status(muster, None, i) for i in ids)
    assert done.state == "done" and done.result == {
        "file_id": done.parameters["file_id"],
        "records": 1,
    }
    assert failed.state == "failed" and "1 error" in (failed.error or "")
    assert failed.result is not None and failed.result["errors"][0]["value"] == "NOPE"
    with muster.uow() as uow:
        assert "W9" in uow.units.tree() and "W8" not in uow.units.tree()
        outcomes = [f.outcome for f in uow.files.every()]
    assert outcomes == ["accepted", "rejected"]  # one receipt each: never received twice


def test_an_import_job_of_a_file_someone_else_sent_is_refused(muster: Muster) -> None:
    data = (UNITS + "W9,Bakery,workplace,C1,XA,North,factory,8\n").encode()
    with muster.uow() as uow:
        kept = keep_import(uow, OPERATOR, muster.archive, kind="units", data=data,
                           filename="u.csv", now=muster.clock())  # fmt: skip
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "hq.admin", "HQ", ["admin"])
    with pytest.raises(NotFound):
        _enqueue(muster, "hq.admin", "import", {"kind": "units", "file_id": kept.file_id})
    with muster.uow() as uow, pytest.raises(NotPermitted):
        keep_import(uow, resolve_user(uow, "mission"), muster.archive, kind="units", data=data,
                    filename="u.csv", now=muster.clock())  # fmt: skip


def test_progress_is_recorded_while_the_job_runs(muster: Muster) -> None:
    seen: list[tuple[str, int, int, str]] = []

    def slow(rt: Runtime, _u: User, p: Params, report: ReportProgress) -> dict[str, Any]:
        for step in range(3):
            report(step, 3, f"step {step + 1} of 3")
            with rt.uow() as uow:  # another transaction reads it, as the job's page does
                job = job_status(uow, OPERATOR, int(p["me"]))
                seen.append((job.state, job.done, job.total, job.message))
        return {"steps": 3}

    with registered(JobKind("slow", lambda *_: "HQ", lambda _p: Permission.REVIEW, slow)):
        with muster.uow() as uow:
            next_id = (uow.session.scalar(select(func.max(JobRow.id))) or 0) + 1
        job_id = _enqueue(muster, None, "slow", {"me": next_id})
        assert job_id == next_id
        Worker(muster).run_once()
    assert seen == [("running", s, 3, f"step {s + 1} of 3") for s in range(3)]
    job = _status(muster, None, job_id)
    assert job.state == "done" and job.result == {"steps": 3} and job.done == job.total == 3


def test_a_job_whose_worker_died_is_taken_up_again(muster: Muster, clock: Clock) -> None:
    ran: list[int] = []

    def note(_rt: Runtime, _u: User, p: Params, _r: ReportProgress) -> dict[str, Any]:
        ran.append(int(p["n"]))
        return {}

    with registered(JobKind("note", lambda *_: "HQ", lambda _p: Permission.REVIEW, note)):
        job_id = _enqueue(muster, None, "note", {"n": 1})
        with muster.uow() as uow:  # a worker claims it, then its process is killed
            assert claim_next(uow, "dead-worker", clock()) is not None
        assert Worker(muster).run_once() is None  # its lease still runs: nobody takes it
        assert _status(muster, None, job_id).state == "running"
        clock.advance(minutes=11)
        assert Worker(muster).run_once() is not None  # a worker starting now takes it up
    job = _status(muster, None, job_id)
    assert ran == [1] and job.state == "done" and job.attempts == 2
    with muster.uow() as uow:  # the dead worker, were it to wake up, changes nothing any more
        assert not jobs.finish(uow, job_id, "dead-worker", {"late": True}, clock())
    assert _status(muster, None, job_id).result == {}


def test_a_job_interrupted_too_often_fails(muster: Muster, clock: Clock) -> None:
    with registered(JobKind("never", lambda *_: "HQ", lambda _p: Permission.REVIEW, _nothing)):
        job_id = _enqueue(muster, None, "never", {})
        for attempt in range(jobs.MAX_ATTEMPTS):
            with muster.uow() as uow:
                jobs.requeue_stale(uow, clock())
            with muster.uow() as uow:
                assert claim_next(uow, f"dies-{attempt}", clock()) is not None
            clock.advance(minutes=11)
        assert Worker(muster).run_once() is None
    job = _status(muster, None, job_id)
    assert (
        job.state == "failed"
        and job.error == "the job was interrupted 3 times (its worker stopped)"
    )


def _nothing(_rt: Runtime, _u: User, _p: Params, _r: ReportProgress) -> dict[str, Any]:
    return {}


def test_worker_threads_share_the_queue_and_run_each_job_once(muster: Muster) -> None:
    runs: Counter[int] = Counter()
    lock = threading.Lock()

    def count(_rt: Runtime, _u: User, p: Params, _r: ReportProgress) -> dict[str, Any]:
        time.sleep(0.02)
        with lock:
            runs[int(p["n"])] += 1
        return {"by": threading.current_thread().name}

    with registered(JobKind("count", lambda *_: "HQ", lambda _p: Permission.REVIEW, count)):
        ids = [_enqueue(muster, None, "count", {"n": n}) for n in range(20)]
        workers = [Worker(muster, name=f"w{i}", poll=0.01) for i in range(4)]
        threads = [w.start() for w in workers]
        deadline = time.monotonic() + 120
        while sum(runs.values()) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        for w in workers:
            w.stop()
        for t in threads:
            t.join(timeout=30)
    assert runs == Counter(range(20))  # every job ran, and exactly once
    states = [_status(muster, None, i) for i in ids]
    assert {j.state for j in states} == {"done"} and {j.attempts for j in states} == {1}
    assert len({str(j.result) for j in states}) > 1  # more than one worker took part


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
def test_worker_processes_share_the_queue_on_postgresql(muster: Muster) -> None:
    """Three `muster jobs work --once` processes and 20 import jobs: each imported once."""
    ids = []
    for n in range(20):
        data = (UNITS + f"X{n},Unit {n},workplace,C1,XA,North,factory,8\n").encode()
        with muster.uow() as uow:
            kept = keep_import(uow, OPERATOR, muster.archive, kind="units", data=data,
                               filename=f"u{n}.csv", now=muster.clock())  # fmt: skip
        ids.append(_enqueue(muster, None, "import", {"kind": "units", "file_id": kept.file_id}))
    url = muster.settings.database_url
    command = [sys.executable, "-m", "muster", "--db", url, "jobs", "work", "--once"]
    env = {**os.environ, "MUSTER_DATA_DIR": str(muster.archive.root)}
    processes = [
        subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=600) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    states = [_status(muster, None, i) for i in ids]
    assert {j.state for j in states} == {"done"}, [j.error for j in states]
    assert {j.attempts for j in states} == {1}
    with muster.uow() as uow:
        assert {f"X{n}" for n in range(20)} <= {u.code for u in uow.units.tree()}
        assert [f.outcome for f in uow.files.every()] == ["accepted"] * 20
    ran = [int(out.split()[1]) for out, _err in outputs]
    assert sum(ran) == 20


class registered:
    """A job kind of the test's own, known only while the block runs."""

    def __init__(self, kind: JobKind) -> None:
        self.kind = kind

    def __enter__(self) -> None:
        jobs.kind_of("consolidate")  # Muster's kinds first
        jobs.register(self.kind)

    def __exit__(self, *_: object) -> None:
        jobs.KINDS.pop(self.kind.name, None)


@pytest.fixture(autouse=True)
def _no_stray_kinds() -> Iterator[None]:
    yield
    for name in [n for n in jobs.KINDS if n not in ("consolidate", "plan", "import")]:
        jobs.KINDS.pop(name)


def test_a_consolidation_reports_its_stages_and_the_linkage_its_own(
    muster: Muster,
    accepted_call: int,  # noqa: F811
) -> None:
    seen: list[tuple[int, int, str]] = []

    class Recording(Worker):
        def _progress(self, job_id: int, token: str, done: int, total: int, message: str) -> None:
            seen.append((done, total, message))
            super()._progress(job_id, token, done, total, message)

    _enqueue(muster, "mission", "consolidate", {"call_id": accepted_call, "unit_code": "M1"})
    Recording(muster).run_once()
    messages = [m for _d, _t, m in seen]
    assert messages[:3] == [
        "reading the accepted lists",
        "linking the entries",
        "normalising names",
    ]
    assert {"scoring candidate pairs", "clustering"} <= set(messages)
    assert messages[-1] == "merging persons"
    assert [d for d, _t, _m in seen] == sorted(d for d, _t, _m in seen)  # never goes back
