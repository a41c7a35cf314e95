"""Categories an entry can report, and the report sections they belong to (SPEC §4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from muster.domain.errors import DomainError


class Mark(StrEnum):
    """What a section holds that only some users may read (the access policy keys on marks)."""

    MEDICAL = "medical"  # medical details: the notes of its entries need `medical`
    WELFARE = "welfare"  # welfare entries: the whole section needs `welfare`
    PROTECTION = "protection"  # persons under a protection hold: the section needs `protection`


@dataclass(frozen=True)
class Section:
    """A section of a consolidated report; `mark` says what restricted content it holds."""

    code: str
    label: str
    mark: Mark | None = None


@dataclass(frozen=True)
class Category:
    """What an entry reports; `priority` None means never planned for return."""

    code: str
    label: str
    section: str
    priority: int | None


DEFAULT_SECTIONS: tuple[Section, ...] = (
    Section("health", "Unable to work: health", Mark.MEDICAL),
    Section("stranded", "Stranded or without work"),
    Section("welfare", "Whereabouts unknown: welfare follow-up", Mark.WELFARE),
    Section("protection", "Protection", Mark.PROTECTION),
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

    def section_of(self, category_code: str) -> Section:
        """The section a category belongs to."""
        return self.section(self.category(category_code).section)

    def marked(self, mark: Mark) -> list[Section]:
        """The sections carrying a mark."""
        return [s for s in self.sections if s.mark is mark]

    @property
    def protection_section(self) -> Section:
        """The one section where persons under a protection hold are reported."""
        return self.marked(Mark.PROTECTION)[0]


DEFAULT_CATALOGUE = Catalogue(DEFAULT_CATEGORIES, DEFAULT_SECTIONS)


def catalogue_from_mapping(data: Mapping[str, Any]) -> Catalogue:
    """Build a catalogue from parsed YAML: {sections: [...], categories: [...]}."""
    sections = tuple(_section(s) for s in data.get("sections", [])) or DEFAULT_SECTIONS
    categories = tuple(_category(c) for c in data.get("categories", []))
    catalogue = Catalogue(categories, sections)
    problems = catalogue_problems(catalogue)
    if problems:
        raise DomainError("; ".join(problems))
    return catalogue


def _section(raw: Mapping[str, Any]) -> Section:
    """One section entry of the YAML file; `mark` is medical, welfare or protection."""
    mark = raw.get("mark", raw.get("permission"))  # `permission:` was the first spelling
    if mark is not None and mark not in set(Mark):
        valid = ", ".join(m.value for m in Mark)
        raise DomainError(f"section {raw.get('code')!r}: mark {mark!r} is not one of {valid}")
    return Section(str(raw["code"]), str(raw["label"]), Mark(mark) if mark else None)


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
    return problems + _mark_problems(catalogue)


def _mark_problems(catalogue: Catalogue) -> list[str]:
    """The sections the access rules need: one for protection, and medical and welfare ones."""
    problems: list[str] = []
    protection = catalogue.marked(Mark.PROTECTION)
    if len(protection) != 1:
        problems.append(
            "exactly one section must be marked `protection` (where persons under a hold are "
            f"reported); found {len(protection)}"
        )
    for mark in (Mark.MEDICAL, Mark.WELFARE):
        if not catalogue.marked(mark):
            problems.append(f"no section is marked `{mark.value}`; the access rules need one")
    held_codes = {s.code for s in protection}
    for category in catalogue.categories:
        if category.section in held_codes:
            problems.append(
                f"category {category.code!r}: the protection section takes no categories; "
                "a person is placed there by a protection hold, not by a list"
            )
    return problems


def _forbidden(where: str, *texts: str) -> list[str]:
    """A problem for each text that names disciplinary tracking (SPEC §2)."""
    lowered = " ".join(texts).lower()
    return [
        f"{where}: Muster does not track {word}* (SPEC §2: welfare and work status only)"
        for word in FORBIDDEN_WORDS
        if word in lowered
    ]
