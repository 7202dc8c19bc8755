"""What runs now, kept by the database itself: the dashboard reads it instead of counting.

Running orders (ACTIVE or PAUSED) are most of the table, and the dashboard asks on every visit
how many there are, how many members hold one, and what they bring each month. Database
triggers on ``orders_order`` (migration 0013) append a ``RunningChange`` whenever an order
enters or leaves the running set, or a running order's counted columns change: -1 for what it
was, +1 for what it is. A renewal changes none of those columns, so it writes nothing here.
The log is folded from time to time into ``RunningTotal`` (per status, currency, cycle and
pricing model) and ``RunningMember`` (per buyer); the figures are always those tables plus
the log not folded yet (``orders.dashboard.running``).
"""

from __future__ import annotations

from django.db import models

KEY = ("status", "currency", "duration_unit", "duration_count", "pricing_model")


class RunningKind(models.Model):
    """What the figures are kept per: the columns of ``KEY``, copied from the order."""

    status = models.CharField(max_length=10)
    currency = models.CharField(max_length=3)
    duration_unit = models.CharField(max_length=8)
    duration_count = models.PositiveSmallIntegerField()
    pricing_model = models.CharField(max_length=32)

    class Meta:
        abstract = True


class RunningChange(RunningKind):
    """One running order counted in (+1) or out (-1); appended by the triggers only."""

    buyer_id = models.BigIntegerField()  # no foreign key: the log is written, never joined
    orders = models.IntegerField()
    total = models.DecimalField(max_digits=20, decimal_places=3)

    def __str__(self) -> str:
        return f"{self.orders:+d} {self.status} {self.currency}"


class RunningTotal(RunningKind):
    """The running orders of one kind, and the sum of their totals, as of the last fold."""

    orders = models.BigIntegerField()
    total = models.DecimalField(max_digits=20, decimal_places=3)

    class Meta:
        constraints = [models.UniqueConstraint(fields=KEY, name="running_total_unique")]

    def __str__(self) -> str:
        return f"{self.orders} {self.status} {self.currency}"


class RunningMember(models.Model):
    """A member's running orders as of the last fold (members with none have no row)."""

    buyer_id = models.BigIntegerField(primary_key=True)
    orders = models.IntegerField()

    def __str__(self) -> str:
        return f"member {self.buyer_id}: {self.orders}"
