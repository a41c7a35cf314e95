"""Received files: every file sent for a unit (receipts), and the original bytes for those
allowed to read everything a file may hold."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.services.files import fetch_file, received_files
from muster.services.lists import status
from muster.web.render import render
from muster.web.security import SignedIn, muster_of

router = APIRouter()


@router.get("/calls/{call_id}/units/{unit_code}/files", response_class=HTMLResponse)
def files_page(request: Request, viewer: SignedIn, call_id: int, unit_code: str) -> Response:
    """Receipts of every file received for a unit and call, with their outcomes."""
    with muster_of(request).uow() as uow:
        call, _rows = status(uow, viewer.user, muster_of(request).catalogue, call_id=call_id)
        found = received_files(uow, viewer.user, call_id, unit_code)
    context = {"call": call, "unit_code": unit_code, "files": found}
    return render(request, "files.html", context)


@router.get("/files/{file_id}")
def file_download(request: Request, viewer: SignedIn, file_id: int) -> Response:
    """The original bytes of a received file (audited); 404 for anyone not allowed."""
    muster = muster_of(request)
    with muster.uow() as uow:
        received, data = fetch_file(uow, viewer.user, muster.catalogue, muster.archive, file_id)
    name = quote(received.filename)
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"}
    return Response(data, media_type="application/octet-stream", headers=headers)
