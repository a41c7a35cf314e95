"""Bulk insert of a list's entries straight from its typed Polars frame.

A 1,000,000-row list must store at most 3x slower than a bare bulk load (SPEC §8), so the
rows never become Python objects: SQLite gets one `executemany` over the frame's rows,
PostgreSQL a `COPY` of the frame written as CSV by Polars. Both run on the session's own
connection, inside the caller's transaction (with the version row and the audit event).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from muster.domain.submissions import LIST_FIELDS

if TYPE_CHECKING:
    import polars as pl

ENTRY_COLUMNS = ("version_id", "row", *LIST_FIELDS)
NOT_NULL_TEXT = ("category", "fit_to_travel", "wants_to_return")
COPY_CHUNK_ROWS = 200_000


def entry_frame(frame: pl.DataFrame, version_id: int) -> pl.DataFrame:
    """The entries table's columns from a list frame (dates as ISO text, as SQLite stores them)."""
    import polars as pl  # on use: the unit of work imports this module for every command

    return frame.select(
        pl.lit(version_id, dtype=pl.Int64).alias("version_id"),
        pl.col("row").cast(pl.Int64),
        *[
            pl.col(c).cast(pl.String) if c in ("date_of_birth", "since") else pl.col(c)
            for c in LIST_FIELDS
        ],
    )


def insert_entries(session: Session, version_id: int, frame: pl.DataFrame) -> None:
    """Append the rows of a list frame to `entries` for one version."""
    if frame.height == 0:
        return
    rows = entry_frame(frame, version_id)
    connection = session.connection()
    driver: Any = connection.connection.driver_connection
    if connection.dialect.name == "postgresql":
        _copy_postgres(driver, rows)
    else:
        _executemany(driver, rows, "?" if connection.dialect.name == "sqlite" else "%s")


def _executemany(driver: Any, rows: pl.DataFrame, placeholder: str) -> None:
    """One prepared INSERT run over every row of the frame."""
    columns = ", ".join(f'"{c}"' for c in ENTRY_COLUMNS)
    values = ", ".join([placeholder] * len(ENTRY_COLUMNS))
    sql = f"INSERT INTO entries ({columns}) VALUES ({values})"
    cursor = driver.cursor()
    # Millions of short-lived tuples would set off the cyclic garbage collector over and
    # over (it rescans every live object); none of them can form a cycle, so pause it.
    collecting = gc.isenabled()
    gc.disable()
    try:
        # Columns to Python lists in Rust, then zipped lazily: the cheapest way to feed rows.
        columns_data = [rows[name].to_list() for name in rows.columns]
        cursor.executemany(sql, zip(*columns_data, strict=True))
    finally:
        if collecting:
            gc.enable()
        cursor.close()


def _copy_postgres(driver: Any, rows: pl.DataFrame) -> None:
    """COPY the frame as CSV in chunks (empty text stays empty only where NOT NULL)."""
    columns = ", ".join(f'"{c}"' for c in ENTRY_COLUMNS)
    forced = ", ".join(f'"{c}"' for c in NOT_NULL_TEXT)
    sql = f"COPY entries ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({forced}))"
    with driver.cursor() as cursor, cursor.copy(sql) as copy:
        for start in range(0, rows.height, COPY_CHUNK_ROWS):
            copy.write(rows.slice(start, COPY_CHUNK_ROWS).write_csv(include_header=False))
