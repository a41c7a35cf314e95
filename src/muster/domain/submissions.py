"""Submissions: one unit's list for one call, versioned, with an append-only state history."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from muster.domain.errors import DomainError


class SubmissionState(StrEnum):
    """draft -> submitted -> (returned -> submitted)* -> accepted -> forwarded."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    FORWARDED = "forwarded"


class Action(StrEnum):
    """What moves a submission from one state to the next."""

    SAVE_DRAFT = "save_draft"
    SUBMIT = "submit"
    RETURN = "return"
    ACCEPT = "accept"
    FORWARD = "forward"


S = SubmissionState
_SUBMITTED = SubmissionState.SUBMITTED  # read in hot loops (enum attribute access is slow)
# For each action: the states it may start from (None = no submission yet) and where it leads.
TRANSITIONS: dict[Action, tuple[frozenset[SubmissionState | None], SubmissionState]] = {
    Action.SAVE_DRAFT: (frozenset({None, S.DRAFT, S.RETURNED}), S.DRAFT),
    # An amendment is always possible; it goes back for review (never overwrites).
    Action.SUBMIT: (
        frozenset({None, S.DRAFT, S.SUBMITTED, S.RETURNED, S.ACCEPTED, S.FORWARDED}),
        S.SUBMITTED,
    ),
    Action.RETURN: (frozenset({S.SUBMITTED}), S.RETURNED),
    Action.ACCEPT: (frozenset({S.SUBMITTED}), S.ACCEPTED),
    Action.FORWARD: (frozenset({S.ACCEPTED}), S.FORWARDED),
}


@dataclass(frozen=True)
class Entry:
    """One row of a submission: a person (linked or not) and what is reported about them."""

    category: str
    person_id: str | None = None
    family_name: str | None = None
    given_name: str | None = None
    name_native: str | None = None
    date_of_birth: date | None = None
    sex: str | None = None
    passport_no: str | None = None
    since: date | None = None
    fit_to_travel: str = "unknown"
    wants_to_return: str = "unknown"
    note: str | None = None
    row: int = 0

    def key(self) -> str:
        """Identity of the entry across versions: the person id, else passport, else name+birth."""
        if self.person_id:
            return f"id:{self.person_id}"
        if self.passport_no:
            return f"passport:{self.passport_no.upper()}"
        name = self.name_native or f"{self.family_name or ''} {self.given_name or ''}".strip()
        return f"name:{name}|{self.date_of_birth or ''}"


@dataclass(frozen=True)
class SubmissionEvent:
    """One state change, with who and when (and why, for a return)."""

    state: SubmissionState
    at: datetime
    by: str
    version: int | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Version:
    """One immutable version of a unit's list."""

    number: int
    created_at: datetime
    created_by: str
    entry_count: int
    content_sha256: str | None = None
    category_counts: Mapping[str, int] | None = None  # entries by category

    @property
    def is_nothing_to_report(self) -> bool:
        """A workplace's explicit "nothing to report": no file, no entries."""
        return self.content_sha256 is None and self.entry_count == 0


@dataclass(frozen=True)
class SubmissionSummary:
    """What the completeness view needs of one unit's submission, at one moment.

    The store can read it for a whole call with one aggregated query; `Submission.summary`
    derives the same from a fully loaded aggregate (the reference the query is tested against).
    """

    state: SubmissionState | None  # the state of the last event; None: no event (yet)
    first_submitted_at: datetime | None  # the first `submitted` event; timeliness is judged on it
    entries: int  # entries in the newest version (0 without a version)
    reason: str | None = None  # why the list was returned, while it is returned
    category_counts: Mapping[str, int] | None = None  # the newest version's, by category


NOTHING_SUBMITTED = SubmissionSummary(None, None, 0)


@dataclass
class Submission:
    """A unit's list for a call: its versions and its state history."""

    call_id: int
    unit_code: str
    events: list[SubmissionEvent] = field(default_factory=list)
    versions: list[Version] = field(default_factory=list)

    def as_of(self, at: datetime | None) -> Submission:
        """The submission as it stood at a moment (events and versions up to `at`)."""
        if at is None:
            return self
        return Submission(
            self.call_id,
            self.unit_code,
            [e for e in self.events if e.at <= at],
            [v for v in self.versions if v.created_at <= at],
        )

    @property
    def state(self) -> SubmissionState | None:
        """The current state; None when nothing was ever saved or submitted."""
        return self.events[-1].state if self.events else None

    @property
    def first_submitted_at(self) -> datetime | None:
        """When the unit first submitted; timeliness is judged on it."""
        for event in self.events:
            if event.state is _SUBMITTED:
                return event.at
        return None

    @property
    def latest_version(self) -> Version | None:
        """The newest version, if any."""
        return self.versions[-1] if self.versions else None

    def summary(self, at: datetime | None = None) -> SubmissionSummary:
        """State, first submission time and latest entry count, as they stood at `at`."""
        submission = self.as_of(at)
        latest = submission.latest_version
        returned = submission.state is S.RETURNED
        return SubmissionSummary(
            submission.state,
            submission.first_submitted_at,
            latest.entry_count if latest else 0,
            submission.events[-1].reason if returned else None,
            latest.category_counts if latest else None,
        )

    def accepted_version(self) -> int | None:
        """The version number most recently accepted.

        A correction sent after acceptance (or forwarding) goes back through review; until
        it is accepted, the parent keeps the version it accepted (SPEC §3, submission).
        """
        for event in reversed(self.events):
            if event.state in (S.ACCEPTED, S.FORWARDED):
                return event.version
        return None

    @property
    def correction_of(self) -> int | None:
        """The accepted version that the version awaiting review (or returned) corrects."""
        accepted = self.accepted_version()
        latest = self.latest_version
        if self.state in (S.SUBMITTED, S.RETURNED) and accepted and latest:
            return accepted if latest.number > accepted else None
        return None

    @property
    def awaits_forwarding(self) -> bool:
        """Accepted by the parent and not yet passed on by it."""
        return self.state is S.ACCEPTED

    @property
    def return_reason(self) -> str | None:
        """Why the list was returned, while it is returned."""
        return self.events[-1].reason if self.state is S.RETURNED else None

    def transition(
        self,
        action: Action,
        by: str,
        at: datetime,
        reason: str | None = None,
        new_version: bool = True,
    ) -> SubmissionEvent:
        """The event an action produces from the current state, or a DomainError saying why not.

        `new_version=False` re-submits the latest version unchanged (same bytes sent again).
        """
        allowed, target = TRANSITIONS[action]
        if self.state not in allowed:
            current = self.state.value if self.state else "not submitted"
            raise DomainError(
                f"cannot {action.value.replace('_', ' ')} the list of {self.unit_code!r} "
                f"for call {self.call_id}: it is {current}"
            )
        if action is Action.RETURN and not (reason and reason.strip()):
            raise DomainError("a returned list needs a reason the unit can act on")
        version = self.latest_version.number if self.latest_version else None
        if action in (Action.SUBMIT, Action.SAVE_DRAFT) and new_version:
            version = len(self.versions) + 1
        return SubmissionEvent(target, at, by, version, reason)

    def apply(self, event: SubmissionEvent, version: Version | None = None) -> None:
        """Record an event (and the version it created) in this in-memory aggregate."""
        if version is not None:
            self.versions.append(version)
        self.events.append(event)


@dataclass(frozen=True)
class EntryChange:
    """An entry that differs between two versions."""

    key: str
    before: Entry | None
    after: Entry | None

    @property
    def kind(self) -> str:
        """added, removed or changed."""
        if self.before is None:
            return "added"
        if self.after is None:
            return "removed"
        return "changed"


# The columns of a list (SPEC §5), in file order: an entry's fields, compared by diffs.
LIST_FIELDS = (
    "person_id", "family_name", "given_name", "name_native", "date_of_birth", "sex",
    "passport_no", "category", "since", "fit_to_travel", "wants_to_return", "note",
)  # fmt: skip
# Who the entry is about (the rest says what is reported).
IDENTITY_FIELDS = LIST_FIELDS[:7]


def diff_entries(before: Sequence[Entry], after: Sequence[Entry]) -> list[EntryChange]:
    """Added, removed and changed entries between two versions, matched by `Entry.key`."""
    old = {e.key(): e for e in before}
    new = {e.key(): e for e in after}
    changes: list[EntryChange] = []
    for key, entry in new.items():
        previous = old.get(key)
        if previous is None:
            changes.append(EntryChange(key, None, entry))
        elif any(getattr(previous, f) != getattr(entry, f) for f in LIST_FIELDS):
            changes.append(EntryChange(key, previous, entry))
    changes.extend(EntryChange(k, e, None) for k, e in old.items() if k not in new)
    return changes
