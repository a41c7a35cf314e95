"""Run the real `muster` command in a subprocess, the way a user does."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MUSTER = str(Path(sys.executable).with_name("muster"))


@dataclass(frozen=True)
class Result:
    """What a command printed and how it exited."""

    code: int
    out: str
    err: str


def run(*args: str, db: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run `muster --db DB ARGS...` and capture everything."""
    environment = {**os.environ, "MUSTER_DATA_DIR": str(cwd / "files"), **(env or {})}
    proc = subprocess.run(
        [MUSTER, "--db", db, *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def invoke(*args: str, db: str, cwd: Path, env: dict[str, str] | None = None) -> Result:
    """Run the same command in this process (fast; no process start): for the many refusal tests."""
    from typer.testing import CliRunner

    from muster.cli import app

    environment = {"MUSTER_DATA_DIR": str(cwd / "files"), **(env or {})}
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(app, ["--db", db, *args], env=environment)
    finally:
        os.chdir(previous)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.stdout, result.stderr)
