"""An order of a plan by a buyer, and its pause periods.

Status, dates and payment status change only through orders/services; nothing else assigns
them. ``next_transition_at`` is the next moment at which time alone changes the order (start,
cycle boundary, trial end, scheduled cancellation, end): the clock reads only due rows.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q

from orders.models.catalogue import Coupon, PeriodUnit, Plan, PricingModel


class OrderStatus(models.TextChoices):
    DRAFT = "DRAFT", "draft (not paid)"
    PENDING = "PENDING", "pending (starts later)"
    ACTIVE = "ACTIVE", "active"
    PAUSED = "PAUSED", "paused"
    ENDED = "ENDED", "ended"
    CANCELED = "CANCELED", "canceled"


# The statuses an order never leaves.
CLOSED = frozenset({OrderStatus.ENDED, OrderStatus.CANCELED})


class OrderType(models.TextChoices):
    ONLINE = "ONLINE", "online"
    OFFLINE = "OFFLINE", "offline"
    EXTERNAL = "EXTERNAL", "external"


class OrderMethod(models.TextChoices):
    UNKNOWN = "UNKNOWN", "unknown"
    MOTO = "MOTO", "mail or telephone order"
    POS = "POS", "point of sale"


class PaymentStatus(models.TextChoices):
    PAID = "PAID", "paid"
    REFUNDED = "REFUNDED", "refunded"
    FAILED = "FAILED", "failed"
    UNPAID = "UNPAID", "unpaid"
    PENDING = "PENDING", "pending"
    NOT_APPLICABLE = "NOT_APPLICABLE", "not applicable (free)"


class CancellationCause(models.TextChoices):
    OWNER_ACTION = "OWNER_ACTION", "canceled by the site owner"
    MEMBER_ACTION = "MEMBER_ACTION", "canceled by the buyer"
    PAYMENT_FAILURE = "PAYMENT_FAILURE", "payment failed"
    PAYMENT_SETUP_FAILURE = "PAYMENT_SETUP_FAILURE", "payment setup failed"
    UNKNOWN = "UNKNOWN", "unknown"


class CancellationEffectiveAt(models.TextChoices):
    IMMEDIATELY = "IMMEDIATELY", "immediately"
    NEXT_PAYMENT_DATE = "NEXT_PAYMENT_DATE", "at the next payment date"


class Order(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subscription_id = models.UUIDField(default=uuid.uuid4, editable=False)
    wix_pay_order_id = models.UUIDField(null=True, blank=True, editable=False)
    # No single-column indexes on buyer, plan and status: the composite indexes below start
    # with them. Every clock transition rewrites index entries, so each index counts.
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders", db_index=False
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="orders", db_index=False)
    type = models.CharField(max_length=10, choices=OrderType.choices)
    order_method = models.CharField(max_length=10, choices=OrderMethod.choices, blank=True)
    status = models.CharField(max_length=10, choices=OrderStatus.choices)
    last_payment_status = models.CharField(max_length=16, choices=PaymentStatus.choices)

    # The plan as it was bought (a snapshot: later plan edits do not change orders).
    plan_name = models.CharField(max_length=100)
    plan_description = models.TextField(blank=True)
    plan_price = models.DecimalField(max_digits=13, decimal_places=3)
    currency = models.CharField(max_length=3)
    pricing_model = models.CharField(max_length=32, choices=PricingModel.choices)
    duration_count = models.PositiveSmallIntegerField(default=1)
    duration_unit = models.CharField(max_length=8, choices=PeriodUnit.choices, blank=True)
    cycle_count = models.PositiveSmallIntegerField(default=0)
    free_trial_days = models.PositiveSmallIntegerField(null=True, blank=True)

    # Pricing at purchase: the coupon, tax and the per-cycle prices (Wix "spanned prices",
    # stored in wire form with money as decimal strings).
    coupon = models.ForeignKey(
        Coupon, null=True, blank=True, on_delete=models.SET_NULL, related_name="orders"
    )
    coupon_code = models.CharField(max_length=20, blank=True)
    subtotal = models.DecimalField(max_digits=13, decimal_places=3, default=0)
    discount = models.DecimalField(max_digits=13, decimal_places=3, default=0)
    tax_name = models.CharField(max_length=40, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    tax_included = models.BooleanField(default=True)
    tax_amount = models.DecimalField(max_digits=13, decimal_places=3, default=0)
    total = models.DecimalField(max_digits=13, decimal_places=3, default=0)
    prices = models.JSONField(default=list)

    start_date = models.DateTimeField()
    end_date = models.DateTimeField(null=True, blank=True)
    earliest_end_date = models.DateTimeField(null=True, blank=True)
    planned_end_date = models.DateTimeField(
        null=True, blank=True, help_text="The end as bought, before pauses and postponements."
    )
    paused_total = models.DurationField(default=timedelta)
    postponed_total = models.DurationField(default=timedelta)
    times_paused = models.PositiveIntegerField(
        default=0, help_text="Pause periods so far (none: no need to read them)."
    )
    auto_renew_canceled = models.BooleanField(null=True, blank=True)
    current_cycle_index = models.PositiveIntegerField(null=True, blank=True)

    cancellation_requested_date = models.DateTimeField(null=True, blank=True)
    cancellation_cause = models.CharField(
        max_length=24, choices=CancellationCause.choices, blank=True
    )
    cancellation_effective_at = models.CharField(
        max_length=20, choices=CancellationEffectiveAt.choices, blank=True
    )

    form_id = models.UUIDField(null=True, blank=True)
    submission_id = models.UUIDField(null=True, blank=True)
    submission_data = models.JSONField(null=True, blank=True)

    next_transition_at = models.DateTimeField(null=True, blank=True)
    # Past due: when the clock next tries to charge the open renewal invoice (dunning).
    payment_retry_at = models.DateTimeField(null=True, blank=True)
    last_event_sequence = models.PositiveIntegerField(default=0)
    created_date = models.DateTimeField()
    updated_date = models.DateTimeField()

    class Meta:
        ordering = ["-created_date"]
        indexes = [
            models.Index(
                fields=["next_transition_at"],
                name="order_due_idx",
                condition=Q(next_transition_at__isnull=False),
            ),
            models.Index(fields=["-created_date", "id"], name="order_created_idx"),
            models.Index(fields=["buyer", "-created_date"], name="order_buyer_idx"),
            models.Index(fields=["plan", "-created_date"], name="order_plan_idx"),
            models.Index(fields=["status", "-created_date"], name="order_status_idx"),
            models.Index(fields=["end_date"], name="order_end_idx"),
            # The dashboard's cancellations of today and this week, and trials begun this
            # month: partial, so orders without either cost nothing (orders/dashboard/facts.py).
            models.Index(
                fields=["cancellation_requested_date"],
                name="order_cancel_requested_idx",
                condition=Q(cancellation_requested_date__isnull=False),
            ),
            models.Index(
                fields=["start_date"],
                name="order_trial_start_idx",
                condition=Q(free_trial_days__gt=0),
            ),
            # Churn so far this month: canceled orders by end date, read from the index alone.
            models.Index(
                fields=["end_date", "pricing_model"],
                name="order_canceled_end_idx",
                condition=Q(status="CANCELED"),
            ),
            # The dashboard's recurring revenue now leaves out subscriptions in their free
            # trial (cycle 0): a few, read from this index alone (orders/dashboard/running.py).
            # A renewal out of the trial takes the order out of it, so renewals never add to it.
            models.Index(
                fields=["currency", "duration_unit", "duration_count", "total"],
                name="order_running_trial_idx",
                condition=Q(status__in=["ACTIVE", "PAUSED"], pricing_model="SUBSCRIPTION")
                & (Q(current_cycle_index__isnull=True) | Q(current_cycle_index__lt=1)),
            ),
        ]
        constraints = [
            # One order per form submission: a checkout sent again answers the first order.
            models.UniqueConstraint(
                fields=["submission_id"],
                condition=Q(submission_id__isnull=False),
                name="order_submission_unique",
            )
        ]

    def __str__(self) -> str:
        # Read without a query (the admin's recent actions keep this text).
        return f"{self.plan_name} (order {str(self.pk).split('-')[0]})"


class PausePeriodStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "paused"
    ENDED = "ENDED", "resumed"


class PausePeriod(models.Model):
    """One pause of an order: open (ACTIVE) until the order is resumed."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="pause_periods")
    status = models.CharField(max_length=8, choices=PausePeriodStatus.choices)
    pause_date = models.DateTimeField()
    resume_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pause_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"],
                condition=Q(status="ACTIVE"),
                name="one_open_pause_per_order",
            )
        ]

    def __str__(self) -> str:
        return f"pause from {self.pause_date:%Y-%m-%d}"
