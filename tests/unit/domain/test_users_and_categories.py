"""Scope rule, permissions, categories (no disciplinary tracking) and visibility."""

from __future__ import annotations

import pytest

from muster.domain.access import REDACTED, entries_as_seen, in_scope, require_scope
from muster.domain.categories import (
    DEFAULT_CATALOGUE,
    Mark,
    catalogue_from_mapping,
    catalogue_problems,
)
from muster.domain.errors import DomainError, NotPermitted
from muster.domain.submissions import Entry
from muster.domain.users import OPERATOR, Permission, User
from tests.unit.domain.factories import small_tree


def test_user_of_consulate_a_is_out_of_scope_for_consulate_b() -> None:
    tree = small_tree()
    ana = User("ana", "C1", frozenset({Permission.SUBMIT}))
    assert in_scope(ana, tree, "W1")
    assert not in_scope(ana, tree, "W3")
    assert not in_scope(ana, tree, "M1")
    with pytest.raises(NotPermitted, match="outside their unit's subtree"):
        require_scope(ana, tree, "W3")
    assert in_scope(OPERATOR, tree, "W3")


def test_default_catalogue_matches_spec() -> None:
    assert DEFAULT_CATALOGUE.codes() == [
        "illness", "work_injury", "stranded_trip", "stalled_business", "contract_ended",
        "whereabouts_unknown",
    ]  # fmt: skip
    assert DEFAULT_CATALOGUE.category("whereabouts_unknown").priority is None
    assert DEFAULT_CATALOGUE.section("welfare").mark is Mark.WELFARE
    assert DEFAULT_CATALOGUE.section("health").mark is Mark.MEDICAL
    assert DEFAULT_CATALOGUE.protection_section.code == "protection"
    assert catalogue_problems(DEFAULT_CATALOGUE) == []


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("detained", "Detained by police"),
        ("defector", "Defected"),
        ("contacts", "Contact with foreigners"),
        ("political", "Political reliability concerns"),
    ],
)
def test_disciplinary_categories_are_refused(code: str, label: str) -> None:
    data = {"categories": [{"code": code, "label": label, "section": "stranded", "priority": 3}]}
    with pytest.raises(DomainError, match="SPEC §2"):
        catalogue_from_mapping(data)


def test_visibility_of_held_welfare_and_medical() -> None:
    entries = [
        Entry("illness", person_id="P1", note="fractured leg", row=2),
        Entry("whereabouts_unknown", person_id="P2", row=3),
        Entry("stranded_trip", person_id="P3", note="waiting for a seat", row=4),
        Entry("stranded_trip", person_id="P4", row=5),
    ]
    plain = User("ana", "C1", frozenset({Permission.REVIEW}))
    shown = entries_as_seen(entries, DEFAULT_CATALOGUE, plain, {5})
    assert [e.person_id for e in shown] == ["P1", "P3"]
    assert shown[0].note == REDACTED
    assert shown[1].note == "waiting for a seat"
    assert [e.row for e in shown] == [2, 3]  # renumbered: no gap where hidden rows were
    everything = User("bo", "C1", frozenset(Permission))
    assert len(entries_as_seen(entries, DEFAULT_CATALOGUE, everything, {5})) == 4


def test_no_disciplinary_table_or_column_exists() -> None:
    from muster.store.tables import Base

    names = [t.name for t in Base.metadata.tables.values()]
    names += [c.name for t in Base.metadata.tables.values() for c in t.columns]
    for name in names:
        for word in ("detain", "detention", "defect", "contact", "reliab", "confine"):
            assert word not in name.lower(), name
