"""Use cases for received files and list templates: nothing received is lost."""

from __future__ import annotations

from typing import Literal

from muster.domain.categories import Catalogue
from muster.domain.errors import NotFound
from muster.domain.submissions import IDENTITY_FIELDS
from muster.domain.units import UnitKind
from muster.domain.users import Permission, User, in_scope, require_scope
from muster.intake.archive import FileArchive
from muster.intake.templates import build_list_template
from muster.store.files import ReceivedFile
from muster.store.uow import UnitOfWork


def received_files(
    uow: UnitOfWork, actor: User, call_id: int, unit_code: str
) -> list[ReceivedFile]:
    """Every file received for a unit and call, accepted or rejected."""
    require_scope(actor, uow.units.tree(), unit_code)
    return uow.files.for_unit(call_id, unit_code)


def fetch_file(
    uow: UnitOfWork, actor: User, archive: FileArchive, file_id: int
) -> tuple[ReceivedFile, bytes]:
    """A received file and its original bytes, for those whose subtree it came from."""
    received = uow.files.get(file_id)
    tree = uow.units.tree()
    visible = received is not None and (
        actor.is_operator
        or (received.unit_code is not None and in_scope(actor, tree, received.unit_code))
    )
    if received is None or not visible:
        raise NotFound(f"no received file {file_id}")
    return received, archive.get(received.sha256)


def list_template(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    unit_code: str,
    fmt: Literal["xlsx", "csv"],
) -> bytes:
    """A list in the SPEC §5 format pre-filled with the workplace's roster."""
    call = uow.calls.get(call_id)
    tree = uow.units.tree()
    require_scope(actor, tree, unit_code)
    if tree.get(unit_code).kind is not UnitKind.WORKPLACE:
        raise NotFound(f"{unit_code!r} is not a workplace; templates are per workplace")
    held = set() if actor.has(Permission.PROTECTION) else uow.holds.held()
    rows = [
        {c: _text(getattr(p, c)) for c in IDENTITY_FIELDS}
        for p in uow.people.roster(unit_code)
        if p.person_id not in held
    ]
    categories = [(c, catalogue.category(c).label) for c in call.categories]
    return build_list_template(rows, categories, fmt)


def _text(value: object) -> str:
    """A cell value as text (dates ISO, enums by value, None empty)."""
    if value is None:
        return ""
    return str(getattr(value, "value", value))
