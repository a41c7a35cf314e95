"""Every command works: each command and subcommand the CLI offers runs at least once against
a small demo world, and none ends in a traceback.

The commands are enumerated from the Typer app itself, so a new command without a line in
`_invocations` fails `test_every_command_has_a_smoke_invocation`. A refusal (exit 1 with
`muster: reason` on stderr) is a fine answer where one is expected; a usage error (exit 2)
means the smoke line is wrong; an uncaught exception is a bug.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import muster.cli.demo as demo_cli
from muster.bootstrap import bootstrap
from muster.cli import app
from muster.cli.lazy import load_all
from muster.demo.build import BuildReport, build_demo
from muster.demo.files import people_csv, replacements_csv, units_csv
from muster.demo.model import World
from muster.demo.script import write_script
from muster.demo.world import generate_world
from muster.services.rotation_plan import scenario_json
from muster.store.tables import HoldMatchRow, ReceivedFileRow

SCALE = 0.03
LIST_HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note\n"
)


@dataclass(frozen=True)
class Smoke:
    """The demo world, where it lives, and the files and ids the commands need."""

    world: World
    report: BuildReport
    folder: Path
    url: str
    file_id: int
    match_id: int


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Smoke]:
    """A small demo world built once, with the input files the commands read."""
    folder = tmp_path_factory.mktemp("smoke")
    (folder / "second").mkdir()
    previous = os.environ.get("MUSTER_DATA_DIR")
    os.environ["MUSTER_DATA_DIR"] = str(folder / "files")
    try:
        url = f"sqlite:///{folder / 'demo.db'}"
        muster = bootstrap(url, migrate=True)
        world = generate_world(seed=3, scale=SCALE)
        report = build_demo(muster, world)
        with muster.uow() as uow:
            file_id = uow.session.scalars(select(ReceivedFileRow.id).limit(1)).one()
            # A possible match (not one naming the person by id: that one only a release ends).
            possible = select(HoldMatchRow.id).where(HoldMatchRow.kind != "person_id").limit(1)
            match_id = uow.session.scalars(possible).first() or 999_999
        muster.engine.dispose()
        _write_inputs(folder, world, report)
        yield Smoke(world, report, folder, url, file_id, match_id)
    finally:
        if previous is None:
            os.environ.pop("MUSTER_DATA_DIR", None)
        else:
            os.environ["MUSTER_DATA_DIR"] = previous


def _write_inputs(folder: Path, world: World, report: BuildReport) -> None:
    """units, people, pool, a list, link input and a scenario, as files on disk."""
    (folder / "units.csv").write_bytes(units_csv(world))
    (folder / "people.csv").write_bytes(people_csv(world.people[:10]))
    (folder / "pool.csv").write_bytes(replacements_csv(world))
    person = world.people[0]
    (folder / "list.csv").write_text(
        LIST_HEADER + f"{person.person_id},{person.family_name},{person.given_name},"
        f"{person.name_native},{person.date_of_birth},{person.sex},{person.passport_no},"
        "illness,2021-07-01,yes,yes,\n",
        encoding="utf-8",
    )
    link = ["record_id,family_name,given_name,name_native,date_of_birth,sex,passport_no"]
    link += [
        f"{p.person_id},{p.family_name},{p.given_name},{p.name_native},{p.date_of_birth},"
        f"{p.sex},{p.passport_no}"
        for p in world.people[:120]
    ]
    (folder / "link.csv").write_text("\n".join(link) + "\n", encoding="utf-8")
    assert report.plan is not None
    scenario = json.dumps(scenario_json(report.plan.scenario))
    (folder / "scenario.json").write_text(scenario, encoding="utf-8")


def _missing_workplace(smoke: Smoke) -> tuple[str, str]:
    """A workplace that never submitted, and its consulate."""
    timeliness = dict(write_script(smoke.world).timeliness)
    code = next(u.code for u in smoke.world.workplaces() if timeliness[u.code] == "missing")
    parent = next(u.parent_code for u in smoke.world.units if u.code == code)
    return code, parent or ""


def _invocations(smoke: Smoke) -> list[tuple[list[str], set[int]]]:
    """Each command line to run, in order, with the exit codes that are a right answer."""
    call = str(smoke.report.call_id)
    workplace, consulate = _missing_workplace(smoke)
    returned = sorted(write_script(smoke.world).returned)[0]
    person = smoke.world.people[1].person_id
    ok, refused = {0}, {1}
    return [
        (["init"], ok),
        (["status", "--call", call, "--format", "json"], ok),
        (["status", "--call", call, "--format", "csv"], ok),
        (["status", "--call", call], ok),
        (["submissions", "show", "--call", call, "--unit", returned], ok),
        (["submissions", "diff", "--call", call, "--unit", returned], ok),
        (
            [
                "template",
                "--call",
                call,
                "--unit",
                workplace,
                "--format",
                "xlsx",
                "--out",
                "t.xlsx",
            ],
            ok,
        ),
        (["files", "list", "--call", call, "--unit", returned], ok),
        (["files", "get", str(smoke.file_id), "--out", "original.bin"], ok),
        (["files", "check"], ok),
        (["submit", "--call", call, "--unit", workplace, "list.csv"], ok),
        (["review", "--call", call, "--unit", workplace, "--accept"], ok),
        (["forward", "--call", call, "--unit", consulate], ok | refused),
        (
            [
                "call",
                "issue",
                "--by",
                "HQ",
                "--scope",
                "HQ",
                "--categories",
                "illness",
                "--due",
                "2021-09-01T00:00Z",
                "--title",
                "Smoke",
            ],
            ok,
        ),
        (["report", "--call", call, "--unit", "HQ", "--format", "html", "--out", "r.html"], ok),
        (["matches", "list", "--call", call, "--unit", "HQ"], ok),
        (
            [
                "matches",
                "confirm",
                "--call",
                call,
                "--left",
                f"{workplace}:a",
                "--right",
                f"{consulate}:b",
            ],
            ok,
        ),
        (
            [
                "matches",
                "split",
                "--call",
                call,
                "--left",
                f"{workplace}:a",
                "--right",
                f"{consulate}:b",
            ],
            ok,
        ),
        (["link", "link.csv", "--out", "clusters.csv"], ok),
        (["hold", "--person", person, "--reason", "smoke test"], ok),
        (["release", "--person", person], ok),
        (["holds", "queue", "--all"], ok),
        (["holds", "history"], ok),
        (["holds", "confirm", "999999"], refused),
        (["holds", "clear", str(smoke.match_id)], ok if smoke.match_id != 999_999 else refused),
        (["host", "list"], ok),
        (["host", "set", "XV", "--rotation", "free", "--stay", "may stay"], ok),
        (
            [
                "route",
                "add",
                "smoke-road",
                "--host",
                "XV",
                "--mode",
                "road",
                "--seats-home",
                "2",
                "--seats-out",
                "2",
            ],
            ok,
        ),
        (["route", "open", "smoke-road", "--from", "2021-08-05"], ok),
        (["route", "close", "smoke-road"], ok),
        (["quarantine", "set", "--beds", "400", "--days", "14"], ok),
        (["replacement", "import", "pool.csv"], ok),
        (["plan", "scenario.json", "--out", "plan.json", "--time-limit", "5"], ok),
        (
            [
                "plan",
                "--from-db",
                "--call",
                call,
                "--start",
                "2021-08-01",
                "--time-limit",
                "5",
                "--out",
                "plan-db.json",
                "--manifest",
                "plan.xlsx",
            ],
            ok,
        ),
        (["import", "units", "units.csv"], ok),
        (["import", "people", "people.csv"], ok),
        (["user", "add", "--name", "smoke.user", "--unit", "HQ", "--permission", "review"], ok),
        (["user", "password", "--name", "smoke.user", "--password", "a-long-password-1"], ok),
        (["user", "disable", "smoke.user"], ok),
        (["user", "enable", "smoke.user"], ok),
        (["backup", "smoke.backup"], ok),
        (["restore", "smoke.backup"], refused),  # the smoke database is not empty
        (["serve", "--port", "0"], ok),
        (["serve", "--port", "0", "--workers", "2"], ok),
        (["token", "add", "--unit", "HQ", "--permission", "review"], refused),  # operator
        (["token", "list", "--all"], ok),
        (["token", "revoke", "999999"], refused),
        (["jobs", "work", "--once"], ok),
        (["jobs", "list"], ok),
        (["notices", "send"], refused),  # no MUSTER_SMTP_URL in the smoke world: refused, exit 1
        (
            [
                "demo",
                "--db",
                f"sqlite:///{smoke.folder / 'second.db'}",
                "--scale",
                "0.01",
                "--port",
                "0",
            ],
            ok,
        ),
    ]


def _command_paths() -> set[tuple[str, ...]]:
    """Every command and subcommand path the CLI offers: ("status",), ("files", "get") ..."""
    paths: set[tuple[str, ...]] = set()
    for name, command in load_all().commands.items():
        subcommands = getattr(command, "commands", None)
        paths |= {(name, sub) for sub in subcommands} if subcommands else {(name,)}
    return paths


def test_every_command_has_a_smoke_invocation(smoke: Smoke) -> None:
    covered = {tuple(args[:2]) for args, _ in _invocations(smoke)}
    covered |= {tuple(args[:1]) for args, _ in _invocations(smoke)}
    missing = sorted(" ".join(p) for p in _command_paths() - covered)
    assert missing == [], f"no smoke invocation for: muster {', muster '.join(missing)}"


def test_every_command_runs_without_a_traceback(
    smoke: Smoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo_cli, "_serve", lambda *_: None)  # serve and demo return at once
    monkeypatch.chdir(smoke.folder)
    runner = CliRunner()
    failures = []
    for args, codes in _invocations(smoke):
        # `muster demo` makes its own archive beside its database, refusing any other folder.
        env = (
            {"MUSTER_DATA_DIR": str(smoke.folder / "second" / "files")} if args[0] == "demo" else {}
        )
        result = runner.invoke(app, ["--db", smoke.url, *args], env=env, catch_exceptions=True)
        crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
        traceback = "Traceback (most recent call last)" in result.output + result.stderr
        refusal_unclear = result.exit_code == 1 and not result.stderr.startswith("muster: ")
        if crashed or traceback or result.exit_code not in codes or refusal_unclear:
            failures.append(
                f"muster {' '.join(args)} -> exit {result.exit_code}, "
                f"exception {result.exception!r}\n{result.stderr[-800:]}"
            )
    assert failures == [], "\n\n".join(failures)
