"""The vendored hanja table and initial-sound rule read exactly as the `hanja` package does."""

from __future__ import annotations

import hashlib

import pytest

from muster.linkage.hanja_table import TABLE_FILE, dooeum, hanja_table

# Every syllable after a space (word start), after vowels and finals ㄴ/ㅁ, a letter, a digit.
_PREVIOUS = (" ", "가", "간", "감", "a", "1", "-")


def test_the_table_reads_characters() -> None:
    assert len(hanja_table) == 27497
    assert (hanja_table["金"], hanja_table["李"], hanja_table["龍"]) == ("금", "리", "룡")


def test_the_vendored_table_is_unchanged() -> None:
    """Proven identical to hanja 0.15.1 below (while hanja is a dev dependency); kept so."""
    digest = hashlib.sha256(TABLE_FILE.read_bytes()).hexdigest()
    assert digest == "32a10a32b018692b782121de61dbfdab0cb50d586a52f27d08be9474d4f51578"


def test_the_licence_lies_beside_the_table() -> None:
    licence = (TABLE_FILE.parent / "LICENSE.txt").read_text(encoding="utf-8")
    assert "Sumin Byeon" in licence and "PUBLIC LICENSE" in licence


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [(" ", "리", "이"), (" ", "녀", "여"), (" ", "라", "나"), ("가", "렬", "열"),
     ("간", "률", "률"), ("감", "률", "률"), (" ", "김", "김")],
)  # fmt: skip
def test_the_initial_sound_rule(previous: str, current: str, expected: str) -> None:
    assert dooeum(previous, current) == expected


def test_identical_to_the_hanja_package() -> None:
    table = pytest.importorskip("hanja.table").hanja_table
    package_dooeum = pytest.importorskip("hanja.hangul").dooeum
    assert list(hanja_table.items()) == list(table.items())
    syllables = [chr(code) for code in range(0xAC00, 0xD7A4)]
    for previous in _PREVIOUS:
        ours = [dooeum(previous, s) for s in syllables]
        assert ours == [package_dooeum(previous, s) for s in syllables], previous
