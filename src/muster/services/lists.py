"""Use cases of the call-for-lists loop: submit, review, forward, status, read and compare lists."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import polars as pl

from muster.domain.calls import Call
from muster.domain.categories import Catalogue
from muster.domain.completeness import UnitStatus, expected_units, unit_statuses
from muster.domain.errors import DomainError, NotFound, NotPermitted
from muster.domain.submissions import (
    Action,
    Entry,
    EntryChange,
    Submission,
    SubmissionState,
    Version,
    diff_entries,
)
from muster.domain.units import UnitKind, UnitTree
from muster.domain.users import Permission, User, require_permission, require_scope
from muster.domain.visibility import visible_entries
from muster.intake import IntakeRejected, Limits, RowWarning, read_list
from muster.intake.archive import FileArchive
from muster.store.files import ReceivedFile
from muster.store.uow import UnitOfWork

MAX_LINK_WARNINGS = 100  # a list of unknown ids is reported by example, not row by row


@dataclass(frozen=True)
class SubmitOutcome:
    """What happened to a submitted file."""

    version: int
    entries: int
    duplicate: bool = False
    warnings: list[RowWarning] = field(default_factory=list)


def _call_for(uow: UnitOfWork, actor: User, call_id: int) -> tuple[Call, UnitTree]:
    """The call and tree, refusing users whose subtree the call does not touch."""
    call = uow.calls.get(call_id)
    tree = uow.units.tree()
    if actor.is_operator:
        return call, tree
    unit = actor.unit_code or ""
    if not (tree.is_within(unit, call.scope) or tree.is_within(call.scope, unit)):
        raise NotFound(f"no call {call_id}")
    return call, tree


def _expected_unit(call: Call, tree: UnitTree, unit_code: str) -> None:
    """Refuse a unit the call does not ask anything of."""
    tree.get(unit_code)
    if unit_code not in expected_units(call, tree):
        raise DomainError(f"unit {unit_code!r} is not asked for a list by call {call.id}")


def submit_list(
    uow: UnitOfWork,
    actor: User,
    archive: FileArchive,
    *,
    call_id: int,
    unit_code: str,
    data: bytes,
    filename: str,
    limits: Limits,
    now: datetime,
) -> SubmitOutcome:
    """Keep the file, validate it whole, and store it as a new version of the unit's list."""
    call, tree = _call_for(uow, actor, call_id)
    require_permission(actor, Permission.SUBMIT)
    require_scope(actor, tree, unit_code)
    _expected_unit(call, tree, unit_code)
    if tree.get(unit_code).kind is not UnitKind.WORKPLACE:
        raise DomainError(f"{unit_code!r} is not a workplace; it passes lists on with `forward`")
    sha = archive.put(data)
    received = ReceivedFile(
        None, sha, len(data), filename, "list", now, actor.name, call_id, unit_code, "accepted"
    )
    try:
        parsed = read_list(data, filename, call.categories, limits)
    except IntakeRejected as rejected:
        _keep_rejected(uow, replace(received, outcome="rejected", reasons=rejected.to_json()))
        raise
    submission = uow.submissions.load(call_id, unit_code)
    latest = submission.latest_version
    if latest is not None and latest.content_sha256 == sha:
        return _resubmit_same(uow, actor, submission, replace(received, outcome="duplicate"), now)
    frame, warnings = _link_entries(uow, parsed.frame)
    event = submission.transition(Action.SUBMIT, actor.name, now)
    version = Version(event.version or 1, now, actor.name, frame.height, sha)
    file_id = uow.files.add(received)
    version_id = uow.submissions.add_version(call_id, unit_code, version, received_file_id=file_id)
    uow.submissions.add_entries(version_id, frame)
    uow.submissions.add_event(call_id, unit_code, event)
    uow.audit.record(
        actor.name,
        "submit",
        "submission",
        f"{call_id}/{unit_code}",
        {"state": submission.state.value if submission.state else None},
        {
            "state": event.state.value,
            "version": version.number,
            "entries": frame.height,
            "sha256": sha,
        },
    )
    uow.commit()
    return SubmitOutcome(version.number, frame.height, warnings=[*parsed.warnings, *warnings])


def _resubmit_same(
    uow: UnitOfWork, actor: User, submission: Submission, received: ReceivedFile, now: datetime
) -> SubmitOutcome:
    """The same bytes again: no new version; a returned or draft list goes back for review."""
    latest = submission.latest_version
    assert latest is not None
    file_id = uow.files.add(received)
    uow.audit.record(actor.name, "submit_duplicate", "received_file", str(file_id))
    if submission.state in (SubmissionState.RETURNED, SubmissionState.DRAFT):
        event = submission.transition(Action.SUBMIT, actor.name, now, new_version=False)
        uow.submissions.add_event(submission.call_id, submission.unit_code, event)
    uow.commit()
    return SubmitOutcome(latest.number, latest.entry_count, duplicate=True)


def _keep_rejected(uow: UnitOfWork, received: ReceivedFile) -> None:
    """Record a rejected file (its bytes are already archived) in a transaction of its own."""
    file_id = uow.files.add(received)
    uow.audit.record(
        received.sender,
        "reject_file",
        "received_file",
        str(file_id),
        None,
        {"sha256": received.sha256, "errors": len(received.reasons or [])},
    )
    uow.commit()


def _link_entries(uow: UnitOfWork, frame: pl.DataFrame) -> tuple[pl.DataFrame, list[RowWarning]]:
    """Unlink unknown person ids: each is a warning and its entry stays unlinked (SPEC §5)."""
    given = frame.filter(pl.col("person_id").is_not_null())
    known = uow.people.existing_ids(given["person_id"].unique().to_list())
    unknown = given.filter(~pl.col("person_id").is_in(list(known)))
    warnings = [
        RowWarning(row, "person_id", pid, "not in the registry; entry unlinked")
        for row, pid in unknown.head(MAX_LINK_WARNINGS).select("row", "person_id").iter_rows()
    ]
    if unknown.height > MAX_LINK_WARNINGS:
        more = unknown.height - MAX_LINK_WARNINGS
        warnings.append(RowWarning(0, "person_id", "", f"{more:,} more unknown person ids"))
    if unknown.height:
        cleared = pl.when(pl.col("person_id").is_in(list(known))).then(pl.col("person_id"))
        frame = frame.with_columns(cleared.otherwise(None).alias("person_id"))
    return frame, warnings


def review(
    uow: UnitOfWork,
    actor: User,
    *,
    call_id: int,
    unit_code: str,
    accept: bool,
    reason: str | None,
    now: datetime,
) -> str:
    """Accept or return a child unit's submitted list; returns the new state."""
    call, tree = _call_for(uow, actor, call_id)
    require_permission(actor, Permission.REVIEW)
    require_scope(actor, tree, unit_code)
    _expected_unit(call, tree, unit_code)
    if not actor.is_operator and actor.unit_code == unit_code:
        raise NotPermitted("a unit cannot review its own list; its parent unit reviews it")
    submission = uow.submissions.load(call_id, unit_code)
    event = submission.transition(
        Action.ACCEPT if accept else Action.RETURN, actor.name, now, reason
    )
    uow.submissions.add_event(call_id, unit_code, event)
    uow.audit.record(
        actor.name,
        "accept" if accept else "return",
        "submission",
        f"{call_id}/{unit_code}",
        {"state": submission.state.value if submission.state else None},
        {"state": event.state.value, "version": event.version, "reason": reason},
    )
    uow.commit()
    return event.state.value


def forward(uow: UnitOfWork, actor: User, *, call_id: int, unit_code: str, now: datetime) -> int:
    """Pass a unit's accepted child lists up to its parent as a new version; returns entries."""
    call, tree = _call_for(uow, actor, call_id)
    require_permission(actor, Permission.REVIEW)
    require_scope(actor, tree, unit_code)
    _expected_unit(call, tree, unit_code)
    if tree.get(unit_code).kind is UnitKind.WORKPLACE:
        raise DomainError(
            f"{unit_code!r} is a workplace: its accepted list goes up when its parent forwards"
        )
    children = [c.code for c in tree.children(unit_code)]
    loaded = uow.submissions.load_all(call_id, children)
    accepted = {c: s for c, s in loaded.items() if s.accepted_version() is not None}
    if not accepted:
        raise DomainError(f"{unit_code!r} has no accepted list to forward for call {call_id}")
    carries: list[int] = []
    total = 0
    for code, child in accepted.items():
        number = child.accepted_version()
        assert number is not None
        carries.append(uow.submissions.version_id(call_id, code, number) or 0)
        total += child.versions[number - 1].entry_count
        uow.submissions.add_event(call_id, code, child.transition(Action.FORWARD, actor.name, now))
    own = uow.submissions.load(call_id, unit_code)
    event = own.transition(Action.SUBMIT, actor.name, now)
    version = Version(event.version or 1, now, actor.name, total)
    uow.submissions.add_version(call_id, unit_code, version, carries=carries)
    uow.submissions.add_event(call_id, unit_code, event)
    uow.audit.record(
        actor.name,
        "forward",
        "submission",
        f"{call_id}/{unit_code}",
        {"state": own.state.value if own.state else None},
        {"state": event.state.value, "carries": sorted(accepted), "entries": total},
    )
    uow.commit()
    return total


def status(
    uow: UnitOfWork, actor: User, *, call_id: int, at: datetime | None = None
) -> tuple[Call, list[UnitStatus]]:
    """Completeness and timeliness of every expected unit in the actor's subtree, now or at `at`.

    Reads one summary per unit with an aggregated query rather than every version and event:
    `domain.completeness.completeness` on `load_all` gives the same rows, much slower.
    """
    call, tree = _call_for(uow, actor, call_id)
    return call, unit_statuses(call, tree, uow.submissions.summaries(call_id, at), actor)


def list_entries(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    unit_code: str,
    version: int | None = None,
) -> tuple[Version, list[Entry]]:
    """A version of a workplace's list (default the latest) as the actor may see it."""
    _call, tree = _call_for(uow, actor, call_id)
    require_scope(actor, tree, unit_code)
    submission = uow.submissions.load(call_id, unit_code)
    if not submission.versions:
        raise NotFound(f"{unit_code!r} has submitted nothing for call {call_id}")
    number = version or len(submission.versions)
    if not 1 <= number <= len(submission.versions):
        raise NotFound(f"{unit_code!r} has versions 1 to {len(submission.versions)}, not {number}")
    version_id = uow.submissions.version_id(call_id, unit_code, number)
    assert version_id is not None
    entries = uow.submissions.entries(version_id)
    shown = visible_entries(entries, catalogue, actor, uow.holds.held())
    return submission.versions[number - 1], shown


def diff_versions(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    unit_code: str,
    from_version: int | None = None,
    to_version: int | None = None,
) -> tuple[int, int, list[EntryChange]]:
    """Added, removed and changed entries between two versions (default: the last two)."""
    target, after = list_entries(
        uow, actor, catalogue, call_id=call_id, unit_code=unit_code, version=to_version
    )
    from_number = from_version or max(1, target.number - 1)
    _, before = list_entries(
        uow, actor, catalogue, call_id=call_id, unit_code=unit_code, version=from_number
    )
    return from_number, target.number, diff_entries(before, after)
