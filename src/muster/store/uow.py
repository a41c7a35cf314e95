"""The unit of work: one transaction, its repositories and its audit log."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from muster.store.audit import AuditLog
from muster.store.calls import CallRepository
from muster.store.consolidations import ConsolidationRepository
from muster.store.files import ReceivedFileRepository
from muster.store.jobs import JobRepository
from muster.store.people import HoldRepository, PersonRepository
from muster.store.rotation import RotationRepository
from muster.store.submissions import SubmissionRepository
from muster.store.units import UnitRepository, UserRepository


class UnitOfWork:
    """Context manager that rolls back unless `commit()` was called."""

    session: Session
    units: UnitRepository
    users: UserRepository
    people: PersonRepository
    holds: HoldRepository
    calls: CallRepository
    submissions: SubmissionRepository
    files: ReceivedFileRepository
    rotation: RotationRepository
    consolidations: ConsolidationRepository
    jobs: JobRepository
    audit: AuditLog

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.units = UnitRepository(self.session)
        self.users = UserRepository(self.session)
        self.people = PersonRepository(self.session)
        self.holds = HoldRepository(self.session)
        self.calls = CallRepository(self.session)
        self.submissions = SubmissionRepository(self.session)
        self.files = ReceivedFileRepository(self.session)
        self.rotation = RotationRepository(self.session)
        self.consolidations = ConsolidationRepository(self.session)
        self.jobs = JobRepository(self.session)
        self.audit = AuditLog(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.session.rollback()
        self.session.close()

    def commit(self) -> None:
        """Commit everything done in this unit of work, audit events included."""
        self.session.commit()
