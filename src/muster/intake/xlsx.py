"""The first sheet (in workbook order, not the active tab) of an XLSX workbook as a Table.

Cells become text: shared and inline strings as written, numbers without a trailing '.0',
date-formatted numbers as ISO dates (1900 or 1904 date system), formulas as their cached
values. Error cells and formulas without a cached value are reported by row and column.

The archive checks run first (xlsx_parts: entry count, declared and actual sizes,
encryption; DTDs refused by the XML parser itself, xlsx_xml); then calamine reads the
sheet from a workbook rebuilt out of the proven parts (xlsx_calamine), about twenty times
faster than streaming the XML in Python.
The stream reader (xlsx_stream) stays for the sheets calamine must not be given or
refuses: cells without references, a cell grid too large to allocate, damaged parts.
"""

from __future__ import annotations

from muster.intake.limits import Limits
from muster.intake.table import Table
from muster.intake.xlsx_book import number_text, read_book, serial_to_iso, style_dates
from muster.intake.xlsx_calamine import read_with_calamine
from muster.intake.xlsx_parts import Archive
from muster.intake.xlsx_stream import read_streamed

__all__ = ["number_text", "read_xlsx_table", "serial_to_iso"]


def read_xlsx_table(data: bytes, limits: Limits) -> Table:
    """Read the first sheet of a workbook, within the size limits."""
    archive = Archive(data, limits)
    book = read_book(archive)
    table = read_with_calamine(archive, book, style_dates(archive, book), limits)
    if table is not None:
        return table
    # A fresh archive: the bytes the calamine attempt unpacked must not count twice.
    return read_streamed(Archive(data, limits), book, limits)
