"""Link input records (SPEC §5) -> the normalised columns the Splink model compares."""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

import polars as pl

from muster.linkage.fields import (
    FieldFacts,
    Reading,
    missplit_reading,
    other_order_reading,
    part_field_facts,
    whole_field_facts,
)

LINK_INPUT_COLUMNS = (
    "record_id",
    "family_name",
    "given_name",
    "name_native",
    "date_of_birth",
    "sex",
    "passport_no",
)
NAME_COLUMNS = ("family_name", "given_name", "name_native")
OUTPUTS = ("family_key", "given_key", "given_hangul", "given_readings", "family_form")
READINGS = ("as_family", "as_given", "whole", "other")
_MOST_COMMON_RANK = 4


_OUTPUT_VALUES = attrgetter(*OUTPUTS)
_FORM = pl.Enum(["N", "S"])  # two values in a million rows: one byte each, not a string


def _output_type(output: str) -> pl.DataType:
    """The column type of one reading output."""
    return _FORM if output == "family_form" else pl.String()


_NO_READING = Reading()


def _facts_row(facts: FieldFacts, readings: tuple[str, ...]) -> tuple[object, ...]:
    """One field value's facts as a flat row."""
    row: list[object] = [facts.rank, facts.single, facts.native]
    for name in readings:
        row.extend(_OUTPUT_VALUES(getattr(facts, name) or _NO_READING))
    return tuple(row)


def _facts_table(
    values: list[str], column: str, readings: tuple[str, ...], facts: Callable[[str], FieldFacts]
) -> pl.DataFrame:
    """Facts of distinct values of a name column, as `column:fact` columns."""
    schema: dict[str, pl.DataType] = {"rank": pl.Int64(), "single": pl.Boolean()}
    schema["native"] = pl.Boolean()
    schema.update({f"{r}.{o}": _output_type(o) for r in readings for o in OUTPUTS})
    rows = [_facts_row(facts(v), readings) for v in values]
    table = pl.DataFrame(rows, schema=schema, orient="row")
    table = table.with_columns(pl.Series(column, values, dtype=pl.String))
    return table.rename({c: f"{column}:{c}" for c in table.columns if c != column})


def _as_family_field(text: str) -> FieldFacts:
    return part_field_facts(text, False)


def _as_given_field(text: str) -> FieldFacts:
    return part_field_facts(text, True)


def _with_facts(names: pl.DataFrame) -> pl.DataFrame:
    """Join each name column's facts; whole-name readings only where a field stands alone."""
    for column, read in (("family_name", _as_family_field), ("given_name", _as_given_field)):
        values = names[column].drop_nulls().unique().to_list()
        table = _facts_table(values, column, ("as_family", "as_given"), read)
        names = names.join(table, on=column, how="left", maintain_order="left")
    for column, other in (("family_name", "given_name"), ("given_name", "family_name")):
        alone = names.filter(pl.col(other).is_null())[column].drop_nulls().unique().to_list()
        table = _facts_table(alone, column, ("whole",), whole_field_facts)
        names = names.join(
            table.select(column, pl.col(f"^{column}:whole.*$")),
            on=column,
            how="left",
            maintain_order="left",
        )
        names = names.join(_other_order_table(alone, column), on=column, how="left")
    values = names["name_native"].drop_nulls().unique().to_list()
    table = _facts_table(values, "name_native", ("whole", "other"), whole_field_facts)
    return names.join(table, on="name_native", how="left", maintain_order="left")


def _other_order_table(values: list[str], column: str) -> pl.DataFrame:
    """`column:other_order.*`: a lone field's whole name read in the other order, if any."""
    rows = [
        (value, *(getattr(reading, o) for o in OUTPUTS))
        for value in values
        if (reading := other_order_reading(value)) is not None
    ]
    schema = {
        column: pl.String(),
        **{f"{column}:other_order.{o}": _output_type(o) for o in OUTPUTS},
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def _in_likelier_order(keys: pl.DataFrame, names: pl.DataFrame) -> pl.DataFrame:
    """A whole name alone in one Latin field, read in the order more records of the file share.

    Both ends of "Yun Jun Go" are surnames: Korean order (윤 + 준고) or Western
    (고 + 윤준). The reading whose family and given keys other records of the file
    have more often wins; on a tie the first reading (the commoner surname) stays.
    """
    family, given = pl.col("family_name").is_not_null(), pl.col("given_name").is_not_null()
    lone = pl.col("name_native").is_null()
    other = {
        o: pl.when(lone & family & ~given)
        .then(_col("family_name", f"other_order.{o}"))
        .when(lone & ~family & given)
        .then(_col("given_name", f"other_order.{o}"))
        for o in OUTPUTS
    }
    frame = pl.concat(
        [keys, names.select(**{f"other.{o}": e for o, e in other.items()})], how="horizontal"
    )
    counts = keys.group_by("family_key", "given_key").len()
    frame = frame.join(counts, on=["family_key", "given_key"], how="left", maintain_order="left")
    alternative = counts.rename(
        {"family_key": "other.family_key", "given_key": "other.given_key", "len": "other_len"}
    )
    frame = frame.join(
        alternative, on=["other.family_key", "other.given_key"], how="left", maintain_order="left"
    )
    likelier = pl.col("other_len").fill_null(0) > pl.col("len").fill_null(1) - 1
    use = pl.col("other.family_key").is_not_null() & likelier
    return frame.select(
        pl.when(use).then(pl.col(f"other.{o}")).otherwise(pl.col(o)).alias(o) for o in OUTPUTS
    )


def _with_missplits(names: pl.DataFrame) -> pl.DataFrame:
    """`missplit` (a whole name split in the wrong place) and its reading as `ms.*` columns."""
    candidates = names.filter(
        pl.col("family_name").str.contains(r"[\s,]") & pl.col("given_name").is_not_null()
    )
    pairs = candidates.select("family_name", "given_name").unique()
    rows = []
    for family, given in pairs.iter_rows():
        reading = missplit_reading(family, given)
        if reading is not None:
            rows.append((family, given, *(getattr(reading, o) for o in OUTPUTS)))
    schema: dict[str, pl.DataType] = {"family_name": pl.String(), "given_name": pl.String()}
    schema.update({f"ms.{o}": _output_type(o) for o in OUTPUTS})
    table = pl.DataFrame(rows, schema=schema, orient="row")
    joined = names.join(table, on=["family_name", "given_name"], how="left", maintain_order="left")
    flagged = pl.col("family_name").is_in(table["family_name"].implode())
    return joined.with_columns(
        (flagged & pl.col("ms.family_key").is_not_null()).fill_null(False).alias("missplit")
    )


def _col(column: str, fact: str) -> pl.Expr:
    return pl.col(f"{column}:{fact}")


def _swap() -> pl.Expr:
    """The given-name field holds the surname and the family field does not."""
    given_rank, family_rank = _col("given_name", "rank"), _col("family_name", "rank")
    beats = (given_rank < family_rank) & (given_rank <= _MOST_COMMON_RANK)
    return given_rank.is_not_null() & _col("given_name", "single") & (family_rank.is_null() | beats)


def _latin(output: str) -> pl.Expr:
    """One output of the Latin family/given fields, with merged and swapped fields repaired."""
    family, given = pl.col("family_name").is_not_null(), pl.col("given_name").is_not_null()
    side = "as_family" if output.startswith("family") else "as_given"
    swapped = "given_name" if side == "as_family" else "family_name"
    normal = "family_name" if side == "as_family" else "given_name"
    family_only = (
        pl.when(_col("family_name", "single"))
        .then(_col("family_name", f"as_family.{output}"))
        .otherwise(_col("family_name", f"whole.{output}"))
    )
    return (
        pl.when(pl.col("missplit"))
        .then(pl.col(f"ms.{output}"))
        .when(~family & given)
        .then(_col("given_name", f"whole.{output}"))
        .when(family & ~given)
        .then(family_only)
        .when(family & given & _swap())
        .then(_col(swapped, f"{side}.{output}"))
        .when(family & given)
        .then(_col(normal, f"{side}.{output}"))
    )


def _reading(output: str) -> pl.Expr:
    """One output of the record's reading: native script first, then the Latin fields."""
    latin = {o: _latin(o) for o in OUTPUTS}
    other = _col("name_native", "other.family_key")
    use_other = other.is_not_null() & (other == latin["family_key"])
    native = (
        pl.when(use_other)
        .then(_col("name_native", f"other.{output}"))
        .otherwise(_col("name_native", f"whole.{output}"))
    )
    no_latin = latin["family_key"].is_null() & latin["given_key"].is_null()
    if output == "family_form":  # hanja show no form; the Latin surname may, if it is the same
        native_family = _col("name_native", "whole.family_key")
        same = native_family.is_null() | (native_family == latin["family_key"])
        latin[output] = pl.when(same).then(latin[output])
    return (
        pl.when(_col("name_native", "native"))
        .then(pl.coalesce(native, latin[output]))
        .when(pl.col("name_native").is_not_null() & no_latin)
        .then(_col("name_native", f"whole.{output}"))
        .otherwise(latin[output])
        .alias(output)
    )


def name_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """`family_key`, `given_key`, `given_hangul`, `given_readings` per record (rows in order)."""
    cleaned = frame.select(_clean_text(c).alias(c) for c in NAME_COLUMNS)
    names = _with_missplits(_with_facts(cleaned))
    return _in_likelier_order(names.select(_reading(o) for o in OUTPUTS), names)


def _clean_text(column: str) -> pl.Expr:
    """Stripped text with empty strings as null."""
    text = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text)


def _passport() -> pl.Expr:
    """Passport number in capitals without spaces, hyphens or dots."""
    cleaned = pl.col("passport_no").cast(pl.String).str.to_uppercase()
    cleaned = cleaned.str.replace_all(r"[^0-9A-Z]", "")
    return pl.when(cleaned == "").then(None).otherwise(cleaned).alias("passport")


def _sex() -> pl.Expr:
    """M, F or null."""
    sex = pl.col("sex").cast(pl.String).str.strip_chars().str.to_uppercase().str.slice(0, 1)
    return pl.when(sex.is_in(["M", "F"])).then(sex).otherwise(None).alias("sex")


# A register that knows only the year writes 1 January (or 00 for the day or month);
# one that knows nothing writes 1900-01-01. Neither is a date to compare day by day.
_YEAR_ONLY = r"^\d{4}-(01-01|00-\d\d|\d\d-00)$"
_UNKNOWN_BEFORE = "1901"


def _dates(column: str = "date_of_birth") -> list[pl.Expr]:
    """`dob` (a full date, null for a placeholder), `birth_year` (null if unknown) and parts."""
    written = _clean_text(column)
    year = written.str.slice(0, 4)
    known_year = written.str.contains(r"^\d{4}-") & (year >= _UNKNOWN_BEFORE)
    full = known_year & ~written.str.contains(_YEAR_ONLY)
    dob = pl.when(full).then(written)
    return [
        dob.alias("dob"),
        dob.str.to_date("%Y-%m-%d", strict=False).is_not_null().alias("dob_exists"),
        pl.when(known_year).then(year).alias("birth_year"),
        dob.str.slice(5, 5).alias("birth_month_day"),
    ]


# A record without a birth year is compared only with records of a name this rare: on a
# commoner name, names alone are never evidence enough, and the pairs would fill memory.
RARE_NAME_RECORDS = 30


def _rare_name() -> pl.Expr:
    """True if at most RARE_NAME_RECORDS records share the family and given keys."""
    count = pl.len().over("family_key", "given_key")
    return (count <= RARE_NAME_RECORDS).alias("rare_name")


def build_features(records: pl.DataFrame) -> pl.DataFrame:
    """Model input: `unique_id` (row number) and the normalised comparison columns."""
    frame = records.select(pl.col(c).cast(pl.String) for c in LINK_INPUT_COLUMNS)
    features = pl.concat(
        [
            frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("unique_id")),
            name_keys(frame),
            frame.select(*_dates(), _sex(), _passport()),
        ],
        how="horizontal",
    )
    # the engines compare text: Spark reads no Arrow dictionaries
    return features.with_columns(_rare_name(), pl.col("family_form").cast(pl.String))
