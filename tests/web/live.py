"""A real HTTP server for a test: uvicorn in a thread on a loopback port."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI

from tests.web.conftest import PASSWORD


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        running.should_exit = True
        thread.join(timeout=10)


def signed_in_client(base: str, name: str) -> tuple[httpx.Client, str]:
    """An HTTP client signed in through the form, and its CSRF token."""
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/sign-in").text
    form = {"name": name, "password": PASSWORD, "csrf_token": _csrf(page)}
    assert client.post("/sign-in", data=form).status_code == 303
    return client, _csrf(client.get("/").text)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf token in the page"
    return found.group(1)
