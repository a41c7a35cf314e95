"""Completeness and timeliness of a call: who reported, on time or late, and who is missing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from muster.domain.calls import Call, Timeliness, timeliness
from muster.domain.submissions import Submission
from muster.domain.units import UnitTree
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
    """Status of every expected unit the viewer may see, as it stood at `at` (default: now)."""
    visible = None if viewer.is_operator else _subtree_codes(tree, viewer.unit_code)
    rows: list[UnitStatus] = []
    for unit in tree.subtree(call.scope):
        if unit.code == call.issued_by or (visible is not None and unit.code not in visible):
            continue
        submission = submissions.get(unit.code)
        if submission is not None and at is not None:
            submission = submission.as_of(at)
        first = submission.first_submitted_at if submission else None
        rows.append(
            UnitStatus(
                unit=unit.code,
                name=unit.name,
                kind=unit.kind.value,
                parent=unit.parent_code,
                state=submission.state.value if submission and submission.state else NOT_SUBMITTED,
                submitted_at=first,
                timeliness=timeliness(first, call.due_for(unit.kind)),
                entries=_entry_count(submission) if submission else 0,
            )
        )
    return rows


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


def _entry_count(submission: Submission) -> int:
    """Entries in the latest version: a workplace's list, or the lists a forward carried."""
    version = submission.latest_version
    return version.entry_count if version else 0
