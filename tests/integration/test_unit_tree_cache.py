"""The organisation tree is built once per change, not once per request: a process keeps the
tree with the revision token it read, and every change of a unit writes a new token."""

from __future__ import annotations

from muster.bootstrap import Muster, bootstrap
from muster.domain.units import Unit, UnitKind
from muster.domain.users import OPERATOR
from muster.intake import read_units
from muster.services.registry import import_units

NEW_WORKPLACE = (
    "code,name,kind,parent_code,host_country,region,workplace_type,slots\n"
    "W9,Bakery,workplace,C1,CN,Dandong,restaurant,6\n"
)


def _tree_codes(muster: Muster) -> set[str]:
    with muster.uow() as uow:
        return {u.code for u in uow.units.tree()}


def test_a_tree_is_kept_between_units_of_work_until_a_unit_changes(muster: Muster) -> None:
    with muster.uow() as uow:
        first = uow.units.tree()
    with muster.uow() as uow:
        assert uow.units.tree() is first  # nothing changed: not read again
    with muster.uow() as uow:
        import_units(uow, OPERATOR, read_units(NEW_WORKPLACE.encode(), "units.csv"))
    with muster.uow() as uow:
        again = uow.units.tree()
    assert again is not first and "W9" in again and "W9" not in first


def test_another_process_change_is_seen(muster: Muster) -> None:
    """A second engine on the same database stands for another server process or the CLI."""
    assert "W9" not in _tree_codes(muster)  # this process keeps its tree
    other = bootstrap(muster.settings.database_url)
    try:
        with other.uow() as uow:
            import_units(uow, OPERATOR, read_units(NEW_WORKPLACE.encode(), "units.csv"))
    finally:
        other.engine.dispose()
    assert "W9" in _tree_codes(muster)


def test_a_change_rolled_back_leaves_the_kept_tree_right(muster: Muster) -> None:
    with muster.uow() as uow:
        kept = uow.units.tree()
    with muster.uow() as uow:
        uow.units.save(Unit("W8", "Gone", UnitKind.WORKPLACE, "C1", "CN"))
        uow.units.flush()
        assert "W8" in uow.units.tree()  # its own transaction sees the change
        # leaving without commit rolls the unit and its token back
    with muster.uow() as uow:
        assert uow.units.tree() is kept and "W8" not in kept


def test_two_changes_in_two_transactions_of_one_unit_of_work_are_both_seen(
    muster: Muster,
) -> None:
    _tree_codes(muster)
    with muster.uow() as uow:
        uow.units.save(Unit("W8", "Eight", UnitKind.WORKPLACE, "C1", "CN"))
        uow.commit()
        assert "W8" in _tree_codes(muster)
        uow.units.save(Unit("W7", "Seven", UnitKind.WORKPLACE, "C1", "CN"))
        uow.commit()
    assert {"W7", "W8"} <= _tree_codes(muster)
