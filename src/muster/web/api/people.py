"""API: the registry of people — search by any spelling, passport or person_id, and one
person's record (deployments, the lists that named them as the token may see them). A person
under a protection hold exists only for a token with `protection`; both reads are audited."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel

from muster.domain.people import Deployment, Person
from muster.domain.submissions import Entry
from muster.services.people import Found, Mention, person_page, search_people
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["people"], responses=REFUSALS)
PersonId = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[^\x00/]+$", description="A person_id")
]
SearchText = Annotated[
    str,
    Query(
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="A name in any script or romanisation, a passport number or a person_id",
    ),
]


class PersonOut(BaseModel):
    """A person of the registry."""

    person_id: str
    family_name: str
    given_name: str
    name_native: str | None
    date_of_birth: date | None
    sex: str | None
    passport_no: str | None


class FoundOut(BaseModel):
    """A person a search found, the workplaces of the token's subtree they are deployed at,
    and whether they are under a protection hold (only ever true with `protection`)."""

    person: PersonOut
    workplaces: list[str]
    held: bool


class DeploymentOut(BaseModel):
    """A person at a workplace."""

    workplace: str
    role: str
    purpose: str
    arrived: date | None
    permit_expires: date | None
    end_date: date | None


class MentionOut(BaseModel):
    """A list that named the person: call, unit, version, section and the entry as seen."""

    call_id: int
    call_title: str
    unit: str
    version: int
    section: str
    entry: Entry


class RecordOut(BaseModel):
    """A person as the token may know them."""

    person: PersonOut
    deployments: list[DeploymentOut]
    held: bool
    mentions: list[MentionOut]


def person_out(person: Person) -> PersonOut:
    """A registry person as the API shows them."""
    return PersonOut.model_validate(person, from_attributes=True)


def _found(found: Found) -> FoundOut:
    return FoundOut(
        person=person_out(found.person), workplaces=list(found.workplaces), held=found.held
    )


def _deployment(d: Deployment) -> DeploymentOut:
    return DeploymentOut(
        workplace=d.workplace_code, role=d.role.value, purpose=d.purpose.value,
        arrived=d.arrived, permit_expires=d.permit_expires, end_date=d.end_date,
    )  # fmt: skip


def _mention(m: Mention) -> MentionOut:
    entry = m.entry
    return MentionOut(
        call_id=m.call_id, call_title=m.call_title, unit=m.unit_code, version=m.version,
        section=m.section, entry=entry,
    )  # fmt: skip


@router.get("/people")
def search(request: Request, user: Caller, q: SearchText = "") -> list[FoundOut]:
    """Registered persons of the token's subtree the query names ("Kim Chol Su", "Gim
    Cheol-su", "김철수" and "金哲洙" find the same person); an audited read."""
    if not q.strip():
        return []
    muster = muster_of(request)
    with muster.uow() as uow:
        return [_found(f) for f in search_people(uow, user, q, muster.clock())]


@router.get("/people/{person_id}")
def record(request: Request, user: Caller, person_id: PersonId) -> RecordOut:
    """A person of the token's subtree: identity, deployments and the lists that named them,
    each entry as the token may see it (an audited read)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        page = person_page(uow, user, muster.catalogue, person_id, muster.clock())
    return RecordOut(
        person=person_out(page.person),
        deployments=[_deployment(d) for d in page.deployments],
        held=page.held,
        mentions=[_mention(m) for m in page.mentions],
    )
