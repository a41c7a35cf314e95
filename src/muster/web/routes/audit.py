"""The audit log: filters (who, what, unit, time), pages, CSV export of the filtered rows."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from muster.domain.errors import DomainError
from muster.services.audit import AuditFilter, audit_csv, audit_log
from muster.web.render import render
from muster.web.security import SignedIn, muster_of

router = APIRouter()


def _filter(actor: str, action: str, unit: str, since: str, until: str) -> AuditFilter:
    """The filter of the form: days are whole UTC days, `until` included."""
    return AuditFilter(
        actor=actor.strip(),
        action=action.strip(),
        unit=unit.strip(),
        since=_day(since),
        until=_day(until, timedelta(days=1)),
    )


def _day(text: str, plus: timedelta = timedelta()) -> datetime | None:
    """A YYYY-MM-DD day as the UTC midnight starting it (plus an offset); empty: None."""
    if not text.strip():
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    return datetime.combine(day, time(), UTC) + plus


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, viewer: SignedIn, actor: str = "", action: str = "", unit: str = "",
    since: str = "", until: str = "", page: int = 1,
) -> Response:  # fmt: skip
    """One page of the audit events the administrator may read."""
    muster = muster_of(request)
    wanted = _filter(actor, action, unit, since, until)
    with muster.uow() as uow:
        found = audit_log(uow, viewer.user, wanted, muster.clock(), page=page)
    form = {"actor": actor, "action": action, "unit": unit, "since": since, "until": until}
    context = {"found": found, "form": form, "query": urlencode(form)}
    return render(request, "audit.html", context)


@router.get("/audit.csv")
def audit_export(
    request: Request, viewer: SignedIn, actor: str = "", action: str = "", unit: str = "",
    since: str = "", until: str = "",
) -> Response:  # fmt: skip
    """Every event of the filter the administrator may read, as CSV (an audited read)."""
    muster = muster_of(request)
    wanted = _filter(actor, action, unit, since, until)
    with muster.uow() as uow:
        data = audit_csv(uow, viewer.user, wanted, muster.clock())
    headers = {"Content-Disposition": 'attachment; filename="audit.csv"'}
    return Response(data, media_type="text/csv; charset=utf-8", headers=headers)
