"""Every page and endpoint of the application is in an access test.

Each `tests/web/test_web_access*.py` module lists the routes its refusal tests run over in
`ROUTES_COVERED` (method, a concrete path). A route of the application that no module lists
fails here: a new page or endpoint cannot land without its signed-out, other-subtree,
missing-permission and CSRF tests.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute

from muster.bootstrap import Muster
from muster.web import create_app

# Open to everyone by design (SPEC §9: sign-in, health and static files).
PUBLIC = {("GET", "/sign-in"), ("POST", "/sign-in"), ("GET", "/healthz"),
          ("GET", "/fonts/NotoSansKR-Regular.otf")}  # fmt: skip


def _routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(method, path template) of every route, through included routers."""
    for route in routes:
        if isinstance(route, APIRoute):
            for method in sorted(route.methods - {"HEAD"}):
                yield method, prefix + route.path
        elif hasattr(route, "original_router"):
            inner = getattr(route.include_context, "prefix", "") or ""
            yield from _routes(route.original_router.routes, prefix + inner)


def _covered() -> list[tuple[str, str]]:
    """Every (method, concrete path) the access test modules run their refusals over."""
    found: list[tuple[str, str]] = []
    for path in sorted(Path(__file__).parent.glob("test_web_access*.py")):
        module = importlib.import_module(f"tests.web.{path.stem}")
        found += getattr(module, "ROUTES_COVERED", [])
    return found


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^}]+\}", template)
    return re.compile("[^/?]+".join(re.escape(p) for p in parts) + r"(\?.*)?\Z")


def test_every_route_is_in_an_access_test(world: Muster) -> None:
    routes = set(_routes(create_app(world).router.routes))
    assert ("GET", "/calls/{call_id}") in routes  # the walk sees the included routers
    covered = _covered()
    missing = sorted(
        (method, template)
        for method, template in routes - PUBLIC
        if not any(m == method and _pattern(template).match(p) for m, p in covered)
    )
    assert missing == [], "\n".join(f"{m} {t}" for m, t in missing)
