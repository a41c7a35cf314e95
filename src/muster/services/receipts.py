"""Nothing received is lost: the receipt is committed before a file is kept and read.

Order of work for every file handed in (a list, a units, people or replacements file):
1. the bytes are archived (atomic write, fsync);
2. the receipt (who, when, what, SHA-256) is committed in its own transaction;
3. the file is read and its content stored, with the outcome, in one transaction.
Whenever the process dies (SIGKILL, power cut), the bytes are kept: a crash after 2 leaves
a receipt without an outcome, which `check_receipts` reports (and can reconcile); a crash
between 1 and 2 leaves archived bytes that no receipt names, which it reports too; a crash
inside 1 leaves only a temporary file, never a half-written one.
A file that cannot be archived (full disk, read-only archive) is refused and changes
nothing but its receipt, committed with the outcome `failed` and the reason.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from muster.domain.access import in_scope, require_permission
from muster.domain.errors import DomainError
from muster.domain.units import UnitTree
from muster.domain.users import Permission, User
from muster.intake.archive import FileArchive
from muster.store.files import INCOMPLETE, ReceivedFile
from muster.store.uow import UnitOfWork


@dataclass(frozen=True)
class Receipt:
    """A file whose receipt is committed and whose bytes are kept."""

    file_id: int
    sha256: str


INTERRUPTED = "interrupted"  # the outcome `files check` records for an interrupted receipt


def receive(
    uow: UnitOfWork,
    archive: FileArchive,
    received: ReceivedFile,
    data: bytes,
    now: datetime,
) -> Receipt:
    """Keep the bytes of `data`, then commit its receipt; refuse if they cannot be kept."""
    try:
        archive.put(data)
    except OSError as error:
        file_id = _record_receipt(uow, received)
        reason: dict[str, object] = {
            "reason": f"the file could not be kept: {error.strerror or error}"
        }
        uow.files.record_outcome(file_id, "failed", now, [reason])
        uow.commit()
        raise DomainError(
            f"{received.filename!r} was not accepted: the archive could not keep it "
            f"({error.strerror or error}); nothing was changed, please send it again later"
        ) from error
    file_id = _record_receipt(uow, received)
    uow.commit()
    return Receipt(file_id, received.sha256)


def _record_receipt(uow: UnitOfWork, received: ReceivedFile) -> int:
    """The receipt and its audit event (not committed yet)."""
    file_id = uow.files.receive(received)
    uow.audit.record(
        received.sender, "receive_file", "received_file", str(file_id), None,
        {"sha256": received.sha256, "size": received.size, "purpose": received.purpose},
    )  # fmt: skip
    return file_id


def digest(data: bytes) -> str:
    """SHA-256 of received bytes."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class ReceiptProblem:
    """A receipt or archived file that is not fully recorded."""

    file_id: int | None
    sha256: str
    problem: str


def check_receipts(
    uow: UnitOfWork, actor: User, archive: FileArchive, *, reconcile: bool, now: datetime
) -> list[ReceiptProblem]:
    """Receipts without an outcome, receipts whose bytes are missing or damaged, and archived
    files no receipt names. With `reconcile`, interrupted receipts are closed as `interrupted`
    (their bytes stay in the archive; the sender may send the file again). An administrator
    sees and closes the receipts of their subtree; stray bytes only headquarters.
    """
    require_permission(actor, Permission.ADMIN)
    tree = uow.units.tree()
    every = uow.files.every()
    files = [f for f in every if actor.is_operator or _in_scope(actor, tree, f.unit_code)]
    problems = [p for f in files if (p := _problem(f, archive)) is not None]
    if _whole_archive(actor, tree):  # stray bytes belong to nobody's subtree: HQ looks at them
        named = {f.sha256 for f in every}
        problems += [
            ReceiptProblem(None, sha, "archived bytes that no receipt names")
            for sha in archive.digests()
            if sha not in named
        ]
    if reconcile:
        _close_interrupted(uow, actor, [p for p in problems if p.file_id is not None], files, now)
    return problems


def _in_scope(actor: User, tree: UnitTree, unit_code: str | None) -> bool:
    """A receipt is the business of administrators of the unit it came for."""
    return unit_code is not None and in_scope(actor, tree, unit_code)


def _whole_archive(actor: User, tree: UnitTree) -> bool:
    """The operator and administrators of headquarters look after the whole archive."""
    root = tree.headquarters()
    return actor.is_operator or (root is not None and actor.unit_code == root.code)


def _problem(received: ReceivedFile, archive: FileArchive) -> ReceiptProblem | None:
    """What is wrong with one receipt, if anything."""
    try:
        archive.get(received.sha256)
    except KeyError:
        if received.outcome not in ("failed", INTERRUPTED):
            return ReceiptProblem(received.id, received.sha256, "bytes missing from the archive")
    except ValueError:
        return ReceiptProblem(received.id, received.sha256, "archived bytes are damaged")
    if received.outcome == INCOMPLETE:
        return ReceiptProblem(received.id, received.sha256, "receipt without an outcome")
    return None


def _close_interrupted(
    uow: UnitOfWork,
    actor: User,
    problems: Sequence[ReceiptProblem],
    files: Sequence[ReceivedFile],
    now: datetime,
) -> None:
    """Record `incomplete` as the outcome of every interrupted receipt (audited)."""
    open_ids = {f.id for f in files if f.outcome == INCOMPLETE}
    for problem in problems:
        if problem.file_id in open_ids:
            assert problem.file_id is not None
            reason: dict[str, object] = {
                "reason": f"processing was interrupted ({problem.problem})"
            }
            uow.files.record_outcome(problem.file_id, INTERRUPTED, now, [reason])
            uow.audit.record(actor.name, "reconcile_file", "received_file", str(problem.file_id))
    uow.commit()
