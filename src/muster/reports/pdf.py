"""The consolidated report as a PDF: the HTML page rendered by WeasyPrint, A4 landscape."""

from __future__ import annotations

from weasyprint import HTML
from weasyprint.urls import URLFetcher

from muster.domain.categories import Catalogue
from muster.domain.consolidation import ConsolidatedReport
from muster.reports.html import report_html


def report_pdf(report: ConsolidatedReport, catalogue: Catalogue) -> bytes:
    """The PDF of the report page; Hangul needs a CJK font on the machine (fonts-noto-cjk)."""
    # The page is self-contained; refusing every other scheme means no text in a report
    # can make the renderer read a local file or call out to the network.
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=report_html(report, catalogue), url_fetcher=fetcher)
    pdf: bytes = document.write_pdf()
    return pdf
