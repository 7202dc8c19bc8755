"""REST API benchmark: managementListOrders and managementGetOrder over a million orders.

    .venv/bin/python bench/api_list.py
    BENCH_ORDERS=200000 BENCH_SECONDS=5 DATABASE_URL=postgres://postgres@127.0.0.1:5432/x \
        .venv/bin/python bench/api_list.py

Uses PostgreSQL (``DATABASE_URL``, default the local ``tally_bench_api`` database, created if
missing), migrated and topped up to ``BENCH_ORDERS`` orders (default 1,000,000) with
``bench/seed_orders.py``. It then starts gunicorn (``BENCH_WORKERS`` sync workers, default 2)
on a free local port and measures from a local HTTP client:

1. latency, one request at a time (``BENCH_REQUESTS`` each, default 300, after 20 warm-up
   requests): ``GET /pricing-plans/v2/orders?orderStatuses=ACTIVE&planIds=<plan>&limit=50``
   (two filters, a full page) and ``GET /pricing-plans/v2/orders/<id>``; median and p99.
   Targets: median <= 20 ms, p99 <= 60 ms. The bare view's latency is shown alongside, as a
   gauge of how busy the machine was;
2. throughput, ``BENCH_CLIENTS`` concurrent clients (default 4) for ``BENCH_SECONDS`` each
   (default 10): the same list request, and a bare Django view that returns the same 50 rows
   as JSON with one query (no auth, no wire rendering). Target: the API at >= 50 % of the
   bare view's requests per second. Both are measured in the same run, in ``BENCH_ROUNDS``
   (default 5) alternating rounds, so that drift in the machine's speed falls on both alike;
3. the cost of API throttling: the same list request against a second gunicorn with the
   throttles off, in the same alternating rounds (the measured server throttles per caller,
   per address and failed authentications, at rates this run never reaches). Target: the
   throttled server at >= 95 % of the unthrottled one.

Results go to stdout and to bench/results/api_list.json.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import (  # noqa: E402
    THROTTLED,
    ensure_database,
    free_port,
    is_postgres,
    start_gunicorn,
    use_bench_settings,
)

use_bench_settings("postgres://postgres@127.0.0.1:5432/tally_bench_api")

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "300"))
WARMUP = 20
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "10"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
BARE_PATH = "/bench/bare-orders"
PLAN_NAME = "Bench monthly (12)"
UNTHROTTLED = dict.fromkeys(THROTTLED, "off")  # the comparison server: every throttle off


def prepare() -> dict:
    """Migrate, seed up to ORDERS, and return the token, filter values and one order id."""
    if not is_postgres(os.environ["DATABASE_URL"]):
        raise SystemExit("bench/api_list.py measures PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts import services as accounts
    from accounts.scopes import READ_ORDERS
    from bench.seed_orders import seed_orders
    from orders.models import Order, Plan

    call_command("migrate", verbosity=0)
    have = Order.objects.count()
    if have < ORDERS:
        print(f"seeding {ORDERS - have:,} orders (have {have:,})...", flush=True)
        seed_orders(ORDERS - have)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    plan = Plan.objects.get(name=PLAN_NAME)
    _, token = accounts.app_create(name=f"API bench {time.time_ns()}", scopes=[READ_ORDERS])
    order_id = Order.objects.filter(plan=plan, status="ACTIVE").values_list("id", flat=True)[
        ORDERS // 3 % 1000
    ]
    return {
        "token": token,
        "plan_id": str(plan.id),
        "order_id": str(order_id),
        "orders": Order.objects.count(),
    }


def get(port: int, path: str, headers: dict) -> bytes:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        reply = conn.getresponse()
        body = reply.read()
        if reply.status != 200:
            raise RuntimeError(f"{path}: {reply.status} {body[:300]!r}")
        return body
    finally:
        conn.close()


def latency(port: int, path: str, headers: dict) -> dict:
    for _ in range(WARMUP):
        get(port, path, headers)
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        get(port, path, headers)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p99_ms": round(times[min(len(times) - 1, int(len(times) * 0.99))], 2),
        "requests": len(times),
    }


def interleaved(*calls: tuple[int, str, dict]) -> list[float]:
    """Requests per second of each (port, path, headers) call, measured in ROUNDS alternating
    rounds of SECONDS / ROUNDS: the machine's speed drifts, and in turns each call sees the
    same."""
    totals = [0.0] * len(calls)
    for _ in range(ROUNDS):
        for i, (port, path, headers) in enumerate(calls):
            totals[i] += throughput(port, path, headers, SECONDS / ROUNDS)
    return [round(total / ROUNDS, 1) for total in totals]


def throughput(port: int, path: str, headers: dict, seconds: float = SECONDS) -> float:
    """Requests per second with CLIENTS concurrent clients for ``seconds``."""
    for _ in range(5):
        get(port, path, headers)
    done = [0] * CLIENTS
    stop = time.monotonic() + seconds

    def client(i: int) -> None:
        while time.monotonic() < stop:
            get(port, path, headers)
            done[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(sum(done) / (time.monotonic() - start), 1)


def main() -> None:
    data = prepare()
    auth = {"Authorization": f"Bearer {data['token']}"}
    filters = urlencode({"orderStatuses": "ACTIVE", "planIds": data["plan_id"], "limit": 50})
    list_path = f"/pricing-plans/v2/orders?{filters}"
    get_path = f"/pricing-plans/v2/orders/{data['order_id']}?id={data['order_id']}"
    bare_path = f"{BARE_PATH}?plan={data['plan_id']}"
    port, open_port = free_port(), free_port()
    server = start_gunicorn("bench.api_wsgi:application", port, WORKERS, env=THROTTLED)
    unthrottled = start_gunicorn("bench.api_wsgi:application", open_port, WORKERS, env=UNTHROTTLED)
    try:
        page = json.loads(get(port, list_path, auth))
        assert len(page["orders"]) == 50, page["pagingMetadata"]
        bare = json.loads(get(port, bare_path, {}))
        assert [o["id"] for o in bare["orders"]] == [o["id"] for o in page["orders"]]
        results = {
            "orders": data["orders"],
            "workers": WORKERS,
            "clients": CLIENTS,
            "pagingMetadata": page["pagingMetadata"],
            "managementListOrders": latency(port, list_path, auth),
            "managementGetOrder": latency(port, get_path, auth),
            "bare_view": latency(port, bare_path, {}),
        }
        api_rps, open_rps, bare_rps = interleaved(
            (port, list_path, auth), (open_port, list_path, auth), (port, bare_path, {})
        )
        results["throughput_rps"] = {
            "managementListOrders": api_rps,
            "managementListOrders_unthrottled": open_rps,
            "bare_view": bare_rps,
            "ratio": round(api_rps / bare_rps, 3),
            "throttled_vs_unthrottled": round(api_rps / open_rps, 3),
        }
    finally:
        for running in (server, unthrottled):
            running.terminate()
            running.wait(timeout=10)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "api_list.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
