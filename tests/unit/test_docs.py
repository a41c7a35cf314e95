"""The README and the code do not drift apart: every command it shows exists, every setting
the code reads is documented, and every command the CLI has appears in it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from typer.testing import CliRunner

from muster.cli import app
from muster.settings import Settings

README = Path(__file__).parents[2] / "README.md"
_GLOBAL = re.compile(r"^(?:--(?:db|as) \S+\s+)*")
# `muster COMMAND [SUBCOMMAND]` at a line start, in $(...), after ";" or in `code`.
_USE = r"(?:^|\$\(|;\s*|`)muster ((?:--(?:db|as) \S+ )*[a-z][a-z|]*(?: [a-z|]+)?)"


def _readme() -> str:
    return README.read_text(encoding="utf-8")


@cache
def _readme_commands() -> frozenset[tuple[str, ...]]:
    """Command paths the README's shell lines run: ("submit",), ("call", "issue"), ..."""
    paths: set[tuple[str, ...]] = set()
    for line in _readme().splitlines():
        for use in re.findall(_USE, line):
            words = _GLOBAL.sub("", use).split()
            group, rest = words[0], words[1:]
            for name in group.split("|"):
                subcommands = rest[0].split("|") if rest and _is_group(name) else [""]
                paths |= {(name, sub) if sub else (name,) for sub in subcommands}
    return frozenset(paths)


@cache
def _is_group(name: str) -> bool:
    """True if the command has subcommands (muster call issue, muster files list ...)."""
    result = CliRunner().invoke(app, [name, "--help"])
    return "Commands" in result.stdout


def _cli_commands() -> set[str]:
    """Top-level command names the CLI offers."""
    help_text = CliRunner().invoke(app, ["--help"], terminal_width=200).stdout
    section = help_text.split("Commands")[1]
    return set(re.findall(r"│ ([a-z]+) ", section))


def test_the_readme_shows_commands() -> None:
    assert ("submit",) in _readme_commands()
    assert ("call", "issue") in _readme_commands()


@pytest.mark.parametrize("path", sorted(_readme_commands()))
def test_every_command_in_the_readme_exists(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, f"README shows `muster {' '.join(path)}`: {result.stdout}"


def test_every_command_of_the_cli_is_in_the_readme() -> None:
    shown = {path[0] for path in _readme_commands()}
    assert _cli_commands() - shown == set()


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert f"MUSTER_{field.upper()}" in _readme()
