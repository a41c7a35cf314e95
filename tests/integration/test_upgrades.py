"""Upgrading keeps everything: a database filled at each earlier revision, upgraded to head.

For every revision before head (found in the migrations folder, so each new migration is
covered as soon as it exists), a fresh database is migrated to that revision and filled
through SQL shaped like the schema of that moment: units, people, deployments, users, a
call, a received file, a submission with a version, entries and events, holds, hold
matches and rulings, audit events, rotation data, accounts and notices, each table only
if it exists then, each with only the columns it has then. After `upgrade head`, every
table holds the same rows with the same values in every column that still exists; a
column that went away must have its data somewhere listed in MOVED; versions get their
category counts (0006). A migration adding a required column without a default to a table
filled here fails this test until the column gets a sample value in SAMPLES.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData, select

from muster.store.db import make_engine
from muster.store.migrate import alembic_config

AT = datetime(2021, 7, 20, 9, 0, tzinfo=UTC)
SHA = "ab" * 32
# Parents first. Each row has every column the table ever had; a revision gets the columns
# it has. Tables and columns a revision lacks are left out.
# fmt: off
COUNTS = {"illness": 1, "stranded_trip": 1}
SAMPLES: dict[str, list[dict[str, Any]]] = {
    "units": [
        {"code": "HQ", "name": "Headquarters", "kind": "headquarters"},
        {"code": "M1", "name": "Embassy", "kind": "mission", "parent_code": "HQ",
         "host_country": "XA"},
        {"code": "C1", "name": "Consulate", "kind": "consulate", "parent_code": "M1",
         "host_country": "XA", "region": "North"},
        {"code": "W1", "name": "Sewing factory", "kind": "workplace", "parent_code": "C1",
         "host_country": "XA", "region": "North", "workplace_type": "factory", "slots": 40,
         "trade": "sewing"},
    ],
    "people": [
        {"person_id": "P1", "family_name": "Kim", "given_name": "Chol Su",
         "name_native": "김철수", "date_of_birth": date(1985, 3, 14), "sex": "M",
         "passport_no": "M1234567"},
        {"person_id": "P2", "family_name": "Ri", "given_name": "Yong Hui",
         "name_native": "리영희", "date_of_birth": date(1990, 11, 2), "sex": "F"},
    ],
    "deployments": [
        {"id": 1, "person_id": "P1", "workplace_code": "W1", "role": "worker",
         "purpose": "work", "arrived": date(2019, 5, 1), "permit_expires": date(2022, 5, 1)},
        {"id": 2, "person_id": "P2", "workplace_code": "W1", "role": "worker",
         "purpose": "work", "arrived": date(2019, 6, 1), "end_date": date(2021, 1, 1)},
    ],
    "users": [
        {"name": "w1", "unit_code": "W1", "permissions": "submit", "created_at": AT},
        {"name": "hq", "unit_code": "HQ", "permissions": "admin,protection", "created_at": AT},
    ],
    "calls": [
        {"id": 1, "title": "July call", "instructions": "Everyone concerned",
         "issued_by": "HQ", "scope": "HQ", "categories": ["illness", "stranded_trip"],
         "due_workplace": AT, "due_consulate": AT, "due_mission": AT, "issued_at": AT,
         "issued_by_user": "hq"},
    ],
    "received_files": [
        {"id": 1, "sha256": SHA, "size": 321, "filename": "W1.csv", "purpose": "list",
         "received_at": AT, "sender": "w1", "call_id": 1, "unit_code": "W1",
         "outcome": "accepted", "reasons": None},
        {"id": 2, "sha256": "cd" * 32, "size": 12, "filename": "bad.csv", "purpose": "list",
         "received_at": AT, "sender": "w1", "call_id": 1, "unit_code": "W1",
         "outcome": "rejected", "reasons": [{"row": 2, "problem": "birth date"}]},
    ],
    "file_outcomes": [
        {"id": 1, "received_file_id": 1, "outcome": "accepted", "at": AT},
        {"id": 2, "received_file_id": 2, "outcome": "rejected", "at": AT,
         "reasons": [{"row": 2, "problem": "birth date"}]},
    ],
    "submissions": [{"id": 1, "call_id": 1, "unit_code": "W1", "created_at": AT}],
    "submission_versions": [
        {"id": 1, "submission_id": 1, "number": 1, "created_at": AT, "created_by": "w1",
         "entry_count": 2, "content_sha256": SHA, "received_file_id": 1, "carries": None,
         # from 0006 on a version keeps its counts (0006 fills them in for older ones)
         "category_counts": COUNTS},
    ],
    "entries": [
        {"id": 1, "version_id": 1, "row": 2, "person_id": "P1", "family_name": "Kim",
         "given_name": "Chol Su", "name_native": "김철수", "date_of_birth": date(1985, 3, 14),
         "sex": "M", "passport_no": "M1234567", "category": "illness",
         "since": date(2021, 7, 1), "fit_to_travel": "no", "wants_to_return": "yes",
         "note": "fever"},
        {"id": 2, "version_id": 1, "row": 3, "family_name": "Ri", "given_name": "Yong Hui",
         "category": "stranded_trip", "fit_to_travel": "yes", "wants_to_return": "unknown"},
    ],
    "submission_events": [
        {"id": 1, "submission_id": 1, "state": "submitted", "version": 1, "at": AT,
         "by_user": "w1"},
        {"id": 2, "submission_id": 1, "state": "returned", "version": 1, "at": AT,
         "by_user": "hq", "reason": "row 3: birth date missing"},
    ],
    "hold_events": [
        {"id": 1, "person_id": "P2", "action": "hold", "reason": "protection", "at": AT,
         "by_user": "hq"},
    ],
    "hold_matches": [
        {"id": 1, "version_id": 1, "row": 3, "person_id": "P2", "kind": "possible",
         "found_at": AT},
    ],
    "hold_reviews": [
        {"id": 1, "match_id": 1, "decision": "confirm", "at": AT, "by_user": "hq"},
    ],
    "audit_events": [
        {"id": 1, "at": AT, "actor": "w1", "action": "submit", "entity": "submission",
         "entity_id": "1/W1", "before": None, "after": {"version": 1, "entries": 2}},
        {"id": 2, "at": AT, "actor": "hq", "action": "hold", "entity": "person",
         "entity_id": "P2", "before": None, "after": {"reason": "protection"}},
    ],
    "hosts": [{"id": "XA", "rotation": "free", "stay_policy": "may stay"}],
    "routes": [
        {"id": "R1", "host": "XA", "mode": "flight", "open_from": date(2021, 8, 1),
         "open_until": date(2021, 9, 1), "seats_home": 120, "seats_out": 100},
    ],
    "quarantine": [{"id": 1, "beds": 400, "days": 14}],
    "replacements": [
        {"replacement_id": "R-1", "family_name": "Pak", "given_name": "Myong Nam",
         "trades": ["sewing"], "hosts": ["XA"], "ready": date(2021, 8, 1)},
    ],
    "plans": [
        {"id": 1, "call_id": 1, "created_at": AT, "created_by": "hq", "status": "optimal",
         "objective": 10, "bound": 10, "scenario": {"start": "2021-08-01"},
         "plan": {"moves": []}},
    ],
    "consolidations": [
        {"id": 1, "call_id": 1, "unit_code": "M1", "created_at": AT, "created_by": "hq",
         "entries": 2, "persons": 2, "model": {"m": 0.9}, "review_pairs": []},
    ],
    "match_decisions": [
        {"id": 1, "call_id": 1, "record_id_l": "1:2", "record_id_r": "1:3", "same": False,
         "at": AT, "by_user": "hq"},
    ],
    "user_accounts": [
        {"user_name": "w1", "password_hash": "$argon2id$v=19$m=8,t=1,p=1$x$y",
         "language": "ko", "email": "w1@example.org", "updated_at": AT},
    ],
    "web_sessions": [
        {"id": 1, "token_sha256": "ef" * 32, "user_name": "w1", "csrf_token": "c" * 43,
         "created_at": AT, "expires_at": AT, "address": "127.0.0.1"},
    ],
    "login_attempts": [
        {"id": 1, "at": AT, "user_name": "w1", "address": "127.0.0.1", "success": True},
    ],
    "notices": [
        {"id": 1, "user_name": "w1", "key": "returned:1:W1:1", "kind": "returned",
         "call_id": 1, "unit_code": "W1", "detail": {"reason": "row 3"}, "created_at": AT},
    ],
}
# fmt: on


def _moved_outcomes(before: dict[str, list[dict[str, Any]]], after: Snapshot) -> None:
    """0004: received_files.outcome and .reasons became rows of file_outcomes."""
    kept = {(r["received_file_id"], r["outcome"]) for r in after["file_outcomes"]}
    for row in before["received_files"]:
        if row.get("outcome") is not None:
            assert (row["id"], row["outcome"]) in kept


Snapshot = dict[str, list[dict[str, Any]]]
# Columns that go away in a migration, and the check that their data is somewhere else.
MOVED: dict[tuple[str, str], Callable[[Snapshot, Snapshot], None]] = {
    ("received_files", "outcome"): _moved_outcomes,
    ("received_files", "reasons"): _moved_outcomes,
}


def _earlier_revisions() -> list[str]:
    """Every revision before head, oldest first."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    revisions = [r.revision for r in script.walk_revisions()]  # head first
    return list(reversed(revisions[1:]))


def _migrate(engine: Engine, url: str, revision: str) -> None:
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _fill(engine: Engine) -> None:
    """Every sample row, shaped like the schema the database has now."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.begin() as connection:
        for name, rows in SAMPLES.items():
            table = metadata.tables.get(name)
            if table is None:
                continue
            for row in rows:
                shaped = {k: v for k, v in row.items() if k in table.c}
                for column in table.c:
                    if column.name in shaped or column.nullable or column.primary_key:
                        continue
                    if column.server_default is None:
                        pytest.fail(f"SAMPLES lacks required column {name}.{column.name}")
                connection.execute(table.insert().values(**shaped))


def _snapshot(engine: Engine) -> Snapshot:
    """Every row of every table but alembic_version, in primary-key order."""
    metadata = MetaData()
    metadata.reflect(engine)
    found: Snapshot = {}
    with engine.connect() as connection:
        for name, table in metadata.tables.items():
            if name == "alembic_version":
                continue
            order = list(table.primary_key.columns) or list(table.c)
            rows = connection.execute(select(table).order_by(*order)).mappings().all()
            found[name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return found


def _plain(value: object) -> object:
    """JSON read back as text on one database and as objects on another compares equal."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


@pytest.mark.parametrize("revision", _earlier_revisions())
def test_upgrading_from_an_earlier_revision_keeps_every_row(db_url: str, revision: str) -> None:
    engine = make_engine(db_url)
    try:
        _migrate(engine, db_url, revision)
        _fill(engine)
        before = _snapshot(engine)
        _migrate(engine, db_url, "head")
        after = _snapshot(engine)
    finally:
        engine.dispose()
    filled = {name for name, rows in before.items() if rows}
    assert {"units", "people", "calls", "submission_versions", "entries"} <= filled
    for name, rows in before.items():
        assert name in after, f"table {name} is gone after upgrading from {revision}"
        assert len(after[name]) == len(rows), f"{name}: {len(rows)} rows became {len(after[name])}"
        gone = set(rows[0]) - set(after[name][0]) if rows else set()
        for column in gone:
            assert (name, column) in MOVED, f"{name}.{column} dropped: say where its data went"
            MOVED[name, column](before, after)
        for old, new in zip(rows, after[name], strict=True):
            assert {k: v for k, v in new.items() if k in old} == {
                k: v for k, v in old.items() if k not in gone
            }, f"{name} row changed by the upgrade from {revision}"
    (version,) = after["submission_versions"]
    counts = version["category_counts"]
    assert (json.loads(counts) if isinstance(counts, str) else counts) == COUNTS
