"""Emails to members: which kinds the owner sends, and which were sent (once each).

``SentEmail`` is the claim: one row per (order, kind, cycle, retry attempt), inserted in the
transaction that sends the message, under a unique constraint. A second worker, or the same
one after a restart, cannot insert it again, so no message goes out twice.
"""

from __future__ import annotations

from django.db import models

from orders.models import Order


class EmailKind(models.TextChoices):
    ORDER_CONFIRMATION = "order_confirmation", "order confirmation (with the invoice)"
    RENEWAL_REMINDER = "renewal_reminder", "renewal reminder (7 days before each charge)"
    TRIAL_ENDING = "trial_ending", "trial ending (7 days before its end)"
    PAYMENT_FAILED = "payment_failed", "payment failed"
    CANCELLATION_SCHEDULED = "cancellation_scheduled", "cancellation scheduled"
    CANCELLATION_UNDONE = "cancellation_undone", "cancellation undone"
    ORDER_ENDED = "order_ended", "order ended"


class EmailSetting(models.Model):
    """Whether members get one kind of email. A kind without a row is sent."""

    kind = models.CharField(max_length=32, choices=EmailKind.choices, unique=True)
    enabled = models.BooleanField(default=True, help_text="Off: members never get this email.")

    class Meta:
        ordering = ["kind"]
        verbose_name = "member email setting"

    def __str__(self) -> str:
        return f"{EmailKind(self.kind).label}: {'on' if self.enabled else 'off'}"


class SentEmail(models.Model):
    """One email of one kind for one cycle of one order: sent, or skipped because its kind
    was off (so turning a kind back on does not send old news)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+", db_index=False)
    kind = models.CharField(max_length=32, choices=EmailKind.choices)
    cycle = models.PositiveIntegerField(default=0)
    # Which automatic retry of a renewal it tells of (dunning): each declined try is told;
    # 0 for everything else, so a member retrying by hand is told once.
    attempt = models.PositiveSmallIntegerField(default=0)
    to = models.EmailField(blank=True)
    skipped = models.BooleanField(default=False)
    event = models.UUIDField(null=True, blank=True, help_text="The outbox event that caused it.")
    sent_date = models.DateTimeField()

    class Meta:
        ordering = ["-sent_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["order", "kind", "cycle", "attempt"],
                name="one_email_per_order_kind_cycle_attempt",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.cycle} for {self.order_id}"


class EmailCursor(models.Model):
    """How far the email job has read the outbox (one row): every event up to
    (``read_until``, ``read_id``), in time then id order, and when the due reminders were last
    looked for."""

    read_until = models.DateTimeField(null=True, blank=True)
    read_id = models.UUIDField(null=True, blank=True)
    reminders_checked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"emails read up to {self.read_until}"
