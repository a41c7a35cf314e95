"""API: protection holds (needs `protection`) — who is held now, placing and lifting a hold
with a reason, the matches that wait for a ruling and the ruling, and the hold history. Every
route refuses a token without `protection` alike (403) before it looks for anyone, so no
answer tells whether someone is held; a person outside the token's subtree is absent (404)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from muster.domain.protection import Ruling
from muster.domain.submissions import Entry
from muster.services.people import current_holds
from muster.services.protection import QueueItem, hold_queue, rule_on_match
from muster.services.registry import hold_history, set_hold
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller, Code, Text
from muster.web.api.people import PersonOut, person_out
from muster.web.security import muster_of

router = APIRouter(
    prefix=PREFIX + "/protection", route_class=ApiRoute, tags=["protection"], responses=REFUSALS
)
MatchId = Annotated[int, Path(ge=1, le=2**31 - 1, description="A hold match's id")]


class HoldOut(BaseModel):
    """A person under a protection hold now: since when, why, by whom."""

    person: PersonOut
    reason: str | None
    since: datetime
    by: str


class HoldIn(BaseModel):
    """Place (`hold`, a reason needed) or lift (`release`) a person's protection hold."""

    person_id: Code
    action: Literal["hold", "release"]
    reason: Annotated[Text, Field(max_length=2000)] | None = None


class HoldChangeOut(BaseModel):
    """Whether the person is held now."""

    person_id: str
    held: bool


class MatchOut(BaseModel):
    """A list entry that names, or may name, a held person: how it matched, the ruling so
    far, and where the entry is."""

    id: int
    person_id: str
    kind: str
    ruling: str | None
    call_id: int
    unit: str
    version: int
    entry: Entry


class RulingIn(BaseModel):
    """`confirm`: the entry is the held person (it stays hidden); `clear`: someone else."""

    ruling: Literal["confirm", "clear"]


class RulingOut(BaseModel):
    """The ruling recorded on a match."""

    id: int
    ruling: str


class HoldEventOut(BaseModel):
    """A hold placed or lifted."""

    person_id: str
    action: str
    reason: str | None
    at: datetime
    by: str


def _match(item: QueueItem) -> MatchOut:
    m = item.match
    return MatchOut(
        id=m.id, person_id=m.person_id, kind=m.kind, ruling=m.ruling, call_id=item.call_id,
        unit=item.unit_code, version=item.version,
        entry=item.entry,
    )  # fmt: skip


@router.get("/holds")
def holds(request: Request, user: Caller) -> list[HoldOut]:
    """Everyone under a protection hold now in the token's subtree."""
    with muster_of(request).uow() as uow:
        found = current_holds(uow, user)
    return [HoldOut(person=person_out(h.person), reason=h.reason, since=h.at, by=h.by)
            for h in found]  # fmt: skip


@router.post("/holds")
def change_hold(request: Request, user: Caller, body: HoldIn) -> HoldChangeOut:
    """Place or lift a hold (audited); placing one looks through every list for the person."""
    muster = muster_of(request)
    hold = body.action == "hold"
    reason = (body.reason or "").strip() or None
    with muster.uow() as uow:
        set_hold(uow, user, body.person_id.strip(), hold, reason, muster.clock())
    return HoldChangeOut(person_id=body.person_id.strip(), held=hold)


@router.get("/matches")
def matches(
    request: Request,
    user: Caller,
    everything: Annotated[
        bool, Query(alias="all", description="Every match, ruled or named by id, too")
    ] = False,
) -> list[MatchOut]:
    """Entries of the token's subtree that may name a held person and wait for a ruling."""
    with muster_of(request).uow() as uow:
        return [_match(item) for item in hold_queue(uow, user, everything=everything)]


@router.post("/matches/{match_id}")
def rule(request: Request, user: Caller, match_id: MatchId, body: RulingIn) -> RulingOut:
    """Confirm (it is the held person) or clear (someone else) a match (audited)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        rule_on_match(uow, user, match_id, Ruling(body.ruling), muster.clock())
    return RulingOut(id=match_id, ruling=body.ruling)


@router.get("/history")
def history(request: Request, user: Caller) -> list[HoldEventOut]:
    """Every hold placed and lifted in the token's subtree, newest first."""
    with muster_of(request).uow() as uow:
        found = hold_history(uow, user)
    return [
        HoldEventOut(person_id=pid, action=action, reason=reason, at=at, by=by)
        for pid, action, reason, at, by in reversed(found)
    ]
