"""A whole name alone in one Latin field whose both ends are surnames ("Yun Jun Go",
"Yu Ok Yang", "Heo So") is read in the order that other records of the file share."""

from __future__ import annotations

import polars as pl

from muster.linkage import link_records, normalise_name
from muster.linkage.features import name_keys
from muster.linkage.names import split_whole_other


def _keys(*names: tuple[str | None, str | None, str | None]) -> list[tuple[str, str]]:
    frame = pl.DataFrame(
        list(names), schema=["family_name", "given_name", "name_native"], orient="row"
    )
    keys = name_keys(frame)
    return list(zip(keys["family_key"], keys["given_key"], strict=True))


def test_the_other_order_exists_only_when_both_ends_are_surnames() -> None:
    assert split_whole_other("Yun Jun Go") == ("Go", "Yun Jun")
    assert split_whole_other("Yu Ok Yang") == ("Yang", "Yu Ok")
    assert split_whole_other("Heo So") == ("Heo", "So")  # first read as 소 허: 서 (So) is commoner
    assert split_whole_other("Sora Yu") is None  # Sora is no surname
    assert split_whole_other("Lee, Ha-neul") is None  # a comma fixes the order
    assert split_whole_other("Kim") is None


def test_alone_the_commoner_surname_is_read_first() -> None:
    assert _keys((None, "Yun Jun Go", None)) == [("YON", "COGO")]
    whole, parts = normalise_name("", "Yun Jun Go", ""), normalise_name("Yun", "Jun-go", "")
    assert (whole.family_key, whole.given_key) == (parts.family_key, parts.given_key)


def test_western_order_when_the_file_has_the_name_that_way() -> None:
    keys = _keys((None, "Yun Jun Go", None), ("Go", "Yun-jun", None), ("GO", "YUNJUN", None))
    assert keys == [("KO", "YONCON")] * 3


def test_three_part_western_name_in_one_field() -> None:
    keys = _keys((None, "Yu Ok Yang", None), ("Ryang", "Yu Ok", None))
    assert keys == [("YAG", "YOK")] * 2


def test_whole_name_in_the_family_field_in_korean_order() -> None:
    keys = _keys(("Heo So", None, None), ("Hŏ", "So", None))
    assert keys == [("HO", "SO")] * 2


def test_the_first_reading_stays_when_the_file_shares_it_or_ties() -> None:
    assert _keys((None, "Yun Jun Go", None), ("Yun", "Jun-go", None)) == [("YON", "COGO")] * 2
    tie = _keys((None, "Yun Jun Go", None), ("Yun", "Jun-go", None), ("Go", "Yun-jun", None))
    assert tie[0] == ("YON", "COGO")


def test_a_native_name_decides_instead() -> None:
    keys = _keys((None, "Yun Jun Go", "윤준고"), ("Go", "Yun-jun", None))
    assert keys[0] == ("YON", "COGO")


def test_the_western_record_links_to_its_person() -> None:
    frame = pl.DataFrame(
        {
            "record_id": ["w1", "w2", "w3", "w4"],
            "family_name": [None, "Go", "GO", "Yun"],
            "given_name": ["Yun Jun Go", "Yun-jun", "YUNJUN", "Jun-go"],
            "name_native": [None, None, None, None],
            "date_of_birth": ["1981-04-05", "1981-04-05", None, "1981-04-05"],
            "sex": ["M", "M", "M", "M"],
            "passport_no": [None, None, None, None],
        }
    )
    clusters = dict(link_records(frame).clusters.iter_rows())
    assert clusters["w1"] == clusters["w2"]  # read as 고윤준, as two other records have it
    assert clusters["w4"] != clusters["w1"]  # 윤준고 born the same day is someone else
