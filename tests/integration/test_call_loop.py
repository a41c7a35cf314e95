"""The call-for-lists loop through the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from muster.bootstrap import Muster
from muster.domain.errors import DomainError, NotPermitted
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.intake import IntakeRejected
from muster.services.actors import resolve_user
from muster.services.calls import issue_call
from muster.services.lists import forward, list_entries, review, status, submit_list
from muster.store.tables import AuditEventRow, SubmissionVersionRow
from tests.integration.conftest import Clock

DUE = datetime(2021, 7, 24, 18, 0, tzinfo=UTC)
HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note\n"
)
LIST_W1 = HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,fever\n"
LIST_W3 = HEADER + "P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,stranded_trip,,yes,yes,\n"


def _issue(app: Muster, actor: str | None = None) -> int:
    with app.uow() as uow:
        return issue_call(
            uow,
            resolve_user(uow, actor),
            app.catalogue,
            by="HQ",
            scope="HQ",
            categories=["illness", "stranded_trip", "whereabouts_unknown"],
            due={
                UnitKind.WORKPLACE: DUE,
                UnitKind.CONSULATE: DUE + timedelta(days=1),
                UnitKind.MISSION: DUE + timedelta(days=2),
            },
            title="July call",
            now=app.clock(),
        )


def _submit(app: Muster, call_id: int, unit: str, body: str, actor: str | None = None) -> int:
    with app.uow() as uow:
        outcome = submit_list(
            uow,
            resolve_user(uow, actor),
            app.archive,
            call_id=call_id,
            unit_code=unit,
            data=body.encode(),
            filename="list.csv",
            limits=app.limits(),
            now=app.clock(),
        )
    return outcome.version


def _review(
    app: Muster, call_id: int, unit: str, actor: str | None, reason: str | None = None
) -> str:
    with app.uow() as uow:
        return review(
            uow,
            resolve_user(uow, actor),
            call_id=call_id,
            unit_code=unit,
            accept=reason is None,
            reason=reason,
            now=app.clock(),
        )


def _status(app: Muster, call_id: int, actor: str | None = None) -> dict[str, dict[str, object]]:
    with app.uow() as uow:
        _call, rows = status(
            uow, resolve_user(uow, actor), app.catalogue, call_id=call_id, now=app.clock()
        )
    return {r.unit: r.as_json() for r in rows}


def test_whole_loop_submit_return_accept_forward(muster: Muster, clock: Clock) -> None:
    call_id = _issue(muster)
    assert _submit(muster, call_id, "W1", LIST_W1, "w1") == 1
    assert _review(muster, call_id, "W1", "north", "row 2: since date is before arrival?") == (
        "returned"
    )
    clock.advance(hours=1)
    assert _submit(muster, call_id, "W1", LIST_W1.replace("fever", "fever; improving"), "w1") == 2
    assert _review(muster, call_id, "W1", "north") == "accepted"
    with muster.uow() as uow, pytest.raises(DomainError, match="W2 has sent nothing"):
        forward(
            uow,
            resolve_user(uow, "north"),
            muster.catalogue,
            call_id=call_id,
            unit_code="C1",
            now=clock(),
        )
    with muster.uow() as uow:
        north = resolve_user(uow, "north")
        done = forward(
            uow, north, muster.catalogue, call_id=call_id, unit_code="C1", now=clock(), partial=True
        )
    assert (done.entries, done.carried, done.outstanding) == (1, ["W1"], ["W2 has sent nothing"])
    rows = _status(muster, call_id)
    assert rows["W1"]["state"] == "forwarded"
    assert rows["C1"]["state"] == "submitted"
    assert rows["C1"]["entries"] == 1
    assert rows["W2"]["timeliness"] == "pending"  # the workplace due time has not passed
    assert _review(muster, call_id, "C1", "mission") == "accepted"
    with muster.uow() as uow:
        mission = resolve_user(uow, "mission")
        forward(
            uow,
            mission,
            muster.catalogue,
            call_id=call_id,
            unit_code="M1",
            now=clock(),
            partial=True,
        )
    assert _status(muster, call_id)["M1"]["state"] == "submitted"


def test_timeliness_is_exact_at_the_due_time(muster: Muster, clock: Clock) -> None:
    call_id = _issue(muster)
    clock.now = DUE
    _submit(muster, call_id, "W1", LIST_W1)
    clock.now = DUE + timedelta(seconds=1)
    _submit(muster, call_id, "W3", LIST_W3)
    rows = _status(muster, call_id)
    assert rows["W1"]["timeliness"] == "on_time"
    assert rows["W3"]["timeliness"] == "late"
    assert rows["W2"]["timeliness"] == "missing"


def test_consulate_a_cannot_act_for_consulate_b(muster: Muster) -> None:
    call_id = _issue(muster)
    _submit(muster, call_id, "W3", LIST_W3)
    with pytest.raises(NotPermitted, match="outside their unit's subtree"):
        _submit(muster, call_id, "W3", LIST_W3, "north")
    with pytest.raises(NotPermitted, match="outside their unit's subtree"):
        _review(muster, call_id, "W3", "north")
    with muster.uow() as uow, pytest.raises(NotPermitted):
        forward(
            uow,
            resolve_user(uow, "north"),
            muster.catalogue,
            call_id=call_id,
            unit_code="C2",
            now=muster.clock(),
        )
    with muster.uow() as uow, pytest.raises(NotPermitted):
        list_entries(
            uow, resolve_user(uow, "north"), muster.catalogue, call_id=call_id, unit_code="W3"
        )
    assert set(_status(muster, call_id, "north")) == {"C1", "W1", "W2"}


def test_a_unit_cannot_review_its_own_list(muster: Muster) -> None:
    call_id = _issue(muster)
    _submit(muster, call_id, "W1", LIST_W1)
    with muster.uow() as uow:
        add = resolve_user(uow, "w1")
    assert add.unit_code == "W1"
    with pytest.raises(NotPermitted):
        _review(muster, call_id, "W1", "w1")


def test_bad_list_changes_nothing_but_the_file_is_kept(muster: Muster) -> None:
    call_id = _issue(muster)
    bad = LIST_W1 + "P2,Ri,Yong Hui,리영희,1990-13-02,F,M2345678,illness,,no,yes,\n"
    with pytest.raises(IntakeRejected) as rejected:
        _submit(muster, call_id, "W1", bad)
    error = rejected.value.errors[0]
    assert (error.row, error.column, error.value) == (3, "date_of_birth", "1990-13-02")
    assert _status(muster, call_id)["W1"]["state"] == "not_submitted"
    with muster.uow() as uow:
        files = [(f.outcome, f.sha256) for f in uow.files.every()]
        versions = uow.session.scalar(select(func.count()).select_from(SubmissionVersionRow))
    assert [outcome for outcome, _ in files] == ["rejected"]
    assert muster.archive.get(files[0][1]) == bad.encode()
    assert versions == 0


def test_same_bytes_twice_make_one_version(muster: Muster) -> None:
    call_id = _issue(muster)
    assert _submit(muster, call_id, "W1", LIST_W1) == 1
    assert _submit(muster, call_id, "W1", LIST_W1) == 1
    assert _submit(muster, call_id, "W1", LIST_W1 + "\n") == 2


def test_every_write_is_audited(muster: Muster) -> None:
    call_id = _issue(muster, "hq")
    _submit(muster, call_id, "W1", LIST_W1, "w1")
    _review(muster, call_id, "W1", "north")
    with muster.uow() as uow:
        rows = uow.session.scalars(select(AuditEventRow).order_by(AuditEventRow.id))
        events = [(e.actor, e.action, e.before, e.after) for e in rows]
    actions = [(actor, action) for actor, action, _, _ in events]
    assert ("hq", "issue_call") in actions
    assert ("w1", "submit") in actions
    assert ("north", "accept") in actions
    _, _, before, after = next(e for e in events if e[1] == "accept")
    assert before == {"state": "submitted"}
    assert after is not None and after["state"] == "accepted"


def test_review_refused_for_a_user_without_the_permission(muster: Muster) -> None:
    call_id = _issue(muster)
    _submit(muster, call_id, "W1", LIST_W1)
    with pytest.raises(NotPermitted, match="lacks the 'review' permission"):
        _review(muster, call_id, "W1", "w1")


def test_forward_needs_an_accepted_list(muster: Muster) -> None:
    call_id = _issue(muster)
    with muster.uow() as uow, pytest.raises(DomainError, match="no accepted list"):
        forward(
            uow,
            OPERATOR,
            muster.catalogue,
            call_id=call_id,
            unit_code="C1",
            now=muster.clock(),
            partial=True,
        )


def test_same_bytes_after_a_return_go_back_for_review(muster: Muster) -> None:
    call_id = _issue(muster)
    _submit(muster, call_id, "W1", LIST_W1)
    _review(muster, call_id, "W1", "north", "please check row 2")
    assert _submit(muster, call_id, "W1", LIST_W1) == 1
    assert _status(muster, call_id)["W1"]["state"] == "submitted"
    assert _review(muster, call_id, "W1", "north") == "accepted"


def test_unknown_person_id_is_a_warning_and_the_entry_stays_unlinked(muster: Muster) -> None:
    call_id = _issue(muster)
    body = LIST_W1 + "P404,Ri,Yong Hui,리영희,1990-11-02,F,,stranded_trip,,yes,yes,\n"
    with muster.uow() as uow:
        outcome = submit_list(
            uow,
            OPERATOR,
            muster.archive,
            call_id=call_id,
            unit_code="W1",
            data=body.encode(),
            filename="list.csv",
            limits=muster.limits(),
            now=muster.clock(),
        )
    assert outcome.entries == 2
    assert [(w.row, w.column, w.value) for w in outcome.warnings] == [(3, "person_id", "P404")]
    with muster.uow() as uow:
        _, entries = list_entries(uow, OPERATOR, muster.catalogue, call_id=call_id, unit_code="W1")
    assert [e.person_id for e in entries] == ["P1", None]
    assert entries[1].name_native == "리영희"
