"""Schemathesis against the API's own OpenAPI document, in process (ASGI), on both databases:
bounded examples for every operation, with a real token of a user holding every permission
over a world where a list was submitted. No answer is a 5xx, and every answer (status code,
content type, headers, body) conforms to what the document declares."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR, Permission
from muster.services.lists import submit_list
from muster.web import create_app
from muster.web.api import openapi_document
from tests.web.api_helpers import bearer, token_for
from tests.web.conftest import GOOD_CSV

DEFAULT_EXAMPLES = 12  # per operation and database: about a minute for each database
# A longer, random exploration by hand: MUSTER_API_EXAMPLES=200 pytest tests/web/test_api_schema.py
EXAMPLES = int(os.environ.get("MUSTER_API_EXAMPLES", DEFAULT_EXAMPLES))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


class Served:
    """An ASGI application whose target each test sets: the schema is loaded once, at import,
    from the document the API serves; each test serves it over its own world and database."""

    def __init__(self) -> None:
        self.target: Any = None
        self.token = ""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await self.target(scope, receive, send)


SERVED = Served()
schema = schemathesis.openapi.from_dict(openapi_document())
schema.app = SERVED


@pytest.fixture
def served(world: Muster) -> Iterator[Served]:
    """The application over a world where W1 submitted a list, and a token of HQ's user with
    every permission."""
    with world.uow() as uow:
        submit_list(
            uow, OPERATOR, world.archive, call_id=1, unit_code="W1", data=GOOD_CSV.encode(),
            filename="w1.csv", limits=world.limits(), now=world.clock(),
        )  # fmt: skip
    SERVED.target = create_app(world)
    SERVED.token = token_for(world, "hq", "HQ", [p.value for p in Permission])
    yield SERVED
    SERVED.target = None


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=EXAMPLES == DEFAULT_EXAMPLES,  # the same cases in every CI run
)
def test_the_api_keeps_to_its_document(case: Any, served: Served) -> None:
    case.call_and_validate(headers=bearer(served.token), checks=CHECKS)
