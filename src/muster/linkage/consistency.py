"""Cluster consistency: members of one cluster must not contradict each other.

Pair thresholds alone chain people together: `Park Mi-young 1991-02-08` links
to a record of the same name without a date, which links to `Pak Mi-yong
1986-11-30`. After clustering, every two members of a cluster are checked:

- a hard conflict (both birth dates and both passport numbers differ) keeps
  them apart whatever their own score: this is not one person;
- a soft conflict (the birth dates, the passport numbers or the sexes differ)
  keeps them apart unless their own pair is a link or they share a passport
  number: a renewed passport, a date typed twice wrong or a mistyped sex is
  believed only on direct evidence, never through a middle record.

Two full dates conflict when two of year, month and day differ even after
undoing a day/month swap (one typing slip is no conflict); a year-only date
conflicts with another year. Passports conflict when they are more than one
slip apart (a character replaced, added, dropped, or two neighbours swapped).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

MAX_CLUSTER = 500  # larger clusters are checked only on their scored pairs


def _members(features: pl.DataFrame, labels: np.ndarray[Any, Any]) -> pl.DataFrame:
    """Records in clusters of two or more, with the fields the check reads."""
    frame = features.select("unique_id", "dob", "birth_year", "passport", "sex")
    frame = frame.with_columns(pl.Series("label", labels))
    size = pl.len().over("label")
    return frame.filter((size >= 2) & (size <= MAX_CLUSTER))


def _parts_apart(month_r: pl.Expr, day_r: pl.Expr) -> pl.Expr:
    """How many of year, month and day differ between `dob` and the right date's parts."""
    left, right = pl.col("dob"), pl.col("dob_r")
    return (
        left.str.slice(0, 4).ne(right.str.slice(0, 4)).cast(pl.Int8)
        + left.str.slice(5, 2).ne(month_r).cast(pl.Int8)
        + left.str.slice(8, 2).ne(day_r).cast(pl.Int8)
    )


def _date_conflict() -> pl.Expr:
    """Two full dates two parts apart even after undoing a day/month swap; or, where a
    side knows only the year, other years."""
    month, day = pl.col("dob_r").str.slice(5, 2), pl.col("dob_r").str.slice(8, 2)
    apart = pl.min_horizontal(_parts_apart(month, day), _parts_apart(day, month)) >= 2
    both_full = pl.col("dob").is_not_null() & pl.col("dob_r").is_not_null()
    years = pl.col("birth_year").is_not_null() & pl.col("birth_year_r").is_not_null()
    other_year = years & (pl.col("birth_year") != pl.col("birth_year_r"))
    return pl.when(both_full).then(apart).otherwise(other_year)


def one_apart(left: str, right: str) -> bool:
    """True if two passport numbers are one slip apart: a character replaced, added,
    dropped, or two neighbours swapped."""
    if len(left) == len(right):
        differ = [i for i, (a, b) in enumerate(zip(left, right, strict=True)) if a != b]
        swapped = len(differ) == 2 and differ[1] == differ[0] + 1
        return len(differ) <= 1 or (swapped and left[differ[0]] == right[differ[1]])
    short, long = sorted((left, right), key=len)
    if len(long) - len(short) != 1:
        return False
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _passport_conflict(pairs: pl.DataFrame) -> pl.Series:
    """Both passport numbers known and more than one character apart."""
    differ = pairs["passport"].is_not_null() & pairs["passport_r"].is_not_null()
    differ = differ & (pairs["passport"] != pairs["passport_r"])
    left, right = pairs["passport"].to_list(), pairs["passport_r"].to_list()
    rows = zip(differ.to_list(), left, right, strict=True)
    return pl.Series([bool(d) and not one_apart(a, b) for d, a, b in rows], dtype=pl.Boolean)


def conflicting_pairs(
    features: pl.DataFrame,
    labels: np.ndarray[Any, Any],
    linked: pl.DataFrame,
) -> list[tuple[int, int]]:
    """Pairs of one cluster that must be kept apart; `linked` holds the pairs scored as links."""
    members = _members(features, labels)
    pairs = members.join(members, on="label", suffix="_r").filter(
        pl.col("unique_id") < pl.col("unique_id_r")
    )
    if pairs.is_empty():
        return []
    pairs = pairs.with_columns(
        _date_conflict().fill_null(False).alias("date"),
        _passport_conflict(pairs).alias("passport_conflict"),
        (pl.col("passport") == pl.col("passport_r")).fill_null(False).alias("same_passport"),
        (pl.col("sex") != pl.col("sex_r")).fill_null(False).alias("sex_conflict"),
    )
    direct = linked.select(
        pl.col("unique_id_l").alias("unique_id"),
        pl.col("unique_id_r"),
        pl.lit(True).alias("direct"),
    )
    pairs = pairs.join(direct, on=["unique_id", "unique_id_r"], how="left")
    hard = pl.col("date") & pl.col("passport_conflict")
    soft = pl.col("date") | pl.col("passport_conflict") | pl.col("sex_conflict")
    soft = soft & ~pl.col("same_passport") & pl.col("direct").is_null()
    kept_apart = pairs.filter(hard | soft).select("unique_id", "unique_id_r")
    return [(int(a), int(b)) for a, b in kept_apart.iter_rows()]
