"""Registry search by any spelling, a person's page, the audit log and user administration,
through the real services on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from muster.bootstrap import Muster
from muster.domain.access import REDACTED
from muster.domain.errors import DomainError, NotFound, NotPermitted, OutOfScope
from muster.domain.units import UnitTree
from muster.domain.users import OPERATOR, Permission, User
from muster.intake import read_people
from muster.services.accounts import SignInRefused, session_viewer, set_password, sign_in
from muster.services.actors import resolve_user
from muster.services.audit import AuditFilter, _place, audit_csv, audit_log
from muster.services.lists import list_entries
from muster.services.people import NAME_KEYS, current_holds, person_page, search_people
from muster.services.registry import add_user, import_people, set_hold
from muster.services.users import (
    change_password,
    disable_user,
    enable_user,
    reset_password,
    users_of_subtree,
)
from muster.store.tables import PersonRow
from muster.store.uow import UnitOfWork
from tests.integration.conftest import PEOPLE_CSV, Clock
from tests.integration.test_call_loop import HEADER, _issue, _submit

KIM = ("Kim Chol Su", "Gim Cheol-su", "김철수", "金哲洙", "KIM, Chol Su", "Kim Cheolsu")
RI = ("Ri Yong Hui", "Yi Yeong-hui", "이영희", "리영희")


def _search(app: Muster, who: str | None, query: str) -> list[str]:
    with app.uow() as uow:
        found = search_people(uow, resolve_user(uow, who), query, app.clock())
    return [f.person.person_id for f in found]


@pytest.mark.parametrize("query", KIM)
def test_every_spelling_of_a_name_finds_the_person(muster: Muster, query: str) -> None:
    assert _search(muster, "hq", query) == ["P1"]
    assert _search(muster, "north", query) == ["P1"]


def test_other_scripts_passport_and_person_id_find_the_person(muster: Muster) -> None:
    for query in RI:
        assert _search(muster, "mission", query) == ["P2"], query
    assert _search(muster, "mission", "m1234567") == ["P1"]
    assert _search(muster, "mission", "M-123 4567") == ["P1"]
    assert _search(muster, "mission", "P3") == ["P3"]
    assert _search(muster, "mission", "Pak") == ["P3"]  # a lone family name
    assert _search(muster, "mission", "Choe Un Hui") == []
    assert _search(muster, "mission", "   ") == []


def test_stored_keys_follow_the_registry_and_missing_ones_are_worked_out(
    muster: Muster,
) -> None:
    with muster.uow() as uow:  # keys stored as the registry is imported
        row = uow.session.get(PersonRow, "P1")
        assert row is not None and (row.family_key, row.name_keys) == ("KIM", NAME_KEYS)
        assert row.passport_key == "M1234567"
    renamed = PEOPLE_CSV.replace("P1,Kim,Chol Su,김철수", "P1,Choe,Un Hui,최은희")
    assert renamed != PEOPLE_CSV
    with muster.uow() as uow:
        import_people(uow, OPERATOR, read_people(renamed.encode(), "people.csv"))
    assert _search(muster, "hq", "Kim Chol Su") == [] and _search(muster, "hq", "최은희") == ["P1"]
    with muster.uow() as uow:  # as after an upgrade, or a normaliser whose keys changed
        gone = {"family_key": None, "given_key": None, "passport_key": None, "name_keys": None}
        uow.session.execute(update(PersonRow).values(**gone))
        uow.commit()
    assert _search(muster, "hq", "Choe Eun-hui") == ["P1"]
    assert _search(muster, "mission", "Ri Yong Hui") == ["P2"]
    with muster.uow() as uow:
        assert uow.people.stale_name_keys(NAME_KEYS) == []
        assert uow.people.stale_name_keys(NAME_KEYS + 1) != []  # a newer version: all again


def test_another_subtree_finds_nothing(muster: Muster) -> None:
    for query in (*KIM, "M1234567", "P1"):
        assert _search(muster, "south", query) == [], query
        assert _search(muster, "w3", query) == [], query
    assert _search(muster, "south", "박명남") == ["P3"]
    with muster.uow() as uow, pytest.raises(NotFound):
        person_page(uow, resolve_user(uow, "south"), muster.catalogue, "P1", muster.clock())


def test_a_held_person_exists_only_for_protection(muster: Muster) -> None:
    with muster.uow() as uow:
        set_hold(uow, OPERATOR, "P1", True, "asked for protection", muster.clock())
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "m.officer", "M1", ["protection"])
    for query in (*KIM, "M1234567", "P1"):
        assert _search(muster, "mission", query) == [], query
        assert _search(muster, "north", query) == [], query
        assert _search(muster, "m.officer", query) == ["P1"], query
    with muster.uow() as uow:
        found = search_people(uow, resolve_user(uow, "hq"), "김철수", muster.clock())
    assert [f.held for f in found] == [True]
    with muster.uow() as uow, pytest.raises(NotFound):
        person_page(uow, resolve_user(uow, "mission"), muster.catalogue, "P1", muster.clock())
    with muster.uow() as uow:
        page = person_page(
            uow, resolve_user(uow, "m.officer"), muster.catalogue, "P1", muster.clock()
        )
        assert page.held
        holds = current_holds(uow, resolve_user(uow, "m.officer"))
    assert [(h.person.person_id, h.reason) for h in holds] == [("P1", "asked for protection")]
    with muster.uow() as uow, pytest.raises(NotPermitted):
        current_holds(uow, resolve_user(uow, "mission"))


def test_a_persons_page_shows_the_lists_that_named_them_within_permissions(
    muster: Muster,
) -> None:
    call_id = _issue(muster)
    # W1 names Kim by a spelling (no person_id), with a medical note; a welfare entry by passport.
    body = HEADER + (
        ",Gim,Cheol-su,,1985-03-14,M,,illness,2021-07-01,no,yes,fever\n"
        ",Ri,Yong Hui,리영희,1990-11-02,F,M2345678,whereabouts_unknown,,unknown,unknown,gone\n"
    )
    _submit(muster, call_id, "W1", body)
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "m.medical", "M1", ["medical", "welfare"])
    with muster.uow() as uow:
        mission = person_page(
            uow, resolve_user(uow, "mission"), muster.catalogue, "P1", muster.clock()
        )
        medical = person_page(
            uow, resolve_user(uow, "m.medical"), muster.catalogue, "P1", muster.clock()
        )
        ri_mission = person_page(
            uow, resolve_user(uow, "mission"), muster.catalogue, "P2", muster.clock()
        )
        ri_welfare = person_page(
            uow, resolve_user(uow, "m.medical"), muster.catalogue, "P2", muster.clock()
        )
    assert [(m.call_id, m.unit_code, m.entry.category) for m in mission.mentions] == [
        (call_id, "W1", "illness")
    ]
    assert mission.mentions[0].entry.note == REDACTED
    assert medical.mentions[0].entry.note == "fever"
    assert [d.workplace_code for d in mission.deployments] == ["W1"]
    assert ri_mission.mentions == ()  # welfare entries need `welfare`
    assert [m.section for m in ri_welfare.mentions] == ["welfare"]
    with muster.uow() as uow:
        reads = [e for e in uow.audit.events({"read_person"}) if e.actor == "mission"]
    assert [e.entity_id for e in reads] == ["P1", "P2"]


def test_the_audit_log_is_read_within_the_subtree_and_holds_stay_hidden(
    muster: Muster, clock: Clock
) -> None:
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "c1.admin", "C1", ["admin"])
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "c2.admin", "C2", ["admin"])
    with muster.uow() as uow:
        set_hold(uow, OPERATOR, "P1", True, "asked for protection", clock())
    with muster.uow() as uow:
        person_page(uow, resolve_user(uow, "north"), muster.catalogue, "P2", clock())
    with muster.uow() as uow:
        c1 = audit_log(uow, resolve_user(uow, "c1.admin"), AuditFilter(), clock())
        c2 = audit_log(uow, resolve_user(uow, "c2.admin"), AuditFilter(), clock())
        hq = audit_log(uow, resolve_user(uow, "hq"), AuditFilter(), clock())
    c1_seen = {(e.event.action, e.event.entity_id) for e in c1.events}
    c2_seen = {(e.event.action, e.event.entity_id) for e in c2.events}
    assert ("read_person", "P2") in c1_seen and ("read_person", "P2") not in c2_seen
    assert ("add_user", "north") in c1_seen and ("add_user", "north") not in c2_seen
    assert ("add_user", "south") in c2_seen and ("add_user", "south") not in c1_seen
    assert ("hold", "P1") not in c1_seen  # an admin without protection: nothing of holds
    assert "hold" not in c1.actions and "hold" in hq.actions  # not even that holds exist
    call_id = _issue(muster)
    _submit(muster, call_id, "W1", HEADER + "P1,Kim,Chol Su,,,M,,illness,,no,yes,\n", "w1")
    with muster.uow() as uow:
        mine = audit_log(uow, resolve_user(uow, "c1.admin"), AuditFilter(action="submit"), clock())
        every = audit_log(uow, resolve_user(uow, "hq"), AuditFilter(action="submit"), clock())
    # W1's list names held P1: a count of its entries would tell C1's admin more than C1 sees
    assert [(p.withheld, p.event.after) for p in mine.events] == [(True, None)]
    assert [p.event.after["entries"] for p in every.events if p.event.after] == [1]
    assert ("hold", "P1") in {(e.event.action, e.event.entity_id) for e in hq.events}
    assert all(u in {"C1", "W1", "W2"} for e in c1.events for u in e.units)
    with muster.uow() as uow:
        mine = audit_log(
            uow, resolve_user(uow, "hq"), AuditFilter(actor="north", action="read_person"), clock()
        )
        below = audit_log(uow, resolve_user(uow, "hq"), AuditFilter(unit="C2"), clock())
    assert [(e.event.actor, e.event.entity_id) for e in mine.events] == [("north", "P2")]
    assert {e.event.entity_id for e in below.events if e.event.action == "add_user"} == {
        "south",
        "w3",
        "c2.admin",
    }
    with muster.uow() as uow, pytest.raises(NotPermitted):
        audit_log(uow, resolve_user(uow, "north"), AuditFilter(), clock())
    with muster.uow() as uow, pytest.raises(NotPermitted):  # another subtree: OutOfScope
        audit_log(uow, resolve_user(uow, "c1.admin"), AuditFilter(unit="C2"), clock())
    with muster.uow() as uow:
        data = audit_csv(uow, resolve_user(uow, "c1.admin"), AuditFilter(), clock())
        reads = [e.actor for e in uow.audit.events({"read_audit", "export_audit"})]
    text = data.decode("utf-8-sig")
    assert text.startswith("at,actor,action,entity,entity_id,units,before,after")
    assert "read_person" in text and "c2.admin" not in text.split("add_user")[0]
    assert reads.count("c1.admin") == 3  # two pages read, one export


def test_the_database_places_events_as_the_log_says_and_pages_them(
    muster: Muster, clock: Clock
) -> None:
    """Counting and paging in the database (store.audit.placed_in) shows each administrator
    exactly the events `_place` puts in their subtree, a list's reads in its unit."""
    for name, unit in (("c1.admin", "C1"), ("c2.admin", "C2"), ("m.admin", "M1")):
        with muster.uow() as uow:
            add_user(uow, OPERATOR, name, unit, ["admin"])
    call_id = _issue(muster)
    _submit(muster, call_id, "W1", HEADER + "P1,Kim,Chol Su,,,M,,illness,,no,yes,\n", "w1")
    with muster.uow() as uow:
        set_hold(uow, OPERATOR, "P2", True, "asked for protection", clock())
    with muster.uow() as uow:
        list_entries(uow, resolve_user(uow, "north"), muster.catalogue, call_id=call_id,
                     unit_code="W1")  # fmt: skip
        person_page(uow, resolve_user(uow, "north"), muster.catalogue, "P1", clock())
    for query in ("Kim", "Ri Yong Hui", "nobody"):
        with muster.uow() as uow:
            search_people(uow, resolve_user(uow, "hq"), query, clock())
    with muster.uow() as uow:
        assert [e.entity_id for e in uow.audit.events({"read_list"})] == [f"{call_id}/W1/1"]
        tree = uow.units.tree()
    for name, unit_filter in (("c1.admin", ""), ("c2.admin", ""), ("m.admin", ""),
                              ("m.admin", "C2"), ("hq", "C1"), ("hq", "")):  # fmt: skip
        page, pages = 1, 1
        while page <= pages:  # each page against the log as it is then (reads add events)
            with muster.uow() as uow:
                admin = resolve_user(uow, name)
                expected = _placed_for(uow, admin, tree, unit_filter)
                found = audit_log(uow, admin, AuditFilter(unit=unit_filter), clock(), page=page)
            shown = [(p.event.id, p.units) for p in found.events]
            assert shown == expected[(page - 1) * 50 : page * 50], (name, unit_filter, page)
            assert found.total == len(expected) and found.pages == -(-len(expected) // 50)
            page, pages = page + 1, found.pages
    with muster.uow() as uow:
        hidden = {
            e.id
            for e in uow.audit.events()
            if e.action == "hold"
            or (e.action == "search_people" and "P2" in (e.after or {}).get("found", []))
        }
        every = audit_log(uow, resolve_user(uow, "m.admin"), AuditFilter(), clock(), page=1)
    assert len(hidden) == 2 and not hidden & {p.event.id for p in every.events}
    with muster.uow() as uow:
        c1 = audit_log(uow, resolve_user(uow, "c1.admin"), AuditFilter(action="read_list"), clock())
    assert [p.units for p in c1.events] == [("W1",)]  # a list's read, in the list's unit


def _placed_for(
    uow: UnitOfWork, admin: User, tree: UnitTree, unit: str
) -> list[tuple[int, tuple[str, ...]]]:
    """What the log shows an administrator, worked out from `_place` event by event: the
    events placed in their subtree (or the filter's unit's; the whole log at headquarters
    without one), less, without `protection`, what would reveal a hold."""
    every = _place(uow, uow.audit.search())
    held = uow.holds.held() | {h[0] for h in uow.holds.history()}
    if not admin.has(Permission.PROTECTION):
        events = {e.id: e for e in uow.audit.events()}
        every = [(i, units) for i, units in every if not (
            events[i].action == "hold" or (events[i].action in ("read_person", "search_people")
            and (events[i].entity_id in held
                 or held & set((events[i].after or {}).get("found", [])))))]  # fmt: skip
    if admin.unit_code == "HQ" and not unit:
        return every
    wanted = {u.code for u in tree.subtree(unit or admin.unit_code or "")}
    return [(i, units) for i, units in every if wanted.intersection(units)]


def test_audit_csv_cells_are_formula_safe(muster: Muster, clock: Clock) -> None:
    with muster.uow() as uow:
        search_people(uow, resolve_user(uow, "hq"), "=HYPERLINK(1)", clock())
    with muster.uow() as uow:
        data = audit_csv(uow, resolve_user(uow, "hq"), AuditFilter(action="search_people"), clock())
    assert '"{\'""found""' not in data.decode("utf-8-sig")
    assert ",search_people," in data.decode("utf-8-sig")
    assert "=HYPERLINK" in data.decode("utf-8-sig")
    for line in data.decode("utf-8-sig").splitlines()[1:]:
        assert not any(cell.startswith("=") for cell in line.split(","))


def test_a_disabled_user_cannot_sign_in_and_their_sessions_end(
    muster: Muster, clock: Clock
) -> None:
    with muster.uow() as uow:
        add_user(uow, OPERATOR, "c1.admin", "C1", ["admin"])
    with muster.uow() as uow:
        set_password(uow, OPERATOR, "north", "a long enough password", clock())
    with muster.uow() as uow:
        token, _viewer = sign_in(uow, "north", "a long enough password", "10.0.0.1", clock())
    admin = "c1.admin"
    with muster.uow() as uow:
        disable_user(uow, resolve_user(uow, admin), "north", clock())
    with muster.uow() as uow:
        assert session_viewer(uow, token, clock()) is None
        assert uow.users.get("north") is None
        with pytest.raises(NotPermitted, match="disabled"):
            resolve_user(uow, "north")
    with muster.uow() as uow, pytest.raises(SignInRefused):
        sign_in(uow, "north", "a long enough password", "10.0.0.1", clock())
    with muster.uow() as uow:
        listed = {
            a.user.name: a.disabled_at for a in users_of_subtree(uow, resolve_user(uow, admin))
        }
    assert set(listed) == {"north", "w1", "c1.admin"} and listed["north"] == clock()
    with muster.uow() as uow, pytest.raises(OutOfScope):  # the web answers 404, as if absent
        disable_user(uow, resolve_user(uow, admin), "south", clock())
    with muster.uow() as uow, pytest.raises(DomainError):
        disable_user(uow, resolve_user(uow, admin), admin, clock())
    with muster.uow() as uow:
        enable_user(uow, resolve_user(uow, admin), "north", clock())
    with muster.uow() as uow:
        secret = reset_password(uow, resolve_user(uow, admin), "north", clock())
    with muster.uow() as uow:
        sign_in(uow, "north", secret, "10.0.0.1", clock())
    with muster.uow() as uow:
        change_password(uow, resolve_user(uow, "north"), secret, "my own new password", clock())
    with muster.uow() as uow, pytest.raises(DomainError, match="current password"):
        change_password(uow, resolve_user(uow, "north"), secret, "another new password", clock())
    with muster.uow() as uow:
        sign_in(uow, "north", "my own new password", "10.0.0.1", clock())
        actions = [(e.action, e.entity_id) for e in uow.audit.events() if e.actor == admin]
    assert ("disable_user", "north") in actions and ("enable_user", "north") in actions
    assert ("set_password", "north") in actions
