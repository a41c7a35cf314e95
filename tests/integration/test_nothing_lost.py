"""Nothing received is lost: concurrent submissions, interrupted receipts, a full archive."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from muster.bootstrap import Muster
from muster.domain.errors import DomainError
from muster.domain.users import OPERATOR
from muster.intake import readers as intake_readers
from muster.intake.archive import FileArchive
from muster.services.actors import resolve_user
from muster.services.lists import SubmitOutcome, submit_list
from muster.services.receipts import check_receipts
from tests.integration.test_call_loop import HEADER, LIST_W1, _issue

SECOND = HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stranded_trip,,yes,yes,\n"


def _send(
    app: Muster, call_id: int, body: str, archive: FileArchive | None = None
) -> SubmitOutcome:
    with app.uow() as uow:
        return submit_list(
            uow, resolve_user(uow, "w1"), archive or app.archive, call_id=call_id,
            unit_code="W1", data=body.encode(), filename="w1.csv", limits=app.limits(),
            now=app.clock(),
        )  # fmt: skip


def test_two_submissions_at_once_become_consecutive_versions(muster: Muster) -> None:
    """Issue 9: the loser died with an IntegrityError, its file archived with no record."""
    call_id = _issue(muster)
    start = threading.Barrier(2)
    results: list[object] = []

    def send(body: str) -> None:
        start.wait()
        try:
            results.append(_send(muster, call_id, body))
        except Exception as error:
            results.append(error)

    threads = [threading.Thread(target=send, args=(b,)) for b in (LIST_W1, SECOND)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(isinstance(r, SubmitOutcome) for r in results), results
    assert sorted(r.version for r in results if isinstance(r, SubmitOutcome)) == [1, 2]
    with muster.uow() as uow:
        outcomes = [f.outcome for f in uow.files.for_unit(call_id, "W1")]
        submits = [e for e in uow.audit.events(["submit"]) if e.entity_id == f"{call_id}/W1"]
    assert outcomes == ["accepted", "accepted"] and len(submits) == 2


def test_an_interrupted_receipt_is_reported_reconciled_and_the_file_sent_again(
    muster: Muster, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash between keeping the bytes and storing the list leaves a receipt, never an
    unrecorded file."""
    call_id = _issue(muster)

    def crash(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt  # the process dies here, after the receipt was committed

    monkeypatch.setattr(intake_readers, "read_list", crash)
    with pytest.raises(KeyboardInterrupt):
        _send(muster, call_id, LIST_W1)
    monkeypatch.undo()
    with muster.uow() as uow:
        problems = check_receipts(
            uow, OPERATOR, muster.archive, reconcile=False, now=muster.clock()
        )
    assert [p.problem for p in problems] == ["receipt without an outcome"]
    with muster.uow() as uow:
        check_receipts(uow, OPERATOR, muster.archive, reconcile=True, now=muster.clock())
    with muster.uow() as uow:
        assert (
            check_receipts(uow, OPERATOR, muster.archive, reconcile=False, now=muster.clock()) == []
        )
        (kept,) = uow.files.for_unit(call_id, "W1")
        assert kept.outcome == "interrupted"
        assert muster.archive.get(kept.sha256) == LIST_W1.encode()
    assert _send(muster, call_id, LIST_W1).version == 1  # sent again: succeeds once


class FullArchive(FileArchive):
    """An archive whose disk is full."""

    def put(self, data: bytes) -> str:
        raise OSError(28, "No space left on device")


def test_a_file_that_cannot_be_kept_is_refused_and_changes_nothing(
    muster: Muster, tmp_path: Path
) -> None:
    call_id = _issue(muster)
    with pytest.raises(DomainError, match="could not keep it"):
        _send(muster, call_id, LIST_W1, FullArchive(tmp_path / "full"))
    with muster.uow() as uow:
        (receipt,) = uow.files.for_unit(call_id, "W1")
        assert receipt.outcome == "failed"
        assert uow.submissions.load(call_id, "W1").versions == []
        problems = check_receipts(
            uow, OPERATOR, muster.archive, reconcile=False, now=muster.clock()
        )
    assert problems == []  # a refused file is fully recorded: nothing to reconcile


def test_stray_archived_bytes_are_reported(muster: Muster) -> None:
    muster.archive.put(b"bytes no receipt names")
    with muster.uow() as uow:
        problems = check_receipts(
            uow, OPERATOR, muster.archive, reconcile=False, now=muster.clock()
        )
    assert [p.problem for p in problems] == ["archived bytes that no receipt names"]
