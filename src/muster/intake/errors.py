"""Row-level errors and warnings raised by intake, worded for the sender of the file."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

_SHOWN_CHARS = 80


def shorten(value: str, limit: int = _SHOWN_CHARS) -> str:
    """Cut a value for display so a 100 KB cell does not flood an error message."""
    return value if len(value) <= limit else value[:limit] + f"… ({len(value)} characters)"


def _where(row: int, column: str) -> str:
    if row == 0:
        return "file"
    return f"row {row}, column {column}" if column else f"row {row}"


@dataclass(frozen=True)
class RowError:
    """One problem in an upload: row 1 is the header, row 2 the first data row, 0 the file."""

    row: int
    column: str
    value: str
    expected: str

    def __str__(self) -> str:
        found = f"{self.value!r} — " if self.value else ""
        return f"{_where(self.row, self.column)}: {found}expected {self.expected}"


@dataclass(frozen=True)
class RowWarning:
    """Something worth a look that does not reject the file (e.g. the same person listed twice)."""

    row: int
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        found = f"{self.value!r} — " if self.value else ""
        return f"{_where(self.row, self.column)}: {found}{self.message}"


class IntakeRejected(Exception):
    """A file refused whole, carrying every error found in one pass."""

    def __init__(self, errors: Iterable[RowError]) -> None:
        self.errors: list[RowError] = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def to_json(self) -> list[dict[str, object]]:
        """The errors as plain dicts for the API (row, column, value, expected, message)."""
        return [{**asdict(error), "message": str(error)} for error in self.errors]


def file_error(found: str, expected: str) -> IntakeRejected:
    """A rejection of the whole file (row 0) with what was found and what to send instead."""
    return IntakeRejected([RowError(0, "", found, expected)])
