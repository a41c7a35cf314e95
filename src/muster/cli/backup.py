"""CLI: backup FILE, restore FILE — the database and every received file, with a manifest."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from muster.cli.app import app, handled, open_muster, options, refuse


def _operator_only() -> None:
    if options().acting_as is not None:
        refuse(
            "backup and restore are the operator's: run them without --as, on the machine "
            "that holds the database and the received files"
        )


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="The backup file to write (new).")],
) -> None:
    """Write the database and every received file, with a manifest of checksums, to FILE."""
    from muster.domain.users import OPERATOR
    from muster.services.backup import make_backup

    _operator_only()
    with handled():
        muster = open_muster()
        summary = make_backup(OPERATOR, muster.engine, muster.archive, file, muster.clock())
    for sha in summary.damaged_files:
        print(f"muster: archived file {sha} is damaged; kept as it is", file=sys.stderr)
    print(
        f"backed up the {summary.database} database (revision {summary.revision}) and "
        f"{summary.files} received files to {file}",
        file=sys.stderr,
    )


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
) -> None:
    """Restore a backup into an empty database and the received-files folder."""
    from muster.domain.users import OPERATOR
    from muster.services.backup import restore_backup

    _operator_only()
    with handled():
        muster = open_muster()
        summary = restore_backup(OPERATOR, muster.engine, muster.archive, file)
    print(
        f"restored the {summary.database} database (revision {summary.revision}) and "
        f"{summary.files} received files from {file}",
        file=sys.stderr,
    )
