"""Each user's inbox: lists returned to them, due within 48 hours, late, corrections received.

Notices are derived from the state of the loop (`services.worklist`) and kept, each once, in
the user's inbox; with MUSTER_SMTP_URL set and an e-mail address on the account, each new
notice is also sent by e-mail: when the user opens a page, or for everyone at once by
`send_all` (`muster notices send`, meant for cron or a systemd timer).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from muster.domain.access import in_scope, require_permission
from muster.domain.calls import Call
from muster.domain.categories import Catalogue
from muster.domain.users import Permission, User
from muster.services.accounts import accounts
from muster.services.worklist import Worklist, worklist
from muster.store.accounts import Notice, NoticeRow
from muster.store.uow import UnitOfWork

log = logging.getLogger(__name__)
MAIL_ERRORS = (smtplib.SMTPException, OSError)  # a mail server down, refusing, unreachable

SUBJECTS = {
    "returned": "Your list was returned / 목록이 반려되었습니다",
    "due_soon": "A list is due within 48 hours / 48시간 안에 마감되는 목록",
    "late": "A list is late / 마감이 지난 목록",
    "correction": "A correction was received / 수정본이 도착했습니다",
}


@dataclass(frozen=True)
class Found:
    """A notice derived from the loop's state, before it is kept."""

    key: str
    kind: str
    call_id: int
    unit_code: str
    detail: dict[str, Any]


def derive(work: Worklist, now: datetime) -> list[Found]:
    """The notices a user's worklist calls for (keys make each arrive once)."""
    found: list[Found] = []
    for o in work.returned:
        detail: dict[str, Any] = {"reason": o.reason, "title": o.call.title}
        found.append(_found(f"returned:{o.version}", "returned", o.call, o.unit.unit, detail))
    for o in work.due_within(now):
        detail = {"due": o.due.isoformat(), "title": o.call.title}
        found.append(_found("due_soon", "due_soon", o.call, o.unit.unit, detail))
    for o in work.late:
        detail = {"due": o.due.isoformat(), "title": o.call.title}
        found.append(_found("late", "late", o.call, o.unit.unit, detail))
    for r in work.to_review:
        if r.version > 1:
            detail = {"version": r.version, "title": r.call.title}
            key = f"correction:{r.version}"
            found.append(_found(key, "correction", r.call, r.unit.unit, detail))
    return found


def _found(key: str, kind: str, call: Call, unit: str, detail: dict[str, Any]) -> Found:
    """A notice for a call and unit; its key names both."""
    return Found(f"{key}:{call.id}:{unit}", kind, call.id or 0, unit, detail)


def refresh(
    uow: UnitOfWork,
    actor: User,
    catalogue: Catalogue,
    now: datetime,
    smtp_url: str | None = None,
) -> int:
    """Add the notices the user's worklist calls for; e-mail new ones; returns how many."""
    repo = accounts(uow)
    added = 0
    for item in derive(worklist(uow, actor, catalogue, now), now):
        added += repo.add_notice(
            actor.name, item.key, item.kind, call_id=item.call_id, unit_code=item.unit_code,
            detail=item.detail, created_at=now,
        )  # fmt: skip
    uow.commit()
    if smtp_url and added:
        try:
            send_email(uow, actor, smtp_url, now)
        except MAIL_ERRORS as error:  # the page still opens; `muster notices send` tries again
            log.warning("could not e-mail notices to %s: %s", actor.name, error)
    return added


def inbox(uow: UnitOfWork, actor: User) -> list[Notice]:
    """The user's notices, newest first (only their own)."""
    return accounts(uow).notices(actor.name)


def mark_read(uow: UnitOfWork, actor: User, now: datetime) -> None:
    """Mark every notice of the user read."""
    accounts(uow).mark_read(actor.name, now)
    uow.commit()


def send_email(uow: UnitOfWork, actor: User, smtp_url: str, now: datetime) -> int:
    """E-mail the user's notices not sent yet (when the account has an address)."""
    repo = accounts(uow)
    account = repo.account(actor.name)
    if account is None or not account.email:
        return 0
    pending = repo.unsent_notices(actor.name)
    if not pending:
        return 0
    sent = 0
    try:
        with _smtp(smtp_url) as (client, sender):
            for row in pending:
                client.send_message(_message(row, sender, account.email))
                row.emailed_at = now
                sent += 1
    finally:  # what went out is marked sent even when a later message fails
        if sent:
            uow.audit.record(actor.name, "email_notices", "user", actor.name, None, {"sent": sent})
            uow.commit()
    return sent


@dataclass
class SendReport:
    """What one `send_all` run did."""

    users: int = 0  # users with an e-mail address looked at
    added: int = 0  # notices newly kept
    sent: int = 0  # e-mails sent
    failed: dict[str, str] = field(default_factory=dict)  # user -> why their mail was not sent


def send_all(
    new_uow: Callable[[], UnitOfWork],
    actor: User,
    catalogue: Catalogue,
    now: datetime,
    smtp_url: str,
) -> SendReport:
    """For every user of the actor's subtree with an e-mail address: keep the notices their
    worklist calls for (the same as their home page would) and e-mail every one not e-mailed
    yet. Run again, it sends nothing new; a user whose mail failed is tried again next run.
    Needs the `admin` permission (the local operator has every permission)."""
    require_permission(actor, Permission.ADMIN)
    with new_uow() as uow:
        tree = uow.units.tree()
        names = accounts(uow).names_with_email()
        users = [u for u in map(uow.users.get, names) if u is not None]
    report = SendReport()
    for user in users:
        if user.unit_code is None or not in_scope(actor, tree, user.unit_code):
            continue
        report.users += 1
        with new_uow() as uow:
            report.added += refresh(uow, user, catalogue, now)
            try:
                report.sent += send_email(uow, user, smtp_url, now)
            except MAIL_ERRORS as error:  # what was not sent is tried again next run
                report.failed[user.name] = str(error) or type(error).__name__
    return report


def _message(row: NoticeRow, sender: str, to: str) -> EmailMessage:
    """One notice as a short plain-text e-mail in English and Korean."""
    message = EmailMessage()
    message["Subject"] = f"Muster: {SUBJECTS.get(row.kind, row.kind)}"
    message["From"] = sender
    message["To"] = to
    detail = row.detail
    lines = [
        SUBJECTS.get(row.kind, row.kind),
        f"{detail.get('title', '')} — {row.unit_code}",
        *([f"Reason / 사유: {detail['reason']}"] if detail.get("reason") else []),
        *([f"Due / 마감: {detail['due']}"] if detail.get("due") else []),
    ]
    message.set_content("\n".join(lines) + "\n")
    return message


class _smtp:
    """An SMTP connection from a URL: smtp://[user:password@]host[:port][?from=ADDRESS]."""

    def __init__(self, url: str) -> None:
        self.parts = urlsplit(url)
        query = parse_qs(self.parts.query)
        self.sender = query.get("from", ["muster@localhost"])[0]
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> tuple[smtplib.SMTP, str]:
        p = self.parts
        secure = p.scheme == "smtps"
        cls = smtplib.SMTP_SSL if secure else smtplib.SMTP
        client = cls(p.hostname or "localhost", p.port or (465 if secure else 25), timeout=10)
        if p.scheme == "smtp+starttls":
            client.starttls()
        if p.username:
            client.login(unquote(p.username), unquote(p.password or ""))
        self.client = client
        return client, self.sender

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.quit()
