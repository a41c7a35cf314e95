"""Faults the web survives: a database that is restarting or unreachable, and slow requests.

- `DatabaseOutage`: a read (GET, HEAD) that fails because the database cannot be reached is
  tried once more after a short pause (the pool pre-pings, so the second try gets a fresh
  connection once the database is back); a write, or a read that fails twice, is answered
  503 with `Retry-After`, never a stack trace. A write's transaction is atomic: the
  database applied all of it or none of it; a file already received keeps its receipt and
  bytes (`muster files check` names a receipt whose processing was cut short).
- `RequestTimeout`: a request still running after `MUSTER_REQUEST_TIMEOUT_SECONDS`
  (uploads: `MUSTER_UPLOAD_TIMEOUT_SECONDS`, the slow client's upload time included) is
  answered 503 with `Retry-After`; the work it started cannot commit afterwards
  (store.deadline), so nothing of it is saved. An answer already being sent (a large file
  to a slow reader) is not cut off: the limit is on the work, not on the download.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Literal

from sqlalchemy import exc as sa_exc
from starlette.requests import Request

from muster.store.deadline import DeadlinePassed, deadline
from muster.web.hardening import ASGIApp, Message, Receive, Scope, Send

if TYPE_CHECKING:
    from fastapi import FastAPI

    from muster.settings import Settings

LOG = logging.getLogger("muster.web")
READ_METHODS = frozenset({"GET", "HEAD"})
RETRY_PAUSE_SECONDS = 0.5  # before the one retry of a read: a restarting database needs a moment
RETRY_AFTER = {"unavailable": "10", "timeout": "30"}  # what a client is told to wait, seconds
Why = Literal["unavailable", "timeout"]
API_MESSAGES = {
    "unavailable": "the database cannot be reached just now; please try again shortly",
    "timeout": "the request took longer than the server allows; nothing of it was saved",
}


def add_resilience(app: FastAPI, settings: Settings) -> None:
    """Install both middlewares (call before the outer ones: headers and logs wrap them)."""
    app.add_middleware(DatabaseOutage)
    app.add_middleware(
        RequestTimeout,
        seconds=settings.request_timeout_seconds,
        upload_seconds=settings.upload_timeout_seconds,
    )


def is_outage(error: BaseException) -> bool:
    """True when the error says the database could not be reached or dropped the connection
    (restart, network, pool exhausted, SQLite still locked after its busy timeout)."""
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return True
    return isinstance(error, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError)


class DatabaseOutage:
    """503 with Retry-After instead of a crash page when the database is unreachable; reads
    are tried a second time first."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        attempts = 2 if scope.get("method") in READ_METHODS else 1
        for attempt in range(attempts):
            started = False

            async def noted(message: Message) -> None:
                nonlocal started
                started = started or message["type"] == "http.response.start"
                await send(message)

            try:
                await self.app(scope, receive, noted)
                return
            except Exception as error:
                if started or not is_outage(error):
                    raise
                LOG.warning(
                    "database unreachable on %s %s (attempt %d of %d): %s",
                    scope.get("method"), scope.get("path"), attempt + 1, attempts,
                    type(error.__cause__ or error).__name__,
                )  # fmt: skip
            if attempt + 1 < attempts:
                await asyncio.sleep(RETRY_PAUSE_SECONDS)
        await answer_unavailable(scope, send, "unavailable")


class RequestTimeout:
    """A request past its time limit is answered 503 at once; its work is not committed."""

    def __init__(self, app: ASGIApp, seconds: float, upload_seconds: float) -> None:
        self.app = app
        self.seconds = seconds
        self.upload_seconds = upload_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.upload_seconds if _is_upload(scope) else self.seconds
        timed_out = False
        started = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if timed_out:  # the client has its 503: what the late work says is dropped
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        with deadline(limit):  # the task (and the threads it starts) inherit the deadline
            task = asyncio.ensure_future(self.app(scope, receive, guarded))
        done, _ = await asyncio.wait({task}, timeout=limit)
        if not done and started:  # the answer is on its way (a large file to a slow reader):
            await task  # let it finish; the reverse proxy bounds slow readers
            return
        if task in done:
            error = task.exception()
            if error is None:
                return
            if not isinstance(error, DeadlinePassed) or started:
                raise error
        else:
            task.add_done_callback(_note_late_end)
            task.cancel()  # takes effect once a worker thread's statement returns
        timed_out = True
        LOG.warning("request over its %.0f s limit: %s %s", limit, scope["method"], scope["path"])
        await answer_unavailable(scope, send, "timeout")


def _is_upload(scope: Scope) -> bool:
    """A form carrying a file (multipart): the upload time limit applies."""
    for name, value in scope.get("headers", []):
        if name.lower() == b"content-type":
            return bool(value.lower().startswith(b"multipart/form-data"))
    return False


def _note_late_end(task: asyncio.Future[None]) -> None:
    """Log how a timed-out request's work ended (its result is never sent)."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, DeadlinePassed):
        LOG.error("a timed-out request failed afterwards", exc_info=error)


async def answer_unavailable(scope: Scope, send: Send, why: Why) -> None:
    """503 with Retry-After: a plain page in the reader's language, or JSON under /api/."""
    from fastapi.responses import JSONResponse, Response

    from muster.web.render import render

    headers = {"Retry-After": RETRY_AFTER[why], "Cache-Control": "no-store"}
    request = Request(scope)
    response: Response
    if str(scope.get("path", "")).startswith("/api/"):
        response = JSONResponse({"detail": API_MESSAGES[why]}, 503, headers=headers)
    else:
        response = render(request, "error.html", {"kind": why}, 503)
        response.headers.update(headers)

    async def nothing() -> Message:
        return {"type": "http.disconnect"}

    await response(scope, nothing, send)
