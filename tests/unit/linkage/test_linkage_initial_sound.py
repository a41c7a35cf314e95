"""Surnames equal only through the initial-sound law (라/나, 리/이, 류/유, 림/임, 로/노).

`Ra Mi-ran 1994-06-17` and `Na Mi-ran 1994-01-01` are two people (issue 11): the
names agree only in the surname's other reading and the dates only in a
placeholder year. A North and a South record of one person with a full date or
a shared passport still link.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

from muster.linkage import link_records
from muster.linkage.features import LINK_INPUT_COLUMNS, build_features
from muster.linkage.link import _other_reading
from muster.linkage.names import family_form_of

BENCH = Path(__file__).resolve().parents[3] / "bench"


@pytest.mark.parametrize(
    ("written", "form"),
    [
        ("라", "N"),
        ("나", "S"),
        ("리", "N"),
        ("이", "S"),
        ("류", "N"),
        ("림", "N"),
        ("로", "N"),
        ("노", "S"),
        ("Ra", "N"),
        ("RA", "N"),
        ("Na", "S"),
        ("Ri", "N"),
        ("Yi", "S"),
        ("I", "S"),
        ("Ryu", "N"),
        ("Yoo", "S"),
        ("Rim", "N"),
        ("Im", "S"),
        ("Lee", None),  # the customary South spelling as often as a North one
        ("Lim", None),
        ("羅", None),  # hanja are both readings
        ("李", None),
        ("Kim", None),  # one reading North and South
        ("김", None),
        ("Unknown", None),
    ],
)
def test_the_written_reading_of_a_surname(written: str, form: str | None) -> None:
    assert family_form_of(written) == form


def _records(*rows: tuple[str, ...]) -> pl.DataFrame:
    cleaned = [(str(i), *(value or None for value in row)) for i, row in enumerate(rows)]
    return pl.DataFrame(cleaned, schema=list(LINK_INPUT_COLUMNS), orient="row")


def test_every_name_field_gives_the_reading_it_writes() -> None:
    features = build_features(
        _records(
            ("Ra", "Mi-ran", "", "", "", ""),
            ("", "", "라 미란", "", "", ""),  # Hangul with a space
            ("", "", "羅美蘭", "", "", ""),  # hanja: no reading shown
            ("Ra", "Mi-ran", "羅美蘭", "", "", ""),  # the Latin field shows it
            ("Ryu", "Mi-ran", "羅美蘭", "", "", ""),  # another surname shows nothing of 羅
            ("Na, Mi-ran", "", "", "", "", ""),  # whole name in one field
            ("", "Mi Ran Ra", "", "", "", ""),  # Western order
            ("Mi-ran", "Ra", "", "", "", ""),  # swapped fields
            ("Ri Myong", "chol", "", "", "", ""),  # split in the wrong place
        )
    )
    assert features["family_key"].to_list() == ["NA"] * 8 + ["I"]
    assert features["family_form"].to_list() == ["N", "N", None, "N", None, "S", "N", "N", "N"]


def test_pairs_whose_surnames_agree_only_in_the_other_reading() -> None:
    features = build_features(
        _records(
            ("Ra", "Mi-ran", "", "", "", ""),
            ("Na", "Mi-ran", "", "", "", ""),
            ("", "", "羅美蘭", "", "", ""),
            ("", "", "라미란", "", "", ""),
        )
    )
    pairs = pl.DataFrame({"unique_id_l": [0, 0, 0, 1], "unique_id_r": [1, 2, 3, 3]})
    assert _other_reading(features, pairs).tolist() == [True, False, False, True]


def _registers(size: int) -> pl.DataFrame:
    """Link input from the second benchmark generator (bench/linkage_registers.py)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import linkage_registers

    frame: pl.DataFrame = linkage_registers.generate(size)
    return frame.drop("person_id")


def test_namesakes_by_the_initial_sound_law_stay_apart_in_a_large_file() -> None:
    extra = [
        ("ra", "Ra", "Mi-ran", None, "1994-06-17", "F", None),
        ("na", "Na", "Mi-ran", None, "1994-01-01", "F", None),  # a placeholder, same year
        ("north", "Ri", "Myong Chol", "리 명철", "1981-03-05", "M", None),
        ("south", "I", "Myeong-cheol", "이명철", "1981-03-05", "M", None),
        ("north2", "Rim", "Kyong Hui", None, "1977-01-01", "F", "512307746"),
        ("south2", "Im", "Gyeong-hui", "임경희", "1977-09-23", "F", "512307746"),
    ]
    background = _registers(20_000)
    records = pl.concat([background, pl.DataFrame(extra, schema=background.columns, orient="row")])
    clusters = dict(link_records(records).clusters.iter_rows())
    assert clusters["ra"] != clusters["na"]
    assert clusters["north"] == clusters["south"]  # a full date
    assert clusters["north2"] == clusters["south2"]  # a shared passport
