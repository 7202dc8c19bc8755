"""Each change of an order's state, applied in memory to a locked order.

One function per transition; the public services (lifecycle, checkout, payments), the clock
and the action preview all call these, so a rule lives in exactly one place. Each one sets
the fields, the next clock moment, the timeline entry and the events, collecting the rows in
``Changes``; the caller guards first (``orders.services.rules``) and writes after.
Paired transitions name their inverse: pause/resume, and start/end.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

from accounts.actors import Actor, ActorKind
from orders.models import (
    CancellationCause,
    CancellationEffectiveAt,
    Invoice,
    Order,
    OrderStatus,
    OrderType,
    PausePeriod,
    PausePeriodStatus,
    Payment,
    PaymentStatus,
    PricingModel,
)
from orders.services import schedule
from orders.services.changes import Changes
from orders.services.invoicing import invoice_issue, invoice_settle, payment_record

DATE_FIELDS = ("start_date", "planned_end_date", "end_date", "earliest_end_date")


def dates_set(order: Order, start: datetime) -> None:
    """Start at ``start``; the end follows from the plan (plus any pauses and postponement)."""
    order.start_date = start
    order.planned_end_date = schedule.planned_end(order)
    if order.planned_end_date is None:
        order.end_date = order.earliest_end_date = None
        return
    order.earliest_end_date = order.planned_end_date + order.paused_total
    order.end_date = order.earliest_end_date + order.postponed_total


def settle(order: Order, changes: Changes, *fields: str) -> None:
    """Set the next clock moment and note the changed fields."""
    order.next_transition_at = schedule.next_transition(order, changes.at)
    changes.touch(order, *fields)


def started_slugs(order: Order) -> list[str]:
    """Events of reaching the start: an offline order's first cycle is not announced."""
    slugs = ["started"]
    if order.type != OrderType.OFFLINE:
        slugs.append("cycle_started")
    return slugs


def _cycle_extra(order: Order) -> dict[str, dict]:
    return {"cycle_started": {"cycleNumber": order.current_cycle_index}}


def start(order: Order, changes: Changes, *, actor: Actor) -> None:
    """PENDING -> ACTIVE at the start date (inverse: ``end``)."""
    before = order.status
    order.status = OrderStatus.ACTIVE
    order.current_cycle_index = schedule.first_index(order)
    settle(order, changes, "status", "current_cycle_index")
    changes.log(order, actor=actor, action="started", before=before)
    changes.emit(order, "updated", *started_slugs(order), extra=_cycle_extra(order))


def status_on_payment(order: Order, at: datetime) -> str:
    return OrderStatus.PENDING if order.start_date > at else OrderStatus.ACTIVE


def purchase(order: Order, changes: Changes, *, actor: Actor, invoice: Invoice | None) -> None:
    """DRAFT -> PENDING/ACTIVE once the first invoice is paid (a late payment moves the start)."""
    before = order.status
    if order.start_date < changes.at:
        dates_set(order, changes.at)
    order.status = status_on_payment(order, changes.at)
    trial = invoice is not None and invoice.cycle_index == 0
    order.last_payment_status = PaymentStatus.PENDING if trial else PaymentStatus.PAID
    order.wix_pay_order_id = order.wix_pay_order_id or uuid.uuid4()
    slugs = ["updated", "purchased"]
    if order.status == OrderStatus.ACTIVE:
        order.current_cycle_index = schedule.first_index(order)
        slugs += started_slugs(order)
    settle(
        order,
        changes,
        "status",
        "last_payment_status",
        "wix_pay_order_id",
        "current_cycle_index",
        *DATE_FIELDS,
    )
    changes.log(
        order,
        actor=actor,
        action="paid",
        before=before,
        data={"invoiceId": str(invoice.pk)} if invoice else None,
    )
    changes.emit(order, *slugs, extra=_cycle_extra(order))


def payment_failed(order: Order, changes: Changes, *, actor: Actor, reason: str) -> None:
    """A charge by hand was declined: a draft waits for another payment, and so does a past-due
    order (its retries go on); any other order is canceled for payment failure."""
    order.last_payment_status = PaymentStatus.FAILED
    if order.status == OrderStatus.DRAFT or order.payment_retry_at is not None:
        settle(order, changes, "last_payment_status")
        changes.log(order, actor=actor, action="payment_failed", before=order.status, reason=reason)
        changes.emit(order, "updated")
        return
    cancel_now(order, changes, actor=actor, cause=CancellationCause.PAYMENT_FAILURE, reason=reason)


def renewal_declined(
    order: Order, changes: Changes, *, actor: Actor, invoice: Invoice, tries: int, reason: str
) -> None:
    """Try ``tries`` at charging a renewal was declined (dunning). The order stays ACTIVE and
    past due (``lastPaymentStatus`` FAILED, its invoice open) and is tried again on the days
    of ``TALLY_PAYMENT_RETRY_DAYS`` after the renewal; after the last try it is canceled for
    payment failure, then."""
    days = schedule.payment_retry_days()
    order.last_payment_status = PaymentStatus.FAILED
    if tries > len(days):
        order.payment_retry_at = None
        cancel_now(
            order, changes, actor=actor, cause=CancellationCause.PAYMENT_FAILURE, reason=reason
        )
        return
    order.payment_retry_at = invoice.issued_date + timedelta(days=days[tries - 1])
    settle(order, changes, "last_payment_status", "payment_retry_at")
    changes.log(
        order,
        actor=actor,
        action="payment_failed",
        before=order.status,
        reason=reason,
        data={
            "invoiceId": str(invoice.pk),
            "try": tries,
            "nextRetryDate": order.payment_retry_at.isoformat(),
        },
    )
    changes.emit(order, "updated")


def renew(
    order: Order, changes: Changes, *, actor: Actor, invoice: Invoice | None = None
) -> Invoice | None:
    """The next cycle is due: bill it. Offline, it begins unpaid; online, the invoice is
    returned to be charged and the cycle begins once the provider has answered
    (``renewal_charged``). ``invoice``: the cycle's invoice already issued by an earlier run."""
    cycle = (order.current_cycle_index or 0) + 1
    if order.plan_price > 0:
        if invoice is None:
            invoice = invoice_issue(changes, order, cycle_index=cycle)
        if invoice.total == 0:
            invoice_settle(changes, invoice, method=None, new=invoice._state.adding)
        elif order.type == OrderType.OFFLINE:
            order.last_payment_status = PaymentStatus.UNPAID
        else:
            return invoice
    cycle_begin(order, changes, actor=actor, cycle=cycle)
    return None


def renewal_charged(
    order: Order,
    changes: Changes,
    *,
    actor: Actor,
    invoice: Invoice,
    outcome: str,
    reason: str,
    method: str,
    tries: int = 1,
) -> Payment:
    """The provider answered for a renewal's invoice: the cycle begins, or the charge failed.

    An order changed meanwhile (canceled, or its cycle begun by someone else) keeps its state;
    the answer is still recorded, since the money moved or did not."""
    cycle = invoice.cycle_index
    due = (
        order.status == OrderStatus.ACTIVE
        and cycle is not None
        and (order.current_cycle_index or 0) + 1 == cycle
    )
    if outcome != Payment.Status.SUCCEEDED:
        payment = payment_record(
            changes, invoice, status=Payment.Status.FAILED, method=method, failure_reason=reason
        )
        if due:
            renewal_declined(
                order, changes, actor=actor, invoice=invoice, tries=tries, reason=reason
            )
        return payment
    invoice_settle(changes, invoice, method=method, new=False)
    payment = changes.payments[-1]
    if due and cycle is not None:
        order.last_payment_status = PaymentStatus.PAID
        cycle_begin(order, changes, actor=actor, cycle=cycle)
    return payment


def cycle_begin(order: Order, changes: Changes, *, actor: Actor, cycle: int) -> None:
    """Cycle ``cycle`` begins (paid, or billed offline); a past-due order is past due no more.
    Its dates follow from the anchor, so a late payment does not move later cycles."""
    before = order.status
    order.current_cycle_index = cycle
    order.payment_retry_at = None
    settle(order, changes, "current_cycle_index", "last_payment_status", "payment_retry_at")
    changes.log(order, actor=actor, action="cycle_started", before=before, data={"cycle": cycle})
    changes.emit(order, "updated", "cycle_started", extra=_cycle_extra(order))


def end(order: Order, changes: Changes, *, actor: Actor) -> None:
    """The end date is reached: ENDED, or CANCELED when a cancellation was scheduled."""
    before = order.status
    scheduled = bool(order.cancellation_cause)
    order.status = OrderStatus.CANCELED if scheduled else OrderStatus.ENDED
    settle(order, changes, "status")
    changes.log(order, actor=actor, action="canceled" if scheduled else "ended", before=before)
    changes.emit(order, "updated", *(["canceled", "ended"] if scheduled else ["ended"]))


def _open_pause(order: Order) -> PausePeriod | None:
    return next((p for p in schedule.pauses_of(order) if p.resume_date is None), None)


def pause(order: Order, changes: Changes, *, actor: Actor) -> None:
    """ACTIVE -> PAUSED: nothing happens to the order until it is resumed (inverse: resume)."""
    before = order.status
    period = PausePeriod(order=order, status=PausePeriodStatus.ACTIVE, pause_date=changes.at)
    changes.pauses_opened.append(period)
    schedule.pauses_set(order, [*schedule.pauses_of(order), period])
    order.status = OrderStatus.PAUSED
    order.times_paused += 1
    settle(order, changes, "status", "times_paused")
    changes.log(order, actor=actor, action="paused", before=before)
    changes.emit(order, "updated", "paused")


def _close_pause(order: Order, changes: Changes) -> timedelta:
    period = _open_pause(order)
    if period is None:
        return timedelta()
    period.status = PausePeriodStatus.ENDED
    period.resume_date = changes.at
    if period.pk is not None:
        changes.pauses_closed.append(period)
    paused = changes.at - period.pause_date
    order.paused_total += paused
    return paused


def resume(order: Order, changes: Changes, *, actor: Actor) -> None:
    """PAUSED -> ACTIVE; the end dates move later by the time paused (inverse: pause)."""
    before = order.status
    paused = _close_pause(order, changes)
    if order.end_date is not None:
        order.end_date += paused
    if order.earliest_end_date is not None:
        order.earliest_end_date += paused
    order.status = OrderStatus.ACTIVE
    settle(order, changes, "status", "paused_total", "end_date", "earliest_end_date")
    changes.log(
        order,
        actor=actor,
        action="resumed",
        before=before,
        data={"pausedSeconds": int(paused.total_seconds())},
    )
    changes.emit(order, "updated", "resumed")


def postpone(order: Order, changes: Changes, *, actor: Actor, end_date: datetime) -> None:
    """A later end date; payments are not affected."""
    before = order.status
    previous = order.end_date
    if previous is None:  # refused by the guard: an order that runs until canceled
        raise ValueError("an order without an end date cannot be postponed")
    order.postponed_total += end_date - previous
    order.end_date = end_date
    settle(order, changes, "end_date", "postponed_total")
    changes.log(
        order,
        actor=actor,
        action="end_date_postponed",
        before=before,
        data={"from": previous.isoformat(), "to": end_date.isoformat()},
    )
    changes.emit(order, "updated", "end_date_postponed")


def change_start_date(
    order: Order, changes: Changes, *, actor: Actor, start_date: datetime
) -> None:
    """A draft's new start date; its end dates follow (inverse: itself, with the old date)."""
    before = order.status
    previous = order.start_date
    dates_set(order, start_date)
    settle(order, changes, *DATE_FIELDS)
    changes.log(
        order,
        actor=actor,
        action="start_date_changed",
        before=before,
        data={"from": previous.isoformat(), "to": start_date.isoformat()},
    )
    changes.emit(order, "updated", "start_date_changed")


def cause_of(actor: Actor) -> str:
    if actor.kind == ActorKind.MEMBER:
        return CancellationCause.MEMBER_ACTION
    return CancellationCause.OWNER_ACTION


def _cancellation(order: Order, changes: Changes, cause: str, effective_at: str) -> None:
    order.cancellation_cause = cause
    order.cancellation_effective_at = effective_at
    order.cancellation_requested_date = changes.at
    if order.pricing_model == PricingModel.SUBSCRIPTION:
        order.auto_renew_canceled = True


CANCEL_FIELDS = (
    "cancellation_cause",
    "cancellation_effective_at",
    "cancellation_requested_date",
    "auto_renew_canceled",
)


def cancel_now(
    order: Order, changes: Changes, *, actor: Actor, cause: str = "", reason: str = ""
) -> None:
    """Canceled at once: the plan is unusable from now (the cause follows from the actor)."""
    before = order.status
    cause = cause or cause_of(actor)
    _close_pause(order, changes)
    _cancellation(order, changes, cause, CancellationEffectiveAt.IMMEDIATELY)
    order.status = OrderStatus.CANCELED
    order.end_date = changes.at
    settle(
        order, changes, "status", "end_date", "paused_total", "last_payment_status", *CANCEL_FIELDS
    )
    changes.log(
        order,
        actor=actor,
        action="canceled",
        before=before,
        reason=reason,
        data={"cause": cause, "effectiveAt": CancellationEffectiveAt.IMMEDIATELY},
    )
    had_started = before in (OrderStatus.ACTIVE, OrderStatus.PAUSED)
    changes.emit(order, "updated", "canceled", *(["ended"] if had_started else []))


def refunded(order: Order, changes: Changes, *, actor: Actor, credit_note, in_full: bool) -> None:
    """Money was given back (a credit note); the order's last payment refunded in full makes
    its ``lastPaymentStatus`` REFUNDED. The order's status does not change."""
    if in_full:
        order.last_payment_status = PaymentStatus.REFUNDED
    settle(order, changes, "last_payment_status")
    changes.log(
        order,
        actor=actor,
        action="refunded",
        before=order.status,
        reason=credit_note.get_reason_display(),
        data={
            "creditNote": credit_note.label,
            "paymentId": str(credit_note.payment_id),
            "amount": str(credit_note.amount),
        },
    )
    changes.emit(order, "updated")


def refund_failed(order: Order, changes: Changes, *, actor: Actor, credit_note) -> None:
    """The provider declined a credit note's refund: nothing was given back, so the order and
    its payment stay as they were; the entry tells the owner, who may retry it."""
    changes.log(
        order,
        actor=actor,
        action="refund_failed",
        before=order.status,
        reason=credit_note.refund_failure_reason,
        data={
            "creditNote": credit_note.label,
            "paymentId": str(credit_note.payment_id),
            "amount": str(credit_note.amount),
            "try": credit_note.refund_tries,
        },
    )


DRAFT_EXPIRED = "The order was not paid in time."


def draft_expire(order: Order, changes: Changes, *, actor: Actor) -> None:
    """An online draft unpaid for ``TALLY_DRAFT_TTL``: canceled as a failed payment setup.
    Its invoice is voided and its coupon use given back by ``drafts.drafts_release``, which
    the caller runs with the writes (its purchase-limit place frees itself: a canceled order
    is not held)."""
    cancel_now(
        order,
        changes,
        actor=actor,
        cause=CancellationCause.PAYMENT_SETUP_FAILURE,
        reason=DRAFT_EXPIRED,
    )


def cancel_at_cycle_end(order: Order, changes: Changes, *, actor: Actor, cause: str = "") -> None:
    """Keep the plan until the next payment date (a trial's end: never billed), then cancel."""
    before = order.status
    cause = cause or cause_of(actor)
    renewal = schedule.next_renewal(order, schedule.pauses_of(order), changes.at)
    _cancellation(order, changes, cause, CancellationEffectiveAt.NEXT_PAYMENT_DATE)
    if renewal is not None:
        order.end_date = renewal
    settle(order, changes, "end_date", *CANCEL_FIELDS)
    changes.log(
        order,
        actor=actor,
        action="cancellation_scheduled",
        before=before,
        data={"cause": cause, "effectiveDate": order.end_date and order.end_date.isoformat()},
    )
    changes.emit(order, "updated", "auto_renew_canceled")


def cancellation_undo(order: Order, changes: Changes, *, actor: Actor) -> None:
    """The plan renews again and keeps its own end date (inverse: ``cancel_at_cycle_end``)."""
    before = order.status
    canceled_end = order.end_date
    order.cancellation_cause = ""
    order.cancellation_effective_at = ""
    order.cancellation_requested_date = None
    order.auto_renew_canceled = False
    if order.earliest_end_date is None:
        order.end_date = None
    else:
        order.end_date = order.earliest_end_date + order.postponed_total
    settle(order, changes, "end_date", *CANCEL_FIELDS)
    changes.log(
        order,
        actor=actor,
        action="cancellation_undone",
        before=before,
        data={"canceledEndDate": canceled_end.isoformat() if canceled_end else None},
    )
    changes.emit(order, "updated")


def end_now(order: Order, changes: Changes, *, actor: Actor, reason: str = "") -> None:
    """Ended at once without a cancellation (e.g. replaced by an upgrade)."""
    before = order.status
    _close_pause(order, changes)
    order.status = OrderStatus.ENDED
    order.end_date = changes.at
    settle(order, changes, "status", "end_date", "paused_total")
    changes.log(order, actor=actor, action="ended", before=before, reason=reason)
    changes.emit(order, "updated", "ended")


def mark_paid(
    order: Order, changes: Changes, *, actor: Actor, invoices: Iterable[Invoice] | None = None
) -> None:
    """An offline order's open invoices are paid (money received outside Tally).

    Without ``invoices`` they are read from the database, except in a dry run (a preview shows
    the order's outcome, which does not depend on them).
    """
    before = order.status
    if invoices is None:
        invoices = () if changes.dry_run else open_invoices(order)
    for invoice in invoices:
        invoice_settle(changes, invoice, method=Payment.Method.OFFLINE, new=False)
    order.last_payment_status = PaymentStatus.PAID
    settle(order, changes, "last_payment_status")
    changes.log(order, actor=actor, action="marked_as_paid", before=before)
    changes.emit(order, "updated", "marked_as_paid")


def open_invoices(order: Order) -> list[Invoice]:
    """The order's invoices awaiting payment, oldest first, bound to this (locked) order."""
    invoices = list(order.invoices.filter(status=Invoice.Status.ISSUED).order_by("number"))
    for invoice in invoices:
        invoice.order = order
    return invoices


def paid(order: Order, changes: Changes, *, actor: Actor, invoice: Invoice) -> None:
    """An invoice was paid: a draft is purchased; a started order's payment status is PAID."""
    if order.status == OrderStatus.DRAFT:
        purchase(order, changes, actor=actor, invoice=invoice)
        return
    order.last_payment_status = PaymentStatus.PAID
    settle(order, changes, "last_payment_status")
    changes.log(
        order, actor=actor, action="paid", before=order.status, data={"invoiceId": str(invoice.pk)}
    )
    if order.payment_retry_at is not None and invoice.cycle_index == (
        (order.current_cycle_index or 0) + 1
    ):  # the past-due renewal paid by hand: its cycle begins
        cycle_begin(order, changes, actor=actor, cycle=invoice.cycle_index)
        return
    changes.emit(order, "updated")
