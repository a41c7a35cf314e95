"""A database that cannot be reached: 503 with Retry-After, reads tried twice, writes once.

The application is served over a Muster whose database is a file in a folder that does not
exist, so every connection fails for real (SQLite's OperationalError), while the session
cookie came from the real database. The restart of a real PostgreSQL under load is in
test_web_db_restart.py.
"""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.store.db import make_engine, session_factory
from muster.web import create_app
from tests.web.conftest import sign_in
from tests.web.messages import untranslated


def _unreachable(world: Muster, tmp_path: Path) -> Muster:
    engine = make_engine(f"sqlite:///{tmp_path / 'gone' / 'muster.db'}")
    return dataclasses.replace(world, engine=engine, factory=session_factory(engine))


def test_an_unreachable_database_is_answered_503_with_retry_after(
    world: Muster, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with TestClient(create_app(world), follow_redirects=False) as up:
        csrf = sign_in(up, "w1")
        cookies = dict(up.cookies)
    broken = TestClient(create_app(_unreachable(world, tmp_path)), follow_redirects=False)
    broken.cookies.update(cookies)
    with caplog.at_level(logging.WARNING, logger="muster.web"), broken:
        page = broken.get("/", headers={"accept-language": "ko"})
        api = broken.get("/api/calls/1/status")
        posted = broken.post("/notices/read", data={"csrf_token": csrf})
        alive = broken.get("/healthz")
    assert page.status_code == 503 and page.headers["retry-after"] == "10"
    assert "잠시 후 다시 시도해 주십시오" in page.text
    assert untranslated(page.text) == []
    assert "Traceback" not in page.text and "OperationalError" not in page.text
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert api.status_code == 503 and api.headers["retry-after"] == "10"
    assert api.json() == {
        "detail": "the database cannot be reached just now; please try again shortly"
    }
    assert posted.status_code == 503 and posted.headers["retry-after"] == "10"
    assert alive.json() == {"status": "ok"}  # the process itself still answers
    attempts = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert sum("GET / (attempt" in a for a in attempts) == 2  # a read is tried twice
    assert sum("POST /notices/read" in a for a in attempts) == 1  # a write once
