"""The Splink model: comparisons on normalised names, birth date, passport and sex.

Every level starts from a prior m/u (so a file too small to train on still
links sensibly); on larger files u is estimated by random sampling and m by
expectation maximisation, with no labels.
"""

from __future__ import annotations

import logging
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

MIN_RECORDS_TO_TRAIN = 2_000
U_SAMPLE_PAIRS = 2e6
EM_MAX_PAIRS = 5e5
SEED = 20_210_724

_DOB_SWAPPED = (
    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) "
    "AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
    "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
)
# Two of year, month and day agree: plain equality every engine runs fast, checked before
# the edit distance (DuckDB's is slow on millions of pairs) so that few pairs reach it.
_DOB_TWO_OF_THREE = (
    "(birth_year_l = birth_year_r AND substr(dob_l, 6, 2) = substr(dob_r, 6, 2)) "
    "OR (birth_year_l = birth_year_r AND substr(dob_l, 9, 2) = substr(dob_r, 9, 2)) "
    "OR birth_month_day_l = birth_month_day_r"
)


def _prior(level: Any, m: float, u: float) -> Any:
    """A comparison level with its prior m and u probabilities."""
    return level.configure(m_probability=m, u_probability=u)


def _exact(column: str, term_frequencies: bool) -> Any:
    """Exact match, adjusted for how common the value is when asked."""
    return cll.ExactMatchLevel(column, term_frequency_adjustments=term_frequencies)


# The same two name parts in the other fields: a family/given swap the reading could not
# repair. Comparison levels name the sides with suffixes, blocking rules with prefixes.
_NAMES_SWAPPED = "family_key_l = given_key_r AND given_key_l = family_key_r"
_NAMES_SWAPPED_BLOCK = "l.family_key = r.given_key AND l.given_key = r.family_key"


# The same surname only through the initial-sound law: one record writes its North reading
# (라, 리, Ra, Ri), the other its South one (나, 이, Na, Yi). The same person in a North and
# a South register, or two families: since 2007 the South registers 라 and 나 alike.
_OTHER_READING = "family_key_l = family_key_r AND family_form_l <> family_form_r"


def family_comparison(term_frequencies: bool = True) -> cl.CustomComparison:
    """Surname key: other reading, exact (term-frequency adjusted), swapped, close, different.

    A surname equal only in its other reading (라 / 나) is its own level, so that
    the data weigh it; it carries no term-frequency adjustment.
    """
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family_key"),
            _prior(cll.CustomLevel(_OTHER_READING, "same surname, other reading"), 0.05, 0.005),
            _prior(_exact("family_key", term_frequencies), 0.92, 0.05),
            _prior(cll.CustomLevel(_NAMES_SWAPPED, "swapped with the given name"), 0.01, 1e-7),
            _prior(cll.JaroWinklerLevel("family_key", 0.85), 0.04, 0.03),
            _prior(cll.ElseLevel(), 0.04, 0.92),
        ],
    )


# The same key, but one side has the given name in Hangul, the other only in Latin letters,
# and that Hangul is none of the spelling's readings (용수 against "Yeong-su", key YOGSO).
_NOT_A_READING = (
    "given_key_l = given_key_r AND ("
    + " OR ".join(
        f"(given_hangul_{a} IS NOT NULL AND given_hangul_{b} IS NULL "
        f"AND instr(given_readings_{b}, '|' || given_hangul_{a} || '|') = 0)"
        for a, b in (("l", "r"), ("r", "l"))
    )
    + ")"
)


def given_comparison(term_frequencies: bool = True) -> cl.CustomComparison:
    """Given name: same Hangul, different Hangul, same key, swapped letters, one slip, different.

    Agreement is weighed by how common the name is (the Hangul and the key alike).

    The low prior m of "different" encodes that a person's given name does not
    change between lists: twins share surname and birth date, not the given name.
    """
    # Two neighbouring letters swapped is a slip of the keyboard, not another name.
    transposed = cll.And(
        cll.DamerauLevenshteinLevel("given_key", 1), cll.Not(cll.LevenshteinLevel("given_key", 1))
    )
    close = cll.Or(
        cll.And(cll.JaroWinklerLevel("given_key", 0.8), cll.LevenshteinLevel("given_key", 1)),
        cll.JaroWinklerLevel("given_key", 0.94),
    )
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given_key"),
            _prior(_exact("given_hangul", term_frequencies), 0.45, 4e-4).configure(
                label_for_charts="same Hangul"
            ),
            _prior(cll.CustomLevel("given_hangul_l <> given_hangul_r", "other Hangul"), 1e-4, 0.9),
            _prior(cll.CustomLevel(_NOT_A_READING, "Hangul the spelling cannot be"), 0.01, 0.3),
            _prior(_exact("given_key", term_frequencies), 0.42, 0.001),
            _prior(transposed.configure(label_for_charts="two letters swapped"), 0.02, 1e-4),
            _prior(close.configure(label_for_charts="one slip apart"), 0.07, 0.005),
            _prior(cll.ElseLevel(), 1e-4, 0.99),
        ],
    )


# Only a year on one side (or both): a register that did not know the day wrote 1 January.
_NO_YEAR = "birth_year_l IS NULL OR birth_year_r IS NULL"
_SAME_YEAR_ONLY = "birth_year_l = birth_year_r AND (dob_l IS NULL OR dob_r IS NULL)"


def dob_comparison() -> cl.CustomComparison:
    """Date of birth: exact, day and month swapped, one digit off, year only, different.

    One digit off is split three ways: from a date that cannot exist (a typing
    slip for certain), in the year, in the month or day; they are not equally
    common between two random people. A placeholder (1 January, 1900-01-01) is
    a year or nothing, never a date that conflicts with the real one; the same
    year is weak evidence, because namesakes born in one year are common.
    """
    one_digit = cll.And(cll.CustomLevel(_DOB_TWO_OF_THREE), cll.LevenshteinLevel("dob", 1))
    # A date that does not exist (1985-17-03) is a typing slip, so one digit from it is telling.
    impossible = cll.And(
        cll.CustomLevel("NOT (dob_exists_l AND dob_exists_r)"), cll.LevenshteinLevel("dob", 1)
    )
    year_digit = cll.And(
        cll.CustomLevel("birth_month_day_l = birth_month_day_r"), cll.LevenshteinLevel("dob", 1)
    )
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.CustomLevel(_NO_YEAR, "no year").configure(is_null_level=True),
            _prior(cll.ExactMatchLevel("dob"), 0.86, 6e-5),
            _prior(cll.CustomLevel(_DOB_SWAPPED, "day and month swapped"), 0.03, 1e-5),
            _prior(impossible.configure(label_for_charts="one digit off, no such day"), 0.01, 1e-6),
            _prior(year_digit.configure(label_for_charts="one digit off in the year"), 0.03, 3e-4),
            _prior(one_digit.configure(label_for_charts="one digit off"), 0.03, 2e-4),
            _prior(cll.CustomLevel(_SAME_YEAR_ONLY, "same year, day unknown"), 0.2, 0.02),
            _prior(cll.ElseLevel(), 5e-4, 0.999),
        ],
    )


def passport_comparison() -> cl.CustomComparison:
    """Passport number: exact, one slip (a character or two neighbours swapped), different.

    The same number is near-conclusive (u is fixed: random sampling rarely sees
    a shared number, and EM would let names outvote it); a different one is
    weak evidence against, because people renew passports.
    """
    same = cll.ExactMatchLevel("passport").configure(
        m_probability=0.85, u_probability=1e-7, fix_u_probability=True
    )
    return cl.CustomComparison(
        output_column_name="passport_no",
        comparison_levels=[
            cll.NullLevel("passport"),
            same,
            _prior(cll.DamerauLevenshteinLevel("passport", 1), 0.08, 1e-6).configure(
                fix_u_probability=True, label_for_charts="one slip apart"
            ),
            _prior(cll.ElseLevel(), 0.07, 0.999),
        ],
    )


def sex_comparison() -> cl.CustomComparison:
    """Sex: same or different."""
    return cl.CustomComparison(
        output_column_name="sex",
        comparison_levels=[
            cll.NullLevel("sex"),
            _prior(cll.ExactMatchLevel("sex"), 0.98, 0.5),
            _prior(cll.ElseLevel(), 0.02, 0.5),
        ],
    )


_SAME_NAME = "l.family_key = r.family_key AND l.given_key = r.given_key"


def prediction_blocking_rules() -> list[Any]:
    """Candidate pairs: each rule tolerates an error in the fields it does not use."""
    return [
        block_on("family_key", "dob"),
        block_on("given_key", "dob"),
        block_on("passport"),
        block_on("family_key", "given_key", "birth_year"),
        block_on("family_key", "given_key", "birth_month_day"),
        _NAMES_SWAPPED_BLOCK,
        # A record without a birth year meets the records of the same name if that name
        # is rare (features.RARE_NAME_RECORDS); only then can names alone link it.
        f"{_SAME_NAME} AND l.rare_name AND l.birth_year IS NULL",
        f"{_SAME_NAME} AND l.rare_name AND r.birth_year IS NULL",
    ]


def settings(term_frequencies: bool = True) -> SettingsCreator:
    """The untrained model with its prior parameters.

    Term-frequency adjustments need a file large enough that a name's frequency
    is not just how often one person is listed; small files go without.
    """
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            family_comparison(term_frequencies),
            given_comparison(term_frequencies),
            dob_comparison(),
            passport_comparison(),
            sex_comparison(),
        ],
        blocking_rules_to_generate_predictions=prediction_blocking_rules(),
        probability_two_random_records_match=0.0001,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )


def estimate_prior_match_rate(linker: Linker, record_count: int) -> None:
    """Probability that two random records match, from near-certain deterministic rules."""
    rules: list[Any] = [block_on("family_key", "given_key", "dob"), block_on("passport", "dob")]
    try:
        linker.training.estimate_probability_two_random_records_match(rules, recall=0.8)
    except ValueError:  # more exact matches than the recall allows: a file of duplicates
        logging.getLogger(__name__).info("deterministic rules over-matched; rate clamped")
    model = linker._settings_obj
    pairs = max(record_count * (record_count - 1) / 2, 1.0)
    rate = model._probability_two_random_records_match
    model._probability_two_random_records_match = min(max(rate, 1 / pairs), 0.5)


def train(linker: Linker, record_count: int) -> None:
    """Estimate parameters from the data: u by random sampling, m by EM (no labels).

    A file of one record (or none) has no pair to learn from: the priors stay.
    """
    if record_count < 2:
        return
    estimate_prior_match_rate(linker, record_count)
    if record_count < MIN_RECORDS_TO_TRAIN:
        return
    training = linker.training
    training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=SEED)
    for rule in (block_on("dob"), block_on("family_key", "given_key")):
        training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )


def uses_term_frequencies(saved: dict[str, Any]) -> bool:
    """True if any level of a saved model adjusts for term frequencies."""
    return any(
        level.get("tf_adjustment_column")
        for comparison in saved["comparisons"]
        for level in comparison["comparison_levels"]
    )


def for_dialect(saved: dict[str, Any], dialect: str) -> dict[str, Any]:
    """A saved model's parameters on this model's levels written in another SQL dialect.

    Splink keeps the SQL of a saved model as written: DuckDB's double quotes are
    string literals to Spark. So the levels are rebuilt for the dialect and the
    trained m and u probabilities copied over, level by level.
    """
    if saved.get("sql_dialect") == dialect:
        return saved
    fresh = settings(uses_term_frequencies(saved)).get_settings(dialect).as_dict()  # type: ignore[no-untyped-call]
    pairs = zip(fresh["comparisons"], saved["comparisons"], strict=True)
    for new, old in pairs:
        if new["output_column_name"] != old["output_column_name"]:
            raise ValueError(f"saved model compares {old['output_column_name']}, not this model")
        for level, trained in zip(new["comparison_levels"], old["comparison_levels"], strict=True):
            for key in ("m_probability", "u_probability", "tf_minimum_u_value"):
                if key in trained:
                    level[key] = trained[key]
    fresh["probability_two_random_records_match"] = saved["probability_two_random_records_match"]
    return dict(fresh)
