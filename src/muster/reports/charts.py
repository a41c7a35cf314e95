"""Bar charts of a consolidated report as deterministic SVG text, for the HTML and PDF reports."""

from __future__ import annotations

import base64
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: reports are made on servers

from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from muster.domain.categories import Catalogue
from muster.domain.consolidation import ConsolidatedReport
from muster.reports.fonts import families, register_for_matplotlib
from muster.reports.tables import category_counts, section_counts, timeliness_counts

BAR_COLOUR = "#3b6ea8"
TIMELINESS_COLOURS = {"on_time": "#3a8a4f", "late": "#d08a1e", "missing": "#b23b3b"}
LABEL_WIDTH = 30  # characters per line of a bar label
# No date (deterministic bytes) and no creator line: the chart is part of the report.
NO_METADATA = {"Date": None, "Creator": None, "Format": None, "Type": None}


@dataclass(frozen=True)
class Chart:
    """A titled chart: its SVG document and a text equivalent of what it shows."""

    key: str
    title: str
    svg: str
    labels: tuple[str, ...]
    values: tuple[int, ...]

    @property
    def alt(self) -> str:
        """The chart's data as a sentence, for screen readers and when images are off."""
        return f"{self.title}: " + "; ".join(
            f"{label} {value}" for label, value in zip(self.labels, self.values, strict=True)
        )

    @property
    def data_uri(self) -> str:
        """The SVG as a data: URI, so each chart is a separate document inside the page."""
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def make_chart(
    key: str,
    title: str,
    rows: Sequence[tuple[str, int]],
    colours: Sequence[str] | None = None,
) -> Chart:
    """A chart of (label, count) rows."""
    labels = tuple(label for label, _ in rows)
    values = tuple(value for _, value in rows)
    return Chart(key, title, bar_chart_svg(key, labels, values, colours), labels, values)


def bar_chart_svg(
    key: str, labels: Sequence[str], values: Sequence[int], colours: Sequence[str] | None = None
) -> str:
    """A horizontal bar chart as SVG text; the same input always gives the same bytes."""
    register_for_matplotlib()
    with rc_context(
        {
            "svg.hashsalt": f"muster-{key}",  # stable ids, distinct per chart on one page
            "svg.fonttype": "none",  # text stays text: the page's CJK fonts render it
            "font.family": "sans-serif",
            "font.sans-serif": families(),
            "font.size": 8,
            "text.parse_math": False,  # a '$' in a region name is text, not mathtext
        }
    ):
        figure = _bar_figure(labels, values, colours or [BAR_COLOUR] * len(values))
        out = io.StringIO()
        figure.savefig(out, format="svg", metadata=NO_METADATA)
    return out.getvalue()


def _bar_figure(labels: Sequence[str], values: Sequence[int], colours: Sequence[str]) -> Figure:
    """The figure: one bar per label, top to bottom, each with its count written at its end."""
    wrapped = [textwrap.fill(label, LABEL_WIDTH) for label in labels]
    lines = sum(label.count("\n") + 1 for label in wrapped)
    figure = Figure(figsize=(4.6, 0.6 + 0.22 * max(lines, 2)), layout="constrained")
    axes = figure.add_subplot()
    positions = list(range(len(values)))
    bars = axes.barh(positions, values, color=list(colours))
    axes.bar_label(bars, padding=3)
    axes.set_yticks(positions, wrapped)
    axes.invert_yaxis()
    axes.set_xlim(0, max([*values, 1]) * 1.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    return figure


def section_chart(report: ConsolidatedReport) -> Chart:
    """Persons per section shown in the report."""
    return make_chart("sections", "Persons by section", section_counts(report))


def category_chart(report: ConsolidatedReport, catalogue: Catalogue) -> Chart:
    """Persons per category shown in the report."""
    return make_chart("categories", "Persons by category", category_counts(report, catalogue))


def completeness_chart(report: ConsolidatedReport) -> Chart:
    """Expected units on time, late and missing."""
    rows = timeliness_counts(report)
    colours = [TIMELINESS_COLOURS[code] for code, _, _ in rows]
    title = "Units reporting: on time, late, missing"
    return make_chart("completeness", title, [(label, n) for _, label, n in rows], colours)


def report_charts(report: ConsolidatedReport, catalogue: Catalogue) -> list[Chart]:
    """Every chart of the report, in the order the pages show them."""
    return [completeness_chart(report), section_chart(report), category_chart(report, catalogue)]
