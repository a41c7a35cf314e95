"""Register conventions read into the same keys: whole names in one field, mis-splits,
native-only names (Hangul with or without a space, hanja in North and South readings),
McCune–Reischauer with and without diacritics."""

from __future__ import annotations

import polars as pl
import pytest

from muster.linkage import normalise_name
from muster.linkage.features import name_keys

NAMES = [
    # (family_name, given_name, name_native) -> expected family key, given key
    (("Gim", "Tae-hyeon", ""), ("KIM", "TEHYON")),
    (("Gim Tae-hyeon", "", ""), ("KIM", "TEHYON")),  # whole name in the family field
    (("", "Tae-hyeon Gim", ""), ("KIM", "TEHYON")),  # given field, Western order
    (("Gim Tae", "hyeon", ""), ("KIM", "TEHYON")),  # split in the wrong place
    (("Lee, Ha-neul", "", ""), ("I", "HANOL")),
    (("Lee, Ha", "neul", ""), ("I", "HANOL")),
    (("Ha-neul, Lee", "", ""), ("I", "HANOL")),  # a comma after the given name
    (("", "So-ra, Yu", ""), ("YO", "SOLA")),
    (("Ok, Cho", "", ""), ("OK", "CO")),  # both are surnames: the comma's order stands
    (("", "Ha-neul Lee", ""), ("I", "HANOL")),
    (("", "Sora Yu", ""), ("YO", "SOLA")),
    (("", "", "이 수진"), ("I", "SOCIN")),
    (("", "", "이수진"), ("I", "SOCIN")),
    (("Ri", "Su Jin", ""), ("I", "SOCIN")),
    (("", "", "리 명철"), ("I", "MYOGCOL")),
    (("Ri", "Myong Chol", ""), ("I", "MYOGCOL")),
    (("", "", "李恩淑"), ("I", "ONSOK")),
    (("RI", "UN SUK", ""), ("I", "ONSOK")),
    (("Lee", "Eun-suk", ""), ("I", "ONSOK")),
    (("Kim", "Kyŏng Hŭi", ""), ("KIM", "KYOGHI")),  # MR with diacritics
    (("Kim", "Kyong Hui", ""), ("KIM", "KYOGHI")),  # MR without them
    (("Gim", "Gyeong-hui", ""), ("KIM", "KYOGHI")),  # Revised Romanization
    (("", "", "金京姬"), ("KIM", "KYOGHI")),
    (("", "", "崔龍海"), ("CWE", "YOGHE")),  # hanja given name: North 룡해, South 용해
    (("Choe", "Ryong Hae", ""), ("CWE", "YOGHE")),
    (("Choi", "Yong-hae", ""), ("CWE", "YOGHE")),
    (("Nam Gung", "Min", ""), ("NAMKOG", "MIN")),  # a two-syllable surname is no mis-split
    (("Sun Mi", "Kim", ""), ("KIM", "SONMI")),  # swapped fields, not a mis-split
    (("Chong Yong", "An", ""), ("AN", "COGYOG")),
    (("Kim Su", "so", ""), ("KIM", "SOSO")),  # a mis-split whose rest is a surname too
]


@pytest.mark.parametrize(("fields", "keys"), NAMES)
def test_conventions_give_the_same_keys(
    fields: tuple[str, str, str], keys: tuple[str, str]
) -> None:
    name = normalise_name(*fields)
    assert (name.family_key, name.given_key) == keys


def test_name_keys_read_every_convention_as_normalise_name_does() -> None:
    frame = pl.DataFrame(
        [fields for fields, _ in NAMES],
        schema=["family_name", "given_name", "name_native"],
        orient="row",
    ).with_columns(pl.all().replace("", None))
    keys = name_keys(frame)
    assert keys.columns == [
        "family_key",
        "given_key",
        "given_hangul",
        "given_readings",
        "family_form",
    ]
    assert list(zip(keys["family_key"], keys["given_key"], strict=True)) == [k for _, k in NAMES]


def test_hanja_given_names_have_north_and_south_readings() -> None:
    assert normalise_name("", "", "崔龍海").given_hangul == "용해"
    readings = name_keys(
        pl.DataFrame({"family_name": ["Choe"], "given_name": ["Ryong Hae"], "name_native": [None]})
    )["given_readings"][0]
    assert "|용해|" in readings  # the North spelling read in the South form of 龍海


def test_a_misplit_name_is_marked_merged() -> None:
    assert normalise_name("Gim Tae", "hyeon", "").merged
    assert not normalise_name("Gim", "Tae-hyeon", "").merged
