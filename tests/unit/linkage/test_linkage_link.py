"""`link_records` on hand-written cases: spelling systems, namesakes, twins, decisions."""

from __future__ import annotations

import polars as pl
import pytest

from muster.linkage import LinkResult, ReviewDecision, link_records

from .cases import cases_frame, groups_of, true_groups


@pytest.fixture(scope="module")
def result() -> LinkResult:
    return link_records(cases_frame().drop("person"))


def test_every_spelling_system_clusters_to_its_person(result: LinkResult) -> None:
    assert groups_of(result.clusters) == true_groups()


def test_one_output_row_per_input_record_in_order(result: LinkResult) -> None:
    assert result.clusters["record_id"].to_list() == cases_frame()["record_id"].to_list()
    assert result.clusters.columns == ["record_id", "cluster_id"]


def test_cluster_is_named_by_its_smallest_record_id(result: LinkResult) -> None:
    clusters = dict(result.clusters.iter_rows())
    assert clusters["a6"] == "a1"
    assert clusters["b4"] == "b1"


def test_namesakes_with_other_birth_dates_stay_apart(result: LinkResult) -> None:
    clusters = dict(result.clusters.iter_rows())
    assert clusters["n1"] == clusters["n2"]
    assert len({clusters["n1"], clusters["n3"], clusters["n4"]}) == 3


def test_twins_stay_apart(result: LinkResult) -> None:
    clusters = dict(result.clusters.iter_rows())
    assert clusters["t1"] == clusters["t2"]
    assert clusters["t1"] != clusters["t3"]
    assert clusters["t4"] != clusters["t5"]
    assert clusters["t6"] != clusters["t7"]


def test_model_is_returned_as_splink_settings(result: LinkResult) -> None:
    settings = result.settings
    names = [c["output_column_name"] for c in settings["comparisons"]]
    assert names == ["family_name", "given_name", "date_of_birth", "passport_no", "sex"]
    assert 0 < settings["probability_two_random_records_match"] < 1
    assert not result.trained  # too few records to train on: the priors are used


def test_saved_model_can_be_reused(result: LinkResult) -> None:
    again = link_records(cases_frame().drop("person"), settings=result.settings)
    assert groups_of(again.clusters) == true_groups()


def test_review_pairs_are_grey_zone_pairs_by_record_id(result: LinkResult) -> None:
    pairs = result.review_pairs
    assert pairs.columns == [
        "record_id_l",
        "record_id_r",
        "evidence_bits",
        "match_probability",
        "match_weight",
        "priority",
    ]
    assert pairs["evidence_bits"].is_between(10, 20, "left").all()
    ids = set(cases_frame()["record_id"].to_list())
    assert set(pairs["record_id_l"].to_list()) | set(pairs["record_id_r"].to_list()) <= ids


def test_reviewer_decisions_are_applied() -> None:
    decisions = [
        ReviewDecision("t1", "t3", same=True),  # the reviewer says the twins are one person
        ReviewDecision("a1", "a5", same=False),  # and splits a5 from Kim Chol Su
        ReviewDecision("zz", "a1", same=True),  # unknown record ids are skipped, with a note
    ]
    result = link_records(cases_frame().drop("person"), decisions=decisions)
    clusters = dict(result.clusters.iter_rows())
    assert clusters["t1"] == clusters["t3"]
    assert clusters["a1"] != clusters["a5"]
    assert result.notes == ["decision on zz/a1 skipped"]


def test_records_need_unique_ids() -> None:
    frame = cases_frame().drop("person").with_columns(pl.lit("x").alias("record_id"))
    with pytest.raises(ValueError, match="unique"):
        link_records(frame)


def test_record_without_birth_date_is_compared_with_its_namesakes() -> None:
    frame = pl.DataFrame(
        {
            "record_id": ["d1", "d2"],
            "family_name": ["Kim", "Gim"],
            "given_name": ["Chol Su", "Cheol-su"],
            "name_native": ["김철수", None],
            "date_of_birth": ["1970-03-04", None],
            "sex": ["M", "M"],
            "passport_no": [None, None],
        }
    )
    result = link_records(frame)
    assert result.scored_pairs == 1  # no birth date, no passport: met on the name alone


def test_two_hangul_given_names_that_differ_are_never_chained_into_one_person() -> None:
    frame = pl.DataFrame(
        {
            "record_id": ["y1", "y2", "y3"],
            "family_name": [None, "Kim", None],
            "given_name": [None, "Yong Su", None],  # North Korean style: 영수 or 용수
            "name_native": ["김영수", None, "김용수"],  # twins
            "date_of_birth": ["2001-06-06"] * 3,
            "sex": ["M"] * 3,
            "passport_no": [None] * 3,
        }
    )
    clusters = dict(link_records(frame).clusters.iter_rows())
    assert clusters["y1"] != clusters["y3"]
    assert clusters["y2"] in {clusters["y1"], clusters["y3"]}


@pytest.mark.parametrize("count", [0, 1])
def test_a_file_of_one_record_or_none_is_linked_without_training(count: int) -> None:
    frame = cases_frame().drop("person").head(count)
    result = link_records(frame)
    assert result.clusters["record_id"].to_list() == frame["record_id"].to_list()
    assert result.clusters["cluster_id"].to_list() == frame["record_id"].to_list()
    assert result.review_pairs.is_empty()


def _whole_name_bits(names: list[tuple[str, str]], pairs: list[tuple[int, int]]) -> list[float]:
    """Whole-name bits of pairs of records that are only a Hangul name each."""
    from muster.linkage.features import LINK_INPUT_COLUMNS, build_features
    from muster.linkage.link import _whole_name_bits

    rows = [(str(i), None, None, f + g, None, None, None) for i, (f, g) in enumerate(names)]
    features = build_features(pl.DataFrame(rows, schema=list(LINK_INPUT_COLUMNS), orient="row"))
    frame = pl.DataFrame(pairs, schema=["unique_id_l", "unique_id_r"], orient="row")
    bits: list[float] = _whole_name_bits(features, frame).tolist()
    return bits


def test_a_whole_name_rarer_than_its_halves_counts_for_more() -> None:
    kim_sujin, kim_yeongho, pak_sujin, pak_yeongho = (
        ("김", "수진"),
        ("김", "영호"),
        ("박", "수진"),
        ("박", "영호"),
    )
    # each half is half the file, each whole name a quarter: as the halves predict
    even = [kim_sujin] * 2 + [kim_yeongho] * 2 + [pak_sujin] * 2 + [pak_yeongho] * 2
    assert _whole_name_bits(even, [(0, 1), (0, 2), (1, 4)]) == [0.0, 0.0, 0.0]
    # 김수진 is 1/8 of the file where its halves predict 1/4: one bit more; 김영호 is
    # commoner than predicted, which takes nothing away; other names share nothing
    skewed = [kim_sujin] * 2 + [kim_yeongho] * 6 + [pak_sujin] * 6 + [pak_yeongho] * 2
    assert _whole_name_bits(skewed, [(0, 1), (2, 3), (0, 8)]) == [pytest.approx(1.0), 0.0, 0.0]
