"""The dashboard's figures of finished weeks and months, kept so they are computed once.

A finished period's figures never change: every change to an order or a payment happens at
"now" (a cancellation ends an order now or later, a pause moves its end later, a payment is
made now), so what was true at a past moment stays true. The dashboard computes only the
current period each time, and a finished one once (``orders.dashboard.rollup``).
"""

from __future__ import annotations

from django.db import models


class DashboardPeriod(models.Model):
    kind = models.CharField(max_length=8)  # "week" or "month"
    start = models.DateField()  # the Monday, or the first of the month, in ``time_zone``
    time_zone = models.CharField(max_length=64)  # the site's zone the period was cut in
    data = models.JSONField()  # the figures, money as decimal strings
    computed_date = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "time_zone", "start"], name="dashboard_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.start} ({self.time_zone})"
