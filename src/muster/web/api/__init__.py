"""The JSON API under /api/v1 (SPEC §9): one module per area, each a thin router over the
services, and the OpenAPI document of them all at /api/v1/openapi.json.

A new area is one module with a `router` (built with `ApiRoute` and `REFUSALS` from
`web.api.base`) added to `AREAS`.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.openapi.utils import get_openapi

from muster.web.api import (
    audit,
    calls,
    consolidation,
    files,
    jobs,
    lists,
    me,
    notices,
    people,
    protection,
    rotation,
    situation,
    tokens,
    users,
    worklist,
)
from muster.web.api.base import PREFIX

AREAS = (
    me, worklist, calls, lists, files, notices, consolidation, jobs, rotation, situation,
    people, protection, audit, users, tokens,
)  # fmt: skip
router = APIRouter()
for _area in AREAS:
    router.include_router(_area.router)

DESCRIPTION = """The JSON API of Muster: the same services and rules as the command line and
the web pages. Authenticate with an API token (`Authorization: Bearer mst_...`) made with
`muster token add` or on the /tokens page; it acts for one unit of its owner's subtree with
some of the owner's permissions. A unit outside the token's subtree answers 404 as if absent;
a permission it lacks, 403; neither carries data. List submission accepts an
`Idempotency-Key` header: a retried request gets the first answer and never makes a second
version. A refused file answers 422 with every error as row, column, value and expected form.
"""


@cache
def openapi_document() -> dict[str, Any]:
    """The OpenAPI document of every /api/v1 route, every operation behind the bearer token."""
    api_routes = [r for area in AREAS for r in area.router.routes]
    document = get_openapi(
        title="Muster API", version="1", description=DESCRIPTION, routes=api_routes
    )
    document["security"] = [{"bearer": []}]
    return document


@router.get(PREFIX + "/openapi.json", include_in_schema=False)
def openapi(_request: Request) -> dict[str, Any]:
    """The OpenAPI document (no token needed: it holds no data)."""
    return openapi_document()
