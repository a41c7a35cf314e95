"""Protection holds on every path: does an entry name, or may it name, a person under a hold?

SPEC §2: every entry is matched to the registry, whether or not it gives a `person_id`:
by passport, or by name in any script plus birth date. An entry that matches or *may*
match a held person is treated as held until a protection officer clears it. Names arrive
here already reduced to phonetic keys by the linkage normaliser (`linkage.fields`), so
Hangul, hanja and every romanisation of one name share a key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

PLACEHOLDER_BIRTH = date(1900, 1, 1)  # registers write an unknown birth date so


class MatchKind(StrEnum):
    """How an entry was matched to a held person (the first three are certain)."""

    PERSON_ID = "person_id"
    PASSPORT = "passport"
    NAME_AND_BIRTH = "name_and_birth"
    POSSIBLE = "possible"


class Ruling(StrEnum):
    """A protection officer's ruling on a match."""

    CONFIRM = "confirm"  # it is the held person: stays held
    CLEAR = "clear"  # it is someone else: shown as any other entry


@dataclass(frozen=True)
class Identity:
    """What identifies a person in a list or the registry, names reduced to keys."""

    person_id: str | None
    passport: str | None
    birth: date | None
    family_key: str | None
    given_key: str | None
    given_hangul: str | None = None

    @property
    def has_name(self) -> bool:
        """True when both name keys are known."""
        return bool(self.family_key and self.given_key)


def clean_passport(text: str | None) -> str | None:
    """A passport number in capitals without spaces, hyphens or dots (None when empty)."""
    if not text:
        return None
    cleaned = "".join(c for c in text.upper() if c.isascii() and c.isalnum())
    return cleaned or None


def match_held(entry: Identity, held: Identity) -> MatchKind | None:
    """How the entry matches the held person, or None when it cannot be them."""
    if entry.person_id and entry.person_id == held.person_id:
        return MatchKind.PERSON_ID
    if entry.passport and entry.passport == held.passport:
        return MatchKind.PASSPORT
    same_name = _same_name(entry, held)
    if same_name and entry.birth is not None and entry.birth == held.birth:
        return MatchKind.NAME_AND_BIRTH
    if same_name and births_may_agree(entry.birth, held.birth):
        return MatchKind.POSSIBLE
    if entry.birth is not None and entry.birth == held.birth and _near(entry, held):
        return MatchKind.POSSIBLE
    return None


def _same_name(a: Identity, b: Identity) -> bool:
    """Same family and given keys, unless both Hangul given names are known and differ."""
    if not (a.has_name and b.has_name):
        return False
    if a.given_hangul and b.given_hangul and a.given_hangul != b.given_hangul:
        return False
    return a.family_key == b.family_key and a.given_key == b.given_key


def _near(a: Identity, b: Identity) -> bool:
    """Same birth date and nearly the same name or passport: a typing slip is possible."""
    if a.passport and b.passport and one_edit_apart(a.passport, b.passport):
        return True
    if not (a.has_name and b.has_name):
        return False
    family_same = a.family_key == b.family_key
    given_same = a.given_key == b.given_key
    return (family_same and one_edit_apart(a.given_key or "", b.given_key or "")) or (
        given_same and one_edit_apart(a.family_key or "", b.family_key or "")
    )


def births_may_agree(a: date | None, b: date | None) -> bool:
    """Could these birth dates belong to one person (unknown, placeholder, swapped)?"""
    if a is None or b is None or a == b:
        return True
    if PLACEHOLDER_BIRTH in (a, b):
        return True
    if a.year != b.year:
        return False
    placeholder = (a.month, a.day) == (1, 1) or (b.month, b.day) == (1, 1)
    swapped = (a.month, a.day) == (b.day, b.month)
    return placeholder or swapped


def one_edit_apart(a: str, b: str) -> bool:
    """True when one substitution, insertion, deletion or swap of neighbours turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return len(diffs) == 2 and diffs[1] == i + 1 and (a[i], a[i + 1]) == (b[i + 1], b[i])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def matches(entry: Identity, held: Iterable[Identity]) -> list[tuple[str, MatchKind]]:
    """Every held person the entry matches or may match, with how."""
    found: list[tuple[str, MatchKind]] = []
    for person in held:
        kind = match_held(entry, person)
        if kind is not None and person.person_id:
            found.append((person.person_id, kind))
    return found


def birth_years(held: Iterable[Identity]) -> set[int] | None:
    """Birth years an entry needs to match held persons by name; None: any year can.

    An entry born in another year matches only by id or passport, unless some held
    person's birth date is unknown or a placeholder (then every year must be looked at).
    """
    years: set[int] = set()
    for person in held:
        if person.birth is None or person.birth == PLACEHOLDER_BIRTH:
            return None
        years.add(person.birth.year)
    return years
