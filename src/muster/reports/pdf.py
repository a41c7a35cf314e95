"""The consolidated report as a PDF: the HTML page rendered by WeasyPrint, A4 landscape."""

from __future__ import annotations

from typing import Any

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from muster.domain.categories import Catalogue
from muster.domain.consolidation import ConsolidatedReport
from muster.reports.fonts import font_face_css, shipped_font
from muster.reports.html import report_html


class _ReportFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """Fetches data: URLs and the shipped font file, and nothing else.

    The page is self-contained; refusing every other URL means no text in a report can
    make the renderer read a local file or call out to the network.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data"})
        self.font = shipped_font()

    def fetch(self, url: str, headers: Any = None) -> Any:
        """The font file's bytes for its own URL; otherwise data: URLs only."""
        if url == self.font.as_uri():
            return URLFetcherResponse(url, self.font.read_bytes())
        return super().fetch(url, headers)


def report_pdf(report: ConsolidatedReport, catalogue: Catalogue) -> bytes:
    """The PDF of the report page, Hangul and hanja in an embedded Noto font (see fonts)."""
    fetcher = _ReportFetcher()
    fonts = FontConfiguration()
    css = CSS(string=font_face_css(), font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=report_html(report, catalogue), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf(stylesheets=[css], font_config=fonts)
    return pdf
