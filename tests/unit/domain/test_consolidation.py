"""Merging one person's entries: section precedence, consent, identity fields, visibility."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from muster.domain.categories import DEFAULT_CATALOGUE
from muster.domain.consolidation import SourceEntry, build_report, merge_cluster
from muster.domain.submissions import Entry
from muster.domain.users import Permission, User
from tests.unit.domain.factories import T0, small_call, small_tree


def _source(rid: str, unit: str, minutes: int, entry: Entry) -> SourceEntry:
    return SourceEntry(rid, unit, 1, T0 + timedelta(minutes=minutes), entry)


def test_health_outranks_a_later_stranded_report_and_consent_needs_every_yes() -> None:
    a = _source(
        "a",
        "W1",
        1,
        Entry(
            "illness",
            family_name="Kim",
            wants_to_return="yes",
            fit_to_travel="no",
            passport_no="M1",
            note="fever",
        ),
    )
    b = _source(
        "b",
        "W3",
        2,
        Entry(
            "stranded_trip",
            family_name="KIM",
            wants_to_return="no",
            date_of_birth=date(1985, 3, 14),
        ),
    )
    person = merge_cluster("c1", [b, a], DEFAULT_CATALOGUE)
    assert person.category == "illness" and person.section == "health"
    assert person.wants_to_return == "no" and person.fit_to_travel == "no"
    # Identity and workplace from the fullest source (a tie: the smaller record id), never
    # from whichever list came last.
    assert person.workplace == "W1"
    assert person.entry.family_name == "Kim"
    later_a = replace(a, submitted_at=b.submitted_at + (b.submitted_at - a.submitted_at))
    again = merge_cluster("c1", [b, later_a], DEFAULT_CATALOGUE)
    assert (again.workplace, again.entry, again.category) == (
        person.workplace,
        person.entry,
        person.category,
    )
    assert person.entry.passport_no == "M1"  # filled from an older source
    assert person.entry.date_of_birth == date(1985, 3, 14)


def test_held_person_goes_to_protection_only() -> None:
    s = _source("a", "W1", 1, Entry("stranded_trip", person_id="P7", wants_to_return="yes"))
    person = merge_cluster("c", [replace(s, held=True)], DEFAULT_CATALOGUE)
    assert person.section == "protection" and person.held


def test_report_sections_depend_on_permissions_and_medical_notes_are_dropped() -> None:
    tree = small_tree()
    persons = [
        merge_cluster(
            "h",
            [_source("h", "W1", 1, Entry("illness", note="fractured femur"))],
            DEFAULT_CATALOGUE,
        ),
        merge_cluster(
            "w", [_source("w", "W2", 1, Entry("whereabouts_unknown"))], DEFAULT_CATALOGUE
        ),
        merge_cluster(
            "p",
            [replace(_source("p", "W3", 1, Entry("stranded_trip", person_id="P9")), held=True)],
            DEFAULT_CATALOGUE,
        ),
    ]
    plain = User("plain", "HQ", frozenset({Permission.REVIEW}))
    report = build_report(small_call(), "HQ", tree, persons, DEFAULT_CATALOGUE, plain, [], T0)
    assert [s.section.code for s in report.sections] == ["health", "stranded"]
    assert [p.cluster_id for p in report.persons] == ["h"]
    assert report.persons[0].notes == []
    assert report.counts["region"] == {"Dandong": 1}
    full = User("full", "HQ", frozenset(Permission))
    everything = build_report(small_call(), "HQ", tree, persons, DEFAULT_CATALOGUE, full, [], T0)
    assert {p.cluster_id for p in everything.persons} == {"h", "w", "p"}
    assert everything.persons[0].notes == ["fractured femur"]


def test_a_registered_person_takes_the_registry_identity_and_workplace() -> None:
    from muster.domain.people import Person, Sex

    listed = _source("a", "W3", 1, Entry("illness", person_id="P1", family_name="KIM"))
    other = _source("b", "W2", 2, Entry("stranded_trip", family_name="Gim", given_name="Cheolsu"))
    registered = Person("P1", "Kim", "Chol Su", "김철수", date(1985, 3, 14), Sex.M, "M1234567")
    person = merge_cluster("c", [listed, other], DEFAULT_CATALOGUE, {"P1": (registered, "W1")})
    assert person.workplace == "W1"
    entry = person.entry
    assert (entry.family_name, entry.given_name, entry.name_native) == ("Kim", "Chol Su", "김철수")
    assert (entry.sex, entry.passport_no) == ("M", "M1234567")
