"""The consolidated report as an XLSX workbook: a summary, a sheet per section, completeness."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from muster.domain.categories import Catalogue
from muster.domain.consolidation import ConsolidatedReport, ReportSection
from muster.reports.cells import WORKBOOK_OPTIONS
from muster.reports.tables import (
    COMPLETENESS_COLUMNS,
    PERSON_COLUMNS,
    Value,
    completeness_row,
    count_tables,
    headline,
    person_row,
    timeliness_counts,
    utc,
)

SUMMARY = "Summary"
COMPLETENESS = "Completeness"
MIN_WIDTH, MAX_WIDTH = 8, 60
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Formats:
    """The cell formats of one workbook."""

    title: Format
    header: Format
    label: Format
    date: Format
    moment: Format


def report_xlsx(report: ConsolidatedReport, catalogue: Catalogue) -> bytes:
    """The workbook: Summary (with charts), one sheet per section shown, then Completeness."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    # A fixed creation time keeps the same report byte-identical when it is written again.
    workbook.set_properties({"title": report.call.title, "created": utc(report.generated_at)})
    formats = _formats(workbook)
    names = sheet_names(report)
    summary = workbook.add_worksheet(SUMMARY)
    for section, name in zip(report.sections, names, strict=True):
        _section_sheet(workbook.add_worksheet(name), section, catalogue, formats)
    _table_sheet(
        workbook.add_worksheet(COMPLETENESS),
        COMPLETENESS_COLUMNS,
        [completeness_row(s) for s in report.completeness],
        formats,
    )
    _summary_sheet(workbook, summary, report, catalogue, names, formats)
    workbook.close()
    return buffer.getvalue()


def _formats(workbook: Workbook) -> Formats:
    """Bold headers on a tinted band, ISO dates, wrapped long text."""
    return Formats(
        title=workbook.add_format({"bold": True, "font_size": 14}),
        header=workbook.add_format(
            {"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True}
        ),
        label=workbook.add_format({"bold": True}),
        date=workbook.add_format({"num_format": "yyyy-mm-dd", "align": "left"}),
        moment=workbook.add_format({"num_format": 'yyyy-mm-dd hh:mm "UTC"', "align": "left"}),
    )


def sheet_names(report: ConsolidatedReport) -> list[str]:
    """A valid, distinct sheet name per section shown: the section code, as Excel allows it."""
    taken = {SUMMARY.lower(), COMPLETENESS.lower()}
    names: list[str] = []
    for section in report.sections:
        base = _SHEET_FORBIDDEN.sub("_", section.section.code).strip("'")[:28] or "section"
        name, n = base, 2
        while name.lower() in taken:
            name, n = f"{base}_{n}", n + 1
        taken.add(name.lower())
        names.append(name)
    return names


def write_cell(
    sheet: Worksheet,
    row: int,
    column: int,
    value: Value,
    formats: Formats,
    style: Format | None = None,
) -> None:
    """One cell with an explicit type: text is a string cell as written, never a formula."""
    if value is None:
        sheet.write_blank(row, column, None, style)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, column, utc(value), style or formats.moment)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, value, style or formats.date)
    elif isinstance(value, int):
        sheet.write_number(row, column, value, style)
    else:
        sheet.write_string(row, column, str(value), style)


def _write_row(
    sheet: Worksheet, row: int, values: Sequence[Value], formats: Formats, first: int = 0
) -> None:
    """A row of cells from column `first` on."""
    for offset, value in enumerate(values):
        write_cell(sheet, row, first + offset, value, formats)


def _table_sheet(
    sheet: Worksheet, columns: Sequence[str], rows: list[list[Value]], formats: Formats
) -> None:
    """A header row (frozen, filterable) over the rows, columns sized to their content."""
    for column, title in enumerate(columns):
        write_cell(sheet, 0, column, title, formats, formats.header)
    for number, values in enumerate(rows, start=1):
        _write_row(sheet, number, values, formats)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)
    for column, title in enumerate(columns):
        sheet.set_column(column, column, column_width([title, *(r[column] for r in rows)]))
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)


def _section_sheet(
    sheet: Worksheet, section: ReportSection, catalogue: Catalogue, formats: Formats
) -> None:
    """One section's persons, a row each, titled with the section label when printed."""
    rows = [person_row(p, catalogue) for p in section.persons]
    _table_sheet(sheet, PERSON_COLUMNS, rows, formats)
    sheet.set_header("&L" + section.section.label.replace("&", "&&") + "&RPage &P of &N")


def column_width(values: Iterable[Value]) -> float:
    """A width that fits the longest value (wide scripts count double), within bounds."""
    longest = max((_display_length(v) for v in values), default=0)
    return float(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))


def _display_length(value: Value) -> int:
    """How many narrow columns the value needs on screen."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 20
    text = value.isoformat() if isinstance(value, date) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _summary_sheet(
    workbook: Workbook,
    sheet: Worksheet,
    report: ConsolidatedReport,
    catalogue: Catalogue,
    names: list[str],
    formats: Formats,
) -> None:
    """Headline, completeness, counts and the section sheets, with two native bar charts."""
    write_cell(sheet, 0, 0, "Consolidated report", formats, formats.title)
    row = 2
    for label, value in headline(report):
        write_cell(sheet, row, 0, label, formats, formats.label)
        write_cell(sheet, row, 1, value, formats)
        row += 1
    row += 1
    timeliness = [(label, n) for _, label, n in timeliness_counts(report)]
    completeness_at = row
    heads = ("Timeliness", "Units")
    row = _count_block(sheet, row, "Completeness (units)", heads, timeliness, formats)
    blocks: list[tuple[str, int, int]] = []
    for table in count_tables(report, catalogue):
        blocks.append((table.title, row + 2, len(table.rows)))
        heads = (table.heading, "Persons")
        row = _count_block(sheet, row, table.title, heads, list(table.rows), formats)
    sheets = [(name, len(s.persons)) for s, name in zip(report.sections, names, strict=True)]
    _count_block(sheet, row, "Section sheets", ("Sheet", "Persons"), sheets, formats)
    sheet.set_column(0, 0, 42)
    sheet.set_column(1, 1, 36)
    _summary_charts(workbook, sheet, completeness_at + 2, len(timeliness), blocks[0])


def _count_block(
    sheet: Worksheet,
    row: int,
    title: str,
    heads: tuple[str, str],
    rows: list[tuple[str, int]],
    formats: Formats,
) -> int:
    """A titled two-column table (label, count); returns the row after it and a blank line."""
    write_cell(sheet, row, 0, title, formats, formats.title)
    write_cell(sheet, row + 1, 0, heads[0], formats, formats.header)
    write_cell(sheet, row + 1, 1, heads[1], formats, formats.header)
    for offset, (label, count) in enumerate(rows, start=2):
        write_cell(sheet, row + offset, 0, label, formats)
        write_cell(sheet, row + offset, 1, count, formats)
    return row + len(rows) + 3


def _summary_charts(
    workbook: Workbook,
    sheet: Worksheet,
    timeliness_at: int,
    timeliness_rows: int,
    sections: tuple[str, int, int],
) -> None:
    """Native Excel bar charts of completeness and of persons by section, beside the tables."""
    title, sections_at, section_rows = sections
    specs = [
        ("Units reporting", timeliness_at, timeliness_rows, "D3"),
        (title, sections_at, section_rows, "D20"),
    ]
    for name, first, count, anchor in specs:
        chart = workbook.add_chart({"type": "bar"})
        last = first + max(count, 1) - 1
        chart.add_series(
            {
                "name": name,
                "categories": [SUMMARY, first, 0, last, 0],
                "values": [SUMMARY, first, 1, last, 1],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": name})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        sheet.insert_chart(anchor, chart)
