"""Calls for lists: who issues, to which subtree, for which categories, due when per level."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from enum import StrEnum

from muster.domain.categories import Catalogue
from muster.domain.errors import DomainError
from muster.domain.units import UnitKind, UnitTree

# The levels a call's deadline can be set for; headquarters issues, it does not submit.
DUE_LEVELS: tuple[UnitKind, ...] = (UnitKind.WORKPLACE, UnitKind.CONSULATE, UnitKind.MISSION)


class Timeliness(StrEnum):
    """Whether a unit reported by its level's due time."""

    PENDING = "pending"  # nothing yet, and the due time has not passed
    ON_TIME = "on_time"
    LATE = "late"
    MISSING = "missing"


@dataclass(frozen=True)
class Call:
    """A call for lists issued by a unit to a subtree."""

    id: int | None
    title: str
    issued_by: str
    scope: str
    categories: tuple[str, ...]
    due: Mapping[UnitKind, datetime]
    issued_at: datetime
    instructions: str = ""
    issued_by_user: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def due_for(self, kind: UnitKind) -> datetime:
        """The due time for units of this kind."""
        return self.due[kind]


def parse_datetime(text: str, zone: tzinfo = UTC) -> datetime:
    """ISO 8601 date-time, returned in UTC. Without an offset it is in `zone`: UTC on the
    command line (SPEC §7), the organisation's time zone on web forms. A bare date means
    00:00 there."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(
            f"{text!r} is not a date-time; expected ISO 8601 such as 2021-07-24T18:00:00+09:00"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone)
    return value.astimezone(UTC)


def parse_due_options(values: Iterable[str]) -> dict[UnitKind, datetime]:
    """`--due DT` for every level and `--due KIND=DT` overrides; every level must end up set."""
    base: datetime | None = None
    overrides: dict[UnitKind, datetime] = {}
    for raw in values:
        kind_text, sep, when = raw.partition("=")
        if not sep:
            base = parse_datetime(raw)
            continue
        try:
            kind = UnitKind(kind_text.strip())
        except ValueError:
            kind = UnitKind.HEADQUARTERS
        if kind not in DUE_LEVELS:
            levels = ", ".join(k.value for k in DUE_LEVELS)
            raise DomainError(f"--due {raw!r}: unknown level {kind_text!r}; expected {levels}")
        overrides[kind] = parse_datetime(when)
    due = {kind: overrides.get(kind, base) for kind in DUE_LEVELS}
    missing = [k.value for k, v in due.items() if v is None]
    if missing:
        raise DomainError(f"no due time for {', '.join(missing)}; give --due DATETIME")
    return {k: v for k, v in due.items() if v is not None}


def check_call(call: Call, tree: UnitTree, catalogue: Catalogue) -> None:
    """Refuse a call whose scope, categories or deadlines make no sense."""
    issuer = tree.get(call.issued_by)
    tree.get(call.scope)
    if not tree.is_within(call.scope, issuer.code):
        raise DomainError(f"scope {call.scope!r} is not within the issuing unit {issuer.code!r}")
    if issuer.kind is UnitKind.WORKPLACE:
        raise DomainError("a workplace cannot issue a call for lists")
    if not call.categories:
        raise DomainError("a call needs at least one category")
    for code in call.categories:
        catalogue.category(code)
    order = [call.due[k] for k in DUE_LEVELS]
    if order != sorted(order):
        raise DomainError(
            "deadlines must not run backwards: workplace <= consulate <= mission "
            f"(got {', '.join(f'{k.value}={call.due[k].isoformat()}' for k in DUE_LEVELS)})"
        )


_ON_TIME, _LATE, _MISSING = Timeliness.ON_TIME, Timeliness.LATE, Timeliness.MISSING
_PENDING = Timeliness.PENDING


def timeliness(
    first_submitted_at: datetime | None, due: datetime, now: datetime | None = None
) -> Timeliness:
    """On time when submitted at or before the due time; one second later is late.

    Nothing submitted is `pending` while the due time has not passed at `now`, and
    `missing` after it (or when no moment is given).
    """
    if first_submitted_at is None:
        return _PENDING if now is not None and now <= due else _MISSING
    return _ON_TIME if first_submitted_at <= due else _LATE
