"""Cluster consistency: members of one cluster that contradict each other are split apart."""

from __future__ import annotations

import numpy as np
import polars as pl

from muster.linkage import LinkOptions, link_records
from muster.linkage.consistency import conflicting_pairs
from muster.linkage.features import LINK_INPUT_COLUMNS, build_features

Row = tuple[str, str, str, str, str, str, str]


def _records(*rows: Row) -> pl.DataFrame:
    cleaned = [tuple(value or None for value in row) for row in rows]
    return pl.DataFrame(cleaned, schema=list(LINK_INPUT_COLUMNS), orient="row")


def _conflicts(*rows: Row, linked: tuple[tuple[int, int], ...] = ()) -> list[tuple[int, int]]:
    """Conflicting pairs when all the rows are put in one cluster."""
    features = build_features(_records(*rows))
    labels = np.zeros(len(rows), dtype=np.int64)
    direct = pl.DataFrame(
        [list(pair) for pair in linked], schema=["unique_id_l", "unique_id_r"], orient="row"
    ).cast(pl.Int64)
    return conflicting_pairs(features, labels, direct)


def test_other_date_and_other_passport_is_a_hard_conflict() -> None:
    a: Row = ("a", "Park", "Mi-young", "", "1991-02-08", "F", "M12345678")
    c: Row = ("c", "Pak", "Mi-yong", "", "1986-11-30", "F", "M87654321")
    assert _conflicts(a, c, linked=((0, 1),)) == [(0, 1)]


def test_other_date_alone_needs_a_direct_link() -> None:
    a: Row = ("a", "Park", "Mi-young", "", "1991-02-08", "F", "")
    b: Row = ("b", "Park", "Mi-young", "", "", "F", "")
    c: Row = ("c", "Pak", "Mi-yong", "", "1986-11-30", "F", "")
    assert _conflicts(a, b, c, linked=((0, 1), (1, 2))) == [(0, 2)]
    assert _conflicts(a, b, c, linked=((0, 1), (1, 2), (0, 2))) == []


def test_a_slip_a_swap_a_placeholder_and_a_renewal_are_no_conflict() -> None:
    base: Row = ("a", "Kim", "Chol Su", "", "1985-03-12", "M", "G12345678")
    others: list[Row] = [
        ("b", "Kim", "Chol Su", "", "1985-12-03", "M", "G12345678"),  # day and month swapped
        ("c", "Kim", "Chol Su", "", "1985-03-13", "M", "G12345679"),  # one digit each
        ("d", "Kim", "Chol Su", "", "1985-01-01", "M", ""),  # placeholder, same year
        ("e", "Kim", "Chol Su", "", "1900-01-01", "", ""),  # unknown
        ("f", "Kim", "Chol Su", "", "1958-03-12", "M", "G12354678"),  # year digit, swap
        ("g", "Kim", "Chol Su", "", "1958-12-03", "M", ""),  # year digit and swap
    ]
    for other in others:
        assert _conflicts(base, other) == [], other


def test_placeholder_of_another_year_conflicts() -> None:
    a: Row = ("a", "Kim", "Chol Su", "", "1985-03-12", "M", "")
    b: Row = ("b", "Kim", "Chol Su", "", "1979-01-01", "M", "")
    assert _conflicts(a, b) == [(0, 1)]


def test_other_sex_needs_a_direct_link_or_a_shared_passport() -> None:
    a: Row = ("a", "Han", "Tae-su", "", "1969-06-14", "F", "624707730")
    b: Row = ("b", "Han", "Tae Su", "", "1969-06-14", "M", "")
    c: Row = ("c", "Han", "Tae Su", "", "1969-06-14", "M", "624707730")
    assert _conflicts(a, b) == [(0, 1)]
    assert _conflicts(a, b, linked=((0, 1),)) == []
    assert _conflicts(a, c) == []


# p2 links to p1 by name and date, and to p4 by the passport: a chain from p1 to p4.
CHAIN = _records(
    ("p1", "Park", "Mi-young", "", "1991-02-08", "F", ""),
    ("p2", "Park", "Mi-young", "", "1991-02-08", "F", "S11122233"),
    ("p3", "Pak", "Mi-yong", "박미영", "1986-11-30", "F", "S11122233"),
)


def test_no_chain_through_a_middle_record() -> None:
    clusters = dict(link_records(CHAIN).clusters.iter_rows())
    assert clusters["p1"] != clusters["p3"]
    assert clusters["p2"] in {clusters["p1"], clusters["p3"]}


def test_without_the_check_the_chain_joins_both_people() -> None:
    options = LinkOptions(consistency=False)
    clusters = dict(link_records(CHAIN, options=options).clusters.iter_rows())
    assert clusters["p1"] == clusters["p2"] == clusters["p3"]


def test_pairs_without_two_full_dates_or_a_shared_passport_are_weakly_identified() -> None:
    from muster.linkage.link import _weakly_identified

    features = build_features(
        _records(
            ("a", "Ra", "Mi-ran", "", "1994-06-17", "F", ""),
            ("b", "Na", "Mi-ran", "", "1994-01-01", "F", ""),  # a placeholder
            ("c", "Na", "Mi-ran", "", "1994-06-17", "F", ""),  # two full dates
            ("d", "Na", "Mi-ran", "", "", "F", "M12345678"),
            ("e", "Na", "Mi-ran", "", "", "F", "M12345678"),  # a shared passport
        )
    )
    pairs = pl.DataFrame({"unique_id_l": [0, 0, 3], "unique_id_r": [1, 2, 4]})
    assert _weakly_identified(features, pairs).tolist() == [True, False, False]
