"""Rotation from the command line: host policy, routes, quarantine, pool, plan --from-db."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from muster.reports.manifest import HEADER as HEADER_OF_MANIFEST
from tests.e2e.cli import invoke
from tests.e2e.test_cli_loop import HEADER, _issue, _world

POOL = (
    "replacement_id,family_name,given_name,name_native,date_of_birth,sex,trades,hosts,ready\n"
    "R1,Han,Gwang Il,한광일,1990-01-01,M,factory,XA,2021-08-01\n"
)


def test_plan_from_the_database(tmp_path: Path) -> None:
    path, db = _world(tmp_path, f"sqlite:///{tmp_path / 'muster.db'}", invoke)
    (path / "pool.csv").write_text(POOL, encoding="utf-8")
    (path / "w1.csv").write_text(
        HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,,yes,yes,\n",
        encoding="utf-8",
    )
    steps = [
        ["host", "set", "XA", "--rotation", "paired", "--stay", "may stay"],
        [
            "route",
            "add",
            "bridge",
            "--host",
            "XA",
            "--mode",
            "bridge",
            "--from",
            "2021-08-03",
            "--seats-home",
            "10",
            "--seats-out",
            "10",
        ],
        ["quarantine", "set", "--beds", "5", "--days", "14"],
        ["replacement", "import", "pool.csv"],
    ]
    for step in steps:
        result = invoke(*step, db=db, cwd=path)
        assert result.code == 0, (step, result.err)
    call = _issue(path, db, invoke)
    assert invoke("submit", "--call", call, "--unit", "W1", "w1.csv", db=db, cwd=path).code == 0
    accept = ["review", "--call", call, "--unit", "W1", "--accept"]
    assert invoke("--as", "north", *accept, db=db, cwd=path).code == 0
    planned = invoke(
        "plan",
        "--from-db",
        "--call",
        call,
        "--start",
        "2021-08-01",
        "--horizon",
        "20",
        "--out",
        "plan.json",
        "--manifest",
        "plan.xlsx",
        db=db,
        cwd=path,
    )
    assert planned.code == 0, planned.err
    assert "saved as plan 1" in planned.err
    plan = json.loads((path / "plan.json").read_text(encoding="utf-8"))
    moves = {(m["person"], m["direction"], m["date"], m["workplace"]) for m in plan["moves"]}
    # Paired host: the returnee leaves only on the day the replacement arrives in W1.
    assert moves == {("P1", "home", "2021-08-03", "W1"), ("R1", "out", "2021-08-03", "W1")}
    assert plan["status"] == "optimal"
    book = openpyxl.load_workbook(path / "plan.xlsx", read_only=True)
    assert book.sheetnames == ["Summary", "2021-08-03 bridge"]
    rows = list(book["2021-08-03 bridge"].iter_rows(values_only=True))
    assert rows[0] == HEADER_OF_MANIFEST
    # Names to book travel with: the registry's for P1, the pool's for R1 (it has no passport).
    assert {r[:8] for r in rows[1:]} == {
        ("home", "P1", "Kim", "Chol Su", "김철수", "1985-03-14", "M1234567", "W1"),
        ("out", "R1", "Han", "Gwang Il", "한광일", "1990-01-01", None, "W1"),
    }


def test_plan_usage_and_refusals(tmp_path: Path) -> None:
    path, db = _world(tmp_path, f"sqlite:///{tmp_path / 'muster.db'}", invoke)
    assert invoke("plan", db=db, cwd=path).code == 2
    assert invoke("plan", "--from-db", db=db, cwd=path).code == 2
    refused = invoke("--as", "north", "host", "set", "XA", "--rotation", "free", db=db, cwd=path)
    assert refused.code == 1 and "lacks the 'plan' permission" in refused.err
    bad = invoke(
        "route",
        "add",
        "r",
        "--host",
        "XQ",
        "--seats-home",
        "1",
        "--seats-out",
        "1",
        db=db,
        cwd=path,
    )
    assert bad.code == 1 and "no policy yet" in bad.err
