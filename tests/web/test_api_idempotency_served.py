"""Idempotency across server processes: `muster serve --workers 2` over the test database
(SQLite and PostgreSQL), three retries of one submission sent at the same moment over real
HTTP, spread over the two workers, make one version."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from muster.bootstrap import Muster
from muster.services.actors import resolve_user
from muster.services.tokens import create_token
from tests.web.conftest import GOOD_CSV


@pytest.fixture
def served(world: Muster) -> Iterator[str]:
    """`muster serve --workers 2` on the world's database and received-files folder."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    muster = Path(sys.executable).parent / "muster"
    url = world.settings.database_url
    command = [str(muster), "--db", url, "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(
        command, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240  # a loaded machine takes a minute to start workers
        while not _answers(base + "/healthz"):
            assert time.monotonic() < deadline, "muster serve --workers 2 did not start"
            time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_three_retries_over_two_server_processes_make_one_version(
    world: Muster, served: str
) -> None:
    with world.uow() as uow:  # the server keeps real time: a token made now
        _token, secret = create_token(
            uow, resolve_user(uow, "w1"), unit_code="W1", permissions=["submit"],
            now=datetime.now(UTC),
        )  # fmt: skip
    headers = {"Authorization": f"Bearer {secret}", "Idempotency-Key": "served-1"}
    start = threading.Barrier(3)
    answers: list[httpx.Response] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            with httpx.Client(base_url=served, timeout=120) as client:  # a connection each
                start.wait(timeout=30)
                files = {"file": ("w1.csv", GOOD_CSV.encode(), "text/csv")}
                answers.append(client.post("/api/v1/calls/1/units/W1/list", files=files,
                                           headers=headers))  # fmt: skip
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert failures == []
    assert sorted(a.status_code for a in answers) == [200, 200, 200], [a.text for a in answers]
    assert {a.json()["version"] for a in answers} == {1}
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 2
    with world.uow() as uow:
        submission = uow.submissions.load(1, "W1")
        received = uow.files.for_unit(1, "W1")
    assert len(submission.versions) == 1
    assert len(received) == 1
