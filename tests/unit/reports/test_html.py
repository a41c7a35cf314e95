"""The HTML report: escaped hostile text, Korean fonts, charts inline, a print stylesheet."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

from muster.reports.html import breakable, report_html
from tests.unit.reports.conftest import rendered
from tests.unit.reports.world import CATALOGUE, FULL, HANJA_NAME, SCRIPT, report_for


def page(viewer: str) -> str:
    """The viewer's HTML page."""
    return rendered(viewer, "html").decode("utf-8")


class Tags(HTMLParser):
    """Every start tag with its attributes, and the rows of each section."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.rows: dict[str, int] = {}
        self._section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "section":
            self._section = found.get("id")
        elif tag == "tr" and self._section and self._section.startswith("section-"):
            self.rows[self._section] = self.rows.get(self._section, 0) + 1


def parse(html: str) -> Tags:
    """The page's tags."""
    parser = Tags()
    parser.feed(html)
    return parser


def test_hostile_names_are_escaped_and_no_script_can_run() -> None:
    html = page("plain")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert SCRIPT not in html
    assert [t for t, _ in parse(html).tags if t in {"script", "iframe", "object"}] == []


def test_every_section_shown_is_a_table_with_a_row_per_person() -> None:
    assert parse(page("plain")).rows == {"section-health": 2, "section-stranded": 4}
    full = parse(page("full")).rows
    assert full["section-welfare"] == 2
    assert full["section-protection"] == 2


def test_korean_friendly_fonts_and_native_names_marked_korean() -> None:
    html = page("full")
    assert '"Noto Sans CJK KR"' in html
    assert f'<td class="name_native" lang="ko">{HANJA_NAME}</td>' in html


def test_print_stylesheet_sets_a4_landscape_and_page_numbers() -> None:
    html = page("plain")
    assert "size: A4 landscape" in html
    assert 'counter(page) " of " counter(pages)' in html
    assert "@media print" in html


def test_the_page_is_self_contained() -> None:
    tags = parse(page("full")).tags
    assert [t for t, _ in tags if t == "link"] == []
    sources = [a["src"] or "" for t, a in tags if t == "img"]
    assert len(sources) == 3
    assert all(s.startswith("data:image/svg+xml;base64,") for s in sources)


def test_charts_carry_only_what_the_viewer_may_see() -> None:
    for viewer, shown in (("plain", False), ("full", True)):
        images = [a for t, a in parse(page(viewer)).tags if t == "img"]
        svgs = [base64.b64decode((a["src"] or "").split(",", 1)[1]).decode() for a in images]
        assert ("Whereabouts unknown" in "".join(svgs)) is shown
        assert ("Protection" in "".join(svgs)) is shown


def test_chart_alt_text_states_the_counts() -> None:
    alts = [a["alt"] for t, a in parse(page("plain")).tags if t == "img"]
    assert "Units reporting: on time, late, missing: On time 1; Late 1; Missing 1" in alts
    assert "Persons by section: Unable to work: health 1; Stranded or without work 3" in alts


def test_headline_and_completeness_table() -> None:
    html = page("plain")
    assert re.search(r"<dt>Viewer</dt><dd>clerk</dd>", html)
    assert re.search(r"<dt>Generated at</dt><dd>2021-07-26 08:30 UTC</dd>", html)
    assert '<td class="submitted_at">2021-07-24 21:00 UTC</td>' in html
    assert '<td class="timeliness">missing</td>' in html


def test_column_names_may_wrap_after_underscores_and_stay_escaped() -> None:
    assert str(breakable("wants_to_return")) == "wants_<wbr>to_<wbr>return"
    assert str(breakable("<b>_x")) == "&lt;b&gt;_<wbr>x"


def test_the_same_report_gives_the_same_page() -> None:
    report = report_for(FULL)
    assert report_html(report, CATALOGUE) == report_html(report, CATALOGUE)
