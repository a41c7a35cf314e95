"""Idempotency-Key: a retried request gets the first answer and never acts twice.

Before a request with a key acts, a row (owner, key, fingerprint of the request) is inserted
and committed on its own: the unique constraint on (owner, key) lets only one request of the
same key through, even when retries arrive at the same moment or in another server process.
The others wait for its answer and replay it. The answer is kept when it will not change on
a retry (done, or the file refused with its errors); otherwise (a refusal of access, a crash)
the row is dropped so that a retry acts afresh. The same key with a different request is
refused with 422.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import Header
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError

from muster.bootstrap import Muster
from muster.domain.errors import DomainError
from muster.intake.errors import RowError
from muster.store.tokens import IdempotencyKeyRow, TokenRepository
from muster.web.api.base import rejected_body

HEADER = "Idempotency-Key"
KEPT = {200, 201, 202, 422}  # answers a retry of the same request would get again
WAIT_SECONDS = 60.0  # how long a retry waits for the first request's answer
POLL_SECONDS = 0.1
STALE = timedelta(minutes=10)  # a key still unanswered after this was left by a dead process


def key_header(effect: str) -> Any:
    """The optional Idempotency-Key header of a request; `effect` says what a retry never does."""
    return Header(
        alias=HEADER, min_length=1, max_length=200, pattern=r"^[\x21-\x7e]+$",
        description="Any unique text (a UUID): a retried request with the same key gets the "
        f"first answer and never {effect}",
    )  # fmt: skip


@dataclass(frozen=True)
class Answer:
    """A status and JSON body; `replayed` when it is the stored answer of an earlier request."""

    status: int
    body: dict[str, Any]
    replayed: bool = False


class KeyReused(DomainError):
    """The key was first used for a different request."""

    def error(self, key: str) -> RowError:
        """The refusal as a row-0 error naming the header."""
        return RowError(0, HEADER, key, str(self))


class KeyInFlight(DomainError):
    """The first request with this key is still being answered."""


def fingerprint(*parts: bytes | str) -> str:
    """SHA-256 over the parts of a request, each length-prefixed (no two requests collide by
    shifting bytes between parts)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def once(
    muster: Muster, owner: str, key: str | None, print_: str, act: Callable[[], Answer]
) -> Answer:
    """Run `act` once per (owner, key); a retry with the same key gets the first answer."""
    if key is None:
        return act()
    stored = _claim(muster, owner, key, print_)
    if stored is not None:
        return stored
    try:
        answer = act()
    except BaseException:
        _settle(muster, owner, key, None)
        raise
    _settle(muster, owner, key, answer if answer.status in KEPT else None)
    return answer


def answer_once(
    muster: Muster, owner: str, key: str | None, print_: str, act: Callable[[], Answer]
) -> JSONResponse:
    """`once` as a JSON answer: a replay says so in a header; the key first sent with another
    request answers 422 naming the header, one still being answered 409."""
    try:
        answer = once(muster, owner, key, print_, act)
    except KeyReused as reused:
        return JSONResponse(rejected_body([reused.error(key or "")]), status_code=422)
    except KeyInFlight as busy:
        return JSONResponse({"detail": str(busy)}, status_code=409)
    headers = {"Idempotent-Replayed": "true"} if answer.replayed else None
    return JSONResponse(answer.body, status_code=answer.status, headers=headers)


def _claim(muster: Muster, owner: str, key: str, print_: str) -> Answer | None:
    """Insert the key (None: this request acts), or wait for the first request's answer."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        with muster.uow() as uow:
            row = IdempotencyKeyRow(
                owner_name=owner, key=key, fingerprint=print_, created_at=muster.clock()
            )
            uow.session.add(row)
            try:
                uow.commit()
                return None
            except IntegrityError:
                uow.session.rollback()
            found = TokenRepository(uow.session).idempotency(owner, key)
            if found is not None and found.fingerprint != print_:
                raise KeyReused(
                    "a new key for a new request: this Idempotency-Key was first sent with a "
                    "different file, call or unit"
                )
            if found is not None and found.status_code is not None:
                return Answer(found.status_code, dict(found.body or {}), replayed=True)
            if found is not None and muster.clock() - found.created_at > STALE:
                TokenRepository(uow.session).forget_idempotency(found.id)
                uow.commit()
                continue
        if time.monotonic() > deadline:
            raise KeyInFlight(
                "the first request with this Idempotency-Key is still being answered; "
                "send it again in a moment"
            )
        time.sleep(POLL_SECONDS)


def _settle(muster: Muster, owner: str, key: str, answer: Answer | None) -> None:
    """Keep the answer of the key's request, or drop the key when there is none worth keeping."""
    with muster.uow() as uow:
        repo = TokenRepository(uow.session)
        found = repo.idempotency(owner, key)
        if found is None:
            return
        if answer is None:
            repo.forget_idempotency(found.id)
        else:
            found.status_code, found.body = answer.status, answer.body
        uow.commit()
