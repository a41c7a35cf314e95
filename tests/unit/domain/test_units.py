"""The organisation tree: structure rules and subtree queries."""

from __future__ import annotations

from dataclasses import replace

from muster.domain.units import Unit, UnitKind, UnitTree, validate_tree
from tests.unit.domain.factories import small_tree, small_units


def test_valid_tree_has_no_problems() -> None:
    assert validate_tree(small_units()) == []


def test_subtree_and_scope() -> None:
    tree = small_tree()
    assert [u.code for u in tree.subtree("C1")] == ["C1", "W1", "W2"]
    assert tree.is_within("W3", "M1")
    assert not tree.is_within("W3", "C1")
    assert tree.mission_of("W2") is not None and tree.mission_of("W2").code == "M1"  # type: ignore[union-attr]


def test_duplicate_codes_and_second_hq_are_refused() -> None:
    units = [*small_units(), Unit("HQ2", "Other HQ", UnitKind.HEADQUARTERS), small_units()[4]]
    problems = validate_tree(units)
    assert any("appears twice" in p for p in problems)
    assert any("exactly one headquarters" in p for p in problems)


def test_wrong_parent_kind_is_refused() -> None:
    units = small_units()
    units[2] = replace(units[2], parent_code="HQ")  # consulate straight under HQ
    problems = validate_tree(units)
    assert problems == [
        "unit 'C1': a consulate must be under a mission, not under headquarters 'HQ'"
    ]


def test_workplace_may_hang_under_a_mission_but_needs_slots() -> None:
    units = [*small_units(), Unit("W9", "Direct", UnitKind.WORKPLACE, "M1")]
    assert validate_tree(units) == ["unit 'W9': a workplace needs workplace_type and slots"]


def test_unknown_parent_is_refused() -> None:
    units = [*small_units(), replace(small_units()[4], code="W8", parent_code="NOPE")]
    assert validate_tree(units) == ["unit 'W8': parent 'NOPE' does not exist"]


def test_import_extends_an_existing_tree() -> None:
    existing = UnitTree(small_units())
    extra = replace(small_units()[4], code="W4", parent_code="C2")
    assert validate_tree([extra], existing) == []


def test_trade_defaults_to_workplace_type() -> None:
    w1 = small_tree().get("W1")
    assert w1.effective_trade == "factory"
    assert replace(w1, trade="sewing").effective_trade == "sewing"
