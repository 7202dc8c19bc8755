"""Emails to members: which kinds the owner sends, which were sent (once each), and which
outbox events are still to be read.

``EmailMark`` is the email job's marker on the outbox: a row for each order event not read
yet, written by the database in the transaction that writes the event (a trigger, so
``orders`` does not know that emails exist), and deleted when the event's email is sent.

``SentEmail`` is the claim: one row per (order, kind, cycle, retry attempt), inserted in the
transaction that sends the message, under a unique constraint. A second worker, or the same
one after a restart, cannot insert it again, so no message goes out twice.
"""

from __future__ import annotations

from django.db import models

from orders.models import Order, OrderEvent


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


class EmailMark(models.Model):
    """An order event the email job has not read yet. The trigger that writes it commits with
    the event, so an event that commits late is still read, and one rolled back leaves none."""

    event = models.OneToOneField(
        OrderEvent, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"email job to read event {self.event_id}"


class EmailCursor(models.Model):
    """The email job's own state (one row): when the due reminders were last looked for."""

    reminders_checked = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"reminders looked for at {self.reminders_checked}"
