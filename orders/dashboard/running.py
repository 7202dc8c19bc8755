"""What runs now, from the figures the database keeps (``orders.models.running``).

The totals are the folded rows plus the log not folded yet, read in one statement, so a fold
committing meanwhile is seen entirely or not at all. The members count is the folded members
plus, for each member in the log, whether the log takes them over or under zero running
orders: its cost follows the log, not the members. The log is folded once it grows past
``FOLD_AFTER`` rows (by the read that notices; folding never changes a figure).

``recomputed()`` counts the same figures from the orders themselves: ``manage.py doctor`` and
the tests compare the two.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from orders.models import Order, OrderStatus, RunningMember, RunningTotal
from orders.models.running import KEY

RUNNING = [OrderStatus.ACTIVE, OrderStatus.PAUSED]
# Fold once the log holds this many rows: folding them takes a few milliseconds.
FOLD_AFTER = 5_000
FOLD_BATCH = 20_000
# Folds take turns (PostgreSQL advisory lock; SQLite's writers take turns anyway).
FOLD_LOCK = 7_310_042

Key = tuple[str, str, str, int, str]  # status, currency, duration unit and count, pricing model

_COLUMNS = ", ".join(KEY)
TOTALS_SQL = f"""
SELECT {_COLUMNS}, SUM(orders), SUM(total), SUM(logged)
FROM (
    SELECT {_COLUMNS}, orders, total, 0 AS logged FROM orders_runningtotal
    UNION ALL
    SELECT {_COLUMNS}, orders, total, 1 AS logged FROM orders_runningchange
) AS figures
GROUP BY {_COLUMNS}
"""
MEMBERS_SQL = """
SELECT (SELECT COUNT(*) FROM orders_runningmember) + COALESCE(SUM(
    CASE WHEN COALESCE(m.orders, 0) + d.n > 0 THEN 1 ELSE 0 END
    - CASE WHEN COALESCE(m.orders, 0) > 0 THEN 1 ELSE 0 END), 0)
FROM (SELECT buyer_id, SUM(orders) AS n FROM orders_runningchange GROUP BY buyer_id) AS d
LEFT JOIN orders_runningmember AS m ON m.buyer_id = d.buyer_id
"""
TAKE_SQL = f"""
DELETE FROM orders_runningchange
WHERE id IN (SELECT id FROM orders_runningchange ORDER BY id LIMIT %s)
RETURNING {_COLUMNS}, buyer_id, orders, total
"""


@dataclass
class Figures:
    """Running orders (and the sum of their totals) per kind, and members holding one."""

    totals: dict[Key, tuple[int, Decimal]] = field(default_factory=dict)
    members: int = 0


def maintained(*, fold_long_log: bool = True) -> Figures:
    """The kept figures (folding the log afterwards when it has grown long)."""
    with connection.cursor() as cursor:
        cursor.execute(TOTALS_SQL)
        rows = cursor.fetchall()
    totals = {tuple(r[:5]): (int(r[5]), _decimal(r[6])) for r in rows}
    if fold_long_log and sum(r[7] for r in rows) >= FOLD_AFTER:
        fold()
    with connection.cursor() as cursor:
        cursor.execute(MEMBERS_SQL)
        members = int(cursor.fetchone()[0])
    return Figures(_nonzero(totals), members)  # type: ignore[arg-type]


def recomputed() -> Figures:
    """The same figures counted from the orders (every running order is read)."""
    running = Order.objects.filter(status__in=RUNNING)
    rows = running.values(*KEY).annotate(n=Count("pk"), total=Sum("total")).order_by()
    totals = {tuple(r[k] for k in KEY): (r["n"], _decimal(r["total"])) for r in rows}
    members = running.values("buyer_id").distinct().count()
    return Figures(totals, members)  # type: ignore[arg-type]


def differences() -> list[str]:
    """Where the kept figures and a count from the orders disagree (``manage.py doctor``).
    On PostgreSQL both are read in one snapshot, so orders changing meanwhile are no finding."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if connection.vendor == "postgresql" and outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        kept, counted = maintained(fold_long_log=False), recomputed()
    found = [
        f"{' '.join(str(part) for part in key)}: kept {_said(kept, key)}, "
        f"counted {_said(counted, key)}"
        for key in sorted(set(kept.totals) | set(counted.totals))
        if kept.totals.get(key) != counted.totals.get(key)
    ]
    if kept.members != counted.members:
        members = f"kept {kept.members}, counted {counted.members}"
        found.append(f"members with a running order: {members}")
    return found


def _said(figures: Figures, key: Key) -> str:
    orders, total = figures.totals.get(key, (0, Decimal(0)))
    return f"{orders} orders totalling {total}"


def in_trial() -> dict[tuple[str, str, int], Decimal]:
    """Running subscriptions still in their free trial (cycle 0): the sum of their totals per
    currency and cycle. Counted live from a small partial index (``order_running_trial_idx``):
    kept figures would need a write at the first paid renewal, in the clock's hot path."""
    rows = (
        Order.objects.filter(status__in=RUNNING, pricing_model="SUBSCRIPTION")
        .filter(Q(current_cycle_index__isnull=True) | Q(current_cycle_index__lt=1))
        .values("currency", "duration_unit", "duration_count")
        .annotate(total=Sum("total"))
        .order_by()
    )
    return {
        (r["currency"], r["duration_unit"], r["duration_count"]): _decimal(r["total"]) for r in rows
    }


def fold() -> int:
    """Move the log into the folded tables; returns how many log rows were folded. A fold
    already under way elsewhere: nothing to do here (the figures are right either way)."""
    folded = 0
    with transaction.atomic():
        if not _fold_turn():
            return 0
        while True:
            with connection.cursor() as cursor:
                cursor.execute(TAKE_SQL, [FOLD_BATCH])
                rows = cursor.fetchall()
            _fold_totals(rows)
            _fold_members(rows)
            folded += len(rows)
            if len(rows) < FOLD_BATCH:
                return folded


def _fold_turn() -> bool:
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [FOLD_LOCK])
        return bool(cursor.fetchone()[0])


def _fold_totals(rows: list) -> None:
    change: dict[Key, list] = defaultdict(lambda: [0, Decimal(0)])
    for row in rows:
        change[tuple(row[:5])][0] += row[6]  # type: ignore[index]
        change[tuple(row[:5])][1] += _decimal(row[7])  # type: ignore[index]
    kept = {tuple(getattr(t, k) for k in KEY): t for t in RunningTotal.objects.all()}
    for key, (orders, total) in change.items():
        row = kept.get(key) or RunningTotal(**dict(zip(KEY, key, strict=True)), orders=0, total=0)
        row.orders += orders
        row.total += total
        if row.orders == 0 and row.total == 0:
            if row.pk:
                row.delete()
        else:
            row.save()


def _fold_members(rows: list) -> None:
    change: Counter[int] = Counter()
    for row in rows:
        change[row[5]] += row[6]
    buyers = sorted(change)
    for i in range(0, len(buyers), 5_000):
        chunk = buyers[i : i + 5_000]
        kept = dict(
            RunningMember.objects.filter(buyer_id__in=chunk).values_list("buyer_id", "orders")
        )
        after = {b: kept.get(b, 0) + change[b] for b in chunk}
        RunningMember.objects.filter(buyer_id__in=[b for b, n in after.items() if n == 0]).delete()
        RunningMember.objects.bulk_create(
            [RunningMember(buyer_id=b, orders=n) for b, n in after.items() if n],
            update_conflicts=True,
            unique_fields=["buyer_id"],
            update_fields=["orders"],
        )


def _nonzero(totals: dict) -> dict:
    return {k: v for k, v in totals.items() if v != (0, Decimal(0))}


def _decimal(value) -> Decimal:
    """Sums come back as Decimal from PostgreSQL and as numbers from SQLite."""
    if value is None:
        return Decimal(0)
    return (value if isinstance(value, Decimal) else Decimal(str(value))).quantize(Decimal("0.001"))
