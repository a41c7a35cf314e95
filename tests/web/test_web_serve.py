"""`muster serve --workers N`: several uvicorn worker processes on one port, each building its
own Muster from the database given by `--db`."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from muster.bootstrap import bootstrap


def _children(pid: int) -> list[int]:
    """The process ids of a process's children (Linux)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def test_serve_with_two_workers(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    bootstrap(url, migrate=True).engine.dispose()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    muster = Path(sys.executable).parent / "muster"
    command = [str(muster), "--db", url, "serve", "--port", str(port), "--workers", "2"]
    env = {"MUSTER_DATA_DIR": str(tmp_path / "files"), "PATH": "/usr/bin:/bin"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        assert httpx.get(base + "/healthz").json() == {"status": "ok"}
        assert httpx.get(base + "/").status_code == 303  # no session: sent to sign in
        with httpx.Client(base_url=base) as client:  # a failed sign-in reads and writes the db
            for _ in range(4):  # (spread over the workers)
                token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/sign-in").text)
                assert token
                form = {"name": "nobody", "password": "wrong", "csrf_token": token.group(1)}
                answer = client.post("/sign-in", data=form)
                assert answer.status_code in (200, 400, 401, 403), answer.status_code
                assert "csrf_token" in answer.text
        workers = [c for c in _children(server.pid) if Path(f"/proc/{c}/cmdline").exists()]
        assert len(workers) >= 2
    finally:
        server.terminate()
        server.wait(timeout=30)
