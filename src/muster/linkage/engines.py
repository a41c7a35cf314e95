"""Where Splink runs its SQL: DuckDB in process (default) or Spark in local mode."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any, Literal

import pyarrow as pa

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[Engine, ...] = ("duckdb", "spark")

_LOG4J2 = """\
rootLogger.level = error
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n
"""


class EngineUnavailable(RuntimeError):
    """The chosen engine cannot start here (for example no Java for Spark)."""


def duckdb_api() -> Any:
    """A Splink database API on an in-memory DuckDB connection."""
    from splink import DuckDBAPI

    return DuckDBAPI()


def _quiet_log4j() -> str:
    """Path of a log4j2 configuration that prints only errors (Spark is chatty)."""
    path = Path(tempfile.gettempdir()) / "muster-spark-log4j2.properties"
    if not path.exists():
        path.write_text(_LOG4J2, encoding="utf-8")
    return str(path)


def spark_session(cores: int | None = None) -> Any:
    """A local-mode Spark session with Splink's similarity functions on its class path."""
    try:
        from pyspark.sql import SparkSession
        from splink.internals.spark.jar_location import similarity_jar_location
    except ImportError as error:  # pragma: no cover - pyspark is an optional extra
        raise EngineUnavailable("the spark engine needs pyspark (pip install pyspark)") from error
    log_option = f"-Dlog4j.configurationFile=file:{_quiet_log4j()}"
    local = f"local[{cores or os.cpu_count() or 1}]"
    builder = (
        SparkSession.builder.master(local)
        .appName("muster-link")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.extraJavaOptions", log_option)
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.default.parallelism", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.driver.memory", "2g")
    )
    try:
        session = builder.getOrCreate()
    except Exception as error:
        raise EngineUnavailable(f"Spark could not start: {error}") from error
    session.sparkContext.setLogLevel("ERROR")
    return session


def spark_api() -> Any:
    """A Splink database API on a local Spark session."""
    from splink import SparkAPI

    return SparkAPI(  # type: ignore[no-untyped-call]
        spark_session=spark_session(),
        break_lineage_method="persist",
        num_partitions_on_repartition=8,
    )


def database_api(engine: Engine) -> Any:
    """The Splink database API for an engine name."""
    if engine == "duckdb":
        return duckdb_api()
    if engine == "spark":
        return spark_api()
    raise ValueError(f"unknown engine {engine!r}; expected one of {', '.join(ENGINES)}")


def register_table(db_api: Any, table: pa.Table, name: str) -> Any:
    """Register an Arrow table with the engine as a Splink input."""
    if getattr(db_api, "sql_dialect", None) is not None and hasattr(db_api, "spark"):
        return db_api.register(db_api.spark.createDataFrame(table), table_name=name)
    return db_api.register(table, table_name=name)


def release(db_api: Any) -> None:
    """Let go of what the engine holds for one link: DuckDB's in-memory database is closed.

    A Spark session is shared by the process and stays as it is.
    """
    connection = getattr(db_api, "duckdb_con", None)
    if connection is not None:
        connection.close()
