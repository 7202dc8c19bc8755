"""Worker processes: two at once, and one killed mid-batch (contract sections 4 and 5).

At least once, never lost: a worker killed with SIGKILL while posting leaves its claimed
deliveries to come due again when their lease ends, and two workers never post the same
delivery in one round. Real ``manage.py worker`` processes run on a database of their own
(a SQLite file, or a PostgreSQL database beside the test database), seeded through
``tests/webhooks/worker_site.py`` and read with plain SQL; the receiver is a real HTTP server
in this process. On SQLite that database is a copy of one migrated once per session.
"""

from __future__ import annotations

import base64
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.webhooks.conftest import Reply
from tests.webhooks.helpers import unverified_event

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 12
MANY = 300  # orders paused for two workers at once


@pytest.fixture(scope="module")
def site_env(tmp_path_factory, django_db_blocker, migrated_sqlite):
    """Environment for subprocesses on a freshly migrated database of their own."""
    with django_db_blocker.unblock():
        db = dict(connection.settings_dict)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TALLY_SECRET_KEY": "test-only-key",
        "TALLY_TEST_CLOCK": "1",
        "TALLY_WEBHOOK_ALLOW_PRIVATE": "1",
        "TALLY_WEBHOOK_TIMEOUT_SECONDS": "5",
    }
    if db["ENGINE"].endswith("postgresql"):
        name = f"{db['NAME']}_workers"
        admin = f"host={db['HOST']} port={db['PORT']} user={db['USER']} dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{name}"
        manage(env, "migrate", "-v0")
    else:
        env["DATABASE_URL"] = migrated_sqlite(tmp_path_factory.mktemp("workers") / "site.db")
    yield env
    if db["ENGINE"].endswith("postgresql"):
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def site(env: dict[str, str], *args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "tests.webhooks.worker_site", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def rows(env: dict[str, str], sql: str, *params: str) -> list[tuple]:
    """Rows read straight from the site's database (no Django process to start)."""
    url = env["DATABASE_URL"]
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
    with psycopg.connect(url.replace("postgres://", "postgresql://")) as conn:
        return conn.execute(sql, params).fetchall()


def deliveries(env: dict[str, str], status: str) -> int:
    """How many deliveries have ``status``."""
    return rows(env, "SELECT count(*) FROM webhooks_delivery WHERE status = %s", status)[0][0]


def delivered_events(env: dict[str, str]) -> set[str]:
    """The events that have a delivery (each pause made one)."""
    found = rows(env, "SELECT DISTINCT event_id FROM webhooks_delivery")
    return {str(uuid.UUID(str(event_id))) for (event_id,) in found}


def event_ids(receiver) -> Counter:
    return Counter(unverified_event(hit.body)["id"] for hit in receiver.hits)


def wait_for(predicate, *, limit: float = 60.0) -> bool:
    until = time.monotonic() + limit
    while time.monotonic() < until:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_two_workers_at_once_post_no_event_twice(site_env, receiver):
    # given two workers, each known to the receiver by the issuer it signs with, and a
    # receiver slow enough that neither keeps up alone: each worker's rounds then come at its
    # own pace (polls, answers), and changes committed in between go to whichever looks first
    receiver.script(lambda hit: Reply(200, delay=0.3))
    site(site_env, "seed", receiver.url, str(MANY))
    workers = [worker({**site_env, "TALLY_PUBLIC_URL": f"http://worker-{n}.test"}) for n in (1, 2)]
    try:
        # when hundreds of orders are paused, one change after another over a few seconds
        site(site_env, "pause", "3")
        # then every pause arrives
        assert wait_for(lambda: len(event_ids(receiver)) == MANY, limit=120)
        assert wait_for(lambda: deliveries(site_env, "DELIVERED") == MANY)
    finally:
        for process in workers:
            stop(process)
    # both workers posted, and no event was posted twice (no attempt failed: one round each)
    by_worker = Counter(issuer_of(hit.body) for hit in receiver.hits)
    assert set(by_worker) == {"http://worker-1.test", "http://worker-2.test"}, by_worker
    assert [event for event, n in event_ids(receiver).items() if n > 1] == []
    assert len(receiver.hits) == MANY


def issuer_of(body: bytes) -> str:
    """The ``iss`` claim of a Wix delivery: the ``TALLY_PUBLIC_URL`` of the worker signing it."""
    return json.loads(base64.urlsafe_b64decode(body.split(b".")[1] + b"=="))["iss"]


def test_a_worker_killed_mid_batch_loses_nothing(site_env, receiver):
    # given a receiver slow enough that a batch is in flight for a while
    receiver.script(lambda hit: Reply(200, delay=0.3))
    site(site_env, "seed", receiver.url, str(ORDERS))
    first = worker(site_env)
    try:
        site(site_env, "pause")
        # when the worker is killed while its posts are in flight
        assert wait_for(lambda: len(receiver.hits) >= 2)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        first.kill()
    assert deliveries(site_env, "PENDING") > 0
    # then once the leases run out (the test clock moves past them), another worker
    # delivers every pause: some perhaps twice, none lost
    manage(site_env, "clock", "advance", "2m")
    second = worker(site_env)
    try:
        assert wait_for(lambda: deliveries(site_env, "DELIVERED") == ORDERS)
    finally:
        stop(second)
    assert set(event_ids(receiver)) == delivered_events(site_env)
    assert len(event_ids(receiver)) == ORDERS
