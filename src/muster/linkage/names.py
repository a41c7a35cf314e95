"""A person's name fields -> comparable keys, with swapped and merged fields detected.

Input is what a list says: `family_name`, `given_name` (usually Latin, in any
romanisation, sometimes Hangul) and `name_native` (Hangul or hanja, whole name).
Output is a `PersonName`: phonetic keys for the family and the given name, and
the Hangul spelling where the native script gives it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from muster.linkage.hangul import compose, despace, hangul_only, south_form
from muster.linkage.hanja_readings import contains_han, read_given_name, read_surname
from muster.linkage.phonetic import hangul_key, latin_key
from muster.linkage.surnames import (
    surname_for_hangul,
    surname_rank,
    surnames_for_latin,
    two_syllable_surnames,
)

_TOKENS = re.compile(r"[\s,;]+")
# Two-syllable surnames whose second syllable often starts a given name (선+우진, 서+문수):
# a three-character name starting so is read with a one-syllable surname unless told.
_AMBIGUOUS_PREFIXES = frozenset({"선우", "서문", "鮮于", "西門"})


_CACHE = 1 << 18
_ANY_HANGUL = re.compile(r"[가-힣]")


@lru_cache(maxsize=_CACHE)
def is_native(text: str) -> bool:
    """True if the text is written in Hangul or hanja."""
    return contains_han(text) or _ANY_HANGUL.search(compose(text)) is not None


@lru_cache(maxsize=_CACHE)
def to_hangul(text: str, surname: bool) -> str:
    """Hangul (South reading) of a Hangul/hanja name part; empty if it has neither."""
    word = despace(compose(text))
    if contains_han(word):
        word = read_surname(word).south if surname else read_given_name(word).south
    word = hangul_only(word)
    return south_form(word) if word else ""


def is_surname(token: str) -> bool:
    """True if the token is a known surname in Hangul, hanja or a Latin spelling."""
    return _token_rank(token) is not None


def _surname_cuts(word: str) -> tuple[int, int | None]:
    """Leading characters of a whole native name that are the surname: (usual, other)."""
    if len(word) < 3 or word[:2] not in two_syllable_surnames():
        return 1, None
    if len(word) >= 4 or not is_surname(word[0]):
        return 2, None
    return (1, 2) if word[:2] in _AMBIGUOUS_PREFIXES else (2, 1)


@lru_cache(maxsize=_CACHE)
def native_parts(text: str) -> tuple[tuple[str, str], tuple[str, str] | None] | None:
    """(family, given) of a whole native name as written, and the other cut if ambiguous."""
    tokens = [t for t in _TOKENS.split(compose(text).strip()) if t]
    if not tokens or not is_native(text):
        return None
    if len(tokens) > 1:
        if is_surname(tokens[-1]) and not is_surname(tokens[0]):
            tokens = [tokens[-1], *tokens[:-1]]
        return (tokens[0], "".join(tokens[1:])), None
    word = tokens[0]
    if len(word) == 1:
        return ((word, "") if is_surname(word) else ("", word)), None
    usual, other = _surname_cuts(word)
    return (word[:usual], word[usual:]), (word[:other], word[other:]) if other else None


@lru_cache(maxsize=_CACHE)
def native_splits(text: str) -> tuple[tuple[str, str], tuple[str, str] | None] | None:
    """Hangul (family, given) of a whole native name, and the other reading if ambiguous."""
    parts = native_parts(text)
    if parts is None:
        return None
    usual, other = parts

    def hangul(family: str, given: str) -> tuple[str, str]:
        return to_hangul(family, True) if family else "", to_hangul(given, False) if given else ""

    return hangul(*usual), hangul(*other) if other else None


def split_native(text: str, latin_family: str = "") -> tuple[str, str] | None:
    """Split a whole native name into Hangul (family, given); None if it is not native.

    A Latin family name, when given, settles 선우진 (선우 + 진, or 선 + 우진).
    """
    splits = native_splits(text)
    if splits is None:
        return None
    usual, other = splits
    if other and latin_family and family_key_of(latin_family) == hangul_key(other[0]):
        return other
    return usual


def split_whole(text: str) -> tuple[str, str]:
    """Split a whole Latin name in one field into (family, given).

    A comma puts the family name first ("Lee, Ha-neul"), unless only the part
    after it is a surname ("Ha-neul, Lee").
    """
    if "," in text:
        family, _, given = (part.strip() for part in text.partition(","))
        if _token_rank(family) is None and _token_rank(given) is not None:
            return given, family
        return family, given
    tokens = [t for t in _TOKENS.split(text) if t]
    if len(tokens) < 2:
        return "", text.strip()
    first, last = _token_rank(tokens[0]), _token_rank(tokens[-1])
    if last is not None and (first is None or last < first):
        return tokens[-1], " ".join(tokens[:-1])
    return tokens[0], " ".join(tokens[1:])


def split_whole_other(text: str) -> tuple[str, str] | None:
    """The other order of a whole Latin name whose both ends are surnames, else None.

    "Yun Jun Go" is read as 윤 + "Jun Go" (윤 is the commoner surname) but may
    be "Yun Jun" of the Go family written in Western order; "Heo So" may be 허 소
    or 소 허. A comma fixes the order; one token has none.
    """
    if "," in text:
        return None
    tokens = [t for t in _TOKENS.split(text) if t]
    if len(tokens) < 2 or _token_rank(tokens[0]) is None or _token_rank(tokens[-1]) is None:
        return None
    family, _ = split_whole(text)
    if family == tokens[0]:
        return tokens[-1], " ".join(tokens[:-1])
    return tokens[0], " ".join(tokens[1:])


def _token_rank(token: str) -> int | None:
    """Surname frequency rank of a token (0 = most common), None if it is no surname.

    Most Korean syllables are some family's surname, so a whole name in Western
    order ("Min Sang Kim") is told from one in Korean order ("Kim Min Sang") by
    which end is the more common surname.
    """
    return surname_rank(despace(compose(token)))


@lru_cache(maxsize=_CACHE)
def family_key_of(text: str) -> str | None:
    """Phonetic key of a surname in any script ("Park", "Pak", "朴", "박" -> PAK)."""
    if not text.strip():
        return None
    if is_native(text):
        return hangul_key(to_hangul(text, True)) or None
    rows = surnames_for_latin(text)
    return hangul_key(rows[0].south) if rows else latin_key(text) or None


# A surname with a North and a South reading (리/이, 라/나, 류/유, 림/임, 로/노) written in
# Latin letters: an R is the North reading; N, Y or a vowel the South one; an L is either
# (Lee and Lim are the customary South spellings, Li a Chinese one), so it tells nothing.
_SOUTH_INITIALS = frozenset("nyaeiouw")


@lru_cache(maxsize=_CACHE)
def family_form_of(text: str) -> str | None:
    """Which reading of a surname the text writes: "N" (라, Ra), "S" (나, Na), or None.

    None for surnames read alike in the North and the South, for hanja (羅 is
    both) and for Latin spellings that do not show it (Lee, Lim).
    """
    word = despace(compose(text.strip()))
    if not word or contains_han(word):
        return None
    if is_native(word):
        row = surname_for_hangul(word)
        if row is None or row.north == row.south:
            return None
        return "N" if word == row.north else "S"
    rows = surnames_for_latin(word)
    if not rows or rows[0].north == rows[0].south:
        return None
    initial = word[0].casefold()
    return "N" if initial == "r" else "S" if initial in _SOUTH_INITIALS else None


@lru_cache(maxsize=_CACHE)
def given_key_of(text: str) -> str | None:
    """Phonetic key of a given name in any script ("Ch'ŏl-su", "Cheolsu", "哲洙" -> COLSO)."""
    if not text.strip():
        return None
    if is_native(text):
        return hangul_key(to_hangul(text, False)) or None
    return latin_key(text) or None


@lru_cache(maxsize=_CACHE)
def latin_surname_hangul(text: str) -> str | None:
    """Hangul of a Latin surname if the spelling stands for exactly one surname."""
    if is_native(text):
        row = surname_for_hangul(to_hangul(text, True))
        return row.south if row else to_hangul(text, True) or None
    rows = surnames_for_latin(text)
    return rows[0].south if len(rows) == 1 else None
