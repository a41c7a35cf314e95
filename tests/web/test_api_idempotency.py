"""Idempotency-Key on list submission: a retry gets the first answer and never makes a second
version — one after the other, and three at the same moment (on SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from muster.bootstrap import Muster
from muster.store.tables import ReceivedFileRow, SubmissionVersionRow
from muster.store.tokens import IdempotencyKeyRow
from muster.web import create_app
from muster.web.api import lists as lists_api
from tests.web.api_helpers import bearer, token_for
from tests.web.conftest import BAD_CSV, GOOD_CSV

LIST = "/api/v1/calls/1/units/W1/list"
OTHER = GOOD_CSV.replace("fever", "cough")


@pytest.fixture
def api(world: Muster) -> Iterator[TestClient]:
    with TestClient(create_app(world), follow_redirects=False) as client:
        yield client


def _send(
    api: TestClient, headers: dict[str, str], key: str | None, body: str = GOOD_CSV
) -> httpx.Response:
    files = {"file": ("w1.csv", body.encode(), "text/csv")}
    extra = {"Idempotency-Key": key} if key else {}
    return api.post(LIST, files=files, headers={**headers, **extra})


def _count(world: Muster, table: Any) -> int:
    with world.uow() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(table)) or 0)


def test_a_retry_gets_the_first_answer(world: Muster, api: TestClient) -> None:
    clerk = bearer(token_for(world, "w1", "W1", ["submit"]))
    first = _send(api, clerk, "key-1")
    again = _send(api, clerk, "key-1")
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() == {
        "version": 1, "entries": 1, "duplicate": False, "state": "submitted", "warnings": [],
    }  # fmt: skip
    assert "idempotent-replayed" not in first.headers
    assert again.headers["idempotent-replayed"] == "true"
    assert _count(world, SubmissionVersionRow) == 1
    assert _count(world, ReceivedFileRow) == 1  # the retry was not even received again


def test_the_same_key_with_another_file_is_refused(world: Muster, api: TestClient) -> None:
    clerk = bearer(token_for(world, "w1", "W1", ["submit"]))
    assert _send(api, clerk, "key-1").status_code == 200
    other = _send(api, clerk, "key-1", OTHER)
    assert other.status_code == 422
    (error,) = other.json()["errors"]
    assert (error["row"], error["column"], error["value"]) == (0, "Idempotency-Key", "key-1")
    assert "different file" in error["expected"]
    assert _count(world, SubmissionVersionRow) == 1
    fresh = _send(api, clerk, "key-2", OTHER)
    assert fresh.json()["version"] == 2


def test_keys_belong_to_their_owner(world: Muster, api: TestClient) -> None:
    clerk = bearer(token_for(world, "w1", "W1", ["submit"]))
    hq = bearer(token_for(world, "hq", "HQ", ["submit"]))
    assert _send(api, clerk, "shared").json()["version"] == 1
    mine = _send(api, hq, "shared", OTHER)  # the same key text of another user: its own
    assert mine.status_code == 200 and mine.json()["version"] == 2


def test_a_refused_file_is_replayed_too(world: Muster, api: TestClient) -> None:
    clerk = bearer(token_for(world, "w1", "W1", ["submit"]))
    first = _send(api, clerk, "bad", BAD_CSV)
    again = _send(api, clerk, "bad", BAD_CSV)
    assert first.status_code == again.status_code == 422
    assert first.json() == again.json() and first.json()["count"] == 2
    assert _count(world, ReceivedFileRow) == 1


def test_a_refusal_of_access_is_not_remembered(world: Muster, api: TestClient) -> None:
    reviewer = bearer(token_for(world, "north", "C1", ["review"]))  # may not submit
    assert _send(api, reviewer, "k").status_code == 403
    assert _count(world, IdempotencyKeyRow) == 0
    assert _send(api, reviewer, "k", OTHER).status_code == 403  # no "different request" 422


def test_three_retries_at_the_same_moment_make_one_version(
    world: Muster, api: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real submission, held back half a second so that the other two arrive while the
    first is still in flight (they wait for its answer)."""
    real = lists_api.submit_list
    entered: list[str] = []

    def slow_submit(*args: Any, **kwargs: Any) -> Any:
        entered.append(threading.current_thread().name)
        time.sleep(0.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(lists_api, "submit_list", slow_submit)
    clerk = bearer(token_for(world, "w1", "W1", ["submit"]))
    start = threading.Barrier(3)
    answers: list[httpx.Response] = []
    failures: list[BaseException] = []

    def send() -> None:
        try:
            start.wait(timeout=30)
            answers.append(_send(api, clerk, "same-moment"))
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=send) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert {a.json()["version"] for a in answers} == {1}
    assert sum(a.headers.get("idempotent-replayed") == "true" for a in answers) == 2
    assert len(entered) == 1  # one request submitted; the two others replayed its answer
    assert _count(world, SubmissionVersionRow) == 1
    assert _count(world, ReceivedFileRow) == 1
    status = api.get("/api/v1/calls/1/units/W1", headers=clerk).json()
    assert (status["state"], status["versions"]) == ("submitted", 1)
