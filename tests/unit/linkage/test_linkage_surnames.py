"""Surname variant sets and look-ups in every script."""

from __future__ import annotations

from muster.linkage.names import family_key_of
from muster.linkage.phonetic import hangul_key, latin_key
from muster.linkage.surnames import (
    surname_for_hangul,
    surname_for_hanja,
    surname_rank,
    surnames,
    surnames_for_latin,
    variant_set,
)


def test_variant_sets() -> None:
    assert {"Lee", "Yi", "Rhee", "Ri", "I"} <= set(variant_set("Ri"))
    assert {"Park", "Pak", "Bak"} <= set(variant_set("박"))
    assert {"Choi", "Choe"} <= set(variant_set("Choi"))
    assert {"Jung", "Jeong", "Chung", "Jong"} <= set(variant_set("정"))
    assert {"Ryu", "Yu", "Yoo"} <= set(variant_set("류"))
    assert {"Rim", "Im", "Lim"} <= set(variant_set("Lim"))
    assert {"O", "Oh"} <= set(variant_set("오"))


def test_north_and_south_hangul_find_the_same_surname() -> None:
    assert surname_for_hangul("리") == surname_for_hangul("이")
    assert surname_for_hangul("림") == surname_for_hangul("임")
    assert surname_for_hanja("李") == surname_for_hangul("이")


def test_latin_lookup_ignores_case_and_diacritics_marks_kept() -> None:
    assert [s.south for s in surnames_for_latin("RHEE")] == ["이"]
    assert [s.south for s in surnames_for_latin("Chŏng")] == ["정"]
    assert {s.south for s in surnames_for_latin("Chun")} == {"전", "천"}


def test_rank_orders_by_frequency_and_knows_non_surnames() -> None:
    kim, lee = surname_rank("Kim"), surname_rank("李")
    assert kim is not None and lee is not None and kim < lee
    assert surname_rank("Cholsu") is None


def test_every_listed_spelling_gets_the_key_of_its_hangul() -> None:
    """Spellings the key rules cannot read (Park, Choy, Rhie) are read through the table."""
    for row in surnames():
        for spelling in row.latin:
            if len(surnames_for_latin(spelling)) == 1:
                assert family_key_of(spelling) == hangul_key(row.south), spelling


def test_most_spellings_key_like_their_hangul_without_the_table() -> None:
    spellings = [(row.south, s) for row in surnames() for s in row.latin]
    agree = [s for h, s in spellings if latin_key(s) == hangul_key(h)]
    assert len(agree) / len(spellings) > 0.85
