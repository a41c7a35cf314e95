"""Rendering pages in the reader's language, with the helpers every template uses."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from muster.services.accounts import Viewer
from muster.web.i18n import Formats, choose_language, translations
from muster.web.labels import LABELS
from muster.web.localise import localise
from muster.web.security import CSRF_FIELD, muster_of

TEMPLATES = Path(__file__).parent / "templates"
HTMX = "htmx-2.0.11.min.js"  # vendored, pinned (static/); no CDN


@cache
def templates_for(language: str) -> Jinja2Templates:
    """Templates with the language's gettext catalogue installed."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
    )
    catalogue = translations(language)
    env.install_gettext_translations(catalogue, newstyle=True)  # type: ignore[attr-defined]
    env.filters["localise"] = lambda text: localise(text, catalogue.gettext)
    return Jinja2Templates(env=env)


def language_of(request: Request, viewer: Viewer | None) -> str:
    """The viewer's chosen language, else the browser's."""
    chosen = viewer.language if viewer else None
    return choose_language(chosen, request.headers.get("accept-language"))


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    viewer: Viewer | None = None,
) -> HTMLResponse:
    """A page in the reader's language; `viewer` defaults to the request's signed-in one."""
    viewer = viewer or getattr(request.state, "viewer", None)
    language = language_of(request, viewer)
    muster = muster_of(request)
    base = {
        "viewer": viewer,
        "lang": language,
        "fmt": Formats(language, muster.settings.time_zone),
        "zone": muster.settings.time_zone,
        "now": muster.clock(),
        "labels": LABELS,
        "csrf_field": CSRF_FIELD,
        "csrf": viewer.csrf_token if viewer else "",
        "htmx": HTMX,
    }
    return templates_for(language).TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )


def see_other(url: str) -> RedirectResponse:
    """After a POST, the page to show (303, so that a reload does not post again)."""
    return RedirectResponse(url, status_code=303)
