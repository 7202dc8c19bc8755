"""The order's timeline (who did what) and its events (the outbox the webhook relay reads)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from orders.models.order import Order


class OrderTimelineEntry(models.Model):
    """Every change of an order: who, what, the status before and after, why, when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    actor_kind = models.CharField(max_length=8)
    actor_id = models.CharField(max_length=64, blank=True)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=40)
    status_before = models.CharField(max_length=10, blank=True)
    status_after = models.CharField(max_length=10, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"


class OrderEvent(models.Model):
    """A Wix domain event, written in the same transaction as the change it reports.

    ``sequence`` counts 1, 2, 3 ... per order with no gaps; ``body`` is the domain event in
    REST form (the order as it is after the change). ``relayed_date`` stays empty until the
    webhook relay (an app above ``orders``, run by the worker) has fanned the event out into a
    delivery for each subscribed endpoint; the deliveries themselves are that app's rows.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Indexed by the (order, sequence) unique constraint.
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", db_index=False
    )
    sequence = models.PositiveIntegerField()
    event_type = models.CharField(max_length=64)
    slug = models.CharField(max_length=32)
    body = models.JSONField()
    created_date = models.DateTimeField()
    relayed_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["order", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["order", "sequence"], name="event_sequence_per_order")
        ]
        indexes = [
            models.Index(
                fields=["created_date"],
                name="event_unrelayed_idx",
                condition=Q(relayed_date__isnull=True),
            ),
            # Reads of the outbox by time (the webhook replay's ranges).
            models.Index(fields=["created_date", "id"], name="event_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.sequence}"
