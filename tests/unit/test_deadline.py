"""A request's deadline: work past it raises, work lifted out of it does not, none outside."""

from __future__ import annotations

import time

import pytest

from muster.store.deadline import DeadlinePassed, check, deadline, lifted


def test_work_past_the_deadline_is_refused_unless_lifted() -> None:
    check()  # outside a request: no deadline
    with deadline(0.05):
        check()
        time.sleep(0.1)
        with pytest.raises(DeadlinePassed):
            check()
        with lifted():
            check()  # a background job started by the request
        with pytest.raises(DeadlinePassed):
            check()
    check()
