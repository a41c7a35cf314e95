"""Planning on two independent generators, side by side (SPEC §8: valid, within 1%, < 60 s).

    nice -n 10 .venv/bin/python bench/planning_both.py                   # both, all sizes
    .venv/bin/python bench/planning_both.py --generator field --sizes small
    nice -n 10 .venv/bin/python bench/planning_both.py --record          # rewrite the section

`first` is bench/planning.py's generator; `field` is bench/planning_field.py (a crisis as a
field agency faces it); `field-strict` is the same with the home country's strict
quarantine (30 days, few beds: beds bind most of the horizon). `both` runs all three.
Each scenario is written to a SPEC §6 file; the planner runs in-process for the timings
(`plan()`, the same call `muster plan` makes), and the real CLI `muster plan FILE --out
PLAN.json` runs on the files of the `--cli-sizes` sizes, whose plan files are read back and
checked too. For every plan: `check_plan` (SPEC §6 rules 1-5, the objective, exactly one
explanation per person not moved) and an independent reason oracle written from SPEC §6
alone (`expected_reasons`, `_paired_binding`), plus the greedy baseline and the proven
bound of the same run. With `--record` the "## Planning on two generators" section of
bench/RESULTS.md is rewritten up to its "### What the field generator showed" paragraph.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from rich.console import Console
from rich.table import Table

import planning as first
import planning_field as fieldgen
from muster.planning import (
    Plan,
    Scenario,
    check_plan,
    greedy_plan,
    parse_scenario,
    plan,
    plan_from_json,
)
from muster.services.rotation_plan import scenario_json

SECTION = "## Planning on two generators"
KEEP = "### What the field generator showed"
RESULTS = Path(__file__).with_name("RESULTS.md")
SIZES = ("small", "medium", "spec")
REASON_ORDER = ("no_consent", "protection_hold", "not_fit", "route_closed", "not_ready",
                "no_replacement", "capacity")  # fmt: skip


def generate(generator: str, size: str, seed: int = 1) -> dict[str, Any]:
    """The SPEC §6 JSON of one generator at one size."""
    if generator.startswith("field"):
        return fieldgen.generate(size, seed, strict=generator == "field-strict")
    sized = next(s for s in first.SIZES if s.name == size)
    return scenario_json(first.generate(sized, seed))


# --- the reason oracle: SPEC §6 read directly, no planner data structure -------------------


def _open_days(s: Scenario, host: str, direction: str) -> set[int]:
    days: set[int] = set()
    for r in s.routes:
        seats = r.seats_home if direction == "home" else r.seats_out
        if r.host != host or seats <= 0:
            continue
        last = s.horizon_days - 1 if r.open_until is None else s.day(r.open_until)
        days |= set(range(max(0, s.day(r.open_from)), min(last, s.horizon_days - 1) + 1))
    return days


def expected_reasons(s: Scenario) -> dict[str, set[str]]:
    """For every person, the reasons SPEC §6 allows if that person is not moved.

    Definite cases give one reason: ineligibility (protection first), ready after the
    horizon or after the last open day (`not_ready`), no open route at all
    (`route_closed`), a paired place no usable replacement can ever fill
    (`no_replacement`). Otherwise the binding limit depends on the plan: `capacity`, or
    also `no_replacement` in a paired host.
    """
    paired = {h.id for h in s.hosts if h.rotation == "paired"}
    wp = {w.id: w for w in s.workplaces}
    home = {h.id: _open_days(s, h.id, "home") for h in s.hosts}
    out = {h.id: _open_days(s, h.id, "out") for h in s.hosts}
    usable = {h: home[h] & out[h] if h in paired else home[h] for h in home}
    last_open = {h: max(out[h], default=-1) for h in out}
    fills: Counter[tuple[str, str]] = Counter()
    for rep in s.replacements:
        for h in set(rep.hosts) & set(out):
            for t in rep.trades:
                if max(0, s.day(rep.ready)) <= last_open[h]:
                    fills[(h, t)] += 1
    result: dict[str, set[str]] = {}
    for r in s.returnees:
        host = wp[r.workplace].host
        days, ready = usable[host], max(0, s.day(r.ready))
        if r.protection_hold:
            result[r.id] = {"protection_hold"}
        elif not r.consent:
            result[r.id] = {"no_consent"}
        elif not r.fit_to_travel:
            result[r.id] = {"not_fit"}
        elif ready >= s.horizon_days:
            result[r.id] = {"not_ready"} | (set() if days else {"route_closed"})
        elif not days:
            result[r.id] = {"route_closed"}
        elif ready > max(days):
            result[r.id] = {"not_ready"}
        elif host in paired and fills[(host, wp[r.workplace].trade)] == 0:
            result[r.id] = {"no_replacement"}
        else:
            result[r.id] = {"capacity", "no_replacement"} if host in paired else {"capacity"}
    for rep in s.replacements:
        ready = max(0, s.day(rep.ready))
        served = {w.host for w in s.workplaces if w.host in rep.hosts and w.trade in rep.trades}
        days = set().union(*(out[h] for h in served)) if served else set()
        if ready >= s.horizon_days:  # with no workplace to fill either: both are true
            result[rep.id] = {"not_ready"} | (set() if served else {"capacity"})
        elif not served:
            result[rep.id] = {"capacity"}  # SPEC §6 has no reason for "no such workplace"
        elif not days:
            result[rep.id] = {"route_closed"}
        elif ready > max(days):
            result[rep.id] = {"not_ready"}
        else:
            result[rep.id] = {"capacity"}
    return result


def _paired_binding(s: Scenario, result: Plan) -> dict[str, str]:
    """Paired hosts: `no_replacement` exactly when no replacement left unmoved could serve.

    For a returnee left behind in a paired host with open days after being ready, the
    binding limit is `no_replacement` when no unmoved replacement of the workplace's host
    and trade is ready by the last of those days, and `capacity` (seats, beds, places)
    otherwise.
    """
    paired = {h.id for h in s.hosts if h.rotation == "paired"}
    wp = {w.id: w for w in s.workplaces}
    moved = {m.person for m in result.moves}
    both = {h: _open_days(s, h, "home") & _open_days(s, h, "out") for h in paired}
    waiting: dict[tuple[str, str], int] = {}  # (host, trade) -> earliest unmoved ready day
    for rep in s.replacements:
        if rep.id not in moved:
            for h in set(rep.hosts) & paired:
                for t in rep.trades:
                    key, ready = (h, t), max(0, s.day(rep.ready))
                    waiting[key] = min(waiting.get(key, ready), ready)
    expected = {}
    for r in s.returnees:
        host = wp[r.workplace].host
        if r.id in moved or host not in paired:
            continue
        days = [d for d in both[host] if d >= max(0, s.day(r.ready))]
        if days:
            left = waiting.get((host, wp[r.workplace].trade), s.horizon_days)
            expected[r.id] = "capacity" if left <= max(days) else "no_replacement"
    return expected


def reason_problems(s: Scenario, result: Plan) -> list[str]:
    """Unscheduled people whose reason SPEC §6 does not allow, or whose detail says 'time'."""
    allowed = expected_reasons(s)
    binding = _paired_binding(s, result)
    for person, reason in binding.items():
        if allowed.get(person) == {"capacity", "no_replacement"}:
            allowed[person] = {reason}
    problems = []
    for u in result.unscheduled:
        if u.reason not in allowed.get(u.person, set()):
            want = "/".join(sorted(allowed.get(u.person, {"(unknown person)"})))
            problems.append(f"{u.person}: reason {u.reason}, expected {want} ({u.detail})")
        elif "time limit" in (u.detail or ""):
            problems.append(f"{u.person}: {u.detail}")
    return problems


# --- running ----------------------------------------------------------------------------------


@dataclass
class Row:
    """Measured numbers of one generator at one size."""

    generator: str
    size: str
    counts: tuple[int, int, int, int]
    limit: float
    seconds: float
    status: str
    objective: int
    bound: int
    greedy: int
    greedy_seconds: float
    valid: bool
    reasons_ok: bool
    reasons: Counter[str]
    cli_seconds: float | None = None
    cli_ok: bool | None = None
    notes: list[str] = field(default_factory=list)


def run_cli(path: Path, limit: float, scenario: Scenario) -> tuple[float, bool, list[str]]:
    """`muster plan FILE --out PLAN.json`, timed; the plan file is read back and checked."""
    out = path.with_suffix(".plan.json")
    muster = Path(sys.executable).with_name("muster")
    started = time.perf_counter()
    done = subprocess.run(
        [str(muster), "plan", str(path), "--out", str(out), "--time-limit", str(limit)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        return seconds, False, [f"muster plan exit {done.returncode}: {done.stderr[-500:]}"]
    result = plan_from_json(json.loads(out.read_text(encoding="utf-8")))
    problems = check_plan(scenario, result) + reason_problems(scenario, result)
    return seconds, not problems, problems


def run(generator: str, size: str, limit: float, cli: bool, workdir: Path, say: Any) -> Row:
    """Generate, write, parse, plan, greedy, check, and optionally run the CLI on the file."""
    say(f"{generator} {size}: generating")
    path = workdir / f"{generator}-{size}.json"
    path.write_text(json.dumps(generate(generator, size), ensure_ascii=False), encoding="utf-8")
    scenario = parse_scenario(json.loads(path.read_text(encoding="utf-8")))
    counts = (
        sum(w.occupied for w in scenario.workplaces),
        len(scenario.returnees),
        len(scenario.replacements),
        len(scenario.workplaces),
    )
    say(f"{generator} {size}: planning ({limit:.0f} s limit)")
    started = time.perf_counter()
    result = plan(scenario, time_limit=limit)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    greedy = greedy_plan(scenario)
    greedy_seconds = time.perf_counter() - started
    problems = check_plan(scenario, result)
    wrong = reason_problems(scenario, result)
    reasons: Counter[str] = Counter(u.reason for u in result.unscheduled)
    row = Row(generator, size, counts, limit, seconds, result.status, result.objective,
              result.bound, greedy.objective, greedy_seconds, not problems, not wrong,
              reasons, notes=problems[:5] + wrong[:5])  # fmt: skip
    if cli:
        say(f"{generator} {size}: muster plan {path.name}")
        row.cli_seconds, row.cli_ok, cli_problems = run_cli(path, limit, scenario)
        row.notes += cli_problems[:5]
    return row


HEADER = ("generator", "size", "deployed", "returnees", "replacements", "workplaces", "limit s",
          "time s", "CLI s", "status", "objective", "bound", "obj/bound", "greedy", "obj/greedy",
          "valid", "reasons ok", "not moved, by reason")  # fmt: skip


def cells(r: Row) -> list[str]:
    """One table row as text."""
    by_reason = ", ".join(f"{k} {r.reasons[k]:,}" for k in REASON_ORDER if r.reasons[k])
    cli = "-" if r.cli_seconds is None else f"{r.cli_seconds:.1f}" + ("" if r.cli_ok else " NO")
    return [
        r.generator, r.size, *(f"{n:,}" for n in r.counts), f"{r.limit:.0f}", f"{r.seconds:.1f}",
        cli, r.status, f"{r.objective:,}", f"{r.bound:,}",
        f"{r.objective / r.bound:.5f}" if r.bound else "1", f"{r.greedy:,}",
        f"{r.objective / r.greedy:.3f}" if r.greedy else "-",
        "yes" if r.valid else "NO", "yes" if r.reasons_ok else "NO", by_reason,
    ]  # fmt: skip


def record(rows: list[Row], command: str, load: str) -> None:
    """Rewrite the section of bench/RESULTS.md up to its hand-written paragraph."""
    lines = [SECTION, "", f"Command: `{command}`", "",
             f"Date: {date.today().isoformat()}; machine: {platform.machine()}, "
             f"{os.cpu_count()} cores shared by 7 agents, Python {platform.python_version()}; "
             "target (SPEC §8): valid, obj/bound >= 0.99, < 60 s at the SPEC size.",
             f"`uptime` before the run: `{load}`; at the end: `{_uptime()}`.",
             "`time s` is `plan()` in-process; `CLI s` is `muster plan FILE --out PLAN.json` "
             "on the written scenario file (process start, parsing, planning, writing), its "
             "plan file read back and checked (`NO` if it is not valid or a reason is wrong).",
             "", "| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]  # fmt: skip
    lines += ["| " + " | ".join(cells(r)) + " |" for r in rows]
    auto = "\n".join(lines) + "\n\n"
    text = RESULTS.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{SECTION}\n.*?(?=^{KEEP}|^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: auto, text)
    else:
        text = text.rstrip("\n") + "\n\n" + auto
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def main() -> None:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--generator", choices=("field", "field-strict", "first", "both"), default="both"
    )
    parser.add_argument("--sizes", nargs="+", choices=SIZES, default=list(SIZES))
    parser.add_argument("--cli-sizes", nargs="*", choices=SIZES, default=["small"])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--record", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    load = _uptime()
    console = Console(stderr=True)
    gens = ("first", "field", "field-strict") if args.generator == "both" else (args.generator,)
    rows = []
    with tempfile.TemporaryDirectory(prefix="planning-both-") as tmp:
        for size in args.sizes:
            for gen in gens:
                row = run(gen, size, args.time_limit, size in args.cli_sizes, Path(tmp),
                          lambda m: console.log(m))  # fmt: skip
                for note in row.notes:
                    console.print(f"[red]{gen} {size}:[/red] {note}")
                rows.append(row)
    table = Table(title="Rotation planning on two generators")
    for name in HEADER:
        table.add_column(name, justify="left" if name == "not moved, by reason" else "right")
    for r in rows:
        table.add_row(*cells(r))
    Console(width=220).print(table)
    if args.record:
        flags = [] if args.generator == "both" else ["--generator", args.generator]
        flags += [] if args.sizes == list(SIZES) else ["--sizes", *args.sizes]
        flags += [] if args.cli_sizes == ["small"] else ["--cli-sizes", *args.cli_sizes]
        command = " ".join(["nice -n 10 .venv/bin/python bench/planning_both.py", *flags])
        record(rows, command + " --record", load)


if __name__ == "__main__":
    main()
