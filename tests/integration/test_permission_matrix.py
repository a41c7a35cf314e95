"""The access policy as a matrix: every service function x role x in / out of the subtree.

`MATRIX` below is the whole policy at a glance. Its columns are the roles of
`matrix_world.ROLES`, in order: workplace clerk (submit @ W1), consulate reviewer (review @
C1), mission reviewer (review @ M1), HQ planner (plan, review @ HQ), consulate admin (admin
@ C1), medical (medical, review @ M1), welfare (welfare, review @ M1), protection officer
(protection, review @ HQ), and two roles issue 9 does not list, added so that two rules can
be seen: a mission planner (plan, review @ M1: rotation data is written by headquarters
planners only) and a mission protection officer (protection, review @ M1: holds, too, stop
at the subtree). Each cell reads `IN/OUT`: the outcome when the role acts on a place
inside its unit's subtree, then on the same kind of place under the other mission (M2).
Outcomes:

    ok   permitted, and the result is checked to be real (the entries, bytes or new state)
    hid  permitted, but what lies out of the subtree is silently left out of the answer
    NP   refused with NotPermitted        NF  refused with NotFound (as if absent)
    IR   refused with IntakeRejected (the import rows that reach out of the subtree)
    -    no such place: nothing lies outside headquarters' subtree; a workplace has no
         consulate below it; quarantine capacity is one organisation-wide setting

Places (see `place`): workplace-level functions act on W1 (in) and W4 (out); unit-level
functions on the role's own consulate or mission (HQ roles: HQ, or M1 for `forward`, as HQ
issued the call), and out on C3 or M2 (a clerk's "out" is its own consulate C1); rotation
functions on host XA (M1's host country) and YO (M2's); API token functions on a token
for W1 or W4 (create_token), or of a user of W1 or W4 (tokens_of with everyone, revoke_token).

Content checks (`may_see`) follow SPEC §2: an entry naming a held person is seen only with
`protection`, except in the list the viewer's own workplace wrote (an oracle otherwise);
welfare entries only with `welfare`; medical notes only with `medical`; counts count only
what the viewer may see (SPEC §7). Rotation data is written by headquarters planners only;
original files need `admin` or every permission their content could require (a list: what
its call's categories reveal and `protection`; a registry file: `protection`; a units file:
nothing beyond scope), within the reader's subtree (the unit a file was received for).

One world is built per database (module scope); cells only read it, or write things of
their own (a fresh call, a new unit, person, route, ...), so that cells stay independent.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from muster.bootstrap import Muster
from muster.domain.access import REDACTED
from muster.domain.errors import DomainError, NotFound, NotPermitted
from muster.domain.protection import Ruling
from muster.domain.users import OPERATOR, Permission, User
from muster.intake import IntakeRejected, read_people, read_replacements, read_units
from muster.services.accounts import accounts, password_matches, set_password
from muster.services.audit import AuditFilter, audit_csv, audit_log
from muster.services.calls import calls_for, issue_call
from muster.services.consolidation import (
    Consolidation,
    accepted_sources,
    check_consolidate,
    consolidate,
    consolidated_report,
    decide_match,
    latest_consolidation,
    pairs_to_review,
)
from muster.services.files import fetch_file, list_template, received_files
from muster.services.imports import ImportKind, import_file, keep_import
from muster.services.jobs import Job, enqueue, job_status, jobs_for
from muster.services.lists import (
    diff_versions,
    forward,
    list_entries,
    review,
    standing,
    status,
    submit_nothing,
)
from muster.services.people import current_holds, person_page, search_people
from muster.services.protection import hold_queue, rule_on_match
from muster.services.receipts import check_receipts, digest
from muster.services.registry import (
    add_user,
    hold_history,
    import_people,
    import_units,
    set_hold,
)
from muster.services.rotation import (
    add_route,
    host_policies,
    import_replacements,
    replacement_pool,
    rotation_setup,
    set_host,
    set_quarantine,
    set_route_seats,
    set_route_window,
)
from muster.services.rotation_plan import (
    compare_plans,
    plan_from_db,
    plan_manifest,
    plan_view,
    saved_plans,
)
from muster.services.situation import hosts_overview, situation
from muster.services.tokens import create_token, revoke_token, token_user, tokens_of
from muster.services.users import (
    change_password,
    disable_user,
    enable_user,
    reset_password,
    users_of_subtree,
)
from muster.store.files import INCOMPLETE, ReceivedFile
from muster.store.tables import MatchDecisionRow
from tests.integration.matrix_world import (
    LIST_HEADER,
    PEOPLE_HEADER,
    ROLES,
    accept,
    add_roles,
    database_url,
    forward_up,
    issue,
    load_tree_and_people,
    open_muster,
    submit,
    user,
)

# fmt: off
MATRIX = """
function                   clerk  consul missn  hqplan admin  medicl welfar offcr  mplan  moff
issue_call                 -/NP   ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
calls_for                  ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid
submit_list                ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
submit_nothing             ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
review                     NP/NP  ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
forward                    -/NP   ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
status                     ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid
standing                   ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
list_entries               ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
diff_versions              ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
received_files             ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
fetch_file[all_categories] NF/NF  NF/NF  NF/NF  NF/-   ok/NF  NF/NF  NF/NF  NF/-   NF/NF  NF/NF
fetch_file[stranded_only]  NF/NF  NF/NF  NF/NF  NF/-   ok/NF  NF/NF  NF/NF  ok/-   NF/NF  ok/NF
fetch_file[people_file]    NF/NF  NF/NF  NF/NF  NF/-   ok/NF  NF/NF  NF/NF  ok/-   NF/NF  ok/NF
fetch_file[units_file]     NF/NF  ok/NF  ok/NF  ok/-   ok/NF  ok/NF  ok/NF  ok/-   ok/NF  ok/NF
list_template              ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
check_receipts             NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP  NP/NP  NP/-   NP/NP  NP/NP
import_file[units]         NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
import_file[people]        NP/NP  NP/NP  NP/NP  NP/-   ok/IR  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
import_file[replacements]  NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
import_units[new]          NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
import_units[change]       NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
import_people[new]         NP/NP  NP/NP  NP/NP  NP/-   ok/IR  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
import_people[existing]    NP/NP  NP/NP  NP/NP  NP/-   ok/IR  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
add_user                   NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
add_user[grant_not_held]   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
set_hold                   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP  NP/NP  ok/-   NP/NP  ok/NF
hold_history               NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP  NP/NP  ok/-   NP/NP  ok/hid
hold_queue                 NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP  NP/NP  ok/-   NP/NP  ok/hid
rule_on_match              NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP  NP/NP  ok/-   NP/NP  ok/NF
host_policies              NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP
situation                  ok/NF  ok/NF  ok/NF  ok/-   ok/NF  ok/NF  ok/NF  ok/-   ok/NF  ok/NF
hosts_overview             ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid
set_host                   NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
add_route                  NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
set_route_window           NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
set_route_seats            NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
rotation_setup             NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP
replacement_pool           NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP
saved_plans                NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP
plan_view                  NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP
plan_manifest              NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP
compare_plans              NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP
set_quarantine             NP/-   NP/-   NP/-   ok/-   NP/-   NP/-   NP/-   NP/-   NP/-   NP/-
import_replacements        NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
plan_from_db               -/NP   NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
consolidate                -/NP   ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
consolidated_report        -/NP   ok/NP  ok/NP  ok/-   ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
pairs_to_review            -/NP   ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
decide_match               NP/NP  ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
create_token               ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
tokens_of                  NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP  NP/NP  NP/-   NP/NP  NP/NP
revoke_token               NF/NF  NF/NF  NF/NF  NF/-   ok/NF  NF/NF  NF/NF  NF/-   NF/NF  NF/NF
check_consolidate          -/NP   ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
latest_consolidation       -/NP   ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
keep_import[units]         NP/NP  NP/NP  NP/NP  NP/-   ok/ok  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
keep_import[replacements]  NP/NP  NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
enqueue[consolidate]       -/NP   ok/NP  ok/NP  ok/-   NP/NP  ok/NP  ok/NP  ok/-   ok/NP  ok/NP
enqueue[plan]              -/NP   NP/NP  NP/NP  ok/-   NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
job_status                 -/NF   ok/NF  ok/NF  ok/-   NF/NF  ok/NF  ok/NF  ok/-   ok/NF  ok/NF
jobs_for                   -/hid  ok/hid ok/hid ok/-   ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid
search_people              ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid ok/hid ok/-   ok/hid ok/hid
person_page                ok/NF  ok/NF  ok/NF  ok/-   ok/NF  ok/NF  ok/NF  ok/-   ok/NF  ok/NF
current_holds              NP/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP  NP/NP  ok/-   NP/NP  ok/hid
audit_log                  NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
audit_csv                  NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
users_of_subtree           NP/NP  NP/NP  NP/NP  NP/-   ok/hid NP/NP  NP/NP  NP/-   NP/NP  NP/NP
disable_user               NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
enable_user                NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
reset_password             NP/NP  NP/NP  NP/NP  NP/-   ok/NP  NP/NP  NP/NP  NP/-   NP/NP  NP/NP
change_password            ok/-   ok/-   ok/-   ok/-   ok/-   ok/-   ok/-   ok/-   ok/-   ok/-
"""
# fmt: on

# The level of place each function acts on (default: a workplace).
UNIT_LEVEL = {"issue_call", "forward", "consolidate", "consolidated_report", "pairs_to_review"}
UNIT_LEVEL |= {"plan_from_db", "check_consolidate", "latest_consolidation"}
UNIT_LEVEL |= {"enqueue[consolidate]", "enqueue[plan]", "job_status", "jobs_for"}
HOST_LEVEL = {"host_policies", "set_host", "add_route", "set_route_window"}
HOST_LEVEL |= {"import_replacements", "import_file[replacements]", "keep_import[replacements]"}
HOST_LEVEL |= {"set_route_seats", "rotation_setup", "replacement_pool", "saved_plans"}
HOST_LEVEL |= {"plan_view", "plan_manifest", "compare_plans"}
HOST_LEVEL |= {"import_replacements", "import_file[replacements]"}
HOST_LEVEL |= {"situation", "hosts_overview"}
HOME_LEVEL = {"set_quarantine"}
HOST_LEVEL |= {"import_replacements", "import_file[replacements]"}
HOME_LEVEL = {"set_quarantine", "change_password"}
# A role's own unit-level place, and the same kind of place under the other mission.
UNIT_PLACES: dict[str, tuple[str | None, str | None]] = {
    "W1": (None, "C1"),
    "C1": ("C1", "C3"),
    "M1": ("M1", "M2"),
    "HQ": ("HQ", None),
}
REFUSALS: dict[str, type[Exception]] = {
    "NP": NotPermitted,
    "NF": NotFound,
    "IR": IntakeRejected,
}


def place(function: str, role: str, where: str) -> str | None:
    """The unit (or host) a role acts on for a function, inside or outside its subtree."""
    home = ROLES[role][0]
    inside = where == "in"
    if function in HOME_LEVEL:
        return "home" if inside else None
    if home == "HQ" and not inside:
        return None
    if function in HOST_LEVEL:
        return "XA" if inside else "YO"
    if function in UNIT_LEVEL:
        target = UNIT_PLACES[home][0 if inside else 1]
        return "M1" if function == "forward" and target == "HQ" else target
    return "W1" if inside else "W4"


def parse_matrix(text: str) -> dict[tuple[str, str, str], str]:
    """(function, role, in|out) -> outcome, from the table above."""
    lines = [line.split() for line in text.strip().splitlines()]
    cells: dict[tuple[str, str, str], str] = {}
    for function, *row in lines[1:]:
        assert len(row) == len(ROLES), function
        for role, cell in zip(ROLES, row, strict=True):
            inside, outside = cell.split("/")
            cells[(function, role, "in")] = inside
            cells[(function, role, "out")] = outside
    return cells


CELLS = parse_matrix(MATRIX)


# -- the world ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A person on a list of the main call, and what it takes to see them."""

    name: str  # family and given name as the list wrote them
    workplace: str
    section: str  # health (its note is medical), stranded or welfare
    held: bool = False


LISTED = (
    Listed("Kim Chol Su", "W1", "health"),  # P1 by id; note "fever; improving"
    Listed("Kang Seong-mi", "W1", "stranded", held=True),  # P5 without id (RR + passport)
    Listed("Jo Kwang Su", "W1", "welfare"),  # nobody of the registry
    Listed("Pak Il", "W1", "stranded"),  # added in version 2
    Listed("Ri Yong Hui", "W2", "stranded"),  # P2 by id
    Listed("Pak Myong Nam", "W3", "stranded"),  # P3 by id
    Listed("Choe Eun-hui", "W4", "stranded", held=True),  # P4 without id
    Listed("Yun Chol", "W4", "stranded"),  # P8 by id
)
W1_V1 = LIST_HEADER + (
    "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,illness,2021-07-01,no,yes,fever\n"
    ",Kang,Seong-mi,,1987-06-06,F,M5678901,stranded_trip,,yes,yes,\n"
    ",Jo,Kwang Su,조광수,1988-04-04,M,,whereabouts_unknown,2021-07-10,unknown,unknown,"
    "left the dormitory\n"
)
W1_V2 = (
    W1_V1.replace("fever\n", "fever; improving\n").replace(
        "stranded_trip,,yes,yes,\n", "stranded_trip,,no,yes,\n"
    )
    + ",Pak,Il,박일,1980-01-01,M,,stranded_trip,,yes,yes,\n"
)
W2_LIST = LIST_HEADER + "P2,Ri,Yong Hui,리영희,1990-11-02,F,M2345678,stranded_trip,,yes,yes,\n"
W3_LIST = LIST_HEADER + "P3,Pak,Myong Nam,박명남,1979-01-30,M,M3456789,stranded_trip,,yes,yes,\n"
W4_LIST = LIST_HEADER + (
    ",Choe,Eun-hui,,1992-05-05,F,M4567890,stranded_trip,,yes,yes,\n"
    "P8,Yun,Chol,윤철,1984-09-09,M,M8901234,stranded_trip,,yes,yes,\n"
)
REPLACEMENTS_HEADER = (
    "replacement_id,family_name,given_name,name_native,date_of_birth,sex,trades,hosts,ready\n"
)
UNITS_HEADER = "code,name,kind,parent_code,host_country,region,workplace_type,slots\n"


@dataclass
class World:
    """The module's world: the app, its calls, files, consolidations and units' subtrees."""

    app: Muster
    call: int  # HQ's call to everyone (illness, stranded_trip, whereabouts_unknown)
    stranded_call: int  # HQ's call for stranded_trip only
    c1_call: int  # C1's own call to its subtree
    c3_call: int  # C3's own call to its subtree
    files: dict[str, int]  # lists of the calls; imports by C1's and C3's administrators
    runs: dict[str, Consolidation]  # the operator's consolidation of the call per unit
    subtree: dict[str, set[str]]
    counter: list[int] = field(default_factory=lambda: [0])

    def unique(self, prefix: str) -> str:
        """A name no other cell uses."""
        self.counter[0] += 1
        return f"{prefix}{self.counter[0]}"


def _hold(app: Muster, person: str) -> None:
    with app.uow() as uow:
        set_hold(uow, OPERATOR, person, True, "asked for protection", app.clock())


def _rotation_data(app: Muster) -> None:
    with app.uow() as uow:
        set_host(uow, OPERATOR, "XA", "free", "may stay")
    with app.uow() as uow:
        set_host(uow, OPERATOR, "YO", "free", "may stay")
    for route, host in (("xa-bridge", "XA"), ("yo-rail", "YO")):
        with app.uow() as uow:
            add_route(
                uow, OPERATOR, route_id=route, host=host, mode="bridge",
                open_from=date(2021, 8, 2), open_until=None, seats_home=5, seats_out=5,
            )  # fmt: skip
    with app.uow() as uow:
        set_quarantine(uow, OPERATOR, 10, 14)
    pool = REPLACEMENTS_HEADER + (
        "R1,Han,Gwang Il,한광일,1990-01-01,M,factory;restaurant,XA,2021-08-01\n"
        "R2,O,Mi Sun,오미선,1991-02-02,F,factory,YO,2021-08-01\n"
    )
    with app.uow() as uow:
        import_replacements(uow, OPERATOR, read_replacements(pool.encode(), "r.csv"))


IMPORTS: dict[tuple[ImportKind, str], str] = {  # (kind, W1 or W4) -> file of its admin
    ("people", "W1"): PEOPLE_HEADER + "PF1,Ma,Chol,마철,1980-02-02,M,,W1,worker,work,,\n",
    ("people", "W4"): PEOPLE_HEADER + "PF4,Ma,Il,마일,1981-03-03,M,,W4,worker,work,,\n",
    ("units", "W1"): UNITS_HEADER + "W5,Bakery,workplace,C1,XA,North,factory,8\n",
    ("units", "W4"): UNITS_HEADER + "W6,Quarry,workplace,C3,YO,East,factory,8\n",
}


def _imports(app: Muster) -> dict[str, int]:
    """A people file and a units file received from C1's admin, and from C3's."""
    with app.uow() as uow:
        add_user(uow, OPERATOR, "c3.admin", "C3", ["admin"])
    files = {}
    for (kind, workplace), body in IMPORTS.items():
        with app.uow() as uow:
            import_file(
                uow, user(app, "admin" if workplace == "W1" else "c3.admin"), app.archive,
                kind=kind, data=body.encode(), filename=f"{kind}.csv", limits=app.limits(),
                now=app.clock(),
            )  # fmt: skip
        with app.uow() as uow:
            (received,) = [f for f in uow.files.every() if f.sha256 == digest(body.encode())]
        assert received.id is not None and received.outcome == "accepted"
        files[f"{kind}-{workplace}"] = received.id
    return files


def build_world(app: Muster) -> World:
    """Both missions, the roles, two holds, the lists of a call accepted up to HQ."""
    load_tree_and_people(app)
    add_roles(app)
    _hold(app, "P4")
    _hold(app, "P5")
    _rotation_data(app)
    call = issue(app)
    clerk = user(app, "clerk")
    submit(app, call, "W1", W1_V1, clerk)
    submit(app, call, "W1", W1_V2, clerk)
    for unit, body in (("W2", W2_LIST), ("W3", W3_LIST), ("W4", W4_LIST)):
        submit(app, call, unit, body)
    for unit in ("W1", "W2", "W3", "W4"):
        accept(app, call, unit)
    for unit in ("C1", "C2", "C3"):
        forward_up(app, call, unit)
        accept(app, call, unit)
    files = _imports(app)
    stranded_call = issue(app, categories=("stranded_trip",), title="Stranded only")
    submit(app, stranded_call, "W1", W1_V2.replace("illness", "stranded_trip").split(",Jo")[0])
    submit(app, stranded_call, "W4", W4_LIST)
    c1_call, c3_call = issue(app, by="C1"), issue(app, by="C3")
    with app.uow() as uow:
        for key, call_id, unit in (
            ("W1", call, "W1"), ("W4", call, "W4"),
            ("S-W1", stranded_call, "W1"), ("S-W4", stranded_call, "W4"),
        ):  # fmt: skip
            file_id = uow.files.for_unit(call_id, unit)[-1].id
            assert file_id is not None
            files[key] = file_id
        tree = uow.units.tree()
        subtree = {u.code: {s.code for s in tree.subtree(u.code)} for u in tree}
    runs = {}
    for unit in ("C1", "M1", "HQ", "C3", "M2"):
        with app.uow() as uow:
            runs[unit] = consolidate(
                uow, OPERATOR, app.catalogue, call_id=call, unit_code=unit, now=app.clock()
            )
    return World(app, call, stranded_call, c1_call, c3_call, files, runs, subtree)


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    """The world, built once per database."""
    folder: Path = tmp_path_factory.mktemp(f"matrix-{request.param}")
    urls = database_url(request.param, folder)
    try:
        app = open_muster(next(urls), folder)
        try:
            yield build_world(app)
        finally:
            app.engine.dispose()
    finally:
        urls.close()


# -- what a role may see --------------------------------------------------------------------


def perms(role: str) -> set[str]:
    """The role's permissions."""
    return set(ROLES[role][1])


def may_see(role: str, listed: Listed) -> bool:
    """SPEC §2: held entries need `protection` (or be the viewer's own workplace's list);
    welfare entries need `welfare`."""
    own = ROLES[role][0] == listed.workplace
    if listed.held and not own and "protection" not in perms(role):
        return False
    return listed.section != "welfare" or "welfare" in perms(role)


def shown_w1(role: str) -> list[str]:
    """The names of W1's list (version 2) as the role may see them, in row order."""
    return [x.name for x in LISTED if x.workplace == "W1" and may_see(role, x)]


def name_of(entry: Any) -> str:
    """Family and given name as written."""
    return f"{entry.family_name} {entry.given_name}"


# -- how each function is tried -------------------------------------------------------------

Probe = Callable[[World, str, User, str, str], None]
PROBES: dict[str, Probe] = {}


def probe(name: str) -> Callable[[Probe], Probe]:
    """Register how a function of the matrix is tried."""

    def register(function: Probe) -> Probe:
        PROBES[name] = function
        return function

    return register


def outcome_of(expected: str) -> AbstractContextManager[Any]:
    """pytest.raises for a refusal, a no-op context for a permitted call."""
    if expected in REFUSALS:
        return pytest.raises(REFUSALS[expected])
    return nullcontext()


def fresh_call(w: World, tag: str) -> int:
    """A call of HQ to everyone that only this cell uses."""
    return issue(w.app, title=w.unique(tag))


@probe("issue_call")
def _issue_call(w: World, role: str, actor: User, target: str, expected: str) -> None:
    title = w.unique("call by ")
    with outcome_of(expected):
        call_id = issue(w.app, by=target, actor=actor, title=title)
    with w.app.uow() as uow:
        titles = {c.title: c for c in uow.calls.all()}
        if expected in REFUSALS:
            assert title not in titles
            return
        assert titles[title].id == call_id and titles[title].issued_by == target
        assert call_id in [c.id for c in calls_for(uow, actor)]


@probe("calls_for")
def _calls_for(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """In: C1's own call is listed (so is HQ's). Out: C3's own call is not."""
    with w.app.uow() as uow:
        seen = {c.id for c in calls_for(uow, actor)}
    assert w.call in seen
    if expected == "hid":
        assert w.c3_call not in seen
        return
    assert w.c1_call in seen
    assert (w.c3_call in seen) is (ROLES[role][0] == "HQ")


def _visible_count(role: str) -> int:
    return len(shown_w1(role))


COUNTS_SEEN = (
    "SPEC §7: entries count only what the viewer may see (W1's welfare entry is not seen "
    "without `welfare`, its held entry not without `protection` unless it is their own list)"
)


@probe("submit_list")
def _submit_list(w: World, role: str, actor: User, target: str, expected: str) -> None:
    call_id = fresh_call(w, "submit ")
    body = LIST_HEADER + "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,stranded_trip,,yes,yes,\n"
    with outcome_of(expected):
        outcome = submit(w.app, call_id, target, body, actor)
    with w.app.uow() as uow:
        files = received_files(uow, OPERATOR, call_id, target)
        if expected in REFUSALS:
            assert files == []
            with pytest.raises(NotFound):
                list_entries(uow, OPERATOR, w.app.catalogue, call_id=call_id, unit_code=target)
            return
        assert (outcome.version, outcome.entries, outcome.warnings) == (1, 1, [])
        assert [(f.outcome, f.sender) for f in files] == [("accepted", actor.name)]
        _v, entries = list_entries(
            uow, OPERATOR, w.app.catalogue, call_id=call_id, unit_code=target
        )
        assert [e.person_id for e in entries] == ["P1"]


@probe("submit_nothing")
def _submit_nothing(w: World, role: str, actor: User, target: str, expected: str) -> None:
    call_id = fresh_call(w, "nothing ")
    with outcome_of(expected), w.app.uow() as uow:
        outcome = submit_nothing(uow, actor, call_id=call_id, unit_code=target, now=w.app.clock())
    row = _state(w, call_id, target)
    if expected in REFUSALS:
        assert row["state"] == "not_submitted"
        return
    assert (outcome.version, outcome.entries) == (1, 0)
    assert (row["state"], row["entries"]) == ("submitted", 0)


def _state(w: World, call_id: int, unit: str) -> dict[str, object]:
    with w.app.uow() as uow:
        _call, rows = status(uow, OPERATOR, w.app.catalogue, call_id=call_id)
    return {r.unit: r.as_json() for r in rows}[unit]


@probe("review")
def _review(w: World, role: str, actor: User, target: str, expected: str) -> None:
    call_id = fresh_call(w, "review ")
    submit(w.app, call_id, target, W4_LIST if target == "W4" else W2_LIST)
    with outcome_of(expected), w.app.uow() as uow:
        state = review(
            uow, actor, call_id=call_id, unit_code=target, accept=True, reason=None,
            now=w.app.clock(),
        )  # fmt: skip
    if expected in REFUSALS:
        assert _state(w, call_id, target)["state"] == "submitted"
        return
    assert state == "accepted" == _state(w, call_id, target)["state"]


@probe("forward")
def _forward(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """Forward a list of two entries, one of which names a held person (P5 or P4)."""
    call_id = fresh_call(w, "forward ")
    w1 = LIST_HEADER + (
        ",Kang,Song Mi,강성미,1987-06-06,F,,stranded_trip,,yes,yes,\n"
        "P1,Kim,Chol Su,김철수,1985-03-14,M,M1234567,stranded_trip,,yes,yes,\n"
    )
    for workplace, body in (("W1", w1), ("W4", W4_LIST)):
        submit(w.app, call_id, workplace, body)
        accept(w.app, call_id, workplace)
    if target in ("M1", "M2"):
        consulate = "C1" if target == "M1" else "C3"
        forward_up(w.app, call_id, consulate)
        accept(w.app, call_id, consulate)
    with outcome_of(expected), w.app.uow() as uow:
        count = forward(
            uow,
            actor,
            w.app.catalogue,
            call_id=call_id,
            unit_code=target,
            now=w.app.clock(),
            partial=True,
        ).entries
    row = _state(w, call_id, target)
    if expected in REFUSALS:
        assert row["state"] == "not_submitted"
        return
    assert (row["state"], row["entries"]) == ("submitted", 2)
    assert count == (2 if "protection" in perms(role) else 1)


@probe("status")
def _status(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with w.app.uow() as uow:
        _call, rows = status(uow, actor, w.app.catalogue, call_id=w.call)
        tree = uow.units.tree()
    by_unit = {r.unit: r for r in rows}
    assert all(tree.is_within(unit, ROLES[role][0]) for unit in by_unit)
    if expected == "hid":
        assert target not in by_unit
        return
    assert by_unit[target].state == "forwarded"
    assert by_unit[target].entries == _visible_count(role), COUNTS_SEEN


@probe("standing")
def _standing(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        found = standing(uow, actor, call_id=w.call, unit_code=target)
    if expected in REFUSALS:
        return
    assert (found.state, found.versions, found.accepted_version) == ("forwarded", 2, 2)


@probe("list_entries")
def _list_entries(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        version, entries = list_entries(
            uow, actor, w.app.catalogue, call_id=w.call, unit_code=target
        )
    if expected in REFUSALS:
        return
    assert [name_of(e) for e in entries] == shown_w1(role)
    assert [e.row for e in entries] == list(range(2, 2 + len(entries)))  # no gaps
    note = "fever; improving" if "medical" in perms(role) else REDACTED
    assert entries[0].note == note
    assert version.number == 2
    assert version.entry_count == len(entries), COUNTS_SEEN


@probe("diff_versions")
def _diff_versions(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        old, new, changes = diff_versions(
            uow, actor, w.app.catalogue, call_id=w.call, unit_code=target
        )
    if expected in REFUSALS:
        return
    wanted = {("added", "Pak Il")}
    if "medical" in perms(role):
        wanted.add(("changed", "Kim Chol Su"))  # only the medical note changed
    if "Kang Seong-mi" in shown_w1(role):
        wanted.add(("changed", "Kang Seong-mi"))  # fit to travel changed
    assert (old, new) == (1, 2)
    assert {(c.kind, name_of(c.after or c.before)) for c in changes} == wanted


@probe("received_files")
def _received_files(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        files = received_files(uow, actor, w.call, target)
    if expected in REFUSALS:
        return
    assert [(f.sha256, f.outcome) for f in files] == [
        (digest(W1_V1.encode()), "accepted"),
        (digest(W1_V2.encode()), "accepted"),
    ]


def _fetch(w: World, actor: User, key: str, expected: str, body: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        received, data = fetch_file(uow, actor, w.app.catalogue, w.app.archive, w.files[key])
    if expected in REFUSALS:
        return
    assert received.id == w.files[key]
    assert data == body.encode()


@probe("fetch_file[all_categories]")
def _fetch_every(w: World, role: str, actor: User, target: str, expected: str) -> None:
    _fetch(w, actor, target, expected, W1_V2)


@probe("fetch_file[stranded_only]")
def _fetch_stranded(w: World, role: str, actor: User, target: str, expected: str) -> None:
    body = W1_V2.replace("illness", "stranded_trip").split(",Jo")[0]
    _fetch(w, actor, f"S-{target}", expected, body)


@probe("fetch_file[people_file]")
def _fetch_people(w: World, role: str, actor: User, target: str, expected: str) -> None:
    _fetch(w, actor, f"people-{target}", expected, IMPORTS[("people", target)])


@probe("fetch_file[units_file]")
def _fetch_units(w: World, role: str, actor: User, target: str, expected: str) -> None:
    _fetch(w, actor, f"units-{target}", expected, IMPORTS[("units", target)])


@probe("list_template")
def _list_template(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        data = list_template(
            uow, actor, w.app.catalogue, call_id=w.call, unit_code=target, fmt="csv"
        )
    if expected in REFUSALS:
        return
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    roster = {r["person_id"] for r in rows}
    # W1's roster: P1, P6 (and whoever admin cells deployed there), and P5 under a hold.
    assert {"P1", "P6"} <= roster
    assert ("P5" in roster) is ("protection" in perms(role))
    assert ("Kang" in data.decode("utf-8-sig")) is ("protection" in perms(role))


@probe("check_receipts")
def _check_receipts(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """An interrupted receipt (kept bytes, no outcome) of a file received for `target`."""
    data = w.unique(f"interrupted list of {target} ").encode()
    w.app.archive.put(data)
    with w.app.uow() as uow:
        file_id = uow.files.receive(
            ReceivedFile(
                None, digest(data), len(data), "x.csv", "list", w.app.clock(), "operator",
                w.call, target,
            )
        )  # fmt: skip
        uow.commit()
    with outcome_of(expected), w.app.uow() as uow:
        problems = check_receipts(uow, actor, w.app.archive, reconcile=True, now=w.app.clock())
    with w.app.uow() as uow:
        after = uow.files.get(file_id)
    assert after is not None
    if expected in REFUSALS:
        assert after.outcome == INCOMPLETE
        return
    reported = file_id in {p.file_id for p in problems}
    if expected == "hid":  # another mission's receipt: neither shown nor closed
        assert not reported
        assert after.outcome == INCOMPLETE
        return
    assert reported and after.outcome == "interrupted"


def _import(w: World, actor: User, kind: ImportKind, body: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        count = import_file(
            uow, actor, w.app.archive, kind=kind, data=body.encode(),
            filename=f"{kind}.csv", limits=w.app.limits(), now=w.app.clock(),
        )  # fmt: skip
    if expected not in REFUSALS:
        assert count == 1
    with w.app.uow() as uow:
        mine = [f for f in uow.files.every() if f.sha256 == digest(body.encode())]
    if expected == "NP" and (kind == "replacements" or not actor.has(Permission.ADMIN)):
        assert mine == []  # refused before anything was received
    else:  # received, kept and recorded with its outcome
        assert [f.outcome for f in mine] == ["rejected" if expected in REFUSALS else "accepted"]
        assert w.app.archive.get(mine[0].sha256) == body.encode()


def _unit_row(code: str, parent: str) -> str:
    host, region = ("XA", "North") if parent == "C1" else ("YO", "East")
    return f"{code},New site {code},workplace,{parent},{host},{region},factory,10\n"


def _assert_unit(w: World, code: str, parent: str | None) -> None:
    with w.app.uow() as uow:
        tree = uow.units.tree()
        if parent is None:
            assert code not in tree
        else:
            assert tree.get(code).parent_code == parent


@probe("import_file[units]")
def _import_file_units(w: World, role: str, actor: User, target: str, expected: str) -> None:
    code, parent = w.unique("WX"), "C1" if target == "W1" else "C3"
    _import(w, actor, "units", UNITS_HEADER + _unit_row(code, parent), expected)
    _assert_unit(w, code, None if expected in REFUSALS else parent)


def _person_row(pid: str, workplace: str) -> str:
    return f"{pid},Ma,Chol,마철,1980-02-02,M,,{workplace},worker,work,2019-05-01,2022-05-01\n"


def _deployed_at(w: World, pid: str) -> str | None:
    with w.app.uow() as uow:
        places = uow.people.workplaces_of(pid)
    return places[0] if places else None


@probe("import_file[people]")
def _import_file_people(w: World, role: str, actor: User, target: str, expected: str) -> None:
    pid = w.unique("PX")
    _import(w, actor, "people", PEOPLE_HEADER + _person_row(pid, target), expected)
    assert _deployed_at(w, pid) == (None if expected in REFUSALS else target)


def _pool(w: World) -> set[str]:
    with w.app.uow() as uow:
        return {r.replacement_id for r in uow.rotation.replacements()}


@probe("import_file[replacements]")
def _import_file_pool(w: World, role: str, actor: User, target: str, expected: str) -> None:
    rid = w.unique("RX")
    row = f"{rid},Ma,Il,마일,1990-01-01,M,factory,{target},2021-08-01\n"
    _import(w, actor, "replacements", REPLACEMENTS_HEADER + row, expected)
    assert (rid in _pool(w)) is (expected not in REFUSALS)


@probe("import_units[new]")
def _import_units_new(w: World, role: str, actor: User, target: str, expected: str) -> None:
    code, parent = w.unique("WY"), "C1" if target == "W1" else "C3"
    records = read_units((UNITS_HEADER + _unit_row(code, parent)).encode(), "u.csv")
    with outcome_of(expected), w.app.uow() as uow:
        assert import_units(uow, actor, records) == 1
    _assert_unit(w, code, None if expected in REFUSALS else parent)


@probe("import_units[change]")
def _import_units_change(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """In: rename W2 where it is (under C1). Out: move W2 under the other mission's C3."""
    name = w.unique("Restaurant ")
    parent, host, region = ("C1", "XA", "North") if target == "W1" else ("C3", "YO", "East")
    row = f"W2,{name},workplace,{parent},{host},{region},restaurant,12\n"
    records = read_units((UNITS_HEADER + row).encode(), "u.csv")
    with outcome_of(expected), w.app.uow() as uow:
        import_units(uow, actor, records)
    with w.app.uow() as uow:
        w2 = uow.units.tree().get("W2")
    assert w2.parent_code == "C1"
    assert (w2.name == name) is (expected not in REFUSALS)


@probe("import_people[new]")
def _import_people_new(w: World, role: str, actor: User, target: str, expected: str) -> None:
    pid = w.unique("PY")
    records = read_people((PEOPLE_HEADER + _person_row(pid, target)).encode(), "p.csv")
    with outcome_of(expected) as refused, w.app.uow() as uow:
        import_people(uow, actor, records)
    if expected == "IR":
        assert [(e.row, e.column) for e in refused.value.errors] == [(2, "workplace_code")]
    assert _deployed_at(w, pid) == (None if expected in REFUSALS else target)


@probe("import_people[existing]")
def _import_people_existing(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """In: P6 of W1 gets a new permit date. Out: P9 of W4 is pulled into W1."""
    if target == "W1":
        row = "P6,Jon,Myong Chol,전명철,1983-02-02,M,M6789012,W1,worker,work,2019-05-01,"
        row += "2023-01-01\n"
    else:
        row = "P9,Son,Hyok,손혁,1981-01-01,M,M9012345,W1,worker,work,2019-05-01,2022-05-01\n"
    records = read_people((PEOPLE_HEADER + row).encode(), "p.csv")
    with outcome_of(expected) as refused, w.app.uow() as uow:
        import_people(uow, actor, records)
    if expected == "IR":
        assert [(e.row, e.column) for e in refused.value.errors] == [(2, "person_id")]
    assert _deployed_at(w, "P9") == "W4"
    if target == "W1" and expected not in REFUSALS:
        with w.app.uow() as uow:
            (p6,) = [d for d in uow.people.deployments() if d.person_id == "P6"]
        assert p6.permit_expires == date(2023, 1, 1)


def _add_user(w: World, actor: User, target: str, expected: str, grant: list[str]) -> None:
    name = w.unique("new.user.")
    with outcome_of(expected), w.app.uow() as uow:
        add_user(uow, actor, name, target, grant)
    with w.app.uow() as uow:
        created = uow.users.get(name)
    if expected in REFUSALS:
        assert created is None
        return
    assert created is not None
    assert (created.unit_code, sorted(created.permissions)) == (target, grant)


@probe("add_user")
def _add_user_same(w: World, role: str, actor: User, target: str, expected: str) -> None:
    _add_user(w, actor, target, expected, ["admin"])


@probe("add_user[grant_not_held]")
def _add_user_more(w: World, role: str, actor: User, target: str, expected: str) -> None:
    _add_user(w, actor, target, expected, ["submit"])


def _held(w: World) -> set[str]:
    with w.app.uow() as uow:
        return uow.holds.held()


@probe("set_hold")
def _set_hold(w: World, role: str, actor: User, target: str, expected: str) -> None:
    person = "P6" if target == "W1" else "P7"  # never listed
    with outcome_of(expected), w.app.uow() as uow:
        set_hold(uow, actor, person, True, "fears harm if returned", w.app.clock())
    if expected in REFUSALS:
        assert person not in _held(w)
        return
    assert person in _held(w)
    with w.app.uow() as uow:
        set_hold(uow, actor, person, False, None, w.app.clock())
    assert person not in _held(w)


@probe("hold_history")
def _hold_history(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        history = hold_history(uow, actor)
    if expected in REFUSALS:
        return
    people = {h[0] for h in history}
    person = "P5" if target == "W1" else "P4"
    assert (person in people) is (expected == "ok")
    assert ("hold", "asked for protection") in {(h[1], h[2]) for h in history}


@probe("hold_queue")
def _hold_queue(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        queue = hold_queue(uow, actor, everything=True)
    if expected in REFUSALS:
        return
    mine = {(q.unit_code, q.match.person_id) for q in queue if q.call_id == w.call}
    wanted = ("W1", "P5") if target == "W1" else ("W4", "P4")
    assert (wanted in mine) is (expected == "ok")
    assert all(w.subtree[ROLES[role][0]] >= {q.unit_code} for q in queue)


@probe("rule_on_match")
def _rule_on_match(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """A namesake of a held person (same name and birth, no passport): the officer clears it."""
    call_id = fresh_call(w, "rule ")
    namesakes = {
        "W1": ",Kang,Song Mi,강성미,1987-06-06,F,,stranded_trip,,yes,yes,\n",
        "W4": ",Choe,Un Hui,최은희,1992-05-05,F,,stranded_trip,,yes,yes,\n",
    }
    for workplace, row in namesakes.items():
        submit(w.app, call_id, workplace, LIST_HEADER + row)
    with w.app.uow() as uow:
        (item,) = [
            q for q in hold_queue(uow, OPERATOR) if q.call_id == call_id and q.unit_code == target
        ]
    with outcome_of(expected), w.app.uow() as uow:
        rule_on_match(uow, actor, item.match.id, Ruling.CLEAR, w.app.clock())
    with w.app.uow() as uow:
        rulings = {q.match.id: q.match.ruling for q in hold_queue(uow, OPERATOR, everything=True)}
        _v, seen = list_entries(
            uow, user(w.app, "consul"), w.app.catalogue, call_id=call_id, unit_code="W1"
        )
    if expected in REFUSALS:
        assert rulings[item.match.id] is None
        return
    assert rulings[item.match.id] == "clear"
    assert [name_of(e) for e in seen] == ["Kang Song Mi"]  # cleared: a reviewer sees it


@probe("host_policies")
def _host_policies(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        hosts = {h.host: h for h in host_policies(uow, actor)}
    if expected in REFUSALS:
        return
    assert (target in hosts) is (expected == "ok")
    if "XA" in hosts:
        assert hosts["XA"].routes == ("xa-bridge",)
    if ROLES[role][0] == "HQ":
        assert set(hosts) == {"XA", "YO"}


@probe("situation")
def _situation(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """The board of host XA for the main call: counts only what the role may see; the names
    of permits ending soon (by 2022-04-15: P1 and P5 of W1 end on 2022-05-01) leave the
    held P5 out without `protection`."""
    with outcome_of(expected), w.app.uow() as uow:
        found = situation(
            uow, actor, w.app.catalogue, host=target, call_id=w.call, now=w.app.clock(),
            on=date(2022, 4, 15),
        )  # fmt: skip
    if expected in REFUSALS:
        return
    subtree = w.subtree[ROLES[role][0]]
    seen = [x for x in LISTED if x.workplace in subtree - {"W4"} and may_see(role, x)]
    assert found.lists is not None
    assert found.lists.sick_and_injured == sum(x.section == "health" for x in seen), COUNTS_SEEN
    assert found.lists.stranded_total == sum(x.section == "stranded" for x in seen), COUNTS_SEEN
    assert found.lists.welfare_total == sum(x.section == "welfare" for x in seen), COUNTS_SEEN
    names = {p.person_id for p in found.permit_names}
    assert "P1" in names
    assert ("P5" in names) is ("protection" in perms(role))
    assert ("P2" in names) is ("W2" in subtree)
    assert (found.held is not None) is ("protection" in perms(role))


@probe("hosts_overview")
def _hosts_overview(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with w.app.uow() as uow:
        hosts = {h.host: h for h in hosts_overview(uow, actor, w.app.catalogue, now=w.app.clock())}
    if expected == "hid":
        assert target not in hosts
        return
    found = hosts[target]
    assert found.permit_names == ()  # counts only
    assert (found.held is not None and found.held >= 1) is ("protection" in perms(role))


@probe("set_host")
def _set_host(w: World, role: str, actor: User, target: str, expected: str) -> None:
    stay = w.unique("may stay, said ")
    with outcome_of(expected), w.app.uow() as uow:
        set_host(uow, actor, target, "free", stay)
    with w.app.uow() as uow:
        host = uow.rotation.host(target)
        assert host is not None and host.rotation == "free"
        assert (host.stay_policy == stay) is (expected not in REFUSALS)


@probe("add_route")
def _add_route(w: World, role: str, actor: User, target: str, expected: str) -> None:
    route = w.unique(f"{target.lower()}-road-")
    with outcome_of(expected), w.app.uow() as uow:
        add_route(
            uow, actor, route_id=route, host=target, mode="road", open_from=None,
            open_until=None, seats_home=3, seats_out=3,
        )  # fmt: skip
    with w.app.uow() as uow:
        row = uow.rotation.route(route)
        if expected in REFUSALS:
            assert row is None
            return
        assert row is not None and (row.host, row.seats_home) == (target, 3)


@probe("set_route_window")
def _set_route_window(w: World, role: str, actor: User, target: str, expected: str) -> None:
    route = "xa-bridge" if target == "XA" else "yo-rail"
    until = date(2030, 1, 1) + timedelta(days=int(w.unique("")))
    with outcome_of(expected), w.app.uow() as uow:
        set_route_window(uow, actor, route, date(2021, 8, 2), until)
    with w.app.uow() as uow:
        row = uow.rotation.route(route)
        assert row is not None and row.open_from == date(2021, 8, 2)
        assert (row.open_until == until) is (expected not in REFUSALS)


@probe("set_route_seats")
def _set_route_seats(w: World, role: str, actor: User, target: str, expected: str) -> None:
    route = "xa-bridge" if target == "XA" else "yo-rail"
    seats = 10 + int(w.unique(""))
    with outcome_of(expected), w.app.uow() as uow:
        set_route_seats(uow, actor, route, seats, seats)
    with w.app.uow() as uow:
        row = uow.rotation.route(route)
        assert row is not None and row.seats_home >= 5
        assert (row.seats_home == seats == row.seats_out) is (expected not in REFUSALS)


@probe("rotation_setup")
def _rotation_setup(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        setup = rotation_setup(uow, actor)
    if expected in REFUSALS:
        return
    hosts = {h.host for h in setup.hosts} | set(setup.unset)
    routes = {r.host for r in setup.routes}
    assert (target in hosts) is (target in routes) is (expected == "ok")
    assert setup.writable is (ROLES[role][0] == "HQ")
    assert setup.beds is not None and setup.pool >= 1


@probe("replacement_pool")
def _replacement_pool(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        page = replacement_pool(uow, actor, offset=0, limit=10_000)
    if expected in REFUSALS:
        return
    eligible = {r.replacement_id: set(r.hosts) for r in page.rows}
    assert page.total == len(page.rows) and "R1" in eligible
    assert any(target in hosts for hosts in eligible.values()) is (expected == "ok")


_PLANS: dict[int, int] = {}


def _a_plan(w: World) -> int:
    """One plan of the main call, made once per world by the operator (who sees held persons:
    the plan names them, not moved, so that reading it tests what others may see)."""
    if id(w) not in _PLANS:
        with w.app.uow() as uow:
            saved = plan_from_db(
                uow, OPERATOR, w.app.catalogue, call_id=w.call, start=date(2021, 8, 1),
                horizon_days=20, time_limit=10, now=w.app.clock(),
            )  # fmt: skip
        _PLANS[id(w)] = saved.id
    return _PLANS[id(w)]


HELD_NAMES = {"Kang", "Choe"}  # P5 and P4, listed without their person_id


def _check_moves(workplaces: set[str], names: set[str], target: str, expected: str) -> None:
    """A plan's travellers as a planner may see them: never a held person; the target host's
    workplaces (W1-W3 in XA, W4 in YO) only when `ok`."""
    assert not names & HELD_NAMES
    places = {"W1", "W2", "W3"} if target == "XA" else {"W4"}
    assert bool(places & workplaces) is (expected == "ok")


@probe("saved_plans")
def _saved_plans(w: World, role: str, actor: User, target: str, expected: str) -> None:
    plan_id = _a_plan(w)
    with outcome_of(expected), w.app.uow() as uow:
        found = {p.id: p for p in saved_plans(uow, actor, w.app.catalogue)}
    if expected in REFUSALS:
        return
    with w.app.uow() as uow:
        everything = {p.id: p for p in saved_plans(uow, OPERATOR, w.app.catalogue)}
        seen = plan_view(uow, actor, w.app.catalogue, plan_id)
    mine, whole = found[plan_id], everything[plan_id]
    assert (mine.homes, mine.outs) == (
        sum(1 for m in seen.moves if m.move.direction == "home"),
        sum(1 for m in seen.moves if m.move.direction == "out"),
    )
    assert mine.not_moved == len(seen.not_moved) < whole.not_moved  # held: counted only for some
    assert (mine.homes < whole.homes) is (ROLES[role][0] != "HQ")  # M1's planner: no W4


@probe("plan_view")
def _plan_view(w: World, role: str, actor: User, target: str, expected: str) -> None:
    plan_id = _a_plan(w)
    with outcome_of(expected), w.app.uow() as uow:
        view = plan_view(uow, actor, w.app.catalogue, plan_id)
    if expected in REFUSALS:
        return
    people = [m.who for m in view.moves] + [n.who for n in view.not_moved]
    _check_moves(
        {p.workplace for p in people if p.workplace}, {p.family_name or "" for p in people},
        target, expected,
    )  # fmt: skip
    assert all(n.reason != "protection_hold" for n in view.not_moved)
    assert (target in {r.host for r in view.routes}) is (expected == "ok")


@probe("plan_manifest")
def _plan_manifest(w: World, role: str, actor: User, target: str, expected: str) -> None:
    plan_id = _a_plan(w)
    with outcome_of(expected), w.app.uow() as uow:
        rows = plan_manifest(uow, actor, w.app.catalogue, plan_id)
    if expected in REFUSALS:
        return
    workplaces = {r.move.workplace for r in rows}
    _check_moves(workplaces, {r.family_name or "" for r in rows}, target, expected)
    assert "Pak" in {r.family_name for r in rows}  # named for booking


@probe("compare_plans")
def _compare_plans(w: World, role: str, actor: User, target: str, expected: str) -> None:
    plan_id = _a_plan(w)
    with outcome_of(expected), w.app.uow() as uow:
        found = compare_plans(uow, actor, w.app.catalogue, plan_id, plan_id)
    if expected in REFUSALS:
        return
    assert found.added == found.removed == [] and found.objective_change == 0
    routes = {route for _day, route, _a, _b in found.cells}
    assert ({"xa-bridge" if target == "XA" else "yo-rail"} <= routes) is (expected == "ok")


@probe("set_quarantine")
def _set_quarantine(w: World, role: str, actor: User, target: str, expected: str) -> None:
    beds = 10 + int(w.unique(""))
    with outcome_of(expected), w.app.uow() as uow:
        set_quarantine(uow, actor, beds, 14)
    with w.app.uow() as uow:
        quarantine = uow.rotation.quarantine()
        assert quarantine is not None
        assert (quarantine.beds == beds) is (expected not in REFUSALS)


@probe("import_replacements")
def _import_replacements(w: World, role: str, actor: User, target: str, expected: str) -> None:
    rid = w.unique("RY")
    row = f"{rid},Ma,Il,마일,1990-01-01,M,factory,{target},2021-08-01\n"
    records = read_replacements((REPLACEMENTS_HEADER + row).encode(), "r.csv")
    with outcome_of(expected), w.app.uow() as uow:
        import_replacements(uow, actor, records)
    assert (rid in _pool(w)) is (expected not in REFUSALS)


@probe("plan_from_db")
def _plan_from_db(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        saved = plan_from_db(
            uow, actor, w.app.catalogue, call_id=w.call, start=date(2021, 8, 1),
            horizon_days=20, time_limit=10, now=w.app.clock(),
        )  # fmt: skip
    if expected in REFUSALS:
        return
    home = ROLES[role][0]
    scenario, plan = saved.scenario, saved.plan
    named = {r.id for r in scenario.returnees}
    named |= {m.person for m in plan.moves} | {u.person for u in plan.unscheduled}
    # Returnees: what the planner may see of its subtree, welfare (never planned) aside.
    wanted = [
        x
        for x in LISTED
        if x.workplace in w.subtree[home] and may_see(role, x) and x.section != "welfare"
    ]
    assert len(scenario.returnees) == len(wanted)
    assert {"P1", "P2", "P3"} <= named
    assert "P5" not in named and "P4" not in named
    if expected == "hid":  # nothing of the other mission: its workplaces, hosts, routes, pool
        places = {x.id for x in scenario.workplaces} | {m.workplace for m in plan.moves}
        assert "W4" not in places
        assert "YO" not in {h.id for h in scenario.hosts} | {r.host for r in scenario.routes}
        assert all("YO" not in r.hosts for r in scenario.replacements)
        assert "P8" not in named


@probe("consolidate")
def _consolidate(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        run = consolidate(
            uow, actor, w.app.catalogue, call_id=w.call, unit_code=target, now=w.app.clock()
        )
    if expected in REFUSALS:
        return
    listed = {x.name for x in LISTED if x.workplace in w.subtree[target]}
    assert run.unit_code == target
    assert {name_of(p.entry) for p in run.persons} == listed


@probe("consolidated_report")
def _consolidated_report(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        report = consolidated_report(uow, actor, w.app.catalogue, w.runs[target], w.app.clock())
    if expected in REFUSALS:
        return
    wanted = {
        x.name: "protection" if x.held else x.section
        for x in LISTED
        if x.workplace in w.subtree[target] and may_see(role, x)
    }
    assert {name_of(p.entry): p.section for p in report.persons} == wanted
    sections = ["health", "stranded"]
    sections += [s for s in ("welfare", "protection") if s in perms(role)]
    assert [s.section.code for s in report.sections] == sections
    assert ("fever" in repr(report)) is ("medical" in perms(role))
    with w.app.uow() as uow:
        tree = uow.units.tree()
    assert {row.unit for row in report.completeness} >= w.subtree[target] - {target}
    assert all(tree.is_within(row.unit, target) for row in report.completeness)


@probe("pairs_to_review")
def _pairs_to_review(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        found = pairs_to_review(uow, actor, call_id=w.call, unit_code=target)
    if expected in REFUSALS:
        return
    with w.app.uow() as uow:
        latest = uow.consolidations.latest(w.call, target)
        assert found is not None and latest is not None and found[0] == latest.id
        sources = accepted_sources(uow, w.runs[target].call, uow.units.tree(), target)
    held = {s.record_id for s in sources if s.held}
    if "protection" not in perms(role):
        assert not held & {str(p["record_id_l"]) for p in found[1]}
        assert not held & {str(p["record_id_r"]) for p in found[1]}


def _record(w: World, unit: str, name: str) -> str:
    run = w.runs["HQ"]
    return next(
        s.record_id
        for p in run.persons
        for s in p.sources
        if s.unit_code == unit and name_of(s.entry) == name
    )


@probe("decide_match")
def _decide_match(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """Two different people: Kim (W1) and Pak Il (W1) in, Kim (W1) and Yun (W4) out."""
    left = _record(w, "W1", "Kim Chol Su")
    right = _record(w, "W1", "Pak Il") if target == "W1" else _record(w, "W4", "Yun Chol")
    with outcome_of(expected), w.app.uow() as uow:
        decide_match(
            uow, actor, call_id=w.call, left=left, right=right, same=False, now=w.app.clock()
        )
    mine = (
        select(MatchDecisionRow.record_id_l, MatchDecisionRow.record_id_r, MatchDecisionRow.same)
        .where(MatchDecisionRow.call_id == w.call, MatchDecisionRow.by_user == actor.name)
        .where(MatchDecisionRow.record_id_r == right)
    )
    with w.app.uow() as uow:
        recorded = [tuple(r) for r in uow.session.execute(mine)]
    assert recorded == ([] if expected in REFUSALS else [(left, right, False)])


def _token_of_someone_at(w: World, workplace: str) -> tuple[str, int, str]:
    """A new user of the workplace (submit) and a token of theirs: name, token id, secret."""
    name = w.unique(f"robot.{workplace.lower()}.")
    with w.app.uow() as uow:
        add_user(uow, OPERATOR, name, workplace, ["submit"])
    with w.app.uow() as uow:
        token, secret = create_token(
            uow, user(w.app, name), unit_code=workplace, permissions=["submit"], now=w.app.clock()
        )
    return name, token.id, secret


@probe("create_token")
def _create_token(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """A token of the role for the place, with one of the role's permissions."""
    permission = ROLES[role][1][0]
    label = w.unique("token ")
    with outcome_of(expected), w.app.uow() as uow:
        _token, secret = create_token(
            uow, actor, unit_code=target, permissions=[permission], now=w.app.clock(), label=label
        )
    with w.app.uow() as uow:
        labels = {t.label for t in tokens_of(uow, actor)}
        if expected in REFUSALS:
            assert label not in labels
            return
        assert label in labels
        acting = token_user(uow, secret, w.app.clock())
    assert acting == User(actor.name, target, frozenset({Permission(permission)}))


@probe("tokens_of")
def _tokens_of(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """Every token of the users of one's subtree: an administrator's listing."""
    owner, token_id, secret = _token_of_someone_at(w, target)
    with outcome_of(expected), w.app.uow() as uow:
        listed = tokens_of(uow, actor, everyone=True)
    if expected in REFUSALS:
        return
    assert (token_id in {t.id for t in listed}) is (expected == "ok")
    assert all(secret not in repr(t) for t in listed)
    with w.app.uow() as uow:
        owners = {t.owner: user(w.app, t.owner).unit_code for t in listed}
        tree = uow.units.tree()
    assert all(tree.is_within(unit or "", ROLES[role][0]) for unit in owners.values())
    assert owner in owners or expected == "hid"


@probe("revoke_token")
def _revoke_token(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """Revoke the token of a user of the place: their administrator may; nobody else."""
    _owner, token_id, secret = _token_of_someone_at(w, target)
    with outcome_of(expected), w.app.uow() as uow:
        revoke_token(uow, actor, token_id, w.app.clock())
    with w.app.uow() as uow:
        works = token_user(uow, secret, w.app.clock()) is not None
    assert works is (expected in REFUSALS)


@probe("check_consolidate")
def _check_consolidate(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        call, tree = check_consolidate(uow, actor, call_id=w.call, unit_code=target)
    if expected not in REFUSALS:
        assert call.id == w.call and target in tree


@probe("latest_consolidation")
def _latest_consolidation(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        found = latest_consolidation(uow, actor, w.app.catalogue, call_id=w.call, unit_code=target)
    if expected in REFUSALS:
        return
    assert found is not None
    run, _at, newer = found
    assert newer == 0 and run.unit_code == target
    listed = {x.name for x in LISTED if x.workplace in w.subtree[target]}
    assert {name_of(p.entry) for p in run.persons} == listed  # the report then filters them
    held = {s.record_id for p in run.persons for s in p.sources if s.held}
    in_pairs = {str(p[k]) for p in run.review_pairs for k in ("record_id_l", "record_id_r")}
    assert "protection" in perms(role) or not held & in_pairs


def _keep_import(w: World, actor: User, kind: ImportKind, body: str, expected: str) -> None:
    data = body.encode()
    with outcome_of(expected), w.app.uow() as uow:
        kept = keep_import(uow, actor, w.app.archive, kind=kind, data=data, filename="k.csv",
                           now=w.app.clock())  # fmt: skip
    with w.app.uow() as uow:
        mine = [(f.id, f.sender, f.outcome) for f in uow.files.every() if f.sha256 == digest(data)]
    if expected in REFUSALS:
        assert mine == []
        return
    assert mine == [(kept.file_id, actor.name, INCOMPLETE)]  # kept, not read: the job reads it
    assert w.app.archive.get(kept.sha256) == data


@probe("keep_import[units]")
def _keep_import_units(w: World, role: str, actor: User, target: str, expected: str) -> None:
    parent = "C1" if target == "W1" else "C3"
    _keep_import(w, actor, "units", UNITS_HEADER + _unit_row(w.unique("WK"), parent), expected)


@probe("keep_import[replacements]")
def _keep_import_pool(w: World, role: str, actor: User, target: str, expected: str) -> None:
    row = f"{w.unique('RK')},Ma,Il,마일,1990-01-01,M,factory,{target},2021-08-01\n"
    _keep_import(w, actor, "replacements", REPLACEMENTS_HEADER + row, expected)


def _jobs_of(w: World, name: str, kind: str) -> list[Job]:
    with w.app.uow() as uow:
        return [
            j for j in jobs_for(uow, OPERATOR, 10_000) if (j.requested_by, j.kind) == (name, kind)
        ]


@probe("enqueue[consolidate]")
def _enqueue_consolidate(w: World, role: str, actor: User, target: str, expected: str) -> None:
    params = {"call_id": w.call, "unit_code": target}
    with outcome_of(expected), w.app.uow() as uow:
        job_id = enqueue(uow, actor, "consolidate", params, w.app.clock())
    mine = [j for j in _jobs_of(w, actor.name, "consolidate") if j.unit_code == target]
    if expected in REFUSALS:
        assert mine == []
        return
    assert [(j.id, j.state, j.parameters) for j in mine] == [(job_id, "queued", params)]


@probe("enqueue[plan]")
def _enqueue_plan(w: World, role: str, actor: User, target: str, expected: str) -> None:
    params = {"call_id": w.call, "start": "2021-08-01", "horizon_days": 20, "time_limit": 10}
    with outcome_of(expected), w.app.uow() as uow:
        job_id = enqueue(uow, actor, "plan", params, w.app.clock())
    mine = _jobs_of(w, actor.name, "plan")
    if expected in REFUSALS:
        assert mine == []
        return
    assert [(j.id, j.unit_code) for j in mine] == [(job_id, "HQ")]


def _operators_job(w: World, target: str) -> int:
    """A consolidation job of the operator's for the target (followers need `review`)."""
    with w.app.uow() as uow:
        return enqueue(uow, OPERATOR, "consolidate", {"call_id": w.call, "unit_code": target},
                       w.app.clock())  # fmt: skip


@probe("job_status")
def _job_status(w: World, role: str, actor: User, target: str, expected: str) -> None:
    job_id = _operators_job(w, target)
    with outcome_of(expected), w.app.uow() as uow:
        job = job_status(uow, actor, job_id)
    if expected not in REFUSALS:
        assert (job.id, job.unit_code, job.requested_by) == (job_id, target, OPERATOR.name)


@probe("jobs_for")
def _jobs_for(w: World, role: str, actor: User, target: str, expected: str) -> None:
    """In: the operator's job for the role's unit is listed when the role holds `review`.
    Out: the job of the other mission's unit is never listed."""
    job_id = _operators_job(w, target)
    with w.app.uow() as uow:
        listed = {j.id for j in jobs_for(uow, actor, 10_000)}
    assert (job_id in listed) is (expected == "ok" and "review" in perms(role))
    with w.app.uow() as uow:
        tree = uow.units.tree()
        others = [j for j in jobs_for(uow, actor, 10_000) if j.requested_by != actor.name]
    assert all(j.unit_code and tree.is_within(j.unit_code, ROLES[role][0]) for j in others)


# -- the registry, the audit log, user administration ------------------------------------------

# A person of each place never listed (not held), and the held person of each place.
NAMED = {"W1": ("전명철", "P6", "P5", "강성미"), "W4": ("Ryu Kyong Ae", "P7", "P4", "Choe Un Hui")}


@probe("search_people")
def _search_people(w: World, role: str, actor: User, target: str, expected: str) -> None:
    name, pid, held, held_name = NAMED[target]
    with w.app.uow() as uow:
        found = [f.person.person_id for f in search_people(uow, actor, name, w.app.clock())]
        found_held = [
            f.person.person_id for f in search_people(uow, actor, held_name, w.app.clock())
        ]
    if expected == "hid":
        assert found == [] and found_held == []
        return
    assert found == [pid]
    assert found_held == ([held] if "protection" in perms(role) else [])


@probe("person_page")
def _person_page(w: World, role: str, actor: User, target: str, expected: str) -> None:
    _name, pid, held, _held_name = NAMED[target]
    with outcome_of(expected), w.app.uow() as uow:
        page = person_page(uow, actor, w.app.catalogue, pid, w.app.clock())
    sees_held = "protection" in perms(role) and expected == "ok"
    with w.app.uow() as uow, outcome_of("ok" if sees_held else "NF"):
        person_page(uow, actor, w.app.catalogue, held, w.app.clock())
    if expected in REFUSALS:
        return
    assert page.person.person_id == pid and [d.workplace_code for d in page.deployments] == [target]


@probe("current_holds")
def _current_holds(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        holds = {h.person.person_id for h in current_holds(uow, actor)}
    if expected in REFUSALS:
        return
    assert ("P5" if target == "W1" else "P4") in holds or expected == "hid"
    assert ("P4" in holds) is (ROLES[role][0] == "HQ")


def _audit_filter(target: str) -> AuditFilter:
    return AuditFilter(unit=target, action="import_person")


@probe("audit_log")
def _audit_log(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        found = audit_log(uow, actor, _audit_filter(target), w.app.clock())
    if expected in REFUSALS:
        return
    people = {p.event.entity_id for p in found.events}
    assert {"P1", "P5", "P6"} <= people and not people & {"P4", "P7", "P8", "P9"}


@probe("audit_csv")
def _audit_csv(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        data = audit_csv(uow, actor, _audit_filter(target), w.app.clock())
    if expected in REFUSALS:
        return
    text = data.decode("utf-8-sig")
    assert ",P6," in text and ",P7," not in text and ",P4," not in text


@probe("users_of_subtree")
def _users_of_subtree(w: World, role: str, actor: User, target: str, expected: str) -> None:
    with outcome_of(expected), w.app.uow() as uow:
        names = {a.user.name for a in users_of_subtree(uow, actor)}
    if expected in REFUSALS:
        return
    assert {"clerk", "consul", "admin"} <= names
    assert not names & {"c3.admin", "mission", "officer"}


def _fresh_user(w: World, target: str, disabled: bool = False) -> str:
    name = w.unique("managed.")
    with w.app.uow() as uow:
        add_user(uow, OPERATOR, name, target, [])
    if disabled:
        with w.app.uow() as uow:
            disable_user(uow, OPERATOR, name, w.app.clock())
    return name


def _disabled(w: World, name: str) -> bool:
    with w.app.uow() as uow:
        found = uow.users.get_any(name)
    assert found is not None
    return found[1] is not None


@probe("disable_user")
def _disable_user(w: World, role: str, actor: User, target: str, expected: str) -> None:
    name = _fresh_user(w, target)
    with outcome_of(expected), w.app.uow() as uow:
        disable_user(uow, actor, name, w.app.clock())
    assert _disabled(w, name) is (expected not in REFUSALS)


@probe("enable_user")
def _enable_user(w: World, role: str, actor: User, target: str, expected: str) -> None:
    name = _fresh_user(w, target, disabled=True)
    with outcome_of(expected), w.app.uow() as uow:
        enable_user(uow, actor, name, w.app.clock())
    assert _disabled(w, name) is (expected in REFUSALS)


@probe("reset_password")
def _reset_password(w: World, role: str, actor: User, target: str, expected: str) -> None:
    name = _fresh_user(w, target)
    with outcome_of(expected), w.app.uow() as uow:
        secret = reset_password(uow, actor, name, w.app.clock())
    with w.app.uow() as uow:
        if expected in REFUSALS:
            assert not password_matches(uow, name, "")
            assert accounts(uow).account(name) is None
            return
        assert password_matches(uow, name, secret)


@probe("change_password")
def _change_password(w: World, role: str, actor: User, target: str, expected: str) -> None:
    old, new = w.unique("an old password "), w.unique("a new password ")
    with w.app.uow() as uow:
        set_password(uow, OPERATOR, actor.name, old, w.app.clock())
    with w.app.uow() as uow:
        change_password(uow, actor, old, new, w.app.clock())
    with w.app.uow() as uow:
        assert password_matches(uow, actor.name, new) and not password_matches(uow, actor.name, old)


# -- the tests -------------------------------------------------------------------------------


def _cases() -> Iterator[Any]:
    for (function, role, where), expected in CELLS.items():
        if expected != "-":
            yield pytest.param(function, role, where, expected, id=f"{function}-{role}-{where}")


SERVICES = (
    "calls", "lists", "files", "receipts", "imports", "registry", "protection", "rotation",
    "rotation_plan", "consolidation", "tokens",
    "rotation_plan", "consolidation", "jobs",
    "rotation_plan", "consolidation", "people", "audit", "users",
    "rotation_plan", "consolidation", "situation",
)  # fmt: skip


def service_functions() -> set[str]:
    """Every function of the service layer that acts for a user: (uow, actor, ...)."""
    found = set()
    for name in SERVICES:
        module = importlib.import_module(f"muster.services.{name}")
        for function_name, function in inspect.getmembers(module, inspect.isfunction):
            parameters = list(inspect.signature(function).parameters)
            public = not function_name.startswith("_") and function.__module__ == module.__name__
            if public and parameters[:2] == ["uow", "actor"]:
                found.add(function_name)
    return found


def test_the_matrix_covers_every_service_function_and_names_real_places() -> None:
    functions = {row.split()[0] for row in MATRIX.strip().splitlines()[1:]}
    assert functions == set(PROBES)
    assert {f.split("[")[0] for f in functions} == service_functions()
    for (function, role, where), expected in CELLS.items():
        assert expected in {"ok", "hid", "-", *REFUSALS}, (function, role, where)
        assert (place(function, role, where) is None) is (expected == "-"), (function, role)
        assert expected != "hid" or where == "out"


@pytest.mark.parametrize(("function", "role", "where", "expected"), list(_cases()))
def test_permission_matrix(
    world: World, function: str, role: str, where: str, expected: str
) -> None:
    target = place(function, role, where)
    assert target is not None
    PROBES[function](world, role, user(world.app, role), target, expected)


def test_refusals_say_why_in_the_words_of_the_domain(world: World) -> None:
    """A refused user reads a reason (no traceback, no command-line flag)."""
    with world.app.uow() as uow, pytest.raises(DomainError) as refused:
        set_host(uow, user(world.app, "m_planner"), "XA", "paired", None)
    assert "headquarters" in str(refused.value) and "--" not in str(refused.value)
    with world.app.uow() as uow, pytest.raises(NotPermitted) as refused:
        issue_call(
            uow, user(world.app, "consul"), world.app.catalogue, by="C3", scope="C3",
            categories=["illness"], due={}, title="x", now=world.app.clock(),
        )  # fmt: skip
    assert "outside" in str(refused.value) and "C3" in str(refused.value)
