"""Planning benchmark (SPEC §8): generated scenarios, wall time, objective / bound and / greedy.

    .venv/bin/python bench/planning.py            # small, medium and the SPEC size
    .venv/bin/python bench/planning.py --quick    # the small size only (well under a minute)
    .venv/bin/python bench/planning.py --record   # also rewrite the "## Planning" section
                                                  # of bench/RESULTS.md

The SPEC size: 100,000 deployed, 10,000 returnees, 6,000 replacements, 5,000 workplaces,
90 days; several routes with windows (some open late, some close early, one host cut
off), tight quarantine, a mix of paired and free hosts.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from muster.planning import (
    Host,
    Quarantine,
    Replacement,
    Returnee,
    Route,
    Scenario,
    Workplace,
    check_plan,
    greedy_plan,
    plan,
)

START = date(2021, 8, 1)
TRADES = ("sewing", "cooking", "welding", "masonry", "electrics", "trading", "driving", "nursing")
HOSTS = (("CN", "paired"), ("RU", "free"), ("VN", "paired"), ("MN", "free"), ("KW", "paired"),
         ("AE", "free"), ("LA", "paired"), ("NP", "free"))  # fmt: skip
RESULTS = Path(__file__).with_name("RESULTS.md")


@dataclass(frozen=True)
class Size:
    """One benchmark size."""

    name: str
    returnees: int
    replacements: int
    workplaces: int
    deployed: int
    days: int = 90


SIZES = (
    Size("small", 1_000, 600, 500, 10_000),
    Size("medium", 3_000, 1_800, 1_500, 30_000),
    Size("spec", 10_000, 6_000, 5_000, 100_000),
)


def generate(size: Size, seed: int = 1) -> Scenario:
    """A reproducible scenario of the given size."""
    rng = random.Random(seed)
    hosts = tuple(Host(h, "paired" if r == "paired" else "free") for h, r in HOSTS)
    scale = size.returnees / 10_000
    return Scenario(
        start=START,
        horizon_days=size.days,
        quarantine=Quarantine(beds=max(20, round(900 * scale)), days=14),
        hosts=hosts,
        routes=_routes(rng, scale),
        workplaces=(workplaces := _workplaces(rng, size)),
        returnees=_returnees(rng, size, workplaces),
        replacements=_replacements(rng, size),
        priority_weights={1: 8, 2: 4, 3: 2, 4: 1},
        vacancy_weight=1,
    )


def _day(d: int) -> date:
    return START + timedelta(days=d)


def _routes(rng: random.Random, scale: float) -> tuple[Route, ...]:
    """Two routes for most hosts, windows opening late or closing early; NP is cut off."""
    routes = []
    for k, (host, _) in enumerate(HOSTS[:-1]):
        for n in range(1 + (k % 3 != 2)):
            opens = rng.choice((0, 0, 10, 30, 45))
            closes = rng.choice((None, None, opens + 30, 75))
            seats = max(1, round(rng.randint(10, 30) * scale))
            routes.append(
                Route(f"{host}-{'air' if n else 'land'}", host, _day(opens),
                      None if closes is None else _day(closes), seats, seats)
            )  # fmt: skip
    return tuple(routes)


def _workplaces(rng: random.Random, size: Size) -> tuple[Workplace, ...]:
    mean = size.deployed / size.workplaces
    out = []
    for w in range(size.workplaces):
        host, rotation = rng.choice(HOSTS)
        occupied = max(1, round(rng.uniform(0.3, 1.7) * mean))
        vacancy = rng.choice((0, 0, 0, 1, 2)) if rotation == "paired" else rng.randint(0, 3)
        trade = rng.choice(TRADES[:6]) if rng.random() < 0.9 else rng.choice(TRADES)
        out.append(Workplace(f"W{w:05d}", host, trade, occupied + vacancy, occupied))
    return tuple(out)


def _returnees(rng: random.Random, size: Size, wps: tuple[Workplace, ...]) -> tuple[Returnee, ...]:
    room = {w.id: w.occupied for w in wps}
    ids = [w.id for w in wps]
    out = []
    for i in range(min(size.returnees, sum(room.values()))):
        wp = rng.choice(ids)
        while room[wp] == 0:
            wp = rng.choice(ids)
        room[wp] -= 1
        ready = 0 if rng.random() < 0.5 else rng.randint(0, size.days + 5)
        out.append(
            Returnee(
                id=f"P{i:06d}",
                workplace=wp,
                priority=rng.choices((1, 2, 3, 4), weights=(2, 3, 4, 1))[0],
                ready=_day(ready),
                consent=rng.random() < 0.92,
                protection_hold=rng.random() < 0.01,
                fit_to_travel=rng.random() < 0.96,
            )
        )
    return tuple(out)


def _replacements(rng: random.Random, size: Size) -> tuple[Replacement, ...]:
    """Trained in cohorts every two weeks; one or two trades, one or two hosts."""
    paired = [h for h, r in HOSTS if r == "paired"]
    out = []
    for j in range(size.replacements):
        trades = rng.sample(TRADES, rng.choice((1, 1, 2)))
        hosts = (
            rng.sample(paired, 1) if rng.random() < 0.7 else rng.sample([h for h, _ in HOSTS], 2)
        )
        ready = rng.choice((0, 0, 14, 28, 42, 56, 70))
        out.append(Replacement(f"R{j:06d}", tuple(trades), tuple(hosts), _day(ready)))
    return tuple(out)


@dataclass(frozen=True)
class Row:
    """Measured numbers of one size."""

    size: Size
    limit: float
    seconds: float
    status: str
    objective: int
    bound: int
    greedy: int
    greedy_seconds: float
    moves: int
    valid: bool


def run(size: Size, time_limit: float, console: Console) -> Row:
    """Generate, plan, run greedy and check; with a progress display on the console."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(f"{size.name}: generating")
        scenario = generate(size)

        def say(message: str) -> None:
            progress.update(task, description=f"{size.name}: {message}")

        started = time.perf_counter()
        result = plan(scenario, time_limit=time_limit, progress=say)
        seconds = time.perf_counter() - started
        say("greedy baseline")
        started = time.perf_counter()
        greedy = greedy_plan(scenario)
        greedy_seconds = time.perf_counter() - started
        say("checking the plan")
        problems = check_plan(scenario, result)
    for problem in problems[:10]:
        console.print(f"[red]invalid:[/red] {problem}")
    numbers = (result.objective, result.bound, greedy.objective, greedy_seconds)
    return Row(size, time_limit, seconds, result.status, *numbers, len(result.moves), not problems)


def table(rows: list[Row]) -> Table:
    """The results as a Rich table."""
    out = Table(title="Rotation planning")
    for name in ("size", "returnees", "replacements", "workplaces", "limit s", "time s", "status",
                 "objective", "bound", "obj/bound", "greedy", "obj/greedy", "valid"):  # fmt: skip
        out.add_column(name, justify="right")
    for r in rows:
        out.add_row(*_cells(r))
    return out


def _cells(r: Row) -> list[str]:
    ratio_greedy = f"{r.objective / r.greedy:.3f}" if r.greedy else "-"
    ratio_bound = f"{r.objective / r.bound:.5f}" if r.bound else "1"
    size = [r.size.name, f"{r.size.returnees:,}", f"{r.size.replacements:,}"]
    run = [f"{r.size.workplaces:,}", f"{r.limit:.0f}", f"{r.seconds:.1f}", r.status]
    numbers = [f"{r.objective:,}", f"{r.bound:,}", ratio_bound, f"{r.greedy:,}", ratio_greedy]
    return [*size, *run, *numbers, "yes" if r.valid else "NO"]


def record(rows: list[Row], command: str) -> None:
    """Rewrite only the `## Planning` section of bench/RESULTS.md."""
    header = (
        "| size | returnees | replacements | workplaces | limit s | time s | status | objective | "
    )
    header += "bound | obj/bound | greedy | obj/greedy | valid |"
    lines = ["## Planning", "", f"Command: `{command}`", "",
             f"Machine: {platform.machine()}, Python {platform.python_version()}, "
             f"{date.today().isoformat()}; target: valid, obj/bound >= 0.99, < 60 s on 2 cores.",
             f"Load average of the shared machine (1 min) at the end: {os.getloadavg()[0]:.1f}. "
             "The last row gives the SPEC size a 10 s limit: the plan from the LP relaxation "
             "and RENS, before the full MIP proves optimality.",
             "", header, "|" + "---|" * 13]  # fmt: skip
    lines += ["| " + " | ".join(_cells(r)) + " |" for r in rows]
    section = "\n".join(lines) + "\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## Planning\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section + "\n", text) if pattern.search(text) else (
        text.rstrip("\n") + "\n\n" + section
    )  # fmt: skip
    RESULTS.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    """Run the benchmark from the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="only the small size")
    parser.add_argument("--size", choices=[s.name for s in SIZES], help="only this size")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--record", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    console = Console(stderr=True)
    sizes = [SIZES[0]] if args.quick else [s for s in SIZES if args.size in (None, s.name)]
    runs = [(size, args.time_limit) for size in sizes]
    if not args.quick and not args.size:
        runs.append((SIZES[-1], 10.0))
    rows = [run(size, limit, console) for size, limit in runs]
    Console(width=160).print(table(rows))
    if args.record:
        flags = " --quick" if args.quick else (f" --size {args.size}" if args.size else "")
        record(rows, f".venv/bin/python bench/planning.py{flags} --record")


if __name__ == "__main__":
    main()
