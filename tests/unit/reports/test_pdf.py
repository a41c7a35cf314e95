"""The PDF report: Hangul rendered with an embedded CJK font, A4 landscape, numbered pages.

PDFs are read with pypdf, so these tests need neither poppler nor fonts-noto-cjk.
"""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from muster.reports import write_report
from muster.reports.fonts import IGNORE_SYSTEM_FONTS
from tests.unit.reports.conftest import pdf_text, rendered
from tests.unit.reports.world import (
    CATALOGUE,
    HANJA_NAME,
    HEALTH_NAME,
    LONG_PASSPORT,
    PLAIN,
    SCRIPT,
    STRANDED_NAME,
    report_for,
)

CJK_FONTS = ("NotoSansCJK", "Noto-Sans-CJK", "NotoSansKR", "Noto-Sans-KR")


def embedded_fonts(data: bytes) -> dict[str, bool]:
    """Each font the pages use (subset prefix removed) -> whether its font file is embedded."""
    found: dict[str, bool] = {}
    for page in PdfReader(io.BytesIO(data)).pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+")[-1]
            inner = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = inner["/FontDescriptor"].get_object()
            found[name] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return found


def test_a_noto_cjk_font_is_embedded() -> None:
    fonts = embedded_fonts(rendered("plain", "pdf"))
    cjk = {name: embedded for name, embedded in fonts.items() if name.startswith(CJK_FONTS)}
    assert cjk, fonts
    assert all(cjk.values()), cjk


def test_hangul_and_hanja_names_are_extractable() -> None:
    text = pdf_text(rendered("plain", "pdf"))
    for name in (HEALTH_NAME, STRANDED_NAME, HANJA_NAME):
        assert name in text


def test_on_a_machine_without_system_cjk_fonts_the_shipped_font_is_embedded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As on a fresh machine: only the Noto Sans KR that comes with the dependencies."""
    monkeypatch.setenv(IGNORE_SYSTEM_FONTS, "1")
    data = write_report(report_for(PLAIN), CATALOGUE, "pdf")
    fonts = embedded_fonts(data)
    shipped = [name for name in fonts if name.startswith(("NotoSansKR", "Noto-Sans-KR"))]
    assert shipped and all(fonts[name] for name in shipped), fonts
    assert not [name for name in fonts if "CJK" in name], fonts
    text = pdf_text(data)
    for name in (HEALTH_NAME, STRANDED_NAME, HANJA_NAME):
        assert name in text


def test_pages_are_a4_landscape_and_numbered() -> None:
    data = rendered("full", "pdf")
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    pages = len(reader.pages)
    text = pdf_text(data)
    assert all(f"Page {n} of {pages}" in text for n in range(1, pages + 1))


def test_dates_and_ids_are_never_broken_inside_a_value() -> None:
    lines = [
        line.strip()
        for page in PdfReader(io.BytesIO(rendered("full", "pdf"))).pages
        for line in page.extract_text().splitlines()
    ]
    text = " ".join(lines)
    for value in (LONG_PASSPORT, "1985-03-02", "2021-07-01", "P0001", "W031"):
        assert value in text, value
    assert not [line for line in lines if line.endswith(LONG_PASSPORT[:6])], "split passport"


def test_hostile_markup_is_printed_as_text() -> None:
    text = "".join(pdf_text(rendered("plain", "pdf")).split())
    assert SCRIPT in text


def test_pdf_file_signature() -> None:
    assert rendered("plain", "pdf").startswith(b"%PDF-")
