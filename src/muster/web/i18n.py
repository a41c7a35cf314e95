"""Korean and English for the web: gettext catalogues, the reader's language, local formats.

The catalogues are the `.po` files under `locales/`, compiled in memory when first used, so a
clean clone needs no build step. Dates, times and numbers are written the reader's way by
Babel; names are shown exactly as written (Hangul stays Hangul).
"""

from __future__ import annotations

import gettext
from datetime import UTC, datetime
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_timedelta
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("en", "ko")
DEFAULT_LANGUAGE = "en"


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated where it is shown."""
    return message


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of a language (English is the source: no catalogue).

    Every `.po` file of the language's `LC_MESSAGES` is read (one a part of the web:
    `messages.po`, `api.po`, ...), so that parts are translated in files of their own.
    """
    folder = LOCALES / language / "LC_MESSAGES"
    files = sorted(folder.glob("*.po"))
    if language == DEFAULT_LANGUAGE or not files:
        return gettext.NullTranslations()
    merged = None
    for po in files:
        with po.open("rb") as source:
            catalogue = read_po(source, locale=language)
        if merged is None:
            merged = catalogue
            continue
        for message in catalogue:
            if message.id:
                merged[message.id] = message
    assert merged is not None
    compiled = BytesIO()
    write_mo(compiled, merged)
    compiled.seek(0)
    return Translations(fp=compiled)


def choose_language(preferred: str | None, accept_language: str | None) -> str:
    """The user's own choice, else the best of the browser's Accept-Language, else English."""
    if preferred in LANGUAGES:
        return preferred
    for tag, _quality in _accepted(accept_language or ""):
        primary = tag.split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return DEFAULT_LANGUAGE


def _accepted(header: str) -> list[tuple[str, float]]:
    """Language tags of an Accept-Language header, best first."""
    tags: list[tuple[str, float]] = []
    for part in header.split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag:
            tags.append((tag, quality))
    return sorted(tags, key=lambda t: -t[1])


def _locale(language: str) -> Locale:
    """A Babel locale (English when unknown)."""
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE)


class Formats:
    """Date, time, duration and number formats of one language, times in one time zone."""

    def __init__(self, language: str, zone: str = "UTC") -> None:
        self.locale = _locale(language)
        self.zone = ZoneInfo(zone)

    def when(self, value: datetime | None) -> str:
        """A date and time in the organisation's time zone, the reader's way, with the zone's
        abbreviation (KST, UTC)."""
        if value is None:
            return ""
        local = value.astimezone(self.zone) if value.tzinfo else value.replace(tzinfo=UTC)
        text = format_datetime(local, "medium", tzinfo=self.zone, locale=self.locale)
        return f"{text} {local.astimezone(self.zone).tzname()}"

    def day(self, value: object) -> str:
        """A date the reader's way (empty for None)."""
        return "" if value is None else format_date(value, "medium", locale=self.locale)  # type: ignore[arg-type]

    def num(self, value: int | float) -> str:
        """A number with the reader's grouping."""
        return format_decimal(value, locale=self.locale)

    def left(self, due: datetime, now: datetime) -> str:
        """ "in 2 days" or "3 hours ago", the reader's way."""
        return format_timedelta(due - now, locale=self.locale, add_direction=True)
