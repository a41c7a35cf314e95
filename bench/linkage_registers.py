"""A second, independent linkage generator: registers kept by offices with their own habits.

Written from the conventions real registers show, not from the first generator
(bench/linkage.py) and without its romaniser (ko-pron): romanisation here is a
jamo table per system. What it produces:

- offices, each with its own way of writing a name: a consulate in Revised
  Romanization with Hangul; a North-style register (ASCII McCune–Reischauer,
  North Hangul readings, often with a space: 리 명철); a hanja register with
  nothing else; a labour office that writes the whole name in one field
  ("Gim Tae-hyeon", "Lee, Ha-neul", given-only "Sora Yu") or splits it badly;
  an embassy in McCune–Reischauer with diacritics (Kyŏng-hŭi, Ch'oe); passport
  scans in capitals; a community list in Hangul only;
- placeholder birth dates (1 January of the year, 1900-01-01), about 10% of
  records without a date, some one-digit slips;
- passports shared by a person's records across scripts, renewed passports
  (same person, other number), one-digit slips; about half the records without;
- chains of namesakes: people who share a name with another and differ in the
  birth date, and pairs whose names differ by a letter the initial-sound law
  explains (라미란 / 나미란) born in the same year.

    .venv/bin/python bench/linkage_registers.py 20000   # writes nothing, prints stats
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl

COLUMNS = ["record_id", "family_name", "given_name", "name_native"]
COLUMNS += ["date_of_birth", "sex", "passport_no", "person_id"]

# Surname: South Hangul, North Hangul, hanja, weight, RR, MR, customary spellings.
SURNAMES = [
    ("김", "김", "金", 210, "Gim", "Kim", "Kim"),
    ("이", "리", "李", 150, "I", "Yi", "Lee Rhee Yi"),
    ("박", "박", "朴", 85, "Bak", "Pak", "Park"),
    ("최", "최", "崔", 47, "Choe", "Ch'oe", "Choi"),
    ("정", "정", "鄭", 44, "Jeong", "Chŏng", "Jung Chung"),
    ("강", "강", "姜", 23, "Gang", "Kang", "Kang"),
    ("조", "조", "趙", 21, "Jo", "Cho", "Cho"),
    ("윤", "윤", "尹", 21, "Yun", "Yun", "Yoon"),
    ("장", "장", "張", 20, "Jang", "Chang", "Chang Jang"),
    ("임", "림", "林", 17, "Im", "Im", "Lim Yim"),
    ("한", "한", "韓", 15, "Han", "Han", "Han"),
    ("오", "오", "吳", 15, "O", "O", "Oh"),
    ("서", "서", "徐", 15, "Seo", "Sŏ", "Suh"),
    ("신", "신", "申", 15, "Sin", "Sin", "Shin"),
    ("권", "권", "權", 14, "Gwon", "Kwŏn", "Kwon"),
    ("황", "황", "黃", 14, "Hwang", "Hwang", "Hwang"),
    ("안", "안", "安", 14, "An", "An", "Ahn"),
    ("송", "송", "宋", 14, "Song", "Song", "Song"),
    ("유", "류", "柳", 12, "Yu", "Yu", "Yoo Ryu"),
    ("전", "전", "全", 11, "Jeon", "Chŏn", "Chun Jun"),
    ("홍", "홍", "洪", 11, "Hong", "Hong", "Hong"),
    ("고", "고", "高", 9, "Go", "Ko", "Koh Ko"),
    ("문", "문", "文", 9, "Mun", "Mun", "Moon"),
    ("양", "량", "梁", 9, "Yang", "Yang", "Yang"),
    ("손", "손", "孫", 9, "Son", "Son", "Sohn"),
    ("배", "배", "裵", 8, "Bae", "Pae", "Bae"),
    ("백", "백", "白", 7, "Baek", "Paek", "Paik Baek"),
    ("허", "허", "許", 6, "Heo", "Hŏ", "Hur"),
    ("남", "남", "南", 6, "Nam", "Nam", "Nam"),
    ("노", "로", "盧", 5, "No", "No", "Roh Noh"),
    ("하", "하", "河", 5, "Ha", "Ha", "Ha"),
    ("나", "라", "羅", 3, "Na", "Na", "Na Ra"),
    ("연", "련", "延", 2, "Yeon", "Yŏn", "Yeon"),
    ("여", "려", "呂", 2, "Yeo", "Yŏ", "Yeo"),
    ("선우", "선우", "鮮于", 1, "Seonu", "Sŏnu", "Sunwoo"),
    ("남궁", "남궁", "南宮", 1, "Namgung", "Namgung", "Namkoong"),
]
# Given-name syllables in their dictionary (North) reading, with one hanja each.
GIVEN = [
    "수秀", "진珍", "은恩", "숙淑", "명明", "철哲", "태泰", "현鉉", "경京", "희姬", "하夏", "념念",
    "소昭", "라羅", "미美", "란蘭", "영英", "호鎬", "동東", "민旼", "준埈", "서瑞", "연延", "지志",
    "혜惠", "선善", "주周", "훈勳", "성星", "우佑", "재載", "원源", "석碩", "룡龍", "련蓮", "림琳",
    "례禮", "류柳", "로魯", "락樂", "향香", "옥玉", "금金", "순順", "일一", "광光", "남楠", "혁爀",
    "용容", "규圭", "상尙", "국國", "봉鳳", "덕德", "길吉", "찬燦", "빈彬", "윤潤", "아娥", "예藝",
    "슬瑟", "유裕", "나娜", "다多", "보寶",
]  # fmt: skip

# Jamo of a syllable by index: initial (19), medial (21), final (28).
RR_I = "g kk n d tt r m b pp s ss - j jj ch k t p h".split(" ")  # noqa: SIM905
MR_I = "k kk n t tt r m p pp s ss - ch tch ch' k' t' p' h".split(" ")  # noqa: SIM905
RR_M = "a ae ya yae eo e yeo ye o wa wae oe yo u wo we wi yu eu ui i".split(" ")  # noqa: SIM905
MR_M = "a ae ya yae ŏ e yŏ ye o wa wae oe yo u wŏ we wi yu ŭ ŭi i".split(" ")  # noqa: SIM905
FINALS = "- k k k n n n t l k m l l l p l m p p t t ng t t k t p t".split(" ")  # noqa: SIM905
VOICED = {"k": "g", "t": "d", "p": "b", "ch": "j"}


def jamo(syllable: str) -> tuple[int, int, int]:
    """(initial, medial, final) indices of one Hangul syllable."""
    index = ord(syllable) - 0xAC00
    return index // 588, (index % 588) // 28, index % 28


def syllable(initial: int, medial: int, final: int) -> str:
    """The Hangul syllable of these jamo indices."""
    return chr(0xAC00 + initial * 588 + medial * 28 + final)


def south_reading(word: str) -> str:
    """Initial-sound law on a word's first syllable: ㄹ -> ㅇ/ㄴ, ㄴ -> ㅇ before i/y."""
    if not word:
        return word
    initial, medial, final = jamo(word[0])
    y_like = medial in (2, 3, 6, 7, 12, 17, 20)  # ya yae yeo ye yo yu i
    if initial == 5:
        initial = 11 if y_like else 2
    elif initial == 2 and y_like:
        initial = 11
    return syllable(initial, medial, final) + word[1:]


def romanise(word: str, system: str) -> list[str]:
    """One romanised part per syllable: 'rr', 'mr' (diacritics) or 'nk' (MR without them)."""
    parts: list[str] = []
    previous_final = -1
    for position, char in enumerate(word):
        initial, medial, final = jamo(char)
        head = (RR_I if system == "rr" else MR_I)[initial].replace("-", "")
        if system == "rr" and position == 0 and initial == 5:
            head = "r"
        if system != "rr" and position > 0 and previous_final in (0, 4, 8, 16, 21):
            head = VOICED.get(head, head)  # MR voices k t p ch between voiced sounds
        vowel = (RR_M if system == "rr" else MR_M)[medial]
        tail = FINALS[final].replace("-", "")
        part = head + vowel + tail
        if system == "nk":
            part = part.replace("ŏ", "o").replace("ŭ", "u").replace("'", "")
        parts.append(part)
        previous_final = final
    return parts


def customary(word: str, rng: random.Random) -> list[str]:
    """English-style spelling: eo -> u, u -> oo, i -> ee now and then (Young, Soo, Hee)."""
    parts = []
    for part in romanise(word, "rr"):
        part = part.replace("yeong", "young").replace("eo", rng.choice(["u", "eo"]))
        if part.endswith("u") and not part.endswith("eu"):
            part = part[:-1] + rng.choice(["oo", "u"])
        if part.endswith("ui"):
            part = part[:-2] + "ee"
        parts.append(part)
    return parts


@dataclass
class Person:
    """Truth: one person's surname row, given name (North Hangul + hanja), date, sex, passports."""

    pid: int
    surname: tuple[str, str, str, int, str, str, str]
    given: list[str]
    born: date
    sex: str
    passports: list[str]


def _passport(rng: random.Random) -> str:
    """A North-style nine-digit number or a South-style letter and eight digits."""
    if rng.random() < 0.5:
        return str(rng.randint(100_000_000, 999_999_999))
    return rng.choice("MSR") + str(rng.randint(10_000_000, 99_999_999))


def _new_person(rng: random.Random, pid: int) -> Person:
    """A person with frequency-weighted surname and given syllables."""
    surname = rng.choices(SURNAMES, weights=[s[3] for s in SURNAMES])[0]
    weights = [1.0 / (i + 5) for i in range(len(GIVEN))]
    count = 1 if rng.random() < 0.06 else 2
    given = rng.choices(GIVEN, weights=weights, k=count)
    born = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 48))
    passports = [_passport(rng)] if rng.random() < 0.8 else []
    if passports and rng.random() < 0.15:
        passports.append(_passport(rng))  # renewed: older records keep the old number
    return Person(pid, surname, given, born, rng.choice("MF"), passports)


def _relative_of(rng: random.Random, other: Person, pid: int) -> Person:
    """A namesake: same name, another birth date, a third of them in the same year."""
    person = _new_person(rng, pid)
    person.surname, person.given = other.surname, list(other.given)
    if rng.random() < 0.35:
        person.born = other.born.replace(month=rng.randint(1, 12), day=rng.randint(1, 28))
        person.sex = other.sex if rng.random() < 0.7 else person.sex
    return person


def make_people(rng: random.Random, count: int) -> list[Person]:
    """People; 7% share a name with someone earlier (chains of namesakes)."""
    people: list[Person] = []
    for pid in range(count):
        if people and rng.random() < 0.07:
            people.append(_relative_of(rng, rng.choice(people[-5000:]), pid))
        else:
            people.append(_new_person(rng, pid))
    return people


def given_hangul(person: Person, north: bool) -> str:
    """The given name in Hangul, North (dictionary) or South reading."""
    word = "".join(s[0] for s in person.given)
    return word if north else south_reading(word)


def given_hanja(person: Person) -> str:
    """The given name in hanja."""
    return "".join(s[1] for s in person.given)


def written_date(rng: random.Random, born: date, placeholder_rate: float) -> str:
    """A birth date as a register writes it: placeholder, missing, a slip, or exact."""
    roll = rng.random()
    if roll < 0.10:
        return ""
    if roll < 0.10 + placeholder_rate:
        return "1900-01-01" if rng.random() < 0.15 else f"{born.year}-01-01"
    text = born.isoformat()
    if roll > 0.975:  # one digit slipped in the month, the day or the year's last digit
        index = rng.choice([3, 6, 9])
        text = text[:index] + str((int(text[index]) + rng.randint(1, 9)) % 10) + text[index + 1 :]
    return text


def written_passport(rng: random.Random, person: Person, rate: float) -> str:
    """The passport on this record, if the office asks: current or old, seldom mistyped."""
    if not person.passports or rng.random() > rate:
        return ""
    number = rng.choice(person.passports) if rng.random() < 0.5 else person.passports[0]
    if rng.random() < 0.03:
        index = rng.randrange(1, len(number))
        number = number[:index] + str(rng.randint(0, 9)) + number[index + 1 :]
    return number


def _latin_family(person: Person, system: str, rng: random.Random) -> str:
    """The surname as an office in this system writes it."""
    south, north, _, _, rr, mr, usual = person.surname
    if system == "rr":
        return rr
    if system == "mr":
        return mr
    if system == "nk":  # North spelling of the North Hangul: 리 Ri, 림 Rim, 류 Ryu
        return (
            "".join(romanise(north, "nk")).capitalize()
            if north != south
            else mr.replace("'", "").replace("ŏ", "o")
        )
    return rng.choice(usual.split())


def _latin_given(person: Person, system: str, rng: random.Random) -> list[str]:
    """Syllables of the given name in a system (North readings for 'nk')."""
    if system == "nk":
        return romanise(given_hangul(person, north=True), "nk")
    if system == "custom":
        return customary(given_hangul(person, north=False), rng)
    return romanise(given_hangul(person, north=False), system)


def _hyphenated(parts: list[str]) -> str:
    """Tae-hyeon: syllables joined by a hyphen, first letter capital."""
    return "-".join(parts).capitalize()


def consulate(rng: random.Random, person: Person) -> tuple[str, str, str]:
    """Revised Romanization, hyphen or run together; Hangul (South) half the time."""
    parts = _latin_given(person, "rr", rng)
    given = _hyphenated(parts) if rng.random() < 0.6 else "".join(parts).capitalize()
    native = person.surname[0] + given_hangul(person, False) if rng.random() < 0.5 else ""
    return _latin_family(person, "rr", rng), given, native


def north_register(rng: random.Random, person: Person) -> tuple[str, str, str]:
    """ASCII McCune–Reischauer of North readings, syllables spaced; North Hangul, often spaced."""
    parts = [p.capitalize() for p in _latin_given(person, "nk", rng)]
    given = " ".join(parts) if rng.random() < 0.7 else "-".join(parts).capitalize()
    gap = " " if rng.random() < 0.5 else ""
    north = person.surname[1] + gap + given_hangul(person, True)
    return _latin_family(person, "nk", rng), given, north if rng.random() < 0.6 else ""


def hanja_register(rng: random.Random, person: Person) -> tuple[str, str, str]:
    """Hanja in the native column, nothing in Latin letters."""
    return "", "", person.surname[2] + given_hanja(person)


def labour_office(rng: random.Random, person: Person) -> tuple[str, str, str]:
    """The whole name in one field, in either order, or split in the wrong place."""
    system = rng.choice(["rr", "custom", "custom"])
    family = _latin_family(person, system, rng)
    parts = _latin_given(person, system, rng)
    given = _hyphenated(parts)
    roll = rng.random()
    if roll < 0.4:
        return f"{family} {given}", "", ""
    if roll < 0.65:
        return f"{family}, {given}", "", ""
    if roll < 0.85:
        return "", f"{' '.join(p.capitalize() for p in parts)} {family}", ""
    if len(parts) > 1:  # mis-split: the first given syllable went with the surname
        return f"{family} {parts[0].capitalize()}", "-".join(parts[1:]), ""
    return family, given, ""


def embassy(rng: random.Random, person: Person) -> tuple[str, str, str]:
    """McCune–Reischauer with breves and apostrophes; Hangul with a space half the time."""
    given = _hyphenated(_latin_given(person, "mr", rng))
    native = f"{person.surname[0]} {given_hangul(person, False)}" if rng.random() < 0.5 else ""
    return _latin_family(person, "mr", rng), given, native


def passport_scan(rng: random.Random, person: Person) -> tuple[str, str, str]:
    """Capitals as printed in a passport, given syllables run together."""
    system = "rr" if rng.random() < 0.7 else "nk"
    given = "".join(_latin_given(person, system, rng)).upper()
    return _latin_family(person, system, rng).upper(), given, ""


def community_list(rng: random.Random, person: Person) -> tuple[str, str, str]:
    """Hangul only, South reading, with or without a space after the surname."""
    gap = " " if rng.random() < 0.5 else ""
    return "", "", person.surname[0] + gap + given_hangul(person, False)


# office, weight, share of placeholder dates, share of records with the passport
OFFICES = [
    (consulate, 22, 0.03, 0.75),
    (north_register, 18, 0.30, 0.55),
    (hanja_register, 8, 0.20, 0.45),
    (labour_office, 14, 0.10, 0.40),
    (embassy, 12, 0.05, 0.80),
    (passport_scan, 14, 0.00, 0.95),
    (community_list, 12, 0.25, 0.15),
]


def record(rng: random.Random, person: Person, record_id: str) -> list[str]:
    """One record of a person, as one office writes it."""
    office, _, placeholders, passports = rng.choices(OFFICES, weights=[o[1] for o in OFFICES])[0]
    family, given, native = office(rng, person)
    sex = "" if rng.random() < 0.08 else person.sex
    if sex and rng.random() < 0.002:
        sex = "M" if sex == "F" else "F"
    dob = written_date(rng, person.born, placeholders)
    passport = written_passport(rng, person, passports)
    return [record_id, family, given, native, dob, sex, passport, f"P{person.pid}"]


def generate(size: int, seed: int = 11) -> pl.DataFrame:
    """`size` link-input records with a `person_id` truth column."""
    rng = random.Random(seed)
    people = make_people(rng, size // 2 + 10)
    rows: list[list[str]] = []
    for person in people:
        copies = rng.choices([1, 2, 3, 4, 5], weights=[40, 30, 17, 9, 4])[0]
        rows.extend(record(rng, person, f"G{len(rows):07d}") for _ in range(copies))
        if len(rows) >= size:
            break
    frame = pl.DataFrame(rows[:size], schema=COLUMNS, orient="row")
    return frame.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in COLUMNS
    )


if __name__ == "__main__":
    sample = generate(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    with pl.Config(tbl_rows=40, tbl_cols=8, fmt_str_lengths=24):
        print(sample.head(40))
