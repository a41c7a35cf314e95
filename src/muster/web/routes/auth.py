"""Sign in, sign out (here or everywhere), and the reader's language."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import DomainError
from muster.services.accounts import SignInRefused, set_language, sign_in, sign_out
from muster.web.render import render, see_other
from muster.web.security import (
    Posted,
    clear_session_cookie,
    client_address,
    login_csrf,
    login_csrf_ok,
    muster_of,
    set_login_csrf,
    set_session_cookie,
)

router = APIRouter()
Text = Annotated[str, Form()]


def _safe_next(target: str) -> str:
    """Only a path of this site after sign-in (never another host)."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/") -> Response:
    """The sign-in form."""
    return _form(request, next, "", 200)


def _form(request: Request, target: str, error: str, status: int) -> Response:
    """The sign-in form with its pre-session CSRF token."""
    token = login_csrf(request)
    response = render(
        request,
        "sign_in.html",
        {"next": _safe_next(target), "error": error, "login_csrf": token},
        status_code=status,
    )
    set_login_csrf(request, response, token)
    return response


@router.post("/sign-in")
def sign_in_post(
    request: Request, name: Text, password: Text, csrf_token: Text, next: Text = "/"
) -> Response:
    """Check the password; on success a session cookie and the page asked for."""
    if not login_csrf_ok(request, csrf_token):
        return _form(request, next, "form_expired", 403)
    muster = muster_of(request)
    try:
        with muster.uow() as uow:
            token, _viewer = sign_in(uow, name, password, client_address(request), muster.clock())
    except SignInRefused as refused:
        locked = "too many" in str(refused)
        return _form(request, next, "locked" if locked else "wrong", 429 if locked else 401)
    response = see_other(_safe_next(next))
    set_session_cookie(request, response, token)
    return response


@router.post("/sign-out")
def sign_out_post(request: Request, viewer: Posted, everywhere: Text = "") -> Response:
    """End this session (or every session of the user) and go to the sign-in page."""
    with muster_of(request).uow() as uow:
        sign_out(uow, viewer, everywhere=bool(everywhere))
    response = see_other("/sign-in")
    clear_session_cookie(response)
    return response


@router.post("/language")
def language_post(request: Request, viewer: Posted, language: Text, back: Text = "/") -> Response:
    """Read the pages in another language from now on."""
    muster = muster_of(request)
    try:
        with muster.uow() as uow:
            set_language(uow, viewer.user, language, muster.clock())
    except DomainError:
        pass  # an unknown language changes nothing
    return see_other(_safe_next(back))
