"""Use cases for received files and list templates: nothing received is lost, nothing leaks."""

from __future__ import annotations

from typing import Literal

from muster.domain.access import (
    file_needs,
    in_scope,
    may_read_file,
    require_scope,
    require_workplace,
    sees_held,
)
from muster.domain.categories import Catalogue
from muster.domain.errors import NotFound
from muster.domain.submissions import IDENTITY_FIELDS
from muster.domain.users import User
from muster.intake.archive import FileArchive
from muster.intake.templates import build_list_template
from muster.store.files import ReceivedFile
from muster.store.uow import UnitOfWork


def received_files(
    uow: UnitOfWork, actor: User, call_id: int, unit_code: str
) -> list[ReceivedFile]:
    """Every file received for a unit and call, accepted or rejected (receipts, not bytes)."""
    require_scope(actor, uow.units.tree(), unit_code)
    return uow.files.for_unit(call_id, unit_code)


def fetch_file(
    uow: UnitOfWork, actor: User, catalogue: Catalogue, archive: FileArchive, file_id: int
) -> tuple[ReceivedFile, bytes]:
    """A received file's original bytes, for those allowed to see everything it may hold.

    An original list may name a person under a protection hold and carry medical or welfare
    entries: it needs every permission its call's categories could require (or `admin`),
    within the reader's subtree. Every read is audited.
    """
    received = uow.files.get(file_id)
    if received is None or not _may_fetch(uow, actor, catalogue, received):
        raise NotFound(f"no received file {file_id} you may read")
    data = archive.get(received.sha256)
    uow.audit.record(
        actor.name, "read_file", "received_file", str(file_id), None,
        {"sha256": received.sha256, "purpose": received.purpose},
    )  # fmt: skip
    uow.commit()
    return received, data


def _may_fetch(uow: UnitOfWork, actor: User, catalogue: Catalogue, received: ReceivedFile) -> bool:
    """Scope (the unit the file came for) and every permission its content could need."""
    if actor.is_operator:
        return True
    if received.unit_code is None or not in_scope(actor, uow.units.tree(), received.unit_code):
        return False
    categories = uow.calls.get(received.call_id).categories if received.call_id else ()
    return may_read_file(actor, file_needs(catalogue, received.purpose, categories))


def list_template(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    unit_code: str,
    fmt: Literal["xlsx", "csv"],
) -> bytes:
    """A list in the SPEC §5 format pre-filled with the workplace's roster (audited)."""
    call = uow.calls.get(call_id)
    tree = uow.units.tree()
    require_scope(actor, tree, unit_code)
    require_workplace(tree, unit_code)
    held = set() if sees_held(actor) else uow.holds.held()
    rows = [
        {c: _text(getattr(p, c)) for c in IDENTITY_FIELDS}
        for p in uow.people.roster(unit_code)
        if p.person_id not in held
    ]
    categories = [(c, catalogue.category(c).label) for c in call.categories]
    data = build_list_template(rows, categories, fmt)
    uow.audit.record(
        actor.name, "read_template", "unit", unit_code, None, {"call": call_id, "rows": len(rows)}
    )
    uow.commit()
    return data


def _text(value: object) -> str:
    """A cell value as text (dates ISO, enums by value, None empty)."""
    if value is None:
        return ""
    return str(getattr(value, "value", value))
