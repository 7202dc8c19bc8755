"""Charges in flight: a payment attempt is written before the provider is called.

Charging is two transactions with the provider's call between them. The first commits an
attempt carrying an idempotency key; the provider receives that key with the charge; the
second records the answer. A process that dies between the two leaves the attempt PENDING,
and whoever finds it later asks the provider what happened to that key (``lookup``) instead
of charging again. The key is unique, so one attempt never becomes two charges.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from orders.models.invoice import Invoice, Payment
from orders.models.order import Order


class PaymentAttempt(models.Model):
    class Status(models.TextChoices):
        PENDING = "PENDING", "pending (the provider's answer is not recorded yet)"
        SUCCEEDED = "SUCCEEDED", "succeeded"
        FAILED = "FAILED", "failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Unique by the constraint below: keys are looked up whole, never by prefix, so no
    # pattern index besides it (one index less to write per charge).
    idempotency_key = models.CharField(max_length=100)
    # Read by invoice; by order only while pending (``payment_attempt_pending_idx``).
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="payment_attempts", db_index=False
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="attempts")
    amount = models.DecimalField(max_digits=13, decimal_places=3)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(max_length=200, blank=True)
    # The payment recorded from the answer (none while pending).
    payment = models.OneToOneField(
        Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="attempt"
    )
    created_date = models.DateTimeField()
    resolved_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_date", "id"]
        constraints = [
            # One charge in flight per invoice: a second payer waits for the first answer.
            models.UniqueConstraint(
                fields=["invoice"],
                condition=Q(status="PENDING"),
                name="payment_attempt_one_pending_per_invoice",
            ),
            models.UniqueConstraint(fields=["idempotency_key"], name="payment_attempt_key_unique"),
        ]
        indexes = [
            # The clock skips orders with a charge in flight: the pending few, by order.
            models.Index(
                fields=["order"],
                condition=Q(status="PENDING"),
                name="payment_attempt_pending_idx",
            )
        ]

    def __str__(self) -> str:
        return self.idempotency_key


class TestProviderRecord(models.Model):
    """The built-in test provider's own memory of the keys it was given (it moves no money).

    A real provider keeps this on its side; the test provider keeps it in our database so that
    it remembers a charge across processes, as a real one would after our process dies.
    """

    class Kind(models.TextChoices):
        CHARGE = "CHARGE", "charge"
        REFUND = "REFUND", "refund"

    __test__ = False  # a model, not a test case, despite its name

    idempotency_key = models.CharField(max_length=100)
    kind = models.CharField(max_length=8, choices=Kind.choices)
    amount = models.DecimalField(max_digits=13, decimal_places=3)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=10)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_date = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="test_provider_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.idempotency_key}"
