"""A call whose lists came up to the mission with one person reported twice, under two
spellings in two workplaces (Kim Yong Chol at W1, Gim Yeong-cheol 김영철 at W3): linkage
merges them but is unsure, so the pair waits for review."""

from __future__ import annotations

from muster.bootstrap import Muster
from muster.domain.users import OPERATOR
from muster.services.lists import forward
from tests.integration.test_call_loop import HEADER, _review, _submit

CALL = 1  # the call the web world issues
W1_LIST = HEADER + (
    "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,fractured femur\n"
    ",Kim,Yong Chol,,1970-01-01,M,,stranded_trip,,yes,yes,\n"
)
W3_LIST = HEADER + (
    "P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,stranded_trip,,yes,yes,\n"
    ",Gim,Yeong-cheol,김영철,1970-01-01,M,,stranded_trip,,yes,yes,\n"
)


def lists_at_the_mission(world: Muster) -> int:
    """W1's and W3's lists accepted by their consulates, forwarded and accepted by M1."""
    for unit, body, consulate in (("W1", W1_LIST, "north"), ("W3", W3_LIST, "south")):
        _submit(world, CALL, unit, body)
        _review(world, CALL, unit, consulate)
    for consulate in ("C1", "C2"):
        with world.uow() as uow:
            forward(uow, OPERATOR, world.catalogue, call_id=CALL, unit_code=consulate,
                    now=world.clock(), partial=True)  # fmt: skip
        _review(world, CALL, consulate, "mission")
    return CALL
