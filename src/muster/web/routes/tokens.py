"""API tokens in the browser: one's own tokens, a new one (its secret shown once), revoke."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import DomainError, NotFound, NotPermitted
from muster.services.tokens import DEFAULT_DAYS, MAX_DAYS, create_token, revoke_token, tokens_of
from muster.services.worklist import scope_units
from muster.web.render import render, see_other
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/tokens", response_class=HTMLResponse)
def tokens_page(request: Request, viewer: SignedIn, done: str = "") -> Response:
    """The user's API tokens and the form to make one."""
    return _page(request, {"done": done})


def _page(request: Request, extra: dict[str, Any], status_code: int = 200) -> Response:
    """The tokens page (with a new secret, a refusal or a notice in `extra`)."""
    muster = muster_of(request)
    user = request.state.viewer.user
    with muster.uow() as uow:
        found = tokens_of(uow, user)
        units = scope_units(uow, user)
    context = {
        "tokens": found, "units": units, "permissions": sorted(p.value for p in user.permissions),
        "default_days": DEFAULT_DAYS, "max_days": MAX_DAYS, "now": muster.clock(), **extra,
    }  # fmt: skip
    page = render(request, "tokens.html", context, status_code=status_code)
    page.headers.update(NO_STORE)
    return page


@router.post("/tokens", response_class=HTMLResponse)
async def token_create(request: Request, viewer: Posted) -> Response:
    """Make a token; the page shows its secret this once."""
    form = await request.form()
    permissions = [p for p in form.getlist("permission") if isinstance(p, str)]
    unit, label, days = (str(form.get(k, "")) for k in ("unit", "label", "days"))
    muster = muster_of(request)
    try:
        with muster.uow() as uow:
            token, secret = create_token(
                uow, viewer.user, unit_code=unit, permissions=permissions, now=muster.clock(),
                expires_days=int(days) if days.strip().isdigit() else -1, label=label,
            )  # fmt: skip
    except DomainError as error:
        if isinstance(error, NotPermitted | NotFound):
            raise
        return _page(request, {"refusal": str(error)}, 400)
    return _page(request, {"created": token, "secret": secret})


@router.post("/tokens/{token_id}/revoke")
def token_revoke(request: Request, viewer: Posted, token_id: int) -> Response:
    """Revoke one of the user's tokens."""
    muster = muster_of(request)
    with muster.uow() as uow:
        revoke_token(uow, viewer.user, token_id, muster.clock())
    return see_other("/tokens?done=revoked")
