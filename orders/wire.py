"""Orders, invoices, payments and timeline entries in their wire form.

The Wix Pricing Plans v2 shape (contract section 4): REST key names (``id``, ``createdDate``,
``updatedDate``), ISO 8601 UTC timestamps with milliseconds and ``Z``, money as decimal
strings, enums as their names, and the fields the official client's types mark "always
present" emitted even when empty. Absent optional values are left out, never sent as null.

The API responses and the domain events (the outbox) both use these functions, so a webhook
receiver sees exactly what a REST client sees. Rendering an order runs no query when its buyer
(or the buyer's two ids) and its pause periods are loaded (see ``orders.selectors``).

The services render events with it, so it imports no service but the calendar arithmetic of
``orders.services.schedule`` (which imports nothing of ours but the models): the imports run
one way, services -> wire -> schedule.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from config import clock
from config.money import to_wire as money
from orders.models import (
    Invoice,
    Order,
    OrderTimelineEntry,
    Payment,
    PricingModel,
)
from orders.services.schedule import current_of, order_cycles, pauses_of

ZERO_GUID = "00000000-0000-0000-0000-000000000000"


def timestamp(value: datetime | None) -> str | None:
    """``2026-11-23T16:44:45.374Z``: what JavaScript's ``Date.toISOString()`` produces."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _guid(value: Any) -> str | None:
    return None if value is None else str(value)


def _compact(body: dict[str, Any]) -> dict[str, Any]:
    """Drop the keys whose value is None: optional fields are absent, never null."""
    return {key: value for key, value in body.items() if value is not None}


def order_to_wire(
    order: Order, *, full: bool = False, at: datetime | None = None
) -> dict[str, Any]:
    """The Order of contract section 4. ``full`` adds ``formData.submissionData`` (FULL set).

    ``at`` is the moment cycles are computed for (now by default): one moment for the whole
    order, so cycles and currentCycle agree, and one for a whole page of orders.
    """
    is_recurring = order.pricing_model == PricingModel.SUBSCRIPTION
    at = at or clock.now()
    recurrence = recurrence_to_wire(order)
    cycles = order_cycles(order, at)
    current = current_of(order, cycles, at)
    rendered_cycles = [_cycle(c) for c in cycles]
    return _compact(
        {
            "id": str(order.id),
            "planId": str(order.plan_id),
            "subscriptionId": str(order.subscription_id),
            "wixPayOrderId": _guid(order.wix_pay_order_id),
            "buyer": _buyer(order),
            "priceDetails": price_details_to_wire(order, recurrence),
            "pricing": {**recurrence, "prices": list(order.prices or [])},
            "type": order.type,
            "orderMethod": order.order_method or None,
            "status": order.status,
            "autoRenewCanceled": order.auto_renew_canceled if is_recurring else None,
            "cancellation": _cancellation(order),
            "lastPaymentStatus": order.last_payment_status,
            "startDate": timestamp(order.start_date),
            "endDate": timestamp(order.end_date),
            "pausePeriods": [_pause_period(p) for p in pauses_of(order)],
            "freeTrialDays": order.free_trial_days if is_recurring else None,
            "earliestEndDate": timestamp(order.earliest_end_date),
            # the current cycle is the last one: the same dict, rendered once
            "currentCycle": None if current is None else rendered_cycles[-1],
            "cycles": rendered_cycles,
            "planName": order.plan_name,
            "planDescription": order.plan_description or "",
            "planPrice": money(order.plan_price, order.currency),
            "createdDate": timestamp(order.created_date),
            "updatedDate": timestamp(order.updated_date),
            "formData": _form_data(order, full=full),
        }
    )


def _buyer(order: Order) -> dict[str, str]:
    """The buyer's ids: columns of the order's row when it comes from
    ``orders.selectors.orders_for_wire``, else read from the buyer."""
    if hasattr(order, "buyer_member_id"):
        return {"memberId": str(order.buyer_member_id), "contactId": str(order.buyer_contact_id)}
    return {"memberId": str(order.buyer.member_id), "contactId": str(order.buyer.contact_id)}


def recurrence_to_wire(order: Order) -> dict[str, Any]:
    """One of ``subscription``, ``singlePaymentForDuration``, ``singlePaymentUnlimited``."""
    duration = {"count": order.duration_count or 1, "unit": order.duration_unit}
    if order.pricing_model == PricingModel.SUBSCRIPTION:
        return {"subscription": {"cycleDuration": duration, "cycleCount": order.cycle_count}}
    if order.pricing_model == PricingModel.SINGLE_PAYMENT_FOR_DURATION:
        return {"singlePaymentForDuration": duration}
    return {"singlePaymentUnlimited": True}


def price_details_to_wire(order: Order, recurrence: dict[str, Any] | None = None) -> dict[str, Any]:
    """The deprecated ``priceDetails``, still referenced by the client's result types."""
    currency = order.currency
    body: dict[str, Any] = {
        **(recurrence or recurrence_to_wire(order)),
        "subtotal": money(order.subtotal, currency),
        "discount": money(order.discount, currency),
        "total": money(order.total, currency),
        "planPrice": money(order.plan_price, currency),
        "currency": currency,
    }
    if order.tax_name or order.tax_rate:
        body["tax"] = {
            "name": order.tax_name,
            "includedInPrice": bool(order.tax_included),
            "rate": format(Decimal(order.tax_rate).quantize(Decimal("0.01")), "f"),
            "amount": money(order.tax_amount, currency),
        }
    if order.pricing_model == PricingModel.SUBSCRIPTION and order.free_trial_days:
        body["freeTrialDays"] = order.free_trial_days
    if order.coupon_code:
        body["coupon"] = {
            "code": order.coupon_code,
            "amount": money(order.discount, currency),
            "id": str(order.coupon_id) if order.coupon_id else ZERO_GUID,
        }
    return body


def _pause_period(period) -> dict[str, Any]:
    return _compact(
        {
            "status": period.status,
            "pauseDate": timestamp(period.pause_date),
            "resumeDate": timestamp(period.resume_date),
        }
    )


def _cancellation(order: Order) -> dict[str, Any] | None:
    """Present once a cancellation was requested (immediate, or scheduled for the cycle end)."""
    if not order.cancellation_cause:
        return None
    return _compact(
        {
            "requestedDate": timestamp(order.cancellation_requested_date),
            "cause": order.cancellation_cause,
            "effectiveAt": order.cancellation_effective_at or "UNDEFINED",
        }
    )


def _cycle(cycle) -> dict[str, Any]:
    return _compact(
        {
            "index": cycle.index,
            "startedDate": timestamp(cycle.started_date),
            "endedDate": timestamp(cycle.ended_date),
        }
    )


def _form_data(order: Order, *, full: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "formId": _guid(order.form_id),
        "submissionId": _guid(order.submission_id),
    }
    if full:
        body["submissionData"] = order.submission_data or {}
    return body


def invoice_to_wire(invoice: Invoice) -> dict[str, Any]:
    """An invoice with its lines (prefetch ``lines`` to render many without extra queries)."""
    currency = invoice.currency
    return _compact(
        {
            "id": str(invoice.id),
            "number": invoice.number,
            "orderId": str(invoice.order_id),
            "status": invoice.status,
            "cycleIndex": invoice.cycle_index,
            "currency": currency,
            "subtotal": money(invoice.subtotal, currency),
            "discount": money(invoice.discount, currency),
            "tax": {
                "name": invoice.tax_name,
                "rate": format(Decimal(invoice.tax_rate).quantize(Decimal("0.01")), "f"),
                "amount": money(invoice.tax_amount, currency),
            },
            "total": money(invoice.total, currency),
            "issuedDate": timestamp(invoice.issued_date),
            "paidDate": timestamp(invoice.paid_date),
            "lines": [
                {
                    "position": line.position,
                    "kind": line.kind,
                    "description": line.description,
                    "quantity": line.quantity,
                    "unitPrice": money(line.unit_price, currency),
                    "amount": money(line.amount, currency),
                }
                for line in invoice.lines.all()
            ],
        }
    )


def credit_note_to_wire(note) -> dict[str, Any]:
    """A credit note: what was given back of a payment, with its lines (negative amounts)."""
    return {
        "id": str(note.id),
        "number": note.label,
        "orderId": str(note.order_id),
        "invoiceId": str(note.invoice_id),
        "paymentId": str(note.payment_id),
        "amount": money(note.amount, note.currency),
        "currency": note.currency,
        "reason": note.reason,
        # Refunded money only once SUCCEEDED; FAILED: declined, to be retried.
        "refundStatus": note.refund_status,
        "refundFailureReason": note.refund_failure_reason,
        "refundTries": note.refund_tries,
        "lines": [
            {
                "position": line.position,
                "description": line.description,
                "amount": money(line.amount, note.currency),
            }
            for line in note.lines.all()
        ],
        "createdDate": timestamp(note.created_date),
    }


def payment_to_wire(payment: Payment) -> dict[str, Any]:
    """A payment; receipts attach to its ``transactionId``."""
    return _compact(
        {
            "id": str(payment.id),
            "transactionId": payment.transaction_id,
            "orderId": str(payment.order_id),
            "invoiceId": _guid(payment.invoice_id),
            "amount": money(payment.amount, payment.currency),
            "currency": payment.currency,
            "status": payment.status,
            "method": payment.method,
            "failureReason": payment.failure_reason or None,
            "createdDate": timestamp(payment.created_date),
        }
    )


def timeline_to_wire(entry: OrderTimelineEntry) -> dict[str, Any]:
    """One line of an order's history: who did what, and the status before and after."""
    return _compact(
        {
            "id": entry.pk,
            "date": timestamp(entry.at),
            "actor": _compact(
                {
                    "kind": entry.actor_kind,
                    "id": entry.actor_id or None,
                    "label": entry.actor_label or None,
                }
            ),
            "action": entry.action,
            "statusBefore": entry.status_before or None,
            "statusAfter": entry.status_after or None,
            "reason": entry.reason or None,
            "data": entry.data or {},
        }
    )
