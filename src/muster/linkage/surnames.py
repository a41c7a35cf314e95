"""Korean surnames: Hangul (South and North readings), hanja and Latin variant sets.

The `hanja` package reads characters with their common reading (金 -> 금), not
the surname reading (金 -> 김), and no package lists the customary Latin
spellings (Lee, Park, Choi), so both live in this table. Rows are in rough
order of frequency; the first column is the South reading (initial-sound rule
applied: 이, 임, 유, 노), the North reading is derived (리, 림, 류, 로).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from muster.linkage.hangul import south_initial
from muster.linkage.hanja_table import hanja_table

# South Hangul | hanja (space-separated) | Latin variants (space-separated)
_TABLE = """
김|金|Kim Gim Ghim Kym
이|李|Lee Yi Rhee Ri I Li Yee Rhie Lie Rii Leigh
박|朴|Park Pak Bak Bahk Pahk
최|崔|Choi Choe Choy Chey
정|鄭 丁 程|Jung Jeong Chung Jong Chong Cheong Joung Jeung Chŏng
강|姜 康 江|Kang Gang Khang
조|趙 曺|Cho Jo Joe Chough
윤|尹|Yoon Yun Youn Yune
장|張 蔣|Jang Chang Zhang
임|林 任|Lim Im Rim Yim Leem Ihm Rhim Limb
한|韓|Han Hahn
오|吳|Oh O Ohh
서|徐|Seo Suh So Sŏ Surh Seoh
신|申 辛 愼|Shin Sin Shinn Sheen
권|權|Kwon Gwon Kwŏn Kweon
황|黃|Hwang Whang Hwong
안|安|Ahn An Arn Anh
송|宋|Song Soung
유|柳 兪 劉|Ryu Yu Yoo You Rew Lyu Yuh Ryoo Lew Rhyu
전|全 田|Jeon Jun Chun Chon Jon Chŏn Cheon
홍|洪|Hong Houng
고|高|Ko Go Koh Goh Kho
문|文|Moon Mun Mune Mŏn
양|梁 楊|Yang Ryang Lyang
손|孫|Son Sohn
배|裵|Bae Pae Bai Pai Bay
백|白|Baek Paek Paik Baik Back Beak
허|許|Heo Hur Ho Huh Hŏ Her
남|南|Nam Nahm
심|沈|Shim Sim Sheem Seem
노|盧 魯|Noh Roh No Ro Rho Nho
하|河|Ha Hah
곽|郭|Kwak Gwak Kwack Kwag
성|成|Sung Seong Sŏng Seung
차|車|Cha Char Chah
주|朱 周|Joo Ju Chu Choo Jou
우|禹|Woo U Wu
구|具|Koo Ku Gu Goo
민|閔|Min Mihn
진|陳|Jin Chin Jhin
지|池|Ji Chi Jee Chee
엄|嚴|Eom Um Uhm Ŏm Ohm Eum
채|蔡|Chae Chai Che Chay
원|元|Won Weon Wone Wŏn
천|千|Cheon Ch'ŏn Chun Chon
방|方 房 龐|Bang Pang Bhang
공|孔|Kong Gong Koong
현|玄|Hyun Hyeon Hyon Hyŏn
함|咸|Ham Hahm
변|卞 邊|Byun Byeon Pyon Pyun Byon Pyŏn Byoun
염|廉|Yeom Yum Ryom Yom Yŏm Ryeom
여|呂 余|Yeo Yoh Ryo Yo Yŏ Ryeo
추|秋|Chu Choo Ch'u
도|都|Do To Doh Toh
소|蘇|So Soh
석|石 昔|Seok Suk Sok Sŏk
선|宣|Sun Seon Sŏn Sunn
설|薛|Seol Sul Sol Sŏl
마|馬|Ma Mah
길|吉|Gil Kil Ghil
연|延|Yeon Yon Yŏn
위|魏|Wi Wee We
표|表|Pyo Pyoh
명|明|Myung Myeong Myong Myŏng
기|奇|Ki Gi Kee
반|潘|Ban Pan
나|羅|Na Ra La Nah Rha
왕|王|Wang Whang
금|琴|Keum Geum Kum Kŭm
옥|玉|Ok Ock Oak
육|陸|Yuk Yook Ryuk Yug
인|印|In Ihn
맹|孟|Maeng Meng Mang
제|諸|Je Che Jeh
모|牟|Mo Moh
탁|卓|Tak Tahk
국|鞠|Kook Guk Kuk Kouk
용|龍|Yong Ryong Lyong
은|殷|Eun Un Ŭn Uhn
편|片|Pyeon Pyon Pyun Pyŏn
어|魚|Eo Uh Ŏ
경|慶|Kyung Gyeong Kyong Kyŏng
피|皮|Pi Pee Phee
계|桂|Kye Gye Kyeh
남궁|南宮|Namgung Namkung Nam-gung Namgoong
황보|皇甫|Hwangbo Hwangpo Hwang-bo
제갈|諸葛|Jegal Chegal Je-gal
선우|鮮于|Sunwoo Seonwoo Sonu Seonu Sŏnu
독고|獨孤|Dokgo Tokko Dokko Tokgo
사공|司空|Sagong Sakong
서문|西門|Seomun Somun Seomoon
동방|東方|Dongbang Tongbang
"""


_NOT_LETTERS = re.compile(r"[^\w]|[\d_]")


@dataclass(frozen=True)
class Surname:
    """One surname: its South and North Hangul, hanja spellings and Latin variants."""

    south: str
    north: str
    hanja: tuple[str, ...]
    latin: tuple[str, ...]
    rank: int


def _north_reading(south: str, hanja: str) -> str:
    """North reading: the character's original reading when it folds to the South one."""
    original = "".join(hanja_table.get(ch, "") for ch in hanja)
    if len(original) == len(south) and south_initial(original[0]) + original[1:] == south:
        return original
    return south


@cache
def surnames() -> tuple[Surname, ...]:
    """Every surname of the table, most frequent first."""
    rows: list[Surname] = []
    for rank, line in enumerate(_TABLE.strip().splitlines()):
        south, hanja, latin = line.split("|")
        spellings = tuple(hanja.split())
        rows.append(
            Surname(
                south=south,
                north=_north_reading(south, spellings[0]),
                hanja=spellings,
                latin=tuple(latin.split()),
                rank=rank,
            )
        )
    return tuple(rows)


def _fold(latin: str) -> str:
    """Lower-case Latin spelling without hyphens or apostrophes, for table look-up."""
    return _NOT_LETTERS.sub("", latin.casefold())


@cache
def _by_latin() -> dict[str, tuple[Surname, ...]]:
    table: dict[str, list[Surname]] = {}
    for row in surnames():
        for spelling in row.latin:
            table.setdefault(_fold(spelling), []).append(row)
    return {key: tuple(rows) for key, rows in table.items()}


@cache
def _by_hangul() -> dict[str, Surname]:
    table: dict[str, Surname] = {}
    for row in reversed(surnames()):
        table[row.north] = row
        table[row.south] = row
    return table


@cache
def _by_hanja() -> dict[str, Surname]:
    return {spelling: row for row in surnames() for spelling in row.hanja}


def surnames_for_latin(latin: str) -> tuple[Surname, ...]:
    """Surnames a Latin spelling may stand for ("Lee" -> 이; "Chun" -> 전, 천)."""
    return _by_latin().get(_fold(latin), ())


def surname_for_hangul(hangul: str) -> Surname | None:
    """The surname written so in Hangul, South or North reading (리 -> 이)."""
    return _by_hangul().get(hangul)


def surname_for_hanja(hanja: str) -> Surname | None:
    """The surname written so in hanja (金 -> 김, not the common reading 금)."""
    return _by_hanja().get(hanja)


def variant_set(surname: str) -> tuple[str, ...]:
    """All Latin spellings of the surname of a Hangul or Latin spelling ("Ri" -> Lee, Yi ...)."""
    row = surname_for_hangul(surname)
    rows = (row,) if row else surnames_for_latin(surname)
    return tuple(spelling for r in rows for spelling in r.latin)


@lru_cache(maxsize=1 << 16)
def surname_rank(text: str) -> int | None:
    """Frequency rank (0 = most common) if the text is a known surname in any script."""
    row = surname_for_hangul(text) or surname_for_hanja(text)
    if row is None:
        rows = surnames_for_latin(text)
        row = rows[0] if rows else None
    return row.rank if row else None


@cache
def two_syllable_surnames() -> frozenset[str]:
    """Two-syllable surnames in Hangul and hanja (남궁, 南宮, 선우 ...)."""
    return frozenset(
        spelling
        for row in surnames()
        if len(row.south) == 2
        for spelling in (row.south, *row.hanja)
    )
