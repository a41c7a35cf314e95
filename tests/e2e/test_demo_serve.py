"""`muster demo` end to end: build a small world, serve it, read the page and the API."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.cli import MUSTER

URL_LINE = "Muster demo: "
STARTUP_SECONDS = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, response.read().decode("utf-8")


class Server:
    """A running `muster` server subprocess whose stdout is collected line by line."""

    def __init__(self, cwd: Path, *args: str, url_line: str = URL_LINE) -> None:
        env = {k: v for k, v in os.environ.items()
               if k not in ("MUSTER_DATA_DIR", "MUSTER_DATABASE_URL")}  # fmt: skip
        self.url_line = url_line
        self.proc = subprocess.Popen(
            [MUSTER, *args], cwd=cwd, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()

    def _collect(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def url(self) -> str:
        """Wait for the printed URL, then for the server to answer."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            found = [
                line.partition(self.url_line)[2] for line in self.lines if self.url_line in line
            ]
            if found and self._answers(found[0]):
                return found[0]
            if self.proc.poll() is not None:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                pytest.fail(f"muster exited {self.proc.returncode}: {err[-2000:]}")
            time.sleep(0.2)
        pytest.fail("muster printed no URL in time:\n" + "\n".join(self.lines))

    @staticmethod
    def _answers(url: str) -> bool:
        try:
            return _get(url + "healthz")[0] == 200
        except OSError:
            return False

    def stop(self) -> None:
        """Terminate the server and reap it."""
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _password(printed: str, login: str) -> str:
    """The password `muster demo` printed for a login."""
    line = next(line for line in printed.splitlines() if line.split()[:1] == [login])
    return line.split()[2]


def _signed_in(url: str, name: str, password: str) -> httpx.Client:
    """A client signed in through the sign-in form."""
    client = httpx.Client(follow_redirects=False, timeout=30)
    form = client.get(url + "sign-in").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert token is not None
    data = {"name": name, "password": password, "csrf_token": token.group(1)}
    response = client.post(url + "sign-in", data=data)
    assert response.status_code == 303, (name, response.status_code)
    return client


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Server]:
    running = Server(
        tmp_path, "demo", "--seed", "1", "--scale", "0.05", "--port", str(_free_port())
    )
    yield running
    running.stop()


def test_demo_builds_serves_and_prints_logins(demo: Server, tmp_path: Path) -> None:
    url = demo.url()
    assert url.startswith("http://127.0.0.1:")
    printed = "\n".join(demo.lines)
    for login in ("hq.admin", "review.m-xc", "review.c-xc-lia", "clerk.w0001",
                  "protection.officer", "medical.officer"):  # fmt: skip
        assert login in printed
    assert (tmp_path / "muster-demo.db").is_file()
    assert (tmp_path / "muster-demo-replacements.csv").is_file()

    assert _get(url + "healthz")[0] == 200
    signed_out = httpx.get(url + "api/calls/1/status")
    assert signed_out.status_code == 401, "nothing is served before signing in"
    web = _signed_in(url, "hq.admin", _password(printed, "hq.admin"))
    page = web.get(url + "calls/1/board").text
    assert "Everyone unable to work or stranded" in page
    for word in ("on time", "late", "missing", "Embassy in Calder", "W0001"):
        assert word in page

    response = web.get(url + "api/calls/1/status")
    rows = response.json()
    assert response.status_code == 200 and rows
    assert {"unit", "kind", "state", "submitted_at", "timeliness", "entries"} <= set(rows[0])
    assert {r["timeliness"] for r in rows} == {"on_time", "late", "missing"}
    assert {r["kind"] for r in rows} == {"mission", "consulate", "workplace"}
    for login in ("review.m-xc", "clerk.w0001", "protection.officer", "medical.officer"):
        _signed_in(url, login, _password(printed, login))

    db = f"sqlite:///{tmp_path / 'muster-demo.db'}"
    served = Server(tmp_path, "--db", db, "serve", "--port", str(_free_port()), url_line="Muster: ")
    try:
        base = served.url()
        again = _signed_in(base, "hq.admin", _password(printed, "hq.admin"))
        again = again.get(base + "api/calls/1/status").json()
    finally:
        served.stop()
    assert again == rows, "`muster serve` shows the same database"
