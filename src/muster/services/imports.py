"""Use case: import a units, people or replacements file — kept, recorded, all or nothing.

Services take bytes (DESIGN: faces never parse files): the receipt is committed and the
bytes archived before the file is read, exactly as for lists (services.receipts).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal

from muster.domain.access import require_headquarters, require_permission
from muster.domain.errors import DomainError
from muster.domain.units import UnitKind, UnitTree
from muster.domain.users import Permission, User
from muster.intake import IntakeRejected, Limits, read_people, read_replacements, read_units
from muster.intake.archive import FileArchive
from muster.services.receipts import Receipt, digest, receive
from muster.services.registry import import_people, import_units
from muster.services.rotation import import_replacements
from muster.store.files import ReceivedFile
from muster.store.uow import UnitOfWork

ImportKind = Literal["units", "people", "replacements"]


def import_file(
    uow: UnitOfWork,
    actor: User,
    archive: FileArchive,
    *,
    kind: ImportKind,
    data: bytes,
    filename: str,
    limits: Limits,
    now: datetime,
    kept: Receipt | None = None,
) -> int:
    """Keep the file, read it whole and import it; returns how many records were written.

    `kept`: the receipt of a file already kept by `keep_import` (an import run as a job):
    it is read from there and not received a second time.
    """
    tree = uow.units.tree()
    require_import(actor, tree, kind)
    receipt = kept or _receive(uow, actor, archive, tree, kind, data, filename, now)
    try:
        records = _read(kind, data, filename, limits, tree)
        uow.files.record_outcome(receipt.file_id, "accepted", now)  # commits with the import
        return _write(uow, actor, kind, records, now)
    except (IntakeRejected, DomainError) as refused:
        uow.session.rollback()
        reasons: list[dict[str, object]] = (
            refused.to_json() if isinstance(refused, IntakeRejected) else [{"reason": str(refused)}]
        )
        uow.files.record_outcome(receipt.file_id, "rejected", now, reasons)
        uow.commit()
        raise


def keep_import(
    uow: UnitOfWork,
    actor: User,
    archive: FileArchive,
    *,
    kind: ImportKind,
    data: bytes,
    filename: str,
    now: datetime,
) -> Receipt:
    """Receive and keep a file to import later (as a job): the receipt is committed and the
    bytes archived now, so nothing handed in is lost whatever happens to the job."""
    tree = uow.units.tree()
    require_import(actor, tree, kind)
    return _receive(uow, actor, archive, tree, kind, data, filename, now)


def require_import(actor: User, tree: UnitTree, kind: ImportKind) -> None:
    """Refuse unless the actor may import this kind of file (the registry and the tree:
    `admin`; the replacement pool: headquarters' planners)."""
    if kind == "replacements":
        require_headquarters(actor, tree, Permission.PLAN)
    else:
        require_permission(actor, Permission.ADMIN)


def _receive(
    uow: UnitOfWork,
    actor: User,
    archive: FileArchive,
    tree: UnitTree,
    kind: ImportKind,
    data: bytes,
    filename: str,
    now: datetime,
) -> Receipt:
    """Commit the receipt and keep the bytes, for the actor's unit."""
    root = tree.headquarters()
    unit = actor.unit_code or (root.code if root else None)
    received = ReceivedFile(
        None, digest(data), len(data), filename, kind, now, actor.name, None, unit
    )
    return receive(uow, archive, received, data, now)


def _read(kind: ImportKind, data: bytes, filename: str, limits: Limits, tree: UnitTree) -> Any:
    """The file's records; references to the tree are checked in the same pass as the cells,
    so every error of the file is reported at once."""
    if kind == "units":
        return read_units(data, filename, limits, existing=[u.code for u in tree])
    if kind == "people":
        workplaces = [u.code for u in tree if u.kind is UnitKind.WORKPLACE]
        return read_people(data, filename, limits, workplaces=workplaces)
    return read_replacements(data, filename, limits)


def _write(
    uow: UnitOfWork, actor: User, kind: ImportKind, records: Sequence[Any], now: datetime
) -> int:
    """Hand the records to the import service of their kind (it commits)."""
    if kind == "units":
        return import_units(uow, actor, records)
    if kind == "people":
        return import_people(uow, actor, records, now)
    return import_replacements(uow, actor, records)
