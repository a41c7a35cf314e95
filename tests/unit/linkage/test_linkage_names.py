"""Whole-record name normalisation: scripts, swapped fields, whole name in one field."""

from __future__ import annotations

import polars as pl
import pytest

from muster.linkage import normalise_name
from muster.linkage.features import build_features
from muster.linkage.names import split_native

KIM_CHOLSU = [
    ("Kim", "Chol Su", ""),  # North Korean style
    ("Kim", "Ch'ŏl-su", ""),  # McCune–Reischauer
    ("Gim", "Cheol-su", ""),  # Revised Romanization
    ("Kim", "Chul Soo", ""),  # customary
    ("KIM", "CHOLSU", ""),  # passport capitals
    ("", "", "김철수"),  # Hangul
    ("", "", "김 철수"),  # Hangul with a space
    ("", "", "金哲洙"),  # hanja
    ("Chol Su", "Kim", ""),  # swapped fields
    ("", "Kim Chol Su", ""),  # whole name in the given-name field
    ("KIM CHOL SU", "", ""),  # whole name in the family-name field
    ("", "Chol Su Kim", ""),  # Western order in one field
    ("Kim, Chol Su", "", ""),  # "Family, Given"
    ("", "", "Kim Chol Su"),  # Latin in the native column
]


@pytest.mark.parametrize(("family", "given", "native"), KIM_CHOLSU)
def test_every_form_of_kim_cholsu_has_the_same_keys(family: str, given: str, native: str) -> None:
    name = normalise_name(family, given, native)
    assert (name.family_key, name.given_key) == ("KIM", "COLSO")


def test_native_script_gives_hangul_in_the_south_reading() -> None:
    name = normalise_name("Ri", "Yong Hui", "리영희")
    assert (name.family_hangul, name.given_hangul) == ("이", "영희")
    assert normalise_name("", "", "李英姬").given_hangul == "영희"


def test_repairs_are_reported() -> None:
    assert normalise_name("Chol Su", "Kim", "").swapped
    assert normalise_name("", "Kim Chol Su", "").merged
    plain = normalise_name("Kim", "Chol Su", "")
    assert not plain.swapped and not plain.merged


def test_given_name_that_is_also_a_surname_is_not_swapped_into_a_rarer_one() -> None:
    name = normalise_name("Lee", "Jung", "")  # 이정: 정 is a surname and a given name
    assert (name.family_key, name.given_key) == ("I", "COG")


@pytest.mark.parametrize(
    ("whole", "keys"),
    [
        ("Kim Min Sang", ("KIM", "MINSAG")),
        ("Min Sang Kim", ("KIM", "MINSAG")),  # 민 is a surname too, but a rarer one
        ("Lee Jung Jin", ("I", "COGCIN")),
        ("Jung Jin Lee", ("I", "COGCIN")),
        ("Chol Su Kim", ("KIM", "COLSO")),  # 수 is no surname
    ],
)
def test_whole_name_order_is_told_by_the_more_common_surname(
    whole: str, keys: tuple[str, str]
) -> None:
    name = normalise_name(whole, "", "")
    assert (name.family_key, name.given_key) == keys


def test_two_syllable_surnames() -> None:
    assert split_native("남궁민") == ("남궁", "민")
    assert split_native("南宮民") == ("남궁", "민")
    assert split_native("선우진") == ("선", "우진")  # ambiguous: one syllable by default
    assert split_native("선우진", "Sunwoo") == ("선우", "진")  # the Latin surname settles it
    assert split_native("Kim") is None


def test_empty_record_has_no_keys() -> None:
    name = normalise_name("", "", "")
    assert (name.family_key, name.given_key) == (None, None)


def test_vectorised_features_agree_with_normalise_name() -> None:
    rows = [*KIM_CHOLSU, ("Lee", "Jung", ""), ("", "", "南宮民"), ("Sunwoo", "Jin", "선우진")]
    rows += [("Ri", "Yong Hui", "리영희"), ("Jung", "Lee", ""), ("", "김철수", ""), ("Kim", "", "")]
    frame = pl.DataFrame(
        {
            "record_id": [str(i) for i in range(len(rows))],
            "family_name": [r[0] or None for r in rows],
            "given_name": [r[1] or None for r in rows],
            "name_native": [r[2] or None for r in rows],
            "date_of_birth": ["1985-03-12"] * len(rows),
            "sex": ["M"] * len(rows),
            "passport_no": [None] * len(rows),
        }
    )
    features = build_features(frame)
    for row, feature in zip(rows, features.iter_rows(named=True), strict=True):
        name = normalise_name(*row)
        expected = (name.family_key, name.given_key, name.given_hangul)
        assert (feature["family_key"], feature["given_key"], feature["given_hangul"]) == expected


def test_features_clean_dates_sex_and_passports() -> None:
    frame = pl.DataFrame(
        {
            "record_id": ["1", "2"],
            "family_name": ["Kim", None],
            "given_name": ["Chol Su", None],
            "name_native": [None, "김철수"],
            "date_of_birth": [" 1985-03-12 ", ""],
            "sex": ["m", "X"],
            "passport_no": ["g 1234-567", "  "],
        }
    )
    features = build_features(frame)
    assert features["dob"].to_list() == ["1985-03-12", None]
    assert features["birth_month_day"].to_list() == ["03-12", None]
    assert features["sex"].to_list() == ["M", None]
    assert features["passport"].to_list() == ["G1234567", None]
