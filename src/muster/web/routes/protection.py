"""The protection officer's page: holds now, matches to rule on, hold history."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import DomainError
from muster.domain.protection import MatchKind, Ruling
from muster.services.people import current_holds
from muster.services.protection import QueueItem, hold_queue, rule_on_match
from muster.services.registry import hold_history, set_hold
from muster.web.render import render, see_other
from muster.web.security import Posted, SignedIn, muster_of

router = APIRouter()
Text = Annotated[str, Form()]


@router.get("/protection", response_class=HTMLResponse)
def protection_page(request: Request, viewer: SignedIn, done: str = "") -> Response:
    """Holds in the officer's subtree, entries that may name a held person, the history."""
    with muster_of(request).uow() as uow:
        every = hold_queue(uow, viewer.user, everything=True)
        context = {
            "holds": current_holds(uow, viewer.user),
            "queue": [item for item in every if _waiting(item)],
            "ruled": [item for item in reversed(every) if item.match.ruling],
            "history": list(reversed(hold_history(uow, viewer.user))),
            "done": done,
        }
    return render(request, "protection.html", context)


def _waiting(item: QueueItem) -> bool:
    """A match a protection officer has yet to rule on (a list naming the id needs none)."""
    return item.match.ruling is None and item.match.kind != MatchKind.PERSON_ID.value


@router.post("/protection/holds")
def hold_post(
    request: Request, viewer: Posted, person_id: Text, action: Text, reason: Text = ""
) -> Response:
    """Place (`hold`) or lift (`release`) a protection hold, with a reason."""
    muster = muster_of(request)
    with muster.uow() as uow:
        set_hold(
            uow, viewer.user, person_id.strip(), action == "hold", reason.strip() or None,
            muster.clock(),
        )  # fmt: skip
    return see_other(f"/protection?done={'hold' if action == 'hold' else 'release'}")


@router.post("/protection/matches/{match_id}")
def rule_post(request: Request, viewer: Posted, match_id: int, ruling: Text) -> Response:
    """Confirm (it is the held person) or clear (someone else) a possible match."""
    if ruling not in {r.value for r in Ruling}:
        raise DomainError(f"unknown ruling {ruling!r}: confirm or clear")
    muster = muster_of(request)
    with muster.uow() as uow:
        rule_on_match(uow, viewer.user, match_id, Ruling(ruling), muster.clock())
    return see_other(f"/protection?done={ruling}")
