"""What an expired draft gives back: its invoice (voided, keeping its number, so numbering
stays gap-free) and its coupon use. Written in bulk, with the clock batch that expired them."""

from __future__ import annotations

from django.db.models import F

from orders.models import Coupon, Invoice, Order


def drafts_release(orders: list[Order]) -> None:
    """Void the open invoices of the expired drafts ``orders`` and give back their coupons'
    uses (call in the transaction that cancels them)."""
    if not orders:
        return
    Invoice.objects.filter(
        order_id__in=[o.pk for o in orders], status=Invoice.Status.ISSUED
    ).update(status=Invoice.Status.VOID)
    for order in orders:
        if order.coupon_id is not None:
            Coupon.objects.filter(pk=order.coupon_id, times_used__gt=0).update(
                times_used=F("times_used") - 1
            )
