"""What waits for whom: a user's due and late lists, lists returned to them, lists to review.

Read-only views over the same services as the command line (calls_for, status); every unit
shown lies in the user's subtree, and counts leave out what the user may not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from muster.domain.access import require_scope, units_in_scope
from muster.domain.calls import Call
from muster.domain.categories import Catalogue
from muster.domain.completeness import NOT_SUBMITTED, UnitStatus
from muster.domain.submissions import SubmissionEvent
from muster.domain.units import Unit, UnitKind
from muster.domain.users import Permission, User
from muster.services.calls import calls_for
from muster.services.lists import status
from muster.store.uow import UnitOfWork

DUE_SOON = timedelta(hours=48)
OWED = (NOT_SUBMITTED, "draft", "returned")  # states in which a unit still owes its list


@dataclass(frozen=True)
class Owed:
    """A list the user's unit owes for a call: when it is due, and why it came back."""

    call: Call
    unit: UnitStatus
    due: datetime
    late: bool
    reason: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class ToReview:
    """A child unit's list waiting for the user's review (`version` > 1: a correction)."""

    call: Call
    unit: UnitStatus
    version: int


@dataclass(frozen=True)
class Worklist:
    """Everything the home page lists for one user."""

    owed: list[Owed]
    to_review: list[ToReview]

    @property
    def late(self) -> list[Owed]:
        """Owed lists past their due time."""
        return [o for o in self.owed if o.late]

    @property
    def returned(self) -> list[Owed]:
        """Lists returned to the user's unit, with the reviewer's reason."""
        return [o for o in self.owed if o.unit.state == "returned"]

    def due_within(self, now: datetime, window: timedelta = DUE_SOON) -> list[Owed]:
        """Owed lists due within the window and not yet late."""
        return [o for o in self.owed if not o.late and o.due - now <= window]


def worklist(uow: UnitOfWork, actor: User, catalogue: Catalogue, now: datetime) -> Worklist:
    """The user's own unit's owed lists and their child units' lists to review, every call."""
    owed: list[Owed] = []
    to_review: list[ToReview] = []
    for call in calls_for(uow, actor):
        assert call.id is not None
        _call, rows = status(uow, actor, catalogue, call_id=call.id, now=now)
        for row in rows:
            if row.unit == actor.unit_code and row.state in OWED:
                owed.append(_owed(uow, call, row, now))
            elif _reviews(actor, row):
                versions = uow.submissions.load(call.id, row.unit).versions
                to_review.append(ToReview(call, row, len(versions)))
    return Worklist(owed, to_review)


def _reviews(actor: User, row: UnitStatus) -> bool:
    """A submitted list of a direct child of the user's unit, for a user who reviews."""
    return (
        actor.has(Permission.REVIEW)
        and row.parent == actor.unit_code
        and (row.state == "submitted")
    )


def _owed(uow: UnitOfWork, call: Call, row: UnitStatus, now: datetime) -> Owed:
    """One owed list with its due time and, when returned, the reason."""
    due = call.due_for(UnitKind(row.kind))
    reason = version = None
    if row.state == "returned":
        assert call.id is not None
        last = uow.submissions.load(call.id, row.unit).events[-1]
        reason, version = last.reason, last.version
    return Owed(call, row, due, now > due, reason, version)


def history(uow: UnitOfWork, actor: User, *, call_id: int, unit_code: str) -> list[SubmissionEvent]:
    """Every state change of a unit's list for a call (who, when, why), oldest first."""
    require_scope(actor, uow.units.tree(), unit_code)
    uow.calls.get(call_id)
    return list(uow.submissions.load(call_id, unit_code).events)


def scope_units(uow: UnitOfWork, actor: User, kinds: set[UnitKind] | None = None) -> list[Unit]:
    """The units of the user's subtree (some kinds only), tree order."""
    tree = uow.units.tree()
    visible = units_in_scope(actor, tree)
    top = tree.headquarters()
    root = actor.unit_code or (top.code if top else None)
    if root is None or root not in tree:
        return []
    return [u for u in tree.subtree(root) if u.code in visible and (not kinds or u.kind in kinds)]
