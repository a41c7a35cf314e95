"""Charts: deterministic SVG, labels kept as escaped text, counts from the report alone."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from muster.reports.charts import bar_chart_svg, report_charts
from tests.unit.reports.world import CATALOGUE, FULL, PLAIN, report_for

SVG = "{http://www.w3.org/2000/svg}"


def texts(svg: str) -> list[str]:
    """The text of every <text> element of an SVG document."""
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_the_same_data_gives_the_same_bytes_and_no_date() -> None:
    first = bar_chart_svg("k", ["On time", "Late"], [3, 1])
    assert first == bar_chart_svg("k", ["On time", "Late"], [3, 1])
    assert "dc:date" not in first
    assert first.lstrip().startswith("<?xml")


def test_labels_stay_text_escaped_and_free_of_mathtext() -> None:
    svg = bar_chart_svg("k", ["단둥 <b>&", "cost $x$"], [2, 0])
    assert "단둥 <b>&" in texts(svg)
    assert "cost $x$" in texts(svg)
    assert "<b>" not in svg


def test_charts_show_counts_for_the_plain_viewer() -> None:
    charts = {c.key: c for c in report_charts(report_for(PLAIN), CATALOGUE)}
    assert charts["completeness"].values == (1, 1, 1)
    assert charts["sections"].labels == ("Unable to work: health", "Stranded or without work")
    assert charts["sections"].values == (1, 3)
    assert sum(charts["categories"].values) == 4
    assert (
        "Left the workplace, whereabouts unknown (welfare check)" not in charts["categories"].labels
    )


def test_charts_include_restricted_sections_for_the_full_viewer() -> None:
    charts = {c.key: c for c in report_charts(report_for(FULL), CATALOGUE)}
    assert charts["sections"].values == (1, 3, 1, 1)
    assert "Protection" in texts(charts["sections"].svg)


def test_each_chart_is_a_data_uri_with_alt_text() -> None:
    (chart, *_) = report_charts(report_for(PLAIN), CATALOGUE)
    assert chart.data_uri.startswith("data:image/svg+xml;base64,")
    assert chart.alt == "Units reporting: on time, late, missing: On time 1; Late 1; Missing 1"
