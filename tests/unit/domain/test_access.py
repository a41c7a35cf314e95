"""The one access policy: marks in the catalogue, not section codes, decide what is revealed."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from muster.domain.access import (
    REDACTED,
    entries_as_seen,
    file_needs,
    may_read_file,
    require_headquarters,
    units_in_scope,
)
from muster.domain.categories import DEFAULT_CATALOGUE, catalogue_from_mapping
from muster.domain.consolidation import SourceEntry, build_report, merge_cluster
from muster.domain.errors import DomainError, NotPermitted
from muster.domain.submissions import Entry
from muster.domain.users import OPERATOR, Permission, User
from tests.unit.domain.factories import small_call, small_tree

RENAMED = {
    "sections": [
        {"code": "sante", "label": "Santé", "mark": "medical"},
        {"code": "other", "label": "Other"},
        {"code": "suivi", "label": "Suivi", "mark": "welfare"},
        {"code": "asile", "label": "Protection", "mark": "protection"},
    ],
    "categories": [
        {"code": "malade", "label": "Malade", "section": "sante", "priority": 1},
        {"code": "bloque", "label": "Bloqué", "section": "other", "priority": 2},
        {"code": "disparu", "label": "Disparu", "section": "suivi", "priority": "never"},
    ],
}


def user(*permissions: Permission, unit: str = "C1") -> User:
    return User("u", unit, frozenset(permissions))


def test_a_renamed_health_section_still_hides_medical_notes() -> None:
    catalogue = catalogue_from_mapping(RENAMED)
    entries = [Entry("malade", note="tuberculosis", row=2), Entry("disparu", row=3)]
    shown = entries_as_seen(entries, catalogue, user(Permission.REVIEW), set())
    assert [(e.category, e.note) for e in shown] == [("malade", REDACTED)]
    medical = entries_as_seen(entries, catalogue, user(Permission.MEDICAL), set())
    assert medical[0].note == "tuberculosis"


@pytest.mark.parametrize("missing", ["medical", "welfare", "protection"])
def test_a_catalogue_without_a_marked_section_is_refused(missing: str) -> None:
    data = {**RENAMED, "sections": [s for s in RENAMED["sections"] if s.get("mark") != missing]}
    data["categories"] = [c for c in RENAMED["categories"] if c["section"] != "suivi"]
    with pytest.raises(DomainError, match=missing):
        catalogue_from_mapping(data)


def test_no_category_may_sit_in_the_protection_section() -> None:
    data = {**RENAMED, "categories": [*RENAMED["categories"]]}
    data["categories"].append({"code": "asylum", "label": "x", "section": "asile", "priority": 1})
    with pytest.raises(DomainError, match="protection section takes no categories"):
        catalogue_from_mapping(data)


def test_original_list_files_need_every_permission_their_content_could_require() -> None:
    needs = file_needs(DEFAULT_CATALOGUE, "list", ["illness", "whereabouts_unknown"])
    assert needs == {Permission.PROTECTION, Permission.MEDICAL, Permission.WELFARE}
    assert file_needs(DEFAULT_CATALOGUE, "list", ["stranded_trip"]) == {Permission.PROTECTION}
    assert not may_read_file(user(Permission.REVIEW), needs)
    assert not may_read_file(user(Permission.MEDICAL, Permission.PROTECTION), needs)
    assert may_read_file(user(Permission.MEDICAL, Permission.PROTECTION, Permission.WELFARE), needs)
    assert may_read_file(user(Permission.ADMIN), needs)
    assert file_needs(DEFAULT_CATALOGUE, "units", []) == set()


def test_rotation_data_is_written_at_headquarters_only() -> None:
    tree = small_tree()
    require_headquarters(OPERATOR, tree, Permission.PLAN)
    require_headquarters(user(Permission.PLAN, unit="HQ"), tree, Permission.PLAN)
    with pytest.raises(NotPermitted, match="only headquarters"):
        require_headquarters(user(Permission.PLAN, unit="M1"), tree, Permission.PLAN)
    with pytest.raises(NotPermitted, match="plan"):
        require_headquarters(user(Permission.REVIEW, unit="HQ"), tree, Permission.PLAN)
    assert units_in_scope(user(unit="C1"), tree) == {"C1", "W1", "W2"}


def _source(rid: str, category: str, note: str | None, day: int) -> SourceEntry:
    entry = Entry(category, person_id="P1", family_name="Kim", note=note, row=2)
    return SourceEntry(rid, f"W{day}", 1, _at(day), entry)


def _at(day: int) -> datetime:
    return datetime(2021, 7, day, tzinfo=UTC)


def test_a_welfare_entry_merged_with_a_health_entry_does_not_leak_its_note() -> None:
    tree = small_tree()
    person = merge_cluster(
        "c1",
        [
            _source("W1:a", "illness", "broken arm", 1),
            _source("W2:b", "whereabouts_unknown", "left with her brother to the city", 2),
        ],
        DEFAULT_CATALOGUE,
    )
    call = small_call()
    viewer = user(Permission.REVIEW, Permission.MEDICAL, unit="HQ")
    report = build_report(call, "HQ", tree, [person], DEFAULT_CATALOGUE, viewer, [], _at(3))
    shown = report.persons
    assert len(shown) == 1
    assert shown[0].notes == ["broken arm"]
    assert [s.record_id for s in shown[0].sources] == ["W1:a"]
    assert shown[0].workplace == "W1"
    welfare = user(Permission.REVIEW, Permission.MEDICAL, Permission.WELFARE, unit="HQ")
    full = build_report(call, "HQ", tree, [person], DEFAULT_CATALOGUE, welfare, [], _at(3))
    assert len(full.persons[0].notes) == 2


def test_a_held_source_puts_the_whole_person_in_protection() -> None:
    held = _source("W1:a", "illness", None, 1)
    others = _source("W2:b", "stranded_trip", None, 2)
    person = merge_cluster("c1", [replace(held, held=True), others], DEFAULT_CATALOGUE)
    assert person.held and person.section == "protection"
    assert date(2021, 7, 1) == person.sources[0].submitted_at.date()
