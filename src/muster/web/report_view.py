"""The consolidated report page's shape: bar charts of the counts, the completeness summary
and the review queue's pairs side by side.

Presentation only: the report comes from `services.consolidation.consolidated_report` and the
pairs from `pairs_to_review`, as the viewer may see them; an entry of a pair is shown through
`domain.access.entry_as_seen`, and a pair with an entry the viewer may not see is left out.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from muster.domain.access import entry_as_seen
from muster.domain.categories import Catalogue
from muster.domain.consolidation import ConsolidatedReport, SourceEntry
from muster.domain.users import User
from muster.services.consolidation import Consolidation
from muster.web.labels import LABELS

BAR_WIDTH = 320
BAR_HEIGHT = 22
PAIRS_PER_PAGE = 10
CHARTS = (
    ("section", "section_"),
    ("category", ""),
    ("region", None),
    ("type", None),
)


@dataclass(frozen=True)
class Bar:
    """One row of a horizontal bar chart."""

    label: str  # an English message to translate, or a code or name shown as written
    translate: bool
    count: int
    y: int
    width: float


@dataclass(frozen=True)
class Chart:
    """Persons counted by one thing: its bars (and the same numbers as a table)."""

    key: str
    bars: list[Bar]
    height: int


def charts(report: ConsolidatedReport) -> list[Chart]:
    """A chart per count: section (every section shown, empty ones too), category, region
    and workplace type."""
    found = []
    for key, prefix in CHARTS:
        counts: Mapping[str, int] = report.counts.get(key, {})
        if key == "section":
            counts = {s.section.code: len(s.persons) for s in report.sections}
        top = max(counts.values(), default=0)
        bars = []
        for i, (code, n) in enumerate(counts.items()):
            label, translate = code, False
            if prefix is not None and (prefix + code) in LABELS:
                label, translate = LABELS[prefix + code], True
            width = BAR_WIDTH * n / top if top else 0.0
            bars.append(Bar(label, translate, n, i * (BAR_HEIGHT + 6), width))
        found.append(Chart(key, bars, max(1, len(bars)) * (BAR_HEIGHT + 6)))
    return found


def completeness_summary(report: ConsolidatedReport) -> list[tuple[str, int]]:
    """Units below by timeliness (on time, late, missing), then by state."""
    rows = [r for r in report.completeness if r.unit != report.unit_code]
    timeliness = Counter(r.timeliness.value for r in rows)
    states = Counter(r.state for r in rows)
    order = ("pending", "on_time", "late", "missing")
    return [(t, timeliness[t]) for t in order if t in timeliness or t != "pending"] + sorted(
        states.items()
    )


@dataclass(frozen=True)
class Side:
    """One record of a pair as the viewer may see it, and where it came from."""

    record_id: str
    source: SourceEntry


@dataclass(frozen=True)
class Pair:
    """A pair linkage was unsure of, with both records and any decision made on it."""

    left: Side
    right: Side
    merged: bool  # the consolidation put both records in one person
    decided: Mapping[str, object] | None


def review_pairs(
    pairs: Sequence[Mapping[str, object]],
    run: Consolidation,
    catalogue: Catalogue,
    viewer: User,
) -> list[Pair]:
    """The pairs, in the service's order, with both records as the viewer may see them."""
    sources = {s.record_id: s for p in run.persons for s in p.sources}
    person_of = {s.record_id: p.cluster_id for p in run.persons for s in p.sources}
    shown = []
    for pair in pairs:
        sides = [
            _side(str(pair[k]), sources, catalogue, viewer) for k in ("record_id_l", "record_id_r")
        ]
        left, right = sides
        if left is None or right is None:
            continue
        decided = pair.get("decided")
        merged = person_of[left.record_id] == person_of[right.record_id]
        shown.append(Pair(left, right, merged, decided if isinstance(decided, dict) else None))
    return shown


def _side(
    record_id: str, sources: Mapping[str, SourceEntry], catalogue: Catalogue, viewer: User
) -> Side | None:
    """The record as the viewer may see it; None when they may not (or it is gone)."""
    source = sources.get(record_id)
    if source is None:
        return None
    seen = entry_as_seen(source.entry, catalogue, viewer, held=source.held)
    if seen is None:
        return None
    return Side(record_id, SourceEntry(record_id, source.unit_code, source.version,
                                       source.submitted_at, seen, source.held))  # fmt: skip


def page_of(items: Sequence[Pair], page: int) -> tuple[list[Pair], int, int]:
    """One page of pairs, the page shown (1-based) and how many pages there are."""
    pages = max(1, -(-len(items) // PAIRS_PER_PAGE))
    page = min(max(1, page), pages)
    start = (page - 1) * PAIRS_PER_PAGE
    return list(items[start : start + PAIRS_PER_PAGE]), page, pages
