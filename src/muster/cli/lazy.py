"""Commands load their module only when run, so `muster --help` starts fast (SPEC §8).

Each command module (cli/lists.py, cli/planning.py ...) registers its commands on the
shared Typer `app` when imported. The top-level group knows from `COMMANDS` which module
defines which command and what its one-line help is; it imports a module only when one of
its commands is resolved. `load_all()` imports every module, for tests and docs: a new
command must get its line in `COMMANDS` (tests/unit/test_cli_start.py checks it).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from typer import _click
from typer.core import TyperGroup


@dataclass(frozen=True)
class LazyCommand:
    """Where a top-level command is defined and the one line `muster --help` shows for it."""

    module: str
    summary: str


# In the order of the loop: set up, call, lists, reports, protection, rotation, demo.
COMMANDS: dict[str, LazyCommand] = {
    "init": LazyCommand("registry", "Create or migrate the database."),
    "import": LazyCommand("registry", "Load an organisation tree or a registry, all or nothing."),
    "user": LazyCommand("registry", "Manage users."),
    "call": LazyCommand("lists", "Calls for lists."),
    "template": LazyCommand(
        "files", "Write a list pre-filled with the unit's roster, ready to fill in and submit."
    ),
    "submit": LazyCommand(
        "lists",
        "Submit a list (CSV or XLSX) or an explicit nothing-to-report; row-level errors on "
        "stderr (exit 1) or the received count and version.",
    ),
    "review": LazyCommand(
        "lists", "Review a submitted list of a child unit: --accept or --return REASON."
    ),
    "forward": LazyCommand(
        "lists",
        "Forward everything a unit has accepted to its parent (again whenever more is accepted).",
    ),
    "status": LazyCommand("lists", "Completeness and timeliness per unit for a call."),
    "submissions": LazyCommand("lists", "Read and compare submitted lists."),
    "files": LazyCommand("files", "Files received: every upload is kept byte for byte."),
    "report": LazyCommand(
        "reports", "Consolidate the accepted lists under a unit and write the sectioned report."
    ),
    "matches": LazyCommand("reports", "Pairs linkage was unsure of: confirm or split them."),
    "link": LazyCommand(
        "linkage", "Cluster person records: records of one person get the same cluster_id."
    ),
    "hold": LazyCommand(
        "registry", "Put a person under a protection hold (needs the protection permission)."
    ),
    "release": LazyCommand("registry", "Lift a protection hold (needs the protection permission)."),
    "holds": LazyCommand(
        "registry", "Protection holds: entries that may name a held person, history."
    ),
    "host": LazyCommand(
        "rotation", "Host policies: paired (capped places) or free, and stay policy."
    ),
    "route": LazyCommand("rotation", "Routes home and back: open dates and seats per day."),
    "quarantine": LazyCommand("rotation", "Quarantine capacity at home."),
    "replacement": LazyCommand("rotation", "The pool of trained replacements."),
    "plan": LazyCommand(
        "planning",
        "Compute a rotation plan: dated moves home and out, with a reason for everyone not moved.",
    ),
    "backup": LazyCommand(
        "backup",
        "Write the database and every received file, with a manifest of checksums, to FILE.",
    ),
    "restore": LazyCommand(
        "backup", "Restore a backup into an empty database and the received-files folder."
    ),
    "jobs": LazyCommand(
        "jobs", "Background jobs: run a worker in the foreground, list what is queued and done."
    ),
    "notices": LazyCommand("notices", "Notices: e-mail them to users who never open a page."),
    "token": LazyCommand("tokens", "API tokens for the JSON API: add (shown once), list, revoke."),
    "demo": LazyCommand(
        "demo",
        "Build a fictional demo world in an embedded database and serve it; prints URL and logins.",
    ),
    "serve": LazyCommand(
        "demo", "Serve the web application and API for the database given by --db."
    ),
}


def _built(name: str) -> _click.Command | None:
    """The click command Typer builds for `name` once its module has registered it."""
    import typer.main

    from muster.cli.app import app

    import_module(f"muster.cli.{COMMANDS[name].module}")
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return group.commands.get(name)


class LazyGroup(TyperGroup):
    """The top-level `muster` group: lists commands from `COMMANDS`, imports on use."""

    def list_commands(self, ctx: _click.Context) -> list[str]:
        """Every command, in the order of `COMMANDS` (then any registered elsewhere)."""
        return [*COMMANDS, *(name for name in self.commands if name not in COMMANDS)]

    def get_command(self, ctx: _click.Context, cmd_name: str) -> _click.Command | None:
        """The command, importing the module that defines it the first time it is asked for."""
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            command = _built(cmd_name)
            if command is not None:
                self.commands[cmd_name] = command
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: _click.Context, formatter: _click.HelpFormatter) -> None:
        """The command list of `muster --help`, from `COMMANDS`, importing nothing."""
        rows = [(name, command.summary) for name, command in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def load_all() -> TyperGroup:
    """The complete `muster` group with every module of this package imported (tests, docs):
    a command registered by a module `COMMANDS` does not name still shows up here."""
    import pkgutil

    import typer.main

    import muster.cli
    from muster.cli.app import app

    for module in pkgutil.iter_modules(muster.cli.__path__):
        import_module(f"muster.cli.{module.name}")
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return group
