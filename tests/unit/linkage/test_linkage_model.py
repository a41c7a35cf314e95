"""The comparison levels of the Splink model, scored pair by pair with the prior parameters."""

from __future__ import annotations

from typing import Any

import polars as pl
import pytest
from splink import Linker

from muster.linkage import model
from muster.linkage.engines import database_api, register_table
from muster.linkage.features import LINK_INPUT_COLUMNS, build_features

Record = tuple[str, str, str, str, str, str]  # family, given, native, birth date, sex, passport


def _frame(*records: Record) -> pl.DataFrame:
    rows = [(str(i), *(value or None for value in r)) for i, r in enumerate(records)]
    return pl.DataFrame(rows, schema=list(LINK_INPUT_COLUMNS), orient="row")


@pytest.fixture(scope="module")
def score() -> Any:
    """Score two records with the untrained model: (match weight, {comparison: level label})."""
    features = build_features(_frame(("Kim", "Chol Su", "", "1985-03-12", "M", "")))
    table = register_table(database_api("duckdb"), features.to_arrow(), "model_levels")
    linker = Linker(table, model.settings(term_frequencies=False), log_level=None)
    levels = {c.output_column_name: c.comparison_levels for c in linker._settings_obj.comparisons}

    def run(left: Record, right: Record) -> tuple[float, dict[str, str]]:
        rows = build_features(_frame(left, right)).to_dicts()
        frame = pl.from_arrow(linker.inference.score_pair(rows[0], rows[1]).as_pyarrow_table())
        assert isinstance(frame, pl.DataFrame)
        row = frame.row(0, named=True)
        labels = {}
        for name, comparison_levels in levels.items():
            gamma = row[f"gamma_{name}"]
            labels[name] = next(
                level.label_for_charts
                for level in comparison_levels
                if level.comparison_vector_value == gamma
            )
        return float(row["match_weight"]), labels

    return run


BASE: Record = ("Kim", "Tae Ho", "", "1979-03-08", "M", "")


def test_one_digit_from_a_date_that_cannot_exist_is_a_slip(score: Any) -> None:
    impossible, labels = score(BASE, ("Kim", "Tae-ho", "", "1979-13-08", "M", ""))
    assert labels["date_of_birth"] == "one digit off, no such day"
    plausible, labels = score(BASE, ("Kim", "Tae-ho", "", "1979-04-08", "M", ""))
    assert labels["date_of_birth"] == "one digit off"
    assert impossible > plausible + 5


def test_names_swapped_between_the_fields_are_recognised(score: Any) -> None:
    cho_ok: Record = ("Cho", "Ok", "", "1970-05-05", "F", "")
    swapped, labels = score(cho_ok, ("Ok", "Cho", "", "", "F", ""))
    assert labels["family_name"] == "swapped with the given name"
    different, _ = score(cho_ok, ("Han", "Mi", "", "", "F", ""))
    assert swapped > different + 15


def test_two_letters_swapped_in_a_given_name_is_a_slip(score: Any) -> None:
    cholsu: Record = ("Kim", "Cholsu", "", "1979-03-08", "M", "")
    transposed, labels = score(cholsu, ("Kim", "Cholus", "", "1979-03-08", "M", ""))
    assert labels["given_name"] == "two letters swapped"
    other, labels = score(cholsu, ("Kim", "Min Su", "", "1979-03-08", "M", ""))
    assert labels["given_name"] == "All other comparisons"
    assert transposed > other + 10


def test_other_hangul_outweighs_a_shared_key(score: Any) -> None:
    twins, labels = score(
        ("", "", "정영서", "1997-05-13", "M", ""), ("", "", "정영수", "1997-05-13", "M", "")
    )
    assert labels["given_name"] == "other Hangul"
    same, labels = score(
        ("", "", "정영서", "1997-05-13", "M", ""), ("Jeong", "Yeong-seo", "", "1997-05-13", "M", "")
    )
    assert labels["given_name"] in {"same Hangul", "Exact match on given_key"}
    assert same > twins + 20


def test_hangul_that_the_latin_spelling_cannot_be_counts_against(score: Any) -> None:
    spelled: Record = ("Kim", "Yeong-su", "", "1990-02-02", "M", "")  # eo: 영, never 용
    other, labels = score(("", "", "김용수", "1990-02-02", "M", ""), spelled)
    assert labels["given_name"] == "Hangul the spelling cannot be"
    same, labels = score(("", "", "김영수", "1990-02-02", "M", ""), spelled)
    assert labels["given_name"] == "Exact match on given_key"
    assert same > other + 5


def test_a_shared_passport_outweighs_other_scripts_and_a_placeholder(score: Any) -> None:
    latin: Record = ("Seo", "Kyongho", "", "1972-03-14", "M", "512307746")
    shared, labels = score(latin, ("", "", "서경호", "1972-01-01", "M", "512307746"))
    assert labels["passport_no"] == "Exact match on passport"
    assert labels["date_of_birth"] == "same year, day unknown"
    absent, labels = score(latin, ("", "", "서경호", "1972-01-01", "M", ""))
    assert labels["passport_no"] == "passport is NULL"
    assert shared > absent + 20


def test_a_passport_one_digit_apart_counts_for(score: Any) -> None:
    latin: Record = ("Seo", "Kyongho", "", "1972-03-14", "M", "512307746")
    typo, labels = score(latin, ("Seo", "Kyong-ho", "", "", "M", "512307747"))
    assert labels["passport_no"] == "one slip apart"
    swapped, labels = score(latin, ("Seo", "Kyong-ho", "", "", "M", "513207746"))
    assert labels["passport_no"] == "one slip apart"
    absent, _ = score(latin, ("Seo", "Kyong-ho", "", "", "M", ""))
    assert typo > absent + 15
    assert swapped == pytest.approx(typo)


def test_another_passport_is_weak_evidence_against(score: Any) -> None:
    latin: Record = ("Seo", "Kyongho", "", "1972-03-14", "M", "512307746")
    renewed, labels = score(latin, ("Seo", "Kyong-ho", "", "1972-03-14", "M", "M44455566"))
    assert labels["passport_no"] == "All other comparisons"
    absent, _ = score(latin, ("Seo", "Kyong-ho", "", "1972-03-14", "M", ""))
    assert absent - 5 < renewed < absent


def test_a_placeholder_in_the_same_year_is_weak_evidence(score: Any) -> None:
    ra: Record = ("Ra", "Mi-ran", "", "1994-06-17", "F", "")
    na, labels = score(ra, ("Na", "Mi-ran", "", "1994-01-01", "F", ""))
    assert labels["date_of_birth"] == "same year, day unknown"
    exact, _ = score(ra, ("Na", "Mi-ran", "", "1994-06-17", "F", ""))
    unknown, labels = score(ra, ("Na", "Mi-ran", "", "1900-01-01", "F", ""))
    assert labels["date_of_birth"] == "no year"
    other_year, _ = score(ra, ("Na", "Mi-ran", "", "1993-01-01", "F", ""))
    assert exact > na + 8
    assert unknown < na < unknown + 4
    assert other_year < unknown - 5


def test_a_placeholder_is_never_one_digit_off(score: Any) -> None:
    _, labels = score(BASE, ("Kim", "Tae-ho", "", "1979-01-08", "M", ""))
    assert labels["date_of_birth"] == "one digit off"
    _, labels = score(BASE, ("Kim", "Tae-ho", "", "1979-01-01", "M", ""))
    assert labels["date_of_birth"] == "same year, day unknown"


def test_a_saved_model_is_rebuilt_for_another_sql_dialect() -> None:
    saved = model.settings(term_frequencies=True).get_settings("duckdb").as_dict()
    saved["comparisons"][0]["comparison_levels"][2]["m_probability"] = 0.777
    saved["probability_two_random_records_match"] = 0.001
    spark = model.for_dialect(saved, "spark")
    level = spark["comparisons"][0]["comparison_levels"][2]
    assert level["sql_condition"] == "`family_key_l` = `family_key_r`"
    assert level["m_probability"] == 0.777
    assert spark["probability_two_random_records_match"] == 0.001
    assert model.for_dialect(saved, "duckdb") is saved


def test_a_surname_in_its_other_reading_is_its_own_level(score: Any) -> None:
    ra: Record = ("Ra", "Mi-ran", "", "1994-06-17", "F", "")
    _, labels = score(ra, ("Na", "Mi-ran", "", "1994-06-17", "F", ""))
    assert labels["family_name"] == "same surname, other reading"
    _, labels = score(ra, ("", "", "羅美蘭", "1994-06-17", "F", ""))  # hanja show no reading
    assert labels["family_name"] == "Exact match on family_key"
    _, labels = score(("", "", "리 명철", "", "M", ""), ("Lee", "Myong-chol", "", "", "M", ""))
    assert labels["family_name"] == "Exact match on family_key"  # Lee is written either way
