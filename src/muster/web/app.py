"""The FastAPI application: thin routes over services; read-only, counts only, until sign-in."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from muster.bootstrap import Muster
from muster.domain.errors import NotFound
from muster.web.pages import LEVELS, call_status, call_views

TEMPLATES = Path(__file__).parent / "templates"


def create_app(muster: Muster) -> FastAPI:
    """The web application over one Muster (no login yet: everything is read-only)."""
    app = FastAPI(title="Muster", docs_url=None, redoc_url=None)
    templates = Jinja2Templates(directory=TEMPLATES)

    @app.get("/", response_class=HTMLResponse)
    def status_page(request: Request) -> HTMLResponse:
        """Calls for lists with completeness and timeliness per unit."""
        views = call_views(muster)
        return templates.TemplateResponse(
            request, "status.html", {"views": views, "levels": LEVELS}
        )

    @app.get("/api/calls/{call_id}/status")
    def call_status_json(call_id: int) -> list[dict[str, object]]:
        """SPEC §7 status JSON for one call."""
        try:
            return call_status(muster, call_id)
        except NotFound as error:
            raise HTTPException(status_code=404, detail=str(error)) from None

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    return app
