"""Benchmark: N SIGKILLs at random moments, and how long recovery takes (issue 14).

Kills `muster submit`, `muster import people` and `muster serve` during an upload, in
turn, N times in all (tests/kills.py: delays drawn in a range calibrated on an
uninterrupted run of each command), on a fresh database of its own. After every kill it
checks that the database and archive are consistent and that `muster files check` reports
exactly what is open, then sends the same file again (it must become exactly one version)
and closes interrupted receipts. Prints how many kills left a consistent state (must be
all) and how long recovery took (the resubmission, the server's restart for the web, and
`files check`).

    .venv/bin/python bench/faults.py [--kills 200] [--db postgresql://postgres@127.0.0.1:5432/test]
                                     [--kinds submit,import,web] [--rows 3000] [--seed 14]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.kills

from tests.kills import KINDS, Outcome, Scene

from muster.store.db import normalise_url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--db", help="a PostgreSQL URL (a fresh schema is made); default SQLite")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    with tempfile.TemporaryDirectory(prefix="muster-faults-") as folder:
        root = Path(folder)
        url, drop = _database(args.db, root)
        outcomes: list[Outcome] = []
        try:
            scene = Scene(root, url, rows=args.rows, rng=random.Random(args.seed))
            scene.build()
            began = time.monotonic()
            try:
                for i in range(args.kills):
                    outcome = scene.kill_once(kinds[i % len(kinds)])
                    outcomes.append(outcome)
                    _line(i + 1, outcome)
            except KeyboardInterrupt:
                print("interrupted: the kills so far")
            finally:
                scene.close()
            _report(outcomes, time.monotonic() - began, url)
        finally:
            drop()
    return 0 if all(not o.problems for o in outcomes) else 1


def _line(number: int, outcome: Outcome) -> None:
    """One kill, as it happened."""
    mark = "ok" if not outcome.problems else "INCONSISTENT: " + "; ".join(outcome.problems)
    print(f"{number:>4} {outcome.kind:<6} killed at {outcome.delay:5.2f} s "
          f"{'(had finished)' if outcome.finished_first else '':<14} "
          f"open receipts {outcome.open_files}  "
          f"recovery {outcome.recovery_seconds:5.2f} s  {mark}", flush=True)  # fmt: skip


def _database(given: str | None, root: Path) -> tuple[str, object]:
    """SQLite in the temporary folder, or a fresh schema of the PostgreSQL database given."""
    if not given:
        return f"sqlite:///{root / 'faults.db'}", lambda: None
    schema = f"faults_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(given))
    with admin.begin() as db:
        db.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as db:
            db.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    sep = "&" if "?" in given else "?"
    return f"{given}{sep}options=-csearch_path%3D{schema}", drop


def _report(outcomes: list[Outcome], seconds: float, url: str) -> None:
    consistent = sum(1 for o in outcomes if not o.problems)
    print(f"\n{len(outcomes)} kills on {url.split(':')[0]} in {seconds:.0f} s: "
          f"{consistent} left a consistent state, "
          f"{len(outcomes) - consistent} did not")  # fmt: skip
    for kind in sorted({o.kind for o in outcomes}):
        mine = [o for o in outcomes if o.kind == kind]
        times = sorted(o.recovery_seconds for o in mine)
        interrupted = sum(1 for o in mine if not o.finished_first)
        opened = sum(1 for o in mine if o.open_files)
        print(f"  {kind:<6} {len(mine):>4} kills ({interrupted} mid-run, {opened} left an open "
              f"receipt); recovery median {statistics.median(times):.2f} s, "
              f"max {times[-1]:.2f} s")  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())
