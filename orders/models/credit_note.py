"""Credit notes: what was given back of a payment, numbered CN-1, CN-2 ... without gaps.

A refund never changes the invoice it refers to; it is a document of its own, immutable once
written, naming the invoice and the payment. The sum of a payment's credit notes never exceeds
the payment (checked with the payment row locked).
"""

from __future__ import annotations

import uuid

from django.db import models

from orders.models.invoice import Invoice, Payment
from orders.models.order import Order


class CreditNoteNumber(models.Model):
    """The last credit-note number handed out (one row), locked while numbering: no gaps."""

    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"last credit note number {self.last}"


class RefundReason(models.TextChoices):
    DUPLICATE = "DUPLICATE", "duplicate payment"
    FRAUDULENT = "FRAUDULENT", "fraudulent payment"
    REQUESTED_BY_CUSTOMER = "REQUESTED_BY_CUSTOMER", "requested by the customer"
    ORDER_CHANGE = "ORDER_CHANGE", "order changed"
    OTHER = "OTHER", "other"


class RefundStatus(models.TextChoices):
    PENDING = "PENDING", "pending (the provider's answer is not recorded yet)"
    SUCCEEDED = "SUCCEEDED", "refunded"
    FAILED = "FAILED", "failed (the provider declined; can be retried)"


class CreditNote(models.Model):
    """The document never changes once written; only the state of the provider's refund it
    asks for (``refund_*``) does, as tries are made."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.PositiveBigIntegerField(unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="credit_notes")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="credit_notes")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="credit_notes")
    amount = models.DecimalField(max_digits=13, decimal_places=3)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=24, choices=RefundReason.choices)
    # The key the provider's refund was last sent with: ``refund:<id>`` for the first try,
    # ``refund:<id>:<try>`` for a retry after a decline (a declined key stays declined).
    idempotency_key = models.CharField(max_length=100, unique=True)
    created_date = models.DateTimeField()
    # Money counts as refunded only once the provider has refunded it (SUCCEEDED).
    refund_status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.PENDING
    )
    refund_failure_reason = models.CharField(max_length=200, blank=True)
    refund_tries = models.PositiveSmallIntegerField(default=1)
    refund_tried_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"CN-{self.number}"


class CreditNoteLine(models.Model):
    credit_note = models.ForeignKey(CreditNote, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=13, decimal_places=3)

    class Meta:
        ordering = ["credit_note", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_note", "position"], name="credit_note_line_position"
            )
        ]

    def __str__(self) -> str:
        return self.description
