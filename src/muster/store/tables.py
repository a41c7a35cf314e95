"""The database tables (SQLAlchemy 2 declarative). Names follow the SPEC glossary.

Submissions, their versions, entries, events, received files and their outcomes, hold
events, hold matches and reviews, match decisions and audit events are append-only: the
database itself refuses UPDATE and DELETE on them (`APPEND_ONLY_TABLES`, migration 0004).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from muster.store.types import UTCDateTime

APPEND_ONLY_TABLES = (
    "submissions",
    "submission_versions",
    "entries",
    "submission_events",
    "received_files",
    "file_outcomes",
    "hold_events",
    "hold_matches",
    "hold_reviews",
    "match_decisions",
    "audit_events",
)


class Base(DeclarativeBase):
    """Declarative base of every Muster table."""


class UnitRow(Base):
    """A node of the organisation tree."""

    __tablename__ = "units"
    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    host_country: Mapped[str | None] = mapped_column(String(64))
    region: Mapped[str | None] = mapped_column(String(100))
    workplace_type: Mapped[str | None] = mapped_column(String(32))
    slots: Mapped[int | None] = mapped_column(Integer)
    trade: Mapped[str | None] = mapped_column(String(64))


class PersonRow(Base):
    """A person in the registry."""

    __tablename__ = "people"
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    name_native: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    passport_no: Mapped[str | None] = mapped_column(String(32), index=True)
    # The keys a registry search looks up (services.people): the name reduced by the linkage
    # normaliser, the passport cleaned. `name_keys` is the version they were worked out by;
    # NULL or an older one: worked out again at the next search.
    family_key: Mapped[str | None] = mapped_column(Text, index=True)
    given_key: Mapped[str | None] = mapped_column(Text, index=True)
    given_hangul: Mapped[str | None] = mapped_column(Text)
    passport_key: Mapped[str | None] = mapped_column(String(32), index=True)
    name_keys: Mapped[int | None] = mapped_column(Integer, index=True)


class DeploymentRow(Base):
    """A person at a workplace."""

    __tablename__ = "deployments"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), index=True)
    workplace_code: Mapped[str] = mapped_column(ForeignKey("units.code"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(20))
    arrived: Mapped[date | None] = mapped_column(Date)
    permit_expires: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)


class RevisionRow(Base):
    """A token that changes with every change of what it names ("units": the tree), so a
    process can keep what it built from it until the token differs."""

    __tablename__ = "revisions"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class UserRow(Base):
    """A user attached to one unit, with permissions (comma-separated)."""

    __tablename__ = "users"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    permissions: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # None: active


class CallRow(Base):
    """A call for lists."""

    __tablename__ = "calls"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(300))
    instructions: Mapped[str] = mapped_column(Text, default="")
    issued_by: Mapped[str] = mapped_column(ForeignKey("units.code"))
    scope: Mapped[str] = mapped_column(ForeignKey("units.code"))
    categories: Mapped[list[str]] = mapped_column(JSON)
    due_workplace: Mapped[datetime] = mapped_column(UTCDateTime())
    due_consulate: Mapped[datetime] = mapped_column(UTCDateTime())
    due_mission: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    issued_by_user: Mapped[str] = mapped_column(String(100))


class SubmissionRow(Base):
    """One unit's list for one call (its state is the last of its events)."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("call_id", "unit_code"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SubmissionVersionRow(Base):
    """One immutable version of a list; a forward's version lists the child versions it carries."""

    __tablename__ = "submission_versions"
    __table_args__ = (UniqueConstraint("submission_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    entry_count: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    received_file_id: Mapped[int | None] = mapped_column(ForeignKey("received_files.id"))
    carries: Mapped[list[int] | None] = mapped_column(JSON)
    # Entries by category (a forward: summed over what it carries), so that a count can leave
    # out what a viewer may not see without reading the entries.
    category_counts: Mapped[dict[str, int] | None] = mapped_column(JSON)


class EntryRow(Base):
    """One row of a list version."""

    __tablename__ = "entries"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("submission_versions.id"))
    row: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[str | None] = mapped_column(String(64))
    family_name: Mapped[str | None] = mapped_column(String(200))
    given_name: Mapped[str | None] = mapped_column(String(200))
    name_native: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    passport_no: Mapped[str | None] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64))
    since: Mapped[date | None] = mapped_column(Date)
    fit_to_travel: Mapped[str] = mapped_column(String(8))
    wants_to_return: Mapped[str] = mapped_column(String(8))
    note: Mapped[str | None] = mapped_column(Text)


Index("ix_entries_version", EntryRow.version_id)


class SubmissionEventRow(Base):
    """A state change of a submission, with who, when and why."""

    __tablename__ = "submission_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    version: Mapped[int | None] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)


class ReceivedFileRow(Base):
    """Every file received, accepted or rejected; the bytes live in the file archive by SHA-256."""

    __tablename__ = "received_files"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sender: Mapped[str] = mapped_column(String(100))
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    unit_code: Mapped[str | None] = mapped_column(String(64))


class FileOutcomeRow(Base):
    """What became of a received file: accepted, rejected, duplicate or incomplete (append-only).

    The receipt (`received_files`) is committed before the bytes are archived and the file
    is read; its outcome follows in the transaction that stores what the file said. A receipt
    without an outcome is an interrupted receipt, which `muster files check` reports.
    """

    __tablename__ = "file_outcomes"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    received_file_id: Mapped[int] = mapped_column(ForeignKey("received_files.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[dict[str, object]] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class HoldEventRow(Base):
    """A protection hold placed on or lifted from a person (append-only)."""

    __tablename__ = "hold_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[str] = mapped_column(String(100))


class HoldMatchRow(Base):
    """An entry that names, or may name, a person under a protection hold (append-only).

    Found when the list arrives, when a hold is placed, or when a held person's identity
    changes; `kind` is how: person_id, passport, name_and_birth or possible.
    """

    __tablename__ = "hold_matches"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("submission_versions.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[str] = mapped_column(ForeignKey("people.person_id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime())


class HoldReviewRow(Base):
    """A protection officer's ruling on a hold match: `confirm` or `clear` (append-only)."""

    __tablename__ = "hold_reviews"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("hold_matches.id"), index=True)
    decision: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[str] = mapped_column(String(100))


class AuditEventRow(Base):
    """Who did what, when, with the state before and after (append-only)."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(200))
    before: Mapped[dict[str, object] | None] = mapped_column(JSON)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON)


# The audit log browser filters by action or actor, newest first, a page at a time.
Index("ix_audit_events_action_id", AuditEventRow.action, AuditEventRow.id)
Index("ix_audit_events_actor_id", AuditEventRow.actor, AuditEventRow.id)


class HostRow(Base):
    """A host country's policy: rotation `paired` (capped places) or `free`, and stay policy."""

    __tablename__ = "hosts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rotation: Mapped[str] = mapped_column(String(10))
    stay_policy: Mapped[str | None] = mapped_column(Text)


class RouteRow(Base):
    """A way home and back for one host: open dates and seats per day each way."""

    __tablename__ = "routes"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    host: Mapped[str] = mapped_column(ForeignKey("hosts.id"))
    mode: Mapped[str] = mapped_column(String(20))
    open_from: Mapped[date | None] = mapped_column(Date)
    open_until: Mapped[date | None] = mapped_column(Date)
    seats_home: Mapped[int] = mapped_column(Integer)
    seats_out: Mapped[int] = mapped_column(Integer)


class QuarantineRow(Base):
    """Quarantine capacity at home (a single row)."""

    __tablename__ = "quarantine"
    id: Mapped[int] = mapped_column(primary_key=True)
    beds: Mapped[int] = mapped_column(Integer)
    days: Mapped[int] = mapped_column(Integer)


class ReplacementRow(Base):
    """A selected and trained candidate waiting at home."""

    __tablename__ = "replacements"
    replacement_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    family_name: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    name_native: Mapped[str | None] = mapped_column(String(100))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    sex: Mapped[str | None] = mapped_column(String(1))
    trades: Mapped[list[str]] = mapped_column(JSON)
    hosts: Mapped[list[str]] = mapped_column(JSON)
    ready: Mapped[date] = mapped_column(Date)


class PlanRow(Base):
    """A saved rotation plan version: the scenario it solved and the plan, with who and when."""

    __tablename__ = "plans"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    objective: Mapped[int] = mapped_column(Integer)
    bound: Mapped[int] = mapped_column(Integer)
    scenario: Mapped[dict[str, object]] = mapped_column(JSON)
    plan: Mapped[dict[str, object]] = mapped_column(JSON)


class ConsolidationRow(Base):
    """One consolidation run: who, when, for which call and unit, and the trained linkage model."""

    __tablename__ = "consolidations"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    unit_code: Mapped[str] = mapped_column(ForeignKey("units.code"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(100))
    entries: Mapped[int] = mapped_column(Integer)
    persons: Mapped[int] = mapped_column(Integer)
    model: Mapped[dict[str, object]] = mapped_column(JSON)
    review_pairs: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    # record id -> cluster id of every entry linked (None for runs before migration 0008)
    clusters: Mapped[dict[str, str] | None] = mapped_column(JSON, nullable=True)


class MatchDecisionRow(Base):
    """A reviewer's ruling on two records of a call: same person or not (reapplied every run)."""

    __tablename__ = "match_decisions"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    record_id_l: Mapped[str] = mapped_column(String(100))
    record_id_r: Mapped[str] = mapped_column(String(100))
    same: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[str] = mapped_column(String(100))


class JobRow(Base):
    """A long piece of work (consolidation, planning, an import) run by a background worker.

    A worker claims a queued job and holds it by a lease it renews while working; a job whose
    lease ran out (its process died) is queued again. `claim` names the holder of the lease.
    """

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    parameters: Mapped[dict[str, object]] = mapped_column(JSON)
    requested_by: Mapped[str] = mapped_column(String(100))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    progress_done: Mapped[int] = mapped_column(Integer, default=0)
    progress_total: Mapped[int] = mapped_column(Integer, default=0)
    progress_message: Mapped[str] = mapped_column(String(300), default="")
    result: Mapped[dict[str, object] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claim: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
