"""Scope rule, permissions, categories (no disciplinary tracking) and visibility."""

from __future__ import annotations

import pytest

from muster.domain.categories import (
    DEFAULT_CATALOGUE,
    catalogue_from_mapping,
    catalogue_problems,
)
from muster.domain.errors import DomainError, NotPermitted
from muster.domain.submissions import Entry
from muster.domain.users import OPERATOR, Permission, User, in_scope, require_scope
from muster.domain.visibility import REDACTED, visible_entries
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
    assert DEFAULT_CATALOGUE.section("welfare").permission == "welfare"
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
        Entry("illness", person_id="P1", note="fractured leg"),
        Entry("whereabouts_unknown", person_id="P2"),
        Entry("stranded_trip", person_id="P3", note="waiting for a seat"),
        Entry("stranded_trip", person_id="P4"),
    ]
    plain = User("ana", "C1", frozenset({Permission.REVIEW}))
    shown = visible_entries(entries, DEFAULT_CATALOGUE, plain, {"P4"})
    assert [e.person_id for e in shown] == ["P1", "P3"]
    assert shown[0].note == REDACTED
    assert shown[1].note == "waiting for a seat"
    everything = User("bo", "C1", frozenset(Permission))
    assert len(visible_entries(entries, DEFAULT_CATALOGUE, everything, {"P4"})) == 4


def test_no_disciplinary_table_or_column_exists() -> None:
    from muster.store.tables import Base

    names = [t.name for t in Base.metadata.tables.values()]
    names += [c.name for t in Base.metadata.tables.values() for c in t.columns]
    for name in names:
        for word in ("detain", "detention", "defect", "contact", "reliab", "confine"):
            assert word not in name.lower(), name
