"""Fast bulk seeding of realistic orders for benchmarks.

    from bench.seed_orders import seed_orders
    seed_orders(1_000_000, due=100_000)      # inside a configured Django process

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tally_bench_x \
        .venv/bin/python bench/seed_orders.py 1000000 --due 100000

Adds ``n`` orders of a handful of plans (monthly and yearly subscriptions, a one-time
pass, a lifetime plan, a free plan), bought by ``n / 10`` new members, over the last two
years: most are running (ACTIVE, a few PAUSED or PENDING), the rest ENDED or CANCELED, in
realistic proportions, with their pricing, dates, cycle and next clock moment as the services
would have set them. ``due`` of them are ACTIVE monthly subscriptions whose next cycle is due
now (what the clock sweep benchmark processes). No events, timeline, invoices or payments are
written for the seeded history.

On PostgreSQL rows go in with ``COPY`` (about 100,000 orders a second); elsewhere with
``bulk_create``. Seeding again adds more orders (new members, the same plans).
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PLANS = [
    # name, price, pricing model, unit, cycle count, weight
    ("Bench monthly", Decimal("10.00"), "SUBSCRIPTION", "MONTH", 0, 50),
    ("Bench monthly (12)", Decimal("12.00"), "SUBSCRIPTION", "MONTH", 12, 20),
    ("Bench yearly", Decimal("100.00"), "SUBSCRIPTION", "YEAR", 0, 10),
    ("Bench pass (3 months)", Decimal("25.00"), "SINGLE_PAYMENT_FOR_DURATION", "MONTH", 0, 10),
    ("Bench lifetime", Decimal("300.00"), "SINGLE_PAYMENT_UNLIMITED", "", 0, 5),
    ("Bench free", Decimal("0"), "SINGLE_PAYMENT_UNLIMITED", "", 0, 5),
]
BUYERS_PER_ORDER = 0.1
CHUNK = 50_000


def _plans():
    from orders.models import PricingModel
    from orders.services.catalogue import plan_upsert

    plans = []
    for name, price, model, unit, cycles, weight in PLANS:
        fields = {"price": price, "pricing_model": model, "cycle_count": cycles}
        if model != PricingModel.SINGLE_PAYMENT_UNLIMITED:
            fields["duration_unit"] = unit
        if model == PricingModel.SINGLE_PAYMENT_FOR_DURATION:
            fields["duration_count"] = 3
        plans.append((plan_upsert(name=name, description=f"{name} (benchmark)", **fields), weight))
    return plans


def _buyer_rows(count: int, now, prefix: str) -> list[tuple]:
    return [
        (
            "!",  # unusable password
            f"{prefix}{i}",
            f"{prefix}{i}@example.com",
            now,
            uuid.uuid4(),
            uuid.uuid4(),
        )
        for i in range(count)
    ]


BUYER_COLUMNS = ("password", "username", "email", "date_joined", "member_id", "contact_id")


def _insert_buyers(rows: list[tuple], prefix: str) -> list[int]:
    """Insert the buyers and return their ids (found by the run's own username prefix: one
    parameter, however many buyers)."""
    from django.db import connection

    from accounts.models import User

    if connection.vendor == "postgresql":
        extra = ", is_superuser, first_name, last_name, is_staff, is_active"
        with connection.cursor() as cursor:
            with cursor.copy(
                f"COPY accounts_user ({', '.join(BUYER_COLUMNS)}{extra}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row((*row, False, "", "", False, True))
        return list(User.objects.filter(username__startswith=prefix).values_list("pk", flat=True))
    users = [User(**dict(zip(BUYER_COLUMNS, row, strict=True))) for row in rows]
    return [u.pk for u in User.objects.bulk_create(users, batch_size=2000)]


class _Rows:
    """Order rows as the services would leave them, as tuples in ``COLUMNS`` order."""

    def __init__(self, plans, buyers: list[int], now) -> None:
        from orders.models import Order
        from orders.services.checkout import order_from_plan
        from orders.services.pricing import price_quote

        self.now = now
        self.buyers = buyers
        self.plans = [p for p, _ in plans]
        self.weights = [w for _, w in plans]
        self.fields = [f for f in Order._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        self.index = {f.attname: i for i, f in enumerate(self.fields)}
        self.templates = {}
        for plan in self.plans:
            order = order_from_plan(plan, None, "ONLINE", price_quote(plan=plan), now, now)
            order.status = "ACTIVE"
            order.last_payment_status = "PAID" if plan.price else "NOT_APPLICABLE"
            row = []
            for field in self.fields:
                value = getattr(order, field.attname)
                if field.get_internal_type() == "JSONField":
                    value = None if value is None else json.dumps(value)
                row.append(value)
            self.templates[plan.pk] = row

    def build(self, *, due: bool, rng: random.Random) -> tuple:
        from orders.services import schedule

        plan = self.plans[0] if due else rng.choices(self.plans, self.weights)[0]
        row = list(self.templates[plan.pk])
        i = self.index
        row[i["id"]] = uuid.uuid4()
        row[i["subscription_id"]] = uuid.uuid4()
        row[i["buyer_id"]] = rng.choice(self.buyers)
        if plan.price:
            row[i["wix_pay_order_id"]] = uuid.uuid4()
        if due:  # a monthly subscription whose second cycle begins now or just before
            start = self.now - timedelta(days=31, minutes=rng.randint(0, 600))
        else:
            start = self.now - timedelta(minutes=rng.randint(-7 * 1440, 730 * 1440))
        row[i["type"]] = "ONLINE" if rng.random() < 0.8 else "OFFLINE"
        order = _Shape(plan, start)
        row[i["start_date"]] = start
        row[i["created_date"]] = row[i["updated_date"]] = min(start, self.now)
        planned = schedule.planned_end(order)
        row[i["planned_end_date"]] = row[i["end_date"]] = row[i["earliest_end_date"]] = planned
        status, cycle, next_at = self._state(order, planned, due, rng)
        row[i["status"]] = status
        row[i["current_cycle_index"]] = cycle
        row[i["next_transition_at"]] = next_at
        if status == "PAUSED":  # paused a few days ago (its pause period is added after)
            row[i["updated_date"]] = self.now - timedelta(minutes=rng.randint(1, 20 * 1440))
            row[i["times_paused"]] = 1
        if status == "CANCELED":
            row[i["cancellation_cause"]] = rng.choice(["OWNER_ACTION", "MEMBER_ACTION"])
            row[i["cancellation_effective_at"]] = "IMMEDIATELY"
            row[i["cancellation_requested_date"]] = row[i["end_date"]] = min(
                self.now, start + timedelta(days=rng.randint(1, 300))
            )
        return tuple(row)

    def _state(self, order, planned, due, rng):
        from orders.services import schedule

        now = self.now
        if order.start_date > now:
            return "PENDING", None, order.start_date
        if planned is not None and planned <= now:
            return "ENDED", schedule.last_index(order), None
        if not due and rng.random() < 0.08:
            return "CANCELED", 1, None
        if order.pricing_model != "SUBSCRIPTION":
            return "ACTIVE", 1, planned
        # Cycles are at least 28 days (months) or 365 (years) long: start the search close.
        days = 366 if order.duration_unit == "YEAR" else 31
        cycle = 1 if due else max(1, (now - order.start_date).days // days)
        boundary = schedule.boundary(order, cycle, [], now)
        while boundary <= now and not due:
            cycle += 1
            boundary = schedule.boundary(order, cycle, [], now)
        if not due and rng.random() < 0.03:
            return "PAUSED", cycle, None
        return "ACTIVE", cycle, min(boundary, planned) if planned else boundary


class _Shape:
    """What the schedule needs of an order, without building a model instance per row."""

    def __init__(self, plan, start) -> None:
        self.pricing_model = plan.pricing_model
        self.duration_count = plan.duration_count
        self.duration_unit = plan.duration_unit
        self.cycle_count = plan.cycle_count
        self.free_trial_days = None
        self.start_date = start
        self.end_date = None


def _insert_orders(rows: list[tuple], columns: list[str]) -> None:
    from django.db import connection

    from orders.bulk import copy_text
    from orders.models import Order

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # The rows reference buyers and plans made just before; checking each foreign key
            # row by row would cost more than the copy itself. (Needs a superuser; skipped
            # otherwise.)
            _skip_row_triggers(cursor)
            with cursor.copy(f"COPY orders_order ({', '.join(columns)}) FROM STDIN") as copy:
                block = []
                for row in rows:
                    block.append("\t".join(map(copy_text, row)))
                    if len(block) == 5000:
                        copy.write("\n".join(block) + "\n")
                        block = []
                if block:
                    copy.write("\n".join(block) + "\n")
        return
    attnames = [f.attname for f in Order._meta.concrete_fields]
    objs = []
    for row in rows:
        values = dict(zip(attnames, row, strict=True))
        for key in ("prices", "submission_data"):
            if isinstance(values[key], str):
                values[key] = json.loads(values[key])
        objs.append(Order(**values))
    Order.objects.bulk_create(objs, batch_size=1000)


# A PAUSED order has exactly one open pause period, from when it was paused.
OPEN_PAUSES = """
INSERT INTO orders_pauseperiod (order_id, status, pause_date)
SELECT o.id, 'ACTIVE', o.updated_date FROM orders_order o
WHERE o.status = 'PAUSED'
  AND NOT EXISTS (SELECT 1 FROM orders_pauseperiod p WHERE p.order_id = o.id)
"""


def _skip_row_triggers(cursor) -> None:
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if cursor.fetchone()[0]:
        cursor.execute("SET LOCAL session_replication_role = replica")


def seed_orders(n: int, *, due: int = 0, seed: int | None = None) -> dict:
    """Add ``n`` orders (``due`` of them due now for the clock). Returns what was added."""
    from django.db import connection, transaction

    from config import clock

    if due > n:
        raise ValueError("due cannot exceed n")
    rng = random.Random(seed)
    now = clock.now()
    plans = _plans()
    with transaction.atomic():
        prefix = f"bench-{uuid.uuid4().hex[:8]}-"
        buyers = _insert_buyers(_buyer_rows(max(1, int(n * BUYERS_PER_ORDER)), now, prefix), prefix)
    rows = _Rows(plans, buyers, now)
    done = 0
    while done < n:
        size = min(CHUNK, n - done)
        due_here = max(0, min(size, due - done))
        chunk = [rows.build(due=k < due_here, rng=rng) for k in range(size)]
        with transaction.atomic():
            _insert_orders(chunk, rows.columns)
        done += size
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(OPEN_PAUSES)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orders_order")
            cursor.execute("ANALYZE accounts_user")
    return {"orders": n, "due": due, "buyers": len(buyers), "plans": len(plans)}


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="Add N benchmark orders to DATABASE_URL.")
    parser.add_argument("n", type=int)
    parser.add_argument("--due", type=int, default=0, help="how many are due for the clock now")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("TALLY_SECRET_KEY", "bench-secret-key-not-for-production")
    import django

    django.setup()
    started = time.perf_counter()
    result = seed_orders(args.n, due=args.due)
    elapsed = time.perf_counter() - started
    print(f"seeded {result} in {elapsed:.1f} s ({args.n / elapsed:,.0f} orders/s)")


if __name__ == "__main__":
    main()
