"""The columns of each file people exchange (SPEC §5) and the form each value must take."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "date", "date_text", "whole", "choice", "list"]

UNIT_KINDS = ("headquarters", "mission", "consulate", "workplace")
WORKPLACE_TYPES = ("factory", "restaurant", "trading_company", "construction", "other")
ROLES = ("worker", "manager", "business_rep")
PURPOSES = ("work", "short_trip")
SEXES = ("M", "F")
ANSWERS = ("yes", "no", "unknown")


@dataclass(frozen=True)
class Column:
    """One column of a file: its name, the kind of value, and whether it may be left out.

    `required` means every row needs a value; `optional` means the column itself may be
    absent from the header. Choices are matched case-insensitively and stored as listed.

    Kinds: `date` is a real calendar date YYYY-MM-DD (a `datetime.date`). `date_text` is
    lenient, for link input only: any value shaped YYYY-MM-DD (ASCII digits) is kept as the
    text written, even when no such day exists, because record linkage uses impossible
    dates as evidence (1985-25-03 is day and month swapped, 1979-13-08 a typing slip);
    other shapes are refused like `date`. Submitted lists and registries use `date`.
    """

    name: str
    kind: Kind = "text"
    required: bool = False
    optional: bool = False
    choices: tuple[str, ...] = ()

    def expected(self) -> str:
        """The expected form of a value, as shown to the sender."""
        if self.kind in ("date", "date_text"):
            return "a date YYYY-MM-DD"
        if self.kind == "whole":
            return "a whole number, 0 or more"
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "list":
            return "one or more values separated by ';'"
        return "text"


def _text(name: str, required: bool = False) -> Column:
    return Column(name, "text", required)


def _date(name: str, required: bool = False) -> Column:
    return Column(name, "date", required)


def _choice(name: str, choices: tuple[str, ...], required: bool = False) -> Column:
    return Column(name, "choice", required, choices=choices)


UNIT_COLUMNS = (
    _text("code", True),
    _text("name", True),
    _choice("kind", UNIT_KINDS, True),
    _text("parent_code"),
    _text("host_country"),
    _text("region"),
    _choice("workplace_type", WORKPLACE_TYPES),
    Column("slots", "whole"),
    Column("trade", optional=True),
)

PERSON_COLUMNS = (
    _text("person_id", True),
    _text("family_name", True),
    _text("given_name", True),
    _text("name_native"),
    _date("date_of_birth", True),
    _choice("sex", SEXES),
    _text("passport_no"),
    _text("workplace_code", True),
    _choice("role", ROLES, True),
    _choice("purpose", PURPOSES, True),
    _date("arrived"),
    _date("permit_expires"),
)


def list_columns(categories: tuple[str, ...]) -> tuple[Column, ...]:
    """Columns of a submitted list; `category` must be one of the call's categories."""
    return (
        _text("person_id"),
        _text("family_name"),
        _text("given_name"),
        _text("name_native"),
        _date("date_of_birth"),
        _choice("sex", SEXES),
        _text("passport_no"),
        _choice("category", categories, True),
        _date("since"),
        _choice("fit_to_travel", ANSWERS),
        _choice("wants_to_return", ANSWERS),
        _text("note"),
    )


REPLACEMENT_COLUMNS = (
    _text("replacement_id", True),
    _text("family_name", True),
    _text("given_name", True),
    _text("name_native"),
    _date("date_of_birth"),
    _choice("sex", SEXES),
    Column("trades", "list", True),
    Column("hosts", "list", True),
    _date("ready", True),
)

LINK_INPUT_COLUMNS = (
    _text("record_id", True),
    _text("family_name"),
    _text("given_name"),
    _text("name_native"),
    Column("date_of_birth", "date_text"),  # impossible but well-shaped dates kept for linkage
    _choice("sex", SEXES),
    _text("passport_no"),
)

LIST_COLUMN_NAMES = tuple(column.name for column in list_columns(()))
