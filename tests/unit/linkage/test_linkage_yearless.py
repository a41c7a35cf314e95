"""Records without a birth year join the one dated person of their name, and only then."""

from __future__ import annotations

import polars as pl

from muster.linkage import LinkOptions, ReviewDecision, link_records

COLUMNS = ["record_id", "family_name", "given_name", "name_native", "date_of_birth", "sex"]
COLUMNS += ["passport_no"]

PERSON = [
    ("p1", "Pak", "Kuk Nyom", None, "2000-07-23", "M", None),
    ("p2", "BAK", "GUKNYEOM", None, "2000-07-23", "M", None),
    ("p3", None, "Guk Nyeom Park", None, None, "M", None),  # no year: the name alone
]


# In a file this small the untrained priors give a name about 13 bits: the floor is
# lowered so that each test turns on one condition, not on the number.
MARGIN = {"yearless_margin_bits": 4.0}


def _clusters(rows: list[tuple[str | None, ...]], **options: object) -> dict[str, str]:
    frame = pl.DataFrame(rows, schema=COLUMNS, orient="row")
    result = link_records(frame, options=LinkOptions(**(MARGIN | options)))  # type: ignore[arg-type]
    return dict(result.clusters.iter_rows())


def _joined(clusters: dict[str, str]) -> bool:
    return clusters["p3"] == clusters["p1"]


def test_a_yearless_record_joins_the_one_dated_person_of_its_name() -> None:
    clusters = _clusters(PERSON)
    assert clusters["p1"] == clusters["p2"]
    assert _joined(clusters)


def test_the_pair_alone_is_not_enough() -> None:
    assert not _joined(_clusters(PERSON, yearless_margin_bits=None))


def test_the_pair_must_come_within_the_margin_of_the_threshold() -> None:
    assert not _joined(_clusters(PERSON, yearless_margin_bits=1.0))


def test_not_when_the_name_has_two_dated_persons() -> None:
    namesake = ("q1", "Pak", "Kuk-nyŏm", None, "1961-02-14", "M", None)
    assert not _joined(_clusters([*PERSON, namesake]))


def test_not_when_the_name_has_another_yearless_cluster() -> None:
    other = ("q1", "Pak", "Kuk-nyŏm", None, "1900-01-01", "M", None)  # no year either
    clusters = _clusters([*PERSON, other])
    assert not _joined(clusters)
    assert clusters["q1"] != clusters["p1"]


def test_a_namesake_of_the_other_sex_does_not_stand_in_the_way() -> None:
    namesake = ("q1", "Pak", "Kuk-nyŏm", None, "1961-02-14", "F", None)
    clusters = _clusters([*PERSON, namesake])
    assert _joined(clusters)
    assert clusters["q1"] != clusters["p1"]


def test_not_when_the_sexes_differ() -> None:
    rows = [*PERSON[:2], (*PERSON[2][:5], "F", None)]
    assert not _joined(_clusters(rows))


def test_not_when_another_record_of_the_yearless_cluster_has_the_other_sex() -> None:
    rows = [
        *PERSON[:2],
        (*PERSON[2][:6], "R88120034"),  # the pair itself has no conflict
        ("p4", "Pak", "Kuk Nyom", None, None, "F", "R88120034"),  # same passport: one cluster
    ]
    clusters = _clusters(rows)
    assert clusters["p3"] == clusters["p4"]
    assert not _joined(clusters)


def test_not_when_the_passports_differ() -> None:
    rows = [
        (*PERSON[0][:6], "512307746"),
        PERSON[1],
        (*PERSON[2][:6], "R88120034"),
    ]
    assert not _joined(_clusters(rows))


def test_a_passport_one_slip_apart_is_no_contradiction() -> None:
    rows = [(*PERSON[0][:6], "512307746"), PERSON[1], (*PERSON[2][:6], "512307764")]
    assert _joined(_clusters(rows))


def test_not_when_the_hangul_given_names_differ() -> None:
    rows = [
        ("p1", "Pak", "Kuk Nyom", "박국념", "2000-07-23", "M", None),
        PERSON[1],
        (*PERSON[2][:6], "R88120034"),  # Latin only: the pair itself has no conflict
        ("p4", None, None, "박국염", None, "M", "R88120034"),  # same key, other Hangul
    ]
    clusters = _clusters(rows)
    assert clusters["p3"] == clusters["p4"]
    assert not _joined(clusters)


def test_not_when_a_reviewer_split_them() -> None:
    frame = pl.DataFrame(PERSON, schema=COLUMNS, orient="row")
    split = [ReviewDecision("p3", "p1", same=False)]
    options = LinkOptions(**MARGIN)  # type: ignore[arg-type]
    clusters = dict(link_records(frame, decisions=split, options=options).clusters.iter_rows())
    assert not _joined(clusters)
