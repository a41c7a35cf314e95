"""Collects every error of a file in one pass, vectorised, and raises them together."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from muster.intake.errors import IntakeRejected, RowError, shorten
from muster.intake.limits import Limits
from muster.intake.table import ROW

_SCHEMA = {
    ROW: pl.Int64,
    "order": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "expected": pl.String,
}
_LAST = 10_000  # sort position of errors whose column order is unknown


class Problems:
    """Bad cells gathered as frames (row, order, column, value, expected) plus loose errors."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.frames: list[pl.DataFrame] = []
        self.loose: list[RowError] = []

    def add(self, errors: Iterable[RowError]) -> None:
        """Add errors already built (header problems, cell errors met while reading)."""
        self.loose.extend(errors)

    def add_cells(
        self,
        bad: pl.DataFrame,
        order: int,
        column: str,
        expected: str | pl.Expr,
        value: str = "value",
    ) -> None:
        """Add one error per row of `bad`, which has ROW and a `value` column."""
        if bad.height == 0:
            return
        expected_expr = pl.lit(expected) if isinstance(expected, str) else expected
        self.frames.append(
            bad.select(
                pl.col(ROW).cast(pl.Int64),
                pl.lit(order, dtype=pl.Int64).alias("order"),
                pl.lit(column).alias("column"),
                pl.col(value).cast(pl.String).fill_null("").alias("value"),
                expected_expr.cast(pl.String).alias("expected"),
            )
        )

    def raise_if_any(self) -> None:
        """Raise IntakeRejected with the errors sorted by row, at most max_errors of them."""
        total = len(self.loose) + sum(frame.height for frame in self.frames)
        if total == 0:
            return
        cap = self.limits.max_errors
        errors = sorted(
            self._first_cells(cap) + [(e.row, _LAST, e) for e in self.loose],
            key=lambda item: (item[0], item[1]),
        )
        shown = [error for _, _, error in errors[:cap]]
        if total > len(shown):
            shown.append(
                RowError(
                    0,
                    "",
                    f"{total - len(shown)} more errors not listed",
                    "the errors above fixed first",
                )
            )
        raise IntakeRejected(shown)

    def _first_cells(self, cap: int) -> list[tuple[int, int, RowError]]:
        if not self.frames:
            return []
        cells = pl.concat(self.frames).sort(ROW, "order").head(cap)
        return [
            (row, order, RowError(row, column, shorten(value), expected))
            for row, order, column, value, expected in cells.iter_rows()
        ]
