"""`manage.py doctor` over a large database: elapsed time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tally_bench_doctor \\
        .venv/bin/python bench/doctor.py

Tops the database up to ``BENCH_ORDERS`` orders (default 1,000,000; none of them due) with
``bench/seed_orders.py``, runs ``ANALYZE``, then runs ``manage.py doctor`` as its own process
``BENCH_ROUNDS`` times (default 2) and prints its wall time and peak resident memory (the
child's ``ru_maxrss``). Target: at most 60 s over 1,000,000 orders on PostgreSQL; memory
flat, that is the same peak for a small database (run it again with ``BENCH_ORDERS=10000``
on another database) as for a million orders.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import ensure_database, is_postgres, use_bench_settings  # noqa: E402

use_bench_settings("postgres://postgres@127.0.0.1:5432/tally_bench_doctor")

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))
SEED_CHUNK = 200_000


def prepare() -> int:
    url = os.environ["DATABASE_URL"]
    if is_postgres(url):
        ensure_database(url)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from bench.seed_orders import seed_orders
    from orders.models import Order

    call_command("migrate", verbosity=0)
    have = Order.objects.count()
    while have < ORDERS:
        # In chunks: one seeding call looks its new buyers up with one parameter each, and a
        # PostgreSQL statement holds at most 65,535 parameters.
        chunk = min(SEED_CHUNK, ORDERS - have)
        print(f"seeding {chunk:,} orders (have {have:,})...", flush=True)
        seed_orders(chunk)
        have += chunk
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return Order.objects.count()


def run_doctor() -> tuple[float, float, int, str]:
    """Seconds, peak MB, exit code and last line of one ``manage.py doctor`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", "doctor"], cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    last = (done.stdout.strip().splitlines() or [done.stderr.strip()])[-1]
    return seconds, max(peak, before) / 1024, done.returncode, last


def main() -> None:
    orders = prepare()
    print(f"{orders:,} orders")
    for _ in range(ROUNDS):
        seconds, peak_mb, code, last = run_doctor()
        print(f"doctor: {seconds:.1f} s, peak {peak_mb:.0f} MB, exit {code}: {last}", flush=True)


if __name__ == "__main__":
    main()
