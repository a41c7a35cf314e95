"""Phonetic keys: every romanisation system of a name gives the key of its Hangul."""

from __future__ import annotations

import pytest

from muster.linkage.phonetic import apply_initial_rule, hangul_key, latin_key

# Hangul, then real spellings: North Korean style, McCune–Reischauer (with diacritics),
# Revised Romanization, customary, passport capitals.
SPELLINGS = [
    ("철수", ["Chol Su", "Ch'ŏl-su", "Cheol-su", "Chul Soo", "Chulsoo", "CHOLSU", "CHEOLSU"]),
    ("영철", ["Yong Chol", "Yŏng-ch'ŏl", "Yeong-cheol", "Young Chul", "YONGCHOL"]),
    ("정은", ["Jong Un", "Chŏng-ŭn", "Jeong-eun", "Jung Eun", "JEONGEUN"]),
    ("영희", ["Yong Hui", "Yŏng-hŭi", "Yeong-hui", "Young Hee", "YOUNGHEE"]),
    ("하은", ["Ha Un", "Ha-ŭn", "Ha-eun", "Haeun", "HAEUN"]),
    ("지원", ["Chi Won", "Chi-wŏn", "Ji-won", "Jiwon", "JIWON"]),
    ("경민", ["Kyong Min", "Kyŏng-min", "Gyeong-min", "Kyung Min", "KYUNGMIN"]),
    ("현수", ["Hyon Su", "Hyŏn-su", "Hyeon-su", "Hyun Soo", "HYUNSOO"]),
    ("룡해", ["Ryong Hae", "Yong-hae", "Yonghae"]),
]


@pytest.mark.parametrize(("hangul", "latin"), [(h, s) for h, ss in SPELLINGS for s in ss])
def test_every_system_gives_the_hangul_key(hangul: str, latin: str) -> None:
    assert latin_key(latin) == hangul_key(hangul)


@pytest.mark.parametrize(
    ("hangul", "latin"),
    [
        ("이", "Lee"), ("이", "Yi"), ("이", "Rhee"), ("이", "Ri"), ("이", "I"),
        ("박", "Pak"), ("박", "Bak"), ("박", "Park"),
        ("최", "Choi"), ("최", "Choe"),
        ("정", "Jung"), ("정", "Jeong"), ("정", "Chung"), ("정", "Jong"), ("정", "Chŏng"),
        ("유", "Ryu"), ("유", "Yu"), ("유", "Yoo"), ("류", "Ryu"),
        ("임", "Rim"), ("임", "Im"), ("임", "Lim"), ("림", "Lim"),
        ("오", "O"), ("오", "Oh"),
        ("노", "Roh"), ("노", "Noh"), ("로", "Ro"),
        ("허", "Hur"), ("안", "Ahn"), ("선우", "Sunwoo"), ("선우", "Seonu"),
    ],
)  # fmt: skip
def test_surname_spellings_share_a_key(hangul: str, latin: str) -> None:
    assert latin_key(latin) == hangul_key(hangul)


def test_keys_fold_what_systems_disagree_on() -> None:
    assert hangul_key("김철수") == "KIMCOLSO"
    assert latin_key("KIM CHOL SU") == "KIMCOLSO"


@pytest.mark.parametrize(
    ("hangul", "spellings"),
    [
        ("진광", ["Jingwang", "Chin-kwang", "Jin Gwang"]),
        ("선길", ["Seongil", "Sŏn-kil", "SONKIL"]),
        ("은경", ["Eungyeong", "Ŭn-kyŏng", "Eun Kyung"]),
        ("민기", ["Mingi", "Min Ki"]),
    ],
)
def test_n_before_g_keys_like_ng_since_unseparated_spellings_cannot_tell(
    hangul: str, spellings: list[str]
) -> None:
    assert {latin_key(s) for s in spellings} == {hangul_key(hangul)}


def test_keys_keep_different_names_apart() -> None:
    assert hangul_key("철수") != hangul_key("영수")
    assert latin_key("Min-su") != latin_key("Min-ho")
    assert latin_key("Kim") != latin_key("Kang")


def test_initial_sound_rule_on_keys() -> None:
    assert apply_initial_rule("LI") == "I"  # 리 -> 이
    assert apply_initial_rule("LO") == "NO"  # 로 -> 노
    assert apply_initial_rule("NYO") == "YO"  # 녀 -> 여
    assert apply_initial_rule("KIM") == "KIM"


def test_key_of_hangul_ignores_spaces_and_other_characters() -> None:
    assert hangul_key("철 수") == hangul_key("철수") == hangul_key("철-수")
