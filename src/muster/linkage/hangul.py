"""Hangul text: composition, syllable parts and the initial-sound rule (두음법칙)."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from muster.linkage.hanja_table import dooeum

_FIRST_SYLLABLE = 0xAC00
_LAST_SYLLABLE = 0xD7A3
_SEPARATORS = re.compile(r"[\s\-·・.,_/'’]+")
_HANGUL_WORD = re.compile(r"[가-힣]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")


def is_hangul_syllable(char: str) -> bool:
    """True for one precomposed Hangul syllable (가..힣)."""
    return len(char) == 1 and _FIRST_SYLLABLE <= ord(char) <= _LAST_SYLLABLE


def is_han(char: str) -> bool:
    """True for a CJK ideograph (hanja/hanzi), including the compatibility block."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


def compose(text: str) -> str:
    """NFC-compose text so that conjoining jamo become syllables (ᄀ+ᅵ+ᆷ -> 김)."""
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def contains_han(text: str) -> bool:
    """True if the text has at least one hanja/hanzi character."""
    return _HAN.search(text) is not None


def despace(text: str) -> str:
    """Remove spaces, hyphens and dots that people put between name syllables."""
    return _SEPARATORS.sub("", text)


def syllable_parts(syllable: str) -> tuple[int, int, int]:
    """(initial, medial, final) jamo indices of one Hangul syllable; final 0 = none."""
    index = ord(syllable) - _FIRST_SYLLABLE
    initial, rest = divmod(index, 21 * 28)
    medial, final = divmod(rest, 28)
    return initial, medial, final


def build_syllable(initial: int, medial: int, final: int) -> str:
    """The Hangul syllable with these jamo indices."""
    return chr(_FIRST_SYLLABLE + (initial * 21 + medial) * 28 + final)


@cache
def south_initial(syllable: str) -> str:
    """Apply the South initial-sound rule to a word-initial syllable (리 -> 이, 로 -> 노)."""
    if not is_hangul_syllable(syllable):
        return syllable
    result: str = dooeum(" ", syllable)
    return result


def south_form(word: str) -> str:
    """A Hangul word with its first syllable in the South reading (류경 -> 유경)."""
    if not word:
        return word
    return south_initial(word[0]) + word[1:]


def hangul_only(text: str) -> str:
    """The composed, de-spaced text if it is all Hangul syllables, else empty."""
    word = despace(compose(text))
    return word if _HANGUL_WORD.fullmatch(word) else ""
