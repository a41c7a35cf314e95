"""`muster link INPUT --out OUTPUT [--engine duckdb|spark]` run as a real process."""

from __future__ import annotations

import csv
import random
import subprocess
import sys
from pathlib import Path

import pytest

MUSTER = str(Path(sys.executable).with_name("muster"))
HEADER = "record_id,family_name,given_name,name_native,date_of_birth,sex,passport_no"
RECORDS = """\
a1,Kim,Chol Su,,1985-03-12,M,G12345678
a2,,,金哲洙,1985-03-12,M,
a3,Gim,Cheol-su,김철수,1985-12-03,M,
a4,KIM,CHOLSU,,1985-03-12,,G12345687
b1,Ri,Yong Hui,리영희,1990-07-21,F,
b2,Lee,Young-hee,,1990-07-21,F,
b3,,Yi Yŏng-hŭi,,1990-07-21,F,
n1,Kim,Yong Chol,,1970-01-01,M,
n2,Kim,Young-chul,,1982-06-15,M,
t1,Jeong,Min-su,정민수,1995-04-04,M,
t2,Jeong,Hyun-woo,,1995-04-04,M,
"""
EXPECTED = {
    frozenset({"a1", "a2", "a3", "a4"}),
    frozenset({"b1", "b2", "b3"}),
    frozenset({"n1"}),
    frozenset({"n2"}),
    frozenset({"t1"}),
    frozenset({"t2"}),
}


def _link(
    tmp_path: Path,
    *extra: str,
    text: str = HEADER + "\n" + RECORDS,
    encoding: str = "utf-8",
    data: bytes | None = None,
    name: str = "records.csv",
) -> tuple[int, str]:
    """Run `muster link` on the text (or raw bytes); return exit code and stderr."""
    source = tmp_path / name
    source.write_bytes(text.encode(encoding) if data is None else data)
    proc = subprocess.run(
        [MUSTER, "link", str(source), "--out", str(tmp_path / "clusters.csv"), *extra],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.returncode, proc.stderr


def _groups(path: Path) -> set[frozenset[str]]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["record_id", "cluster_id"]
    groups: dict[str, set[str]] = {}
    for row in rows:
        groups.setdefault(row["cluster_id"], set()).add(row["record_id"])
    return {frozenset(g) for g in groups.values()}


def test_link_with_duckdb_clusters_the_people(tmp_path: Path) -> None:
    code, err = _link(tmp_path)
    assert code == 0, err
    assert _groups(tmp_path / "clusters.csv") == EXPECTED
    assert "11 records, 6 people" in err  # the progress display is on stderr


def test_bad_input_is_refused_with_every_reason_and_no_traceback(tmp_path: Path) -> None:
    text = HEADER + "\nr1,Kim,,,03/12/1985,X,\nr1,Lee,,,,,\n"
    code, err = _link(tmp_path, text=text)
    assert code == 1
    assert "row 2, column date_of_birth: '03/12/1985' — expected a date YYYY-MM-DD" in err
    assert "row 2, column sex" in err
    assert "row 3, column record_id: 'r1' — expected a record_id not already used on row 2" in err
    assert "Traceback" not in err
    assert not (tmp_path / "clusters.csv").exists()


def test_missing_column_is_named(tmp_path: Path) -> None:
    code, err = _link(tmp_path, text=HEADER.replace(",passport_no", "") + "\nr1,Kim,,,,\n")
    assert code == 1
    assert "column passport_no: expected a column named passport_no" in err


def test_cp949_input_is_read_and_its_errors_named(tmp_path: Path) -> None:
    text = HEADER + "\nr1,김,철수,김철수,1985-25-03,M,\nr2,리,영희,리영희,12/03/1985,F,\n"
    code, err = _link(tmp_path, text=text, encoding="cp949")
    assert code == 1
    assert "row 3, column date_of_birth: '12/03/1985' — expected a date YYYY-MM-DD" in err
    assert "row 2" not in err  # the swapped day and month is kept for matching
    assert "Traceback" not in err


def test_xlsx_input_is_read(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "book.xlsx"
    with xlsxwriter.Workbook(str(path)) as book:
        sheet = book.add_worksheet("records")
        for r, line in enumerate([HEADER, *RECORDS.splitlines()]):
            for c, value in enumerate(line.split(",")):
                if value:
                    sheet.write_string(r, c, value)
    code, err = _link(tmp_path, data=path.read_bytes(), name="records.xlsx")
    assert code == 0, err
    assert _groups(tmp_path / "clusters.csv") == EXPECTED


def test_unknown_engine_is_a_usage_error(tmp_path: Path) -> None:
    code, err = _link(tmp_path, "--engine", "oracle")
    assert code == 2
    assert "--engine" in err


@pytest.mark.slow
def test_link_with_spark_gives_the_same_clusters(tmp_path: Path) -> None:
    code, err = _link(tmp_path, "--engine", "spark")
    assert code == 0, err
    assert _groups(tmp_path / "clusters.csv") == EXPECTED


_SURNAMES = [
    ("Kim", "김"),
    ("Lee", "이"),
    ("Ri", "리"),
    ("Park", "박"),
    ("Choe", "최"),
    ("Jeong", "정"),
]
_SYLLABLES = [
    ("min", "민"),
    ("su", "수"),
    ("jin", "진"),
    ("yeong", "영"),
    ("hui", "희"),
    ("cheol", "철"),
]
_SYLLABLES += [
    ("ho", "호"),
    ("seon", "선"),
    ("mi", "미"),
    ("hyeon", "현"),
    ("ok", "옥"),
    ("il", "일"),
]


def _many_records(count: int, seed: int = 5) -> str:
    """Link input of `count` records: people listed one to three times, in Latin or Hangul."""
    rng = random.Random(seed)
    lines = [HEADER]
    while len(lines) <= count:
        family, native_family = rng.choice(_SURNAMES)
        parts = rng.sample(_SYLLABLES, 2)
        born = f"{rng.randint(1960, 2000)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        passport = f"M{rng.randint(10**7, 10**8 - 1)}" if rng.random() < 0.6 else ""
        sex = rng.choice("MF")
        for _ in range(rng.choice([1, 1, 2, 3])):
            native = native_family + "".join(p[1] for p in parts) if rng.random() < 0.4 else ""
            given = "-".join(p[0] for p in parts).capitalize() if not native else ""
            dob = born if rng.random() < 0.9 else f"{born[:4]}-01-01"
            row = [f"r{len(lines)}", family if given else "", given, native, dob, sex]
            lines.append(",".join([*row, passport if rng.random() < 0.7 else ""]))
    return "\n".join(lines[: count + 1]) + "\n"


@pytest.mark.slow
def test_spark_gives_the_same_clusters_as_duckdb_on_ten_thousand_records(tmp_path: Path) -> None:
    text = _many_records(10_000)
    model = tmp_path / "model.json"
    code, err = _link(tmp_path, "--save-model", str(model), text=text)
    assert code == 0, err
    duckdb_groups = _groups(tmp_path / "clusters.csv")
    assert 3_000 < len(duckdb_groups) < 10_000
    code, err = _link(tmp_path, "--engine", "spark", "--model", str(model), text=text)
    assert code == 0, err
    assert _groups(tmp_path / "clusters.csv") == duckdb_groups


def test_a_file_that_is_no_saved_model_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "model.json"
    model.write_text('{"not": "a model"}', encoding="utf-8")
    code, err = _link(tmp_path, "--model", str(model))
    assert code == 1
    assert "not a saved model" in err
