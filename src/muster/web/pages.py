"""What the status page shows: every call with completeness and timeliness per unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from muster.bootstrap import Muster
from muster.domain.calls import DUE_LEVELS, Call
from muster.domain.completeness import UnitStatus, summary
from muster.domain.users import User
from muster.services.actors import anonymous_viewer
from muster.services.calls import calls_for
from muster.services.lists import status

LEVELS = tuple(kind.value for kind in DUE_LEVELS)


@dataclass(frozen=True)
class CallView:
    """One call as the status page shows it."""

    call: Call
    rows: list[UnitStatus]
    counts: dict[str, int]
    by_level: dict[str, dict[str, int]]

    @property
    def due(self) -> list[tuple[str, datetime]]:
        """(level, due time) pairs, workplace first."""
        return [(kind.value, self.call.due_for(kind)) for kind in DUE_LEVELS]


def call_views(muster: Muster, viewer: User | None = None) -> list[CallView]:
    """Every call the viewer (default: the anonymous web viewer) may see, with its rows."""
    views: list[CallView] = []
    with muster.uow() as uow:
        viewer = viewer or anonymous_viewer(uow)
        for listed in calls_for(uow, viewer):
            assert listed.id is not None
            call, rows = status(uow, viewer, call_id=listed.id, now=muster.clock())
            views.append(CallView(call, rows, summary(rows), _by_level(rows)))
    return views


def call_status(
    muster: Muster, call_id: int, viewer: User | None = None
) -> list[dict[str, object]]:
    """The SPEC §7 status JSON of one call (the same rows as `muster status --format json`)."""
    with muster.uow() as uow:
        viewer = viewer or anonymous_viewer(uow)
        _call, rows = status(uow, viewer, call_id=call_id, now=muster.clock())
    return [row.as_json() for row in rows]


def _by_level(rows: list[UnitStatus]) -> dict[str, dict[str, int]]:
    """Counts by timeliness for each level (workplace, consulate, mission)."""
    return {level: summary([r for r in rows if r.kind == level]) for level in LEVELS}
