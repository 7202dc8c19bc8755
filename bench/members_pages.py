"""Member pages benchmark: My plans, the plans page and the checkout page, and the whole
buying journey (checkout -> pay -> confirmation) through gunicorn on PostgreSQL.

    .venv/bin/python bench/members_pages.py
    BENCH_ORDERS=200000 BENCH_SECONDS=10 .venv/bin/python bench/members_pages.py

Uses PostgreSQL (``DATABASE_URL``, default the local ``tally_bench_members`` database,
created if missing), migrated and topped up to ``BENCH_ORDERS`` orders (default 1,000,000)
with ``bench/seed_orders.py``; one member holds ``BENCH_MEMBER_ORDERS`` of them (default 100,
bought through the services, with invoices and payments). Gunicorn runs ``BENCH_WORKERS``
sync workers (default 2) on a free local port; a local HTTP client, signed in with a session
cookie, measures:

1. latency, one request at a time (``BENCH_REQUESTS`` each, default 200, after 20 warm-up
   requests), median and p95: ``/account/orders/`` (the first of five pages), ``/plans/``
   and ``/plans/<id>/checkout/``. Target: median <= 50 ms each;
2. journeys per second with ``BENCH_CLIENTS`` concurrent members (default 4) for
   ``BENCH_SECONDS`` (default 20): the checkout page, Confirm (an order session created and
   submitted), the pay page, paying with the approved test card, and the confirmation page:
   five requests, one order. Target: >= 10 journeys a second. Also reported: the CPU time
   per journey of the gunicorn workers, of their PostgreSQL backends and of this client, the
   rate two idle cores would allow from those, and the load average, since a shared
   machine's rate says little on its own.

Results go to stdout and to bench/results/members_pages.json.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.environment import (  # noqa: E402
    ensure_database,
    free_port,
    is_postgres,
    start_gunicorn,
    use_bench_settings,
)

use_bench_settings("postgres://postgres@127.0.0.1:5432/tally_bench_members")
os.environ.setdefault("TALLY_ORDER_SESSION_KEYS", "bench:" + "s" * 43)

ORDERS = int(os.environ.get("BENCH_ORDERS", "1000000"))
MEMBER_ORDERS = int(os.environ.get("BENCH_MEMBER_ORDERS", "100"))
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
WARMUP = 20
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "4"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "20"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
PLAN_NAME = "Bench members monthly"
SEED_CHUNK = 250_000
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def prepare() -> dict:
    """Migrate, seed, make the measured member's orders and every client's signed-in session."""
    if not is_postgres(os.environ["DATABASE_URL"]):
        raise SystemExit("bench/members_pages.py measures PostgreSQL: set DATABASE_URL")
    ensure_database(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from accounts.actors import Actor
    from bench.seed_orders import seed_orders
    from orders.models import Order
    from orders.services.catalogue import plan_upsert
    from orders.services.checkout import order_create_offline

    call_command("migrate", verbosity=0)
    have = Order.objects.count()
    while have < ORDERS:  # in chunks: one chunk's new buyers are read back in one query
        print(f"seeding {ORDERS - have:,} orders (have {have:,})...", flush=True)
        seed_orders(min(SEED_CHUNK, ORDERS - have))
        have = Order.objects.count()
    plan = plan_upsert(name=PLAN_NAME, price="10.00", duration_unit="MONTH")
    member = _member("bench-holder@example.com")
    for _ in range(MEMBER_ORDERS - Order.objects.filter(buyer=member).count()):
        order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    buyers = [
        _member(f"bench-buyer-{i}-{uuid.uuid4().hex[:8]}@example.com") for i in range(CLIENTS)
    ]
    return {
        "plan_id": str(plan.pk),
        "orders": Order.objects.count(),
        "holder": _session(member),
        "buyers": [_session(b) for b in buyers],
    }


def _member(email: str):
    from accounts.models import User

    member = User.objects.filter(username=email).first()
    return member or User.objects.create_user(username=email, email=email, password=None)


def _session(member) -> str:
    """A signed-in session for ``member``, as logging in would make it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(member.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = member.get_session_auth_hash()
    session.create()
    return session.session_key


class Client:
    """One member's browser: a keep-alive connection with its session and CSRF cookies."""

    def __init__(self, port: int, session: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookies = {"sessionid": session} if session else {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = "http://127.0.0.1/"
        self.conn.request(method, path, body=body, headers=headers)
        reply = self.conn.getresponse()
        data = reply.read()
        for name, value in reply.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return reply.status, reply.getheader("Location") or "", data

    def get(self, path: str) -> bytes:
        status, _, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        return body

    def post(self, path: str, form: dict) -> str:
        status, location, body = self.request("POST", path, form)
        if status != 302:
            raise RuntimeError(f"POST {path}: {status} {body[:300]!r}")
        return location


def latency(client: Client, path: str) -> dict:
    for _ in range(WARMUP):
        client.get(path)
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {
        "median_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(len(times) * 0.95)], 2),
        "requests": len(times),
    }


def journey(client: Client, plan_id: str) -> None:
    """Checkout page, Confirm, pay page, pay, confirmation: one order."""
    checkout = f"/plans/{plan_id}/checkout/"
    page = client.get(checkout)
    token = CSRF.search(page).group(1).decode()
    pay = client.post(
        checkout,
        {"csrfmiddlewaretoken": token, "submission_id": str(uuid.uuid4()), "coupon_code": ""},
    )
    page = client.get(pay)
    token = CSRF.search(page).group(1).decode()
    confirmation = client.post(
        pay, {"csrfmiddlewaretoken": token, "card_number": "4242 4242 4242 4242"}
    )
    if "/confirmation/" not in confirmation:
        raise RuntimeError(f"payment did not confirm: {confirmation}")
    client.get(confirmation)


def cpu_seconds(master_pid: int) -> float:
    """CPU time used so far by gunicorn's workers (Linux /proc): the machine may be shared,
    and CPU per journey says what a free machine would do where journeys a second cannot."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    return sum(_process_cpu(int(pid)) for pid in children)


def _process_cpu(pid: int) -> float:
    """User and system CPU seconds of one process so far (0 once it has exited)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def database_cpu(ours: frozenset[int] = frozenset()) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database for others (the
    gunicorn workers' connections; this process's own is left out). PostgreSQL runs on the
    same machine, so its share of a journey is part of what a journey costs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
        )
        return {pid: _process_cpu(pid) for (pid,) in cursor.fetchall() if pid not in ours}


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _sample_database_cpu(seen: dict[int, float], done: threading.Event, ours: int) -> None:
    """Every half second, the latest CPU of each backend: one that a worker replaces (its
    connection reached its age) is counted up to its last sample. ``ours``: the backend of
    the thread that started this one."""
    from django.db import connection

    try:
        while True:
            for pid, seconds in database_cpu(frozenset({ours})).items():
                seen[pid] = max(seen.get(pid, 0.0), seconds)  # 0 once it has exited
            if done.wait(0.5):
                break
    finally:
        connection.close()


def journeys_per_second(port: int, sessions: list[str], plan_id: str, master_pid: int) -> dict:
    clients = [Client(port, s) for s in sessions]
    for client in clients:
        journey(client, plan_id)
    done = [0] * len(clients)
    errors: list[str] = []
    stop = time.monotonic() + SECONDS

    def run(i: int) -> None:
        while time.monotonic() < stop:
            try:
                journey(clients[i], plan_id)
            except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
                errors.append(str(exc)[:200])
                return
            done[i] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    cpu, db_before, client_cpu = cpu_seconds(master_pid), database_cpu(), time.process_time()
    db_seen = dict(db_before)
    sampling = threading.Event()
    sampler = threading.Thread(
        target=_sample_database_cpu, args=(db_seen, sampling, _backend_pid())
    )
    sampler.start()
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    cpu = cpu_seconds(master_pid) - cpu
    client_cpu = time.process_time() - client_cpu
    sampling.set()
    sampler.join()
    db_cpu = sum(seconds - db_before.get(pid, 0.0) for pid, seconds in db_seen.items())
    journeys = max(sum(done), 1)
    per_journey = {
        "web": cpu / journeys * 1000,
        "database": db_cpu / journeys * 1000,
        "client": client_cpu / journeys * 1000,
    }
    return {
        "journeys": sum(done),
        "seconds": round(elapsed, 1),
        "journeys_per_s": round(sum(done) / elapsed, 1),
        "web_cpu_ms_per_journey": round(per_journey["web"], 1),
        "database_cpu_ms_per_journey": round(per_journey["database"], 1),
        "client_cpu_ms_per_journey": round(per_journey["client"], 1),
        # What two idle cores would allow if CPU were the only limit: web, database and client.
        "cpu_bound_journeys_per_s_on_2_cores": round(2000 / sum(per_journey.values()), 1),
        "load_average": os.getloadavg()[0],
        "errors": errors,
    }


def main() -> None:
    data = prepare()
    port = free_port()
    server = start_gunicorn("config.wsgi:application", port, WORKERS)
    try:
        holder = Client(port, data["holder"])
        assert b"Page 1 of 5" in holder.get("/account/orders/"), "the member's 100 orders"
        results = {
            "orders": data["orders"],
            "member_orders": MEMBER_ORDERS,
            "workers": WORKERS,
            "clients": CLIENTS,
            "my_plans": latency(holder, "/account/orders/"),
            "plans": latency(holder, "/plans/"),
            "checkout": latency(holder, f"/plans/{data['plan_id']}/checkout/"),
            "journey": journeys_per_second(port, data["buyers"], data["plan_id"], server.pid),
        }
    finally:
        server.terminate()
        server.wait(timeout=10)
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "members_pages.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
