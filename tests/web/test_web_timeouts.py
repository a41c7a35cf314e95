"""Request time limits against a real server (uvicorn on a loopback port), on both databases.

The test's own application adds a deliberately slow route (never in production code): it
writes an audit event, then takes longer than the limit before committing. The client gets
a 503 with Retry-After at the limit, and the write is never committed. A client that sends
its body too slowly (slowloris) is cut off at the limit too: the upload limit for a file,
the shorter one for any other form.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi.responses import StreamingResponse
from sqlalchemy import select

from muster.bootstrap import Muster
from muster.store.tables import AuditEventRow
from muster.web import create_app
from tests.web.live import serving
from tests.web.messages import untranslated

LIMIT = 1.0
UPLOAD_LIMIT = 3.0
SLOW = 5.0  # the slow route's work: longer than both limits


@pytest.fixture
def base(world: Muster) -> Iterator[str]:
    """The real application with short limits and two routes of the test's own."""
    world.settings = world.settings.model_copy(
        update={"request_timeout_seconds": LIMIT, "upload_timeout_seconds": UPLOAD_LIMIT}
    )
    app = create_app(world)

    @app.get("/test/write")
    def write(pause: float = 0.0) -> dict[str, bool]:
        with world.uow() as uow:
            uow.audit.record("tester", f"test_write_{pause}", "test", "1")
            time.sleep(pause)
            uow.commit()
        return {"written": True}

    @app.get("/test/download")
    def download() -> StreamingResponse:
        def chunks() -> Iterator[bytes]:
            yield b"first "
            time.sleep(LIMIT + 0.5)  # a slow reader: the answer is already on its way
            yield b"second"

        return StreamingResponse(chunks(), media_type="text/plain")

    with serving(app) as url:
        for language in ("en", "ko"):  # templates compiled before anything is timed
            httpx.get(f"{url}/sign-in", headers={"accept-language": language}, timeout=30)
        yield url


def _written(world: Muster, pause: float) -> int:
    with world.uow() as uow:
        rows = uow.session.scalars(
            select(AuditEventRow).where(AuditEventRow.action == f"test_write_{pause}")
        ).all()
    return len(rows)


def test_a_slow_request_is_answered_503_and_its_work_rolled_back(world: Muster, base: str) -> None:
    started = time.monotonic()
    answer = httpx.get(f"{base}/test/write", params={"pause": SLOW}, timeout=30)
    waited = time.monotonic() - started
    assert answer.status_code == 503
    assert LIMIT <= waited < SLOW  # answered at the limit, not when the work ended
    assert answer.headers["retry-after"] == "30"
    assert "took longer than the server allows" in answer.text
    assert "Traceback" not in answer.text
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    time.sleep(SLOW - waited + 1.0)  # the work has ended by now: it could not commit
    assert _written(world, SLOW) == 0
    # A quick write on the same server commits, and the server still answers.
    assert httpx.get(f"{base}/test/write", params={"pause": 0.0}).json() == {"written": True}
    assert _written(world, 0.0) == 1
    # An answer already being sent is not cut off at the limit.
    slow = httpx.get(f"{base}/test/download", timeout=30)
    assert (slow.status_code, slow.text) == (200, "first second")
    api = httpx.get(f"{base}/api/calls/1/status", headers={"accept-language": "ko"})
    assert api.status_code == 401  # signed out: the limit changes nothing else


def _slow_body(base: str, content_type: str, start: bytes) -> tuple[bytes, float]:
    """Send headers and a little of the body, then nothing: what comes back, and when."""
    port = int(base.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as sock:
        sock.sendall(
            b"POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: ko\r\n"
            + f"Content-Type: {content_type}\r\nContent-Length: 10000\r\n\r\n".encode()
            + start
        )
        answer = sock.recv(65536)
        waited = time.monotonic() - started
        while b"</html>" not in answer and (more := sock.recv(65536)):
            answer += more
    return answer, waited


PART = b'--x\r\nContent-Disposition: form-data; name="file"; filename="w1.csv"\r\n\r\nperson_id'


def test_a_client_that_sends_its_body_too_slowly_is_cut_off(base: str) -> None:
    form, waited = _slow_body(base, "application/x-www-form-urlencoded", b"name=w1&pa")
    assert form.startswith(b"HTTP/1.1 503"), form[:200]
    assert LIMIT <= waited < UPLOAD_LIMIT
    assert untranslated(form.split(b"\r\n\r\n", 1)[1].decode()) == []
    assert "처리 시간이 너무 깁니다" in form.decode()
    upload, waited = _slow_body(base, "multipart/form-data; boundary=x", PART)
    assert upload.startswith(b"HTTP/1.1 503"), upload[:200]
    assert UPLOAD_LIMIT <= waited < UPLOAD_LIMIT + 5
    assert b"retry-after: 30" in upload.lower()
