"""Home (what is due, late, returned, waiting for me) and the notices inbox."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.services import notices
from muster.services.worklist import worklist
from muster.web.render import render, see_other
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def home_page(request: Request, viewer: SignedIn) -> Response:
    """The user's worklist and latest notices."""
    muster = muster_of(request)
    now = muster.clock()
    with muster.uow() as uow:
        notices.refresh(uow, viewer.user, muster.catalogue, now, muster.settings.smtp_url)
        work = worklist(uow, viewer.user, muster.catalogue, now)
        inbox = notices.inbox(uow, viewer.user)
    context = {"work": work, "due_soon": work.due_within(now), "notices": inbox[:5]}
    return render(request, "home.html", context)


@router.get("/notices", response_class=HTMLResponse)
def notices_page(request: Request, viewer: SignedIn) -> Response:
    """Every notice of the user, newest first."""
    muster = muster_of(request)
    with muster.uow() as uow:
        notices.refresh(
            uow, viewer.user, muster.catalogue, muster.clock(), muster.settings.smtp_url
        )
        inbox = notices.inbox(uow, viewer.user)
    return render(request, "notices.html", {"notices": inbox})


@router.post("/notices/read")
def notices_read(request: Request, viewer: Posted) -> Response:
    """Mark every notice read."""
    muster = muster_of(request)
    with muster.uow() as uow:
        notices.mark_read(uow, viewer.user, muster.clock())
    return see_other("/notices")
