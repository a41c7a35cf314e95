"""CLI: `muster demo` (build a demo world and serve it) and `muster serve`."""

from __future__ import annotations

import os
import secrets
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from sqlalchemy.engine import make_url

from muster.bootstrap import Muster, bootstrap
from muster.cli.app import app, console_err, handled, open_muster, options, refuse, usage_error
from muster.demo.build import BuildReport, build_demo
from muster.demo.files import replacements_csv
from muster.demo.marks import DemoFiles, claim
from muster.demo.users import DemoUser
from muster.demo.world import generate_world
from muster.domain.users import OPERATOR
from muster.services.rotation_plan import SavedPlan
from muster.settings import Settings

DEMO_URL = "sqlite:///muster-demo.db"

PortOpt = Annotated[int, typer.Option("--port", help="Port to listen on.")]


@app.command()
def demo(
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same world.")] = 1,
    port: PortOpt = 8000,
    scale: Annotated[
        float, typer.Option("--scale", help="Size of the world: 1 = about 10,000 people.")
    ] = 1.0,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help=f"Database URL (default {DEMO_URL}); only a database the demo made is recreated.",
        ),
    ] = None,
) -> None:
    """Build a fictional demo world in an embedded database and serve it; prints URL and logins."""
    if not 0 < scale <= 10:
        usage_error("--scale must be greater than 0 and at most 10")
    with handled():
        url = db or options().db or DEMO_URL
        files = _demo_files(url)
        if files.database is not None:
            claim(files)  # an SQLite file is recreated only when the demo made it
        muster = bootstrap(url, migrate=True)
        _refuse_non_empty(muster)
        if files.database is None:
            claim(files)  # a server database proven empty: only its archive to check
        world = generate_world(seed, scale)
        report = build_demo(muster, world, console_err())
        pool = _write_pool(url, world_csv=replacements_csv(world))
    _print_welcome(muster, report, port, pool)
    _serve(muster, "127.0.0.1", port)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Interface to listen on.")] = "127.0.0.1",
    port: PortOpt = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            help="Worker processes (uvicorn workers), each with its own database connections; "
            "about one per CPU core.",
        ),
    ] = 1,
) -> None:
    """Serve the web application and API for the database given by --db."""
    if not 1 <= workers <= 64:
        usage_error("--workers must be between 1 and 64")
    with handled():
        muster = open_muster()
    print(f"Serving {_shown_url(muster)}")
    print(f"Muster: http://{host}:{port}/", flush=True)
    _serve(muster, host, port, workers)


def _serve(muster: Muster, host: str, port: int, workers: int = 1) -> None:
    """Run uvicorn until interrupted; several worker processes when `workers` > 1."""
    # Imported here so that every other command starts without loading the web stack.
    import uvicorn

    if workers > 1:
        # Each worker process builds its own Muster from the environment (asgi.py): the
        # resolved database URL is handed down so that `--db` holds in every worker.
        os.environ["MUSTER_DATABASE_URL"] = muster.settings.database_url
        muster.engine.dispose()
        uvicorn.run("muster.web.asgi:create", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", log_config=_log_config())  # fmt: skip
        return

    from muster.web import create_app

    uvicorn.run(
        create_app(muster), host=host, port=port, log_level="warning", log_config=_log_config()
    )


def _log_config() -> dict[str, object]:
    """uvicorn's logging, plus Muster's own request log (one JSON line a request) on stderr.

    uvicorn's access log stays off: it writes query strings, which may carry names.
    """
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["muster"] = {"class": "logging.StreamHandler", "stream": "ext://sys.stderr"}
    config["loggers"]["muster.web"] = {"handlers": ["muster"], "level": "INFO", "propagate": False}
    return config


def _sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database or "")


def _demo_files(url: str) -> DemoFiles:
    """The database file, archive folder and pool a demo on `url` creates (see demo.marks)."""
    path = _sqlite_file(url)
    label = str(path.resolve()) if path else make_url(url).render_as_string(hide_password=True)
    return DemoFiles(path, Settings(database_url=url).archive_dir(), _pool_path(path), label)


def _pool_path(database: Path | None) -> Path | None:
    """replacements.csv beside an SQLite demo database; None for a server database."""
    return None if database is None else database.parent / f"{database.stem}-replacements.csv"


def _refuse_non_empty(muster: Muster) -> None:
    """A server database that already holds units is not overwritten by a demo."""
    with muster.uow() as uow:
        if len(uow.units.tree()):
            refuse(
                "the database already holds an organisation tree; "
                "give an empty database or a new SQLite file to --db"
            )


def _write_pool(url: str, world_csv: bytes) -> Path | None:
    """replacements.csv beside an SQLite demo database (the planner's pool)."""
    pool = _pool_path(_sqlite_file(url))
    if pool is not None:
        pool.write_bytes(world_csv)
    return pool


def _shown_url(muster: Muster) -> str:
    """The database URL without its password."""
    return muster.engine.url.render_as_string(hide_password=True)


def _print_welcome(muster: Muster, report: BuildReport, port: int, pool: Path | None) -> None:
    """The URL and demo logins, flushed before the server starts."""
    print(f"Demo world built in {report.seconds:.1f} s: {report.units} units, "
          f"{report.people} people, call {report.call_id} with {report.steps} steps "
          f"({_shown_url(muster)}).")  # fmt: skip
    if pool is not None:
        print(f"Replacement pool: {pool} (imported)")
    if report.plan is not None:
        print(_plan_line(report.plan, report.call_id))
    print("Demo logins, one per role (sign in on the web page; or act as one with "
          f"`muster --db {_shown_url(muster)} --as NAME ...`):")  # fmt: skip
    passwords = _demo_passwords(muster, report.logins)
    width = max(len(",".join(u.permissions)) for u in report.logins)
    for user in report.logins:
        perms = ",".join(user.permissions)
        secret = passwords.get(user.name, "-")
        print(f"  {user.name:<20} {user.unit_code:<9} {secret:<16} {perms:<{width}}  {user.role}")
    print("  (every mission and consulate has a review.<code> login and every workplace a "
          "clerk.<code> login;\n   give one a password with "
          f"`muster --db {_shown_url(muster)} user password --name NAME`)")  # fmt: skip
    print(f"Muster demo: http://127.0.0.1:{port}/", flush=True)


ROLE_PREFIXES = ("HQ administrator", "mission reviewer", "consulate reviewer",
                 "workplace submitter", "protection officer", "medical officer")  # fmt: skip


def _demo_passwords(muster: Muster, logins: tuple[DemoUser, ...]) -> dict[str, str]:
    """A fresh random password for the first demo login of each role (printed, never stored
    in clear). Only `muster demo` makes passwords; everywhere else a person chooses one."""
    from muster.services.accounts import set_password

    chosen: dict[str, str] = {}
    for prefix in ROLE_PREFIXES:
        user = next((u for u in logins if u.role.startswith(prefix)), None)
        if user is None:
            continue
        chosen[user.name] = "demo-" + secrets.token_urlsafe(8)
        with muster.uow() as uow:
            set_password(uow, OPERATOR, user.name, chosen[user.name], muster.clock())
    return chosen


def _plan_line(saved: SavedPlan, call_id: int) -> str:
    """One line on HQ's first rotation plan and how to see it again."""
    homes = sum(1 for m in saved.plan.moves if m.direction == "home")
    reasons = Counter(u.reason for u in saved.plan.unscheduled)
    why = ", ".join(f"{n} {reason}" for reason, n in reasons.most_common())
    return (
        f"Rotation plan {saved.id} ({saved.plan.status}): {homes} home, "
        f"{len(saved.plan.moves) - homes} out; not moved: {why or 'nobody'}. "
        f"Again: muster --db ... plan --from-db --call {call_id} --start 2021-08-01 "
        "--manifest plan.xlsx"
    )
