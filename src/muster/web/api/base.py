"""The JSON API's foundation: bearer-token callers, JSON refusals, the shared answer models.

Every route of the API is an `ApiRoute`: whatever refuses a request answers JSON with no
data in it. No or a bad token: 401. Another subtree (or something absent): 404, as if absent.
A permission missing in one's own subtree: 403. A refused file or request: 422 with the
errors as row, column, value and expected form (the same records as the command line). Any
other refusal of the domain: 400 with its reason. The API accepts only bearer tokens, never
the session cookie, so that no cross-site request can act through a signed-in browser.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field, StringConstraints
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from muster.domain.errors import DomainError, NotFound, NotPermitted, OutOfScope
from muster.domain.users import User
from muster.intake.errors import IntakeRejected, RowError
from muster.services.tokens import token_user
from muster.web.security import muster_of

LOG = logging.getLogger("muster.web.api")
PREFIX = "/api/v1"
bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    bearerFormat="mst_PREFIX_SECRET",
    description="An API token from `muster token add` or the /tokens page.",
)


class Problem(BaseModel):
    """A refusal: why, never data."""

    detail: str


class RowProblem(BaseModel):
    """One error of a refused file or request: row 1 is a file's header, 0 the whole file
    (or, for a request, the part of the request named in `column`)."""

    row: int
    column: str
    value: str
    expected: str
    message: str


class Rejected(BaseModel):
    """Every error found, at once (SPEC §9); nothing was changed."""

    errors: list[RowProblem]
    count: int


REFUSALS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Refused by a rule of the domain (the reason)"},
    401: {"model": Problem, "description": "No valid API token"},
    403: {"model": Problem, "description": "A permission the token lacks"},
    404: {"model": Problem, "description": "Absent, or outside the token's subtree"},
    422: {"model": Rejected, "description": "Refused input: every error at once"},
}


class TokenRequired(Exception):
    """No token, or one that is unknown, expired, revoked or out of its owner's reach."""


def _caller(request: Request, credentials: HTTPAuthorizationCredentials | None) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise TokenRequired
    muster = muster_of(request)
    with muster.uow() as uow:
        user = token_user(uow, credentials.credentials, muster.clock())
    if user is None:
        raise TokenRequired
    return user


async def caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> User:
    """Dependency: the user a bearer token acts as (its unit and permissions)."""
    return await run_in_threadpool(_caller, request, credentials)


Caller = Annotated[User, Depends(caller)]


def problem(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A JSON refusal."""
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def rejected(errors: list[RowError]) -> JSONResponse:
    """422 with every error of a refused file or request."""
    return JSONResponse(rejected_body(errors), status_code=422)


def rejected_body(errors: list[RowError]) -> dict[str, Any]:
    """The body of a 422: the errors sorted by row and column, and how many."""
    shown = sorted(errors, key=lambda e: (e.row, e.column))
    return {"errors": IntakeRejected(shown).to_json(), "count": len(shown)}


def _invalid(error: RequestValidationError) -> JSONResponse:
    """A request FastAPI could not read, as row-0 errors naming the part of the request."""
    found = []
    for item in error.errors():
        where = ".".join(str(p) for p in item.get("loc", ()))
        value = item.get("input")
        shown = "" if value is None or isinstance(value, dict | list) else str(value)[:80]
        found.append(RowError(0, where, shown, str(item.get("msg", "a valid value"))))
    return rejected(found)


def answer_refusal(error: Exception) -> Response | None:
    """The JSON answer to an exception, or None when it is not a refusal (a crash)."""
    if isinstance(error, TokenRequired):
        headers = {"WWW-Authenticate": 'Bearer realm="muster"'}
        return problem(401, "a valid API token is required", headers)
    if isinstance(error, OutOfScope | NotFound):
        return problem(404, "not found")
    if isinstance(error, NotPermitted):
        return problem(403, "you lack the permission for this")
    if isinstance(error, IntakeRejected):
        return rejected(error.errors)
    if isinstance(error, DomainError):
        return problem(400, str(error))
    if isinstance(error, RequestValidationError):
        return _invalid(error)
    if isinstance(error, HTTPException):
        return problem(error.status_code, str(error.detail), dict(error.headers or {}))
    return None


class ApiRoute(APIRoute):
    """A route whose every refusal answers JSON with no data (see the module's docstring)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """The route's handler, turning refusals into JSON answers."""
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as error:
                found = answer_refusal(error)
                if found is not None:
                    return found
                LOG.error("API error on %s %s", request.method, request.url.path, exc_info=error)
                return problem(500, "the server failed to answer; nothing was lost")

        return answer


# What a request may carry: no NUL character (PostgreSQL refuses it), bounded lengths and ids.
Text = Annotated[str, StringConstraints(max_length=2000, pattern=r"^[^\x00]*$")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
CallId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A call's id")]
UnitCode = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$")]
