"""The command line starts fast: `muster --help` loads no command module (SPEC §8)."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import pytest
from typer.testing import CliRunner

from muster.cli import app
from muster.cli.lazy import COMMANDS, load_all

HEAVY = ("polars", "sqlalchemy", "pydantic", "rich", "splink", "muster.cli.lists", "muster.intake")


def _imported(*args: str) -> set[str]:
    """Modules a fresh `python -m muster ARGS` imports."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "muster", *args],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    lines = [line.split("|")[-1] for line in proc.stderr.splitlines() if "|" in line]
    return {line.strip() for line in lines}


def test_help_imports_no_command_module_and_nothing_heavy() -> None:
    modules = _imported("--help")
    assert "muster.cli.lazy" in modules
    assert {m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY} == set()


def test_every_command_is_in_the_lazy_table_with_its_own_summary() -> None:
    group = load_all()
    assert set(group.commands) == set(COMMANDS)
    for name, command in group.commands.items():
        assert command.get_short_help_str(limit=300) == COMMANDS[name].summary, name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_listed_command_resolves(name: str) -> None:
    result = CliRunner().invoke(app, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert f"muster {name}" in result.output


def test_help_lists_every_command_with_its_summary() -> None:
    out = CliRunner().invoke(app, ["--help"], terminal_width=300).output
    for name, command in COMMANDS.items():
        assert f"{name}  " in out and command.summary in out


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"muster {version('musterroll')}"


def test_an_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
