"""The FastAPI application: signed-in pages over the services, static files, the status API.

Every page and endpoint needs a session except sign-in, health and static files. Refusals
by the access policy answer with no data: 404 for another subtree (as if absent), 403 for a
permission the user lacks in their own subtree.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from muster.bootstrap import Muster
from muster.domain.errors import DomainError, NotFound, NotPermitted, OutOfScope
from muster.reports.fonts import shipped_font
from muster.web import api
from muster.web.background import job_workers
from muster.web.hardening import SECURITY_HEADERS, BodyLimit, RequestLog, SecurityHeaders
from muster.web.render import render, see_other
from muster.web.resilience import add_resilience
from muster.web.routes import (
    auth,
    board,
    calls,
    consolidation,
    files,
    home,
    jobs,
    lists,
    people,
    review,
    rotation,
    situation,
    tokens,
)
from muster.web.security import SignInRequired

STATIC = Path(__file__).parent / "static"
FORM_OVERHEAD = 1 << 20  # multipart boundaries and the other fields around an uploaded file
LOG = logging.getLogger("muster.web")
FONT_CACHE = {"Cache-Control": "public, max-age=604800"}


def create_app(muster: Muster) -> FastAPI:
    """The web application over one Muster."""
    app = FastAPI(
        title="Muster", docs_url=None, redoc_url=None, openapi_url=None, lifespan=job_workers
    )
    app.state.muster = muster
    # Outermost last: every response (errors, 413s and 503s included) gets the security headers.
    add_resilience(app, muster.settings)  # database outages and timeouts answer 503
    app.add_middleware(BodyLimit, limit=muster.settings.max_upload_bytes + FORM_OVERHEAD)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(RequestLog)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (
        auth,
        home,
        calls,
        lists,
        review,
        board,
        files,
        jobs,
        consolidation,
        tokens,
        people,
        situation,
        rotation,
        api,
    ):
        app.include_router(module.router)
    _handlers(app)

    @app.get("/fonts/NotoSansKR-Regular.otf")
    def hangul_font() -> FileResponse:
        """Noto Sans KR from the Python dependencies: Hangul on machines without a CJK font."""
        return FileResponse(shipped_font(), media_type="font/otf", headers=FONT_CACHE)

    @app.get("/healthz")
    def healthz() -> dict[str, str]:
        """Liveness: the process answers (no sign-in needed)."""
        return {"status": "ok"}

    return app


def _handlers(app: FastAPI) -> None:
    """Sign-in redirects, 404 for what the user may not see, refusals shown as pages."""

    @app.exception_handler(SignInRequired)
    def to_sign_in(request: Request, _exc: SignInRequired) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "sign in first"}, status_code=401)
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return see_other(f"/sign-in?next={_quote(target)}")

    @app.exception_handler(NotPermitted)
    def not_permitted(request: Request, exc: DomainError) -> Response:
        # Outside the subtree: as if absent. Inside it, a missing permission: 403, no data.
        if isinstance(exc, OutOfScope):
            return not_found(request, exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "you lack the permission for this"}, status_code=403)
        return render(request, "error.html", {"kind": "forbidden"}, status_code=403)

    @app.exception_handler(NotFound)
    def not_found(request: Request, _exc: DomainError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": "not found"}, status_code=404)
        return render(request, "error.html", {"kind": "not_found"}, status_code=404)

    @app.exception_handler(DomainError)
    def refused(request: Request, exc: DomainError) -> Response:
        return render(request, "error.html", {"kind": "refused", "message": str(exc)}, 400)

    @app.exception_handler(Exception)
    def crashed(request: Request, exc: Exception) -> Response:
        # The reason goes to the server's log, never to the browser (no stack trace).
        LOG.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
        page = render(request, "error.html", {"kind": "crashed"}, 500)
        # Starlette answers a crash outside the middleware stack: add the headers here.
        page.headers.update({k.decode(): v.decode() for k, v in SECURITY_HEADERS})
        return page

    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> Response:
        kind = {403: "forbidden", 404: "not_found"}.get(exc.status_code, "refused")
        context = {"kind": kind, "message": str(exc.detail)}
        return render(request, "error.html", context, status_code=exc.status_code)


def _quote(path: str) -> str:
    """A path as a query value."""
    from urllib.parse import quote

    return quote(path, safe="/")
