"""API: the consolidated report of a call under a unit — consolidate (a background job), the
latest consolidation as the token may see it (sections, persons, counts, completeness), and
the linkage review queue (the pairs linkage was unsure of, and a decision on one).

Who may: as `muster report` (`review` within the token's subtree). What each section, note
and held person shows is decided by services.consolidation, never here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from muster.domain.completeness import UnitStatus
from muster.domain.consolidation import ConsolidatedPerson, ConsolidatedReport, SourceEntry
from muster.domain.errors import NotFound
from muster.domain.submissions import Entry
from muster.services.consolidation import (
    check_consolidate,
    consolidated_report,
    decide_match,
    latest_consolidation,
    pairs_to_review,
)
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller, CallId, Code, UnitCode
from muster.web.api.calls import CallOut, call_out
from muster.web.api.jobs import JobOut, pending_job, start_job
from muster.web.report_view import Pair, review_pairs
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["consolidation"], responses=REFUSALS)
UNIT = "/calls/{call_id}/units/{unit_code}"


class ReportSourceOut(BaseModel):
    """Where an entry of a merged person came from."""

    record_id: str
    unit_code: str
    version: int
    submitted_at: datetime


class ReportPersonOut(BaseModel):
    """A merged person as the token may see them: who (the registry's identity when known),
    what, where, and every source entry merged (notes only those the token may read)."""

    cluster_id: str
    person_id: str | None
    family_name: str | None
    given_name: str | None
    name_native: str | None
    date_of_birth: date | None
    sex: str | None
    passport_no: str | None
    category: str
    section: str
    workplace: str
    fit_to_travel: str
    wants_to_return: str
    notes: list[str]
    sources: list[ReportSourceOut]


class SectionOut(BaseModel):
    """A section of the report the token may open, and its persons."""

    code: str
    label: str
    persons: list[ReportPersonOut]


class ReportCounts(BaseModel):
    """Persons shown, counted by section, category, region and workplace type."""

    section: dict[str, int]
    category: dict[str, int]
    region: dict[str, int]
    type: dict[str, int]


class ConsolidatedOut(BaseModel):
    """The latest consolidation as the token may see it."""

    consolidation: int
    consolidated_at: datetime
    newer_entries: int = Field(description="Accepted entries that came after it (not in it)")
    generated_at: datetime
    show_medical: bool
    entries_merged: int
    sections: list[SectionOut]
    counts: ReportCounts
    completeness: list[UnitStatus]


class ReportOut(BaseModel):
    """The report of a call under a unit: the latest consolidation (null before a first one)
    and a consolidation job still queued or running, if any."""

    call: CallOut
    unit_code: str
    pending_job: int | None
    report: ConsolidatedOut | None


class PairSideOut(BaseModel):
    """One record of a pair as the token may see it."""

    record_id: str
    source: ReportSourceOut
    entry: Entry


class DecidedOut(BaseModel):
    """The reviewers' latest decision on a pair (reapplied by every later consolidation)."""

    same: bool
    by: str
    at: datetime


class PairOut(BaseModel):
    """A pair linkage was unsure of, both records, and any decision made on it."""

    left: PairSideOut
    right: PairSideOut
    merged: bool = Field(description="The consolidation put both records in one person")
    decided: DecidedOut | None


class PairsOut(BaseModel):
    """A page of the review queue of the latest consolidation, most consequential first."""

    consolidation: int | None
    total: int
    offset: int
    pairs: list[PairOut]


class DecisionIn(BaseModel):
    """Confirm that two records are the same person, or split them into two persons."""

    left: Code
    right: Code
    decision: Literal["confirm", "split"]


class DecisionOut(BaseModel):
    """The decision stored; the next consolidation applies it."""

    left: str
    right: str
    same: bool


def _source(source: SourceEntry) -> ReportSourceOut:
    return ReportSourceOut(
        record_id=source.record_id, unit_code=source.unit_code, version=source.version,
        submitted_at=source.submitted_at,
    )  # fmt: skip


def _person(person: ConsolidatedPerson) -> ReportPersonOut:
    e = person.entry
    return ReportPersonOut(
        cluster_id=person.cluster_id, person_id=person.person_id, family_name=e.family_name,
        given_name=e.given_name, name_native=e.name_native, date_of_birth=e.date_of_birth,
        sex=e.sex, passport_no=e.passport_no, category=person.category, section=person.section,
        workplace=person.workplace, fit_to_travel=person.fit_to_travel,
        wants_to_return=person.wants_to_return, notes=person.notes,
        sources=[_source(s) for s in person.sources],
    )  # fmt: skip


def _report(report: ConsolidatedReport, run_id: int, at: datetime, newer: int) -> ConsolidatedOut:
    sections = [
        SectionOut(code=s.section.code, label=s.section.label,
                   persons=[_person(p) for p in s.persons])
        for s in report.sections
    ]  # fmt: skip
    counts = ReportCounts(**{k: dict(report.counts.get(k, {})) for k in ReportCounts.model_fields})
    return ConsolidatedOut(
        consolidation=run_id, consolidated_at=at, newer_entries=newer,
        generated_at=report.generated_at, show_medical=report.show_medical,
        entries_merged=report.entries_merged, sections=sections, counts=counts,
        completeness=list(report.completeness),
    )  # fmt: skip


@router.post(UNIT + "/consolidate", status_code=201)
def consolidate_unit(
    request: Request, user: Caller, call_id: CallId, unit_code: UnitCode
) -> JobOut:
    """Consolidate the call's accepted lists under the unit now, as a background job (needs
    `review`): poll `/jobs/{id}`. A retry while the job waits or runs answers the same job."""
    muster = muster_of(request)
    params = {"call_id": call_id, "unit_code": unit_code}
    with muster.uow() as uow:
        return start_job(uow, user, "consolidate", params, muster.clock())


@router.get(UNIT + "/report")
def unit_report(request: Request, user: Caller, call_id: CallId, unit_code: UnitCode) -> ReportOut:
    """The latest consolidation as the token may see it: sections it may open, persons (held
    persons only with `protection`, medical notes only with `medical`), counts by section,
    category, region and workplace type, and completeness of the units below (audited)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        call = check_consolidate(uow, user, call_id=call_id, unit_code=unit_code)[0]
        found = latest_consolidation(
            uow, user, muster.catalogue, call_id=call_id, unit_code=unit_code
        )
        shown = None
        if found is not None:
            run, at, newer = found
            report = consolidated_report(uow, user, muster.catalogue, run, muster.clock())
            shown = _report(report, run.id, at, newer)
        params = {"call_id": call_id, "unit_code": unit_code}
        pending = pending_job(uow, user, "consolidate", params)
    return ReportOut(
        call=call_out(call), unit_code=unit_code, pending_job=pending.id if pending else None,
        report=shown,
    )  # fmt: skip


def _pair(pair: Pair) -> PairOut:
    sides = [
        PairSideOut(record_id=side.record_id, source=_source(side.source),
                entry=side.source.entry)
        for side in (pair.left, pair.right)
    ]  # fmt: skip
    decided = None if pair.decided is None else DecidedOut.model_validate(dict(pair.decided))
    return PairOut(left=sides[0], right=sides[1], merged=pair.merged, decided=decided)


@router.get(UNIT + "/report/pairs")
def unit_pairs(
    request: Request,
    user: Caller,
    call_id: CallId,
    unit_code: UnitCode,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> PairsOut:
    """The pairs of the latest consolidation linkage was unsure of, most consequential first,
    both records as the token may see them (a pair with a record it may not see is left
    out), each with any decision made on it (needs `review`)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        found = latest_consolidation(
            uow, user, muster.catalogue, call_id=call_id, unit_code=unit_code
        )
        latest = pairs_to_review(uow, user, call_id=call_id, unit_code=unit_code)
    if found is None or latest is None:
        return PairsOut(consolidation=None, total=0, offset=0, pairs=[])
    pairs = review_pairs(latest[1], found[0], muster.catalogue, user)
    shown = [_pair(p) for p in pairs[offset : offset + limit]]
    return PairsOut(consolidation=latest[0], total=len(pairs), offset=offset, pairs=shown)


@router.post(UNIT + "/report/pairs/decision")
def decide_pair(
    request: Request, user: Caller, call_id: CallId, unit_code: UnitCode, body: DecisionIn
) -> DecisionOut:
    """Confirm (the same person) or split (different persons) a pair of the review queue
    (needs `review` over both records); every later consolidation applies it. Sending the
    same decision again records it again and changes nothing else."""
    muster = muster_of(request)
    same = body.decision == "confirm"
    with muster.uow() as uow:
        latest = pairs_to_review(uow, user, call_id=call_id, unit_code=unit_code)
        queued = {(str(p["record_id_l"]), str(p["record_id_r"])) for p in (latest or (0, []))[1]}
        if (body.left, body.right) not in queued:
            raise NotFound("no such pair to review here")
        decide_match(
            uow, user, call_id=call_id, left=body.left, right=body.right, same=same,
            now=muster.clock(),
        )  # fmt: skip
    return DecisionOut(left=body.left, right=body.right, same=same)
