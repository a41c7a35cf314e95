"""SPEC §2/§4 in every format: no medical note, welfare entry or held person without permission."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from muster.reports import FORMATS, ReportFormat
from tests.unit.reports.world import (
    HEALTH_NAME,
    HELD_ID,
    HELD_NAME,
    MEDICAL_NOTE,
    OTHER_NOTE,
    STRANDED_NAME,
    WELFARE_NAME,
)

Text = Callable[[str, ReportFormat], str]
RESTRICTED = {
    "medical note": MEDICAL_NOTE,
    "welfare person": WELFARE_NAME,
    "welfare section": "Whereabouts unknown",
    "held person": HELD_NAME,
    "held person id": HELD_ID,
    "protection section": "Protection",
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("what", RESTRICTED)
def test_a_viewer_without_permissions_sees_nothing_restricted(
    report_text: Text, fmt: ReportFormat, what: str
) -> None:
    assert RESTRICTED[what] not in report_text("plain", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("what", RESTRICTED)
def test_a_viewer_with_medical_welfare_and_protection_sees_it_all(
    report_text: Text, fmt: ReportFormat, what: str
) -> None:
    assert RESTRICTED[what] in report_text("full", fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("viewer", ["plain", "full"])
def test_unrestricted_persons_and_notes_are_in_every_report(
    report_text: Text, fmt: ReportFormat, viewer: str
) -> None:
    text = report_text(viewer, fmt)
    assert HEALTH_NAME in text
    assert STRANDED_NAME in text
    assert OTHER_NOTE in text
