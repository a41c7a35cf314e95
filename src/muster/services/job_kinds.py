"""The kinds of background job Muster runs, and their parameters (JSON values):

- `consolidate` {"call_id": int, "unit_code": str}: services.consolidation.consolidate for a
  call under a unit (who may: as `consolidate`; followers need `review`). Result:
  {"consolidation": id, "call_id", "unit_code"} (counts are read on the report page, as
  each viewer may see them: a count here could reveal a held person).
- `plan` {"call_id": int, "start": "YYYY-MM-DD", "horizon_days": int, "time_limit": float}:
  services.rotation_plan.plan_from_db, saved as a plan version as always (headquarters'
  planners only). Result: {"plan": id, "call_id", "status", "moves"}.
- `import` {"kind": "units"|"people"|"replacements", "file_id": int}: a file already
  received and kept by services.imports.keep_import (by the same user), read from the
  archive and imported all or nothing. Result: {"file_id", "records"}; a refused file fails
  the job with its errors (row, column, value, expected) as the result.

Each runner reports its stages as progress; each checks access again when it runs, as the
user who asked, through the same check its service makes.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from muster.domain.access import require_headquarters
from muster.domain.errors import DomainError, NotFound
from muster.domain.users import Permission, User
from muster.services.consolidation import check_consolidate, consolidate
from muster.services.imports import ImportKind, import_file, require_import
from muster.services.jobs import JobKind, Params, ReportProgress, Runtime, register
from muster.services.receipts import Receipt
from muster.services.rotation_plan import plan_from_db
from muster.store.files import INCOMPLETE
from muster.store.uow import UnitOfWork

IMPORT_KINDS: tuple[ImportKind, ...] = ("units", "people", "replacements")


def _int(params: Params, name: str) -> int:
    """An integer parameter, or a refusal naming it."""
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, int):
        raise DomainError(f"the job needs {name} as a whole number, not {value!r}")
    return value


def _text(params: Params, name: str) -> str:
    """A text parameter, or a refusal naming it."""
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise DomainError(f"the job needs {name} as text, not {value!r}")
    return value


class Stages:
    """Progress by stage: each message a service reports is one more stage of `total`."""

    def __init__(self, report: ReportProgress, total: int) -> None:
        self.report, self.total, self.done = report, total, 0

    def __call__(self, message: str) -> None:
        self.report(min(self.done, self.total - 1), self.total, message)
        self.done += 1


# -- consolidate --------------------------------------------------------------------------------


def _check_consolidate(uow: UnitOfWork, actor: User, params: Params) -> str:
    unit = _text(params, "unit_code")
    check_consolidate(uow, actor, call_id=_int(params, "call_id"), unit_code=unit)
    return unit


def _run_consolidate(
    runtime: Runtime, actor: User, params: Params, report: ReportProgress
) -> dict[str, Any]:
    stages = Stages(report, 8)  # ours and the linkage's own
    with runtime.uow() as uow:
        run = consolidate(
            uow, actor, runtime.catalogue, call_id=_int(params, "call_id"),
            unit_code=_text(params, "unit_code"), now=runtime.clock(), progress=stages,
        )  # fmt: skip
    return {"consolidation": run.id, "call_id": run.call.id, "unit_code": run.unit_code}


# -- plan -----------------------------------------------------------------------------------------


def _check_plan(uow: UnitOfWork, actor: User, params: Params) -> str | None:
    tree = uow.units.tree()
    require_headquarters(actor, tree, Permission.PLAN)
    uow.calls.get(_int(params, "call_id"))
    _plan_options(params)
    root = tree.headquarters()
    return root.code if root else None


def _plan_options(params: Params) -> tuple[date, int, float]:
    """Start, horizon and time limit of a plan job."""
    try:
        start = date.fromisoformat(_text(params, "start"))
    except ValueError as bad:
        raise DomainError(f"the plan's start must be a date YYYY-MM-DD: {bad}") from bad
    horizon = _int(params, "horizon_days")
    limit = params.get("time_limit", 60)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0:
        raise DomainError(f"the plan's time limit must be a number of seconds, not {limit!r}")
    if not 1 <= horizon <= 366:
        raise DomainError(f"the plan's horizon must be 1 to 366 days, not {horizon}")
    return start, horizon, float(limit)


def _run_plan(
    runtime: Runtime, actor: User, params: Params, report: ReportProgress
) -> dict[str, Any]:
    start, horizon, limit = _plan_options(params)
    report(0, 3, "consolidating the call at headquarters")
    with runtime.uow() as uow:
        saved = plan_from_db(
            uow, actor, runtime.catalogue, call_id=_int(params, "call_id"), start=start,
            horizon_days=horizon, time_limit=limit, now=runtime.clock(),
        )  # fmt: skip
    report(2, 3, "plan saved")
    return {
        "plan": saved.id, "call_id": _int(params, "call_id"), "status": saved.plan.status,
        "moves": len(saved.plan.moves),
    }  # fmt: skip


# -- import ---------------------------------------------------------------------------------------


def _import_kind(params: Params) -> ImportKind:
    kind = params.get("kind")
    if kind not in IMPORT_KINDS:
        raise DomainError(f"an import is of units, people or replacements, not {kind!r}")
    return cast(ImportKind, kind)


def _check_import(uow: UnitOfWork, actor: User, params: Params) -> str | None:
    kind = _import_kind(params)
    require_import(actor, uow.units.tree(), kind)
    received = uow.files.get(_int(params, "file_id"))
    if received is None or received.sender != actor.name or received.purpose != kind:
        raise NotFound(f"no {kind} file {params.get('file_id')!r} received from you")
    return received.unit_code


def _run_import(
    runtime: Runtime, actor: User, params: Params, report: ReportProgress
) -> dict[str, Any]:
    kind, file_id = _import_kind(params), _int(params, "file_id")
    report(0, 3, "reading the file")
    with runtime.uow() as uow:
        received = uow.files.get(file_id)
        assert received is not None  # checked just before
        if received.outcome != INCOMPLETE:  # its worker died after importing it: done already
            return {"file_id": file_id, "outcome": received.outcome}
        data = runtime.archive.get(received.sha256)
        report(1, 3, "checking and importing every row")
        count = import_file(
            uow, actor, runtime.archive, kind=kind, data=data, filename=received.filename,
            limits=runtime.limits(), now=runtime.clock(), kept=Receipt(file_id, received.sha256),
        )  # fmt: skip
    return {"file_id": file_id, "records": count}


register(JobKind("consolidate", _check_consolidate, lambda _p: Permission.REVIEW, _run_consolidate))
register(JobKind("plan", _check_plan, lambda _p: Permission.PLAN, _run_plan))
register(
    JobKind(
        "import",
        _check_import,
        lambda p: Permission.PLAN if p.get("kind") == "replacements" else Permission.ADMIN,
        _run_import,
    )
)
