"""Bounded fuzzing in CI (issue 14): hostile bytes, names and scenarios end in a documented
refusal or a result, never in another exception.

Hypothesis drives the readers with random bytes, random CSV text built around the real
header, random workbooks (zip bytes, mutated), the name normaliser with any Unicode, and
the scenario parser with random JSON. The example counts are bounded for CI; for a long
run set `MUSTER_FUZZ_EXAMPLES` (for example 20000) — bench/RESULTS.md says how it went.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muster.intake import IntakeRejected, read_list, read_people, read_units
from muster.intake.readers import read_link_frame
from muster.linkage.fields import normalise_name
from muster.planning.parse import parse_scenario
from muster.planning.scenario import ScenarioError

EXAMPLES = int(os.environ.get("MUSTER_FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
LIST_HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note"
)
CATEGORIES = ("illness", "stranded_trip")
CELL = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
) | st.sampled_from(["", "=1+1", "1985-02-30", "illness", "yes", "M", '"', ",", "\r\n"])


def _reads(data: bytes, filename: str) -> None:
    """Every reader either reads the bytes or refuses them with IntakeRejected."""
    for read in (
        lambda: read_list(data, filename, CATEGORIES),
        lambda: read_units(data, filename),
        lambda: read_people(data, filename),
        lambda: read_link_frame(data, filename),
    ):
        with contextlib.suppress(IntakeRejected):
            read()


@FUZZ
@given(st.binary(max_size=2048), st.sampled_from(["l.csv", "l.xlsx", "l.txt", "l"]))
def test_random_bytes_are_read_or_refused(data: bytes, filename: str) -> None:
    _reads(data, filename)


@FUZZ
@given(
    st.lists(st.lists(CELL, min_size=0, max_size=14), max_size=8),
    st.sampled_from(["utf-8", "utf-8-sig", "cp949", "gb18030", "utf-16"]),
)
def test_csv_around_the_real_header_is_read_or_refused(
    rows: list[list[str]], encoding: str
) -> None:
    text = LIST_HEADER + "\n" + "\n".join(",".join(row) for row in rows)
    data = text.encode(encoding, errors="replace")
    _reads(data, "list.csv")


@FUZZ
@given(st.binary(min_size=1, max_size=64), st.integers(min_value=0, max_value=4000))
def test_mutated_workbooks_are_read_or_refused(patch: bytes, at: int) -> None:
    data = bytearray(_workbook())
    position = at % len(data)
    data[position : position + len(patch)] = patch
    _reads(bytes(data), "list.xlsx")


def _workbook() -> bytes:
    """A small valid workbook written by hand (the parts a reader needs)."""
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',  # noqa: E501
        "xl/workbook.xml": '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="list" sheetId="1" r:id="rId1"/></sheets></workbook>',  # noqa: E501
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',  # noqa: E501
        "xl/worksheets/sheet1.xml": '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>person_id</t></is></c><c r="B1" t="inlineStr"><is><t>category</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2" t="inlineStr"><is><t>illness</t></is></c></row></sheetData></worksheet>',  # noqa: E501
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@FUZZ
@given(CELL, CELL, CELL)
def test_the_name_normaliser_takes_any_text(family: str, given_name: str, native: str) -> None:
    name = normalise_name(family, given_name, native)
    assert name.family_key is None or isinstance(name.family_key, str)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 10**6)
    | st.text(max_size=12)
    | st.sampled_from(["2021-08-01", "paired", "free", "CN", "W1"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "start",
                    "horizon_days",
                    "quarantine",
                    "hosts",
                    "routes",
                    "workplaces",
                    "returnees",
                    "replacements",
                    "beds",
                    "days",
                    "id",
                    "host",
                    "open_from",
                    "open_until",
                    "seats_home",
                    "seats_out",
                    "slots",
                    "occupied",
                    "trade",
                    "trades",
                    "ready",
                    "priority",
                    "consent",
                    "workplace",
                    "rotation",
                    "priority_weights",
                ]
            ),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@FUZZ
@given(JSON)
def test_the_scenario_parser_refuses_what_it_cannot_read(data: object) -> None:
    with contextlib.suppress(ScenarioError):
        parse_scenario(data)
    json.dumps(data)  # the examples are JSON documents, as `muster plan` receives them
