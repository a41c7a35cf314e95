"""Fonts come with the Python dependencies: Hangul and hanja render without system fonts."""

from __future__ import annotations

import io
import warnings
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from matplotlib import font_manager
from pypdf import PdfReader
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from muster.reports.charts import bar_chart_svg, make_chart
from muster.reports.fonts import (
    IGNORE_SYSTEM_FONTS,
    SHIPPED_FAMILY,
    SYSTEM_CJK,
    families,
    font_face_css,
    register_for_matplotlib,
    shipped_font,
)
from muster.reports.pdf import _ReportFetcher
from tests.unit.reports.world import HANJA_NAME, HEALTH_NAME, HELD_NAME, STRANDED_NAME


def test_the_shipped_font_covers_hangul_and_the_hanja_of_names() -> None:
    with TTFont(shipped_font()) as font:
        cmap = font.getBestCmap()
    for text in (HEALTH_NAME, STRANDED_NAME, HELD_NAME, HANJA_NAME, "金李朴崔鄭姜趙尹張林"):
        assert all(ord(char) in cmap for char in text), text


def test_the_system_cjk_font_comes_first_unless_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(IGNORE_SYSTEM_FONTS, raising=False)
    assert families()[:2] == [SYSTEM_CJK, SHIPPED_FAMILY]
    monkeypatch.setenv(IGNORE_SYSTEM_FONTS, "1")
    assert SYSTEM_CJK not in families() and families()[0] == SHIPPED_FAMILY
    css = font_face_css()
    assert shipped_font().as_uri() in css and SYSTEM_CJK not in css


def test_matplotlib_finds_the_shipped_font_and_draws_hangul(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(IGNORE_SYSTEM_FONTS, "1")
    register_for_matplotlib()
    found = font_manager.findfont(font_manager.FontProperties(family=families()))
    assert found == str(shipped_font())
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)"
        svg = bar_chart_svg("k", [HEALTH_NAME, HANJA_NAME], [1, 2])
    assert HEALTH_NAME in svg


def test_the_pdf_renderer_reads_the_font_file_and_nothing_else() -> None:
    fetcher = _ReportFetcher()
    assert fetcher.fetch(shipped_font().as_uri()).read()[:4] in (b"OTTO", b"\x00\x01\x00\x00")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher.fetch("file:///etc/passwd")


def test_hangul_chart_labels_in_a_pdf_use_the_shipped_font(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(IGNORE_SYSTEM_FONTS, "1")
    chart = make_chart("k", "t", [(HEALTH_NAME, 1), ("단둥", 2)])
    fetcher, fonts = _ReportFetcher(), FontConfiguration()
    css = CSS(string=font_face_css(), font_config=fonts, url_fetcher=fetcher)
    html = HTML(string=f'<p>x</p><img src="{chart.data_uri}">', url_fetcher=fetcher)
    page = PdfReader(io.BytesIO(html.write_pdf(stylesheets=[css], font_config=fonts))).pages[0]
    assert HEALTH_NAME in page.extract_text() and "단둥" in page.extract_text()
    used: set[str] = set()
    _fonts_of(page["/Resources"].get_object(), used)
    assert {name.split("+")[-1] for name in used} == {"Noto-Sans-KR"}


def _fonts_of(resources: Any, found: set[str]) -> None:
    """BaseFont names of a resource dictionary and of the forms (charts) it holds."""
    for ref in (resources.get("/Font") or {}).values():
        found.add(str(ref.get_object()["/BaseFont"]))
    for ref in (resources.get("/XObject") or {}).values():
        if "/Resources" in (form := ref.get_object()):
            _fonts_of(form["/Resources"].get_object(), found)
