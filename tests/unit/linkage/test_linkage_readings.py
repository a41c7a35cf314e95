"""Hangul readings of Latin given names: every system's spelling keeps its Hangul among them."""

from __future__ import annotations

import unicodedata

import pytest
from ko_pron import romanise

from muster.linkage.readings import MAX_READINGS, hangul_readings

# Hangul (South form), then spellings of it in each system people use.
NAMES = [
    ("철수", ["Cheol-su", "Ch'ŏl-su", "Chol Su", "Chul Soo", "CHEOLSU", "CHOLSU"]),
    ("영희", ["Yeong-hui", "Yŏng-hŭi", "Yong Hui", "Young-hee", "YEONGHUI"]),
    ("정호", ["Jeong-ho", "Chŏng-ho", "Chong Ho", "Jung Ho", "JEONGHO"]),
    ("용해", ["Ryong Hae", "Yong-hae", "Ryong-hae"]),  # 룡해 read with the South initial rule
    ("경민", ["Gyeong-min", "Kyŏng-min", "Kyong Min", "Kyung-min"]),
    ("선길", ["Seon-gil", "Sŏn-kil", "Son Kil", "Seongil"]),
    ("은경", ["Eun-gyeong", "Ŭn-kyŏng", "Un Kyong", "Eun Kyung"]),
    ("수진", ["Su-jin", "Su Chin", "Soo-jin", "Sujin"]),
    ("현우", ["Hyeon-u", "Hyŏn-u", "Hyon U", "Hyun Woo"]),
    ("태호", ["Tae-ho", "T'ae-ho", "Tae Ho"]),
]


@pytest.mark.parametrize(
    ("hangul", "spelling"), [(h, s) for h, spellings in NAMES for s in spellings]
)
def test_each_system_spelling_has_its_hangul_among_the_readings(hangul: str, spelling: str) -> None:
    assert hangul in hangul_readings(spelling)


def test_readings_tell_names_apart_that_the_phonetic_key_merges() -> None:
    assert "용수" not in hangul_readings("Yeong-su")  # eo is only ㅓ
    assert "영수" in hangul_readings("Yong Su")  # North Korean o is ㅓ or ㅗ
    assert "영숙" not in hangul_readings("Yong Su")
    assert "철수" not in hangul_readings("Jeolsu")  # j is never ㅊ
    assert "철수" in hangul_readings("Ch'ŏl-su") and "절수" not in hangul_readings("Ch'ŏl-su")


@pytest.mark.parametrize("system", ["rr", "mr"])
@pytest.mark.parametrize(
    "hangul", ["민준", "서연", "지훈", "하은", "도윤", "수빈", "예준", "지우", "건우", "혜진"]
)
def test_ko_pron_syllable_by_syllable_spellings_are_read(hangul: str, system: str) -> None:
    spelling = "-".join(str(romanise(s, system)) for s in hangul)
    assert hangul in hangul_readings(spelling)
    north = unicodedata.normalize("NFKD", spelling)
    north = "".join(c for c in north if not unicodedata.combining(c) and c not in "'’")
    assert hangul in hangul_readings(north)


def test_unreadable_or_too_ambiguous_spellings_have_no_readings() -> None:
    assert hangul_readings("") == frozenset()
    assert hangul_readings("X Æ A-12") == frozenset()
    assert hangul_readings("Brtz") == frozenset()
    many = hangul_readings("Chu Chu Chu Chu")
    assert many == frozenset() or len(many) <= MAX_READINGS
