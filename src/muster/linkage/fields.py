"""What one name field can mean, worked out once per distinct value.

A field's value may be a family name, a given name, or a whole name; which it
is depends on the other fields of the record. `field_facts` reads a value
every way at once (cached), and `combine` picks the reading per record, so
that a million records cost one look-up per distinct value, not per record.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from muster.linkage.names import (
    family_form_of,
    family_key_of,
    given_key_of,
    is_native,
    latin_surname_hangul,
    native_parts,
    native_splits,
    split_whole,
    split_whole_other,
    to_hangul,
)
from muster.linkage.phonetic import hangul_key
from muster.linkage.readings import hangul_readings
from muster.linkage.surnames import surname_rank

_MOST_COMMON_RANK = 4  # 김 이 박 최 정: a given name equal to one of these is read as swapped
_TOKENS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class Reading:
    """Keys and Hangul of a family and a given name; None where unknown."""

    family_key: str | None = None
    given_key: str | None = None
    family_hangul: str | None = None
    given_hangul: str | None = None
    given_readings: str | None = None  # a Latin given name's Hangul readings, "|영수|용수|"
    family_form: str | None = None  # "N" or "S": the surname's North or South reading (라/나)


@dataclass(frozen=True, slots=True)
class FieldFacts:
    """Every reading of one field value."""

    as_family: Reading  # the value is the family name (given side empty)
    as_given: Reading  # the value is the given name (family side empty)
    whole: Reading  # the value is a whole name
    other: Reading | None  # another whole-name reading (선우진: 선우 + 진)
    rank: int | None  # surname frequency rank if the value is a known surname
    single: bool  # one token (no space or comma)
    native: bool  # Hangul or hanja


def _hangul_reading(family: str, given: str, written: str) -> Reading:
    """Reading of Hangul (family, given) parts; `written` is the surname as the text has it."""
    return Reading(
        family_key=hangul_key(family) or None if family else None,
        given_key=hangul_key(given) or None if given else None,
        family_hangul=family or None,
        given_hangul=given or None,
        family_form=family_form_of(written) if written else None,
    )


def _whole_readings(text: str) -> tuple[Reading, Reading | None]:
    """A whole name split into family and given (native or Latin)."""
    native = is_native(text)
    splits, parts = (native_splits(text), native_parts(text)) if native else (None, None)
    if splits is not None and parts is not None:
        (usual, other), (written, written_other) = splits, parts
        first = _hangul_reading(*usual, written[0])
        return first, _hangul_reading(*other, written_other[0]) if other and written_other else None
    return _latin_whole(*split_whole(text)), None


def _latin_whole(family: str, given: str) -> Reading:
    """Reading of a Latin whole name cut into (family, given)."""
    return Reading(
        family_key=family_key_of(family),
        given_key=given_key_of(given),
        family_hangul=latin_surname_hangul(family) if family else None,
        given_readings=_readings(given),
        family_form=family_form_of(family) if family else None,
    )


@lru_cache(maxsize=1 << 16)
def other_order_reading(text: str) -> Reading | None:
    """A Latin whole name read in the other order, if both of its ends are surnames."""
    if is_native(text):
        return None
    split = split_whole_other(text)
    return _latin_whole(*split) if split else None


def _readings(latin: str) -> str | None:
    """A Latin given name's Hangul readings as one searchable text ("|영수|용수|")."""
    readings = hangul_readings(latin) if latin else frozenset()
    return "|" + "|".join(sorted(readings)) + "|" if readings else None


def _as_given(text: str, native: bool) -> Reading:
    """The value read as a given name: its key, and its Hangul or its Hangul readings."""
    if native:
        return Reading(given_key=given_key_of(text), given_hangul=to_hangul(text, False) or None)
    return Reading(given_key=given_key_of(text), given_readings=_readings(text))


def _as_family(text: str) -> Reading:
    """The value read as a family name."""
    return Reading(
        family_key=family_key_of(text),
        family_hangul=latin_surname_hangul(text),
        family_form=family_form_of(text),
    )


@lru_cache(maxsize=1 << 19)
def field_facts(text: str) -> FieldFacts:
    """Read one field value every way it can be meant."""
    native = is_native(text)
    whole, other = _whole_readings(text)
    return FieldFacts(
        as_family=_as_family(text),
        as_given=_as_given(text, native),
        whole=whole,
        other=other,
        rank=surname_rank(text),
        single=len([t for t in _TOKENS.split(text) if t]) == 1 and "," not in text,
        native=native,
    )


@lru_cache(maxsize=1 << 19)
def whole_field_facts(text: str) -> FieldFacts:
    """Only the whole-name readings of a value (all a `name_native` value is used for)."""
    whole, other = _whole_readings(text)
    empty = Reading()
    return FieldFacts(empty, empty, whole, other, rank=None, single=False, native=is_native(text))


@lru_cache(maxsize=1 << 19)
def part_field_facts(text: str, given_field: bool) -> FieldFacts:
    """A family or given field value read as one part of a name, without whole readings.

    A given-name value is read as a family name only if it is a known surname
    (that is the only case in which it is swapped).
    """
    native = is_native(text)
    rank = surname_rank(text)
    as_family = Reading()
    if rank is not None or not given_field:
        as_family = _as_family(text)
    return FieldFacts(
        as_family=as_family,
        as_given=_as_given(text, native),
        whole=Reading(),
        other=None,
        rank=rank,
        single=len([t for t in _TOKENS.split(text) if t]) == 1 and "," not in text,
        native=native,
    )


def should_swap(family: FieldFacts, given: FieldFacts) -> bool:
    """True if the given-name field holds the surname and the family field does not."""
    if given.rank is None or not given.single:
        return False
    return family.rank is None or (given.rank < family.rank and given.rank <= _MOST_COMMON_RANK)


@lru_cache(maxsize=1 << 16)
def missplit_reading(family: str, given: str) -> Reading | None:
    """A whole Latin name split in the wrong place ("Gim Tae" / "hyeon" -> 김, 태현); else None.

    The family field holds the surname and the start of the given name, and the
    given field the rest, usually in lower case after a hyphen was cut. A field
    that is a two-syllable surname as written ("Nam Gung") is left alone, and a
    capitalised surname in the given field means swapped fields ("Sun Mi" / "Kim").
    """
    if "," in family:
        head, _, tail = family.partition(",")
        tokens = [head.strip(), *(t for t in _TOKENS.split(tail) if t)]
    else:
        tokens = [t for t in _TOKENS.split(family) if t]
    if len(tokens) < 2 or not given.strip() or is_native(family) or is_native(given):
        return None
    if surname_rank(family) is not None or surname_rank(tokens[0]) is None:
        return None
    if given[:1].isupper() and surname_rank(given.strip()) is not None:
        return None  # "Sun Mi" / "Kim": the fields are swapped, not split in the wrong place
    rest = "-".join([*tokens[1:], given.strip()])
    return Reading(
        family_key=family_key_of(tokens[0]),
        given_key=given_key_of(rest),
        family_hangul=latin_surname_hangul(tokens[0]),
        given_readings=_readings(rest),
        family_form=family_form_of(tokens[0]),
    )


def latin_reading(family: FieldFacts | None, given: FieldFacts | None) -> tuple[Reading, str]:
    """Reading of the family/given fields and what was repaired ("", "merged", "swapped")."""
    if family is None and given is not None:
        return given.whole, "merged"
    if family is not None and given is None:
        return (family.as_family, "") if family.single else (family.whole, "merged")
    if family is None or given is None:
        return Reading(), ""
    if should_swap(family, given):
        return _pair(given.as_family, family.as_given), "swapped"
    return _pair(family.as_family, given.as_given), ""


def _pair(family: Reading, given: Reading) -> Reading:
    """Family half of one reading with the given half of another."""
    return Reading(
        family.family_key,
        given.given_key,
        family.family_hangul,
        given.given_hangul,
        given.given_readings,
        family.family_form,
    )


def native_reading(native: FieldFacts, latin: Reading) -> Reading:
    """Reading of the native field; the Latin surname settles an ambiguous split."""
    other = native.other
    if other is not None and latin.family_key and latin.family_key == other.family_key:
        return other
    return native.whole


def combine(
    family: FieldFacts | None,
    given: FieldFacts | None,
    native: FieldFacts | None,
    missplit: Reading | None = None,
) -> tuple[Reading, str]:
    """The record's reading: native script first, Latin fields for what it lacks."""
    latin, repair = (missplit, "merged") if missplit else latin_reading(family, given)
    if native is None:
        return latin, repair
    if native.native:
        first = native_reading(native, latin)
    elif latin.family_key is None and latin.given_key is None:
        return native.whole, "merged"  # a Latin whole name in the native column
    else:
        return latin, repair
    return Reading(
        first.family_key or latin.family_key,
        first.given_key or latin.given_key,
        first.family_hangul or latin.family_hangul,
        first.given_hangul or latin.given_hangul,
        first.given_readings or latin.given_readings,
        first.family_form or latin.family_form,
    ), repair


@dataclass(frozen=True, slots=True)
class PersonName:
    """Normalised name: phonetic keys, Hangul where known, and what was repaired."""

    family_key: str | None
    given_key: str | None
    family_hangul: str | None = None
    given_hangul: str | None = None
    swapped: bool = False
    merged: bool = False


def _facts_or_none(text: str, native: bool = False) -> FieldFacts | None:
    """Facts of a non-empty field value; None for an empty field."""
    text = text.strip()
    if not text:
        return None
    return whole_field_facts(text) if native else field_facts(text)


def normalise_name(family_name: str, given_name: str, name_native: str) -> PersonName:
    """Keys for one person's name fields, preferring the native script when present."""
    missplit = missplit_reading(family_name.strip(), given_name.strip())
    reading, repair = combine(
        _facts_or_none(family_name),
        _facts_or_none(given_name),
        _facts_or_none(name_native, True),
        missplit,
    )
    return PersonName(
        family_key=reading.family_key,
        given_key=reading.given_key,
        family_hangul=reading.family_hangul,
        given_hangul=reading.given_hangul,
        swapped=repair == "swapped",
        merged=repair == "merged",
    )


def clear_caches() -> None:
    """Forget cached readings of field values (to free memory, or to time a cold run)."""
    from muster.linkage import names, phonetic, readings

    for cached in (
        field_facts,
        whole_field_facts,
        part_field_facts,
        missplit_reading,
        other_order_reading,
        names.is_native,
        names.to_hangul,
        names.native_parts,
        names.native_splits,
        names.family_form_of,
        names.family_key_of,
        names.given_key_of,
        names.latin_surname_hangul,
        phonetic.latin_key,
        phonetic.hangul_key,
        readings.hangul_readings,
        readings.part_parses,
        surname_rank,
    ):
        cached.cache_clear()
