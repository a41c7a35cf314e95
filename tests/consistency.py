"""Is a database consistent after a crash? Checked concretely, table by table, with SQL.

Used by the kill tests, the database-restart test and bench/faults.py:
- every received file is fully recorded (accepted, rejected or duplicate, its bytes in the
  archive matching its SHA-256, a `receive_file` audit event), or is open (no outcome yet,
  or closed as `interrupted`/`failed`), which `muster files check` must report;
- every submission version has exactly its stored number of entries, and its category
  counts add up to it; a version made from a file names an accepted file of that content;
- every version has its submission event and its `submit` audit event.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

COMPLETE = ("accepted", "rejected", "duplicate")


@dataclass
class Consistency:
    """What was found: problems (must be none) and the receipts still open."""

    problems: list[str] = field(default_factory=list)
    open_files: list[int] = field(default_factory=list)  # no outcome yet: files check names them
    stray: list[str] = field(default_factory=list)  # archived bytes no receipt names
    versions: int = 0
    files: int = 0


def check(engine: Engine, archive: Path) -> Consistency:
    """Every rule of the module docstring, on the database and the archive folder."""
    found = Consistency()
    with engine.connect() as db:
        files = db.execute(text("SELECT id, sha256, size FROM received_files")).all()
        outcomes = _latest_outcomes(db)
        audited = _audited(db, "receive_file")
        found.files = len(files)
        for file_id, sha, size in files:
            outcome = outcomes.get(file_id)
            kept = _kept(archive, sha)
            if str(file_id) not in audited:
                found.problems.append(f"received file {file_id} has no receive_file audit event")
            if outcome in COMPLETE:
                if kept is None:
                    found.problems.append(f"received file {file_id} ({outcome}): bytes missing")
                elif hashlib.sha256(kept).hexdigest() != sha or len(kept) != size:
                    found.problems.append(f"received file {file_id}: bytes do not match")
            elif outcome is None:
                found.open_files.append(file_id)
                if kept is None:
                    found.problems.append(f"received file {file_id} (open): bytes not kept")
            elif outcome not in ("interrupted", "failed"):
                found.problems.append(f"received file {file_id}: unknown outcome {outcome!r}")
        named = {sha for _, sha, _ in files}
        found.stray = sorted(sha for sha in _archived(archive) if sha not in named)
        _check_versions(db, outcomes, found)
    return found


def _latest_outcomes(db: object) -> dict[int, str]:
    rows = db.execute(  # type: ignore[attr-defined]
        text("SELECT received_file_id, outcome FROM file_outcomes ORDER BY id")
    ).all()
    return {file_id: outcome for file_id, outcome in rows}


def _audited(db: object, action: str) -> set[str]:
    rows = db.execute(  # type: ignore[attr-defined]
        text("SELECT entity_id FROM audit_events WHERE action = :a"), {"a": action}
    ).all()
    return {str(r[0]) for r in rows}


def _check_versions(db: object, outcomes: dict[int, str], found: Consistency) -> None:
    versions = db.execute(  # type: ignore[attr-defined]
        text(
            "SELECT v.id, v.number, v.entry_count, v.category_counts, v.received_file_id, "
            "v.content_sha256, s.id, s.call_id, s.unit_code FROM submission_versions v "
            "JOIN submissions s ON s.id = v.submission_id"
        )
    ).all()
    entries = Counter(
        r[0]
        for r in db.execute(text("SELECT version_id FROM entries")).all()  # type: ignore[attr-defined]
    )
    events = {
        (r[0], r[1])
        for r in db.execute(  # type: ignore[attr-defined]
            text("SELECT submission_id, version FROM submission_events WHERE state = 'submitted'")
        ).all()
    }
    submits = Counter(
        (json.loads(a) if isinstance(a, str) else a or {}).get("received_file")
        for (a,) in db.execute(  # type: ignore[attr-defined]
            text("SELECT after FROM audit_events WHERE action = 'submit'")
        ).all()
    )
    sha_of = dict(
        db.execute(text("SELECT id, sha256 FROM received_files")).all()  # type: ignore[attr-defined]
    )
    found.versions = len(versions)
    for vid, number, count, by_category, file_id, sha, sub_id, call_id, unit in versions:
        where = f"version {number} of {unit} (call {call_id})"
        if entries[vid] != count:
            found.problems.append(f"{where}: {entries[vid]} entries stored, {count} counted")
        counts = json.loads(by_category) if isinstance(by_category, str) else by_category
        if counts is not None and sum(counts.values()) != count:
            found.problems.append(f"{where}: category counts {counts} do not add up to {count}")
        if (sub_id, number) not in events:
            found.problems.append(f"{where}: no submission event")
        if file_id is not None:
            if outcomes.get(file_id) != "accepted":
                found.problems.append(f"{where}: its file {file_id} is not accepted")
            if sha_of.get(file_id) != sha:
                found.problems.append(f"{where}: content differs from its file {file_id}")
            if submits[file_id] != 1:
                found.problems.append(f"{where}: {submits[file_id]} submit audit events")


def _kept(archive: Path, sha: str) -> bytes | None:
    target = archive / sha[:2] / sha[2:4] / sha
    return target.read_bytes() if target.is_file() else None


def _archived(archive: Path) -> list[str]:
    if not archive.is_dir():
        return []
    return [p.name for p in archive.glob("*/*/*") if len(p.name) == 64]
