"""Dashboard home benchmark: the owner's home page and its charts, uncached, over many orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tally_dashboard_bench \
        .venv/bin/python bench/dashboard_home.py
    BENCH_ORDERS=200000 ... .venv/bin/python bench/dashboard_home.py

Uses PostgreSQL (``DATABASE_URL``, default the local ``tally_dashboard_bench`` database,
created if missing), tops it up to ``BENCH_ORDERS`` orders (default 1,000,000) with
``bench/seed_orders.py`` (in chunks of 50,000), gives every order with a price one successful
payment at its creation (the seed writes none; ``INSERT ... SELECT``), then measures through the
whole Django stack (middleware, session, admin, templates), in process, with the chart cache
cleared before every request:

1. the home page itself (``/admin/``: the checklist, the apps, recent actions);
2. the charts and the day's numbers (``/admin/orders/order/dashboard/charts/``, what the home
   fetches): median and 95th percentile over ``BENCH_RUNS`` requests (default 9) after one
   warm-up; the target is a median of at most 300 ms;
3. each part's own time (one run each), to show where the time goes.

Finished weeks and months are computed once and kept (``orders.dashboard.rollup``); the first
visit after seeding fills them (its time is printed first), every later one computes only
the current week and month and today, and reads what runs now from the figures the database
keeps (``orders.dashboard.running``). A rerun reuses the seeded orders and payments.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import (  # noqa: E402
    ensure_database,
    is_postgres,
    owner_client,
    use_bench_settings,
)

use_bench_settings("postgres://postgres@127.0.0.1:5432/tally_dashboard_bench")
os.environ["TALLY_ALLOWED_HOSTS"] = "testserver"

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "9"))
CHUNK = 50_000
CHARTS = "/admin/orders/order/dashboard/charts/"

if is_postgres(os.environ["DATABASE_URL"]):
    ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from config import clock  # noqa: E402
from orders import dashboard  # noqa: E402
from orders.dashboard import running  # noqa: E402
from orders.models import DashboardPeriod, Order  # noqa: E402

PAYMENTS_SQL = """
INSERT INTO orders_payment
    (id, transaction_id, amount, currency, status, method, failure_reason, created_date, order_id,
     plan_name)
SELECT gen_random_uuid(), 'bench-' || o.id, o.total, o.currency, 'SUCCEEDED', 'TEST', '',
       o.created_date, o.id, o.plan_name
FROM orders_order o
WHERE o.total > 0 AND o.status <> 'DRAFT'
  AND NOT EXISTS (SELECT 1 FROM orders_payment p WHERE p.order_id = o.id)
"""


def prepare() -> None:
    call_command("migrate", verbosity=0)
    have = Order.objects.count()
    if have < ORDERS:
        from bench.seed_orders import seed_orders

        print(f"seeding {ORDERS - have:,} orders (have {have:,}) ...", flush=True)
        started = time.perf_counter()
        while have < ORDERS:
            seed_orders(min(CHUNK, ORDERS - have))
            have = Order.objects.count()
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        folded = running.fold()  # the seed's orders went through the triggers' log
        print(f"  folded {folded:,} running changes in {_ms(started):,.0f} ms", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(PAYMENTS_SQL)
            if cursor.rowcount:
                print(f"  added {cursor.rowcount:,} payments", flush=True)
            cursor.execute("VACUUM ANALYZE")


def uncached_get(client: Client, path: str) -> float:
    cache.clear()
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


def measure(client: Client, label: str, path: str) -> float:
    uncached_get(client, path)
    times = sorted(uncached_get(client, path) for _ in range(RUNS))
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"  {label:<40} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    return median


def breakdown() -> None:
    at = clock.now()
    started = time.perf_counter()
    now = dashboard.running_now()
    print(f"    {'running now (kept figures, trials)':<36} {_ms(started):7.1f} ms")
    parts = (
        ("months (rollup + current month)", lambda: dashboard.monthly(at, now=now)),
        ("weeks (rollup + current week)", lambda: dashboard.orders_per_week(at, now=now)),
        ("today", lambda: dashboard.today_numbers(at, now=now)),
    )
    for label, part in parts:
        started = time.perf_counter()
        part()
        print(f"    {label:<36} {_ms(started):7.1f} ms")


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def main() -> None:
    prepare()
    total = Order.objects.count()
    client = owner_client()
    if not DashboardPeriod.objects.exists():
        started = time.perf_counter()
        uncached_get(client, CHARTS)
        print(f"first visit, filling the kept weeks and months: {_ms(started):,.0f} ms")
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"dashboard home, {total:,} orders on {connection.vendor}, {RUNS} runs (load {load}):")
    measure(client, "home page (/admin/)", "/admin/")
    headline = measure(client, "charts and day's numbers, uncached", CHARTS)
    print(f"  -> {'meets' if headline <= 300 else 'MISSES'} the 300 ms median target")
    print("  where the time goes (one run each):")
    breakdown()


if __name__ == "__main__":
    main()
