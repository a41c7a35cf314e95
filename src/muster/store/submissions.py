"""Repository of submissions: versions, entries and state events (all append-only)."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import Select, and_, bindparam, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from muster.domain.submissions import (
    LIST_FIELDS,
    Entry,
    Submission,
    SubmissionEvent,
    SubmissionState,
    SubmissionSummary,
    Version,
)
from muster.store.bulk import insert_entries
from muster.store.tables import (
    EntryRow,
    SubmissionEventRow,
    SubmissionRow,
    SubmissionVersionRow,
)

if TYPE_CHECKING:
    import polars as pl

ENTRY_COLUMNS = ("row", *LIST_FIELDS)


STATES = {s.value: s for s in SubmissionState}


class SubmissionRepository:
    """Loads submission aggregates and appends versions, entries and events."""

    def __init__(self, session: Session) -> None:
        self._session = session

    def load(self, call_id: int, unit_code: str) -> Submission:
        """The submission of a unit for a call (empty if the unit never submitted)."""
        return self.load_all(call_id, [unit_code]).get(unit_code, Submission(call_id, unit_code))

    def load_all(self, call_id: int, units: Sequence[str] | None = None) -> dict[str, Submission]:
        """Every submission of a call (or of some units), with versions and events, by unit.

        Reads plain rows, not ORM objects: a forward or a report reads many units at once (the
        completeness view reads `summaries` instead).
        """
        conn = self._session.connection()  # Core rows: no ORM bookkeeping for 10,000 units
        where = [SubmissionRow.call_id == call_id]
        if units is not None:
            where.append(SubmissionRow.unit_code.in_(list(units)))
        rows = conn.execute(select(SubmissionRow.id, SubmissionRow.unit_code).where(*where)).all()
        by_id = {sid: Submission(call_id, code) for sid, code in rows}
        if not by_id:
            return {}
        v = SubmissionVersionRow
        for sid, number, created_at, created_by, count, sha, counts in conn.execute(
            select(
                v.submission_id,
                v.number,
                v.created_at,
                v.created_by,
                v.entry_count,
                v.content_sha256,
                v.category_counts,
            )
            .join(SubmissionRow, SubmissionRow.id == v.submission_id)
            .where(*where)
            .order_by(v.submission_id, v.number)
        ).all():
            stored = Version(number, created_at, created_by, count, sha, counts)
            by_id[sid].versions.append(stored)
        e = SubmissionEventRow
        for sid, state, at, by_user, version, reason in conn.execute(
            select(e.submission_id, e.state, e.at, e.by_user, e.version, e.reason)
            .join(SubmissionRow, SubmissionRow.id == e.submission_id)
            .where(*where)
            .order_by(e.id)
        ).all():
            by_id[sid].events.append(SubmissionEvent(STATES[state], at, by_user, version, reason))
        return {s.unit_code: s for s in by_id.values()}

    def summaries(
        self, call_id: int, at: datetime | None = None, units: Collection[str] | None = None
    ) -> dict[str, SubmissionSummary]:
        """Per unit: last state, first submission time and latest entry count, as of `at`.

        One aggregated query (the same on SQLite and PostgreSQL) instead of `load_all`: the
        completeness view needs three values per unit, not every version and event. It gives
        exactly what `Submission.summary(at)` gives on the loaded aggregate. With `units`,
        only those units' submissions are read (a workplace's view reads one).
        """
        query = summary_query(at is not None, bool(units))
        bound: dict[str, object] = {"call_id": call_id, "at": at}
        if units:
            bound["units"] = list(units)
        rows = self._session.connection().execute(query, bound).all()
        returned = SubmissionState.RETURNED.value
        return {
            code: SubmissionSummary(
                STATES[state] if state else None,
                first,
                entries or 0,
                reason if state == returned else None,
                counts,
            )
            for code, state, first, entries, reason, counts in rows
        }

    def _submission_id(self, call_id: int, unit_code: str) -> int:
        """Id of the submission row, created on first use."""
        found = self._session.scalar(
            select(SubmissionRow.id).where(
                SubmissionRow.call_id == call_id, SubmissionRow.unit_code == unit_code
            )
        )
        if found is not None:
            return found
        row = SubmissionRow(call_id=call_id, unit_code=unit_code, created_at=datetime.now(UTC))
        self._session.add(row)
        self._session.flush()
        return row.id

    def add_version(
        self,
        call_id: int,
        unit_code: str,
        version: Version,
        received_file_id: int | None = None,
        carries: list[int] | None = None,
    ) -> int:
        """Append a version row; returns its id (entries are added separately)."""
        row = SubmissionVersionRow(
            submission_id=self._submission_id(call_id, unit_code),
            number=version.number,
            created_at=version.created_at,
            created_by=version.created_by,
            entry_count=version.entry_count,
            content_sha256=version.content_sha256,
            received_file_id=received_file_id,
            carries=carries,
            category_counts=dict(version.category_counts or {}),
        )
        self._session.add(row)
        self._session.flush()
        return row.id

    def add_entries(self, version_id: int, frame: pl.DataFrame) -> None:
        """Append the entries of a version from its list frame (bulk: executemany or COPY)."""
        insert_entries(self._session, version_id, frame)

    def add_event(self, call_id: int, unit_code: str, event: SubmissionEvent) -> None:
        """Append a state event."""
        self._session.add(
            SubmissionEventRow(
                submission_id=self._submission_id(call_id, unit_code),
                state=event.state.value,
                version=event.version,
                at=event.at,
                by_user=event.by,
                reason=event.reason,
            )
        )

    def version_id(self, call_id: int, unit_code: str, number: int) -> int | None:
        """Database id of a version, by number."""
        return self._session.scalar(
            select(SubmissionVersionRow.id)
            .join(SubmissionRow, SubmissionRow.id == SubmissionVersionRow.submission_id)
            .where(
                SubmissionRow.call_id == call_id,
                SubmissionRow.unit_code == unit_code,
                SubmissionVersionRow.number == number,
            )
        )

    def entries(self, version_id: int) -> list[Entry]:
        """The entries of one version, in row order."""
        return entries_by_version(self._session, [version_id])[version_id]

    def accepted_entries(
        self, call_id: int, units: Sequence[str]
    ) -> dict[str, tuple[Version, int, list[Entry]]]:
        """For each unit whose list is accepted (or forwarded): that version, its id, entries."""
        accepted: dict[str, tuple[Version, int]] = {}
        for code, submission in self.load_all(call_id, units).items():
            number = submission.accepted_version()
            version_id = self.version_id(call_id, code, number) if number else None
            if number and version_id is not None:
                accepted[code] = (submission.versions[number - 1], version_id)
        entries = entries_by_version(self._session, [vid for _, vid in accepted.values()])
        return {code: (version, vid, entries[vid]) for code, (version, vid) in accepted.items()}

    def match_candidates(
        self, person_ids: Collection[str], passports: Collection[str], years: set[int] | None
    ) -> Iterator[tuple[int, Entry]]:
        """(version id, entry) of every stored entry that could name one of some persons.

        A cheap filter before the name comparison: the same person id, the same passport
        (capitals, no spaces or hyphens), no birth date, or a birth year among `years`
        (None: every entry).
        """
        passport = func.upper(func.replace(func.replace(EntryRow.passport_no, " ", ""), "-", ""))
        clauses = [EntryRow.person_id.in_(list(person_ids)), passport.in_(list(passports))]
        clauses.append(EntryRow.date_of_birth.is_(None))
        for year in sorted(years or ()):
            clauses.append(EntryRow.date_of_birth.between(date(year, 1, 1), date(year, 12, 31)))
        query = select(EntryRow).order_by(EntryRow.id)
        if years is not None:
            query = query.where(or_(*clauses))
        for row in self._session.execute(query.execution_options(yield_per=5000)).scalars():
            yield row.version_id, _entry_from_row(row)

    def carries_of_latest(self, call_id: int, unit_code: str) -> list[int]:
        """The version ids the newest version of a unit's forwarded list carries."""
        carried = self._session.scalar(
            select(SubmissionVersionRow.carries)
            .join(SubmissionRow, SubmissionRow.id == SubmissionVersionRow.submission_id)
            .where(SubmissionRow.call_id == call_id, SubmissionRow.unit_code == unit_code)
            .order_by(SubmissionVersionRow.number.desc())
            .limit(1)
        )
        return list(carried or [])

    def categories_at(self, rows: Mapping[int, Collection[int]]) -> dict[tuple[int, int], str]:
        """The category of some rows of some versions: {(version id, row): category}."""
        found: dict[tuple[int, int], str] = {}
        for version_id, wanted in rows.items():
            for row, category in self._session.execute(
                select(EntryRow.row, EntryRow.category).where(
                    EntryRow.version_id == version_id, EntryRow.row.in_(list(wanted))
                )
            ):
                found[(version_id, row)] = category
        return found

    def entry_at(self, version_id: int, row: int) -> tuple[int, str, int, Entry]:
        """(call id, unit, version number, entry) of one row of a stored version."""
        found = self._session.execute(
            select(SubmissionRow.call_id, SubmissionRow.unit_code, SubmissionVersionRow.number)
            .join(SubmissionVersionRow, SubmissionVersionRow.submission_id == SubmissionRow.id)
            .where(SubmissionVersionRow.id == version_id)
        ).one()
        entry = self._session.scalars(
            select(EntryRow).where(EntryRow.version_id == version_id, EntryRow.row == row)
        ).one()
        return found[0], found[1], found[2], _entry_from_row(entry)

    def authors(self, version_ids: Collection[int]) -> dict[int, tuple[str, str]]:
        """For each version: the unit whose list it is, and who created it."""
        found: dict[int, tuple[str, str]] = {}
        ids = list(version_ids)
        for start in range(0, len(ids), 1000):
            for vid, unit, author in self._session.execute(
                select(
                    SubmissionVersionRow.id,
                    SubmissionRow.unit_code,
                    SubmissionVersionRow.created_by,
                )
                .join(SubmissionRow, SubmissionRow.id == SubmissionVersionRow.submission_id)
                .where(SubmissionVersionRow.id.in_(ids[start : start + 1000]))
            ):
                found[vid] = (unit, author)
        return found

    def version_ids(self, call_id: int, unit_code: str, numbers: Collection[int]) -> dict[int, int]:
        """Database ids of some versions of a unit's list, by number."""
        rows = self._session.execute(
            select(SubmissionVersionRow.number, SubmissionVersionRow.id)
            .join(SubmissionRow, SubmissionRow.id == SubmissionVersionRow.submission_id)
            .where(
                SubmissionRow.call_id == call_id,
                SubmissionRow.unit_code == unit_code,
                SubmissionVersionRow.number.in_(list(numbers)),
            )
        )
        return {number: vid for number, vid in rows}

    def latest_version_ids(self, call_id: int, at: datetime | None = None) -> dict[str, int]:
        """Per unit, the id of its newest version (as of `at`)."""
        s, v = SubmissionRow, SubmissionVersionRow
        newest = (
            select(v.submission_id, func.max(v.number).label("number"))
            .where(*([v.created_at <= at] if at is not None else []))
            .group_by(v.submission_id)
            .subquery()
        )
        rows = self._session.execute(
            select(s.unit_code, v.id)
            .join(newest, newest.c.submission_id == s.id)
            .join(v, and_(v.submission_id == s.id, v.number == newest.c.number))
            .where(s.call_id == call_id)
        )
        return {code: vid for code, vid in rows}

    def leaves(self, version_ids: Collection[int]) -> dict[int, list[int]]:
        """For each version, the workplace versions it stands for (itself, or what it carries).

        A forward's version carries its children's versions, which may be forwards too.
        """
        result: dict[int, list[int]] = {}
        carries = self._carries(version_ids)
        for vid in version_ids:
            stack, leaves = [vid], []
            while stack:
                current = stack.pop()
                below = carries.get(current)
                if below is None:
                    leaves.append(current)
                    continue
                missing = [b for b in below if b not in carries]
                carries.update(self._carries(missing))
                stack.extend(below)
            result[vid] = leaves
        return result

    def _carries(self, version_ids: Collection[int]) -> dict[int, list[int] | None]:
        """The `carries` of some versions (None for a workplace's own list)."""
        found: dict[int, list[int] | None] = {}
        ids = list(version_ids)
        for start in range(0, len(ids), 1000):
            for vid, carried in self._session.execute(
                select(SubmissionVersionRow.id, SubmissionVersionRow.carries).where(
                    SubmissionVersionRow.id.in_(ids[start : start + 1000])
                )
            ):
                found[vid] = list(carried) if carried is not None else None
        return found


@lru_cache(maxsize=4)
def summary_query(
    dated: bool, some_units: bool
) -> Select[str, str, datetime, int, str | None, dict[str, int] | None]:
    """(unit, last state, first submitted at, latest entry count) per submission of a call.

    "Last" and "first" follow event ids, as `load_all` orders events; "latest" is the highest
    version number. With `dated`, only events and versions up to the moment bound as `at`
    count; with `some_units`, only the units bound as `units`. The last three are NULL for a
    submission without such an event or version. Built once per shape, with the call and the
    moment as bound parameters: a workplace's page asks this on every upload.

    One GROUP BY over the submissions of the call joined to their events and versions by
    index, then primary-key lookups of the rows it picked: no join between derived tables,
    so a PostgreSQL planner without fresh statistics cannot turn it into a quadratic loop.
    """
    s, e, v = SubmissionRow, SubmissionEventRow, SubmissionVersionRow
    at = bindparam("at", type_=e.at.type)
    event_on = [e.submission_id == s.id, *([e.at <= at] if dated else [])]
    version_on = [v.submission_id == s.id, *([v.created_at <= at] if dated else [])]
    submitted = case((e.state == SubmissionState.SUBMITTED.value, e.id))
    units = [s.unit_code.in_(bindparam("units", expanding=True))] if some_units else []
    picked = (
        select(
            s.id,
            s.unit_code,
            func.max(e.id).label("last_event"),
            func.min(submitted).label("first_submitted"),
            func.max(v.number).label("latest_version"),
        )
        .outerjoin(e, and_(*event_on))
        .outerjoin(v, and_(*version_on))
        .where(s.call_id == bindparam("call_id"), *units)
        .group_by(s.id, s.unit_code)
        .subquery()
    )
    last, first, latest = aliased(e), aliased(e), aliased(v)
    return (
        select(
            picked.c.unit_code,
            last.state,
            first.at,
            latest.entry_count,
            last.reason,
            latest.category_counts,
        )
        .outerjoin(last, last.id == picked.c.last_event)
        .outerjoin(first, first.id == picked.c.first_submitted)
        .outerjoin(
            latest,
            and_(latest.submission_id == picked.c.id, latest.number == picked.c.latest_version),
        )
    )


def _entry_from_row(row: EntryRow) -> Entry:
    """Domain entry from its row."""
    return Entry(**{c: getattr(row, c) for c in ENTRY_COLUMNS})


def entries_by_version(session: Session, version_ids: Sequence[int]) -> dict[int, list[Entry]]:
    """Entries of many versions at once (chunked), keyed by version id, in row order."""
    found: dict[int, list[Entry]] = {v: [] for v in version_ids}
    ids = list(version_ids)
    for start in range(0, len(ids), 500):
        rows = session.scalars(
            select(EntryRow)
            .where(EntryRow.version_id.in_(ids[start : start + 500]))
            .order_by(EntryRow.version_id, EntryRow.row)
        )
        for row in rows:
            found[row.version_id].append(_entry_from_row(row))
    return found
