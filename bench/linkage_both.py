"""Linkage on two independent generators, side by side: F1, precision, recall, time, peak memory.

    .venv/bin/python bench/linkage_both.py --sizes 100000 1000000 --write
    .venv/bin/python bench/linkage_both.py --sizes 100000 --generators registers --no-consistency

`first` is bench/linkage.py's generator (every script and spelling, typos,
swapped fields); `registers` is bench/linkage_registers.py (offices with their
own conventions: placeholder dates, passports across scripts, native-only
records, whole names in one field, chains of namesakes). Each link runs in a
child process so that its peak memory (max RSS) is the linkage's own, not the
generator's; generation time is excluded. With `--write` the
"## Linkage on two generators" section of bench/RESULTS.md is replaced.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))

import linkage as first
import linkage_registers as registers

GENERATORS = {"first": first.generate, "registers": registers.generate}
SECTION = "## Linkage on two generators"


def child(path: str, consistency: bool, engine: str, weak: float | None) -> None:
    """Link the records of a parquet file, score them and print one JSON row."""
    from muster.linkage import LinkOptions, link_records

    records = pl.read_parquet(path)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    started = time.perf_counter()
    result = link_records(
        records.drop("person_id"),
        engine=engine,  # type: ignore[arg-type]
        options=LinkOptions(consistency=consistency)
        if weak is None
        else LinkOptions(consistency=consistency, weak_margin_bits=weak),
    )
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime - cpu_before
    scores = first.pairwise_scores(records, result.clusters)
    peak_mb = usage.ru_maxrss / 1024
    row = {**scores, "seconds": seconds, "cpu": cpu, "peak_mb": peak_mb}
    row["review"] = len(result.review_pairs)
    print(json.dumps(row))


def run(generator: str, size: int, seed: int | None, args: argparse.Namespace) -> dict[str, Any]:
    """Generate, link in a child process, return the scored row."""
    generate = GENERATORS[generator]
    records = generate(size) if seed is None else generate(size, seed=seed)
    with tempfile.TemporaryDirectory() as folder:
        path = str(Path(folder) / "records.parquet")
        records.write_parquet(path)
        command = [sys.executable, __file__, "--child", path, "--engine", args.engine]
        command += ["--no-consistency"] if args.no_consistency else []
        command += ["--weak-margin", str(args.weak_margin)] if args.weak_margin is not None else []
        done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        raise RuntimeError(done.stderr)
    row = {"generator": generator, "size": size, **json.loads(done.stdout.splitlines()[-1])}
    print(
        f"{generator:<10}{size:>10,} P {row['precision']:.4f} R {row['recall']:.4f} "
        f"F1 {row['f1']:.4f} {row['seconds']:6.1f} s (cpu {row['cpu']:.1f} s) "
        f"{row['peak_mb']:6.0f} MB "
        f"review {row['review']:,}",
        file=sys.stderr,
        flush=True,
    )
    return row


def section(rows: list[dict[str, Any]], command: str) -> str:
    """The RESULTS.md section for these rows."""
    lines = [
        SECTION,
        "",
        f"Command: `{command}` (2 cores shared with other work; link time wall clock, "
        "generation excluded; cpu = user + system time of the linking process, which other work "
        "on the machine does not inflate; peak = max RSS of the linking process).",
        "",
        "| generator | records | precision | recall | F1 | time (s) | cpu (s) | peak (MB) "
        "| review pairs |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['generator']} | {r['size']:,} | {r['precision']:.4f} | {r['recall']:.4f} "
        f"| {r['f1']:.4f} | {r['seconds']:.1f} | {r['cpu']:.1f} | {r['peak_mb']:.0f} "
        f"| {r['review']:,} |"
        for r in rows
    ]
    return "\n".join(lines) + "\n"


def write(text: str) -> None:
    """Replace (or append) this benchmark's section of bench/RESULTS.md."""
    import re

    results = first.RESULTS.read_text(encoding="utf-8")
    pattern = re.compile(rf"^{SECTION}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(results):
        results = pattern.sub(lambda _: text + "\n", results)
    else:
        results = results.rstrip("\n") + "\n\n" + text
    first.RESULTS.write_text(results.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    """Parse arguments; run every generator at every size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--generators", nargs="+", default=list(GENERATORS))
    parser.add_argument("--seed", type=int, default=None, help="generator seed (default each's)")
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--no-consistency", action="store_true", help="no cluster check")
    parser.add_argument("--weak-margin", type=float, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, not args.no_consistency, args.engine, args.weak_margin)
        return
    rows = [run(g, size, args.seed, args) for size in args.sizes for g in args.generators]
    if args.write:
        write(section(rows, "python bench/linkage_both.py " + " ".join(sys.argv[1:])))


if __name__ == "__main__":
    main()
