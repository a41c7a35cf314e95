"""Encodings: every supported one is detected, and CP949 is never read as GB18030."""

from __future__ import annotations

import random

import pytest

from muster.intake import IntakeRejected, read_list
from muster.intake.decode import decode_text
from tests.unit.intake.corpus import CATEGORIES, entry, list_csv

KOREAN_SURNAMES = (
    "김이박최정강조윤장임한오서신권황안송전홍유고문양손배백허남심노하곽성차주우구민"
    "류나진지엄채원천방공현함변염여추도소석선설마길연위표명기반왕금옥육인맹제모탁국어은편용예경봉사부"
)
KOREAN_GIVEN = (
    "민서지하준도윤우주예현수시건유진은채연아린율승재성영호경철희정숙자순옥미"
    "혜선동광석용태상훈혁일범규빈환욱찬웅섭덕춘분향란화금복실녀똠햏"
)
KOREAN_NOTES = (
    "허리 부상으로 일을 못함",
    "폐렴 치료 중",
    "출장 후 귀국하지 못하고 있음",
    "공장 가동 중단",
    "계약 만료, 귀국 대기",
    "연락 두절 - 안부 확인 필요",
    "발목 골절로 입원",
)
CHINESE_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
CHINESE_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力斌宇浩凯鹏飞云丹琳"
    "雪梅婷晶燕颖海波宁鑫志国庆春兰凤新成东峰俊佳欣怡晨阳思雨轩涵子豪博泽睿德福荣淑珍慧"
)
CHINESE_NOTES = (
    "腰部受伤无法工作",
    "肺炎治疗中",
    "出差后无法回国",
    "工厂停产",
    "合同结束，等待回国",
    "失去联系，需要确认",
    "脚踝骨折住院",
)


def _names(rng: random.Random, surnames: str, given: str, count: int) -> list[str]:
    return [
        rng.choice(surnames) + "".join(rng.choices(given, k=rng.choice((1, 2, 2))))
        for _ in range(count)
    ]


def _file(names: list[str], notes: tuple[str, ...], rng: random.Random) -> str:
    lines = ["person_id,name_native,note"]
    lines += [
        f"P{i},{name},{rng.choice(notes) if rng.random() < 0.5 else ''}"
        for i, name in enumerate(names)
    ]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8"),
        ("cp949", "cp949"),
        ("euc-kr", "cp949"),
        ("utf-16", "utf-16-le"),
        ("utf-16-be", "utf-16-be"),
    ],
)
def test_each_korean_encoding_reads_the_same_list(encoding: str, expected: str) -> None:
    rows = [
        entry(name_native="김철수", note="허리 부상"),
        entry(person_id="P0002", name_native="리영희"),
    ]
    data = list_csv(rows, encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    assert decode_text(data).encoding == expected
    parsed = read_list(data, "list.csv", CATEGORIES)
    assert parsed.frame.get_column("name_native").to_list() == ["김철수", "리영희"]
    assert parsed.frame.get_column("note").to_list() == ["허리 부상", None]


def test_gb18030_chinese_list_is_read_as_chinese() -> None:
    rows = [entry(family_name="Wang", name_native="王伟", note="腰部受伤，无法工作")]
    parsed = read_list(list_csv(rows, "gb18030"), "list.csv", CATEGORIES)
    assert parsed.records()[0].name_native == "王伟"
    assert parsed.records()[0].note == "腰部受伤，无法工作"


def test_uhc_characters_outside_euc_kr_are_read_from_cp949() -> None:
    for char in "똠햏뷁":  # UHC extension: lead or trail byte below 0xA1, outside EUC-KR's range
        assert min(char.encode("cp949")) < 0xA1
    rows = [
        entry(name_native="김똠"),
        entry(person_id="P0002", name_native="박햏철", note="햏 똠 뷁"),
    ]
    data = list_csv(rows, "cp949")
    assert decode_text(data).encoding == "cp949"
    assert [r.name_native for r in read_list(data, "l.csv", CATEGORIES).records()] == [
        "김똠",
        "박햏철",
    ]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 10, 40])
def test_many_korean_samples_are_never_read_as_gb18030(size: int) -> None:
    rng = random.Random(size)
    for _ in range(150):
        text = _file(_names(rng, KOREAN_SURNAMES, KOREAN_GIVEN, size), KOREAN_NOTES, rng)
        decoded = decode_text(text.encode("cp949"))
        assert decoded.encoding != "gb18030", text
        assert decoded.text == text


@pytest.mark.parametrize("size", [3, 5, 10, 40])
def test_many_chinese_samples_are_read_as_gb18030(size: int) -> None:
    rng = random.Random(100 + size)
    for _ in range(150):
        text = _file(_names(rng, CHINESE_SURNAMES, CHINESE_GIVEN, size), CHINESE_NOTES, rng)
        decoded = decode_text(text.encode("gb18030"))
        assert (decoded.encoding, decoded.text) == ("gb18030", text)


def test_korean_names_in_hanja_stay_cp949() -> None:
    rng = random.Random(7)
    for size in (1, 3, 20):
        for _ in range(50):
            names = _names(
                rng,
                "金李朴崔鄭姜趙尹張林韓吳徐申權黃",
                "哲洙英姬順子淑貞美京恩惠賢敏智勳浩俊宇在東光赫",
                size,
            )
            text = _file(names, KOREAN_NOTES, rng)
            assert decode_text(text.encode("cp949")).encoding == "cp949"


@pytest.mark.parametrize("text", ["José García", "Иван Петров", "Nguyễn Văn An", "Dvořák", "Çağrı"])
def test_utf8_accented_and_cyrillic_text_stays_utf8(text: str) -> None:
    assert decode_text(f"name\n{text}\n".encode()).encoding == "utf-8"


def test_short_east_asian_file_that_is_also_valid_utf8_is_not_misread() -> None:
    # "홍호" in CP949 happens to form valid 2-byte UTF-8 sequences too.
    data = "person_id,name_native\nP1,홍호\n".encode("cp949")
    data.decode("utf-8")  # the trap: this succeeds
    assert decode_text(data).text.endswith("홍호\n")


def test_undecodable_bytes_are_refused_with_the_row_named() -> None:
    data = list_csv([entry(), entry(person_id="P0002")]) + b"P0003,\xff\xfe\xfd\x80,x\r\n"
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.csv", CATEGORIES)
    (error,) = caught.value.errors
    assert error.row == 4
    assert "UTF-8, CP949 (EUC-KR) or GB18030" in error.expected


def test_utf16_with_broken_surrogate_is_refused() -> None:
    data = "\ufeffperson_id\nP1\n".encode("utf-16-le") + b"\x00\xd8"
    with pytest.raises(IntakeRejected) as caught:
        read_list(data, "list.csv", CATEGORIES)
    assert caught.value.errors[0].expected == "text in utf-16-le"
