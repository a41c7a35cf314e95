"""Repository of people, their deployments and protection holds."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from muster.domain.people import Deployment, Person, Purpose, Role, Sex
from muster.store.tables import DeploymentRow, HoldEventRow, PersonRow


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


class PersonRepository:
    """The registry."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, person_id: str) -> Person | None:
        """The person with this id, or None."""
        row = self._session.get(PersonRow, person_id)
        return person_from_row(row) if row else None

    def existing_ids(self, person_ids: Iterable[str]) -> set[str]:
        """Which of these ids are in the registry."""
        ids = list(set(person_ids))
        found: set[str] = set()
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            found.update(
                self._session.scalars(
                    select(PersonRow.person_id).where(PersonRow.person_id.in_(chunk))
                )
            )
        return found

    def save(self, person: Person, deployment: Deployment) -> Person | None:
        """Insert or update a person and replace their current deployment; returns the old one."""
        row = self._session.get(PersonRow, person.person_id)
        before = person_from_row(row) if row else None
        values = {
            "family_name": person.family_name,
            "given_name": person.given_name,
            "name_native": person.name_native,
            "date_of_birth": person.date_of_birth,
            "sex": person.sex.value if person.sex else None,
            "passport_no": person.passport_no,
        }
        if row is None:
            self._session.add(PersonRow(person_id=person.person_id, **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
        self._session.execute(
            delete(DeploymentRow).where(DeploymentRow.person_id == person.person_id)
        )
        self._session.add(_deployment_row(deployment))
        return before

    def deployments(self) -> list[Deployment]:
        """Every current deployment."""
        rows = self._session.scalars(select(DeploymentRow)).all()
        return [
            Deployment(
                person_id=r.person_id,
                workplace_code=r.workplace_code,
                role=Role(r.role),
                purpose=Purpose(r.purpose),
                arrived=r.arrived,
                permit_expires=r.permit_expires,
                end_date=r.end_date,
            )
            for r in rows
        ]

    def workplaces_of(self, person_id: str) -> list[str]:
        """Codes of the workplaces a person is deployed at."""
        return list(
            self._session.scalars(
                select(DeploymentRow.workplace_code).where(DeploymentRow.person_id == person_id)
            )
        )

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


def _deployment_row(deployment: Deployment) -> DeploymentRow:
    """Row for a deployment."""
    return DeploymentRow(
        person_id=deployment.person_id,
        workplace_code=deployment.workplace_code,
        role=deployment.role.value,
        purpose=deployment.purpose.value,
        arrived=deployment.arrived,
        permit_expires=deployment.permit_expires,
        end_date=deployment.end_date,
    )


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
