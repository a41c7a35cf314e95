"""The README, the user documentation (docs/) and the code do not drift apart: every command
they show exists, every command and subcommand of the CLI is documented in docs/commands.md
with each of its options, every setting the code reads is documented, and every link between
the pages leads somewhere."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from typer import _click
from typer.testing import CliRunner

from muster.cli import app
from muster.cli.lazy import load_all
from muster.settings import Settings

ROOT = Path(__file__).parents[2]
README = ROOT / "README.md"
DOCS = ROOT / "docs"
COMMANDS_PAGE = DOCS / "commands.md"
PAGES = (README, *sorted(DOCS.glob("*.md")))
_GLOBAL = re.compile(r"^(?:--(?:db|as) \S+\s+)*")
# `muster COMMAND [SUBCOMMAND]` at a line start, in $(...), after ";" or in `code`.
_USE = r"(?:^|\$\(|;\s*|`)muster ((?:--(?:db|as) \S+ )*[a-z][a-z|]*(?: [a-z|]+)?)"
_LINK = re.compile(r"\]\(([^)#\s]*)(?:#([^)\s]*))?\)")
_HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


@cache
def _shown_commands(page: Path) -> frozenset[tuple[str, ...]]:
    """Command paths a page's shell lines run: ("submit",), ("call", "issue"), ..."""
    paths: set[tuple[str, ...]] = set()
    for line in _text(page).splitlines():
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
    command = load_all().commands.get(name)
    return isinstance(getattr(command, "commands", None), dict)


@cache
def _cli_paths() -> dict[tuple[str, ...], _click.Command]:
    """Every command and subcommand the CLI offers, by path."""
    paths: dict[tuple[str, ...], _click.Command] = {}
    for name, command in load_all().commands.items():
        subcommands = getattr(command, "commands", None)
        if subcommands:
            paths |= {(name, sub): cmd for sub, cmd in subcommands.items()}
        else:
            paths[(name,)] = command
    return paths


def _sections() -> dict[tuple[str, ...], str]:
    """docs/commands.md cut at its `### muster PATH` headings: path -> the section's text."""
    parts = re.split(r"^### muster ([a-z ]+?)(?: [A-Z].*)?$", _text(COMMANDS_PAGE), flags=re.M)
    return {tuple(parts[i].split()): parts[i + 1] for i in range(1, len(parts), 2)}


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_pages_show_commands() -> None:
    assert ("submit",) in _shown_commands(README)
    assert ("call", "issue") in _shown_commands(COMMANDS_PAGE)


@pytest.mark.parametrize(
    ("page", "path"),
    sorted((p.relative_to(ROOT).as_posix(), c) for p in PAGES for c in _shown_commands(p)),
)
def test_every_command_shown_exists(page: str, path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, f"{page} shows `muster {' '.join(path)}`: {result.output}"


def test_every_command_of_the_cli_is_in_the_readme() -> None:
    shown = {path[0] for path in _shown_commands(README)}
    assert set(load_all().commands) - shown == set()


def test_every_command_and_subcommand_has_its_section() -> None:
    documented = set(_sections())
    assert set(_cli_paths()) - documented == set(), "not in docs/commands.md"
    assert documented - set(_cli_paths()) == set(), "documented but not in the CLI"


@pytest.mark.parametrize("path", sorted(_cli_paths()))
def test_every_option_is_documented(path: tuple[str, ...]) -> None:
    section = _sections().get(path, "")
    options = [
        name
        for param in _cli_paths()[path].params
        for name in param.opts
        if name.startswith("--") and name != "--help"
    ]
    missing = [name for name in options if name not in section]
    assert missing == [], f"docs/commands.md, muster {' '.join(path)}: {missing}"


def test_the_readme_links_the_user_documentation() -> None:
    linked = {match[0] for match in _LINK.findall(_text(README))}
    assert {f"docs/{p.name}" for p in DOCS.glob("*.md")} <= linked


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_link_leads_somewhere(page: Path) -> None:
    for target, anchor in _LINK.findall(_text(page)):
        if target.startswith(("http://", "https://")):
            continue
        linked = (page.parent / target) if target else page
        assert linked.exists(), f"{page.name} links to {target}"
        if anchor:
            anchors = {_anchor(h) for h in _HEADING.findall(_text(linked))}
            assert anchor in anchors, f"{page.name} links to {target}#{anchor}"


@pytest.mark.parametrize("field", sorted(Settings.model_fields))
def test_every_setting_is_documented(field: str) -> None:
    assert f"MUSTER_{field.upper()}" in _text(README)
    assert f"MUSTER_{field.upper()}" in _text(DOCS / "operating.md")
