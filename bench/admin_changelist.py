"""Owner dashboard benchmark: the orders list and the CSV export with a million orders.

    .venv/bin/python bench/admin_changelist.py
    BENCH_ORDERS=200000 DATABASE_URL=postgres://postgres@127.0.0.1:5432/tally_bench_admin \
        .venv/bin/python bench/admin_changelist.py

Uses PostgreSQL (``DATABASE_URL``, default the local ``tally_bench_admin`` database, created
if missing), tops it up to ``BENCH_ORDERS`` orders (default 1,000,000) with
``bench/seed_orders.py``, then measures through the whole Django stack (middleware, session,
admin, templates), in process:

1. the orders list with one filter (status = active), and a few other common views: median
   and 95th percentile render time over ``BENCH_RUNS`` requests (default 15) after 3 warm-up
   requests; the target is a median under 300 ms;
2. the dashboard home's charts: the time to compute them, and to serve them from the cache;
3. the CSV export of every order: rows per second (target 20,000 or more) and the growth of
   the process's resident memory while it streams (sampled every 20 ms; it should stay flat).
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
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

use_bench_settings("postgres://postgres@127.0.0.1:5432/tally_bench_admin")
os.environ["TALLY_ALLOWED_HOSTS"] = "testserver"

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
RUNS = int(os.environ.get("BENCH_RUNS", "15"))
LIST = "/admin/orders/order/"


if is_postgres(os.environ["DATABASE_URL"]):
    ensure_database(os.environ["DATABASE_URL"])

import django  # noqa: E402

django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from orders.models import Order  # noqa: E402


def prepare() -> None:
    call_command("migrate", verbosity=0)
    have = Order.objects.count()
    if have < ORDERS:
        from bench.seed_orders import seed_orders

        print(f"seeding {ORDERS - have:,} orders (have {have:,}) ...", flush=True)
        started = time.perf_counter()
        seed_orders(ORDERS - have)
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def timed_get(client: Client, path: str, params: dict) -> float:
    started = time.perf_counter()
    response = client.get(path, params)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (path, params, response.status_code)
    return elapsed * 1000


def measure_list(client: Client, label: str, params: dict) -> float:
    for _ in range(3):
        timed_get(client, LIST, params)
    times = sorted(timed_get(client, LIST, params) for _ in range(RUNS))
    median = statistics.median(times)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"  {label:<44} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    return median


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def measure_export(client: Client, params: dict) -> tuple[int, float, int]:
    """Rows, seconds, and the peak resident-memory growth while streaming."""
    peak = {"rss": 0}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak["rss"] = max(peak["rss"], rss_bytes())
            time.sleep(0.02)

    base = rss_bytes()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    response = client.get(f"{LIST}export.csv", params)
    rows = -1  # the header line
    for chunk in response.streaming_content:
        rows += chunk.count(b"\n")
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    return rows, elapsed, max(peak["rss"] - base, 0)


def main() -> None:
    prepare()
    total = Order.objects.count()
    client = owner_client()
    some = Order.objects.select_related("buyer").order_by("-created_date").first()
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
    print(f"orders list, {total:,} orders on {connection.vendor}, {RUNS} runs each (load {load}):")
    headline = measure_list(client, "status = active (the target)", {"status__exact": "ACTIVE"})
    measure_list(client, "no filter", {})
    measure_list(client, "plan", {"plan__id__exact": str(some.plan_id)})
    measure_list(
        client,
        "created in January 2026",
        {"created_date__from": "2026-01-01", "created_date__to": "2026-01-31"},
    )
    measure_list(client, "search by buyer email", {"q": some.buyer.email})
    measure_list(client, "status = active, page 200", {"status__exact": "ACTIVE", "p": "200"})
    verdict = "meets" if headline < 300 else "MISSES"
    print(f"  -> {verdict} the 300 ms median target")

    print("dashboard home charts (three charts over all orders and payments):")
    cache.clear()
    cold = timed_get(client, f"{LIST}dashboard/charts/", {})
    warm = statistics.median(timed_get(client, f"{LIST}dashboard/charts/", {}) for _ in range(3))
    print(f"  computed {cold:7.1f} ms, then from the cache {warm:7.1f} ms (kept five minutes)")

    print("CSV export of every order:")
    rows, seconds, growth = measure_export(client, {})
    rate = rows / seconds if seconds else 0
    print(
        f"  {rows:,} rows in {seconds:.1f} s = {rate:,.0f} rows/s; "
        f"resident memory grew by {growth / 2**20:.1f} MiB while streaming"
    )
    print(f"  -> {'meets' if rate >= 20000 else 'MISSES'} the 20,000 rows/s target")


if __name__ == "__main__":
    main()
