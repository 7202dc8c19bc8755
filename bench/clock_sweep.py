"""Clock sweep benchmark: due orders processed by parallel workers, in transitions per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tally_bench_lifecycle \
        .venv/bin/python bench/clock_sweep.py                      # 100,000 due, 2 workers
    ... bench/clock_sweep.py --due 10000 --sizes 10000,1000000     # is the cost flat?

For each table size it empties the order tables of the (benchmark!) database, seeds that many
orders with ``bench/seed_orders.py`` of which ``--due`` are monthly subscriptions whose next
cycle is due now, then starts ``--workers`` processes that each run the clock
(``clock_batch``) until nothing is left. Every due order gets a new cycle: an invoice with
its line, a payment attempt committed before the test provider is called (which records the
attempt's idempotency key), the answer recorded in a second transaction with the payment, a
timeline entry and two events. It prints
the transitions per second (wall time from the first worker's start to the last one's end)
and checks that each due order was renewed exactly once. It also prints the workers' own CPU
time per transition: on a busy machine the wall-clock rate is bounded by the CPU the workers
get, and CPU per transition tells what one free core would do. When PostgreSQL runs on the
same machine it also prints the CPU its two backends spent per transition (from /proc): the
workers and the server share the cores, so (worker + server CPU) per transition, divided
among the cores, bounds the rate on an idle machine. Target: 2,000 transitions/s or more
with 2 workers, the same rate whatever the table size (only due rows are read).

Refuses to run unless the database name contains "bench": it deletes orders.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import ensure_database, is_postgres, use_bench_settings  # noqa: E402

use_bench_settings("postgres://postgres@127.0.0.1:5432/tally_bench_lifecycle")

TABLES = (
    "orders_order",
    "orders_pauseperiod",
    "orders_invoice",
    "orders_invoiceline",
    "orders_payment",
    "orders_orderevent",
    "orders_ordertimelineentry",
    "orders_invoicenumber",
    "orders_paymentattempt",
    "orders_testproviderrecord",
)


def worker(batch: int) -> None:
    """One worker process: run clock batches until none is left; report on stdout."""
    import django

    django.setup()
    from orders.services.clock import clock_batch

    backend = _backend_cpu()
    started, cpu, server = time.time(), time.process_time(), backend()
    applied = batches = 0
    while True:
        done, claimed = clock_batch(batch_size=batch)
        applied += done
        batches += 1
        if claimed == 0:
            break
    report = {"applied": applied, "batches": batches, "start": started, "end": time.time()}
    server_cpu = None if server is None else backend() - server
    print(json.dumps({**report, "cpu": time.process_time() - cpu, "server_cpu": server_cpu}))


def _backend_cpu():
    """A function giving the CPU seconds used so far by this worker's PostgreSQL backend,
    read from /proc when the server runs on this machine (else it gives None)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")

    def seconds() -> float | None:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    return seconds


def reset() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(TABLES)} CASCADE")
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE 'bench-%%'")


def sweep(size: int, due: int, workers: int, batch: int) -> dict:
    from django.db import connection

    from bench.seed_orders import seed_orders
    from config import clock
    from orders.models import Invoice, Order, OrderEvent, PaymentAttempt, TestProviderRecord

    reset()
    started = time.perf_counter()
    seeded_at = clock.now()
    seed_orders(size, due=due, seed=size)
    seeded = time.perf_counter() - started
    with connection.cursor() as cursor:  # write the seeded pages out now, not during the sweep
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("CHECKPOINT")
    connection.close()  # the workers are other processes; this one only checks afterwards
    cmd = [sys.executable, __file__, "--worker", "--batch", str(batch)]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(workers)]
    reports = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
    applied = sum(r["applied"] for r in reports)
    elapsed = max(r["end"] for r in reports) - min(r["start"] for r in reports)
    renewed = Invoice.objects.filter(cycle_index=2).count()
    # Every due order renewed once; a few seeded orders may fall due while the sweep runs.
    assert renewed == due <= applied, (applied, due, renewed)
    assert OrderEvent.objects.filter(slug="cycle_started").count() >= due
    # Online renewals charged once each: one attempt, resolved, and one key the provider saw
    # (offline renewals are invoiced and left unpaid).
    # (Seeded orders falling due during the sweep are charged too, for other cycles.)
    charged = Invoice.objects.filter(cycle_index=2, status="PAID")
    attempts = PaymentAttempt.objects.all()
    assert attempts.filter(invoice__in=charged).count() == charged.count()
    assert attempts.filter(status="SUCCEEDED").count() == attempts.count()
    assert TestProviderRecord.objects.count() == attempts.count()
    assert not Order.objects.filter(next_transition_at__lte=seeded_at).exists()
    return {
        "table": size,
        "due": due,
        "workers": workers,
        "seconds": elapsed,
        "per_second": applied / elapsed,
        "per_worker": [r["applied"] for r in reports],
        "cpu_ms": 1000 * sum(r["cpu"] for r in reports) / applied,
        "server_cpu_ms": (
            None
            if any(r["server_cpu"] is None for r in reports)
            else 1000 * sum(r["server_cpu"] for r in reports) / applied
        ),
        "seed_seconds": seeded,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--due", type=int, default=100_000)
    parser.add_argument("--sizes", default="110000", help="table sizes, comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.batch)
        return
    if not is_postgres(os.environ["DATABASE_URL"]):
        raise SystemExit("clock_sweep measures PostgreSQL: set DATABASE_URL=postgres://...")
    ensure_database(os.environ["DATABASE_URL"], emptied=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    print(f"{'orders in table':>16} {'due':>8} {'workers':>7} {'seconds':>8} {'transitions/s':>14}")
    for size in (int(s) for s in args.sizes.split(",")):
        r = sweep(size, args.due, args.workers, args.batch)
        print(
            f"{r['table']:>16,} {r['due']:>8,} {r['workers']:>7} {r['seconds']:>8.1f} "
            f"{r['per_second']:>14,.0f}   (per worker {r['per_worker']}; worker CPU "
            f"{r['cpu_ms']:.2f} ms per transition{_server(r)}; "
            f"seeded in {r['seed_seconds']:.0f} s)",
            flush=True,
        )


def _server(r: dict) -> str:
    ms = r["server_cpu_ms"]
    return "" if ms is None else f", PostgreSQL CPU {ms:.2f} ms"


if __name__ == "__main__":
    main()
