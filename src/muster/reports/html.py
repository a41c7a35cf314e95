"""The consolidated report as one self-contained HTML page (also the source of the PDF)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from muster.domain.categories import Catalogue
from muster.domain.consolidation import ConsolidatedReport
from muster.reports.charts import report_charts
from muster.reports.tables import (
    COMPLETENESS_COLUMNS,
    PERSON_COLUMNS,
    Value,
    completeness_row,
    count_tables,
    headline,
    person_row,
    timeliness_counts,
    when,
)

# Columns that usually hold Korean text, marked lang="ko" for fonts and screen readers.
NATIVE_COLUMNS = frozenset({"name_native"})


@cache
def environment() -> Environment:
    """The template environment; autoescape is on because names and notes are hostile input."""
    env = Environment(
        loader=PackageLoader("muster.reports", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["breakable"] = breakable
    return env


def breakable(name: str) -> Markup:
    """A column name that may wrap after each underscore, so wide tables fit the page."""
    return Markup("_<wbr>").join(escape(part) for part in name.split("_"))


def report_html(report: ConsolidatedReport, catalogue: Catalogue) -> str:
    """The report page: headline, counts and charts, a table per section, completeness."""
    template = environment().get_template("report.html")
    return template.render(report_context(report, catalogue))


def report_context(report: ConsolidatedReport, catalogue: Catalogue) -> dict[str, Any]:
    """What the template shows, all of it read from the report."""
    charts = report_charts(report, catalogue)
    return {
        "report": report,
        "headline": [(label, text(value)) for label, value in headline(report)],
        "timeliness": timeliness_counts(report),
        "count_tables": count_tables(report, catalogue),
        "charts": charts,
        "sections": [
            {
                "code": s.section.code,
                "label": s.section.label,
                "rows": [_cells(PERSON_COLUMNS, person_row(p, catalogue)) for p in s.persons],
            }
            for s in report.sections
        ],
        "person_columns": PERSON_COLUMNS,
        "native_columns": NATIVE_COLUMNS,
        "completeness_columns": COMPLETENESS_COLUMNS,
        "completeness": [
            _cells(COMPLETENESS_COLUMNS, completeness_row(s)) for s in report.completeness
        ],
    }


def _cells(columns: Sequence[str], values: Sequence[Value]) -> list[tuple[str, str]]:
    """(column, text) pairs of one table row."""
    return [(column, text(value)) for column, value in zip(columns, values, strict=True)]


def text(value: Value) -> str:
    """A cell's value as page text: dates in ISO form, nothing for None."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return when(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
