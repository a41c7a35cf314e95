"""Completeness and timeliness per unit, and what each viewer may see of it."""

from __future__ import annotations

from datetime import timedelta

from muster.domain.completeness import completeness, expected_units, summary, unit_statuses
from muster.domain.submissions import (
    NOTHING_SUBMITTED,
    Action,
    Submission,
    SubmissionState,
    SubmissionSummary,
    Version,
)
from muster.domain.users import OPERATOR, Permission, User
from tests.unit.domain.factories import DUE, small_call, small_tree


def _submitted(unit: str, at_offset: timedelta, entries: int = 2) -> Submission:
    sub = Submission(1, unit)
    event = sub.transition(Action.SUBMIT, "u", DUE + at_offset)
    sub.apply(event, Version(1, DUE + at_offset, "u", entries))
    return sub


def test_expected_units_exclude_the_issuer() -> None:
    assert expected_units(small_call(), small_tree()) == ["M1", "C1", "W1", "W2", "C2", "W3"]


def test_on_time_late_missing_at_the_boundary() -> None:
    subs = {
        "W1": _submitted("W1", timedelta(0)),
        "W2": _submitted("W2", timedelta(seconds=1), entries=5),
    }
    rows = {r.unit: r for r in completeness(small_call(), small_tree(), subs, OPERATOR)}
    assert rows["W1"].timeliness.value == "on_time"
    assert rows["W2"].timeliness.value == "late"
    assert rows["W3"].timeliness.value == "missing"
    assert rows["W3"].state == "not_submitted"
    assert rows["W2"].entries == 5
    counts = summary(list(rows.values()))
    assert counts == {"pending": 0, "on_time": 1, "late": 1, "missing": 4, "expected": 6}


def test_nothing_yet_is_pending_until_the_due_time_has_passed() -> None:
    before = completeness(small_call(), small_tree(), {}, OPERATOR, at=DUE - timedelta(hours=1))
    assert {r.timeliness.value for r in before} == {"pending"}
    at_due = completeness(small_call(), small_tree(), {}, OPERATOR, at=DUE)
    assert {r.timeliness.value for r in at_due} == {"pending"}
    after = completeness(small_call(), small_tree(), {}, OPERATOR, at=DUE + timedelta(seconds=1))
    assert {r.timeliness.value for r in after} == {"missing"}


def test_status_as_of_a_moment_before_a_submission() -> None:
    subs = {"W1": _submitted("W1", timedelta(hours=1))}
    rows = completeness(small_call(), small_tree(), subs, OPERATOR, at=DUE)
    w1 = next(r for r in rows if r.unit == "W1")
    assert w1.timeliness.value == "pending"  # nothing yet, and the due time not passed
    later = completeness(small_call(), small_tree(), subs, OPERATOR, at=DUE + timedelta(minutes=1))
    assert next(r for r in later if r.unit == "W1").timeliness.value == "missing"


def test_viewer_sees_only_their_subtree() -> None:
    viewer = User("ana", "C1", frozenset({Permission.REVIEW}))
    rows = completeness(small_call(), small_tree(), {}, viewer)
    assert [r.unit for r in rows] == ["C1", "W1", "W2"]


def test_summary_is_last_state_first_submission_and_latest_entries() -> None:
    sub = _submitted("W1", timedelta(0), entries=2)
    hour = timedelta(hours=1)
    sub.apply(sub.transition(Action.RETURN, "r", DUE + hour, "row 2: which passport?"))
    sub.apply(
        sub.transition(Action.SUBMIT, "u", DUE + 2 * hour), Version(2, DUE + 2 * hour, "u", 3)
    )
    assert sub.summary() == SubmissionSummary(SubmissionState.SUBMITTED, DUE, 3)
    returned = SubmissionSummary(SubmissionState.RETURNED, DUE, 2, "row 2: which passport?")
    assert sub.summary(DUE + hour) == returned
    assert sub.summary(DUE - timedelta(microseconds=1)) == NOTHING_SUBMITTED


def test_unit_statuses_from_summaries() -> None:
    late = SubmissionSummary(SubmissionState.RETURNED, DUE + timedelta(seconds=1), 4)
    rows = unit_statuses(small_call(), small_tree(), {"W3": late}, OPERATOR)
    seen = {r.unit: (r.state, r.timeliness.value, r.entries) for r in rows}
    assert seen["W3"] == ("returned", "late", 4)
    assert seen["W1"] == ("not_submitted", "missing", 0)


def test_unit_statuses_of_some_units_equal_their_rows_of_the_whole_view() -> None:
    late = SubmissionSummary(SubmissionState.SUBMITTED, DUE + timedelta(seconds=1), 4)
    summaries = {"W3": late}
    whole = {r.unit: r for r in unit_statuses(small_call(), small_tree(), summaries, OPERATOR)}
    some = unit_statuses(small_call(), small_tree(), summaries, OPERATOR, only=["W3", "W1"])
    assert some == [whole["W3"], whole["W1"]]
    # the issuer and units outside the call's scope or the tree are not rows
    assert unit_statuses(small_call(), small_tree(), {}, OPERATOR, only=["HQ", "NOPE"]) == []


def test_unit_statuses_of_some_units_keep_to_the_viewers_subtree() -> None:
    clerk = User("c2", "C2", frozenset({Permission.SUBMIT}))
    rows = unit_statuses(small_call(), small_tree(), {}, clerk, only=["W3", "W1", "C2"])
    assert [r.unit for r in rows] == ["W3", "C2"]
    nowhere = User("x", "NOPE", frozenset({Permission.SUBMIT}))
    assert unit_statuses(small_call(), small_tree(), {}, nowhere, only=["W3"]) == []
