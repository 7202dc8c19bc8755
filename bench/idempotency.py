"""What an ``Idempotency-Key`` costs on a create: createOfflineOrder with and without one.

    .venv/bin/python bench/idempotency.py   # PostgreSQL database tally_bench_wix

DATABASE_URL names another database. It is migrated (and created when missing; its name must
contain ``bench``: the script adds orders to it), then the script sends BENCH_REQUESTS
(default 400) offline-order creates of each kind, alternating one with a fresh key and one
without, in-process through Django's whole stack (middleware, routing, DRF, authentication,
the checkout service, the database), and prints each kind's median, their difference, and the
median of the differences within each pair (one keyed and one plain create sent back to back,
which drift in the machine's speed touches alike). The target: the key costs at most 1 ms of median.
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
from django.test import Client  # noqa: E402

from accounts import services as accounts  # noqa: E402
from accounts.models import User  # noqa: E402
from accounts.scopes import ALL_SCOPES  # noqa: E402
from orders.services.catalogue import plan_upsert  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "400"))
WARMUP = 30


def main() -> None:
    call_command("migrate", verbosity=0)
    plan = plan_upsert(name="Bench monthly", price="10.00", currency="EUR")
    buyer = User.objects.filter(username="bench-buyer").first() or User.objects.create_user(
        "bench-buyer", "bench@example.com", "bench-pass-123"
    )
    _, token = accounts.app_create(name=f"Bench {uuid.uuid4().hex[:6]}", scopes=ALL_SCOPES)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_HOST="127.0.0.1")
    body = {"planId": str(plan.id), "memberId": str(buyer.member_id), "paid": True}

    def create(keyed: bool) -> float:
        headers = {"HTTP_IDEMPOTENCY_KEY": uuid.uuid4().hex} if keyed else {}
        started = time.perf_counter()
        reply = client.post(
            "/pricing-plans/v2/checkout/orders/offline",
            body,
            content_type="application/json",
            **headers,
        )
        elapsed = time.perf_counter() - started
        assert reply.status_code == 200, reply.content
        return elapsed * 1000

    for i in range(WARMUP):
        create(i % 2 == 0)
    timings: dict[bool, list[float]] = {True: [], False: []}
    for i in range(REQUESTS * 2):
        keyed = i % 2 == 0
        timings[keyed].append(create(keyed))
    without = statistics.median(timings[False])
    with_key = statistics.median(timings[True])
    database = "PostgreSQL" if is_postgres(os.environ["DATABASE_URL"]) else "SQLite"
    print(f"{database}, {REQUESTS} creates of each kind, alternating")
    print(f"without a key: median {without:.2f} ms")
    print(f"with a key:    median {with_key:.2f} ms")
    paired = statistics.median(k - u for k, u in zip(timings[True], timings[False], strict=True))
    print(f"the key costs: {with_key - without:+.2f} ms of median (target <= 1 ms)")
    print(f"median of the differences within each pair: {paired:+.2f} ms")


if __name__ == "__main__":
    main()
