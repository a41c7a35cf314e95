"""Benchmark: concurrent submitters through the web on PostgreSQL (SPEC §8: p95 < 300 ms, 0 lost).

Builds a world of `--users` workplaces (one clerk each, 5 people per workplace) in a fresh
PostgreSQL schema, serves it with `muster serve --workers N` in its own process on a loopback
port, signs every clerk in (not timed; every sign-in ends before the first upload), then lets
all clerks upload lists at the same time through the upload form (multipart, CSRF token and
session cookie, as a browser does), `--rounds` each: back to back, or with `--pause P` after a
random wait of 0 to 2P seconds before each upload (people, not a load generator).
Reports p50/p95/p99 of the upload requests, errors, and checks that every acknowledged
submission is stored (every version the server acknowledged exists in the database).

    .venv/bin/python bench/web.py [--db postgresql://postgres@127.0.0.1:5432/test]
                                  [--users 100] [--rounds 5] [--workers 1]
                                  [--pause 0]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from muster.bootstrap import Muster, bootstrap
from muster.domain.units import UnitKind
from muster.domain.users import OPERATOR
from muster.intake import read_people, read_units
from muster.services.accounts import accounts, hash_password
from muster.services.calls import issue_call
from muster.services.registry import add_user, import_people, import_units
from muster.store.db import normalise_url

PASSWORD = "bench password 1"
HEADER = (
    "person_id,family_name,given_name,name_native,date_of_birth,sex,passport_no,"
    "category,since,fit_to_travel,wants_to_return,note\n"
)
SIGNING = asyncio.Semaphore(8)  # sign-ins (argon2) eight at a time: set-up, not measured
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _fresh_schema(url: str) -> tuple[str, str]:
    """A new schema and a URL whose search_path is it."""
    schema = f"bench_web_{uuid.uuid4().hex[:8]}"
    admin = create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    sep = "&" if "?" in url else "?"
    return schema, f"{url}{sep}options=-csearch_path%3D{schema}"


def _world(muster: Muster, users: int) -> int:
    """Units, people, clerks with one password hash, and a call; returns the call id."""
    units = ["code,name,kind,parent_code,host_country,region,workplace_type,slots",
             "HQ,Headquarters,headquarters,,,,,", "M1,Embassy,mission,HQ,XA,,,"]  # fmt: skip
    people = [HEADER.split(",category")[0].replace("passport_no", "passport_no,workplace_code,"
              "role,purpose,arrived,permit_expires")]  # fmt: skip
    for c in range(5):
        units.append(f"C{c},Consulate {c},consulate,M1,XA,R{c},,")
    for w in range(users):
        units.append(f"W{w:03d},Workplace {w},workplace,C{w % 5},XA,R{w % 5},factory,40")
        for p in range(5):
            people.append(f"P{w:03d}{p},Kim,Chol {w} {p},,1985-03-14,M,X{w:03d}{p},W{w:03d},"
                          "worker,work,2019-05-01,2022-05-01")  # fmt: skip
    with muster.uow() as uow:
        import_units(uow, OPERATOR, read_units("\n".join(units).encode(), "units.csv"))
    with muster.uow() as uow:
        import_people(uow, OPERATOR, read_people("\n".join(people).encode(), "people.csv"))
    digest = hash_password(PASSWORD)
    now = datetime.now(UTC)
    with muster.uow() as uow:
        for w in range(users):
            add_user(uow, OPERATOR, f"clerk{w:03d}", f"W{w:03d}", ["submit"])
            accounts(uow).save_account(f"clerk{w:03d}", now, password_hash=digest)
        uow.commit()
    due = {k: now + timedelta(days=3) for k in
           (UnitKind.WORKPLACE, UnitKind.CONSULATE, UnitKind.MISSION)}  # fmt: skip
    with muster.uow() as uow:
        return issue_call(uow, OPERATOR, muster.catalogue, by="HQ", scope="HQ",
                          categories=["illness", "stranded_trip"], due=due, title="bench",
                          now=now)  # fmt: skip


def _list(w: int, round_: int) -> bytes:
    """A list of the workplace's five people; each round changes one date (a new version)."""
    rows = [f"P{w:03d}{p},Kim,Chol {w} {p},,1985-03-14,M,X{w:03d}{p},stranded_trip,"
            f"2021-07-{1 + round_:02d},yes,yes,round {round_}" for p in range(5)]  # fmt: skip
    return (HEADER + "\n".join(rows) + "\n").encode()


async def _clerk(
    base: str,
    call_id: int,
    w: int,
    args: argparse.Namespace,
    out: dict[str, list],  # type: ignore[type-arg]
    ready: asyncio.Barrier,
) -> None:
    """Sign in, wait for every clerk to be signed in, then upload `--rounds` lists one after the
    other (with `--pause`, a random wait before each), timing each upload (argon2 sign-ins
    do not compete with the timed uploads)."""
    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        async with SIGNING:
            csrf = await _sign_in(client, call_id, w)
        await ready.wait()  # a clerk who could not sign in still lets the others start
        if csrf is None:
            out["errors"].append(f"W{w:03d}: could not sign in")
            return
        upload = f"/calls/{call_id}/units/W{w:03d}/upload"
        pace = random.Random(w)
        for round_ in range(args.rounds):
            if args.pause:  # a person between two uploads: 0 to 2 x --pause seconds
                await asyncio.sleep(pace.uniform(0, 2 * args.pause))
            files = {"file": (f"w{w}.csv", _list(w, round_), "text/csv")}
            started = time.perf_counter()
            try:
                response = await client.post(upload, data={"csrf_token": csrf}, files=files)
            except httpx.HTTPError as error:
                out["errors"].append(f"W{w:03d}: {error!r}")
                continue
            out["latency"].append(time.perf_counter() - started)
            if response.status_code == 200 and 'id="outcome"' in response.text:
                out["acked"].append((f"W{w:03d}", round_ + 1))
            else:
                out["errors"].append(f"W{w:03d}: HTTP {response.status_code}")


async def _sign_in(client: httpx.AsyncClient, call_id: int, w: int) -> str | None:
    """Sign in (again after a 503 on a busy server: argon2 by 100 at once is slow, not
    timed); the CSRF token of the upload form, or None after five tries."""
    for _ in range(5):
        page = await client.get("/sign-in")
        token = TOKEN.search(page.text)
        if token is None:
            await asyncio.sleep(float(page.headers.get("retry-after", "2")))
            continue
        data = {"name": f"clerk{w:03d}", "password": PASSWORD, "csrf_token": token.group(1)}
        signed = await client.post("/sign-in", data=data)
        if signed.status_code != 303:
            await asyncio.sleep(float(signed.headers.get("retry-after", "2")))
            continue
        form = await client.get(f"/calls/{call_id}/units/W{w:03d}/submit")
        csrf = TOKEN.search(form.text)
        if csrf is not None:
            return csrf.group(1)
    return None


def _serve(url: str, port: int, data_dir: Path, workers: int) -> subprocess.Popen[bytes]:
    """`muster serve --workers N` in its own process."""
    env = {**os.environ, "MUSTER_DATA_DIR": str(data_dir)}
    muster = Path(sys.executable).parent / "muster"
    return subprocess.Popen([str(muster), "--db", url, "serve", "--port", str(port),
                             "--workers", str(workers)], env=env,
                            stdout=subprocess.DEVNULL)  # fmt: skip


def _stored(muster: Muster, call_id: int, acked: list[tuple[str, int]]) -> int:
    """How many acknowledged (unit, version) pairs are missing from the database."""
    missing = 0
    with muster.uow() as uow:
        for unit, version in acked:
            if uow.submissions.version_id(call_id, unit, version) is None:
                missing += 1
    return missing


def main() -> None:
    """Run the benchmark and print one result line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=1, help="muster serve --workers")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="mean seconds before each upload (0: none)"
    )
    args = parser.parse_args()
    schema, url = _fresh_schema(args.db)
    data_dir = Path("bench/out") / schema
    os.environ["MUSTER_DATA_DIR"] = str(data_dir)
    muster = bootstrap(url, migrate=True)
    call_id = _world(muster, args.users)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = _serve(url, port, data_dir, args.workers)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        out: dict[str, list] = {"latency": [], "errors": [], "acked": []}  # type: ignore[type-arg]
        wall = asyncio.run(_all(base, call_id, args, out))
    finally:
        server.terminate()
        server.wait()
    lost = _stored(muster, call_id, out["acked"])
    muster.engine.dispose()
    _drop_schema(args.db, schema)
    _report(out, wall, lost, args)


def _drop_schema(url: str, schema: str) -> None:
    """Leave the database as it was."""
    admin = create_engine(normalise_url(url))
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


async def _all(base: str, call_id: int, args: argparse.Namespace, out: dict[str, list]) -> float:  # type: ignore[type-arg]
    """Every clerk at once; the seconds from the last sign-in to the last upload."""
    started: list[float] = []
    ready = asyncio.Barrier(args.users + 1)
    jobs = [_clerk(base, call_id, w, args, out, ready) for w in range(args.users)]
    tasks = [asyncio.create_task(job) for job in jobs]
    await ready.wait()
    started.append(time.perf_counter())
    await asyncio.gather(*tasks)
    return time.perf_counter() - started[0]


def _report(out: dict[str, list], wall: float, lost: int, args: argparse.Namespace) -> None:  # type: ignore[type-arg]
    """p50/p95/p99 in ms, errors, lost."""
    ms = sorted(x * 1000 for x in out["latency"])
    q = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
    print(f"web submit ({args.workers} worker(s), pause {args.pause:g} s): {args.users} "
          f"concurrent clerks x {args.rounds} uploads, "
          f"{len(ms)} requests in {wall:.1f} s: p50 {q[49]:.0f} ms, p95 {q[94]:.0f} ms, "
          f"p99 {q[98]:.0f} ms; errors {len(out['errors'])}; acknowledged "
          f"{len(out['acked'])}, lost {lost}")  # fmt: skip
    for error in out["errors"][:5]:
        print("  error:", error)


if __name__ == "__main__":
    main()
