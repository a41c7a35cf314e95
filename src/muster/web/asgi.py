"""The application factory each `muster serve --workers N` worker process calls.

uvicorn starts worker processes by importing an application, so a worker cannot be handed
the parent's Muster: it builds its own from the environment (MUSTER_DATABASE_URL, which
`muster serve` sets to the database given by `--db`, and the other MUSTER_* settings).
"""

from __future__ import annotations

from fastapi import FastAPI

from muster.bootstrap import bootstrap
from muster.web.app import create_app


def create() -> FastAPI:
    """The web application over the database the environment names."""
    return create_app(bootstrap())
