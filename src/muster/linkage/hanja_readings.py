"""Hanja (hanzi) names read as Hangul, in the South and the North reading.

The `hanja` package gives each character its dictionary reading, which is the
North reading (李 -> 리, 龍 -> 룡); the South applies the initial-sound rule to
the first syllable of a word (李 -> 이). Surnames are read from the surname
table, because the common reading of some differs (金 -> 금, but the surname is 김).
"""

from __future__ import annotations

from dataclasses import dataclass

from muster.linkage.hangul import compose, contains_han, is_han, south_form
from muster.linkage.hanja_table import hanja_table
from muster.linkage.surnames import surname_for_hanja


@dataclass(frozen=True)
class Reading:
    """A name read as Hangul: South (initial-sound rule) and North reading."""

    south: str
    north: str


def read_characters(text: str) -> str:
    """Dictionary (North) reading of every hanja; other characters are kept (哲洙 -> 철수)."""
    return "".join(hanja_table.get(ch, ch) if is_han(ch) else ch for ch in compose(text))


def read_given_name(text: str) -> Reading:
    """Read a given name (英龍 -> 영룡 North, 영룡 South; 龍哲 -> 룡철 / 용철)."""
    north = read_characters(text)
    return Reading(south=south_form(north), north=north)


def read_surname(text: str) -> Reading:
    """Read a surname with the surname table first (金 -> 김; 李 -> 이 / 리)."""
    row = surname_for_hanja(text)
    if row is not None:
        return Reading(south=row.south, north=row.north)
    return read_given_name(text)


__all__ = ["Reading", "contains_han", "read_characters", "read_given_name", "read_surname"]
