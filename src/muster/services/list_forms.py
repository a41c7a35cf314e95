"""Lists written in a form instead of a file: the roster search, and rows added to a list.

Rows typed in a form become a list file (SPEC §5 CSV) that goes through `submit_list` like
any upload: kept byte for byte, validated whole, versioned, audited. Adding rows makes a new
version holding the latest version's entries plus the new ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from muster.domain.access import require, require_scope, require_workplace, sees_held
from muster.domain.people import Person
from muster.domain.submissions import LIST_FIELDS, Entry
from muster.domain.users import Permission, User
from muster.intake import Limits
from muster.intake.archive import FileArchive
from muster.linkage.fields import PersonName, normalise_name
from muster.reports.cells import Cell, write_csv
from muster.services.lists import SubmitOutcome, submit_list
from muster.store.uow import UnitOfWork

MAX_RESULTS = 50


@dataclass(frozen=True)
class FormRow:
    """One row typed in the add-rows form: a person of the roster and what to report."""

    person_id: str
    category: str
    since: str = ""
    fit_to_travel: str = "unknown"
    wants_to_return: str = "unknown"
    note: str = ""


def search_roster(uow: UnitOfWork, actor: User, unit_code: str, query: str) -> list[Person]:
    """People deployed at a workplace whose name matches, in any script or romanisation.

    Names are compared on the linkage normaliser's keys (김철수, 金哲洙, Kim Chol Su and Gim
    Cheol-su are one key); ids and passport numbers match by their start. Audited.
    """
    tree = uow.units.tree()
    require_scope(actor, tree, unit_code)
    require_workplace(tree, unit_code)
    held = set() if sees_held(actor) else uow.holds.held()
    roster = [p for p in uow.people.roster(unit_code) if p.person_id not in held]
    found = [p for p in roster if _matches(p, query.strip())][:MAX_RESULTS]
    uow.audit.record(
        actor.name, "read_roster", "unit", unit_code, None, {"query": query, "rows": len(found)}
    )
    uow.commit()
    return found


def _matches(person: Person, query: str) -> bool:
    """True when the query names the person (empty query: everyone)."""
    if not query:
        return True
    upper = query.upper()
    if person.person_id.upper().startswith(upper):
        return True
    if person.passport_no and person.passport_no.upper().startswith(upper):
        return True
    keys = _name(person.family_name, person.given_name, person.name_native or "")
    return any(_same(q, keys) for q in _query_names(query))


def _name(family: str, given: str, native: str) -> PersonName:
    """Linkage keys of a name."""
    return normalise_name(family, given, native)


def _query_names(query: str) -> list[PersonName]:
    """Readings of a query: a whole name (family first), or a given name alone."""
    words = query.replace(",", " ").split()
    if not query.isascii():
        return [_name("", "", query), _name("", query, "")]
    return [_name(words[0], " ".join(words[1:]), ""), _name("", query, "")]


def _same(query: PersonName, person: PersonName) -> bool:
    """The query's keys agree with the person's (a missing part of the query is a wildcard)."""
    family_ok = query.family_key is None or query.family_key == person.family_key
    given_ok = query.given_key is None or query.given_key == person.given_key
    if query.family_key is None and query.given_key is None:
        return False
    return family_ok and given_ok


def add_rows(
    uow: UnitOfWork,
    actor: User,
    archive: FileArchive,
    *,
    call_id: int,
    unit_code: str,
    rows: Sequence[FormRow],
    limits: Limits,
    now: datetime,
) -> SubmitOutcome:
    """A new version of the unit's list: its latest entries plus the rows from the form."""
    tree = uow.units.tree()
    require(actor, Permission.SUBMIT, tree, unit_code)
    require_workplace(tree, unit_code)
    kept = _latest_entries(uow, call_id, unit_code)
    people = {p.person_id: p for p in uow.people.roster(unit_code)}
    added = [_row_cells(r, people.get(r.person_id)) for r in rows]
    data = write_csv(LIST_FIELDS, [*(_entry_cells(e) for e in kept), *added])
    return submit_list(
        uow, actor, archive, call_id=call_id, unit_code=unit_code, data=data,
        filename=f"{unit_code}-form.csv", limits=limits, now=now,
    )  # fmt: skip


def _latest_entries(uow: UnitOfWork, call_id: int, unit_code: str) -> list[Entry]:
    """The entries of the unit's latest version as written (the writer sees all of them)."""
    number = len(uow.submissions.load(call_id, unit_code).versions)
    version_id = uow.submissions.version_id(call_id, unit_code, number) if number else None
    return uow.submissions.entries(version_id) if version_id is not None else []


def _entry_cells(entry: Entry) -> list[Cell]:
    """An entry as the cells of a list row."""
    return [getattr(entry, name) for name in LIST_FIELDS]


def _row_cells(row: FormRow, person: Person | None) -> list[Cell]:
    """A form row as the cells of a list row; identity from the roster when the id is known."""
    identity: list[Cell] = [row.person_id, "", "", "", None, "", ""]
    if person is not None:
        sex = person.sex.value if person.sex else ""
        identity = [person.person_id, person.family_name, person.given_name,
                    person.name_native or "", person.date_of_birth, sex,
                    person.passport_no or ""]  # fmt: skip
    answers = [row.category, row.since, row.fit_to_travel, row.wants_to_return, row.note]
    return [*identity, *answers]
