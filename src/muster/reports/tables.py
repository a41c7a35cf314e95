"""The rows and counts every report format shows, read only from a ConsolidatedReport.

Writers render these and nothing else, so the visibility rules applied by `build_report`
(held persons, restricted sections, medical notes) hold in every format.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from muster.domain.calls import Timeliness
from muster.domain.categories import Catalogue
from muster.domain.completeness import UnitStatus, summary
from muster.domain.consolidation import ConsolidatedPerson, ConsolidatedReport
from muster.domain.errors import DomainError

Value = str | int | date | datetime | None

PERSON_COLUMNS: tuple[str, ...] = (
    "person_id",
    "name_native",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "passport_no",
    "category",
    "workplace",
    "fit_to_travel",
    "wants_to_return",
    "since",
    "notes",
    "sources",
)

COMPLETENESS_COLUMNS: tuple[str, ...] = (
    "unit",
    "name",
    "kind",
    "state",
    "submitted_at",
    "timeliness",
    "entries",
)

TIMELINESS_LABELS: dict[str, str] = {
    Timeliness.ON_TIME.value: "On time",
    Timeliness.LATE.value: "Late",
    Timeliness.MISSING.value: "Missing",
}

COUNT_TITLES: dict[str, tuple[str, str]] = {
    "section": ("Persons by section", "Section"),
    "category": ("Persons by category", "Category"),
    "region": ("Persons by region", "Region"),
    "type": ("Persons by workplace type", "Workplace type"),
}

NOTE_SEPARATOR = " | "


@dataclass(frozen=True)
class CountTable:
    """A titled list of (label, count) rows."""

    key: str
    title: str
    heading: str
    rows: tuple[tuple[str, int], ...]


def category_label(catalogue: Catalogue, code: str) -> str:
    """The category's label, or its code when the catalogue does not know it."""
    try:
        return catalogue.category(code).label
    except DomainError:
        return code


def sources_text(person: ConsolidatedPerson) -> str:
    """Where the person was reported, e.g. 'W012 v2; W031 v1' (each unit version once)."""
    seen = dict.fromkeys(f"{s.unit_code} v{s.version}" for s in person.sources)
    return "; ".join(seen)


def since(person: ConsolidatedPerson) -> date | None:
    """The since-date of the latest source reporting the person's merged category."""
    for source in reversed(person.sources):
        if source.entry.category == person.category and source.entry.since:
            return source.entry.since
    return person.entry.since


def person_row(person: ConsolidatedPerson, catalogue: Catalogue) -> list[Value]:
    """The person's cells, in PERSON_COLUMNS order."""
    entry = person.entry
    return [
        person.person_id,
        entry.name_native,
        entry.family_name,
        entry.given_name,
        entry.date_of_birth,
        entry.sex,
        entry.passport_no,
        category_label(catalogue, person.category),
        person.workplace,
        person.fit_to_travel,
        person.wants_to_return,
        since(person),
        NOTE_SEPARATOR.join(person.notes) or None,
        sources_text(person),
    ]


def completeness_row(status: UnitStatus) -> list[Value]:
    """One expected unit's cells, in COMPLETENESS_COLUMNS order (times in UTC)."""
    return [
        status.unit,
        status.name,
        status.kind,
        status.state,
        utc(status.submitted_at) if status.submitted_at else None,
        status.timeliness.value,
        status.entries,
    ]


def utc(moment: datetime) -> datetime:
    """The moment in UTC without tzinfo (spreadsheets cannot hold offsets)."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def when(moment: datetime | None) -> str:
    """A date-time as people read it in a report: 'YYYY-MM-DD HH:MM UTC'."""
    return utc(moment).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def headline(report: ConsolidatedReport) -> list[tuple[str, Value]]:
    """The facts at the top of every report: call, unit, time, viewer, persons and entries."""
    call = report.call
    return [
        ("Call", f"{call.title} (#{call.id})" if call.id is not None else call.title),
        ("Unit", report.unit_code),
        ("Generated at", when(report.generated_at)),
        ("Viewer", report.viewer),
        ("Persons", len(report.persons)),
        ("Entries merged", report.entries_merged),
        ("Medical notes", "shown" if report.show_medical else "withheld (no medical permission)"),
    ]


def timeliness_counts(report: ConsolidatedReport) -> list[tuple[str, str, int]]:
    """(code, label, units) for on time, late and missing."""
    counts = summary(list(report.completeness))
    return [(code, label, counts[code]) for code, label in TIMELINESS_LABELS.items()]


def section_counts(report: ConsolidatedReport) -> list[tuple[str, int]]:
    """(section label, persons) for every section shown, empty ones included."""
    return [(s.section.label, len(s.persons)) for s in report.sections]


def category_counts(report: ConsolidatedReport, catalogue: Catalogue) -> list[tuple[str, int]]:
    """(category label, persons) for every category with persons shown."""
    counts = report.counts.get("category", {})
    return [(category_label(catalogue, code), n) for code, n in counts.items()]


def count_tables(report: ConsolidatedReport, catalogue: Catalogue) -> list[CountTable]:
    """The count tables of the summary: by section, category, region and workplace type."""
    rows = {
        "section": section_counts(report),
        "category": category_counts(report, catalogue),
        "region": list(report.counts.get("region", {}).items()),
        "type": list(report.counts.get("type", {}).items()),
    }
    return [CountTable(key, *COUNT_TITLES[key], tuple(rows[key])) for key in COUNT_TITLES]
