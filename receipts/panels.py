"""The receipt of each payment on the order pages, registered into ``orders.panels`` from
``ReceiptsConfig.ready()`` (``orders`` does not import receipts)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.template.loader import render_to_string

from orders.models import Payment
from orders.panels import PaymentPanel
from receipts.selectors import (
    SUMMARY_DEFER,
    SUMMARY_PREFETCH,
    SUMMARY_SELECT,
    payment_receipt_summary,
)


def receipt_html(payment: Payment) -> str:
    """The receipt, link and image of ``payment`` as HTML (says so when there are none)."""
    return render_to_string(
        "receipts/payment_receipt.html", {"summary": payment_receipt_summary(payment)}
    )


def member_receipt_html(payment: Payment) -> str:
    """What the member sees of the receipt and link (nothing until the merchant sends one)."""
    return render_to_string(
        "receipts/member_receipt.html", {"summary": payment_receipt_summary(payment)}
    )


def with_receipts(payments: QuerySet[Payment]) -> QuerySet[Payment]:
    """The payments with their receipts, lines, metadata and images, in a few queries."""
    return (
        payments.select_related(*SUMMARY_SELECT)
        .prefetch_related(*SUMMARY_PREFETCH)
        .defer(*SUMMARY_DEFER)
    )


RECEIPT_PANEL = PaymentPanel(
    "receipt", admin=receipt_html, member=member_receipt_html, load=with_receipts
)
