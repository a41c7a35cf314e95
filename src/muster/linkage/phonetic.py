"""Phonetic keys: one comparable ASCII string for a name part in any script or spelling.

A key folds the distinctions that romanisation systems disagree on, so that
김철수, 金哲洙 (read as Hangul), "Kim Chol Su" (North Korean), "Ch'ŏl-su"
(McCune–Reischauer), "Gim Cheol-su" (Revised Romanization), "Chul Soo"
(customary) and "CHOLSU" (passport) all give the same keys KIM / COLSO:

- consonants by place: ㄱㄲㅋ/g k -> K, ㄷㄸㅌ/d t -> T, ㅂㅃㅍ/b p -> P,
  ㅈㅉㅊ/j ch -> C, ㅅㅆ/s sh -> S, ㄹ/r l -> L, final ㅇ/ng -> G;
- vowels ㅓ ㅗ ㅜ ㅡ (eo o u eu oo ŏ ŭ) -> O, ㅐ ㅔ -> E, ㅕ ㅛ ㅠ -> YO,
  ㅚ ㅙ ㅞ (oe oi we wae) -> WE, ㅢ ㅣ (ui ee yi) -> I;
- doubled letters collapse (박경 PAKKYOG -> PAKYOG, 수우 SOO -> SO), and the key's
  first syllable follows the South initial-sound rule (리 ri -> I, 로 ro -> NO, 녀 nyeo -> YO);
- ㄴ before ㄱ folds into final ㅇ (NK -> G): "Jingwang" may be 진광 or 징왕, and
  "Seongil" 선길 or 성일, so 진광, "Chin-kwang" and "Jingwang" all give CIGWAG.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

from muster.linkage.hangul import compose, is_hangul_syllable, syllable_parts

# Class of each jamo, by its index in a Hangul syllable (initial 19, medial 21, final 28).
_INITIALS = "K K N T T L M P P S S - C C C K T P H".replace("-", "").split(" ")
_MEDIALS = "A E YA YE O E YO YE O WA WE WE YO O WO WE WI YO O I I".replace("-", "").split(" ")
_FINALS = "- K K K N N N T L K M L L L P L M P P T T G T T K T P T".replace("-", "").split(" ")

_VOWEL_TOKENS = {
    "a": "A", "ae": "E", "ai": "E", "e": "E",
    "ya": "YA", "yae": "YE", "ye": "YE",
    "o": "O", "eo": "O", "u": "O", "eu": "O", "oo": "O", "woo": "O", "wu": "O",
    "yo": "YO", "yu": "YO", "yeo": "YO", "you": "YO", "yoo": "YO",
    "i": "I", "ee": "I", "ui": "I", "eui": "I", "yi": "I",
    "wa": "WA", "wae": "WE", "oe": "WE", "oi": "WE", "we": "WE",
    "wo": "WO", "weo": "WO", "wi": "WI",
    "y": "I", "w": "O",
}  # fmt: skip

_CONSONANT_TOKENS = {
    "tch": "C", "ch": "C", "jj": "C", "j": "C", "z": "C",
    "kk": "K", "gg": "K", "k": "K", "g": "K", "c": "K", "q": "K", "x": "KS",
    "ng": "G", "n": "N", "m": "M", "h": "H",
    "tt": "T", "dd": "T", "t": "T", "d": "T",
    "pp": "P", "bb": "P", "p": "P", "b": "P", "f": "P", "v": "P", "ph": "P",
    "ss": "S", "sh": "S", "s": "S",
    "rh": "L", "rr": "L", "ll": "L", "r": "L", "l": "L",
}  # fmt: skip

_VOWEL_LETTERS = frozenset("aeiouwy")
_RUNS = re.compile(r"[aeiouwy]+|[^aeiouwy]+")
APOSTROPHES = "'’‘`ʼ´"
_DROP_APOSTROPHES = str.maketrans("", "", APOSTROPHES)
_NOT_LETTER = re.compile(r"[^a-z]")
PART_SEPARATORS = re.compile(r"[\s\-·.,_/]+")
_DOUBLED = re.compile(r"(.)\1+")


def _latin_letters(text: str) -> str:
    """Lower-case ASCII letters and separators: diacritics and apostrophes dropped."""
    if text.isascii():
        return text.translate(_DROP_APOSTROPHES).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (ch for ch in decomposed if not unicodedata.combining(ch) and ch not in APOSTROPHES)
    return "".join(kept).lower()


def _vowel_run_key(run: str) -> str:
    """Key of a run of vowel letters, read right to left by longest known token."""
    parts: list[str] = []
    end = len(run)
    while end > 0:
        for size in (3, 2, 1):
            token = run[max(0, end - size) : end]
            if len(token) == size and token in _VOWEL_TOKENS:
                parts.append(_VOWEL_TOKENS[token])
                end -= size
                break
    return "".join(reversed(parts))


def _consonant_run_key(run: str, vowel_follows: bool) -> str:
    """Key of a run of consonant letters; a silent h or r before a consonant is dropped."""
    tokens: list[str] = []
    start = 0
    while start < len(run):
        for size in (3, 2, 1):
            token = run[start : start + size]
            if len(token) == size and (token in _CONSONANT_TOKENS or size == 1):
                tokens.append(token)
                start += size
                break
    keys: list[str] = []
    for index, token in enumerate(tokens):
        last = index == len(tokens) - 1
        if token in ("h", "r") and not (last and vowel_follows):
            continue  # "Oh", "Ahn", "Park", "Hur": customary silent letters
        keys.append(_CONSONANT_TOKENS.get(token, ""))
    return "".join(keys)


@lru_cache(maxsize=1 << 16)
def _latin_part_key(part: str) -> str:
    """Key of one Latin syllable group without separators ("cholsu" -> COLSO)."""
    runs = _RUNS.findall(part)
    keys: list[str] = []
    for index, run in enumerate(runs):
        if run[0] in _VOWEL_LETTERS:
            keys.append(_vowel_run_key(run))
        else:
            vowel_follows = index + 1 < len(runs)
            keys.append(_consonant_run_key(run, vowel_follows))
    return "".join(keys)


def apply_initial_rule(key: str) -> str:
    """Fold a key's first syllable to the South initial-sound rule (LI -> I, LO -> NO)."""
    if len(key) < 2:
        return key
    head, nxt = key[0], key[1]
    if head in "LN" and nxt in "IY":
        return key[1:]
    if head == "L" and nxt in "AEOW":
        return "N" + key[1:]
    return key


def _finish(raw: str) -> str:
    """Collapse doubled letters (kk, oo), fold NK into G, apply the initial-sound rule."""
    return apply_initial_rule(_DOUBLED.sub(r"\1", raw).replace("NK", "G"))


@lru_cache(maxsize=200_000)
def latin_key(text: str) -> str:
    """Phonetic key of a Latin-script name part in any romanisation ("Ch'ŏl-su" -> COLSO)."""
    letters = _latin_letters(text)
    parts = (p for p in PART_SEPARATORS.split(letters) if p)
    raw = "".join(_latin_part_key(_NOT_LETTER.sub("", p)) for p in parts)
    return _finish(raw)


@cache
def syllable_key(syllable: str) -> str:
    """Key of one Hangul syllable without the initial-sound rule (철 -> COL)."""
    initial, medial, final = syllable_parts(syllable)
    return _INITIALS[initial] + _MEDIALS[medial] + _FINALS[final]


@lru_cache(maxsize=200_000)
def hangul_key(word: str) -> str:
    """Phonetic key of a Hangul name part (류경 -> YOKYOG); other characters are skipped."""
    raw = "".join(syllable_key(ch) for ch in compose(word) if is_hangul_syllable(ch))
    return _finish(raw)
