"""Use case: issue a call for lists."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from muster.domain.access import require_permission, require_scope
from muster.domain.calls import Call, check_call
from muster.domain.categories import Catalogue
from muster.domain.units import UnitKind, UnitTree
from muster.domain.users import Permission, User
from muster.store.uow import UnitOfWork


def issue_call(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    by: str,
    scope: str,
    categories: Sequence[str],
    due: dict[UnitKind, datetime],
    title: str,
    now: datetime,
    instructions: str = "",
) -> int:
    """Issue a call from unit `by` to the subtree `scope`; returns the call id."""
    require_permission(actor, Permission.REVIEW)
    tree = uow.units.tree()
    tree.get(by)
    require_scope(actor, tree, by)
    call = Call(
        id=None,
        title=title,
        issued_by=by,
        scope=scope,
        categories=tuple(dict.fromkeys(c.strip() for c in categories if c.strip())),
        due=due,
        issued_at=now,
        instructions=instructions,
        issued_by_user=actor.name,
    )
    check_call(call, tree, catalogue)
    call_id = uow.calls.add(call)
    uow.audit.record(
        actor.name,
        "issue_call",
        "call",
        str(call_id),
        None,
        {
            "title": title,
            "by": by,
            "scope": scope,
            "categories": list(call.categories),
            "due": {k.value: v for k, v in due.items()},
        },
    )
    uow.commit()
    return call_id


def calls_for(uow: UnitOfWork, actor: User) -> list[Call]:
    """Every call the actor may see (its scope and the actor's subtree meet), newest first."""
    tree = uow.units.tree()
    return [c for c in uow.calls.all() if c.id is not None and _touches(actor, tree, c)]


def _touches(actor: User, tree: UnitTree, call: Call) -> bool:
    """True when the call's scope and the actor's subtree meet."""
    unit = actor.unit_code
    if actor.is_operator:
        return True
    if unit is None or unit not in tree:
        return False
    return tree.is_within(unit, call.scope) or tree.is_within(call.scope, unit)
