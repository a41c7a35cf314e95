"""List intake benchmark (SPEC §8): parse + validate + store against a bare bulk load.

    .venv/bin/python bench/intake.py                  # 1,000,000 rows, SQLite and PostgreSQL
    .venv/bin/python bench/intake.py --quick          # 50,000 rows
    .venv/bin/python bench/intake.py --format xlsx    # the same list submitted as a workbook
    .venv/bin/python bench/intake.py --record         # also rewrite its part of bench/RESULTS.md

PostgreSQL is used when MUSTER_TEST_POSTGRES_URL is set (a fresh schema, dropped after).
Both databases are built by the project's Alembic migrations; rows go into the real
`entries` table. In the same run, on the same file and database:

- bare load: SQLite `executemany` of rows pre-parsed by the csv module (parsing not
  timed); PostgreSQL `COPY entries FROM STDIN` of the file's bytes as they are;
- intake: the real service, `muster.services.lists.submit_list`: keep the bytes in the
  archive, `read_list` (decode, parse, validate every cell, duplicate warnings), unlink
  unknown person ids, write the version and audit event, and store the frame through
  `muster.store.bulk` (SQLite `executemany` of the frame's rows, PostgreSQL `COPY` of the
  frame written as CSV by Polars), all in one transaction. Parse + validate is also timed
  alone to show where the time goes.

With `--format xlsx` the generated list is written as a workbook (xlsxwriter: shared
strings as Excel writes them, date_of_birth and since as date cells) and that workbook is
what `submit_list` receives; the bare load is the same one, of the same rows as CSV. The
workbook of 1,000,000 rows is larger than the default upload limit (50 MB), so the limits
are raised to fit it, as they are for the 97 MB CSV.

Target: intake <= 3x the bare load.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import platform
import random
import re
import sqlite3
import tempfile
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import xlsxwriter
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import CursorResult, insert

from muster.bootstrap import bootstrap
from muster.domain.users import OPERATOR
from muster.intake import FileArchive, Limits, ParsedList, read_list
from muster.services.lists import SubmitOutcome, submit_list
from muster.store.db import make_engine
from muster.store.migrate import upgrade
from muster.store.tables import (
    CallRow,
    SubmissionRow,
    SubmissionVersionRow,
    UnitRow,
)

RESULTS = Path(__file__).with_name("RESULTS.md")
CATEGORIES = ("illness", "work_injury", "stranded_trip", "stalled_business", "contract_ended")
LIST_COLUMNS = (
    "person_id", "family_name", "given_name", "name_native", "date_of_birth", "sex",
    "passport_no", "category", "since", "fit_to_travel", "wants_to_return", "note",
)  # fmt: skip
ENTRY_COLUMNS = ("version_id", "row", *LIST_COLUMNS)
_LATIN_FAMILY = "Kim Ri Pak Choe Jong Kang Jo Yun Jang Rim Han O So Sin Kwon Hwang An Song"
_LATIN_GIVEN = (
    "Chol Su Yong Hui Myong Ok Song Ho Kwang Il Nam Hyok Mi Sun Jin Gyong Chun Hwa Dok Un "
    "Hyang Bok Jun Hyon Thae Sang Man"
)
FAMILY = tuple(zip(_LATIN_FAMILY.split(" "), "김리박최정강조윤장림한오서신권황안송", strict=True))
SYLLABLES = tuple(
    zip(
        _LATIN_GIVEN.split(" "),
        "철수영희명옥성호광일남혁미순진경춘화덕은향복준현태상만",
        strict=True,
    )
)
NOTES = ("", "", "", "", "", "", "", "back injury, cannot lift", 'says "wants to go home"',
         "허리 부상으로 작업 불가", "폐렴 치료 중\n재검사 예정")  # fmt: skip
ANSWERS = ("yes", "no", "unknown", "", "YES")
DATE_COLUMNS = (LIST_COLUMNS.index("date_of_birth"), LIST_COLUMNS.index("since"))


@dataclass
class Timing:
    """Seconds for one database."""

    database: str
    bare: float
    parse_validate: float
    store: float

    @property
    def intake(self) -> float:
        """Parse + validate + store."""
        return self.parse_validate + self.store

    @property
    def ratio(self) -> float:
        """Intake time over the bare load time."""
        return self.intake / self.bare


def generate(rows: int, seed: int = 1) -> bytes:
    """A list CSV of `rows` entries: Hangul and Latin names, quoted notes, 1% repeated people."""
    rng = random.Random(seed)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(LIST_COLUMNS)
    born, since = date(1960, 1, 1), date(2021, 1, 1)
    previous: list[str] = []
    for number in range(rows):
        if previous and rng.random() < 0.01:
            row = [*previous[:7], rng.choice(CATEGORIES), "", "unknown", "yes", "listed again"]
        else:
            family, native_family = rng.choice(FAMILY)
            given = rng.sample(SYLLABLES, 2)
            row = [
                f"P{number:07d}" if rng.random() < 0.9 else "",
                family,
                " ".join(latin for latin, _ in given),
                native_family + "".join(hangul for _, hangul in given),
                (born + timedelta(days=rng.randrange(14_600))).isoformat(),
                rng.choice("MF"),
                f"{rng.randrange(10**8, 10**9)}",
                rng.choice(CATEGORIES),
                (since + timedelta(days=rng.randrange(200))).isoformat()
                if rng.random() < 0.8
                else "",
                rng.choice(ANSWERS),
                rng.choice(ANSWERS),
                rng.choice(NOTES),
            ]
        previous = row
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


def as_xlsx(data: bytes) -> bytes:
    """The generated CSV list as a workbook: text cells, and date cells for the two dates."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("list")
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for r, record in enumerate(csv.reader(io.StringIO(data.decode(), newline=""))):
        for c, value in enumerate(record):
            if r and c in DATE_COLUMNS and value:
                sheet.write_datetime(r, c, datetime.fromisoformat(value), day)
            elif value:
                sheet.write_string(r, c, value)
    book.close()
    return buffer.getvalue()


# -- databases --------------------------------------------------------------------------


@contextmanager
def sqlite_database() -> Iterator[str]:
    """A fresh SQLite file built by the migrations."""
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{folder}/bench.db"


@contextmanager
def postgres_database(url: str) -> Iterator[str]:
    """A fresh PostgreSQL schema built by the migrations, dropped afterwards."""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{schema}"')
        sep = "&" if "?" in url else "?"
        try:
            yield f"{url}{sep}options=-csearch_path%3D{schema}"
        finally:
            admin.execute(f'DROP SCHEMA "{schema}" CASCADE')


def prepare(url: str, workplaces: int) -> int:
    """Migrate; create HQ -> M1 -> C1 -> W000..W0nn and a call; return a version for bare loads."""
    engine = make_engine(url)
    upgrade(engine)
    now = datetime(2021, 7, 24, tzinfo=UTC)
    tree = [("HQ", "headquarters", None), ("M1", "mission", "HQ"), ("C1", "consulate", "M1")]
    tree += [(f"W{n:03d}", "workplace", "C1") for n in range(workplaces + 1)]
    with engine.begin() as conn:
        for code, kind, parent in tree:
            is_workplace = kind == "workplace"
            conn.execute(insert(UnitRow).values(
                code=code, name=code, kind=kind, parent_code=parent,
                workplace_type="factory" if is_workplace else None,
                slots=1_000_000 if is_workplace else None))  # fmt: skip
        call = _key(conn.execute(insert(CallRow).values(
            title="bench", issued_by="HQ", scope="HQ", categories=list(CATEGORIES),
            due_workplace=now, due_consulate=now, due_mission=now, issued_at=now,
            issued_by_user="bench")))  # fmt: skip
        submission = _key(conn.execute(insert(SubmissionRow).values(
            call_id=call, unit_code="W000", created_at=now)))  # fmt: skip
        version = _key(conn.execute(insert(SubmissionVersionRow).values(
            submission_id=submission, number=1, created_at=now, created_by="bench",
            entry_count=0)))  # fmt: skip
    engine.dispose()
    return version


def _key(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT made."""
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def count_and_clear(url: str) -> int:
    """Entries stored, then deleted so the next load starts from an empty table."""
    engine = make_engine(url)
    with engine.begin() as conn:
        stored = int(conn.exec_driver_sql("SELECT count(*) FROM entries").scalar_one())
        # Entries are append-only (migration 0004); this throwaway database lifts the rule.
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS entries_no_delete")
        else:
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS entries_append_only ON entries")
        conn.exec_driver_sql("DELETE FROM entries")
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("VACUUM")
    engine.dispose()
    return stored


def _sqlite_connect(url: str) -> sqlite3.Connection:
    """A raw connection with the pragmas Muster's engine uses."""
    conn = sqlite3.connect(url.removeprefix("sqlite:///"))
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def _insert_sql(placeholder: str) -> str:
    columns = ", ".join(f'"{c}"' for c in ENTRY_COLUMNS)
    return (
        f"INSERT INTO entries ({columns}) VALUES ({', '.join([placeholder] * len(ENTRY_COLUMNS))})"
    )


# -- the two ways in ----------------------------------------------------------------------


def bare_sqlite(url: str, rows: list[tuple[Any, ...]]) -> None:
    """The baseline: executemany of rows the csv module already parsed."""
    with _sqlite_connect(url) as conn:
        conn.executemany(_insert_sql("?"), rows)


def bare_postgres(url: str, data: bytes, version: int) -> None:
    """The baseline: COPY the file's bytes as they are (version and row from defaults)."""
    with psycopg.connect(url) as conn:
        conn.execute(f"ALTER TABLE entries ALTER COLUMN version_id SET DEFAULT {version}")
        conn.execute('ALTER TABLE entries ALTER COLUMN "row" SET DEFAULT 0')
        conn.commit()
        columns = ", ".join(LIST_COLUMNS)
        sql = (f"COPY entries ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true, "
               "FORCE_NOT_NULL (category, fit_to_travel, wants_to_return))")  # fmt: skip
        with conn.cursor() as cursor, cursor.copy(sql) as copy:
            for start in range(0, len(data), 1 << 20):
                copy.write(data[start : start + (1 << 20)])
        conn.execute("ALTER TABLE entries ALTER COLUMN version_id DROP DEFAULT")
        conn.execute('ALTER TABLE entries ALTER COLUMN "row" DROP DEFAULT')


# -- running ------------------------------------------------------------------------------


def timed(action: Callable[[], object]) -> tuple[float, object]:
    """Wall seconds of one call, and its result."""
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


@dataclass(frozen=True)
class Upload:
    """What `submit_list` receives: the file's bytes and name."""

    data: bytes
    filename: str

    def limits(self) -> Limits:
        """Limits that let this file through (the bench measures speed, not refusal)."""
        unpacked = 0
        if self.filename.endswith(".xlsx"):
            infos = zipfile.ZipFile(io.BytesIO(self.data)).infolist()
            unpacked = sum(info.file_size for info in infos)
        return Limits(
            max_upload_bytes=len(self.data) + 1,
            max_uncompressed_bytes=max(Limits().max_uncompressed_bytes, unpacked + 1),
        )


def run_database(
    name: str, url: str, data: bytes, upload: Upload, rows: int, repeat: int, progress: Progress
) -> Timing:
    """Bare load (of the CSV) and intake (of the upload), alternated `repeat` times; best of each.

    Every load is checked to have stored every row, then the table is emptied again.
    """
    task = progress.add_task(f"{name}: migrate", total=1 + 2 * repeat)
    version = prepare(url, repeat)
    best = Timing(name, float("inf"), float("inf"), float("inf"))
    for attempt in range(repeat):
        progress.update(task, advance=1, description=f"{name}: bare load")
        best.bare = min(best.bare, _bare(name, url, data, version))
        assert count_and_clear(url) == rows, "bare load lost rows"
        progress.update(task, advance=1, description=f"{name}: intake")
        parse_validate, stored = _intake(url, upload, rows, f"W{attempt + 1:03d}")
        assert count_and_clear(url) == rows, "intake lost rows"
        if parse_validate + stored < best.intake:
            best.parse_validate, best.store = parse_validate, stored
    progress.update(task, advance=1, description=f"{name}: done")
    return best


def _bare(name: str, url: str, data: bytes, version: int) -> float:
    if name == "sqlite":
        records = csv.reader(io.StringIO(data.decode(), newline=""))
        parsed_rows = [(version, n, *record) for n, record in enumerate(records, start=1)][1:]
        return timed(lambda: bare_sqlite(url, parsed_rows))[0]
    return timed(lambda: bare_postgres(url, data, version))[0]


def _intake(url: str, upload: Upload, rows: int, unit: str) -> tuple[float, float]:
    """The real path: `submit_list` (archive, parse, validate, link, version, bulk store, audit).

    Parse + validate is also timed alone, so the table can show where the time goes.
    """
    limits = upload.limits()
    parse_validate, parsed = timed(
        lambda: read_list(upload.data, upload.filename, CATEGORIES, limits)
    )
    assert isinstance(parsed, ParsedList) and len(parsed) == rows
    app = bootstrap(url)
    app.archive = FileArchive(Path(tempfile.mkdtemp(prefix="muster-bench-")))

    def submit() -> SubmitOutcome:
        with app.uow() as uow:
            return submit_list(uow, OPERATOR, app.archive, call_id=1, unit_code=unit,
                               data=upload.data, filename=upload.filename, limits=limits,
                               now=app.clock())  # fmt: skip

    total, outcome = timed(submit)
    assert isinstance(outcome, SubmitOutcome) and outcome.entries == rows
    app.engine.dispose()
    return parse_validate, total - parse_validate


def report(timings: list[Timing], rows: int, upload: Upload, console: Console) -> str:
    """Print the results table and return it as Markdown."""
    kind = upload.filename.rpartition(".")[2].upper()
    table = Table(title=f"List intake, {rows:,} rows ({len(upload.data) / 1e6:.0f} MB {kind})")
    for header in ("database", "bare load s", "parse+validate s", "store s", "intake s", "ratio"):
        table.add_column(header, justify="right")
    lines = ["| database | bare load s | parse + validate s | store s | intake s | intake / bare |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]  # fmt: skip
    for t in timings:
        cells = (t.database, f"{t.bare:.2f}", f"{t.parse_validate:.2f}", f"{t.store:.2f}",
                 f"{t.intake:.2f}", f"{t.ratio:.2f}x")  # fmt: skip
        table.add_row(*cells)
        lines.append("| " + " | ".join(cells) + " |")
    console.print(table)
    verdict = all(t.ratio <= 3 for t in timings)
    console.print(f"target intake <= 3x bare load: {'met' if verdict else 'NOT met'}")
    return "\n".join(lines)


def record(markdown: str, rows: int, upload: Upload, command: str, repeat: int) -> None:
    """Rewrite this format's part of "## Intake" in bench/RESULTS.md, leaving the rest alone."""
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    kind = upload.filename.rpartition(".")[2].upper()
    part = (
        f"### {kind}\n\n`{command}` — {rows:,} list rows, {len(upload.data) / 1e6:.0f} MB "
        f"{kind}, {datetime.now(UTC):%Y-%m-%d}, {machine}; best of {repeat} alternated runs; "
        f"load average at the end {load} (1, 5, 15 min).\n\n{markdown}\n"
    )
    text = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if "## Intake" not in text:
        text = text.rstrip("\n") + "\n\n## Intake\n"
    intake = re.compile(r"## Intake\n.*?(?=\n## |\Z)", re.S)
    section = intake.search(text)
    assert section is not None
    body = section.group(0)
    own = re.compile(rf"### {kind}\n.*?(?=\n### |\Z)", re.S)
    body = own.sub(lambda _: part.rstrip("\n") + "\n", body) if own.search(body) else (
        body.rstrip("\n") + "\n\n" + part)  # fmt: skip
    text = text[: section.start()] + body.rstrip("\n") + "\n" + text[section.end() :]
    RESULTS.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    """Generate the list, run every configured database, print (and record) the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="50,000 rows instead of 1,000,000")
    parser.add_argument("--rows", type=int, help="any number of rows")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="file submitted")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each; best time counts")
    parser.add_argument("--record", action="store_true", help="rewrite its part of RESULTS.md")
    args = parser.parse_args()
    rows = args.rows or (50_000 if args.quick else 1_000_000)
    console = Console()
    postgres = os.environ.get("MUSTER_TEST_POSTGRES_URL")
    progress = Progress(TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(),
                        console=console)  # fmt: skip
    timings: list[Timing] = []
    with progress:
        task = progress.add_task(f"generate {rows:,} rows", total=1)
        data = generate(rows)
        upload = Upload(data, "list.csv")
        if args.format == "xlsx":
            upload = Upload(as_xlsx(data), "list.xlsx")
        progress.update(task, advance=1)
        with sqlite_database() as url:
            timings.append(run_database("sqlite", url, data, upload, rows, args.repeat, progress))
        if postgres:
            with postgres_database(postgres) as url:
                timings.append(
                    run_database("postgresql", url, data, upload, rows, args.repeat, progress)
                )
    if not postgres:
        console.print("MUSTER_TEST_POSTGRES_URL is not set: PostgreSQL skipped")
    markdown = report(timings, rows, upload, console)
    if args.record:
        flags = " --quick" if args.quick else (f" --rows {args.rows}" if args.rows else "")
        flags += " --format xlsx" if args.format == "xlsx" else ""
        record(markdown, rows, upload, f".venv/bin/python bench/intake.py{flags}", args.repeat)


if __name__ == "__main__":
    main()
