"""Consolidation: accepted entries merged into persons, and the sectioned consolidated report.

Which entries belong to one person is decided by linkage (cluster ids); this module only
merges each cluster and applies the visibility rules of SPEC §2 and §4.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from muster.domain.calls import Call
from muster.domain.categories import Catalogue, Section
from muster.domain.completeness import UnitStatus
from muster.domain.submissions import IDENTITY_FIELDS, Entry
from muster.domain.units import UnitTree
from muster.domain.users import Permission, User

PROTECTION = "protection"
HEALTH = "health"


@dataclass(frozen=True)
class SourceEntry:
    """An accepted entry and where it came from."""

    record_id: str
    unit_code: str
    version: int
    submitted_at: datetime
    entry: Entry


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

    @property
    def entry(self) -> Entry:
        """The most recent source entry, its empty identity fields filled from older sources."""
        newest = self.sources[-1].entry
        filled: dict[str, Any] = {
            name: next((v for s in reversed(self.sources) if (v := getattr(s.entry, name))), None)
            for name in IDENTITY_FIELDS
            if getattr(newest, name) is None
        }
        return replace(newest, **filled) if filled else newest

    @property
    def person_id(self) -> str | None:
        """The registry id, from any source that linked one."""
        return next((s.entry.person_id for s in self.sources if s.entry.person_id), None)

    @property
    def notes(self) -> list[str]:
        """Every distinct note from the sources."""
        return list(dict.fromkeys(s.entry.note for s in self.sources if s.entry.note))


def merge_cluster(
    cluster_id: str, sources: Iterable[SourceEntry], catalogue: Catalogue, held: Set[str]
) -> ConsolidatedPerson:
    """Merge one person's entries: health outranks other sections, consent needs every 'yes'."""
    ordered = tuple(sorted(sources, key=lambda s: (s.submitted_at, s.record_id)))
    category = min(
        (s.entry.category for s in ordered),
        key=lambda c: (catalogue.category(c).section != HEALTH, _recency(c, ordered)),
    )
    person_ids = {s.entry.person_id for s in ordered if s.entry.person_id}
    is_held = bool(person_ids & set(held))
    return ConsolidatedPerson(
        cluster_id=cluster_id,
        sources=ordered,
        category=category,
        section=PROTECTION if is_held else catalogue.category(category).section,
        workplace=ordered[-1].unit_code,
        fit_to_travel=_agree([s.entry.fit_to_travel for s in ordered]),
        wants_to_return=_agree([s.entry.wants_to_return for s in ordered]),
        held=is_held,
    )


def _recency(category: str, ordered: tuple[SourceEntry, ...]) -> int:
    """Negative index of the latest source reporting this category (more recent sorts first)."""
    return -max(i for i, s in enumerate(ordered) if s.entry.category == category)


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
    """The sectioned report: held persons only in `protection`, restricted sections dropped."""
    allowed = [
        s
        for s in catalogue.sections
        if s.permission is None or viewer.has(Permission(s.permission))
    ]
    medical = viewer.has(Permission.MEDICAL)
    everyone = [p if medical else _without_medical_notes(p, catalogue) for p in persons]
    sections = tuple(
        ReportSection(s, tuple(sorted((p for p in everyone if p.section == s.code), key=_order)))
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
        show_medical=medical,
        counts=_counts(shown, tree),
        entries_merged=sum(len(p.sources) for p in shown),
    )


def _without_medical_notes(person: ConsolidatedPerson, catalogue: Catalogue) -> ConsolidatedPerson:
    """The person with the notes of every health-section source entry removed."""
    sources = tuple(
        replace(s, entry=replace(s.entry, note=None))
        if catalogue.category(s.entry.category).section == HEALTH
        else s
        for s in person.sources
    )
    return replace(person, sources=sources)


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
