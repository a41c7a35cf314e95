"""Fonts for Hangul and hanja in PDF reports and charts, on any machine.

The project's own dependencies ship Noto Sans KR (SIL Open Font License; the PyPI package
`pylopdf-fonts-ko`), so a fresh machine without `fonts-noto-cjk` still renders Korean
names. WeasyPrint gets it through an @font-face rule with a file URL, matplotlib through
`font_manager.addfont`. The system's Noto Sans CJK KR comes first in every font list and
is used when installed; MUSTER_IGNORE_SYSTEM_FONTS=1 leaves it out (to check the shipped
font alone, as on a fresh machine).
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

import pylopdf_fonts_ko

SYSTEM_CJK = "Noto Sans CJK KR"  # Debian's fonts-noto-cjk, when installed
SHIPPED_FAMILY = "Noto Sans KR"  # the family name inside the shipped font file
LATIN_FALLBACK = "DejaVu Sans"
IGNORE_SYSTEM_FONTS = "MUSTER_IGNORE_SYSTEM_FONTS"


def shipped_font() -> Path:
    """The Noto Sans KR file installed with Muster's dependencies."""
    return pylopdf_fonts_ko.sans_path()


def system_fonts_allowed() -> bool:
    """False when MUSTER_IGNORE_SYSTEM_FONTS asks to use the shipped font only."""
    return os.environ.get(IGNORE_SYSTEM_FONTS, "").strip().lower() not in ("1", "true", "yes")


def families() -> list[str]:
    """Font families in order of preference: the system's CJK font, the shipped one, Latin."""
    system = [SYSTEM_CJK] if system_fonts_allowed() else []
    return [*system, SHIPPED_FAMILY, LATIN_FALLBACK]


def font_face_css() -> str:
    """A stylesheet that loads the shipped font and puts the families on the whole page.

    It is given to WeasyPrint as a user stylesheet, hence `!important` over the page's own
    font list (written for browsers, which find their own fonts).
    """
    names = ", ".join(f'"{name}"' for name in families())
    source = shipped_font().as_uri()
    return (
        f'@font-face {{ font-family: "{SHIPPED_FAMILY}"; src: url("{source}"); }}\n'
        f"html {{ font-family: {names}, sans-serif !important; }}\n"
    )


@cache
def register_for_matplotlib() -> None:
    """Make the shipped font known to matplotlib (once per process)."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(shipped_font()))
