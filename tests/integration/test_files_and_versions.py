"""Nothing lost: originals come back to those allowed; versions compared; templates."""

from __future__ import annotations

import pytest

from muster.bootstrap import Muster
from muster.domain.errors import NotFound, NotPermitted
from muster.domain.users import OPERATOR
from muster.intake import read_list
from muster.services.actors import resolve_user
from muster.services.files import fetch_file, list_template, received_files
from muster.services.lists import diff_versions
from muster.services.registry import add_user, set_hold
from tests.integration.test_call_loop import HEADER, LIST_W1, _issue, _submit


def test_original_bytes_need_every_permission_their_content_could_require(
    muster: Muster,
) -> None:
    """Issue 9: `files get` handed the original to any reviewer whose subtree covered it."""
    call_id = _issue(muster)  # illness, stranded_trip, whereabouts_unknown
    _submit(muster, call_id, "W1", LIST_W1, "w1")
    every = ["review", "medical", "welfare", "protection"]
    for name, unit, perms in [
        ("c1.all", "C1", every),
        ("c1.medical", "C1", ["review", "medical", "protection"]),
        ("c1.admin", "C1", ["admin"]),
        ("c2.all", "C2", every),
    ]:
        with muster.uow() as uow:
            add_user(uow, OPERATOR, name, unit, perms)
    with muster.uow() as uow:
        (received,) = received_files(uow, resolve_user(uow, "north"), call_id, "W1")
        assert received.sender == "w1" and received.outcome == "accepted"
        file_id = received.id or 0
        for allowed in ("c1.all", "c1.admin", "hq"):
            _, data = fetch_file(
                uow, resolve_user(uow, allowed), muster.catalogue, muster.archive, file_id
            )
            assert data == LIST_W1.encode()
        for refused in ("north", "c1.medical", "c2.all", "w1"):
            with pytest.raises(NotFound):
                fetch_file(
                    uow, resolve_user(uow, refused), muster.catalogue, muster.archive, file_id
                )
        with pytest.raises(NotPermitted):
            received_files(uow, resolve_user(uow, "south"), call_id, "W1")
        reads = uow.audit.events(["read_file"])
        assert [(e.actor, e.entity_id) for e in reads] == [
            ("c1.all", str(file_id)),
            ("c1.admin", str(file_id)),
            ("hq", str(file_id)),
        ]


def test_diff_between_versions(muster: Muster) -> None:
    call_id = _issue(muster)
    _submit(muster, call_id, "W1", LIST_W1)
    second = LIST_W1.replace(",no,yes,fever", ",yes,yes,fever") + (
        "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stranded_trip,,yes,yes,\n"
    )
    _submit(muster, call_id, "W1", second)
    with muster.uow() as uow:
        a, b, changes = diff_versions(
            uow, OPERATOR, muster.catalogue, call_id=call_id, unit_code="W1"
        )
    assert (a, b) == (1, 2)
    assert sorted((c.kind, c.key) for c in changes) == [("added", "id:P2"), ("changed", "id:P1")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_template_round_trip_without_held_people(muster: Muster, fmt: str) -> None:
    call_id = _issue(muster)
    with muster.uow() as uow:
        set_hold(uow, OPERATOR, "P2", True, "asked for protection", muster.clock())
    with muster.uow() as uow:
        data = list_template(
            uow,
            resolve_user(uow, "north"),
            muster.catalogue,
            call_id=call_id,
            unit_code="W2",
            fmt=fmt,
        )  # type: ignore[arg-type]
    assert b"P2" not in data or fmt == "xlsx"
    parsed_empty = read_list(data, f"template.{fmt}", ["illness", "stranded_trip"])
    assert all(r.person_id != "P2" for r in parsed_empty.records())
    with muster.uow() as uow:
        w1 = list_template(
            uow, OPERATOR, muster.catalogue, call_id=call_id, unit_code="W1", fmt="csv"
        )
    text = w1.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER.strip()
    assert "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567" in text
