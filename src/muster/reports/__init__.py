"""Reports: consolidated report builders and safe CSV/XLSX cell writers."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from muster.domain.categories import Catalogue
    from muster.domain.consolidation import ConsolidatedReport
    from muster.reports.html import report_html
    from muster.reports.pdf import report_pdf
    from muster.reports.xlsx import report_xlsx

ReportFormat = Literal["xlsx", "pdf", "html"]
FORMATS: tuple[ReportFormat, ...] = ("xlsx", "pdf", "html")

# The writers pull in WeasyPrint and matplotlib (seconds to import); load them on first use so
# that importing `muster.reports.cells` stays cheap for every other command.
_WRITERS = {
    "report_html": "muster.reports.html",
    "report_pdf": "muster.reports.pdf",
    "report_xlsx": "muster.reports.xlsx",
}


def __getattr__(name: str) -> Any:
    """Import a report writer when it is first asked for."""
    if name in _WRITERS:
        return getattr(import_module(_WRITERS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def write_report(report: ConsolidatedReport, catalogue: Catalogue, fmt: ReportFormat) -> bytes:
    """The report in one format, as the bytes of a file (HTML in UTF-8)."""
    if fmt == "xlsx":
        from muster.reports.xlsx import report_xlsx

        return report_xlsx(report, catalogue)
    if fmt == "pdf":
        from muster.reports.pdf import report_pdf

        return report_pdf(report, catalogue)
    if fmt == "html":
        from muster.reports.html import report_html

        return report_html(report, catalogue).encode("utf-8")
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "ReportFormat", "report_html", "report_pdf", "report_xlsx", "write_report"]
