"""The answer to an upload: its outcome and the unit's new state, the roster a link away."""

from __future__ import annotations

from muster.bootstrap import Muster
from tests.web.conftest import GOOD_CSV, signed_in


def test_an_upload_answers_with_its_outcome_and_the_new_state(world: Muster) -> None:
    client, token = signed_in(world, "w1")
    before = client.get("/calls/1/units/W1/submit")
    assert 'class="roster"' in before.text and 'id="roster-link"' not in before.text
    assert 'id="state">not submitted<' in before.text

    files = {"file": ("w1.csv", GOOD_CSV.encode(), "text/csv")}
    answer = client.post("/calls/1/units/W1/upload", data={"csrf_token": token}, files=files)

    assert answer.status_code == 200
    assert 'id="outcome"' in answer.text and "version 1 with" in answer.text
    assert 'id="state">submitted<' in answer.text
    # the roster is not read again for the answer: one link brings it back
    assert 'class="roster"' not in answer.text
    assert 'href="/calls/1/units/W1/submit" id="roster-link"' in answer.text


def test_a_refused_upload_shows_its_errors_and_the_state_it_left_unchanged(
    world: Muster,
) -> None:
    client, token = signed_in(world, "w1")
    bad = GOOD_CSV.replace("1985-03-14", "14/03/1985")
    files = {"file": ("w1.csv", bad.encode(), "text/csv")}
    answer = client.post("/calls/1/units/W1/upload", data={"csrf_token": token}, files=files)
    assert answer.status_code == 422
    assert "a date YYYY-MM-DD" in answer.text
    assert 'id="state">not submitted<' in answer.text and 'id="roster-link"' in answer.text
