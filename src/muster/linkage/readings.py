"""Hangul readings of a Latin given name: which Hangul names could this spelling stand for?

A romanised name loses information, and each system loses different parts:
North Korean style writes ㅓ and ㅗ both as "o" and drops the apostrophe of
aspiration (철 and 촐 are both "chol"); customary spellings write ㅓ as "u"
("Chul"); Revised Romanization keeps ㅓ ("eo") but writes ㄱ and ㅋ alike at the
end of a syllable. So a spelling is read as the SET of Hangul names any system
could have produced it from: "Yong Su" -> 영수, 용수, 영서, ... while "Yeong-su"
-> 영수, 영스, 영서 only. A Hangul name outside that set cannot be this spelling
(short of a typing slip), which tells twins 영수 and 용수 apart.

Readings follow the South form (initial-sound rule on the first syllable), like
every Hangul name the linkage compares.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import product

from muster.linkage.hangul import build_syllable, south_form
from muster.linkage.phonetic import APOSTROPHES, PART_SEPARATORS

MAX_READINGS = 64

# Latin spelling -> jamo indices (initial, medial and final order of Unicode Hangul).
_INITIALS: dict[str, tuple[int, ...]] = {
    "": (11,), "g": (0,), "k": (0, 15), "k'": (15,), "kh": (15,), "kk": (1,), "gg": (1,),
    "n": (2,), "d": (3,), "t": (3, 16), "t'": (16,), "th": (16,), "tt": (4,), "dd": (4,),
    "r": (5,), "l": (5,), "m": (6,), "b": (7,), "p": (7, 17), "p'": (17,), "ph": (17,),
    "pp": (8,), "bb": (8,), "s": (9,), "sh": (9,), "ss": (10,), "j": (12,), "ch": (12, 14),
    "ch'": (14,), "tch": (13,), "jj": (13,), "h": (18,),
}  # fmt: skip
_MEDIALS: dict[str, tuple[int, ...]] = {
    "a": (0,), "ae": (1,), "ai": (1,), "ya": (2,), "yae": (3,),
    "eo": (4,), "ŏ": (4,), "o": (8, 4), "u": (13, 18, 4), "oo": (13,), "eu": (18,), "ŭ": (18,),
    "e": (5, 1), "ye": (7,), "yeo": (6,), "yŏ": (6,), "yo": (12, 6), "you": (6,), "yu": (17, 6),
    "yoo": (17,), "wa": (9,), "wae": (10,), "oe": (11,), "oi": (11,), "we": (15, 11),
    "wo": (14,), "wŏ": (14,), "weo": (14,), "wi": (16,), "ui": (19, 16), "ŭi": (19,),
    "eui": (19,), "i": (20,), "ee": (20, 19), "yi": (19, 20), "wu": (13,), "woo": (13,),
}  # fmt: skip
_FINALS: dict[str, tuple[int, ...]] = {
    "": (0,), "k": (1,), "g": (1,), "n": (4,), "t": (19, 7), "l": (8,), "r": (8,),
    "m": (16,), "p": (17,), "b": (17,), "ng": (21,),
}  # fmt: skip
_LONGEST = 3
# One apostrophe for all of them; a caron (a common slip for the breve) read as the breve.
_FOLD = str.maketrans({**dict.fromkeys(APOSTROPHES, "'"), "ǒ": "ŏ", "ǔ": "ŭ"})
_PART = re.compile(r"[a-zŏŭ']+")

Syllables = frozenset[str]
Parse = tuple[Syllables, ...]


def _letters(text: str) -> str:
    """Lower-case letters keeping ŏ, ŭ and apostrophes; other diacritics dropped."""
    text = unicodedata.normalize("NFC", text).lower().translate(_FOLD)
    kept = []
    for char in text:
        if char in "ŏŭ":
            kept.append(char)
            continue
        base = unicodedata.normalize("NFKD", char)
        kept.append("".join(c for c in base if not unicodedata.combining(c)))
    return "".join(kept)


def _matches(table: dict[str, tuple[int, ...]], text: str, start: int) -> list[tuple[str, int]]:
    """Spellings in the table found at `start`, with where they end (the empty one too)."""
    found = []
    for size in range(_LONGEST, -1, -1):
        token = text[start : start + size]
        if len(token) == size and token in table:
            found.append((token, start + size))
    return found


def _syllables(initial: str, medial: str, final: str) -> Syllables:
    """Every Hangul syllable these three spellings can stand for."""
    return frozenset(
        build_syllable(i, m, f)
        for i, m, f in product(_INITIALS[initial], _MEDIALS[medial], _FINALS[final])
    )


@lru_cache(maxsize=1 << 16)
def part_parses(part: str) -> tuple[Parse, ...]:
    """Every way to cut one separator-free part into syllables (empty if none)."""
    parses: dict[int, list[Parse]] = {0: [()]}
    for start in range(len(part)):
        if start not in parses:
            continue
        if part[start] == "'":  # an apostrophe between syllables (Han'guk) only separates
            parses.setdefault(start + 1, []).extend(parses[start])
            continue
        for initial, after_initial in _matches(_INITIALS, part, start):
            for medial, after_medial in _matches(_MEDIALS, part, after_initial):
                if not medial:
                    continue
                for final, end in _matches(_FINALS, part, after_medial):
                    syllables = _syllables(initial, medial, final)
                    parses.setdefault(end, []).extend((*p, syllables) for p in parses[start])
        if sum(len(p) for p in parses.values()) > MAX_READINGS * 4:
            return ()  # too ambiguous to say anything
    return tuple(parses.get(len(part), ()))


def _count(parse: Parse) -> int:
    """Number of Hangul words one parse stands for."""
    count = 1
    for syllables in parse:
        count *= len(syllables)
    return count


@lru_cache(maxsize=1 << 17)
def hangul_readings(text: str) -> frozenset[str]:
    """Hangul given names (South form) the Latin spelling may stand for; empty if unknown.

    Empty also when there are more than MAX_READINGS: such a spelling says too
    little to rule a Hangul name out.
    """
    letters = _letters(text)
    parts = [p for p in PART_SEPARATORS.split(letters) if p]
    if not parts or not all(_PART.fullmatch(p) for p in parts):
        return frozenset()
    words: set[str] = {""}
    for part in parts:
        parses = part_parses(part)
        if sum(_count(parse) for parse in parses) > MAX_READINGS:
            return frozenset()
        endings = {"".join(s) for parse in parses for s in product(*parse)}
        words = {w + e for w in words for e in endings}
        if not words or len(words) > MAX_READINGS:
            return frozenset()
    return frozenset(south_form(w) for w in words)
