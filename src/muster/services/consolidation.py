"""Use case: consolidate a call's accepted lists under a unit into one deduplicated report."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import polars as pl

from muster.domain.access import require, require_scope, sees_held
from muster.domain.calls import Call
from muster.domain.categories import Catalogue
from muster.domain.consolidation import (
    ConsolidatedPerson,
    ConsolidatedReport,
    SourceEntry,
    build_report,
    merge_cluster,
)
from muster.domain.errors import DomainError, NotFound
from muster.domain.people import Person
from muster.domain.submissions import Entry
from muster.domain.units import UnitKind, UnitTree
from muster.domain.users import Permission, User
from muster.linkage.link import LinkResult, ReviewDecision, link_records
from muster.services.lists import status
from muster.store.tables import ConsolidationRow
from muster.store.uow import UnitOfWork

LINK_COLUMNS = ("family_name", "given_name", "name_native", "date_of_birth", "sex", "passport_no")
Linker = Callable[[pl.DataFrame, Sequence[ReviewDecision]], LinkResult]


def duckdb_linker(
    frame: pl.DataFrame,
    decisions: Sequence[ReviewDecision],
    progress: Callable[[str], None] | None = None,
) -> LinkResult:
    """Link with Splink on DuckDB, the default engine."""
    return link_records(frame, engine="duckdb", decisions=decisions, progress=progress)


@dataclass(frozen=True)
class Consolidation:
    """The merged persons of a consolidation run and where it was saved."""

    id: int
    call: Call
    unit_code: str
    persons: list[ConsolidatedPerson]
    review_pairs: list[dict[str, object]]
    entries: int


def record_id(unit_code: str, entry: Entry, taken: set[str]) -> str:
    """A record id stable across versions while the person's details stay the same."""
    basis = "|".join(str(getattr(entry, c) or "") for c in ("person_id", *LINK_COLUMNS))
    digest = hashlib.sha256(f"{unit_code}|{basis}".encode()).hexdigest()[:12]
    candidate, n = f"{unit_code}:{digest}", 1
    while candidate in taken:
        n += 1
        candidate = f"{unit_code}:{digest}#{n}"
    taken.add(candidate)
    return candidate


def accepted_sources(
    uow: UnitOfWork, call: Call, tree: UnitTree, unit_code: str
) -> list[SourceEntry]:
    """Every entry of the accepted (or forwarded) workplace lists under a unit, each marked
    held when it names, or may name, a person under a protection hold."""
    workplaces = [u.code for u in tree.subtree(unit_code) if u.kind is UnitKind.WORKPLACE]
    assert call.id is not None
    accepted = uow.submissions.accepted_entries(call.id, workplaces)
    held = uow.holds.hidden_rows({vid for _v, vid, _e in accepted.values()})
    taken: set[str] = set()
    sources: list[SourceEntry] = []
    for code, (version, vid, entries) in sorted(accepted.items()):
        rows = held.get(vid, set())
        for entry in entries:
            rid = record_id(code, entry, taken)
            sources.append(
                SourceEntry(rid, code, version.number, version.created_at, entry, entry.row in rows)
            )
    return sources


def link_frame(sources: Sequence[SourceEntry]) -> pl.DataFrame:
    """SPEC §5 link input for the sources."""
    return pl.DataFrame(
        {
            "record_id": [s.record_id for s in sources],
            **{c: [_text(getattr(s.entry, c)) for s in sources] for c in LINK_COLUMNS},
        },
        schema={"record_id": pl.String, **dict.fromkeys(LINK_COLUMNS, pl.String)},
    )


def _text(value: object) -> str | None:
    """Cell text for linkage (dates ISO)."""
    return None if value is None else str(value)


def registry_decisions(sources: Sequence[SourceEntry]) -> list[ReviewDecision]:
    """Entries linked to the same registry person are the same person."""
    by_person: dict[str, list[str]] = defaultdict(list)
    for s in sources:
        if s.entry.person_id:
            by_person[s.entry.person_id].append(s.record_id)
    return [ReviewDecision(ids[0], other, True) for ids in by_person.values() for other in ids[1:]]


def consolidate(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    *,
    call_id: int,
    unit_code: str,
    now: datetime,
    linker: Linker = duckdb_linker,
    progress: Callable[[str], None] | None = None,
) -> Consolidation:
    """Merge the accepted lists under a unit into persons; saves the run, its model and which
    entries it merged. `progress`, when given, hears of each stage (for a job's page)."""
    report = progress or _quiet
    call, tree = check_consolidate(uow, actor, call_id=call_id, unit_code=unit_code)
    report("reading the accepted lists")
    sources = accepted_sources(uow, call, tree, unit_code)
    report("linking the entries")
    if linker is duckdb_linker and progress is not None:  # the linkage's own stages too
        linker = partial(duckdb_linker, progress=report)
    clusters, pairs, model = _cluster(uow, call_id, sources, linker)
    report("merging persons")
    registry = _registry_of(uow, sources)
    persons = [
        merge_cluster(cid, members, catalogue, registry) for cid, members in clusters.items()
    ]
    row = ConsolidationRow(
        call_id=call_id,
        unit_code=unit_code,
        created_at=now,
        created_by=actor.name,
        entries=len(sources),
        persons=len(persons),
        model=model,
        review_pairs=pairs,
        clusters={s.record_id: cid for cid, members in clusters.items() for s in members},
    )
    consolidation_id = uow.consolidations.add(row)
    uow.audit.record(
        actor.name,
        "consolidate",
        "consolidation",
        str(consolidation_id),
        None,
        {"call": call_id, "unit": unit_code, "entries": len(sources), "persons": len(persons)},
    )
    uow.commit()
    shown = pairs if sees_held(actor) else _without_held(pairs, sources)
    return Consolidation(consolidation_id, call, unit_code, persons, shown, len(sources))


def check_consolidate(
    uow: UnitOfWork, actor: User, *, call_id: int, unit_code: str
) -> tuple[Call, UnitTree]:
    """Refuse unless the actor may consolidate the call under the unit (a job checks this when
    it is asked for and again when it runs); the call and the tree when they may."""
    call = uow.calls.get(call_id)
    tree = uow.units.tree()
    require(actor, Permission.REVIEW, tree, unit_code)
    if tree.get(unit_code).kind is UnitKind.WORKPLACE:
        raise DomainError(
            "consolidation is for a consulate, mission or headquarters, not a workplace"
        )
    return call, tree


def _quiet(_message: str) -> None:
    """Progress nobody listens to."""


def latest_consolidation(
    uow: UnitOfWork, actor: User, catalogue: Catalogue, *, call_id: int, unit_code: str
) -> tuple[Consolidation, datetime, int] | None:
    """The newest consolidation of the call under the unit, its persons built again from the
    entries it merged as they are now (holds placed since then apply), with when it ran and
    how many accepted entries came after it (not in it: consolidate again); None before a
    first run (or for a run older than the kept clusters). Who may: as `consolidate`."""
    call, tree = check_consolidate(uow, actor, call_id=call_id, unit_code=unit_code)
    latest = uow.consolidations.latest(call_id, unit_code)
    if latest is None or latest.clusters is None:
        return None
    sources = accepted_sources(uow, call, tree, unit_code)
    grouped: dict[str, list[SourceEntry]] = defaultdict(list)
    for source in sources:
        if (cid := latest.clusters.get(source.record_id)) is not None:
            grouped[str(cid)].append(source)
    registry = _registry_of(uow, sources)
    persons = [merge_cluster(cid, members, catalogue, registry) for cid, members in grouped.items()]
    newer = len(sources) - sum(len(m) for m in grouped.values())
    shown = latest.review_pairs if sees_held(actor) else _without_held(latest.review_pairs, sources)
    run = Consolidation(latest.id, call, unit_code, persons, shown, latest.entries)
    return run, latest.created_at, newer


def _without_held(
    pairs: list[dict[str, object]], sources: Sequence[SourceEntry]
) -> list[dict[str, object]]:
    """The review pairs that involve no entry naming (or maybe naming) a held person."""
    hidden = {s.record_id for s in sources if s.held}
    return [p for p in pairs if not {str(p["record_id_l"]), str(p["record_id_r"])} & hidden]


def _registry_of(
    uow: UnitOfWork, sources: Sequence[SourceEntry]
) -> dict[str, tuple[Person, str | None]]:
    """The registry record and workplace of every person a source names by id."""
    ids = {s.entry.person_id for s in sources if s.entry.person_id}
    workplaces: dict[str, str] = {}
    for pid, workplace in sorted(uow.people.workplaces_of_many(ids)):
        workplaces.setdefault(pid, workplace)
    return {p.person_id: (p, workplaces.get(p.person_id)) for p in uow.people.get_many(ids)}


def _cluster(
    uow: UnitOfWork, call_id: int, sources: list[SourceEntry], linker: Linker
) -> tuple[dict[str, list[SourceEntry]], list[dict[str, object]], dict[str, object]]:
    """Cluster the sources (reapplying reviewers' decisions); also grey pairs and the model."""
    if len(sources) < 2:
        return {s.record_id: [s] for s in sources}, [], {}
    decisions = registry_decisions(sources) + [
        ReviewDecision(a, b, same) for a, b, same in uow.consolidations.decisions(call_id)
    ]
    result = linker(link_frame(sources), decisions)
    by_id = {s.record_id: s for s in sources}
    clusters: dict[str, list[SourceEntry]] = defaultdict(list)
    for rid, cid in result.clusters.select("record_id", "cluster_id").iter_rows():
        clusters[str(cid)].append(by_id[str(rid)])
    pairs = [dict(r) for r in result.review_pairs.to_dicts()]
    return dict(clusters), pairs, dict(result.settings)


def consolidated_report(
    uow: UnitOfWork, actor: User, catalogue: Catalogue, consolidation: Consolidation, now: datetime
) -> ConsolidatedReport:
    """The sectioned report of a consolidation, as the actor may see it (the read is audited)."""
    tree = uow.units.tree()
    call = consolidation.call
    assert call.id is not None
    require_scope(actor, tree, consolidation.unit_code)
    _call, statuses = status(uow, actor, catalogue, call_id=call.id, now=now)
    rows = [r for r in statuses if tree.is_within(r.unit, consolidation.unit_code)]
    report = build_report(
        call, consolidation.unit_code, tree, consolidation.persons, catalogue, actor, rows, now
    )
    uow.audit.record(
        actor.name, "read_report", "consolidation", str(consolidation.id), None,
        {"persons": len(report.persons), "sections": [s.section.code for s in report.sections]},
    )  # fmt: skip
    uow.commit()
    return report


def pairs_to_review(
    uow: UnitOfWork, actor: User, *, call_id: int, unit_code: str
) -> tuple[int, list[dict[str, object]]] | None:
    """The pairs linkage was unsure of in the latest consolidation of a call under a unit,
    in the order linkage ranks them (most consequential first), without any that involve an
    entry the actor may not see, each with the reviewers' latest decision on it (`decided`:
    same, by, at) when one was made; None before a first run."""
    tree = uow.units.tree()
    require(actor, Permission.REVIEW, tree, unit_code)
    latest = uow.consolidations.latest(call_id, unit_code)
    if latest is None:
        return None
    pairs = [dict(p) for p in latest.review_pairs]
    if not sees_held(actor):
        sources = accepted_sources(uow, uow.calls.get(call_id), tree, unit_code)
        pairs = _without_held(pairs, sources)
    rulings = uow.consolidations.rulings(call_id)
    for pair in pairs:  # a decision made since the run: reapplied by the next consolidation
        left, right = str(pair["record_id_l"]), str(pair["record_id_r"])
        if (ruling := rulings.get((min(left, right), max(left, right)))) is not None:
            same, by, at = ruling
            pair["decided"] = {"same": same, "by": by, "at": at.isoformat()}
    return latest.id, pairs


def decide_match(
    uow: UnitOfWork, actor: User, *, call_id: int, left: str, right: str, same: bool, now: datetime
) -> None:
    """Record a reviewer's ruling on a grey-zone pair; it is reapplied on every later run."""
    tree = uow.units.tree()
    uow.calls.get(call_id)
    for rid in (left, right):
        unit = rid.split(":", 1)[0]
        if unit not in tree:
            raise NotFound(f"no record {rid!r}")
        require(actor, Permission.REVIEW, tree, unit)
    uow.consolidations.decide(call_id, left, right, same, actor.name, now)
    uow.audit.record(
        actor.name,
        "confirm_match" if same else "split_match",
        "match",
        f"{left}~{right}",
        None,
        {"call": call_id, "same": same},
    )
    uow.commit()
