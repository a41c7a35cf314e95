"""Checks across columns and rows: workplace fields, duplicate ids, who an entry is about,
dates that must come in order."""

from __future__ import annotations

from collections.abc import Callable, Collection

import polars as pl

from muster.intake.columns import RAW
from muster.intake.formats import PERSON_COLUMNS, UNIT_COLUMNS, WORKPLACE_TYPES
from muster.intake.problems import Problems
from muster.intake.table import ROW

_UNIT_ORDER = {column.name: order for order, column in enumerate(UNIT_COLUMNS)}
_PERSON_ORDER = {column.name: order for order, column in enumerate(PERSON_COLUMNS)}
_WORKPLACE_ONLY = ("workplace_type", "slots", "trade")
Checks = Callable[[pl.DataFrame, Problems], pl.DataFrame]


def unit_checks(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    """Workplaces need a workplace_type and slots; other units have neither; codes unique."""
    workplace = pl.col("kind") == "workplace"
    other = pl.col("kind").is_not_null() & ~workplace
    needs = {
        "workplace_type": "a workplace_type for a workplace: one of " + ", ".join(WORKPLACE_TYPES),
        "slots": "slots (places) for a workplace: a whole number, 0 or more",
    }
    for name, expected in needs.items():
        bad = frame.filter(workplace & (pl.col(RAW + name) == "")).select(
            ROW, pl.lit("").alias("value")
        )
        problems.add_cells(bad, _UNIT_ORDER[name], name, expected)
    for name in _WORKPLACE_ONLY:
        given = frame.filter(other & (pl.col(RAW + name) != ""))
        bad = given.select(ROW, pl.col(RAW + name).alias("value"), pl.col("kind"))
        empty = pl.format("empty: a {} has no {}", pl.col("kind"), pl.lit(name))
        problems.add_cells(bad, _UNIT_ORDER[name], name, empty)
    frame = duplicate_errors("code")(frame, problems)
    trade = pl.when(workplace).then(pl.coalesce(pl.col("trade"), pl.col("workplace_type")))
    return frame.with_columns(trade.alias("trade"))


def duplicate_errors(key: str) -> Callable[[pl.DataFrame, Problems], pl.DataFrame]:
    """A check refusing a second row with the same `key` (ids must be unique in a file)."""

    def check(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
        first = pl.col(ROW).min().over(key)
        bad = frame.select(ROW, pl.col(key).alias("value"), first.alias("first")).filter(
            pl.col("value").is_not_null() & (pl.col(ROW) != pl.col("first"))
        )
        expected = pl.format("a {} not already used on row {}", pl.lit(key), pl.col("first"))
        problems.add_cells(bad, -1, key, expected)
        return frame

    return check


def person_checks(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    """people.csv: person_id unique, and a permit cannot expire before the person arrived."""
    frame = duplicate_errors("person_id")(frame, problems)
    early = pl.col("permit_expires") < pl.col("arrived")  # null (either date missing): fine
    bad = frame.filter(early).select(
        ROW, pl.col(RAW + "permit_expires").alias("value"), pl.col("arrived")
    )
    expected = pl.format("a date on or after arrived ({})", pl.col("arrived").dt.to_string())
    problems.add_cells(bad, _PERSON_ORDER["permit_expires"], "permit_expires", expected)
    return frame


def known_codes(column: str, known: Collection[str], expected: str) -> Checks:
    """A check that `column` names one of `known` (codes of the file itself count too for
    units: a parent may be defined in the same file)."""

    def check(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
        allowed = set(known)
        if column == "parent_code":
            allowed |= set(frame.get_column("code").drop_nulls().to_list())
        value = pl.col(column)
        bad = frame.filter(value.is_not_null() & ~value.is_in(sorted(allowed))).select(
            ROW, pl.col(RAW + column).alias("value")
        )
        order = (_UNIT_ORDER if column == "parent_code" else _PERSON_ORDER)[column]
        problems.add_cells(bad, order, column, expected)
        return frame

    return check


def both(first: Checks, second: Checks) -> Checks:
    """Two checks, every error of both in one pass."""
    return lambda frame, problems: second(first(frame, problems), problems)


def list_identity_check(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    """Every entry names its person: family_name, name_native or person_id."""
    nameless = pl.all_horizontal(
        pl.col(RAW + name) == "" for name in ("family_name", "name_native", "person_id")
    )
    bad = frame.filter(nameless).select(ROW, pl.lit("").alias("value"))
    problems.add_cells(bad, 1, "family_name", "a family_name, name_native or person_id")
    return frame
