"""The Wix service's two speed targets, in-process through Django's whole stack (middleware,
routing, DRF, authentication, the services, the database; no sockets):

1. what an ``Idempotency-Key`` costs on a create: BENCH_REQUESTS (default 600)
   ``createOfflineOrder`` calls of each kind, alternating one with a fresh key and one
   without; it prints each kind's median, their difference, and the median of the
   differences within each pair (a keyed and a plain create sent back to back, which drift in
   the machine's speed touches alike), the median of the key's own two statements (its
   claim and its store) timed alone, and the CPU time of this process per create of each
   kind (what the key costs in Python, whatever the database's and the machine's waits).
   Target: at most 1 ms of median.
2. ``listPublicPlans`` of 50 public plans (10 hidden and 10 archived ones beside them, which
   the call leaves out): BENCH_REQUESTS calls of ``GET /pricing-plans/v2/plans/public?limit=50``
   with an app's token, and as many from a visitor without credentials; it prints the median,
   p95 and CPU per call of each. Target: a median of at most 10 ms on PostgreSQL.

    .venv/bin/python bench/wix_api.py   # PostgreSQL database tally_bench_wix

DATABASE_URL names another database. It is migrated (and created when missing; its name must
contain ``bench``: the script adds orders and replaces its plans).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import ensure_database, is_postgres, use_bench_settings  # noqa: E402

use_bench_settings("postgres://postgres@127.0.0.1:5432/tally_bench_wix")
if is_postgres(os.environ["DATABASE_URL"]):
    ensure_database(os.environ["DATABASE_URL"], emptied=True)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402

from accounts import services as accounts  # noqa: E402
from accounts.models import User  # noqa: E402
from accounts.scopes import ALL_SCOPES, READ_PUBLIC_PLANS  # noqa: E402
from config.idempotency import key_claim, key_store  # noqa: E402
from orders.models import Plan  # noqa: E402
from orders.services import catalogue  # noqa: E402
from orders.services.catalogue import plan_upsert  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "600"))
WARMUP = 30
DATABASE = "PostgreSQL" if is_postgres(os.environ["DATABASE_URL"]) else "SQLite"


def idempotency_cost() -> None:
    """createOfflineOrder with and without a key, alternating."""
    plan = plan_upsert(name="Bench monthly", price="10.00", currency="EUR", is_public=False)
    buyer = User.objects.filter(username="bench-buyer").first() or User.objects.create_user(
        "bench-buyer", "bench@example.com", "bench-pass-123"
    )
    _, token = accounts.app_create(name=f"Bench {uuid.uuid4().hex[:6]}", scopes=ALL_SCOPES)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    body = {"planId": str(plan.id), "memberId": str(buyer.member_id), "paid": True}

    cpu: dict[bool, float] = {True: 0.0, False: 0.0}

    def create(keyed: bool) -> float:
        headers = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex} if keyed else {}
        started, cpu_started = time.perf_counter(), time.process_time()
        reply = client.post(
            "/pricing-plans/v2/checkout/orders/offline",
            body,
            content_type="application/json",
            **headers,
        )
        elapsed = time.perf_counter() - started
        cpu[keyed] += time.process_time() - cpu_started
        assert reply.status_code == 200, reply.content
        return elapsed * 1000

    for i in range(WARMUP):
        create(i % 2 == 0)
    cpu.update({True: 0.0, False: 0.0})
    timings: dict[bool, list[float]] = {True: [], False: []}
    for i in range(REQUESTS * 2):
        keyed = i % 2 == 0
        timings[keyed].append(create(keyed))
    without = statistics.median(timings[False])
    with_key = statistics.median(timings[True])
    print(f"{DATABASE}, {REQUESTS} creates of each kind, alternating")
    print(f"without a key: median {without:.2f} ms")
    print(f"with a key:    median {with_key:.2f} ms")
    paired = statistics.median(k - u for k, u in zip(timings[True], timings[False], strict=True))
    print(f"the key costs: {with_key - without:+.2f} ms of median (target <= 1 ms)")
    print(f"median of the differences within each pair: {paired:+.2f} ms")
    plain_cpu, keyed_cpu = (cpu[keyed] / REQUESTS * 1000 for keyed in (False, True))
    print(
        f"CPU of this process per create: without {plain_cpu:.2f} ms, with {keyed_cpu:.2f} ms "
        f"({keyed_cpu - plain_cpu:+.2f} ms)"
    )
    own, own_cpu = key_statements()
    print(
        f"the key's own two statements (claim, store), alone: median {own:.2f} ms, "
        f"CPU {own_cpu:.2f} ms"
    )


def key_statements() -> tuple[float, float]:
    """The claim and the store of a key alone: the database round trips the key adds, without
    the rest of a request around them (what the key costs when the machine is not busy).
    Their median in ms, and this process's CPU per pair."""
    response = HttpResponse(b'{"order": {}}' * 200, content_type="application/json")
    timings = []
    cpu_started = time.process_time()
    for _ in range(REQUESTS):
        started = time.perf_counter()
        claim = key_claim(scope="bench", key=uuid.uuid4().hex, fingerprint="f" * 64)
        key_store(claim, response)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), (time.process_time() - cpu_started) / REQUESTS * 1000


def seed() -> None:
    """50 public plans, 10 hidden and 10 archived ones, made afresh (no order uses them)."""
    Plan.objects.filter(name__startswith="Bench plan ").delete()
    for n in range(70):
        plan = catalogue.plan_create(
            name=f"Bench plan {n:02d}",
            description="A plan for the benchmark, with a description of ordinary length.",
            price="19.90",
            currency="EUR",
            perks=["First perk", "Second perk", "Third perk"],
            free_trial_days=7 if n % 2 else None,
            cycle_count=12 if n % 3 else 0,
            is_public=n < 50 or n >= 60,
        )
        if n >= 60:
            catalogue.plan_archive(plan.id)


def list_public_plans() -> None:
    """listPublicPlans of 50 public plans, by an app and by a visitor without credentials."""
    seed()
    _, token = accounts.app_create(name=f"Bench {uuid.uuid4().hex[:6]}", scopes=[READ_PUBLIC_PLANS])
    print(f"{DATABASE}, listPublicPlans of 50 plans, {REQUESTS} calls each")
    for who, client in (
        ("an app", Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")),
        ("a visitor", Client(HTTP_HOST="127.0.0.1")),
    ):
        timings, cpu = _list_timings(client)
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(
            f"{who:>9}: median {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms, "
            f"CPU {cpu:.2f} ms a call (target: median <= 10 ms)"
        )


def _list_timings(client: Client) -> tuple[list[float], float]:
    """Sorted wall times of REQUESTS calls, in ms, and this process's CPU per call."""

    def call() -> float:
        started = time.perf_counter()
        reply = client.get("/pricing-plans/v2/plans/public", {"limit": 50})
        elapsed = (time.perf_counter() - started) * 1000
        assert reply.status_code == 200, reply.content
        assert len(reply.json()["plans"]) == 50
        return elapsed

    for _ in range(WARMUP):
        call()
    cpu_started = time.process_time()
    timings = sorted(call() for _ in range(REQUESTS))
    return timings, (time.process_time() - cpu_started) / REQUESTS * 1000


if __name__ == "__main__":
    call_command("migrate", verbosity=0)
    idempotency_cost()
    list_public_plans()
