"""Fictional Korean names: Hangul, and Latin spellings in the romanisations people really use.

The same person is written differently by different offices (Revised Romanisation,
McCune-Reischauer without breves, popular spellings; joined, hyphenated or spaced), which
is exactly what linkage has to cope with.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass

# Romanisation styles: index into the spelling tuples below.
RR, MR, POPULAR = 0, 1, 2
STYLES = (RR, MR, POPULAR)

# (hangul, relative frequency, (RR, MR, popular)).
SURNAMES: tuple[tuple[str, int, tuple[str, str, str]], ...] = (
    ("김", 215, ("Gim", "Kim", "Kim")),
    ("리", 90, ("Ri", "Ri", "Lee")),
    ("이", 60, ("I", "Yi", "Lee")),
    ("박", 85, ("Bak", "Pak", "Park")),
    ("최", 47, ("Choe", "Choe", "Choi")),
    ("정", 44, ("Jeong", "Chong", "Jung")),
    ("강", 24, ("Gang", "Kang", "Kang")),
    ("조", 21, ("Jo", "Cho", "Cho")),
    ("윤", 21, ("Yun", "Yun", "Yoon")),
    ("장", 20, ("Jang", "Chang", "Jang")),
    ("림", 20, ("Rim", "Rim", "Lim")),
    ("한", 15, ("Han", "Han", "Han")),
    ("오", 15, ("O", "O", "Oh")),
    ("서", 15, ("Seo", "So", "Suh")),
    ("신", 14, ("Sin", "Sin", "Shin")),
    ("권", 14, ("Gwon", "Kwon", "Kwon")),
    ("황", 13, ("Hwang", "Hwang", "Hwang")),
    ("안", 13, ("An", "An", "Ahn")),
    ("송", 13, ("Song", "Song", "Song")),
    ("류", 12, ("Ryu", "Ryu", "Yoo")),
    ("전", 11, ("Jeon", "Jon", "Jun")),
    ("홍", 11, ("Hong", "Hong", "Hong")),
    ("고", 9, ("Go", "Ko", "Ko")),
    ("문", 9, ("Mun", "Mun", "Moon")),
    ("량", 8, ("Ryang", "Ryang", "Yang")),
    ("손", 8, ("Son", "Son", "Sohn")),
    ("배", 8, ("Bae", "Pae", "Bae")),
    ("백", 8, ("Baek", "Paek", "Baik")),
    ("허", 7, ("Heo", "Ho", "Huh")),
    ("남", 6, ("Nam", "Nam", "Nam")),
    ("로", 6, ("Ro", "Ro", "Roh")),
    ("차", 5, ("Cha", "Cha", "Cha")),
)

Syllable = tuple[str, tuple[str, str, str]]

MALE_SYLLABLES: tuple[Syllable, ...] = (
    ("철", ("cheol", "chol", "chul")), ("수", ("su", "su", "soo")),
    ("영", ("yeong", "yong", "young")), ("민", ("min", "min", "min")),
    ("준", ("jun", "jun", "joon")), ("호", ("ho", "ho", "ho")),
    ("성", ("seong", "song", "sung")), ("현", ("hyeon", "hyon", "hyun")),
    ("진", ("jin", "jin", "jin")), ("광", ("gwang", "kwang", "kwang")),
    ("명", ("myeong", "myong", "myung")), ("혁", ("hyeok", "hyok", "hyuk")),
    ("일", ("il", "il", "il")), ("남", ("nam", "nam", "nam")),
    ("국", ("guk", "kuk", "kook")), ("용", ("yong", "yong", "yong")),
    ("학", ("hak", "hak", "hak")), ("동", ("dong", "tong", "dong")),
    ("석", ("seok", "sok", "suk")), ("춘", ("chun", "chun", "choon")),
    ("룡", ("ryong", "ryong", "ryong")), ("길", ("gil", "kil", "gil")),
    ("범", ("beom", "pom", "bum")), ("훈", ("hun", "hun", "hoon")),
)  # fmt: skip

FEMALE_SYLLABLES: tuple[Syllable, ...] = (
    ("영", ("yeong", "yong", "young")), ("희", ("hui", "hui", "hee")),
    ("옥", ("ok", "ok", "ok")), ("미", ("mi", "mi", "mi")),
    ("향", ("hyang", "hyang", "hyang")), ("금", ("geum", "kum", "keum")),
    ("은", ("eun", "un", "eun")), ("경", ("gyeong", "kyong", "kyung")),
    ("혜", ("hye", "hye", "hye")), ("선", ("seon", "son", "sun")),
    ("주", ("ju", "ju", "joo")), ("화", ("hwa", "hwa", "hwa")),
    ("란", ("ran", "ran", "ran")), ("숙", ("suk", "suk", "sook")),
    ("순", ("sun", "sun", "soon")), ("정", ("jeong", "jong", "jung")),
    ("연", ("yeon", "yon", "yeon")), ("실", ("sil", "sil", "sil")),
    ("심", ("sim", "sim", "shim")), ("복", ("bok", "pok", "bok")),
)  # fmt: skip

_SURNAME_CUM_WEIGHTS = list(itertools.accumulate(s[1] for s in SURNAMES))


@dataclass(frozen=True)
class KoreanName:
    """A name in Hangul with the pieces needed to spell it in any romanisation."""

    family_hangul: str
    given_hangul: str
    family_spellings: tuple[str, str, str]
    given_spellings: tuple[tuple[str, str, str], ...]

    @property
    def native(self) -> str:
        """The name as written in Hangul, family name first, no space."""
        return self.family_hangul + self.given_hangul

    def latin(self, style: int, joiner: str, upper_family: bool = False) -> tuple[str, str]:
        """(family_name, given_name) in one romanisation; joiner is "", "-" or " "."""
        family = self.family_spellings[style]
        parts = [spellings[style] for spellings in self.given_spellings]
        given = _join(parts, joiner)
        return (family.upper() if upper_family else family), given


def _join(parts: list[str], joiner: str) -> str:
    """Syllables joined the way people write them: Cheolsu, Cheol-su or Cheol Su."""
    if joiner == " ":
        return " ".join(p.capitalize() for p in parts)
    return joiner.join(parts).capitalize()


def random_name(rng: random.Random, sex: str) -> KoreanName:
    """A plausible name for a person of this sex (two-syllable given name)."""
    family = rng.choices(SURNAMES, cum_weights=_SURNAME_CUM_WEIGHTS)[0]
    pool = MALE_SYLLABLES if sex == "M" else FEMALE_SYLLABLES
    first, second = rng.sample(pool, 2)
    return KoreanName(
        family_hangul=family[0],
        given_hangul=first[0] + second[0],
        family_spellings=family[2],
        given_spellings=(first[1], second[1]),
    )


def random_spelling(rng: random.Random, name: KoreanName) -> tuple[str, str]:
    """One office's Latin spelling of a name: a random style, joiner and capitalisation."""
    style = rng.choice(STYLES)
    joiner = rng.choice(("", "-", " "))
    return name.latin(style, joiner, upper_family=rng.random() < 0.2)


def other_spelling(
    rng: random.Random, name: KoreanName, current: tuple[str, str]
) -> tuple[str, str]:
    """A Latin spelling different from `current` when the name allows one (for variant lists)."""
    for _ in range(8):
        candidate = random_spelling(rng, name)
        if candidate != current:
            return candidate
    return current
