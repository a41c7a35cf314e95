"""Link input records (SPEC §5) -> the normalised columns the Splink model compares."""

from __future__ import annotations

import polars as pl

from muster.linkage.fields import FieldFacts, Reading, field_facts, native_field_facts

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
OUTPUTS = ("family_key", "given_key", "given_hangul")
READINGS = ("as_family", "as_given", "whole", "other")
_MOST_COMMON_RANK = 4


def _facts_row(facts: FieldFacts) -> dict[str, object]:
    """One field value's facts as flat columns."""
    row: dict[str, object] = {"rank": facts.rank, "single": facts.single, "native": facts.native}
    for name in READINGS:
        reading: Reading = getattr(facts, name) or Reading()
        for output in OUTPUTS:
            row[f"{name}.{output}"] = getattr(reading, output)
    return row


def _facts_table(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """Facts of every distinct value of a name column, columns prefixed by its name."""
    values = frame[column].drop_nulls().unique().to_list()
    schema: dict[str, pl.DataType] = {"rank": pl.Int64(), "single": pl.Boolean()}
    schema["native"] = pl.Boolean()
    schema.update({f"{r}.{o}": pl.String() for r in READINGS for o in OUTPUTS})
    facts = native_field_facts if column == "name_native" else field_facts
    table = pl.DataFrame([_facts_row(facts(v)) for v in values], schema=schema)
    table = table.with_columns(pl.Series(column, values, dtype=pl.String))
    return table.rename({c: f"{column}:{c}" for c in table.columns if c != column})


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
    family_only = pl.when(_col("family_name", "single"))
    family_only = family_only.then(_col("family_name", f"as_family.{output}"))
    return (
        pl.when(~family & given)
        .then(_col("given_name", f"whole.{output}"))
        .when(family & ~given)
        .then(family_only.otherwise(_col("family_name", f"whole.{output}")))
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
    native = pl.when(use_other).then(_col("name_native", f"other.{output}"))
    native = native.otherwise(_col("name_native", f"whole.{output}"))
    no_latin = latin["family_key"].is_null() & latin["given_key"].is_null()
    return (
        pl.when(_col("name_native", "native"))
        .then(pl.coalesce(native, latin[output]))
        .when(pl.col("name_native").is_not_null() & no_latin)
        .then(_col("name_native", f"whole.{output}"))
        .otherwise(latin[output])
        .alias(output)
    )


def name_keys(frame: pl.DataFrame) -> pl.DataFrame:
    """`family_key`, `given_key`, `given_hangul` per record (same rows, same order)."""
    names = frame.select(_clean_text(c).alias(c) for c in NAME_COLUMNS)
    for column in NAME_COLUMNS:
        facts = _facts_table(names, column)
        names = names.join(facts, on=column, how="left", maintain_order="left")
    return names.select(_reading(o) for o in OUTPUTS)


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


def build_features(records: pl.DataFrame) -> pl.DataFrame:
    """Model input: `unique_id` (row number) and the normalised comparison columns."""
    frame = records.select(pl.col(c).cast(pl.String) for c in LINK_INPUT_COLUMNS)
    dob = _clean_text("date_of_birth")
    return pl.concat(
        [
            frame.select(pl.int_range(pl.len(), dtype=pl.Int64).alias("unique_id")),
            name_keys(frame),
            frame.select(
                dob.alias("dob"),
                dob.str.slice(0, 4).alias("birth_year"),
                dob.str.slice(5, 5).alias("birth_month_day"),
                _sex(),
                _passport(),
            ),
        ],
        how="horizontal",
    )
