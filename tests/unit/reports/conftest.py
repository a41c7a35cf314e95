"""Reports rendered once per viewer and format (WeasyPrint is slow), shared by every test here."""

from __future__ import annotations

import io
from collections.abc import Callable
from functools import cache

import openpyxl
import pytest
from pypdf import PdfReader

from muster.reports import ReportFormat, write_report
from tests.unit.reports.world import CATALOGUE, FULL, PLAIN, report_for

VIEWERS = {"plain": PLAIN, "full": FULL}


@cache
def rendered(viewer: str, fmt: ReportFormat) -> bytes:
    """The report file for a viewer ('plain' or 'full') in one format."""
    return write_report(report_for(VIEWERS[viewer]), CATALOGUE, fmt)


def xlsx_text(data: bytes) -> str:
    """Every cell value of every sheet, one per line."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def pdf_text(data: bytes) -> str:
    """The PDF's text as pypdf extracts it, whitespace runs collapsed."""
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


TEXT: dict[str, Callable[[bytes], str]] = {
    "xlsx": xlsx_text,
    "pdf": pdf_text,
    "html": lambda data: data.decode("utf-8"),
}


@pytest.fixture(scope="session")
def report_text() -> Callable[[str, ReportFormat], str]:
    """The searchable text of a viewer's report in one format."""
    return lambda viewer, fmt: TEXT[fmt](rendered(viewer, fmt))
