"""Who is asking: the session cookie, the signed-in viewer, CSRF tokens on every form.

Routes depend on `viewer` (GET) or `posted` (POST: also checks the form's CSRF token); a
request without a live session is sent to sign in. The session token lives only in an
HttpOnly, SameSite=Lax cookie, Secure when the request came over HTTPS.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from muster.bootstrap import Muster
from muster.services.accounts import SESSION_LIFETIME, Viewer, session_viewer

SESSION_COOKIE = "muster_session"
LOGIN_CSRF_COOKIE = "muster_login_csrf"  # before sign-in there is no session to hold a token
CSRF_FIELD = "csrf_token"


class SignInRequired(Exception):
    """No live session: the browser is sent to the sign-in page."""


def muster_of(request: Request) -> Muster:
    """The Muster the application serves."""
    muster: Muster = request.app.state.muster
    return muster


def client_address(request: Request) -> str:
    """The client's address (the proxy's view of it when uvicorn trusts the proxy)."""
    return request.client.host if request.client else "unknown"


def _viewer(request: Request) -> Viewer:
    """The signed-in viewer of the request's session cookie (a database read)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired
    muster = muster_of(request)
    with muster.uow() as uow:
        found = session_viewer(uow, token, muster.clock())
    if found is None:
        raise SignInRequired
    request.state.viewer = found
    return found


async def viewer(request: Request) -> Viewer:
    """Dependency: the signed-in viewer, or a redirect to sign in."""
    return await run_in_threadpool(_viewer, request)


async def posted(request: Request) -> Viewer:
    """Dependency for every POST: a signed-in viewer whose form carries their CSRF token."""
    found = await viewer(request)
    form = await request.form()
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not secrets.compare_digest(sent, found.csrf_token):
        raise HTTPException(status_code=403, detail="the form's security token is missing or old")
    return found


SignedIn = Annotated[Viewer, Depends(viewer)]
Posted = Annotated[Viewer, Depends(posted)]


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """Hand the browser its session token."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def clear_session_cookie(response: Response) -> None:
    """Forget the session token in the browser."""
    response.delete_cookie(SESSION_COOKIE, path="/")


def login_csrf(request: Request) -> str:
    """The sign-in form's token: the browser's pre-session cookie, or a new one."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def set_login_csrf(request: Request, response: Response, token: str) -> None:
    """Keep the sign-in form's token in a cookie (double submit)."""
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def login_csrf_ok(request: Request, sent: str) -> bool:
    """True when the sign-in form's token matches the browser's cookie."""
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE)
    return bool(cookie) and secrets.compare_digest(cookie or "", sent)
