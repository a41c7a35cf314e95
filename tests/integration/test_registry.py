"""Imports (all or nothing), users and protection holds through the services."""

from __future__ import annotations

import pytest

from muster.bootstrap import Muster
from muster.domain.errors import DomainError, NotFound, NotPermitted
from muster.domain.users import OPERATOR
from muster.intake import IntakeRejected, read_people, read_units
from muster.services.actors import resolve_user
from muster.services.registry import add_user, import_people, import_units, set_hold


def test_units_import_with_a_bad_parent_changes_nothing(muster: Muster) -> None:
    csv = (
        "code,name,kind,parent_code,host_country,region,workplace_type,slots\n"
        "W7,New factory,workplace,C1,XA,North,factory,10\n"
        "W8,Orphan,workplace,NOPE,XA,North,factory,10\n"
    )
    with muster.uow() as uow, pytest.raises(DomainError, match="parent 'NOPE' does not exist"):
        import_units(uow, OPERATOR, read_units(csv.encode(), "units.csv"))
    with muster.uow() as uow:
        assert "W7" not in uow.units.tree()


def test_people_import_names_the_row_of_an_unknown_workplace(muster: Muster) -> None:
    csv = (
        "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
        "workplace_code,role,purpose,arrived,permit_expires\n"
        "P9,Choe,Un Ha,최은하,1992-02-02,F,,W1,worker,work,,\n"
        "P10,Jong,Song,정성,1988-08-08,M,,W99,worker,work,,\n"
    )
    with muster.uow() as uow, pytest.raises(IntakeRejected) as rejected:
        import_people(uow, OPERATOR, read_people(csv.encode(), "people.csv"))
    error = rejected.value.errors[0]
    assert (error.row, error.column, error.value) == (3, "workplace_code", "W99")
    with muster.uow() as uow:
        assert uow.people.get("P9") is None


def test_nobody_grants_a_permission_they_lack(muster: Muster) -> None:
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "admin_c1", "C1", ["admin", "review"])
    with muster.uow() as uow, pytest.raises(NotPermitted, match="cannot grant protection"):
        add_user(uow, resolve_user(uow, "admin_c1"), "x", "W1", ["protection"])
    with muster.uow() as uow, pytest.raises(NotPermitted, match="outside"):
        add_user(uow, resolve_user(uow, "admin_c1"), "y", "W3", ["submit"])


def test_hold_needs_protection_and_is_audited(muster: Muster) -> None:
    with muster.uow() as uow, pytest.raises(NotPermitted, match="protection"):
        set_hold(uow, resolve_user(uow, "north"), "P1", True, "asked for asylum", muster.clock())
    with muster.uow() as uow:
        set_hold(uow, resolve_user(uow, "hq"), "P1", True, "asked for asylum", muster.clock())
    with muster.uow() as uow:
        assert uow.holds.held() == {"P1"}
    with muster.uow() as uow:
        set_hold(uow, resolve_user(uow, "hq"), "P1", False, None, muster.clock())
    with muster.uow() as uow:
        assert uow.holds.held() == set()


def test_unknown_user_is_refused(muster: Muster) -> None:
    with muster.uow() as uow, pytest.raises(NotPermitted, match="unknown user"):
        resolve_user(uow, "mallory")
    with muster.uow() as uow, pytest.raises(NotFound):
        set_hold(uow, OPERATOR, "P404", True, "x", muster.clock())
