"""The registry: search by any spelling, a person's page; with it the protection officer's
page, the audit log and user administration (one router for the app to include)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.services.people import person_page, search_people
from muster.web.render import render
from muster.web.routes import audit, protection, users
from muster.web.security import SignedIn, muster_of

router = APIRouter()
for part in (protection, audit, users):
    router.include_router(part.router)


@router.get("/people", response_class=HTMLResponse)
def people_page(request: Request, viewer: SignedIn, q: str = "") -> Response:
    """Search the registry of one's subtree by name in any script, passport or person_id."""
    muster = muster_of(request)
    found = None
    if q.strip():
        with muster.uow() as uow:
            found = search_people(uow, viewer.user, q, muster.clock())
    return render(request, "people.html", {"q": q, "found": found})


@router.get("/people/{person_id}", response_class=HTMLResponse)
def person(request: Request, viewer: SignedIn, person_id: str) -> Response:
    """A person: identity, deployments, the lists that named them (an audited read)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        page = person_page(uow, viewer.user, muster.catalogue, person_id, muster.clock())
    return render(request, "person.html", {"page": page})
