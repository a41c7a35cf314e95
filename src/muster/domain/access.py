"""The one access policy (SPEC §2): who may act where, and what each permission reveals.

Every service asks this module; nothing else decides. Scope is the subtree rule: a user
acts and reads only within their unit's subtree. What a permission reveals is keyed on the
marks of the category catalogue (a section marked `medical`, `welfare` or `protection`),
never on section codes, so a renamed section cannot leak.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Set
from dataclasses import replace

from muster.domain.categories import Catalogue, Mark, Section
from muster.domain.errors import NotFound, NotPermitted, OutOfScope
from muster.domain.submissions import Entry
from muster.domain.units import UnitKind, UnitTree
from muster.domain.users import Permission, User

REDACTED = "[medical note: needs the medical permission]"
FIRST_ROW = 2  # a list's first data row as a spreadsheet shows it (row 1 is the header)

# The permission each mark asks of a reader: a section or a whole file.
PERMISSION_FOR: dict[Mark, Permission] = {
    Mark.MEDICAL: Permission.MEDICAL,
    Mark.WELFARE: Permission.WELFARE,
    Mark.PROTECTION: Permission.PROTECTION,
}


# -- scope ---------------------------------------------------------------------------------


def in_scope(user: User, tree: UnitTree, unit_code: str) -> bool:
    """True when `unit_code` lies in the user's unit subtree."""
    if user.is_operator:
        return True
    assert user.unit_code is not None
    return unit_code in tree and tree.is_within(unit_code, user.unit_code)


def require_scope(user: User, tree: UnitTree, unit_code: str) -> None:
    """Refuse when the unit lies outside the user's subtree (or does not exist)."""
    if not in_scope(user, tree, unit_code):
        raise OutOfScope(
            f"user {user.name!r} of unit {user.unit_code!r} may not act for unit "
            f"{unit_code!r}: it is outside their unit's subtree"
        )


def require_permission(user: User, permission: Permission) -> None:
    """Refuse when the user lacks a permission."""
    if not user.has(permission):
        raise NotPermitted(f"user {user.name!r} lacks the {permission.value!r} permission")


def require(user: User, permission: Permission, tree: UnitTree, unit_code: str) -> None:
    """Refuse unless the user holds the permission and the unit is in their subtree."""
    require_permission(user, permission)
    require_scope(user, tree, unit_code)


def units_in_scope(user: User, tree: UnitTree) -> set[str]:
    """Codes of every unit the user may see."""
    if user.is_operator:
        return {u.code for u in tree}
    if user.unit_code is None or user.unit_code not in tree:
        return set()
    return {u.code for u in tree.subtree(user.unit_code)}


def require_headquarters(user: User, tree: UnitTree, permission: Permission) -> None:
    """Refuse unless the user holds the permission at headquarters (organisation-wide data)."""
    require_permission(user, permission)
    if user.is_operator:
        return
    root = tree.headquarters()
    if root is None or user.unit_code != root.code:
        raise NotPermitted(
            f"user {user.name!r} of unit {user.unit_code!r}: only headquarters does this "
            "(rotation data and plans span every host: routes, quarantine, the replacement pool)"
        )


def require_visible_person(user: User, tree: UnitTree, workplaces: Collection[str]) -> None:
    """Refuse (as if absent) a person deployed nowhere in the user's subtree."""
    if user.is_operator:
        return
    if not any(in_scope(user, tree, w) for w in workplaces):
        raise NotFound("no such person in your unit's registry")


# -- what a permission reveals ----------------------------------------------------------------


def sees_held(user: User) -> bool:
    """Persons under a protection hold (or who may be) are shown only with `protection`."""
    return user.has(Permission.PROTECTION)


def may_see_section(user: User, section: Section) -> bool:
    """Welfare and protection sections need their permission; others are open to the scope."""
    if section.mark in (Mark.WELFARE, Mark.PROTECTION):
        return user.has(PERMISSION_FOR[section.mark])
    return True


def may_read_notes(user: User, section: Section) -> bool:
    """Notes of a medical section are medical details: they need `medical`."""
    return section.mark is not Mark.MEDICAL or user.has(Permission.MEDICAL)


def visible_sections(user: User, catalogue: Catalogue) -> list[Section]:
    """The report sections the user may see, in catalogue order."""
    return [s for s in catalogue.sections if may_see_section(user, s)]


def entry_as_seen(entry: Entry, catalogue: Catalogue, user: User, held: bool) -> Entry | None:
    """One entry as the user may see it, or None when they may not see it at all."""
    if held and not sees_held(user):
        return None
    section = catalogue.section_of(entry.category)
    if not may_see_section(user, section):
        return None
    if entry.note and not may_read_notes(user, section):
        return replace(entry, note=REDACTED)
    return entry


def entries_as_seen(
    entries: Iterable[Entry], catalogue: Catalogue, user: User, held_rows: Set[int]
) -> list[Entry]:
    """A list's entries as the user may see them.

    Rows are numbered again without gaps when anything was left out, so that row numbers
    never show where a hidden entry was.
    """
    everything = list(entries)
    shown = [
        seen
        for e in everything
        if (seen := entry_as_seen(e, catalogue, user, e.row in held_rows)) is not None
    ]
    if len(shown) == len(everything):
        return shown
    return [replace(e, row=FIRST_ROW + i) for i, e in enumerate(shown)]


def visible_count(
    total: int,
    by_category: Mapping[str, int] | None,
    held_visible: int,
    catalogue: Catalogue,
    user: User,
) -> int:
    """A count of entries as the user may know it (SPEC §7: `entries` counts only what the
    viewer may see): without entries of sections they may not see, nor held ones they would
    otherwise see."""
    hidden = sum(
        n
        for code, n in (by_category or {}).items()
        if code in catalogue.codes() and not may_see_section(user, catalogue.section_of(code))
    )
    return total - hidden - (0 if sees_held(user) else held_visible)


# -- original files -------------------------------------------------------------------------


def file_needs(catalogue: Catalogue, purpose: str, categories: Iterable[str]) -> set[Permission]:
    """Every permission the content of an original file could require.

    A list may name a person under a protection hold (its person may be held later, too),
    and carries whatever its call's categories reveal; a registry file names held persons.
    Organisation trees and the replacement pool hold nothing restricted.
    """
    if purpose == "list":
        marks = {catalogue.section_of(c).mark for c in categories if c in catalogue.codes()}
        return {Permission.PROTECTION} | {PERMISSION_FOR[m] for m in marks if m is not None}
    if purpose == "people":
        return {Permission.PROTECTION}
    return set()


def may_read_file(user: User, needs: Set[Permission]) -> bool:
    """Original bytes go to an administrator, or to whoever holds every permission they need."""
    return user.has(Permission.ADMIN) or all(user.has(p) for p in needs)


# -- units ----------------------------------------------------------------------------------


def require_workplace(tree: UnitTree, unit_code: str) -> None:
    """Refuse a unit that is not a workplace (lists are written by workplaces)."""
    if tree.get(unit_code).kind is not UnitKind.WORKPLACE:
        raise NotFound(f"{unit_code!r} is not a workplace")
