"""Webhook endpoints, their deliveries and attempts, the signing keys and the site's instance id.

A delivery is one event for one endpoint. It is ``PENDING`` until an attempt succeeds
(``DELIVERED``), the retries run out (``FAILED``), or it is dropped (``CANCELED``: endpoint
disabled, or superseded by a replay). ``next_attempt_at`` says when it is due; a worker that
claims it moves it to the end of its lease, so a worker killed mid-request leaves the delivery
due again once the lease runs out (at least once, never lost).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Protocol

from django.db import models
from django.db.models import Q

from accounts.models import App
from orders.models import OrderEvent


class EventKind(Protocol):
    """What an endpoint's subscription looks at: an ``OrderEvent``, or a row read of one."""

    @property
    def created_date(self) -> datetime: ...

    @property
    def event_type(self) -> str: ...


class Installation(models.Model):
    """The site's instance id (one row): the ``instanceId`` every Wix-format delivery carries."""

    instance_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_date = models.DateTimeField()

    def __str__(self) -> str:
        return str(self.instance_id)


class SigningKey(models.Model):
    """An RSA key that signs Wix-format deliveries (RS256). One is current; retired keys stay
    in the JWKS for a week so receivers can still verify what they signed."""

    kid = models.CharField(max_length=64, unique=True)
    private_pem = models.TextField(editable=False)
    public_jwk = models.JSONField(editable=False)
    is_current = models.BooleanField(default=True)
    created_date = models.DateTimeField()
    retired_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_date"]
        constraints = [
            # Two processes creating the first key at once: one insert wins, the other re-reads.
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_signing_key"
            )
        ]

    def __str__(self) -> str:
        return self.kid


class Endpoint(models.Model):
    """Where one app wants the site's order events, in which format."""

    class Format(models.TextChoices):
        WIX = "wix", "Wix JWT"
        STANDARD_WEBHOOKS = "standard-webhooks", "Standard Webhooks"

    class DisabledReason(models.TextChoices):
        NONE = "", "-"
        MANUAL = "MANUAL", "disabled by the app or the owner"
        GONE = "GONE", "the receiver answered 410 Gone"
        FAILING = "FAILING", "every delivery failed for 5 days"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    app = models.ForeignKey(App, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.CharField(max_length=2048)
    event_types = models.JSONField(default=list, blank=True, help_text="Empty: every event.")
    format = models.CharField(max_length=20, choices=Format.choices, default=Format.WIX)
    description = models.CharField(max_length=500, blank=True)
    enabled = models.BooleanField(default=True)
    disabled_reason = models.CharField(
        max_length=10, choices=DisabledReason.choices, blank=True, default=""
    )
    # Standard Webhooks: ``whsec_...``; after a rotation the previous one also signs until
    # ``previous_secret_until``.
    secret = models.CharField(max_length=64, blank=True, editable=False)
    previous_secret = models.CharField(max_length=64, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    created_date = models.DateTimeField()
    # When it was created or last re-enabled: it receives the events written from then on.
    enabled_date = models.DateTimeField(editable=False)
    updated_date = models.DateTimeField()

    class Meta:
        ordering = ["created_date"]

    def __str__(self) -> str:
        return self.url

    def wants(self, event: EventKind) -> bool:
        """Subscribed to this event, and the event was written after the endpoint was created
        or last re-enabled (what it missed meanwhile goes only by replay)."""
        if event.created_date < self.enabled_date:
            return False
        return not self.event_types or event.event_type in self.event_types


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING"
        DELIVERED = "DELIVERED"
        FAILED = "FAILED"
        CANCELED = "CANCELED"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # No index of its own: ``delivery_endpoint_idx`` starts with it. A delivery's row is
    # written up to four times (fan-out, release, claim, answer), each time into
    # every index.
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    event = models.ForeignKey(OrderEvent, on_delete=models.CASCADE, related_name="+")
    # Copies of the event's order and sequence: the per-order ordering check reads only this
    # table's index.
    order_id = models.UUIDField()
    sequence = models.PositiveIntegerField()
    event_type = models.CharField(max_length=64)
    # Who made the change, as the Wix ``identity`` claim (None for the clock).
    identity = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The lease of the worker posting it now; its answer counts only while the lease holds.
    claim = models.UUIDField(null=True, blank=True, editable=False)
    created_date = models.DateTimeField()
    updated_date = models.DateTimeField()

    class Meta:
        ordering = ["-created_date"]
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["endpoint", "next_attempt_at"],
                name="delivery_due_idx",
                condition=Q(status="PENDING"),
            ),
            models.Index(
                fields=["endpoint", "order_id", "sequence"],
                name="delivery_order_pending_idx",
                condition=Q(status="PENDING"),
            ),
            models.Index(fields=["endpoint", "-created_date"], name="delivery_endpoint_idx"),
            models.Index(
                fields=["updated_date"], name="delivery_done_idx", condition=~Q(status="PENDING")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.sequence} -> {self.endpoint_id}"


class Attempt(models.Model):
    """One POST of a delivery: what the receiver answered (or why nothing came back)."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField()
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    duration_ms = models.PositiveIntegerField()
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.http_status or self.error}"
