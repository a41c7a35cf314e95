"""Hanja read as Hangul: surname table first, South and North readings."""

from __future__ import annotations

import pytest

from muster.linkage.hangul import compose, hangul_only, south_form
from muster.linkage.hanja_readings import read_characters, read_given_name, read_surname


@pytest.mark.parametrize(
    ("hanja", "south", "north"),
    [
        ("金", "김", "김"),  # common reading 금, surname reading 김
        ("李", "이", "리"),
        ("柳", "유", "류"),
        ("林", "임", "림"),
        ("盧", "노", "로"),
        ("羅", "나", "라"),
        ("梁", "양", "량"),
        ("呂", "여", "려"),
        ("朴", "박", "박"),
        ("崔", "최", "최"),
        ("鄭", "정", "정"),
        ("吳", "오", "오"),
        ("沈", "심", "심"),  # common reading 침
        ("南宮", "남궁", "남궁"),
    ],
)
def test_surname_readings(hanja: str, south: str, north: str) -> None:
    reading = read_surname(hanja)
    assert (reading.south, reading.north) == (south, north)


def test_given_name_read_with_the_initial_sound_rule_only_in_the_south() -> None:
    assert read_given_name("哲洙").south == "철수"
    reading = read_given_name("龍海")
    assert (reading.south, reading.north) == ("용해", "룡해")


def test_characters_other_than_hanja_are_kept() -> None:
    assert read_characters("金철수") == "금철수"


def test_hangul_composed_and_despaced() -> None:
    conjoining = "\u1100\u1175\u11b7"  # ᄀ ᅵ ᆷ as separate jamo
    assert compose(conjoining) == "김"
    assert hangul_only(" 김 철-수 ") == "김철수"
    assert hangul_only("Kim") == ""


def test_south_form_applies_only_to_the_first_syllable() -> None:
    assert south_form("리룡") == "이룡"
    assert south_form("녀자") == "여자"
