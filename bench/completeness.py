"""Benchmark: the completeness view of a call over 10,000 units (SPEC §8: < 500 ms).

Builds a tree of 10,000 units with submissions for ~85% of workplaces directly in the
database (setup is not measured), then times `services.lists.status` — load the tree, read
one summary per submission (last state, first submission time, latest entry count) with an
aggregated query, and compute timeliness for every unit — against a baseline measured in
the same run: a bare SELECT of the submission, event and version rows with no domain work.
A second line times the view as it stood at a past moment (`muster status --at`), the same
aggregated read restricted to the events and versions up to then.

    .venv/bin/python bench/completeness.py [--units 10000] [--db URL] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text

from muster.bootstrap import bootstrap
from muster.domain.users import OPERATOR
from muster.services.lists import status
from muster.store.tables import (
    CallRow,
    SubmissionEventRow,
    SubmissionRow,
    SubmissionVersionRow,
    UnitRow,
)

T0 = datetime(2021, 7, 20, tzinfo=UTC)
DUE = T0 + timedelta(days=4)


def units(count: int) -> list[dict[str, object]]:
    """HQ, 10 missions, 10 consulates each, workplaces for the rest."""
    rows: list[dict[str, object]] = [{"code": "HQ", "name": "HQ", "kind": "headquarters"}]
    consulates = []
    for m in range(10):
        rows.append(
            {"code": f"M{m}", "name": f"Mission {m}", "kind": "mission", "parent_code": "HQ"}
        )
        for c in range(10):
            code = f"C{m}{c}"
            consulates.append(code)
            rows.append({"code": code, "name": code, "kind": "consulate", "parent_code": f"M{m}"})
    for w in range(count - len(rows)):
        rows.append(
            {
                "code": f"W{w:05d}",
                "name": f"Workplace {w}",
                "kind": "workplace",
                "parent_code": consulates[w % len(consulates)],
                "workplace_type": "factory",
                "slots": 40,
                "region": "North",
                "host_country": "XA",
            }
        )
    return rows


def build(url: str, count: int) -> None:
    """Create the schema and the rows the view reads."""
    app = bootstrap(url, migrate=True)
    tree = units(count)
    with app.engine.begin() as conn:
        conn.execute(
            insert(UnitRow),
            [
                {
                    "parent_code": None,
                    "workplace_type": None,
                    "slots": None,
                    "region": None,
                    "host_country": None,
                    "trade": None,
                    **u,
                }
                for u in tree
            ],
        )
        conn.execute(
            insert(CallRow),
            [
                {
                    "id": 1,
                    "title": "bench",
                    "instructions": "",
                    "issued_by": "HQ",
                    "scope": "HQ",
                    "categories": ["illness"],
                    "due_workplace": DUE,
                    "due_consulate": DUE,
                    "due_mission": DUE,
                    "issued_at": T0,
                    "issued_by_user": "b",
                }
            ],
        )
        workplaces = [u["code"] for u in tree if u["kind"] == "workplace"]
        reported = [w for i, w in enumerate(workplaces) if i % 20 < 17]
        conn.execute(
            insert(SubmissionRow),
            [
                {"id": i + 1, "call_id": 1, "unit_code": w, "created_at": T0}
                for i, w in enumerate(reported)
            ],
        )
        at = [T0 + timedelta(minutes=7 * i) for i in range(len(reported))]
        conn.execute(
            insert(SubmissionVersionRow),
            [
                {
                    "submission_id": i + 1,
                    "number": 1,
                    "created_at": at[i],
                    "created_by": "b",
                    "entry_count": 12,
                }
                for i in range(len(reported))
            ],
        )
        conn.execute(
            insert(SubmissionEventRow),
            [
                {
                    "submission_id": i + 1,
                    "state": "submitted",
                    "version": 1,
                    "at": at[i],
                    "by_user": "b",
                }
                for i in range(len(reported))
            ],
        )
    app.engine.dispose()


def time_it(fn: object, repeat: int) -> float:
    """Median wall time of `fn()` in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    """Build, then time the bare read and the view now and at the due time; a line for each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--db", default=None, help="database URL (default: a temporary SQLite)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    url = args.db or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    print(f"building {args.units:,} units in {url.split('@')[-1]} ...", file=sys.stderr)
    build(url, args.units)
    app = bootstrap(url)

    def view() -> None:
        with app.uow() as uow:
            _call, rows = status(uow, OPERATOR, app.catalogue, call_id=1)
            assert len(rows) == args.units - 1

    def view_at() -> None:
        with app.uow() as uow:
            _call, rows = status(uow, OPERATOR, app.catalogue, call_id=1, at=DUE)
            assert len(rows) == args.units - 1

    def bare() -> None:
        with app.engine.connect() as conn:
            conn.execute(select(UnitRow.code, UnitRow.kind, UnitRow.parent_code)).all()
            conn.execute(
                text(
                    "SELECT s.unit_code, e.state, e.at, v.entry_count FROM submissions s "
                    "JOIN submission_events e ON e.submission_id = s.id "
                    "JOIN submission_versions v ON v.submission_id = s.id"
                )
            ).all()

    view()  # warm caches and the connection pool
    bare_ms, view_ms = time_it(bare, args.repeat), time_it(view, args.repeat)
    at_ms = time_it(view_at, args.repeat)
    for label, ms in (("completeness_ms", view_ms), ("completeness_at_ms", at_ms)):
        print(
            f"units={args.units} bare_read_ms={bare_ms:.1f} {label}={ms:.1f} "
            f"ratio={ms / bare_ms:.2f} target_ms=500 {'OK' if ms < 500 else 'OVER'}"
        )
    if os.environ.get("MUSTER_BENCH_STRICT") and max(view_ms, at_ms) >= 500:
        sys.exit(1)


if __name__ == "__main__":
    main()
