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

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.accounts import set_email
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
