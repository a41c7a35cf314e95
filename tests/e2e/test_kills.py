"""SIGKILL at random moments: `muster submit`, `muster import people` and the web server during
an upload, on SQLite and PostgreSQL (tests/kills.py says what is checked after each kill).

A bounded number of kills per kind (MUSTER_TEST_KILLS, default 3) keeps CI short;
`bench/faults.py` runs 200 and reports recovery times (bench/RESULTS.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.kills import KINDS, Scene

KILLS = int(os.environ.get("MUSTER_TEST_KILLS", "3"))


@pytest.mark.parametrize("kind", KINDS)
def test_killed_at_random_moments_leaves_everything_consistent(
    kind: str, db_url: str, tmp_path: Path
) -> None:
    scene = Scene(tmp_path, db_url, rows=1000)
    scene.build()
    try:
        outcomes = [scene.kill_once(kind) for _ in range(KILLS)]
    finally:
        scene.close()
    problems = [(o.delay, p) for o in outcomes for p in o.problems]
    assert problems == []
    # The kills were not all after the work was done: some interrupted it.
    assert any(not o.finished_first for o in outcomes)
