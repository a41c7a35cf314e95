"""A request's deadline: work still running after it is never committed.

The web sets a deadline for each request (`MUSTER_REQUEST_TIMEOUT_SECONDS`); a request past
it is answered 503 at once, but the thread doing its work cannot be stopped from outside.
Every session of `store.db.session_factory` therefore checks the deadline before each
statement and before committing, and a late request's work raises `DeadlinePassed` and is
rolled back by its unit of work. Outside a request (the command line) there is no deadline.

Tasks created with asyncio from a request inherit its deadline (threads do not): work meant
to outlive its request (a background job) runs inside `lifted()`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

_DEADLINE: ContextVar[float | None] = ContextVar("muster_deadline", default=None)


class DeadlinePassed(Exception):
    """The request this work belongs to has already been answered as timed out."""


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Work started inside (threads and tasks started here inherit it) must end within
    `seconds`, or it is not committed."""
    token = _DEADLINE.set(time.monotonic() + seconds)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


@contextmanager
def lifted() -> Iterator[None]:
    """Work inside is not bound by the deadline of the request that started it."""
    token = _DEADLINE.set(None)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check(*_args: Any) -> None:
    """Raise `DeadlinePassed` if the current request's deadline has passed."""
    limit = _DEADLINE.get()
    if limit is not None and time.monotonic() > limit:
        raise DeadlinePassed("the request's time limit has passed; its work is rolled back")
