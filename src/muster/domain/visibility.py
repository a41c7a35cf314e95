"""What a viewer may see of an entry: protection holds, the welfare section, medical notes."""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import replace

from muster.domain.categories import Catalogue
from muster.domain.submissions import Entry
from muster.domain.users import Permission, User

HEALTH_SECTION = "health"
REDACTED = "[medical note: needs the medical permission]"


def visible_entries(
    entries: Iterable[Entry], catalogue: Catalogue, viewer: User, held: Set[str]
) -> list[Entry]:
    """The entries the viewer may see, with medical notes removed where they may not read them."""
    out: list[Entry] = []
    for entry in entries:
        shown = visible_entry(entry, catalogue, viewer, held)
        if shown is not None:
            out.append(shown)
    return out


def visible_entry(entry: Entry, catalogue: Catalogue, viewer: User, held: Set[str]) -> Entry | None:
    """One entry as the viewer may see it, or None when they may not see it at all."""
    if entry.person_id and entry.person_id in held and not viewer.has(Permission.PROTECTION):
        return None
    section = catalogue.section(catalogue.category(entry.category).section)
    if section.permission and not viewer.has(Permission(section.permission)):
        return None
    if section.code == HEALTH_SECTION and entry.note and not viewer.has(Permission.MEDICAL):
        return replace(entry, note=REDACTED)
    return entry
