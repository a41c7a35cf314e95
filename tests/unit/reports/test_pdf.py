"""The PDF report: Hangul rendered with an embedded CJK font, A4 landscape, numbered pages."""

from __future__ import annotations

import re
import subprocess

from tests.unit.reports.conftest import pdf_text, rendered
from tests.unit.reports.world import HANJA_NAME, HEALTH_NAME, SCRIPT, STRANDED_NAME


def poppler(tool: str, data: bytes) -> str:
    """The output of a poppler tool (pdffonts, pdfinfo) run on the PDF."""
    result = subprocess.run([tool, "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode("utf-8")


def numbers(pattern: str, text: str) -> list[float]:
    """The numbers a regular expression captures in a text."""
    found = re.search(pattern, text)
    assert found, (pattern, text)
    return [float(g) for g in found.groups()]


def test_a_noto_cjk_font_is_embedded() -> None:
    fonts = poppler("pdffonts", rendered("plain", "pdf")).splitlines()[2:]
    cjk = [line for line in fonts if re.search(r"Noto-?Sans-?CJK", line)]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk)  # the "emb" column


def test_hangul_and_hanja_names_are_extractable() -> None:
    text = pdf_text(rendered("plain", "pdf"))
    for name in (HEALTH_NAME, STRANDED_NAME, HANJA_NAME):
        assert name in text


def test_pages_are_a4_landscape_and_numbered() -> None:
    data = rendered("full", "pdf")
    info = poppler("pdfinfo", data)
    width, height = numbers(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
    assert (round(width), round(height)) == (842, 595)
    pages = int(numbers(r"Pages:\s+(\d+)", info)[0])
    text = pdf_text(data)
    assert all(f"Page {n} of {pages}" in text for n in range(1, pages + 1))


def test_hostile_markup_is_printed_as_text() -> None:
    text = "".join(pdf_text(rendered("plain", "pdf")).split())
    assert SCRIPT in text


def test_pdf_file_signature() -> None:
    assert rendered("plain", "pdf").startswith(b"%PDF-")
