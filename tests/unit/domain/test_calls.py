"""Calls: due-time parsing, deadline rules and exact timeliness at the boundary."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from muster.domain.calls import (
    Timeliness,
    check_call,
    parse_datetime,
    parse_due_options,
    timeliness,
)
from muster.domain.categories import DEFAULT_CATALOGUE
from muster.domain.errors import DomainError
from muster.domain.units import UnitKind
from tests.unit.domain.factories import DUE, small_call, small_tree


def test_on_time_exactly_at_due_and_late_one_second_after() -> None:
    assert timeliness(DUE, DUE) is Timeliness.ON_TIME
    assert timeliness(DUE + timedelta(seconds=1), DUE) is Timeliness.LATE
    assert timeliness(DUE - timedelta(seconds=1), DUE) is Timeliness.ON_TIME
    assert timeliness(None, DUE) is Timeliness.MISSING


def test_due_with_offset_compares_as_the_same_instant() -> None:
    due = parse_datetime("2021-07-24T18:00:00+09:00")
    assert due == datetime(2021, 7, 24, 9, 0, tzinfo=UTC)
    assert timeliness(parse_datetime("2021-07-24T09:00:00Z"), due) is Timeliness.ON_TIME
    assert timeliness(parse_datetime("2021-07-24T10:00:01+01:00"), due) is Timeliness.LATE


def test_due_without_offset_is_utc() -> None:
    assert parse_datetime("2021-07-24T18:00:00") == datetime(2021, 7, 24, 18, tzinfo=UTC)
    assert parse_datetime("2021-07-24") == datetime(2021, 7, 24, tzinfo=UTC)


def test_bad_datetime_names_the_expected_form() -> None:
    with pytest.raises(DomainError, match="expected ISO 8601"):
        parse_datetime("24/07/2021")


def test_bare_due_applies_to_every_level_and_kind_overrides() -> None:
    due = parse_due_options(["2021-07-24T18:00:00", "workplace=2021-07-22T18:00:00+09:00"])
    assert due[UnitKind.MISSION] == datetime(2021, 7, 24, 18, tzinfo=UTC)
    assert due[UnitKind.CONSULATE] == datetime(2021, 7, 24, 18, tzinfo=UTC)
    assert due[UnitKind.WORKPLACE] == datetime(2021, 7, 22, 9, tzinfo=UTC)


def test_due_needs_every_level() -> None:
    with pytest.raises(DomainError, match="no due time for consulate, mission"):
        parse_due_options(["workplace=2021-07-22"])
    with pytest.raises(DomainError, match="unknown level 'embassy'"):
        parse_due_options(["embassy=2021-07-22"])


def test_check_call_refuses_unknown_category_and_foreign_scope() -> None:
    tree = small_tree()
    check_call(small_call(), tree, DEFAULT_CATALOGUE)
    with pytest.raises(DomainError, match="unknown category 'detention'"):
        check_call(replace(small_call(), categories=("detention",)), tree, DEFAULT_CATALOGUE)
    with pytest.raises(DomainError, match="not within the issuing unit"):
        check_call(replace(small_call(), issued_by="C1", scope="C2"), tree, DEFAULT_CATALOGUE)


def test_deadlines_must_not_run_backwards() -> None:
    call = small_call()
    due = dict(call.due)
    due[UnitKind.WORKPLACE] = DUE + timedelta(days=1)
    with pytest.raises(DomainError, match="must not run backwards"):
        check_call(replace(call, due=due), small_tree(), DEFAULT_CATALOGUE)
