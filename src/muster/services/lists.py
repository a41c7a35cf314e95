"""Use cases of the call-for-lists loop: submit, review, forward, status, read and compare lists."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError, OperationalError

from muster.domain.access import (
    entries_as_seen,
    require,
    require_scope,
    sees_held,
    units_in_scope,
    visible_count,
)
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
from muster.domain.users import Permission, User
from muster.intake.archive import FileArchive
from muster.intake.errors import IntakeRejected, RowError, RowWarning
from muster.intake.limits import Limits
from muster.services.protection import hidden_counts, hidden_rows, record_for_version
from muster.services.receipts import Receipt, digest, receive
from muster.store.files import ReceivedFile
from muster.store.uow import UnitOfWork

if TYPE_CHECKING:
    import polars as pl

    from muster.intake.lists import ParsedList

MAX_LINK_WARNINGS = 100  # a list of unknown ids is reported by example, not row by row
SMALL_SCOPE = 500  # up to this many units in scope, status reads only their submissions
STORE_ATTEMPTS = 5  # concurrent submissions for one unit: the later one retries as next version


@dataclass(frozen=True)
class SubmitOutcome:
    """What happened to a submitted file (counts as the submitter may know them)."""

    version: int
    entries: int
    duplicate: bool = False
    warnings: list[RowWarning] = field(default_factory=list)
    state: str = SubmissionState.SUBMITTED.value


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
    """Keep the file, validate it whole, and store it as a new version of the unit's list.

    The receipt is committed before anything else (services.receipts); the version, its
    entries, their matches to held persons and the file's outcome then commit together.
    """
    call, tree = _call_for(uow, actor, call_id)
    require(actor, Permission.SUBMIT, tree, unit_code)
    _expected_unit(call, tree, unit_code)
    _require_workplace_list(tree, unit_code)
    received = ReceivedFile(
        None, digest(data), len(data), filename, "list", now, actor.name, call_id, unit_code
    )
    receipt = receive(uow, archive, received, data, now)
    try:
        from muster.intake.readers import read_list  # on use: `muster status` skips Polars

        parsed = read_list(data, filename, call.categories, limits)
        if len(parsed) == 0:
            raise IntakeRejected([_EMPTY_LIST])
    except IntakeRejected as rejected:
        _keep_rejected(uow, actor, receipt, rejected, now)
        raise
    arrival = _Arrival(call_id, unit_code, receipt, parsed, now)
    return _store_with_retry(uow, actor, tree, arrival)


@dataclass(frozen=True)
class _Arrival:
    """A list received, kept and read, on its way into the store."""

    call_id: int
    unit_code: str
    receipt: Receipt
    parsed: ParsedList
    now: datetime


_EMPTY_LIST = RowError(
    0,
    "",
    "no entries",
    "at least one entry with a category; if nobody is concerned, send 'nothing to report'",
)


def submit_nothing(
    uow: UnitOfWork, actor: User, *, call_id: int, unit_code: str, now: datetime
) -> SubmitOutcome:
    """Report explicitly that nobody at the workplace is concerned: a version with no entries.

    It counts as a submission (on time or late like any other) and goes through review.
    """
    call, tree = _call_for(uow, actor, call_id)
    require(actor, Permission.SUBMIT, tree, unit_code)
    _expected_unit(call, tree, unit_code)
    _require_workplace_list(tree, unit_code)
    submission = uow.submissions.load(call_id, unit_code)
    latest = submission.latest_version
    if latest is not None and latest.is_nothing_to_report and submission.state in (
        SubmissionState.SUBMITTED, SubmissionState.ACCEPTED, SubmissionState.FORWARDED,
    ):  # fmt: skip
        raise DomainError(f"{unit_code!r} has already reported nothing for call {call_id}")
    event = submission.transition(Action.SUBMIT, actor.name, now)
    version = Version(event.version or 1, now, actor.name, 0, category_counts={})
    uow.submissions.add_version(call_id, unit_code, version)
    uow.submissions.add_event(call_id, unit_code, event)
    uow.audit.record(
        actor.name, "submit_nothing_to_report", "submission", f"{call_id}/{unit_code}",
        {"state": submission.state.value if submission.state else None},
        {"state": event.state.value, "version": version.number, "entries": 0},
    )  # fmt: skip
    uow.commit()
    return SubmitOutcome(version.number, 0)


def _require_workplace_list(tree: UnitTree, unit_code: str) -> None:
    """Lists are written by workplaces; offices above pass them on by forwarding."""
    if tree.get(unit_code).kind is not UnitKind.WORKPLACE:
        raise DomainError(
            f"{unit_code!r} is not a workplace: a consulate or mission passes its children's "
            "lists on by forwarding them"
        )


def _store_with_retry(
    uow: UnitOfWork, actor: User, tree: UnitTree, arrival: _Arrival
) -> SubmitOutcome:
    """Store the list; if another submission for the unit committed first, go again on top."""
    for attempt in range(STORE_ATTEMPTS):
        try:
            return _store(uow, actor, tree, arrival)
        except (IntegrityError, OperationalError) as clash:
            uow.session.rollback()
            if isinstance(clash, OperationalError) and "locked" not in str(clash.orig):
                raise
            if attempt == STORE_ATTEMPTS - 1:
                raise DomainError(
                    f"another list for {arrival.unit_code!r} was being stored at the same moment; "
                    "your file was kept: please send it again"
                ) from clash
    raise AssertionError("unreachable")


def _store(uow: UnitOfWork, actor: User, tree: UnitTree, arrival: _Arrival) -> SubmitOutcome:
    """One attempt: the new version, its entries, hold matches, outcome and audit event."""
    call_id, unit_code, receipt, now = (
        arrival.call_id, arrival.unit_code, arrival.receipt, arrival.now
    )  # fmt: skip
    parsed = arrival.parsed
    submission = uow.submissions.load(call_id, unit_code)
    latest = submission.latest_version
    if latest is not None and latest.content_sha256 == receipt.sha256:
        return _resubmit_same(uow, actor, submission, receipt, now)
    frame, warnings = _link_entries(uow, actor, tree, parsed.frame)
    event = submission.transition(Action.SUBMIT, actor.name, now)
    version = Version(
        event.version or 1, now, actor.name, frame.height, receipt.sha256, _by_category(frame)
    )
    version_id = uow.submissions.add_version(
        call_id, unit_code, version, received_file_id=receipt.file_id
    )
    uow.submissions.add_entries(version_id, frame)
    record_for_version(uow, version_id, frame, now)
    uow.submissions.add_event(call_id, unit_code, event)
    uow.files.record_outcome(receipt.file_id, "accepted", now)
    uow.audit.record(
        actor.name, "submit", "submission", f"{call_id}/{unit_code}",
        {"state": submission.state.value if submission.state else None},
        {"state": event.state.value, "version": version.number, "entries": frame.height,
         "sha256": receipt.sha256, "received_file": receipt.file_id},
    )  # fmt: skip
    uow.commit()
    # The submitter is told what they wrote: warnings and counts never depend on holds.
    return SubmitOutcome(version.number, frame.height, warnings=[*parsed.warnings, *warnings])


def _by_category(frame: pl.DataFrame) -> dict[str, int]:
    """Entries by category."""
    counts = frame.group_by("category").len()
    return {str(c): int(n) for c, n in counts.iter_rows()}


def _resubmit_same(
    uow: UnitOfWork, actor: User, submission: Submission, receipt: Receipt, now: datetime
) -> SubmitOutcome:
    """The same bytes again: no new version; a returned or draft list goes back for review."""
    latest = submission.latest_version
    assert latest is not None
    uow.files.record_outcome(receipt.file_id, "duplicate", now)
    uow.audit.record(actor.name, "submit_duplicate", "received_file", str(receipt.file_id))
    state = submission.state
    if state in (SubmissionState.RETURNED, SubmissionState.DRAFT):
        event = submission.transition(Action.SUBMIT, actor.name, now, new_version=False)
        uow.submissions.add_event(submission.call_id, submission.unit_code, event)
        state = event.state
    uow.commit()
    return SubmitOutcome(  # the submitter is told what they sent, as with a new version
        latest.number,
        latest.entry_count,
        duplicate=True,
        state=state.value if state else SubmissionState.SUBMITTED.value,
    )


def _keep_rejected(
    uow: UnitOfWork, actor: User, receipt: Receipt, rejected: IntakeRejected, now: datetime
) -> None:
    """Record a rejected file's outcome and reasons (its bytes are already archived)."""
    uow.files.record_outcome(receipt.file_id, "rejected", now, rejected.to_json())
    uow.audit.record(
        actor.name, "reject_file", "received_file", str(receipt.file_id), None,
        {"sha256": receipt.sha256, "errors": len(rejected.errors)},
    )  # fmt: skip
    uow.commit()


def _link_entries(
    uow: UnitOfWork, actor: User, tree: UnitTree, frame: pl.DataFrame
) -> tuple[pl.DataFrame, list[RowWarning]]:
    """Link person ids to the registry; warn of ids the submitter cannot know (SPEC §5).

    An id in the registry stays linked (matching to held persons needs it); an unknown id
    is cleared. The warning is the same for both whenever the person is not deployed in
    the submitter's subtree, so that warnings never tell whether an id exists elsewhere.
    """
    import polars as pl

    given = frame.filter(pl.col("person_id").is_not_null())
    ids = given["person_id"].unique().to_list()
    known = uow.people.existing_ids(ids)
    local = known if actor.is_operator else _deployed_within(uow, actor, tree, known)
    unseen = given.filter(~pl.col("person_id").is_in(list(local)))
    warnings = [
        RowWarning(
            row,
            "person_id",
            pid,
            "not a person of your unit's registry; linkage decides who this is",
        )
        for row, pid in unseen.head(MAX_LINK_WARNINGS).select("row", "person_id").iter_rows()
    ]
    if unseen.height > MAX_LINK_WARNINGS:
        more = unseen.height - MAX_LINK_WARNINGS
        warnings.append(RowWarning(0, "person_id", "", f"{more:,} more such person ids"))
    if len(known) < len(ids):
        cleared = pl.when(pl.col("person_id").is_in(list(known))).then(pl.col("person_id"))
        frame = frame.with_columns(cleared.otherwise(None).alias("person_id"))
    return frame, warnings


def _deployed_within(uow: UnitOfWork, actor: User, tree: UnitTree, ids: set[str]) -> set[str]:
    """Those of `ids` deployed at a workplace in the actor's subtree."""
    scope = units_in_scope(actor, tree)
    return {pid for pid, workplace in uow.people.workplaces_of_many(ids) if workplace in scope}


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
    require(actor, Permission.REVIEW, tree, unit_code)
    _expected_unit(call, tree, unit_code)
    if not actor.is_operator and actor.unit_code == unit_code:
        raise NotPermitted("a unit cannot review its own list; its parent unit reviews it")
    submission = uow.submissions.load(call_id, unit_code)
    event = submission.transition(
        Action.ACCEPT if accept else Action.RETURN, actor.name, now, reason
    )
    uow.submissions.add_event(call_id, unit_code, event)
    uow.audit.record(
        actor.name, "accept" if accept else "return", "submission", f"{call_id}/{unit_code}",
        {"state": submission.state.value if submission.state else None},
        {"state": event.state.value, "version": event.version, "reason": reason},
    )  # fmt: skip
    uow.commit()
    return event.state.value


@dataclass(frozen=True)
class ForwardOutcome:
    """What a forward passed on (entries as the actor may count them) and what it left."""

    version: int
    entries: int
    carried: list[str]
    new: list[str]
    outstanding: list[str]


def forward(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    unit_code: str,
    now: datetime,
    partial: bool = False,
) -> ForwardOutcome:
    """Pass everything the unit has accepted up to its parent, as a new version.

    A relay: lists accepted later are forwarded later, again and again (each version carries
    every child's accepted version). With children unreviewed, returned or silent it is
    refused, naming them, unless `partial`.
    """
    call, tree = _call_for(uow, actor, call_id)
    require(actor, Permission.REVIEW, tree, unit_code)
    _expected_unit(call, tree, unit_code)
    if tree.get(unit_code).kind is UnitKind.WORKPLACE:
        raise DomainError(
            f"{unit_code!r} is a workplace: its accepted list goes up when its parent forwards"
        )
    expected = set(expected_units(call, tree))
    children = [c.code for c in tree.children(unit_code) if c.code in expected]
    loaded = uow.submissions.load_all(call_id, children)
    outstanding = _outstanding(children, loaded)
    if outstanding and not partial:
        raise DomainError(
            f"{unit_code!r} cannot forward everything yet: " + "; ".join(outstanding)
            + ". Forward partially to pass on what is accepted now"
        )  # fmt: skip
    own = uow.submissions.load(call_id, unit_code)
    carried, new, carries = _carried(uow, call_id, loaded)
    if _nothing_new(uow, own, new, carries):
        raise DomainError(f"{unit_code!r}: nothing was accepted since its last forward")
    for code in new:
        event = loaded[code].transition(Action.FORWARD, actor.name, now)
        uow.submissions.add_event(call_id, code, event)
    total = sum(_accepted(loaded[c]).entry_count for c in carried)
    by_category = _summed(_accepted(loaded[c]).category_counts for c in carried)
    event = own.transition(Action.SUBMIT, actor.name, now)
    version = Version(event.version or 1, now, actor.name, total, category_counts=by_category)
    uow.submissions.add_version(call_id, unit_code, version, carries=carries)
    uow.submissions.add_event(call_id, unit_code, event)
    uow.audit.record(
        actor.name, "forward", "submission", f"{call_id}/{unit_code}",
        {"state": own.state.value if own.state else None},
        {"state": event.state.value, "carries": carried, "new": new, "entries": total,
         "outstanding": outstanding, "partial": bool(outstanding)},
    )  # fmt: skip
    uow.commit()
    held = sum(hidden_counts(uow, actor, catalogue, carries).values())
    entries = visible_count(total, by_category, held, catalogue, actor)
    return ForwardOutcome(version.number, entries, carried, new, outstanding)


def _nothing_new(uow: UnitOfWork, own: Submission, new: list[str], carries: list[int]) -> bool:
    """True when a forward would repeat the last one (unless that one was returned)."""
    if new or own.state is SubmissionState.RETURNED or not own.versions:
        return False
    previous = uow.submissions.carries_of_latest(own.call_id, own.unit_code)
    return set(carries) == set(previous)


def _outstanding(children: list[str], loaded: dict[str, Submission]) -> list[str]:
    """Children whose list is not (or not in its latest version) accepted, and why."""
    found: list[str] = []
    for code in children:
        submission = loaded.get(code)
        state = submission.state if submission else None
        if state is None or state is SubmissionState.DRAFT:
            found.append(f"{code} has sent nothing")
        elif state is SubmissionState.SUBMITTED:
            corrects = submission.correction_of if submission else None
            extra = f" (a correction of version {corrects})" if corrects else ""
            found.append(f"{code} awaits review{extra}")
        elif state is SubmissionState.RETURNED:
            found.append(f"{code} was returned and awaits its correction")
    return found


def _accepted(submission: Submission) -> Version:
    """A submission's accepted version."""
    number = submission.accepted_version()
    assert number is not None
    return submission.versions[number - 1]


def _summed(counts: Iterable[Mapping[str, int] | None]) -> dict[str, int]:
    """Entries by category over several versions."""
    total: Counter[str] = Counter()
    for found in counts:
        total.update(found or {})
    return dict(total)


def _carried(
    uow: UnitOfWork, call_id: int, loaded: dict[str, Submission]
) -> tuple[list[str], list[str], list[int]]:
    """Children with an accepted version, those accepted since the last forward, and the
    version ids to carry."""
    carried = sorted(c for c, s in loaded.items() if s.accepted_version() is not None)
    if not carried:
        raise DomainError("there is no accepted list to forward yet")
    new = [c for c in carried if loaded[c].awaits_forwarding]
    carries = []
    for code in carried:
        number = loaded[code].accepted_version()
        assert number is not None
        carries.append(uow.submissions.version_id(call_id, code, number) or 0)
    return carried, new, carries


def status(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    at: datetime | None = None,
    now: datetime | None = None,
    units: Collection[str] | None = None,
) -> tuple[Call, list[UnitStatus]]:
    """Completeness and timeliness of every expected unit in the actor's subtree, now or at `at`
    (with `units`, of those units only: a page about one unit reads one summary).

    Reads one summary per unit with an aggregated query rather than every version and event:
    `domain.completeness.completeness` on `load_all` gives the same rows, much slower. Entry
    counts leave out what the actor may not see (sections their permissions do not open,
    entries naming held persons).
    """
    call, tree = _call_for(uow, actor, call_id)
    if units is not None:
        small: Collection[str] | None = units
    else:
        mine = None if actor.is_operator else units_in_scope(actor, tree)
        small = mine if mine is not None and len(mine) <= SMALL_SCOPE else None
    summaries = uow.submissions.summaries(call_id, at, small)
    held: dict[int, int] = {}
    latest: dict[str, int] = {}
    if not sees_held(actor) and uow.holds.hidden_rows():
        latest = uow.submissions.latest_version_ids(call_id, at)
        held = hidden_counts(uow, actor, catalogue, list(latest.values()))
    for code, found in summaries.items():
        hidden_held = held.get(latest.get(code, -1), 0)
        seen = visible_count(found.entries, found.category_counts, hidden_held, catalogue, actor)
        if seen != found.entries:
            summaries[code] = replace(found, entries=seen)
    moment = at or now or datetime.now(UTC)  # units not yet due are pending, not missing
    return call, unit_statuses(call, tree, summaries, actor, moment, units)


def list_entries(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    unit_code: str,
    version: int | None = None,
) -> tuple[Version, list[Entry]]:
    """A version of a unit's list (default the latest) as the actor may see it (audited)."""
    shown, entries = _version_as_seen(uow, actor, catalogue, call_id, unit_code, version)
    _audit_read(uow, actor, "read_list", f"{call_id}/{unit_code}/{shown.number}", len(entries))
    return shown, entries


def _version_as_seen(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    call_id: int,
    unit_code: str,
    version: int | None,
) -> tuple[Version, list[Entry]]:
    """One version and its entries as the actor may see them (counts and rows included)."""
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
    held = hidden_rows(uow, actor, [version_id]).get(version_id, set())
    entries = entries_as_seen(uow.submissions.entries(version_id), catalogue, actor, held)
    stored = submission.versions[number - 1]
    return replace(stored, entry_count=len(entries)), entries


def _audit_read(uow: UnitOfWork, actor: User, action: str, what: str, count: int) -> None:
    """Record a read of personal data (who read what, and how many entries they saw)."""
    uow.audit.record(actor.name, action, "submission", what, None, {"entries": count})
    uow.commit()


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
    target, after = _version_as_seen(uow, actor, catalogue, call_id, unit_code, to_version)
    from_number = from_version or max(1, target.number - 1)
    _, before = _version_as_seen(uow, actor, catalogue, call_id, unit_code, from_number)
    changes = diff_entries(before, after)
    what = f"{call_id}/{unit_code}/{from_number}..{target.number}"
    _audit_read(uow, actor, "read_diff", what, len(changes))
    return from_number, target.number, changes


@dataclass(frozen=True)
class Standing:
    """Where a unit's list stands: its state, why it was returned, what a correction corrects."""

    state: str
    versions: int
    accepted_version: int | None
    correction_of: int | None
    return_reason: str | None


def standing(uow: UnitOfWork, actor: User, *, call_id: int, unit_code: str) -> Standing:
    """The state of a unit's list as its writer and its reviewers see it."""
    _call, tree = _call_for(uow, actor, call_id)
    require_scope(actor, tree, unit_code)
    submission = uow.submissions.load(call_id, unit_code)
    return Standing(
        state=submission.state.value if submission.state else "not submitted",
        versions=len(submission.versions),
        accepted_version=submission.accepted_version(),
        correction_of=submission.correction_of,
        return_reason=submission.return_reason,
    )
