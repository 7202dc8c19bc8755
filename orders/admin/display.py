"""How orders read to the owner: money, days, durations in words, who did it, the next payment.

Every value a page shows goes through one of these (or Django's own date formats), so no page
prints a raw ``Decimal``, ``datetime`` or ``timedelta``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Sum
from django.utils import formats, timezone

from config import clock
from config.money import format_money
from orders.models import Invoice, Order, OrderStatus
from orders.services.schedule import next_renewal, pauses_of


def money(amount: Decimal | None, currency: str) -> str:
    """``10.00 EUR``: the one way money is shown (``config.money.format_money``)."""
    return format_money(amount, currency)


def duration(value: timedelta | None) -> str:
    """``3 days, 4 hours`` (whole minutes at most): never Python's ``0:00:02.984593``."""
    if not value:
        return "none"
    minutes = int(value.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    return ", ".join(words) or "less than a minute"


def day(moment: datetime | None) -> str:
    """``5 Jan 2027``: the day in the site's time zone."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def moment_text(moment: datetime | None) -> str:
    """``5 Jan 2027, 12:08``: a time in the site's time zone (admin callables get no formatting)."""
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


ACTOR_WORDS = {
    "OWNER": "site owner",
    "MEMBER": "member",
    "APP": "app",
    "CLOCK": "clock",
    "SYSTEM": "system",
}


def actor_text(kind: str, label: str) -> str:
    """``member: alice``, ``site owner``, ``clock``: who made a change, said once."""
    word = ACTOR_WORDS.get(kind, kind.lower())
    if not label or label.lower() in {kind.lower(), word}:
        return word
    return f"{word}: {label}"


def short_id(value) -> str:
    """The first block of a GUID: enough to tell orders apart on a page, and searchable."""
    return str(value).split("-")[0]


def order_label(order: Order) -> str:
    """``Monthly for alice@example.com (order 1a2b3c4d)``: how messages name an order."""
    buyer = order.buyer.email or order.buyer.get_username()
    return f"{order.plan_name} for {buyer} (order {short_id(order.pk)})"


def next_payment_date(order: Order) -> datetime | None:
    """When the buyer is charged next: the start of the next cycle of a renewing order.

    None unless the order is active and set to renew; the date itself comes from the
    lifecycle's schedule (trials and pauses included), so the admin holds no date rule.
    """
    if order.status != OrderStatus.ACTIVE or order.auto_renew_canceled:
        return None
    return next_renewal(order, pauses_of(order), clock.now())


def amounts_due(orders) -> dict:
    """What marking each order as paid records: the total of its unpaid invoices, in one query."""
    rows = (
        Invoice.objects.filter(order__in=orders, status=Invoice.Status.ISSUED)
        .values("order_id", "currency")
        .annotate(due=Sum("total"))
    )
    return {row["order_id"]: money(row["due"], row["currency"]) for row in rows}
