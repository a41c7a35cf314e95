"""Linkage benchmark: synthetic Korean person records in every script and spelling.

    .venv/bin/python bench/linkage.py --quick            # 20,000 records, about a minute
    .venv/bin/python bench/linkage.py --sizes 100000 1000000
    .venv/bin/python bench/linkage_both.py --sizes 100000 1000000   # and a second generator

For each size it generates records (Hangul, North/South readings, hanja, RR,
McCune–Reischauer with diacritics, North Korean style, customary spellings,
passport capitals; swapped and merged name fields, typos, swapped day/month,
missing passports, namesakes and twins), then links them twice in the same
run: with Muster's model (`muster.linkage.link_records`) and with Splink given
the raw columns and its default comparisons ("plain"). It prints pairwise
precision, recall, F1 and wall time, and with `--write` replaces the
"## Linkage" section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import polars as pl
from ko_pron import romanise

RESULTS = Path(__file__).with_name("RESULTS.md")
FIRST_BIRTH = date(1958, 1, 1)
BIRTH_SPAN = (date(2002, 12, 31) - FIRST_BIRTH).days
COLUMNS = ["record_id", "family_name", "given_name", "name_native"]
COLUMNS += ["date_of_birth", "sex", "passport_no", "person_id"]

# South Hangul, hanja, North Hangul, weight (per mille), customary spellings
SURNAMES = [
    ("김", "金", "김", 215, "Kim"), ("이", "李", "리", 147, "Lee Yi Rhee"),
    ("박", "朴", "박", 84, "Park"), ("최", "崔", "최", 47, "Choi"),
    ("정", "鄭", "정", 44, "Jung Chung Jeong"), ("강", "姜", "강", 23, "Kang"),
    ("조", "趙", "조", 21, "Cho Jo"), ("윤", "尹", "윤", 21, "Yoon Yun"),
    ("장", "張", "장", 20, "Jang Chang"), ("임", "林", "림", 17, "Lim Im Yim"),
    ("한", "韓", "한", 15, "Han"), ("오", "吳", "오", 15, "Oh"),
    ("서", "徐", "서", 15, "Seo Suh"), ("신", "申", "신", 15, "Shin"),
    ("권", "權", "권", 14, "Kwon"), ("황", "黃", "황", 14, "Hwang"),
    ("안", "安", "안", 14, "Ahn"), ("송", "宋", "송", 14, "Song"),
    ("유", "柳", "류", 12, "Yoo Ryu Yu"), ("전", "全", "전", 11, "Jeon Chun"),
    ("홍", "洪", "홍", 11, "Hong"), ("고", "高", "고", 9, "Ko Koh"),
    ("문", "文", "문", 9, "Moon"), ("양", "梁", "량", 9, "Yang"),
    ("손", "孫", "손", 9, "Son Sohn"), ("배", "裵", "배", 8, "Bae"),
    ("백", "白", "백", 7, "Baek Paik"), ("허", "許", "허", 6, "Heo Hur"),
    ("남", "南", "남", 6, "Nam"), ("노", "盧", "로", 5, "Noh Roh"),
    ("하", "河", "하", 5, "Ha"), ("곽", "郭", "곽", 4, "Kwak"),
    ("성", "成", "성", 4, "Sung"), ("차", "車", "차", 4, "Cha"),
    ("주", "朱", "주", 4, "Joo"), ("우", "禹", "우", 4, "Woo"),
    ("민", "閔", "민", 3, "Min"), ("나", "羅", "라", 3, "Na Ra"),
    ("지", "池", "지", 3, "Ji"), ("엄", "嚴", "엄", 3, "Eom Um"),
    ("채", "蔡", "채", 3, "Chae"), ("원", "元", "원", 3, "Won"),
    ("방", "方", "방", 2, "Bang"), ("변", "卞", "변", 2, "Byun"),
    ("현", "玄", "현", 2, "Hyun"), ("함", "咸", "함", 2, "Ham"),
    ("여", "呂", "려", 2, "Yeo"), ("염", "廉", "렴", 1, "Yeom"),
    ("남궁", "南宮", "남궁", 1, "Namkoong"), ("황보", "皇甫", "황보", 1, "Hwangbo"),
]  # fmt: skip
# Given-name syllables: North (dictionary) Hangul reading and hanja; weights fall off.
SYLLABLES = [
    "영英",
    "철哲",
    "수洙",
    "민敏",
    "준俊",
    "현賢",
    "성成",
    "호浩",
    "진眞",
    "혁赫",
    "정貞",
    "은恩",
    "희熙",
    "경京",
    "미美",
    "숙淑",
    "순順",
    "옥玉",
    "광光",
    "명明",
    "남南",
    "일日",
    "룡龍",
    "림林",
    "련蓮",
    "란蘭",
    "혜惠",
    "지智",
    "서瑞",
    "윤允",
    "하夏",
    "아雅",
    "주珠",
    "연姸",
    "우宇",
    "석錫",
    "동東",
    "훈勳",
    "재在",
    "상相",
    "태泰",
    "국國",
    "범範",
    "길吉",
    "만萬",
    "복福",
    "애愛",
    "향香",
    "화花",
    "금錦",
    "송松",
    "춘春",
    "학學",
    "봉鳳",
    "선善",
    "종鍾",
    "창昌",
    "원元",
    "기基",
    "규奎",
    "환煥",
    "식植",
    "근根",
    "덕德",
    "리利",
    "력力",
    "려麗",
    "렬烈",
    "래來",
    "녀女",
    "향香",
    "운雲",
    "용勇",
    "설雪",
]


@cache
def roman(syllable: str, system: str) -> str:
    """One syllable romanised by ko-pron ('rr' or 'mr')."""
    return str(romanise(syllable, system))


def south(word: str) -> str:
    """South reading: initial-sound rule on the first syllable."""
    from hanja.hangul import dooeum

    return str(dooeum(" ", word[0])) + word[1:] if word else word


def strip_marks(text: str) -> str:
    """McCune–Reischauer without diacritics and apostrophes (North Korean style)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "'’")


def customary(rr: str) -> str:
    """Customary English-style spelling of an RR syllable (cheol -> chul, su -> soo, u -> woo)."""
    text = rr.replace("yeo", "you" if rr.endswith("ng") else "yu").replace("eo", "u")
    text = text.replace("ui", "ee") if text.endswith("ui") else text
    if text == "u":
        return "woo"
    return text[:-1] + "oo" if text.endswith("u") and len(text) <= 3 else text


@dataclass
class Person:
    """One synthetic person: the truth the records are drawn from."""

    pid: int
    surname: tuple[str, str, str, int, str]
    given: list[str]  # syllables like "영英"
    dob: str
    sex: str
    passport: str | None


def given_syllables(rng: random.Random, weights: list[float]) -> list[str]:
    """One or two given-name syllables, common ones more often."""
    first = rng.choices(SYLLABLES, weights=weights)[0]
    if rng.random() < 0.08:
        return [first]
    second = first
    while second == first:
        second = rng.choices(SYLLABLES, weights=weights)[0]
    return [first, second]


def make_people(rng: random.Random, count: int) -> list[Person]:
    """People with realistic name frequencies, plus namesakes and twins."""
    weights = [1 / (i + 8) for i in range(len(SYLLABLES))]
    surname_weights = [s[3] for s in SURNAMES]
    people: list[Person] = []
    while len(people) < count:
        pid = len(people)
        dob = (FIRST_BIRTH + timedelta(days=rng.randrange(BIRTH_SPAN))).isoformat()
        surname = rng.choices(SURNAMES, weights=surname_weights)[0]
        given = given_syllables(rng, weights)
        if people and rng.random() < 0.03:  # namesake: someone else's name, own birth date
            other = rng.choice(people)
            surname, given = other.surname, list(other.given)
        passport = (
            f"{rng.choice('GMPS')}{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.75 else None
        )
        people.append(Person(pid, surname, given, dob, rng.choice("MF"), passport))
        if rng.random() < 0.02:  # twin: same surname and birth date, another given name
            twin = (
                [given[0], rng.choice(SYLLABLES)]
                if rng.random() < 0.5
                else given_syllables(rng, weights)
            )
            if [s[0] for s in twin] != [s[0] for s in given]:
                passport = f"{rng.choice('GMPS')}{rng.randint(10**7, 10**8 - 1)}"
                people.append(Person(pid + 1, surname, twin, dob, rng.choice("MF"), passport))
    return people[:count]


def _given_hangul(person: Person, reading: str) -> str:
    """Given name in Hangul, North (dictionary) or South reading."""
    word = "".join(s[0] for s in person.given)
    return south(word) if reading == "south" else word


def native_name(person: Person, form: str) -> str:
    """The whole name in a native script form."""
    south_sur, hanja_sur, north_sur = person.surname[:3]
    if form == "south":
        return south_sur + _given_hangul(person, "south")
    if form == "north":
        return north_sur + _given_hangul(person, "north")
    if form == "spaced":
        return f"{south_sur} {_given_hangul(person, 'south')}"
    return hanja_sur + "".join(s[1] for s in person.given)


def _join(rng: random.Random, parts: list[str], caps: bool = False) -> str:
    """Syllables joined by a hyphen, a space or nothing, as people write them."""
    if caps:
        return "".join(parts).upper()
    style = rng.choice(["-", "", " "])
    if style == " ":
        return " ".join(p.capitalize() for p in parts)
    return style.join(parts).capitalize()


def latin_name(rng: random.Random, person: Person, system: str) -> tuple[str, str]:
    """(family, given) romanised in one system."""
    south_sur, _, north_sur = person.surname[:3]
    given_s = list(_given_hangul(person, "south"))
    given_n = list(_given_hangul(person, "north"))
    if system == "rr":
        family = "".join(roman(s, "rr") for s in south_sur)
        return family.capitalize(), _join(rng, [roman(s, "rr") for s in given_s])
    if system == "mr":
        family = "yi" if south_sur == "이" else "".join(roman(s, "mr") for s in south_sur)
        return family.capitalize(), "-".join(roman(s, "mr") for s in given_s).capitalize()
    if system == "nk":
        family = strip_marks("".join(roman(s, "mr") for s in north_sur))
        parts = [strip_marks(roman(s, "mr")) for s in given_n]
        return family.capitalize(), " ".join(p.capitalize() for p in parts)
    if system == "customary":
        family = rng.choice(person.surname[4].split())
        return family, _join(rng, [customary(roman(s, "rr")) for s in given_s])
    family, given = latin_name(rng, person, rng.choice(["rr", "nk"]))
    return family.upper(), re.sub(r"[\s-]", "", given).upper()


def typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a letter replaced, dropped, doubled or two swapped."""
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.randrange(4)
    if kind == 0:
        return text[:i] + rng.choice("aeioumnkgs") + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + text[i] + text[i:]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def messy_dob(rng: random.Random, dob: str) -> str:
    """Birth date, sometimes with day and month swapped, a digit off, or missing."""
    roll = rng.random()
    if roll < 0.03:
        return f"{dob[:4]}-{dob[8:]}-{dob[5:7]}"
    if roll < 0.06:
        i = rng.choice([2, 3, 6, 9])
        return dob[:i] + str((int(dob[i]) + rng.randint(1, 8)) % 10) + dob[i + 1 :]
    return "" if roll < 0.08 else dob


def render(rng: random.Random, person: Person, record_id: str) -> list[str]:
    """One record of a person as a workplace might list it."""
    native_form = rng.choices(["south", "north", "spaced", "hanja", ""], [30, 10, 5, 15, 40])[0]
    system = rng.choices(["rr", "mr", "nk", "customary", "passport", ""], [20, 12, 20, 20, 18, 10])[
        0
    ]
    if not native_form and not system:
        system = "nk"
    family, given = latin_name(rng, person, system) if system else ("", "")
    if given and rng.random() < 0.05:
        given = typo(rng, given)
    roll = rng.random()
    if family and roll < 0.04:
        family, given = given, family
    elif family and roll < 0.08:
        whole = f"{given} {family}" if rng.random() < 0.3 else f"{family} {given}"
        family, given = ("", whole) if rng.random() < 0.5 else (whole, "")
    passport = person.passport if person.passport and rng.random() < 0.6 else ""
    if passport and rng.random() < 0.03:
        passport = typo(rng, passport)
    sex = person.sex if rng.random() > 0.05 else ""
    native = native_name(person, native_form) if native_form else ""
    dob = messy_dob(rng, person.dob)
    return [record_id, family, given, native, dob, sex, passport, str(person.pid)]


def generate(size: int, seed: int = 7) -> pl.DataFrame:
    """`size` link-input records with a `person_id` truth column."""
    rng = random.Random(seed)
    people = make_people(rng, int(size / 1.8) + 10)
    rows: list[list[str]] = []
    for person in people:
        copies = rng.choices([1, 2, 3, 4, 5], [45, 30, 15, 7, 3])[0]
        base = len(rows)
        rows.extend([render(rng, person, f"R{base + i:07d}") for i in range(copies)])
        if len(rows) >= size:
            break
    frame = pl.DataFrame(rows[:size], schema=COLUMNS, orient="row")
    return frame.with_columns(
        pl.when(pl.col(c) == "").then(None).otherwise(pl.col(c)).alias(c) for c in COLUMNS
    )


def pairwise_scores(truth: pl.DataFrame, clusters: pl.DataFrame) -> dict[str, float]:
    """Pairwise precision, recall and F1 of clusters against the true person ids."""
    joined = truth.select("record_id", "person_id").join(clusters, on="record_id")

    def pairs(*keys: str) -> int:
        sizes = joined.group_by(list(keys)).len()["len"]
        return int((sizes * (sizes - 1) // 2).sum())

    true_positive = pairs("person_id", "cluster_id")
    predicted, actual = pairs("cluster_id"), pairs("person_id")
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / actual if actual else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def link_muster(records: pl.DataFrame) -> pl.DataFrame:
    """Muster's linkage: normalised keys, trained Splink model, clustering."""
    from muster.linkage import link_records

    return link_records(records).clusters


def link_plain(records: pl.DataFrame) -> pl.DataFrame:
    """Splink on the raw columns with its default comparisons, trained the same way."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="record_id",
        comparisons=[
            cl.NameComparison("family_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("given_name"),
            cl.NameComparison("name_native"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True),
            cl.ExactMatch("sex"),
            cl.LevenshteinAtThresholds("passport_no"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("family_name", "date_of_birth"),
            block_on("given_name", "date_of_birth"),
            block_on("name_native"),
            block_on("passport_no"),
        ],
    )
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(records.to_arrow()), settings, log_level=None)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        [block_on("family_name", "given_name", "date_of_birth")], recall=0.7
    )
    training.estimate_u_using_random_sampling(max_pairs=3e6, seed=1)
    training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    training.estimate_parameters_using_expectation_maximisation(
        block_on("family_name", "given_name")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.9)
    frame = pl.from_arrow(clusters.as_pyarrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame.select(pl.col("record_id").cast(pl.String), pl.col("cluster_id").cast(pl.String))


def measure(name: str, records: pl.DataFrame, link: Any) -> dict[str, Any]:
    """Run one linker on the records and score it (cold: no cached name readings)."""
    from muster.linkage.fields import clear_caches

    clear_caches()
    started = time.perf_counter()
    clusters = link(records.drop("person_id"))
    seconds = time.perf_counter() - started
    scores = pairwise_scores(records, clusters)
    row = {"size": len(records), "config": name, **scores, "seconds": seconds}
    print(
        f"{len(records):>9,} {name:<7} P {scores['precision']:.4f} R {scores['recall']:.4f} "
        f"F1 {scores['f1']:.4f} {seconds:7.1f} s",
        file=sys.stderr,
    )
    return row


NOTES = (
    "Generator: about 1.8 records per person; per record 5% given-name typos, 4% swapped "
    "and 4% merged name fields (30% of merged ones in Western order), 3% day/month swaps, "
    "3% one-digit date typos, 2% missing dates, 40% no passport; 3% of people are "
    "namesakes of another, 2% have a twin. What remains at 1,000,000: records without a "
    "birth date whose name several people share (about half of the missed pairs; such a "
    "record cannot be placed on its name alone), namesakes whose dates differ by one "
    "digit, same-sex twins whose Latin-only names are one slip apart, and typos that "
    "move a name's phonetic key by more than one letter; near the threshold these pairs "
    "are about as often the same person as not."
)


def results_section(rows: list[dict[str, Any]], command: str) -> str:
    """The "## Linkage" section of RESULTS.md."""
    lines = [
        "## Linkage",
        "",
        f"Command: `{command}` (2 cores; times are wall clock for linking, generation excluded).",
        "",
        "| records | configuration | precision | recall | F1 | time (s) |",
        "| ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {r['size']:,} | {r['config']} | {r['precision']:.4f} | {r['recall']:.4f} "
        f"| {r['f1']:.4f} | {r['seconds']:.1f} |"
        for r in rows
    ]
    lines += [
        "",
        "`muster` = normalised name keys + Splink model (`muster.linkage.link_records`, duckdb);",
        "`plain` = Splink on the raw columns with its default comparisons "
        "(NameComparison, DateOfBirthComparison, ExactMatch, LevenshteinAtThresholds), "
        "trained and clustered the same way.",
        "",
        NOTES,
        "",
    ]
    return "\n".join(lines)


def write_results(section: str) -> None:
    """Replace (or append) the "## Linkage" section of bench/RESULTS.md."""
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    pattern = re.compile(r"^## Linkage\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    """Generate, link with both configurations, report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one small size (20,000)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--no-plain", action="store_true", help="skip the plain configuration")
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    args = parser.parse_args()
    logging.getLogger("splink").setLevel(logging.ERROR)
    sizes = [20_000] if args.quick else args.sizes
    rows: list[dict[str, Any]] = []
    for size in sizes:
        records = generate(size, seed=args.seed)
        rows.append(measure("muster", records, link_muster))
        if not args.no_plain:
            rows.append(measure("plain", records, link_plain))
    if args.write:
        write_results(results_section(rows, "python bench/linkage.py " + " ".join(sys.argv[1:])))


if __name__ == "__main__":
    main()
