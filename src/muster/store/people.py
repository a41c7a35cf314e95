"""Repository of people, their deployments and protection holds."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from muster.domain.people import Deployment, Person, Purpose, Role, Sex
from muster.domain.protection import Identity
from muster.store.tables import (
    DeploymentRow,
    HoldEventRow,
    HoldMatchRow,
    HoldReviewRow,
    PersonRow,
)

PERSON_COLUMNS = (
    PersonRow.person_id, PersonRow.family_name, PersonRow.given_name, PersonRow.name_native,
    PersonRow.date_of_birth, PersonRow.sex, PersonRow.passport_no,
)  # fmt: skip
SEXES = {s.value: s for s in Sex}
KEY_COLUMNS = ("family_key", "given_key", "given_hangul", "passport_key", "name_keys")
# Search keys of people by person_id (their identities' name keys and cleaned passport),
# and the version of the normaliser's keys they were worked out by.
NameKeys = tuple[Mapping[str, Identity], int]
# Above this many ids, reading every registry id once beats many IN (...) queries.
BULK_LOOKUP = 5_000


def person_from_row(row: PersonRow) -> Person:
    """Domain person from its row."""
    return Person(
        person_id=row.person_id,
        family_name=row.family_name,
        given_name=row.given_name,
        name_native=row.name_native,
        date_of_birth=row.date_of_birth,
        sex=Sex(row.sex) if row.sex else None,
        passport_no=row.passport_no,
    )


def deployment_from_row(row: DeploymentRow) -> Deployment:
    """Domain deployment from its row."""
    return Deployment(
        person_id=row.person_id,
        workplace_code=row.workplace_code,
        role=Role(row.role),
        purpose=Purpose(row.purpose),
        arrived=row.arrived,
        permit_expires=row.permit_expires,
        end_date=row.end_date,
    )


class PersonRepository:
    """The registry."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, person_id: str) -> Person | None:
        """The person with this id, or None."""
        row = self._session.get(PersonRow, person_id)
        return person_from_row(row) if row else None

    def get_many(self, person_ids: Collection[str]) -> list[Person]:
        """The registered persons among these ids."""
        found: list[Person] = []
        for chunk in _chunks(sorted(person_ids)):
            rows = self._session.scalars(select(PersonRow).where(PersonRow.person_id.in_(chunk)))
            found.extend(person_from_row(r) for r in rows)
        return found

    def existing_ids(self, person_ids: Collection[str]) -> set[str]:
        """Which of these ids are in the registry (one full scan when asked about many)."""
        if len(person_ids) > BULK_LOOKUP:
            every = self._session.connection().execute(select(PersonRow.person_id)).scalars()
            registry = set(every)
            return registry.intersection(person_ids) if registry else set()
        ids = set(person_ids)
        found: set[str] = set()
        for chunk in _chunks(sorted(ids)):
            found.update(
                self._session.scalars(
                    select(PersonRow.person_id).where(PersonRow.person_id.in_(chunk))
                )
            )
        return found

    def save_many(
        self, pairs: Sequence[tuple[Person, Deployment]], keys: NameKeys | None = None
    ) -> dict[str, Person]:
        """Insert or update many people and replace their deployments in bulk; returns old ones.

        `keys`: the search keys of each person (by id) and their version; without them a
        person's keys are left unknown, to be worked out at the next search."""
        ids = [person.person_id for person, _ in pairs]
        before: dict[str, Person] = {}
        for chunk in _chunks(ids):
            for row in self._session.scalars(
                select(PersonRow).where(PersonRow.person_id.in_(chunk))
            ):
                before[row.person_id] = person_from_row(row)
        values = [
            _person_values(person) | _key_values(person.person_id, keys) for person, _ in pairs
        ]
        new = [v for v in values if v["person_id"] not in before]
        changed = [v for v in values if v["person_id"] in before]
        if new:
            self._session.execute(insert(PersonRow), new)
        if changed:
            self._session.execute(update(PersonRow), changed)
        for chunk in _chunks(ids):
            self._session.execute(delete(DeploymentRow).where(DeploymentRow.person_id.in_(chunk)))
        self._session.execute(insert(DeploymentRow), [_deployment_values(d) for _, d in pairs])
        return before

    def deployments(self) -> list[Deployment]:
        """Every current deployment."""
        rows = self._session.scalars(select(DeploymentRow)).all()
        return [deployment_from_row(r) for r in rows]

    def workplaces_of(self, person_id: str) -> list[str]:
        """Codes of the workplaces a person is deployed at."""
        return list(
            self._session.scalars(
                select(DeploymentRow.workplace_code).where(DeploymentRow.person_id == person_id)
            )
        )

    def workplaces_of_many(self, person_ids: Collection[str]) -> list[tuple[str, str]]:
        """(person_id, workplace) of every deployment of these persons (one read of every
        deployment when asked about many)."""
        if len(person_ids) > BULK_LOOKUP:
            wanted = set(person_ids)
            every = select(DeploymentRow.person_id, DeploymentRow.workplace_code)
            return [
                (pid, code)
                for pid, code in self._session.connection().execute(every).all()
                if pid in wanted
            ]
        found: list[tuple[str, str]] = []
        for chunk in _chunks(sorted(person_ids)):
            found.extend(
                (pid, code)
                for pid, code in self._session.execute(
                    select(DeploymentRow.person_id, DeploymentRow.workplace_code).where(
                        DeploymentRow.person_id.in_(chunk)
                    )
                )
            )
        return found

    def deployments_of(self, person_id: str) -> list[Deployment]:
        """The current deployments of one person."""
        rows = self._session.scalars(
            select(DeploymentRow)
            .where(DeploymentRow.person_id == person_id)
            .order_by(DeploymentRow.id)
        )
        return [deployment_from_row(r) for r in rows]

    def search_candidates(
        self, person_id: str, passport: str | None, name: tuple[str, str] | None, word: str | None
    ) -> list[tuple[Person, Identity, str]]:
        """Everyone a registry search could find, with their stored keys and each workplace
        they are deployed at, by person_id: the id, the cleaned passport, both name keys, or
        a lone word equal to either name key (each an indexed look-up). The caller narrows
        them; their keys must be current (`stale_name_keys`)."""
        row = PersonRow
        wanted = [row.person_id == person_id]
        if passport:
            wanted.append(row.passport_key == passport)
        if name is not None:
            wanted.append(and_(row.family_key == name[0], row.given_key == name[1]))
        if word:
            wanted += [row.family_key == word, row.given_key == word]
        query = (
            select(*PERSON_COLUMNS, row.family_key, row.given_key, row.given_hangul,
                   row.passport_key, DeploymentRow.workplace_code)
            .join(DeploymentRow, DeploymentRow.person_id == row.person_id)
            .where(or_(*wanted))
            .order_by(row.person_id)
        )  # fmt: skip
        found = []
        for r in self._session.connection().execute(query).all():
            sex = SEXES.get(r.sex) if r.sex else None
            person = Person(r.person_id, r.family_name, r.given_name, r.name_native,
                            r.date_of_birth, sex, r.passport_no)  # fmt: skip
            keys = Identity(r.person_id, r.passport_key, r.date_of_birth, r.family_key,
                            r.given_key, r.given_hangul)  # fmt: skip
            found.append((person, keys, r.workplace_code))
        return found

    def stale_name_keys(self, version: int) -> list[Person]:
        """The people whose search keys are unknown or older than `version`."""
        row = PersonRow
        stale = or_(row.name_keys.is_(None), row.name_keys < version)
        return [person_from_row(r) for r in self._session.scalars(select(row).where(stale))]

    def set_name_keys(self, keys: NameKeys) -> None:
        """Store the search keys of some people (by id), worked out by version `keys[1]`."""
        values = [{"person_id": pid} | _key_values(pid, keys) for pid in keys[0]]
        for start in range(0, len(values), 1000):
            self._session.execute(update(PersonRow), values[start : start + 1000])

    def roster(self, workplace_code: str) -> list[Person]:
        """The people currently deployed at a workplace."""
        rows = self._session.scalars(
            select(PersonRow)
            .join(DeploymentRow, DeploymentRow.person_id == PersonRow.person_id)
            .where(DeploymentRow.workplace_code == workplace_code)
            .order_by(PersonRow.person_id)
        ).all()
        return [person_from_row(r) for r in rows]

    def count(self) -> int:
        """How many people are in the registry."""
        return int(self._session.scalar(select(func.count()).select_from(PersonRow)) or 0)


def _deployment_values(deployment: Deployment) -> dict[str, Any]:
    """Column values of a deployment."""
    return {
        "person_id": deployment.person_id,
        "workplace_code": deployment.workplace_code,
        "role": deployment.role.value,
        "purpose": deployment.purpose.value,
        "arrived": deployment.arrived,
        "permit_expires": deployment.permit_expires,
        "end_date": deployment.end_date,
    }


def _person_values(person: Person) -> dict[str, Any]:
    """Column values of a person."""
    return {
        "person_id": person.person_id,
        "family_name": person.family_name,
        "given_name": person.given_name,
        "name_native": person.name_native,
        "date_of_birth": person.date_of_birth,
        "sex": person.sex.value if person.sex else None,
        "passport_no": person.passport_no,
    }


def _key_values(person_id: str, keys: NameKeys | None) -> dict[str, Any]:
    """Column values of a person's search keys (all NULL when not known)."""
    found = keys[0].get(person_id) if keys else None
    if keys is None or found is None:
        return dict.fromkeys(KEY_COLUMNS)
    return {
        "family_key": found.family_key, "given_key": found.given_key,
        "given_hangul": found.given_hangul, "passport_key": found.passport,
        "name_keys": keys[1],
    }  # fmt: skip


def _chunks(ids: Sequence[str], size: int = 1000) -> Iterator[Sequence[str]]:
    """Slices of at most `size` ids, to keep IN lists within every database's limits."""
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class HoldRepository:
    """Protection holds, as an append-only history per person."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def held(self) -> set[str]:
        """Ids of everyone currently under a protection hold."""
        latest: dict[str, str] = {}
        rows = self._session.execute(
            select(HoldEventRow.person_id, HoldEventRow.action).order_by(HoldEventRow.id)
        )
        for person_id, action in rows:
            latest[person_id] = action
        return {p for p, action in latest.items() if action == "hold"}

    def record(
        self, person_id: str, action: str, reason: str | None, by: str, at: datetime
    ) -> None:
        """Append a hold or release."""
        self._session.add(
            HoldEventRow(person_id=person_id, action=action, reason=reason, at=at, by_user=by)
        )

    def matched(self, person_ids: Collection[str]) -> list[HoldMatch]:
        """Every recorded match of these persons, oldest first, with its latest ruling."""
        ids = sorted(set(person_ids))
        found: list[HoldMatch] = []
        for chunk in _chunks(ids):
            rows = self._session.execute(
                select(HoldMatchRow).where(HoldMatchRow.person_id.in_(chunk))
            ).scalars()
            found.extend(
                HoldMatch(r.id, r.version_id, r.row, r.person_id, r.kind, None) for r in rows
            )
        return self._with_rulings(sorted(found, key=lambda m: m.id))

    def _with_rulings(self, found: list[HoldMatch]) -> list[HoldMatch]:
        """The matches with their latest ruling filled in."""
        latest: dict[int, str] = {}
        ids = [m.id for m in found]
        for start in range(0, len(ids), 1000):
            for match_id, decision in self._session.execute(
                select(HoldReviewRow.match_id, HoldReviewRow.decision)
                .where(HoldReviewRow.match_id.in_(ids[start : start + 1000]))
                .order_by(HoldReviewRow.id)
            ):
                latest[match_id] = decision
        return [replace(m, ruling=latest.get(m.id)) for m in found]

    def hidden_rows(self, version_ids: Collection[int] | None = None) -> dict[int, set[int]]:
        """Rows of list versions that name, or may name, a person held now (not cleared).

        Without `version_ids`, every version. The matches table is small (held persons are
        few), so this is one indexed read.
        """
        held = self.held()
        if not held:
            return {}
        hidden: dict[int, set[int]] = {}
        for match in self.matched(held):
            wanted = version_ids is None or match.version_id in version_ids
            if wanted and match.ruling != "clear":
                hidden.setdefault(match.version_id, set()).add(match.row)
        return hidden

    def add_matches(
        self, version_id: int, found: Sequence[tuple[int, str, str]], at: datetime
    ) -> int:
        """Record (row, person_id, kind) matches of a version not recorded yet; returns how many."""
        if not found:
            return 0
        known = {
            (row, pid)
            for row, pid in self._session.execute(
                select(HoldMatchRow.row, HoldMatchRow.person_id).where(
                    HoldMatchRow.version_id == version_id
                )
            )
        }
        new = [
            {"version_id": version_id, "row": row, "person_id": pid, "kind": kind, "found_at": at}
            for row, pid, kind in found
            if (row, pid) not in known
        ]
        if new:
            self._session.execute(insert(HoldMatchRow), new)
        return len(new)

    def match(self, match_id: int) -> HoldMatch | None:
        """One match with its latest ruling."""
        row = self._session.get(HoldMatchRow, match_id)
        if row is None:
            return None
        found = HoldMatch(row.id, row.version_id, row.row, row.person_id, row.kind, None)
        return self._with_rulings([found])[0]

    def rule(self, match_id: int, decision: str, by: str, at: datetime) -> None:
        """Append a protection officer's ruling on a match."""
        self._session.add(HoldReviewRow(match_id=match_id, decision=decision, at=at, by_user=by))

    def history(self) -> list[tuple[str, str, str | None, datetime, str]]:
        """Every hold and release: (person_id, action, reason, at, by), oldest first."""
        rows = self._session.execute(
            select(
                HoldEventRow.person_id,
                HoldEventRow.action,
                HoldEventRow.reason,
                HoldEventRow.at,
                HoldEventRow.by_user,
            ).order_by(HoldEventRow.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


@dataclass(frozen=True)
class HoldMatch:
    """A recorded match of a list entry to a held person, and the latest ruling on it."""

    id: int
    version_id: int
    row: int
    person_id: str
    kind: str
    ruling: str | None
