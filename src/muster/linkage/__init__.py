"""Linkage: find the same person across lists, whatever script or spelling the name is in.

`link_records` and its types load Splink and DuckDB, which take seconds to import: they are
imported on first use, so that the name normaliser (`muster.linkage.fields`, used by the
registry search and the protection matcher) loads without them.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from muster.linkage.fields import PersonName, normalise_name

if TYPE_CHECKING:
    from muster.linkage.link import LinkOptions, LinkResult, ReviewDecision, link_records

__all__ = [
    "LinkOptions",
    "LinkResult",
    "PersonName",
    "ReviewDecision",
    "link_records",
    "normalise_name",
]
_LINK = ("LinkOptions", "LinkResult", "ReviewDecision", "link_records")


def __getattr__(name: str) -> Any:
    """The names of `muster.linkage.link`, imported on first use (it loads Splink)."""
    if name in _LINK:
        return getattr(import_module("muster.linkage.link"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
