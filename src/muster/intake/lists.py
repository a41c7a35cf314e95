"""A submitted list read columnar: typed Polars frame, warnings, records on demand."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from muster.intake.errors import RowWarning
from muster.intake.formats import LIST_COLUMN_NAMES
from muster.intake.limits import Limits
from muster.intake.records import ListRecord
from muster.intake.table import ROW

_SAME_PERSON = "may be the same person as row {}"
_KEYS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("person_id", ("person_id",)),
    ("passport_no", ("passport_no",)),
    ("name_native", ("name_native", "date_of_birth")),
    ("family_name", ("family_name", "given_name", "date_of_birth")),
)


class ParsedList:
    """An accepted list: `frame` has the SPEC §5 list columns, typed, plus `row`."""

    def __init__(
        self, frame: pl.DataFrame, warnings: Sequence[RowWarning] = (), skipped: int = 0
    ) -> None:
        self.frame = frame
        self.warnings: list[RowWarning] = list(warnings)
        self.skipped = skipped  # untouched roster rows of a pre-filled template, left out

    def records(self) -> list[ListRecord]:
        """One ListRecord per entry, in file order (builds Python objects: small lists only)."""
        return [ListRecord(**row) for row in self.frame.iter_rows(named=True)]

    def __len__(self) -> int:
        return self.frame.height


def list_frame(checked: pl.DataFrame) -> pl.DataFrame:
    """The public list frame: SPEC column order, unknown answers filled in, `row` last."""
    return checked.select(*LIST_COLUMN_NAMES, ROW).with_columns(
        pl.col("fit_to_travel").fill_null("unknown"),
        pl.col("wants_to_return").fill_null("unknown"),
    )


def duplicate_warnings(frame: pl.DataFrame, limits: Limits) -> list[RowWarning]:
    """Warn about a person listed twice: same person_id, passport, or name and birth date.

    One pass says which keys repeat at all (most lists repeat none); only those are traced.
    """
    repeating = frame.select(
        pl.struct(_folded(key))
        .filter(pl.all_horizontal(pl.col(name).is_not_null() for name in key))
        .is_duplicated()
        .any()
        .alias(column)
        for column, key in _KEYS
    ).row(0)
    found = [
        _repeats(frame, order, column, key)
        for order, (column, key) in enumerate(_KEYS)
        if repeating[order]
    ]
    if not found:
        return []
    hits = pl.concat(found).sort(ROW, "order").unique(ROW, keep="first", maintain_order=True)
    warnings = [
        RowWarning(row, column, value, _SAME_PERSON.format(first))
        for row, value, first, _, column in hits.head(limits.max_errors).iter_rows()
    ]
    if hits.height > len(warnings):
        more = hits.height - len(warnings)
        warnings.append(RowWarning(0, "", "", f"{more} more possible duplicates not listed"))
    return warnings


def _repeats(frame: pl.DataFrame, order: int, column: str, key: tuple[str, ...]) -> pl.DataFrame:
    """Rows whose key was already seen, with the row it was first seen on.

    A hash of the key finds the few candidate rows cheaply; exact keys decide among them.
    """
    keyed = frame.select(
        ROW, pl.col(column).cast(pl.String).alias("value"), *_folded(key)
    ).drop_nulls(list(key))
    hashed = pl.struct(key).hash() if len(key) > 1 else pl.col(key[0]).hash()
    candidates = keyed.filter(hashed.is_duplicated())
    first = pl.col(ROW).min().over(key).alias("first")
    return (
        candidates.with_columns(first)
        .filter(pl.col(ROW) != pl.col("first"))
        .select(ROW, "value", "first", pl.lit(order).alias("order"), pl.lit(column).alias("column"))
    )


def _folded(key: tuple[str, ...]) -> list[pl.Expr]:
    """Key columns as compared: names and passports without case or spaces, ids exact."""
    return [
        pl.col(name)
        if name in ("date_of_birth", "person_id")
        else pl.col(name).str.to_uppercase().str.replace_all(" ", "", literal=True)
        for name in key
    ]
