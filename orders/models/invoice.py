"""Invoices (numbered without gaps, immutable once issued) and payments."""

from __future__ import annotations

import uuid

from django.db import models

from orders.models.order import Order


def new_transaction_id() -> str:
    return str(uuid.uuid4())


class InvoiceNumber(models.Model):
    """The last invoice number handed out (one row). Locked while numbering, so no gaps."""

    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"last invoice number {self.last}"


class Invoice(models.Model):
    class Status(models.TextChoices):
        ISSUED = "ISSUED", "issued (awaiting payment)"
        PAID = "PAID", "paid"
        VOID = "VOID", "void"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.PositiveBigIntegerField(unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="invoices")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ISSUED)
    cycle_index = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=13, decimal_places=3)
    discount = models.DecimalField(max_digits=13, decimal_places=3, default=0)
    tax_name = models.CharField(max_length=40, blank=True)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    tax_amount = models.DecimalField(max_digits=13, decimal_places=3, default=0)
    total = models.DecimalField(max_digits=13, decimal_places=3)
    issued_date = models.DateTimeField()
    paid_date = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"Invoice {self.number}"


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        PLAN = "PLAN", "plan"
        DISCOUNT = "DISCOUNT", "discount"
        PRORATION = "PRORATION", "proration credit"
        TAX = "TAX", "tax"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(max_digits=13, decimal_places=3)
    amount = models.DecimalField(max_digits=13, decimal_places=3)

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position")
        ]

    def __str__(self) -> str:
        return self.description


class Payment(models.Model):
    """One charge or offline payment. Receipts attach to its ``transaction_id``."""

    class Status(models.TextChoices):
        SUCCEEDED = "SUCCEEDED", "succeeded"
        FAILED = "FAILED", "failed"
        REFUNDED = "REFUNDED", "refunded"
        PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED", "partially refunded"

    # Money that was taken: a payment that succeeded, whatever was refunded of it later (a
    # refund is a credit note of its own day). What the dashboard counts as revenue, so a
    # finished month's figure never changes once a payment of it is refunded.
    TAKEN = (Status.SUCCEEDED, Status.PARTIALLY_REFUNDED, Status.REFUNDED)

    class Method(models.TextChoices):
        TEST_PROVIDER = "TEST", "test payment provider"
        OFFLINE = "OFFLINE", "offline (marked as paid)"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    transaction_id = models.CharField(max_length=64, unique=True, default=new_transaction_id)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(
        Invoice, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(max_digits=13, decimal_places=3)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices)
    method = models.CharField(max_length=10, choices=Method.choices)
    failure_reason = models.CharField(max_length=200, blank=True)
    created_date = models.DateTimeField()
    # The order's plan as bought, copied when the payment is recorded (it never changes), so
    # the dashboard's revenue per plan reads the payments alone, without a join to the orders.
    plan_name = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["created_date", "id"]
        # The dashboard's payments of today and of this month (orders/dashboard/facts.py),
        # read from the index alone: it holds every column those queries read.
        indexes = [
            models.Index(
                fields=["created_date", "status", "currency", "plan_name", "amount"],
                name="payment_revenue_idx",
            )
        ]

    def __str__(self) -> str:
        return self.transaction_id
