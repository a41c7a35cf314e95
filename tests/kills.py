"""Kill real Muster processes with SIGKILL at random moments, then check what they left.

Three kinds of run, each against a real subprocess:
- `submit`: `muster submit` of a 3,000-row list, killed after a random delay;
- `import`: `muster import people` of 2,000 people, killed the same way;
- `web`: `muster serve` killed while it handles an upload of such a list.
The delay is drawn in a range calibrated on an uninterrupted run of the same command (from
about when the process has started to just after it would have finished), so the kills
fall on every stage: start-up, archiving, the receipt, reading, storing, committing.

After each kill the database and archive are checked (tests.consistency), `muster files
check` must report exactly the open receipts and stray bytes, and the same submission is
sent again: it must succeed once (one version of that content, never two), after which
`files check --reconcile` leaves nothing to report. Used by tests/e2e/test_kills.py (a
bounded number of kills in CI) and bench/faults.py (200 by default).
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from muster.bootstrap import Muster, bootstrap
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.intake import read_people, read_units
from muster.intake.archive import FileArchive
from muster.services.accounts import set_password
from muster.services.calls import issue_call
from muster.services.registry import add_user, import_people, import_units
from tests import consistency
from tests.e2e.cli import Result, invoke
from tests.integration.conftest import PEOPLE_CSV, UNITS_CSV

MUSTER = str(Path(sys.executable).with_name("muster"))
KINDS = ("submit", "import", "web")
PASSWORD = "kill tests password"
LIST_HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note\n"
)
PEOPLE_HEADER = PEOPLE_CSV.splitlines()[0] + "\n"
GIVEN = ("Chol Su", "Yong Hui", "Myong Nam", "Kwang Il", "Song Ae", "Hyok", "Un Jong")
FAMILY = ("Kim", "Ri", "Pak", "Choe", "Jong", "Kang", "Han", "Yun")


@dataclass
class Outcome:
    """One kill: when, whether the process had already finished, what was found."""

    kind: str
    delay: float
    finished_first: bool
    problems: list[str]
    recovery_seconds: float
    open_files: int = 0


@dataclass
class Scene:
    """A database with a small world and one call, a folder for files, and the subprocesses."""

    root: Path
    url: str
    rows: int = 3000
    rng: random.Random = field(default_factory=lambda: random.Random(14))
    call_id: int = 0
    runs: int = 0
    timings: dict[str, tuple[float, float]] = field(default_factory=dict)
    _serving: Server | None = None

    @property
    def files(self) -> Path:
        return self.root / "files"

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "MUSTER_DATA_DIR": str(self.files)}

    def muster(self) -> Muster:
        """An in-process Muster on the scene's database and archive."""
        app = bootstrap(self.url)
        app.archive = FileArchive(self.files)
        return app

    def build(self) -> None:
        """Migrate, import the small world, give `w1` (submit, W1) a password, issue a call."""
        app = bootstrap(self.url, migrate=True)
        app.archive = FileArchive(self.files)
        now = datetime.now(UTC)
        try:
            with app.uow() as uow:
                import_units(uow, OPERATOR, read_units(UNITS_CSV.encode(), "units.csv"))
            with app.uow() as uow:
                import_people(uow, OPERATOR, read_people(PEOPLE_CSV.encode(), "people.csv"))
            with app.uow() as uow:
                add_user(uow, OPERATOR, "w1", "W1", ["submit"])
            with app.uow() as uow:
                set_password(uow, OPERATOR, "w1", PASSWORD, now)
            due = {k: now + timedelta(days=30) for k in UnitKind if k is not UnitKind.HEADQUARTERS}
            with app.uow() as uow:
                self.call_id = issue_call(
                    uow, OPERATOR, app.catalogue, by="HQ", scope="HQ",
                    categories=["illness", "stranded_trip"], due=due, title="Kill call", now=now,
                )  # fmt: skip
        finally:
            app.engine.dispose()

    # -- the files sent -------------------------------------------------------------------

    def list_file(self) -> Path:
        """A new list of `rows` entries (its content differs from every earlier one)."""
        self.runs += 1
        rows = [
            f",{FAMILY[i % 8]},{GIVEN[i % 7]} {self.runs}-{i},,"
            f"19{60 + i % 40}-{1 + i % 12:02d}-{1 + i % 28:02d},{'MF'[i % 2]},,"
            f"{('illness', 'stranded_trip')[i % 2]},2021-07-01,no,yes,run {self.runs}\n"
            for i in range(self.rows)
        ]
        path = self.root / f"list-{self.runs}.csv"
        path.write_text(LIST_HEADER + "".join(rows), encoding="utf-8")
        return path

    def people_file(self) -> tuple[Path, str]:
        """A new people file of 2/3 `rows` people whose ids share a prefix of their own."""
        self.runs += 1
        prefix = f"K{self.runs}-"
        rows = [
            f"{prefix}{i},{FAMILY[i % 8]},{GIVEN[i % 7]},,19{60 + i % 40}-{1 + i % 12:02d}-"
            f"{1 + i % 28:02d},{'MF'[i % 2]},X{self.runs:03d}{i:05d},W{1 + i % 3},worker,work,"
            "2020-01-01,2023-01-01\n"
            for i in range(self.rows * 2 // 3)
        ]
        path = self.root / f"people-{self.runs}.csv"
        path.write_text(PEOPLE_HEADER + "".join(rows), encoding="utf-8")
        return path, prefix

    # -- commands ---------------------------------------------------------------------------

    def cli(self, *args: str) -> Result:
        """A command run in this process (fast): checks and resubmissions."""
        return invoke(*args, db=self.url, cwd=self.root)

    def spawn(self, *args: str, log: Path | None = None) -> subprocess.Popen[bytes]:
        """The real `muster` in its own process (its stderr to `log`, if given)."""
        err = log.open("wb") if log else subprocess.DEVNULL
        try:
            return subprocess.Popen(
                [MUSTER, "--db", self.url, *args], cwd=self.root, env=self.env,
                stdout=subprocess.DEVNULL, stderr=err,
            )  # fmt: skip
        finally:
            if log:
                err.close()  # type: ignore[union-attr]

    def submit_args(self, path: Path) -> list[str]:
        return ["--as", "w1", "submit", "--call", str(self.call_id), "--unit", "W1", str(path)]

    # -- checks -----------------------------------------------------------------------------

    def check(self) -> consistency.Consistency:
        """The database and archive, and `muster files check` agreeing with them."""
        app = self.muster()
        try:
            found = consistency.check(app.engine, self.files)
        finally:
            app.engine.dispose()
        result = self.cli("files", "check")
        expected = 1 if (found.open_files or found.stray) else 0
        if result.code != expected:
            found.problems.append(f"files check exited {result.code}, expected {expected}")
        for file_id in found.open_files:
            if f"received file {file_id}: " not in result.out:
                found.problems.append(f"files check does not report open file {file_id}")
        for sha in found.stray:
            if f"archive: {sha[:16]}: " not in result.out:
                found.problems.append(f"files check does not report stray bytes {sha[:16]}")
        if expected == 0 and "every received file is recorded and kept" not in result.out:
            found.problems.append("files check did not say that everything is kept")
        return found

    def versions_of(self, data: bytes) -> int:
        """How many versions of the unit's list have exactly this content."""
        sha = hashlib.sha256(data).hexdigest()
        return self._count(
            "SELECT COUNT(*) FROM submission_versions WHERE content_sha256 = :x", sha
        )

    def people_with(self, prefix: str) -> int:
        return self._count("SELECT COUNT(*) FROM people WHERE person_id LIKE :x", prefix + "%")

    def _count(self, sql: str, value: str) -> int:
        app = self.muster()
        try:
            with app.engine.connect() as db:
                return int(db.execute(text(sql), {"x": value}).scalar_one())
        finally:
            app.engine.dispose()

    def settle(self, problems: list[str]) -> None:
        """Close interrupted receipts; then nothing may be left to report."""
        self.cli("files", "check", "--reconcile")
        final = self.check()
        problems += [f"after reconcile: {p}" for p in final.problems]
        if final.open_files or final.stray:
            problems.append(f"after reconcile: still open {final.open_files} {final.stray}")

    # -- runs -------------------------------------------------------------------------------

    def calibrate(self, kind: str) -> tuple[float, float]:
        """(earliest, latest) kill delay for a kind, from uninterrupted runs of it."""
        if kind in self.timings:
            return self.timings[kind]
        started = time.monotonic()
        assert self.spawn("files", "check").wait(timeout=120) == 0
        startup = time.monotonic() - started
        if kind == "web":
            with Server(self) as server:
                path = self.list_file()
                began = time.monotonic()
                assert server.upload(path.read_bytes()) == 200
                window = (0.0, (time.monotonic() - began) * 1.2)
        else:
            path = self.list_file() if kind == "submit" else self.people_file()[0]
            args = self.submit_args(path) if kind == "submit" else ["import", "people", str(path)]
            began = time.monotonic()
            assert self.spawn(*args).wait(timeout=120) == 0
            window = (startup * 0.7, (time.monotonic() - began) * 1.1)
        self.timings[kind] = window
        return window

    def kill_once(self, kind: str) -> Outcome:
        """One run of `kind` killed at a random moment, checked, recovered, checked again."""
        low, high = self.calibrate(kind)
        delay = self.rng.uniform(low, high)
        if kind == "web":
            return self._kill_web(delay)
        if kind == "submit":
            path = self.list_file()
            process = self.spawn(*self.submit_args(path))
        else:
            path, prefix = self.people_file()
            process = self.spawn("import", "people", str(path))
        finished = _kill_after(process, delay)
        found = self.check()
        problems = list(found.problems)
        started = time.monotonic()
        if kind == "submit":
            again = self.cli(*self.submit_args(path))
            if again.code != 0:
                problems.append(f"resubmission failed: {again.err.strip()[:200]}")
            if (n := self.versions_of(path.read_bytes())) != 1:
                problems.append(f"{n} versions of the resubmitted list, expected 1")
        else:
            stored = self.people_with(prefix)
            expected = self.rows * 2 // 3
            if stored not in (0, expected):
                problems.append(f"half an import: {stored} of {expected} people")
            again = self.cli("import", "people", str(path))
            if again.code != 0 or self.people_with(prefix) != expected:
                problems.append(f"import again failed: {again.code} {again.err.strip()[:200]}")
        self.settle(problems)
        recovery = time.monotonic() - started
        return Outcome(kind, delay, finished, problems, recovery, len(found.open_files))

    def _kill_web(self, delay: float) -> Outcome:
        """Kill the server mid-upload; the server started to recover serves the next kill."""
        path = self.list_file()
        data = path.read_bytes()
        server = self._serving or Server(self).__enter__()
        self._serving = None
        answer: list[int] = []
        sender = threading.Thread(target=lambda: answer.append(server.upload(data, 60)))
        sender.start()
        time.sleep(delay)
        server.kill()
        sender.join(timeout=60)
        server.__exit__()
        found = self.check()
        problems = list(found.problems)
        finished = answer == [200]
        if finished and self.versions_of(data) != 1:
            problems.append("an acknowledged upload is not stored")
        if answer and answer[0] not in (200, 0):
            problems.append(f"the upload was answered {answer[0]}")
        started = time.monotonic()
        self._serving = Server(self).__enter__()
        if (status := self._serving.upload(data)) != 200:
            problems.append(f"the upload sent again was answered {status}")
        if (n := self.versions_of(data)) != 1:
            problems.append(f"{n} versions of the list sent again, expected 1")
        self.settle(problems)
        recovery = time.monotonic() - started
        return Outcome("web", delay, finished, problems, recovery, len(found.open_files))

    def close(self) -> None:
        """Stop the server kept running between web kills."""
        if self._serving is not None:
            self._serving.__exit__()
            self._serving = None


def _kill_after(process: subprocess.Popen[bytes], delay: float) -> bool:
    """SIGKILL the process after `delay` seconds; True if it had already finished."""
    try:
        process.wait(timeout=delay)
        return True
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        return False


class Server:
    """`muster serve` in its own process, with a client signed in as w1."""

    def __init__(self, scene: Scene) -> None:
        self.scene = scene
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = scene.root / f"serve-{self.port}.log"
        self.process = scene.spawn("serve", "--port", str(self.port), log=self.log)
        self.client = httpx.Client(base_url=self.base, timeout=60)
        self.csrf = ""

    def __enter__(self) -> Server:
        try:
            self._wait_and_sign_in()
        except BaseException:  # never leave a server running behind a failed start
            self.__exit__()
            raise
        return self

    def _wait_and_sign_in(self) -> None:
        deadline = time.monotonic() + 180
        while True:
            try:
                if self.client.get("/healthz").status_code == 200:
                    break
            except httpx.HTTPError as error:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    said = self.log.read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"muster serve did not start: {said}") from error
                time.sleep(0.1)
        page = self.client.get("/sign-in").text
        form = {"name": "w1", "password": PASSWORD, "csrf_token": _csrf(page)}
        assert self.client.post("/sign-in", data=form).status_code == 303
        self.csrf = _csrf(self.client.get("/").text)

    def upload(self, data: bytes, timeout: float = 60) -> int:
        """POST the list through the upload form; the status, or 0 if the server vanished."""
        url = f"/calls/{self.scene.call_id}/units/W1/upload"
        files = {"file": ("list.csv", data, "text/csv")}
        try:
            answer = self.client.post(
                url, data={"csrf_token": self.csrf}, files=files, timeout=timeout
            )
        except httpx.HTTPError:
            return 0
        return answer.status_code

    def kill(self) -> None:
        """SIGKILL the server."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def __exit__(self, *_exc: object) -> None:
        self.client.close()
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf token in the page"
    return found.group(1)
