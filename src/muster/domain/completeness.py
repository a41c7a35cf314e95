"""Completeness and timeliness of a call: who reported, on time or late, and who is missing."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from muster.domain.calls import Call, Timeliness, timeliness
from muster.domain.submissions import (
    NOTHING_SUBMITTED,
    Submission,
    SubmissionState,
    SubmissionSummary,
)
from muster.domain.units import Unit, UnitKind, UnitTree
from muster.domain.users import User

NOT_SUBMITTED = "not_submitted"


@dataclass(frozen=True)
class UnitStatus:
    """One expected unit's standing for a call (SPEC §7 `status` JSON row)."""

    unit: str
    name: str
    kind: str
    parent: str | None
    state: str
    submitted_at: datetime | None
    timeliness: Timeliness
    entries: int
    reason: str | None = None  # why the list was returned, while it is returned

    def as_json(self) -> dict[str, object]:
        """The SPEC §7 JSON shape (plus name and parent for people reading it)."""
        return {
            "unit": self.unit,
            "name": self.name,
            "kind": self.kind,
            "parent": self.parent,
            "state": self.state,
            "submitted_at": self.submitted_at.isoformat() if self.submitted_at else None,
            "timeliness": self.timeliness.value,
            "entries": self.entries,
            "reason": self.reason,
        }


def expected_units(call: Call, tree: UnitTree) -> list[str]:
    """Units that owe a list or a forward: the call's scope subtree except the issuer."""
    return [u.code for u in tree.subtree(call.scope) if u.code != call.issued_by]


def completeness(
    call: Call,
    tree: UnitTree,
    submissions: Mapping[str, Submission],
    viewer: User,
    at: datetime | None = None,
) -> list[UnitStatus]:
    """Status of every expected unit the viewer may see, as it stood at `at` (default: now).

    From fully loaded submissions: the reference for the store's aggregated summaries, which
    give the same rows without loading every version and event (`services.lists.status`).
    """
    summaries = {code: s.summary(at) for code, s in submissions.items()}
    return unit_statuses(call, tree, summaries, viewer, at)


def unit_statuses(
    call: Call,
    tree: UnitTree,
    summaries: Mapping[str, SubmissionSummary],
    viewer: User,
    now: datetime | None = None,
    only: Collection[str] | None = None,
) -> list[UnitStatus]:
    """Status of every expected unit the viewer may see at `now`, from submission summaries.

    A unit without a summary has submitted nothing. This loop runs over every unit of the
    scope (10,000 in the SPEC §8 target), so it reads plain values and looks enums up once.
    With `only`, just those of these units (a page about one unit), without walking the tree.
    """
    visible = _visible(tree, viewer, only)
    kinds = {kind: kind.value for kind in UnitKind}
    states: dict[SubmissionState | None, str] = {s: s.value for s in SubmissionState}
    states[None] = NOT_SUBMITTED
    rows: list[UnitStatus] = []
    for unit in _expected(call, tree, only):
        if unit.code == call.issued_by or (visible is not None and unit.code not in visible):
            continue
        summary = summaries.get(unit.code, NOTHING_SUBMITTED)
        first = summary.first_submitted_at
        rows.append(
            UnitStatus(
                unit=unit.code,
                name=unit.name,
                kind=kinds[unit.kind],
                parent=unit.parent_code,
                state=states[summary.state],
                submitted_at=first,
                timeliness=timeliness(first, call.due_for(unit.kind), now),
                entries=summary.entries,
                reason=summary.reason,
            )
        )
    return rows


def _expected(call: Call, tree: UnitTree, only: Collection[str] | None) -> list[Unit]:
    """The call's scope subtree, or the units of `only` inside it, in the order given."""
    if only is None:
        return tree.subtree(call.scope)
    return [tree.get(c) for c in only if c in tree and tree.is_within(c, call.scope)]


def _visible(tree: UnitTree, viewer: User, only: Collection[str] | None) -> set[str] | None:
    """Codes the viewer may see among those asked for (None: the operator sees every unit)."""
    if viewer.is_operator:
        return None
    if only is None:
        return _subtree_codes(tree, viewer.unit_code)
    root = viewer.unit_code
    if root is None or root not in tree:
        return set()
    return {c for c in only if c in tree and tree.is_within(c, root)}


def _subtree_codes(tree: UnitTree, root: str | None) -> set[str]:
    """Codes of a unit's subtree (empty for an unknown unit)."""
    if root is None or root not in tree:
        return set()
    return {u.code for u in tree.subtree(root)}


def summary(rows: list[UnitStatus]) -> dict[str, int]:
    """Counts by timeliness, for the headline of a status view."""
    counts = {t.value: 0 for t in Timeliness}
    for row in rows:
        counts[row.timeliness.value] += 1
    counts["expected"] = len(rows)
    return counts
