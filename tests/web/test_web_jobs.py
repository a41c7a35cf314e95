"""Job pages: state and progress, polled while running and reloaded without JavaScript, the
result's link or the reason; the state survives a reload and a server restart, and the
application's own worker thread runs what is queued."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.imports import keep_import
from muster.services.jobs import claim_next, enqueue, job_status
from muster.web import create_app
from muster.worker import Worker
from tests.integration.conftest import Clock
from tests.web.conftest import sign_in, signed_in
from tests.web.consolidation_world import lists_at_the_mission
from tests.web.messages import untranslated

UNITS = "code,name,kind,parent_code,host_country,region,workplace_type,slots\n"


@pytest.fixture
def call(world: Muster) -> int:
    return lists_at_the_mission(world)


def _ask(client: TestClient, token: str) -> str:
    response = client.post("/calls/1/units/M1/report/consolidate", data={"csrf_token": token})
    assert response.status_code == 303
    return str(response.headers["location"])


def test_a_queued_job_is_polled_and_reloads_without_javascript(world: Muster, call: int) -> None:
    client, token = signed_in(world, "mission")
    job_page = _ask(client, token)
    page = client.get(job_page).text
    assert 'data-state="queued"' in page
    assert f'hx-get="{job_page}" hx-trigger="every 1s"' in page  # HTMX polls it
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert 'id="job-progress" max="100" value="0"' in page
    Worker(world).run_once()
    page = client.get(job_page).text
    assert 'data-state="done"' in page and 'value="100"' in page
    assert "hx-trigger" not in page and "http-equiv" not in page  # finished: no more polling
    assert 'id="job-result" href="/calls/1/units/M1/report"' in page


def test_the_state_survives_a_reload_and_a_server_restart(world: Muster, call: int) -> None:
    client, token = signed_in(world, "mission")
    job_page = _ask(client, token)
    client.close()
    world.settings = world.settings.model_copy(update={"job_workers": 1})
    with TestClient(create_app(world), follow_redirects=False) as restarted:  # a new server
        sign_in(restarted, "mission")
        assert 'data-state="' in restarted.get(job_page).text
        deadline = time.monotonic() + 120
        while 'data-state="done"' not in (page := restarted.get(job_page).text):
            assert time.monotonic() < deadline, page
            assert 'data-state="failed"' not in page
            time.sleep(0.5)  # its own worker thread runs the job meanwhile
    again, _ = signed_in(world, "mission")  # and the next server still shows it done
    assert 'data-state="done"' in again.get(job_page).text


def test_no_worker_thread_when_none_is_asked_for(world: Muster, call: int) -> None:
    world.settings = world.settings.model_copy(update={"job_workers": 0})
    with TestClient(create_app(world), follow_redirects=False) as client:
        token = sign_in(client, "mission")
        job_page = _ask(client, token)
        time.sleep(2.5)
        assert 'data-state="queued"' in client.get(job_page).text


def test_the_jobs_list_shows_what_one_may_follow(world: Muster, call: int) -> None:
    client, token = signed_in(world, "mission")
    job_page = _ask(client, token)
    listing = client.get("/jobs").text
    assert f'href="{job_page}"' in listing and "Consolidation" in listing
    hq, _ = signed_in(world, "hq")
    assert f'href="{job_page}"' in hq.get("/jobs").text  # HQ reviews M1's subtree
    north, _ = signed_in(world, "north")
    assert f'href="{job_page}"' not in north.get("/jobs").text
    assert "No job yet." in north.get("/jobs").text


def test_a_failed_job_shows_the_reason_and_the_file_errors(world: Muster) -> None:
    bad = (UNITS + "W8,Mill,workplace,NOPE,XA,North,factory,8\n").encode()
    with world.uow() as uow:
        hq = uow.users.get("hq")
        assert hq is not None
    with world.uow() as uow:  # hq (admin) keeps a file to import as a job
        kept = keep_import(uow, hq, world.archive, kind="units", data=bad,
                           filename="units.csv", now=world.clock())  # fmt: skip
    with world.uow() as uow:
        job_id = enqueue(uow, hq, "import", {"kind": "units", "file_id": kept.file_id},
                         world.clock())  # fmt: skip
    Worker(world).run_once()
    client, _ = signed_in(world, "hq")
    page = client.get(f"/jobs/{job_id}").text
    assert 'data-state="failed"' in page
    assert "The file was not accepted: 1 errors." in page
    assert '<tr class="error-row" data-row="2">' in page  # against its row, as on the upload
    korean = client.get(f"/jobs/{job_id}", headers={"accept-language": "ko"}).text
    assert "파일이 접수되지 않았습니다" in korean and "<td>NOPE</td>" in korean
    assert untranslated(korean) == []
    assert "<td>NOPE</td>" in page and "Traceback" not in page


def test_a_server_starting_takes_up_the_job_of_a_killed_worker(
    world: Muster, call: int, clock: Clock
) -> None:
    client, token = signed_in(world, "mission")
    job_page = _ask(client, token)
    with world.uow() as uow:  # a worker of a server that was then killed had claimed it
        assert claim_next(uow, "killed-server:1", clock()) is not None
    assert 'data-state="running"' in client.get(job_page).text
    clock.advance(minutes=11)  # its lease runs out
    world.settings = world.settings.model_copy(update={"job_workers": 1})
    with TestClient(create_app(world), follow_redirects=False) as started:
        sign_in(started, "mission")
        deadline = time.monotonic() + 120
        while 'data-state="done"' not in (page := started.get(job_page).text):
            assert time.monotonic() < deadline, page
            time.sleep(0.5)
    with world.uow() as uow:
        assert job_status(uow, OPERATOR, int(job_page.rsplit("/", 1)[1])).attempts == 2
