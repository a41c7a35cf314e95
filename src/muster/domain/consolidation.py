"""Consolidation: accepted entries merged into persons, and the sectioned consolidated report.

Which entries belong to one person is decided by linkage (cluster ids); this module only
merges each cluster and applies the visibility rules of SPEC §2 and §4.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from muster.domain.access import REDACTED, entry_as_seen, sees_held, visible_sections
from muster.domain.calls import Call
from muster.domain.categories import Catalogue, Mark, Section
from muster.domain.completeness import UnitStatus
from muster.domain.people import Person
from muster.domain.submissions import IDENTITY_FIELDS, Entry
from muster.domain.units import UnitTree
from muster.domain.users import Permission, User


@dataclass(frozen=True)
class SourceEntry:
    """An accepted entry and where it came from."""

    record_id: str
    unit_code: str
    version: int
    submitted_at: datetime
    entry: Entry
    held: bool = False  # the entry names, or may name, a person under a protection hold


@dataclass(frozen=True)
class ConsolidatedPerson:
    """One person as the consolidated report shows them, with every source entry."""

    cluster_id: str
    sources: tuple[SourceEntry, ...]
    category: str
    section: str
    workplace: str
    fit_to_travel: str
    wants_to_return: str
    held: bool = False
    registry: Person | None = None  # the registry's record, when a source linked one

    @property
    def entry(self) -> Entry:
        """Who the person is: the registry's identity when known, else the fullest source.

        Never depends on upload order (a report from the same lists is the same report):
        the fullest source wins, ties go to the smallest record id, and its empty identity
        fields are filled from the other sources in the same order.
        """
        ranked = sorted(self.sources, key=_fullness)
        base = ranked[0].entry
        filled: dict[str, Any] = {
            name: next((v for s in ranked if (v := getattr(s.entry, name))), None)
            for name in IDENTITY_FIELDS
            if getattr(base, name) is None
        }
        if self.registry is not None:
            filled.update(_registry_identity(self.registry))
        return replace(base, **filled) if filled else base

    @property
    def person_id(self) -> str | None:
        """The registry id, from any source that linked one (the smallest, if several)."""
        return min((s.entry.person_id for s in self.sources if s.entry.person_id), default=None)

    @property
    def notes(self) -> list[str]:
        """Every distinct note from the sources."""
        return list(dict.fromkeys(s.entry.note for s in self.sources if s.entry.note))


def merge_cluster(
    cluster_id: str,
    sources: Iterable[SourceEntry],
    catalogue: Catalogue,
    registry: Mapping[str, tuple[Person, str | None]] | None = None,
) -> ConsolidatedPerson:
    """Merge one person's entries: medical sections outrank others, consent needs every 'yes'.

    Nothing depends on the order lists arrived in: the category is the most urgent one
    (a medical section first, then the lowest priority number); the workplace is the
    registry's (when a source names a registered person) or the fullest source's. A person
    is held when any entry names, or may name, a held person: the whole person then goes to
    the protection section.
    """
    ordered = tuple(sorted(sources, key=lambda s: (s.submitted_at, s.record_id)))
    category = min((s.entry.category for s in ordered), key=lambda c: _urgency(c, catalogue))
    is_held = any(s.held for s in ordered)
    section = catalogue.protection_section if is_held else catalogue.section_of(category)
    ids = sorted(s.entry.person_id for s in ordered if s.entry.person_id)
    person, deployed = (registry or {}).get(ids[0], (None, None)) if ids else (None, None)
    return ConsolidatedPerson(
        cluster_id=cluster_id,
        sources=ordered,
        category=category,
        section=section.code,
        workplace=deployed or min(ordered, key=_fullness).unit_code,
        fit_to_travel=_agree([s.entry.fit_to_travel for s in ordered]),
        wants_to_return=_agree([s.entry.wants_to_return for s in ordered]),
        held=is_held,
        registry=person,
    )


def _urgency(category: str, catalogue: Catalogue) -> tuple[bool, int, str]:
    """Sort key of categories: medical sections first, then priority (never planned last)."""
    found = catalogue.category(category)
    medical = catalogue.section_of(category).mark is Mark.MEDICAL
    return (not medical, found.priority if found.priority is not None else 1_000, category)


def _fullness(source: SourceEntry) -> tuple[int, str]:
    """Sort key of sources: more identity fields first, then the record id."""
    known = sum(1 for name in IDENTITY_FIELDS if getattr(source.entry, name) is not None)
    return (-known, source.record_id)


def _registry_identity(person: Person) -> dict[str, Any]:
    """The identity fields of a registry record, as entry fields."""
    values = {name: getattr(person, name) for name in IDENTITY_FIELDS}
    values["sex"] = person.sex.value if person.sex else None
    return values


def _agree(values: list[str]) -> str:
    """'no' if any source says no; 'yes' only if some say yes and none say no; else unknown."""
    if "no" in values:
        return "no"
    return "yes" if "yes" in values else "unknown"


@dataclass(frozen=True)
class ReportSection:
    """A section of the report and the persons in it."""

    section: Section
    persons: tuple[ConsolidatedPerson, ...]


@dataclass(frozen=True)
class ConsolidatedReport:
    """A mission's (or headquarters') merge of accepted submissions, as one viewer may see it."""

    call: Call
    unit_code: str
    viewer: str
    generated_at: datetime
    sections: tuple[ReportSection, ...]
    completeness: tuple[UnitStatus, ...]
    show_medical: bool
    counts: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    entries_merged: int = 0

    @property
    def persons(self) -> list[ConsolidatedPerson]:
        """Every person shown, section by section."""
        return [p for s in self.sections for p in s.persons]


def build_report(
    call: Call,
    unit_code: str,
    tree: UnitTree,
    persons: Iterable[ConsolidatedPerson],
    catalogue: Catalogue,
    viewer: User,
    completeness: Iterable[UnitStatus],
    generated_at: datetime,
) -> ConsolidatedReport:
    """The sectioned report as the viewer may see it (held persons only in protection)."""
    allowed = visible_sections(viewer, catalogue)
    seen = [p for person in persons if (p := person_as_seen(person, catalogue, viewer))]
    sections = tuple(
        ReportSection(s, tuple(sorted((p for p in seen if p.section == s.code), key=_order)))
        for s in allowed
    )
    shown = [p for s in sections for p in s.persons]
    return ConsolidatedReport(
        call=call,
        unit_code=unit_code,
        viewer=viewer.name,
        generated_at=generated_at,
        sections=sections,
        completeness=tuple(completeness),
        show_medical=viewer.has(Permission.MEDICAL),
        counts=_counts(shown, tree),
        entries_merged=sum(len(p.sources) for p in shown),
    )


def person_as_seen(
    person: ConsolidatedPerson, catalogue: Catalogue, viewer: User
) -> ConsolidatedPerson | None:
    """A merged person built again from only the entries the viewer may see, or None.

    A welfare entry merged with a health entry of the same person must not lend its note,
    its workplace or its source to a viewer without `welfare`; medical notes are removed
    without `medical`; a held person is seen only with `protection`.
    """
    if person.held:
        return person if sees_held(viewer) else None
    kept = [
        replace(s, entry=_without_redacted(seen))
        for s in person.sources
        if (seen := entry_as_seen(s.entry, catalogue, viewer, held=False)) is not None
    ]
    if len(kept) == len(person.sources) and all(
        k.entry is s.entry for k, s in zip(kept, person.sources, strict=True)
    ):
        return person  # nothing withheld
    if not kept:
        return None
    registry = (
        {person.registry.person_id: (person.registry, person.workplace)}
        if person.registry
        else None
    )
    return merge_cluster(person.cluster_id, kept, catalogue, registry)


def _without_redacted(entry: Entry) -> Entry:
    """A report leaves a withheld medical note out (its headline says notes are withheld)."""
    return replace(entry, note=None) if entry.note == REDACTED else entry


def _order(person: ConsolidatedPerson) -> tuple[str, str]:
    """Persons sorted by workplace, then name."""
    entry = person.entry
    return person.workplace, entry.name_native or entry.family_name or ""


def _counts(persons: list[ConsolidatedPerson], tree: UnitTree) -> dict[str, dict[str, int]]:
    """Counts by section, category, region and workplace type."""
    by: dict[str, Counter[str]] = {k: Counter() for k in ("section", "category", "region", "type")}
    for person in persons:
        unit = tree.get(person.workplace) if person.workplace in tree else None
        by["section"][person.section] += 1
        by["category"][person.category] += 1
        by["region"][(unit.region if unit else None) or "unknown"] += 1
        kind = unit.workplace_type.value if unit and unit.workplace_type else "unknown"
        by["type"][kind] += 1
    return {k: dict(sorted(v.items())) for k, v in by.items()}
