"""Webhook relay benchmark: throughput, latency from commit to receiver, and signing cost.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tally_bench_webhooks \
        .venv/bin/python bench/webhooks.py
    DATABASE_URL=sqlite:///tally_bench_webhooks.sqlite3 .venv/bin/python bench/webhooks.py
    ... bench/webhooks.py --events 2000 --seconds 10            # a shorter run

1. Signing: the Wix JWT of a real order event (claims with their nested JSON strings, RS256,
   ``kid``) against jwcrypto's own RS256 sign of the same claims (``JWT.make_signed_token``),
   alternating, best of several rounds. Target: at most 1.2x.
2. Throughput: ``--events`` events (4 per order) committed at once to the outbox of one Wix
   endpoint, delivered by 2 ``manage.py worker`` processes to a local receiver that answers
   200 at once (Node, ``bench/webhook_receiver.mjs``), from the commit until the last delivery
   is recorded; then a plain loop posts the same events, already signed, to the same receiver
   with the same concurrency (2 workers x 8 posts per endpoint = 16 threads), same run.
   Target: the relay at least 0.5x the loop. Also the CPU each side spends per delivery (the
   workers' from ``/proc``, the loop's own; Linux), which holds better than rates when other
   programs share the cores.
3. Latency: ``--rate`` order changes a second (pause, resume, ... through the services) for
   ``--seconds``, with the 2 workers running; from each change's commit to its delivery's
   first byte at the receiver. Target p95: 250 ms on PostgreSQL, 1.5 s on SQLite.

Refuses to run unless the database name contains "bench": it deletes events and deliveries.
Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import ensure_database, is_postgres, use_bench_settings  # noqa: E402

use_bench_settings("postgres://postgres@127.0.0.1:5432/tally_bench_webhooks")
os.environ["TALLY_WEBHOOK_ALLOW_PRIVATE"] = "1"

WORKERS = 2
PER_ENDPOINT = 8  # settings.TALLY_WEBHOOK_ENDPOINT_CONCURRENCY
EVENTS_PER_ORDER = 4
PAUSED = "wix.pricing_plans.v2.order_paused"
RESUMED = "wix.pricing_plans.v2.order_resumed"


# -- the receiver ------------------------------------------------------------------------
class Receiver:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise SystemExit("the benchmark's receiver needs Node.js")
        self.process = subprocess.Popen(
            [node, str(ROOT / "bench" / "webhook_receiver.mjs")], stdout=subprocess.PIPE, text=True
        )
        self.port = json.loads(self.process.stdout.readline())["port"]
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def stats(self) -> dict:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/stats", timeout=30) as r:
            return json.loads(r.read())

    def reset(self) -> None:
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/reset", data=b"")
        urllib.request.urlopen(request, timeout=30).read()

    def close(self) -> None:
        self.process.terminate()


def start_workers() -> list[subprocess.Popen]:
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "worker"],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(WORKERS)
    ]
    time.sleep(4)  # Django starts; the first relay round runs
    return workers


def cpu_seconds(process: subprocess.Popen) -> float:
    """User and system CPU of a running child so far (Linux ``/proc``; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=60)


# -- data --------------------------------------------------------------------------------
def reset_outbox() -> None:
    from orders.models import Order, OrderEvent
    from webhooks.models import Endpoint

    Endpoint.objects.all().delete()
    OrderEvent.objects.all().delete()
    Order.objects.update(last_event_sequence=0)
    vacuum_outbox()


def vacuum_outbox() -> None:
    """Clear the dead rows the reset (and earlier runs) left: with autovacuum off, as on the
    shared benchmark server, each run on the same database otherwise starts with the dead
    rows of all the runs before it (the relay's index scans and the poll below walk them),
    and gets slower run after run."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = ["orders_order", "orders_orderevent", "webhooks_delivery", "webhooks_attempt"]
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def orders_for(count: int) -> list:
    from bench.seed_orders import seed_orders
    from orders.models import Order

    active = Order.objects.filter(status="ACTIVE")
    if active.count() < count:
        seed_orders(count * 2)
    return list(active.select_related("buyer").prefetch_related("pause_periods")[:count])


def hook_app():
    from accounts.models import App
    from accounts.scopes import READ_ORDERS, WEBHOOKS_MANAGE
    from accounts.services import app_create

    found = App.objects.filter(name="bench webhooks").first()
    return found or app_create(name="bench webhooks", scopes=[READ_ORDERS, WEBHOOKS_MANAGE])[0]


def write_events(orders: list) -> list:
    """``EVENTS_PER_ORDER`` updated-events per order, in one transaction (one commit)."""
    from django.db import transaction

    from orders.models import Order, OrderEvent
    from orders.services.events import build_event, order_body

    events = []
    with transaction.atomic():
        # The workers' clock may have renewed some of these orders since they were read: lock
        # them and number the new events after their latest sequence.
        latest = dict(
            Order.objects.select_for_update()
            .filter(pk__in=[o.pk for o in orders])
            .values_list("pk", "last_event_sequence")
        )
        for order in orders:
            order.last_event_sequence = latest[order.pk]
            entity = order_body(order)
            events += [
                build_event(order, "updated", entity=entity) for _ in range(EVENTS_PER_ORDER)
            ]
        OrderEvent.objects.bulk_create(events, batch_size=1000)
        Order.objects.bulk_update(orders, ["last_event_sequence"], batch_size=1000)
    return events


def wait_delivered(total: int, *, limit: float = 600.0) -> float:
    from webhooks.models import Delivery

    until = time.monotonic() + limit
    while time.monotonic() < until:
        if Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() >= total:
            return time.monotonic()
        time.sleep(0.05)
    raise SystemExit(f"not all {total} deliveries were made within {limit:.0f} s")


# -- 1. signing ----------------------------------------------------------------------------
def signing(event_body: dict, app_id: str, rounds: int = 20, n: int = 100) -> dict:
    import orjson
    from django.conf import settings
    from jwcrypto.jwt import JWT

    from webhooks.relay import wix_signer
    from webhooks.services import signing as wix

    signer = wix_signer()
    kwargs = {"event": event_body, "event_type": "wix.pricing_plans.v2.order_updated"}
    claims = wix.wix_claims(
        **kwargs,
        instance_id=signer.instance_id,
        identity=None,
        issuer=settings.TALLY_PUBLIC_URL,
        audience=app_id,
        now=int(time.time()),
    )
    header = orjson.loads(signer.header())

    def ours():
        wix.wix_request(signer, **kwargs, identity=None, audience=app_id, now=int(time.time()))

    def theirs():
        token = JWT(header=header, claims=claims)
        token.make_signed_token(signer.key)
        token.serialize()

    best = {"ours": float("inf"), "jwcrypto": float("inf")}
    for _ in range(rounds):
        for name, call in (("ours", ours), ("jwcrypto", theirs)):
            started = time.perf_counter()
            for _ in range(n):
                call()
            best[name] = min(best[name], (time.perf_counter() - started) / n)
    return {
        "ours_ms": round(best["ours"] * 1000, 3),
        "jwcrypto_ms": round(best["jwcrypto"] * 1000, 3),
        "ratio": round(best["ours"] / best["jwcrypto"], 2),
    }


# -- 2. throughput -------------------------------------------------------------------------
def throughput(receiver: Receiver, orders: list, app) -> dict:
    from webhooks.services.endpoints import webhook_endpoint_create

    reset_outbox()
    receiver.reset()
    webhook_endpoint_create(app=app, url=receiver.url)
    workers = start_workers()
    try:
        started = time.monotonic()
        events = write_events(orders)
        committed = time.monotonic()
        cpu_before = sum(cpu_seconds(w) for w in workers)
        finished = wait_delivered(len(events))
        relay_cpu = sum(cpu_seconds(w) for w in workers) - cpu_before
    finally:
        stop_workers(workers)
    relay_seconds = finished - committed
    loop_seconds, loop_cpu = plain_loop(receiver, events, app)
    return {
        "events": len(events),
        "relay_per_s": round(len(events) / relay_seconds),
        "loop_per_s": round(len(events) / loop_seconds),
        "ratio": round(loop_seconds / relay_seconds, 2),
        "relay_cpu_ms_per_delivery": round(relay_cpu * 1000 / len(events), 3),
        "loop_cpu_ms_per_post": round(loop_cpu * 1000 / len(events), 3),
        "write_s": round(committed - started, 2),
        "received": receiver.stats()["count"],
    }


def plain_loop(receiver: Receiver, events: list, app) -> tuple[float, float]:
    """The same events signed beforehand, posted by 16 threads sharing one urllib3 pool:
    seconds taken, and this process's CPU seconds for the posting."""
    import urllib3

    from webhooks.relay import wix_signer
    from webhooks.services import signing as wix

    signer = wix_signer()
    bodies = queue.SimpleQueue()
    for event in events:
        bodies.put(
            wix.wix_request(
                signer,
                event=event.body,
                event_type=event.event_type,
                identity=None,
                audience=str(app.app_def_id),
                now=int(time.time()),
            )
        )
    threads = WORKERS * PER_ENDPOINT
    http = urllib3.PoolManager(maxsize=threads, retries=False)

    def post_all():
        while True:
            try:
                body, headers = bodies.get_nowait()
            except queue.Empty:
                return
            http.request("POST", receiver.url, body=body, headers=headers, timeout=15)

    pool = [threading.Thread(target=post_all) for _ in range(threads)]
    started, cpu = time.monotonic(), time.process_time()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return time.monotonic() - started, time.process_time() - cpu


# -- 3. latency ----------------------------------------------------------------------------
def latency(receiver: Receiver, orders: list, app, *, rate: float, seconds: float) -> dict:
    from accounts.actors import Actor
    from orders.models import OrderEvent
    from orders.services.lifecycle import order_pause, order_resume
    from webhooks.services.endpoints import webhook_endpoint_create

    reset_outbox()
    receiver.reset()
    webhook_endpoint_create(app=app, url=receiver.url, event_types=[PAUSED, RESUMED])
    workers = start_workers()
    commits: dict[tuple, float] = {}
    paused: set = set()
    actor = Actor.system("bench")
    try:
        started, count = time.monotonic(), int(rate * seconds)
        for i in range(count):
            time.sleep(max(0.0, started + i / rate - time.monotonic()))
            order = orders[i % len(orders)]
            change = order_resume if order.pk in paused else order_pause
            changed = change(order.pk, actor=actor)
            commits[(changed.pk, changed.last_event_sequence)] = time.time()
            paused ^= {order.pk}
        time.sleep(3)
    finally:
        stop_workers(workers)
    arrivals = receiver.stats()["arrivals"]
    waits = []
    for event in OrderEvent.objects.filter(slug__in=["paused", "resumed"]):
        at = commits.get((event.order_id, event.sequence)) or commits.get(
            (event.order_id, event.sequence + 1)  # pause writes paused, then updated
        )
        if at is not None and str(event.pk) in arrivals:
            waits.append(arrivals[str(event.pk)] / 1000 - at)
    waits.sort()
    return {
        "changes": len(commits),
        "delivered": len(waits),
        "p50_ms": round(statistics.median(waits) * 1000),
        "p95_ms": round(waits[int(len(waits) * 0.95) - 1] * 1000),
        "max_ms": round(waits[-1] * 1000),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    url = os.environ["DATABASE_URL"]
    if is_postgres(url):
        ensure_database(url, emptied=True)
    elif "bench" not in url:
        raise SystemExit("use a SQLite file named *bench*: the benchmark deletes events")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from orders.services.events import order_body

    app = hook_app()
    orders = orders_for(args.events // EVENTS_PER_ORDER)
    receiver = Receiver()
    try:
        report = {
            "database": "postgresql" if is_postgres(url) else "sqlite",
            "signing": signing(order_body(orders[0]) | {"id": "x"}, str(app.app_def_id)),
            "throughput": throughput(receiver, orders, app),
            "latency": latency(receiver, orders, app, rate=args.rate, seconds=args.seconds),
        }
    finally:
        receiver.close()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
