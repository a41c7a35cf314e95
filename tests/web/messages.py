"""The messages of the web pages: every string the templates and web modules mark for gettext."""

from __future__ import annotations

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.extract import extract_from_dir

WEB = Path(__file__).parents[2] / "src" / "muster" / "web"
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "N_": None}
OPTIONS = {"**.html": {"extensions": "jinja2.ext.i18n"}}


@cache
def web_messages() -> frozenset[str]:
    """Every msgid marked in the web package (templates and Python)."""
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), METHODS, keywords=KEYWORDS, options_map=OPTIONS
    ):
        if isinstance(message, str) and message:
            found.add(message)
    return frozenset(found)


class _Text(HTMLParser):
    """Visible text nodes and aria-labels of a page (scripts and styles left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        self.texts += [v for k, v in attrs if k in ("aria-label", "placeholder", "title") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(" ".join(data.split()))


@cache
def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each English message as a pattern (placeholders match anything)."""
    found = []
    for message in web_messages():
        parts = re.split(r"%\(\w+\)s", message)
        found.append((message, re.compile(".*".join(re.escape(p) for p in parts))))
    return found


def untranslated(html: str) -> list[str]:
    """English messages shown on a page that should be in another language.

    A text node equal to a message, or containing a message of two words or more, is English
    that escaped translation; data (names, codes, titles) never matches a whole message.
    """
    parser = _Text()
    parser.feed(html)
    shown = []
    for text in parser.texts:
        for message, pattern in _patterns():
            whole = pattern.fullmatch(text)
            inside = len(message.split()) > 1 and pattern.search(text)
            if whole or inside:
                shown.append(f"{message!r} in {text!r}")
    return shown
