"""The order page: every fact about one order, read-only, in the site's time zone.

The fieldsets show the order row; ``sections`` gathers what hangs off it (pause periods,
cycles, invoices with their payments and receipts, the timeline, the events) in a fixed,
small number of queries.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from orders.admin.display import (
    actor_text,
    duration,
    moment_text,
    money,
    next_payment_date,
)
from orders.models import Order
from orders.panels import payment_rows
from orders.services.schedule import order_cycles, pauses_of

EVENTS_SHOWN = 100


@admin.display(description="buyer")
def buyer(order: Order) -> str:
    url = reverse("admin:accounts_user_change", args=[order.buyer_id])
    return format_html(
        '<a href="{}">{}</a> (member id {})',
        url,
        order.buyer.email or order.buyer.get_username(),
        order.buyer.member_id,
    )


@admin.display(description="next payment")
def next_payment(order: Order):
    return moment_text(next_payment_date(order)) or "none"


@admin.display(description="time paused")
def paused_total(order: Order) -> str:
    return duration(order.paused_total)


@admin.display(description="time postponed")
def postponed_total(order: Order) -> str:
    """Postponements no longer count once a cancellation has set the end date."""
    words = duration(order.postponed_total)
    if order.postponed_total and order.cancellation_cause:
        return f"{words} before the cancellation, which set the end date since"
    return words


@admin.display(description="plan price")
def plan_price(order: Order) -> str:
    return money(order.plan_price, order.currency)


@admin.display(description="billing")
def billing(order: Order) -> str:
    if order.pricing_model == "SINGLE_PAYMENT_UNLIMITED":
        return "one payment, no end"
    every = f"{order.duration_count} {order.get_duration_unit_display()}"
    if order.pricing_model == "SINGLE_PAYMENT_FOR_DURATION":
        return f"one payment for {every}"
    cycles = f"{order.cycle_count} cycles" if order.cycle_count else "until canceled"
    trial = f", {order.free_trial_days}-day free trial" if order.free_trial_days else ""
    return f"every {every}, {cycles}{trial}"


@admin.display(description="subtotal")
def subtotal(order: Order) -> str:
    return money(order.subtotal, order.currency)


@admin.display(description="discount")
def discount(order: Order) -> str:
    code = f" (coupon {order.coupon_code})" if order.coupon_code else ""
    return money(order.discount, order.currency) + code


@admin.display(description="tax")
def tax(order: Order) -> str:
    if not order.tax_rate:
        return "none"
    mode = "included" if order.tax_included else "added"
    return f"{order.tax_name} {order.tax_rate}% {mode}: {money(order.tax_amount, order.currency)}"


@admin.display(description="total")
def total(order: Order) -> str:
    return money(order.total, order.currency)


FIELDSETS = (
    (
        None,
        {
            "fields": (
                "id",
                buyer,
                "plan",
                "plan_name",
                "type",
                "order_method",
                "status",
                "last_payment_status",
            )
        },
    ),
    (
        "Dates",
        {
            "fields": (
                "created_date",
                "start_date",
                "end_date",
                "earliest_end_date",
                "planned_end_date",
                next_payment,
                "auto_renew_canceled",
                paused_total,
                postponed_total,
                "updated_date",
            )
        },
    ),
    (
        "Cancellation",
        {
            "fields": (
                "cancellation_requested_date",
                "cancellation_cause",
                "cancellation_effective_at",
            )
        },
    ),
    (
        "Pricing",
        {"fields": (plan_price, billing, subtotal, discount, tax, total)},
    ),
)
READONLY_FIELDS = tuple(field for _, options in FIELDSETS for field in options["fields"])


def sections(order: Order) -> dict[str, Any]:
    """What the order page shows below the fieldsets."""
    rows_by_invoice: dict[Any, list[dict[str, Any]]] = {}
    for row in payment_rows(order, page="admin"):
        payment = row["payment"]
        row["amount"] = money(payment.amount, payment.currency)
        rows_by_invoice.setdefault(payment.invoice_id, []).append(row)
    invoices = list(order.invoices.order_by("number"))
    for invoice in invoices:
        invoice.payment_rows = rows_by_invoice.get(invoice.pk, [])
        invoice.total_text = money(invoice.total, invoice.currency)
    credit_notes = list(order.credit_notes.select_related("invoice", "payment"))
    for note in credit_notes:
        note.amount_text = money(-note.amount, note.currency)
    events = list(order.events.order_by("-sequence")[:EVENTS_SHOWN])
    for event in events:
        event.body_text = json.dumps(event.body, indent=2, sort_keys=True)
    return {
        "pause_periods": pauses_of(order),
        "cycles": order_cycles(order),
        "invoices": invoices,
        "loose_payments": rows_by_invoice.get(None, []),
        "credit_notes": credit_notes,
        "timeline": timeline_rows(order),
        "events": events,
        "events_total": order.last_event_sequence,
    }


def timeline_rows(order: Order) -> list:
    """The timeline, oldest first, each entry with who made it in words."""
    entries = list(order.timeline.all())
    for entry in entries:
        entry.who = actor_text(entry.actor_kind, entry.actor_label)
    return entries
