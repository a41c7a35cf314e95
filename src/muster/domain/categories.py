"""Categories an entry can report, and the report sections they belong to (SPEC §4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from muster.domain.errors import DomainError


@dataclass(frozen=True)
class Section:
    """A section of a consolidated report; `permission` restricts who may see it."""

    code: str
    label: str
    permission: str | None = None


@dataclass(frozen=True)
class Category:
    """What an entry reports; `priority` None means never planned for return."""

    code: str
    label: str
    section: str
    priority: int | None


DEFAULT_SECTIONS: tuple[Section, ...] = (
    Section("health", "Unable to work: health"),
    Section("stranded", "Stranded or without work"),
    Section("welfare", "Whereabouts unknown: welfare follow-up", permission="welfare"),
    Section("protection", "Protection", permission="protection"),
)

DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("illness", "Cannot work: illness", "health", 1),
    Category("work_injury", "Cannot work: workplace injury", "health", 1),
    Category("stranded_trip", "Stranded after a short business trip", "stranded", 2),
    Category("stalled_business", "Business cannot operate (closure, no orders)", "stranded", 3),
    Category("contract_ended", "Contract ended, awaiting return", "stranded", 3),
    Category(
        "whereabouts_unknown",
        "Left the workplace, whereabouts unknown (welfare check)",
        "welfare",
        None,
    ),
)

# SPEC §2: categories describe welfare and work status only. A configuration that tries to
# introduce disciplinary tracking is refused, whatever the code or label says.
FORBIDDEN_WORDS: tuple[str, ...] = (
    "detention",
    "detain",
    "confine",
    "defect",
    "reliab",
    "contact",
    "informant",
    "surveil",
)


@dataclass(frozen=True)
class Catalogue:
    """The categories and sections in force for one deployment of Muster."""

    categories: tuple[Category, ...]
    sections: tuple[Section, ...]

    def category(self, code: str) -> Category:
        """The category with this code."""
        for category in self.categories:
            if category.code == code:
                return category
        raise DomainError(f"unknown category {code!r}; known: {', '.join(self.codes())}")

    def section(self, code: str) -> Section:
        """The section with this code."""
        for section in self.sections:
            if section.code == code:
                return section
        raise DomainError(f"unknown section {code!r}")

    def codes(self) -> list[str]:
        """Category codes in catalogue order."""
        return [c.code for c in self.categories]


DEFAULT_CATALOGUE = Catalogue(DEFAULT_CATEGORIES, DEFAULT_SECTIONS)


def catalogue_from_mapping(data: Mapping[str, Any]) -> Catalogue:
    """Build a catalogue from parsed YAML: {sections: [...], categories: [...]}."""
    sections = (
        tuple(
            Section(str(s["code"]), str(s["label"]), s.get("permission"))
            for s in data.get("sections", [])
        )
        or DEFAULT_SECTIONS
    )
    categories = tuple(_category(c) for c in data.get("categories", []))
    catalogue = Catalogue(categories, sections)
    problems = catalogue_problems(catalogue)
    if problems:
        raise DomainError("; ".join(problems))
    return catalogue


def _category(raw: Mapping[str, Any]) -> Category:
    """One category entry of the YAML file."""
    priority = raw.get("priority")
    return Category(
        code=str(raw["code"]),
        label=str(raw["label"]),
        section=str(raw["section"]),
        priority=None if priority in (None, "never") else int(priority),
    )


def catalogue_problems(catalogue: Catalogue) -> list[str]:
    """Every problem of a catalogue: unknown sections, duplicate codes, forbidden tracking."""
    problems: list[str] = []
    section_codes = {s.code for s in catalogue.sections}
    seen: set[str] = set()
    for category in catalogue.categories:
        if category.code in seen:
            problems.append(f"category {category.code!r} appears twice")
        seen.add(category.code)
        if category.section not in section_codes:
            problems.append(f"category {category.code!r}: unknown section {category.section!r}")
        problems.extend(_forbidden(f"category {category.code!r}", category.code, category.label))
    for section in catalogue.sections:
        problems.extend(_forbidden(f"section {section.code!r}", section.code, section.label))
    if not catalogue.categories:
        problems.append("no categories defined")
    return problems


def _forbidden(where: str, *texts: str) -> list[str]:
    """A problem for each text that names disciplinary tracking (SPEC §2)."""
    lowered = " ".join(texts).lower()
    return [
        f"{where}: Muster does not track {word}* (SPEC §2: welfare and work status only)"
        for word in FORBIDDEN_WORDS
        if word in lowered
    ]


def sections_visible(catalogue: Catalogue, permissions: Sequence[str]) -> list[Section]:
    """The sections a user with these permissions may see."""
    return [s for s in catalogue.sections if s.permission is None or s.permission in permissions]
