"""API: files received for a unit (receipts) and the original bytes of one, for those allowed
to read everything it may hold."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import BaseModel

from muster.services.files import fetch_file, list_template, received_files
from muster.web.api.base import PREFIX, REFUSALS, ApiRoute, Caller, CallId, UnitCode
from muster.web.security import muster_of

router = APIRouter(prefix=PREFIX, route_class=ApiRoute, tags=["files"], responses=REFUSALS)


class Receipt(BaseModel):
    """A file received, kept byte for byte, and what became of it. Not the reasons a file
    was refused: they quote its cells, which only those who may read the file may see."""

    id: int
    sha256: str
    size: int
    filename: str
    purpose: str
    received_at: datetime
    sender: str
    outcome: str


@router.get("/calls/{call_id}/units/{unit_code}/files")
def unit_files(
    request: Request, user: Caller, call_id: CallId, unit_code: UnitCode
) -> list[Receipt]:
    """Every file received for the unit and call, accepted or rejected (receipts, not bytes)."""
    with muster_of(request).uow() as uow:
        found = received_files(uow, user, call_id, unit_code)
    return [Receipt.model_validate(f, from_attributes=True) for f in found]


MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}
TEMPLATE: dict[int | str, dict[str, Any]] = {
    200: {"content": {m: {} for m in MEDIA.values()}, "description": "The pre-filled list"}
}


@router.get(
    "/calls/{call_id}/units/{unit_code}/template", response_class=Response, responses=TEMPLATE
)
def unit_template(
    request: Request,
    user: Caller,
    call_id: CallId,
    unit_code: UnitCode,
    format: Literal["xlsx", "csv"] = "xlsx",
) -> Response:
    """The workplace's list in the SPEC §5 format, pre-filled with its roster (audited)."""
    muster = muster_of(request)
    with muster.uow() as uow:
        data = list_template(
            uow, user, muster.catalogue, call_id=call_id, unit_code=unit_code, fmt=format
        )
    disposition = f'attachment; filename="{quote(unit_code)}-call{call_id}.{format}"'
    return Response(data, media_type=MEDIA[format], headers={"Content-Disposition": disposition})


ORIGINAL: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/octet-stream": {}}, "description": "The bytes"}
}


@router.get("/files/{file_id}", response_class=Response, responses=ORIGINAL)
def file_bytes(
    request: Request,
    user: Caller,
    file_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
) -> Response:
    """The original bytes of a received file (audited); 404 for anyone not allowed."""
    muster = muster_of(request)
    with muster.uow() as uow:
        received, data = fetch_file(uow, user, muster.catalogue, muster.archive, file_id)
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(received.filename)}"}
    return Response(data, media_type="application/octet-stream", headers=headers)
