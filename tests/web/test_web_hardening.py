"""HTTP hardening (issue 14): security headers everywhere, bodies bounded before they are
read, and no stack trace in any response."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.web import create_app
from muster.web.hardening import CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/sign-in", "/", "/static/muster.css", "/healthz", "/nowhere"])
def test_every_response_carries_the_security_headers(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    script = next(p for p in CONTENT_SECURITY_POLICY.split(";") if "script-src" in p)
    assert "unsafe-inline" not in script and "unsafe-eval" not in script
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "DENY"


def test_no_page_has_an_inline_script(client: TestClient) -> None:
    page = client.get("/sign-in").text
    assert "<script>" not in page and "<script " in page  # scripts only by src
    assert all("src=" in tag for tag in page.split("<script")[1:])


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    world: Muster, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = world.settings.model_copy(update={"max_upload_bytes": 1000})
    monkeypatch.setattr(world, "settings", small)
    with TestClient(create_app(world)) as client:
        declared = client.post("/sign-in", content=b"x" * 2_000_000)
        assert declared.status_code == 413
        assert "content-security-policy" in declared.headers

        def chunks() -> Iterator[bytes]:
            for _ in range(40):
                yield b"y" * 65536

        form = {"content-type": "application/x-www-form-urlencoded"}  # so the page reads it
        streamed = client.post("/sign-in", content=chunks(), headers=form)  # chunked
        assert streamed.status_code == 413


def test_an_unexpected_error_shows_no_stack_trace(world: Muster) -> None:
    app = create_app(world)
    boom = APIRouter()

    @boom.get("/boom")
    def explode() -> None:
        raise RuntimeError("secret detail /work/main/src/muster/services/lists.py line 42")

    app.include_router(boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert "secret detail" not in response.text and "Traceback" not in response.text
    assert "lists.py" not in response.text
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY


def test_request_logs_are_structured_and_hold_no_personal_data(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    import json

    with caplog.at_level("INFO", logger="muster.web.access"):
        client.get("/sign-in?next=/calls/1/roster?q=%EA%B9%80%EC%B2%A0%EC%88%98")
        client.post("/sign-in", data={"name": "w1", "password": "correct horse battery"})
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "muster.web.access"]
    assert [(x["method"], x["path"]) for x in lines] == [("GET", "/sign-in"), ("POST", "/sign-in")]
    assert all(set(x) == {"method", "path", "status", "ms"} for x in lines)
    text = caplog.text
    assert "김철수" not in text and "%EA" not in text and "correct horse" not in text
