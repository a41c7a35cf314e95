"""Notices: returned to you, due within 48 hours, late, correction received; e-mailed through
a real local SMTP server (aiosmtpd) when MUSTER_SMTP_URL is set."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope, Session
from typer.testing import CliRunner

from muster.bootstrap import Muster
from muster.cli import app
from muster.domain.errors import NotPermitted
from muster.domain.users import OPERATOR
from muster.services.accounts import set_email
from muster.services.notices import SUBJECTS, send_all
from tests.integration.conftest import Clock
from tests.web.conftest import GOOD_CSV, signed_in


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, _server: object, _session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        self.messages.append(message_from_bytes(content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[str, Inbox]]:
    """A real SMTP server on a loopback port, and what it received."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}?from=muster@example.org", inbox
    controller.stop()


def _submit(world: Muster, csv: str = GOOD_CSV) -> None:
    client, token = signed_in(world, "w1")
    files = {"file": ("w1.csv", csv.encode(), "text/csv")}
    assert client.post("/calls/1/units/W1/upload", data={"csrf_token": token},
                       files=files).status_code == 200  # fmt: skip


def _kinds(world: Muster, user: str) -> list[str]:
    client, _ = signed_in(world, user)
    page = client.get("/notices").text
    found = []
    for kind, text in (("returned", "Your list was returned"), ("late", "A list is late"),
                       ("due_soon", "A list is due within 48 hours"),
                       ("correction", "A correction was received")):  # fmt: skip
        found += [kind] * page.count(text)
    return found


def test_returned_notice_is_emailed(world: Muster, clock: Clock, smtp: tuple[str, Inbox]) -> None:
    url, inbox = smtp
    world.settings = world.settings.model_copy(update={"smtp_url": url})
    with world.uow() as uow:
        set_email(uow, OPERATOR, "w1", "w1@example.org", clock())
    _submit(world)
    officer, token = signed_in(world, "north")
    officer.post("/calls/1/units/W1/return", data={"csrf_token": token, "reason": "row 2: since?"})
    assert _kinds(world, "w1") == ["returned"]
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert message["To"] == "w1@example.org" and "returned" in message["Subject"]
    assert "row 2: since?" in message.get_content()
    _kinds(world, "w1")  # opening the inbox again sends nothing twice
    assert len(inbox.messages) == 1


def test_due_soon_late_and_correction(world: Muster, clock: Clock) -> None:
    assert _kinds(world, "w3") == []  # due in 3 days
    clock.advance(days=2)
    assert _kinds(world, "w3") == ["due_soon"]
    clock.advance(days=2)
    assert sorted(_kinds(world, "w3")) == ["due_soon", "late"]
    _submit(world)
    _submit(world, GOOD_CSV.replace("2021-07-01", "2021-07-02"))
    assert "correction" in _kinds(world, "north")


def test_no_email_without_an_address(world: Muster, smtp: tuple[str, Inbox]) -> None:
    url, inbox = smtp
    world.settings = world.settings.model_copy(update={"smtp_url": url})
    _submit(world)
    officer, token = signed_in(world, "north")
    officer.post("/calls/1/units/W1/return", data={"csrf_token": token, "reason": "why"})
    assert _kinds(world, "w1") == ["returned"]
    assert inbox.messages == []


def _addresses(world: Muster, clock: Clock, *names: str) -> None:
    for name in names:
        with world.uow() as uow:
            set_email(uow, OPERATOR, name, f"{name}@example.org", clock())


def test_notices_send_reaches_users_who_never_open_a_page(
    world: Muster, clock: Clock, smtp: tuple[str, Inbox]
) -> None:
    url, inbox = smtp
    _addresses(world, clock, "w3", "south")
    report = send_all(world.uow, OPERATOR, world.catalogue, clock(), url)
    assert (report.users, report.added, report.sent, report.failed) == (2, 0, 0, {})  # 3 days
    clock.advance(days=2)
    report = send_all(world.uow, OPERATOR, world.catalogue, clock(), url)
    to_w3 = [m for m in inbox.messages if m["To"] == "w3@example.org"]
    assert [m["Subject"] for m in to_w3] == ["Muster: " + SUBJECTS["due_soon"]]
    assert report.sent == len(inbox.messages) and report.failed == {}
    # The same notices the home page shows, kept once: opening it e-mails nothing more.
    world.settings = world.settings.model_copy(update={"smtp_url": url})
    assert _kinds(world, "w3") == ["due_soon"]
    sent = len(inbox.messages)
    again = send_all(world.uow, OPERATOR, world.catalogue, clock(), url)
    assert (again.added, again.sent) == (0, 0) and len(inbox.messages) == sent
    clock.advance(days=2)
    late = send_all(world.uow, OPERATOR, world.catalogue, clock(), url)
    assert late.sent >= 1
    assert any(m["To"] == "w3@example.org" and "late" in m["Subject"] for m in inbox.messages)


def test_notices_send_returned_and_only_for_users_with_an_address(
    world: Muster, clock: Clock, smtp: tuple[str, Inbox]
) -> None:
    url, inbox = smtp
    _addresses(world, clock, "w1")
    _submit(world)
    officer, token = signed_in(world, "north")
    officer.post("/calls/1/units/W1/return", data={"csrf_token": token, "reason": "row 2: since?"})
    send_all(world.uow, OPERATOR, world.catalogue, clock(), url)
    assert [m["To"] for m in inbox.messages] == ["w1@example.org"]
    assert "row 2: since?" in inbox.messages[0].get_content()
    assert send_all(world.uow, OPERATOR, world.catalogue, clock(), url).sent == 0


def test_notices_send_retries_after_a_failed_server(world: Muster, clock: Clock) -> None:
    _addresses(world, clock, "w3")
    clock.advance(days=2)
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"smtp://127.0.0.1:{sock.getsockname()[1]}"
    report = send_all(world.uow, OPERATOR, world.catalogue, clock(), dead)
    assert list(report.failed) == ["w3"] and report.sent == 0
    inbox = Inbox()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        report = send_all(world.uow, OPERATOR, world.catalogue, clock(), f"smtp://127.0.0.1:{port}")
    finally:
        controller.stop()
    assert report.sent == 1 and [m["To"] for m in inbox.messages] == ["w3@example.org"]


def test_notices_send_needs_admin(world: Muster, clock: Clock) -> None:
    with world.uow() as uow:
        north = uow.users.get("north")
    assert north is not None
    with pytest.raises(NotPermitted):
        send_all(world.uow, north, world.catalogue, clock(), "smtp://127.0.0.1:1")


def test_notices_send_command(
    world: Muster, clock: Clock, smtp: tuple[str, Inbox], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, inbox = smtp
    _addresses(world, clock, "w3")
    monkeypatch.setenv("MUSTER_SMTP_URL", url)
    db = world.settings.database_url
    runner = CliRunner()
    first = runner.invoke(app, ["--db", db, "notices", "send"])
    assert first.exit_code == 0, first.output
    assert "1 users with an address" in first.output  # the real clock: the call is long late
    assert any("late" in m["Subject"] for m in inbox.messages)
    sent = len(inbox.messages)
    second = runner.invoke(app, ["--db", db, "notices", "send"])
    assert second.exit_code == 0 and "0 e-mails sent" in second.output
    assert len(inbox.messages) == sent


def test_a_mail_server_down_does_not_break_the_home_page(world: Muster, clock: Clock) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        dead = f"smtp://127.0.0.1:{sock.getsockname()[1]}"
    world.settings = world.settings.model_copy(update={"smtp_url": dead})
    _addresses(world, clock, "w3")
    clock.advance(days=2)
    assert _kinds(world, "w3") == ["due_soon"]  # the page opens; the notice waits to be sent
    report = send_all(world.uow, OPERATOR, world.catalogue, clock(), dead)
    assert list(report.failed) == ["w3"]
