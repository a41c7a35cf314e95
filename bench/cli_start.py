"""Benchmark: how long a command takes to start (SPEC §8 "command start").

In one run, alternating so that the machine's load falls on every command alike, it times
(wall clock of a fresh process, median of several repetitions):

- `muster --help` against `python -c "import typer"` (target <= 5x);
- `muster --db URL status --call 1` against `python -c "import typer, sqlalchemy.orm"` plus
  the query (target <= 2x). The query is timed in a fresh process after every module
  `muster status` uses is imported: open the database, resolve the user, read the
  completeness view (the first query pays SQLAlchemy's mapper set-up, as the command does).

The database is a small demo world (`muster demo`'s builder, scale 0.02) made once in a
temporary folder.

    .venv/bin/python bench/cli_start.py [--repeat 9] [--scale 0.02]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from muster.bootstrap import bootstrap
from muster.demo.build import build_demo
from muster.demo.world import generate_world

MUSTER = str(Path(sys.executable).with_name("muster"))
QUERY = """
import time
import muster.cli.lists, muster.cli.render
from muster.bootstrap import bootstrap
from muster.services.actors import resolve_user
from muster.services.lists import status
started = time.perf_counter()
muster = bootstrap({url!r})
with muster.uow() as uow:
    status(uow, resolve_user(uow, None), muster.catalogue, call_id=1)
print(time.perf_counter() - started)
"""


def build_database(folder: Path, scale: float) -> str:
    """A small demo world in SQLite; returns its URL."""
    url = f"sqlite:///{folder / 'start.db'}"
    os.environ["MUSTER_DATA_DIR"] = str(folder / "files")
    muster = bootstrap(url, migrate=True)
    build_demo(muster, generate_world(seed=1, scale=scale), plan=False)
    muster.engine.dispose()
    return url


def wall(argv: list[str]) -> float:
    """Seconds a fresh process takes to run `argv` to its end (it must succeed)."""
    started = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - started


def query_seconds(url: str) -> float:
    """The completeness query alone, timed inside a process that has imported everything."""
    out = subprocess.run(
        [sys.executable, "-c", QUERY.format(url=url)], check=True, capture_output=True, text=True
    )
    return float(out.stdout.strip())


def measure(url: str, repeat: int) -> dict[str, float]:
    """Median seconds of every command, the commands alternated within each repetition."""
    commands = {
        "typer": [sys.executable, "-c", "import typer"],
        "help": [MUSTER, "--help"],
        "typer_orm": [sys.executable, "-c", "import typer, sqlalchemy.orm"],
        "status": [MUSTER, "--db", url, "status", "--call", "1"],
    }
    samples: dict[str, list[float]] = {name: [] for name in [*commands, "query"]}
    for argv in commands.values():
        wall(argv)  # warm the file cache once
    for _ in range(repeat):
        for name, argv in commands.items():
            samples[name].append(wall(argv))
        samples["query"].append(query_seconds(url))
    return {name: statistics.median(values) for name, values in samples.items()}


def report(times: dict[str, float], repeat: int) -> None:
    """Print the times and both ratios against their targets."""
    help_ratio = times["help"] / times["typer"]
    status_base = times["typer_orm"] + times["query"]
    status_ratio = times["status"] / status_base
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"median of {repeat}; load average {load}")
    print(f"python -c 'import typer'                 {times['typer']:.3f} s")
    print(f"muster --help                            {times['help']:.3f} s")
    print(f"python -c 'import typer, sqlalchemy.orm' {times['typer_orm']:.3f} s")
    print(f"query (in a warm process)                {times['query']:.3f} s")
    print(f"muster status --call 1                   {times['status']:.3f} s")
    print(f"muster --help / import typer             {help_ratio:.2f}x (target <= 5x)")
    print(f"muster status / (import + query)         {status_ratio:.2f}x (target <= 2x)")


def main() -> None:
    """Build the database, time the commands, print the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--scale", type=float, default=0.02)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = build_database(Path(tmp), args.scale)
        report(measure(url, args.repeat), args.repeat)


if __name__ == "__main__":
    main()
