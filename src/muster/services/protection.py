"""Use cases of protection holds: match every entry to held persons, the officer's queue.

Matching runs when a list arrives (against everyone held then), when a hold is placed
(against every stored entry) and when a held person's registry identity changes. What it
finds is recorded in `hold_matches`; every read asks `hidden_rows` which entries a viewer
without the `protection` permission must not see, or count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from muster.domain.access import in_scope, may_see_section, require_permission, sees_held
from muster.domain.categories import Catalogue
from muster.domain.errors import DomainError, NotFound
from muster.domain.people import Person
from muster.domain.protection import (
    Identity,
    MatchKind,
    Ruling,
    birth_years,
    clean_passport,
    matches,
)
from muster.domain.submissions import Entry
from muster.domain.users import Permission, User
from muster.store.people import HoldMatch
from muster.store.uow import UnitOfWork

if TYPE_CHECKING:
    import polars as pl


def identity(
    person_id: str | None,
    family: str | None,
    given: str | None,
    native: str | None,
    birth: object,
    passport: str | None,
) -> Identity:
    """An identity with its name reduced to keys by the linkage normaliser (any script)."""
    # Imported on use: the linkage package loads Splink, which commands like `status` never need.
    from muster.linkage.fields import normalise_name

    name = normalise_name(family or "", given or "", native or "")
    return Identity(
        person_id=person_id,
        passport=clean_passport(passport),
        birth=birth,  # type: ignore[arg-type]
        family_key=name.family_key,
        given_key=name.given_key,
        given_hangul=name.given_hangul,
    )


def identity_of(record: Person | Entry) -> Identity:
    """The identity a registry record or a list entry gives (they share the identity fields)."""
    return identity(
        record.person_id,
        record.family_name,
        record.given_name,
        record.name_native,
        record.date_of_birth,
        record.passport_no,
    )


def held_identities(uow: UnitOfWork, person_ids: Collection[str] | None = None) -> list[Identity]:
    """Identities of everyone held now (or of those of `person_ids` who are held)."""
    held = uow.holds.held()
    wanted = held if person_ids is None else held & set(person_ids)
    return [identity_of(p) for pid in sorted(wanted) if (p := uow.people.get(pid))]


def find_in_frame(frame: pl.DataFrame, held: list[Identity]) -> list[tuple[int, str, str]]:
    """(row, person_id, kind) for every entry of a list frame that matches a held person."""
    if not held or frame.is_empty():
        return []
    found: list[tuple[int, str, str]] = []
    for record in _candidates(frame, held).iter_rows(named=True):
        entry = Entry(**{k: v for k, v in record.items() if k in Entry.__dataclass_fields__})
        found.extend(
            (entry.row, pid, kind.value) for pid, kind in matches(identity_of(entry), held)
        )
    return found


def _candidates(frame: pl.DataFrame, held: list[Identity]) -> pl.DataFrame:
    """The rows worth a name comparison: a cheap vectorised filter before the normaliser."""
    import polars as pl  # on use: reading a status must not pay for Polars

    passports = [p.passport for p in held if p.passport]
    ids = [p.person_id for p in held if p.person_id]
    cleaned = pl.col("passport_no").str.to_uppercase().str.replace_all(r"[^0-9A-Z]", "")
    keep = pl.col("person_id").is_in(ids) | cleaned.is_in(passports)
    years = birth_years(held)
    if years is None:
        return frame
    keep = (
        keep
        | pl.col("date_of_birth").is_null()
        | pl.col("date_of_birth").dt.year().is_in(sorted(years))
    )
    return frame.filter(keep.fill_null(False))


def record_for_version(
    uow: UnitOfWork, version_id: int, frame: pl.DataFrame, now: datetime
) -> set[int]:
    """Match a new version's entries to everyone held now; returns the matched rows."""
    found = find_in_frame(frame, held_identities(uow))
    uow.holds.add_matches(version_id, found, now)
    return {row for row, _pid, _kind in found}


def scan_for(uow: UnitOfWork, person_ids: Collection[str], now: datetime) -> int:
    """Match every stored entry to some held persons (a new hold, a changed identity)."""
    held = held_identities(uow, person_ids)
    if not held:
        return 0
    years = birth_years(held)
    passports = [p.passport for p in held if p.passport]
    by_version: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    stored = uow.submissions.match_candidates([p.person_id or "" for p in held], passports, years)
    for version_id, entry in stored:
        for pid, kind in matches(identity_of(entry), held):
            by_version[version_id].append((entry.row, pid, kind.value))
    return sum(uow.holds.add_matches(v, found, now) for v, found in by_version.items())


def hidden_rows(uow: UnitOfWork, viewer: User, version_ids: Collection[int]) -> dict[int, set[int]]:
    """Rows of these versions the viewer may not see because they name or may name a held
    person: nothing for a viewer with `protection`, nor in a list the viewer wrote (see
    `_own_versions`)."""
    if sees_held(viewer):
        return {}
    hidden = uow.holds.hidden_rows(set(version_ids))
    own = _own_versions(uow, viewer, hidden)
    return {vid: rows for vid, rows in hidden.items() if vid not in own}


def hidden_counts(
    uow: UnitOfWork, viewer: User, catalogue: Catalogue, version_ids: Collection[int]
) -> dict[int, int]:
    """How many entries of each version (a forward counts what it carries) the viewer would
    see but for a protection hold (held entries of sections they may not see anyway are
    left out of this count: they are not counted for them in the first place)."""
    if sees_held(viewer) or not version_ids:
        return {}
    every = uow.holds.hidden_rows()
    if not every:
        return {}
    own = _own_versions(uow, viewer, every)
    categories = uow.submissions.categories_at(every)
    seen = {
        vid: sum(
            1
            for row in rows
            if may_see_section(viewer, catalogue.section_of(categories[(vid, row)]))
        )
        for vid, rows in every.items()
        if vid not in own
    }
    leaves = uow.submissions.leaves(version_ids)
    return {vid: sum(seen.get(leaf, 0) for leaf in below) for vid, below in leaves.items()}


def _own_versions(uow: UnitOfWork, viewer: User, version_ids: Collection[int]) -> set[int]:
    """Versions the viewer wrote, or that their own workplace sent: shown as written.

    Hiding a held person's row from the very person who typed it would tell them the
    person is held (an oracle: list a name, see whether it vanishes). Their own list shows
    them nothing they did not write; everyone above them sees it without the held rows.
    """
    authors = uow.submissions.authors(version_ids)
    return {
        vid
        for vid, (unit, author) in authors.items()
        if author == viewer.name or (viewer.unit_code is not None and unit == viewer.unit_code)
    }


@dataclass(frozen=True)
class QueueItem:
    """A match waiting for a protection officer: the entry, where it came from, who it may be."""

    match: HoldMatch
    call_id: int
    unit_code: str
    version: int
    entry: Entry


def hold_queue(uow: UnitOfWork, actor: User, *, everything: bool = False) -> list[QueueItem]:
    """Matches to held persons that wait for a ruling (or all of them), in the actor's subtree."""
    require_permission(actor, Permission.PROTECTION)
    tree = uow.units.tree()
    items: list[QueueItem] = []
    for match in uow.holds.matched(uow.holds.held()):
        if match.kind == MatchKind.PERSON_ID.value and not everything:
            continue  # the list named the person: nothing to rule on
        if match.ruling is not None and not everything:
            continue
        call_id, unit_code, number, entry = uow.submissions.entry_at(match.version_id, match.row)
        if in_scope(actor, tree, unit_code):
            items.append(QueueItem(match, call_id, unit_code, number, entry))
    return items


def rule_on_match(
    uow: UnitOfWork, actor: User, match_id: int, ruling: Ruling, now: datetime
) -> None:
    """Record a protection officer's ruling: confirm (held) or clear (someone else)."""
    require_permission(actor, Permission.PROTECTION)
    match = uow.holds.match(match_id)
    if match is None:
        raise NotFound(f"no hold match {match_id}")
    _call, unit_code, _number, _entry = uow.submissions.entry_at(match.version_id, match.row)
    if not in_scope(actor, uow.units.tree(), unit_code):
        raise NotFound(f"no hold match {match_id}")
    if match.kind == MatchKind.PERSON_ID.value and ruling is Ruling.CLEAR:
        raise DomainError("the list names this person by id; lift the hold to show the entry")
    uow.holds.rule(match_id, ruling.value, actor.name, now)
    uow.audit.record(
        actor.name, f"hold_match_{ruling.value}", "hold_match", str(match_id),
        {"ruling": match.ruling}, {"ruling": ruling.value, "person_id": match.person_id},
    )  # fmt: skip
    uow.commit()


def held_rows_in(entries: Iterable[Entry], held_rows: Collection[int]) -> int:
    """How many of these entries are among the held rows."""
    return sum(1 for e in entries if e.row in held_rows)
