"""Use case: the travel manifest of a saved rotation plan, naming whom the viewer may see.

A plan holds ids only (a registry `person_id`, a consolidation cluster id for a person no
list linked to the registry, a `replacement_id`). To book travel the manifest needs names
in Latin letters and Hangul, birth date and passport: the registry gives them for linked
persons, the person's list entries for the others, the pool for replacements. The access
policy decides which moves the viewer may see: only workplaces in their subtree, and never
a person under a protection hold (or who may be) without the `protection` permission.
Every export is a read of personal data and is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from muster.domain.access import in_scope, sees_held
from muster.domain.consolidation import ConsolidatedPerson
from muster.domain.people import Person
from muster.domain.submissions import Entry
from muster.domain.units import UnitTree
from muster.domain.users import User
from muster.planning.result import Move, Plan
from muster.reports.manifest import ManifestRow
from muster.store.uow import UnitOfWork


def manifest_rows(
    uow: UnitOfWork,
    actor: User,
    plan: Plan,
    *,
    plan_id: int | None = None,
    persons: Sequence[ConsolidatedPerson] = (),
) -> list[ManifestRow]:
    """Every move of `plan` the actor may see, with the traveller's identity; audited.

    `persons` are the consolidated persons the plan was built from (their ids are the
    returnees' ids); a returnee not among them is looked up in the registry only.
    """
    tree = uow.units.tree()
    by_id = {p.person_id or p.cluster_id: p for p in persons}
    hidden = _hidden(uow, actor, by_id.values())
    moves = [m for m in plan.moves if in_scope(actor, tree, m.workplace) and m.person not in hidden]
    rows = _returnee_rows(uow, tree, [m for m in moves if m.direction == "home"], by_id)
    rows += _replacement_rows(uow, tree, [m for m in moves if m.direction == "out"])
    uow.audit.record(
        actor.name, "export_manifest", "plan", str(plan_id) if plan_id else "unsaved", None,
        {"rows": len(rows)},
    )  # fmt: skip
    uow.commit()
    return rows


def _hidden(uow: UnitOfWork, actor: User, persons: Iterable[ConsolidatedPerson]) -> set[str]:
    """Ids the actor may not see: held registry persons and persons that (may) match one."""
    if sees_held(actor):
        return set()
    return uow.holds.held() | {p.person_id or p.cluster_id for p in persons if p.held}


def _returnee_rows(
    uow: UnitOfWork, tree: UnitTree, moves: list[Move], by_id: dict[str, ConsolidatedPerson]
) -> list[ManifestRow]:
    """Returnees named from the registry when linked to it, else from their list entries."""
    workplaces = {m.workplace for m in moves}
    rosters = {w: {p.person_id: p for p in uow.people.roster(w)} for w in workplaces}
    rows: list[ManifestRow] = []
    for move in moves:
        consolidated = by_id.get(move.person)
        registry_id = consolidated.person_id if consolidated else move.person
        who: Person | Entry | None = None
        if registry_id:
            who = rosters[move.workplace].get(registry_id) or uow.people.get(registry_id)
        if who is None and consolidated is not None:
            who = consolidated.entry
        rows.append(_named(move, who, _workplace_name(tree, move.workplace)))
    return rows


def _named(move: Move, who: Person | Entry | None, place: str | None) -> ManifestRow:
    """A row naming the traveller from a registry person or a list entry (or ids only)."""
    if who is None:
        return ManifestRow(move, workplace_name=place)
    return ManifestRow(
        move, who.family_name, who.given_name, who.name_native, who.date_of_birth,
        who.passport_no, place,
    )  # fmt: skip


def _replacement_rows(uow: UnitOfWork, tree: UnitTree, moves: list[Move]) -> list[ManifestRow]:
    """Replacements named from the pool (which records no passport)."""
    pool = {r.replacement_id: r for r in uow.rotation.replacements()} if moves else {}
    rows: list[ManifestRow] = []
    for move in moves:
        place = _workplace_name(tree, move.workplace)
        r = pool.get(move.person)
        if r is None:
            rows.append(ManifestRow(move, workplace_name=place))
            continue
        rows.append(
            ManifestRow(
                move, r.family_name, r.given_name, r.name_native, r.date_of_birth, None, place
            )
        )
    return rows


def _workplace_name(tree: UnitTree, code: str) -> str | None:
    """The workplace's name, or None for a code the tree does not know."""
    return tree.get(code).name if code in tree else None
