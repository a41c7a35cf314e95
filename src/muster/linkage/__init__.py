"""Linkage: find the same person across lists, whatever script or spelling the name is in."""

from __future__ import annotations

from muster.linkage.fields import PersonName, normalise_name
from muster.linkage.link import LinkOptions, LinkResult, ReviewDecision, link_records

__all__ = [
    "LinkOptions",
    "LinkResult",
    "PersonName",
    "ReviewDecision",
    "link_records",
    "normalise_name",
]
