"""Submissions: the state machine, versions, and diffs between versions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from muster.domain.errors import DomainError
from muster.domain.submissions import (
    Action,
    Entry,
    Submission,
    SubmissionState,
    Version,
    diff_entries,
)
from tests.unit.domain.factories import T0


def _do(sub: Submission, action: Action, minutes: int, reason: str | None = None) -> None:
    at = T0 + timedelta(minutes=minutes)
    event = sub.transition(action, "alice", at, reason)
    version = None
    if action is Action.SUBMIT:
        version = Version(event.version or 0, at, "alice", 3)
    sub.apply(event, version)


def test_full_loop_with_a_return() -> None:
    sub = Submission(1, "W1")
    _do(sub, Action.SUBMIT, 1)
    _do(sub, Action.RETURN, 2, "row 4: date of birth missing")
    _do(sub, Action.SUBMIT, 3)
    _do(sub, Action.ACCEPT, 4)
    _do(sub, Action.FORWARD, 5)
    assert [e.state for e in sub.events] == [
        SubmissionState.SUBMITTED,
        SubmissionState.RETURNED,
        SubmissionState.SUBMITTED,
        SubmissionState.ACCEPTED,
        SubmissionState.FORWARDED,
    ]
    assert [v.number for v in sub.versions] == [1, 2]
    assert sub.first_submitted_at == T0 + timedelta(minutes=1)
    assert sub.accepted_version() == 2


def test_cannot_accept_what_was_not_submitted() -> None:
    with pytest.raises(DomainError, match="cannot accept the list of 'W1' for call 1: it is not"):
        Submission(1, "W1").transition(Action.ACCEPT, "bob", T0)


def test_cannot_forward_before_accept_nor_accept_twice() -> None:
    sub = Submission(1, "W1")
    _do(sub, Action.SUBMIT, 1)
    with pytest.raises(DomainError, match="it is submitted"):
        sub.transition(Action.FORWARD, "bob", T0)
    _do(sub, Action.ACCEPT, 2)
    with pytest.raises(DomainError, match="it is accepted"):
        sub.transition(Action.ACCEPT, "bob", T0)


def test_return_needs_a_reason() -> None:
    sub = Submission(1, "W1")
    _do(sub, Action.SUBMIT, 1)
    with pytest.raises(DomainError, match="needs a reason"):
        sub.transition(Action.RETURN, "bob", T0, "  ")


def test_amendment_after_accept_needs_a_new_review() -> None:
    sub = Submission(1, "W1")
    _do(sub, Action.SUBMIT, 1)
    _do(sub, Action.ACCEPT, 2)
    _do(sub, Action.SUBMIT, 3)
    assert sub.state is SubmissionState.SUBMITTED
    assert sub.accepted_version() == 1  # the parent keeps what it accepted until then
    assert sub.correction_of == 1
    assert sub.latest_version is not None and sub.latest_version.number == 2
    _do(sub, Action.RETURN, 4, "row 3: which passport?")
    assert sub.return_reason == "row 3: which passport?"
    assert sub.accepted_version() == 1 and sub.correction_of == 1


def test_as_of_hides_later_events() -> None:
    sub = Submission(1, "W1")
    _do(sub, Action.SUBMIT, 10)
    assert sub.as_of(T0 + timedelta(minutes=9)).state is None
    assert sub.as_of(T0 + timedelta(minutes=10)).state is SubmissionState.SUBMITTED


def test_diff_reports_added_removed_and_changed() -> None:
    a = Entry("illness", person_id="P1", fit_to_travel="no")
    b = Entry("stranded_trip", passport_no="m123")
    c = Entry("illness", family_name="Kim", given_name="Chol Su")
    changed_a = Entry("illness", person_id="P1", fit_to_travel="yes")
    d = Entry("work_injury", person_id="P4")
    changes = {ch.key: ch.kind for ch in diff_entries([a, b, c], [changed_a, c, d])}
    assert changes == {"id:P1": "changed", "id:P4": "added", "passport:M123": "removed"}
