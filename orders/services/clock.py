"""The clock: applies what time alone changes (start, new cycle, trial end, scheduled
cancellation, end) to the orders that are due.

Due orders are claimed in batches, oldest moment first, with ``SELECT ... FOR UPDATE SKIP
LOCKED`` on PostgreSQL: any number of workers share the work without waiting for each other,
and a row is changed by one of them only. (SQLite has no row locks: its IMMEDIATE transactions
let one writer at a time in, which gives the same guarantee.) Each order is brought up to now
through the same transitions the services use, and its next moment is set past now, so a
second run, at once or later, finds nothing to do and emits nothing. Only due rows are read
(a partial index on ``next_transition_at``), so the cost follows the due orders, not the table.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from accounts.actors import Actor
from config import clock
from orders.models import Invoice, Order, OrderStatus, OrderType, PaymentAttempt
from orders.services import schedule, transitions
from orders.services.attempts import (
    attempt_new,
    attempt_resolve,
    attempts_answer,
    attempts_insert,
    attempts_save,
    attempts_still_pending,
    renewal_key,
)
from orders.services.changes import Changes
from orders.services.drafts import drafts_release
from orders.services.payments import payment_provider

log = logging.getLogger(__name__)

# A daily plan far behind catches up in one run; the cap only stops a runaway loop.
MAX_STEPS_PER_ORDER = 5000
# An order whose transition raised waits this long before the clock tries it again.
RETRY_AFTER = timedelta(minutes=5)


def clock_run(*, batch_size: int = 500) -> int:
    """Apply every transition due now; return how many were applied."""
    total = 0
    while True:
        applied, claimed = clock_batch(batch_size=batch_size)
        total += applied
        if claimed < batch_size:
            return total


@dataclass
class Charge:
    """A renewal waiting for the provider's answer: its attempt, and whether an earlier run
    left it unresolved (then the provider is asked before anything is charged)."""

    attempt: PaymentAttempt
    found: bool = False
    tries: int = 1  # this attempt's try at the invoice (dunning retries count on)


def clock_batch(*, batch_size: int = 500, at: datetime | None = None) -> tuple[int, int]:
    """One batch: (transitions applied, orders claimed).

    The due orders are claimed and advanced in one transaction, which also commits an attempt
    for each online renewal to charge; the provider is called after that commit, and its
    answers are recorded (and the orders advanced further) in another transaction; repeat
    while the answers make more renewals due (an order far behind)."""
    at = at or clock.now()
    actor = Actor.clock()
    provider = payment_provider()
    with transaction.atomic():
        orders = list(
            Order.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_transition_at__lte=at)
            .filter(~Exists(_in_flight(at)))
            .order_by("next_transition_at")
            .select_related("buyer")[:batch_size]
        )
        applied, charges = _advance(orders, at, actor)
    while charges:
        fresh = [c.attempt for c in charges if not c.found]
        found = [c.attempt for c in charges if c.found]
        answers = attempts_answer(provider, fresh, found)
        with transaction.atomic():
            done, charges = _record(charges, answers, at, actor, provider.method)
        applied += done
    return applied, len(orders)


def _in_flight(at: datetime):
    """Attempts of the claimed order awaiting the provider's answer, made less than
    ``RETRY_AFTER`` ago: such an order is not due (its answer is about to be recorded). An
    older one was left by a process that died: then the order is due, and the provider is
    asked about the attempt's key. (The attempt, committed anyway, marks the order in flight,
    so the order itself is written once per renewal, when the answer is recorded.)"""
    return PaymentAttempt.objects.filter(
        order_id=OuterRef("pk"),
        status=PaymentAttempt.Status.PENDING,
        created_date__gt=at - RETRY_AFTER,
    )


def _advance(orders: list[Order], at: datetime, actor: Actor) -> tuple[int, list[Charge]]:
    """Advance ``orders`` (locked) as far as they go without a provider's answer; write it."""
    schedule.pauses_load(orders)
    open_invoices = _open_renewals(orders)
    batch = Changes(at)
    applied = 0
    failed = []
    charges: list[Charge] = []
    expired = []
    for order in orders:
        one = Changes(at)
        mine: list[Charge] = []
        was_draft = order.status == OrderStatus.DRAFT
        try:
            applied += order_advance(order, one, actor=actor, charges=mine, open=open_invoices)
        except Exception:  # one broken order must not hold up the others
            log.exception("clock: order %s failed; retrying later", order.pk)
            failed.append(order.pk)  # its half-applied changes are dropped with ``one``
            continue
        batch.merge(one)
        charges += mine
        if was_draft and order.status == OrderStatus.CANCELED:
            expired.append(order)
    batch.flush()
    drafts_release(expired)
    attempts_insert([c.attempt for c in charges if not c.found])
    if failed:
        Order.objects.filter(pk__in=failed).update(next_transition_at=at + RETRY_AFTER)
    return applied, charges


def _record(
    charges: list[Charge], answers: dict, at: datetime, actor: Actor, method: str
) -> tuple[int, list[Charge]]:
    """Record the provider's answers on the locked orders, then advance them further."""
    orders = _relocked({c.attempt.order_id: c.attempt.order for c in charges})
    pending = attempts_still_pending(c.attempt for c in charges)
    answers_written = Changes(at)
    resolved = []
    recorded = []
    applied = 0
    for charge in charges:
        attempt = charge.attempt
        order = orders.get(attempt.order_id)
        if order is None or attempt.pk not in pending:
            continue  # recorded meanwhile by another run
        outcome, reason = answers[attempt.idempotency_key]
        invoice = attempt.invoice
        invoice.order = order
        payment = transitions.renewal_charged(
            order,
            answers_written,
            actor=actor,
            invoice=invoice,
            outcome=outcome,
            reason=reason,
            method=method,
            tries=charge.tries,
        )
        attempt_resolve(attempt, payment, at)
        resolved.append(attempt)
        recorded.append(order)
        applied += 1
    answers_written.flush()
    attempts_save(resolved)
    # An order far behind is due again at once: its next steps, up to its next charge.
    behind = [o for o in recorded if o.next_transition_at and o.next_transition_at <= at]
    done, more = _advance(behind, at, actor) if behind else (0, [])
    return applied + done, more


def _relocked(known: dict) -> dict:
    """Lock the orders again; keep the copies ``known`` from the first transaction unless the
    order changed since (every change sets ``updated_date``), and read those afresh."""
    stamps = dict(
        Order.objects.select_for_update(of=("self",))
        .filter(pk__in=sorted(known))
        .order_by("pk")
        .values_list("pk", "updated_date")
    )
    orders = {pk: known[pk] for pk, stamp in stamps.items() if known[pk].updated_date == stamp}
    changed = [pk for pk in stamps if pk not in orders]
    if changed:
        fresh = list(Order.objects.filter(pk__in=changed).select_related("buyer"))
        schedule.pauses_load(fresh)
        orders.update((o.pk, o) for o in fresh)
    return orders


def _open_renewals(orders: list[Order]) -> dict:
    """Renewal invoices an earlier run issued but did not see paid, with their attempts, by
    order id: a rerun charges the same invoice (under the same key) instead of a new one.
    (Only rows of these orders are read; usually there are none.)"""
    ids = [o.pk for o in orders if o.type == OrderType.ONLINE and o.current_cycle_index is not None]
    if not ids:
        return {}
    invoices = {
        i.pk: i
        for i in Invoice.objects.filter(
            order_id__in=ids, status=Invoice.Status.ISSUED, cycle_index__gt=0
        )
    }
    if not invoices:
        return {}
    open_: dict = {i.order_id: OpenRenewal(i) for i in invoices.values()}
    for attempt in PaymentAttempt.objects.filter(invoice_id__in=list(invoices)):
        renewal = open_[attempt.order_id]
        renewal.tries += 1
        if attempt.status == PaymentAttempt.Status.PENDING:
            attempt.invoice = renewal.invoice
            renewal.pending = attempt
    return open_


@dataclass
class OpenRenewal:
    invoice: Invoice
    tries: int = 0
    pending: PaymentAttempt | None = None


def order_advance(
    order: Order, changes: Changes, *, actor: Actor, charges: list[Charge], open: dict
) -> int:
    """Apply each transition of ``order`` due at ``changes.at``, in time order, up to an online
    renewal: its charge is added to ``charges`` and the order waits for the answer."""
    steps = 0
    at = changes.at
    due = schedule.next_transition(order, at)  # the stored moment may be stale
    while steps < MAX_STEPS_PER_ORDER:
        if steps:  # each transition has just set the next moment
            due = order.next_transition_at
        if due is None or due > at:
            break
        if order.status == OrderStatus.DRAFT:
            transitions.draft_expire(order, changes, actor=actor)
        elif order.status == OrderStatus.PENDING:
            transitions.start(order, changes, actor=actor)
        elif order.end_date is not None and order.end_date <= due:
            transitions.end(order, changes, actor=actor)
        else:
            renewal = open.pop(order.pk, None)
            if renewal is not None and renewal.invoice.cycle_index != (
                (order.current_cycle_index or 0) + 1
            ):
                renewal = None
            invoice = transitions.renew(
                order, changes, actor=actor, invoice=renewal.invoice if renewal else None
            )
            if invoice is not None:
                # The order waits for the answer; its committed attempt keeps the clock away
                # (``_in_flight``) until then, or until ``RETRY_AFTER`` if the process dies.
                charges.append(_charge(order, invoice, renewal, at))
                return steps
        steps += 1
    if steps == 0:  # the stored moment was stale: store the right one
        transitions.settle(order, changes)
    return steps


def _charge(order: Order, invoice: Invoice, renewal: OpenRenewal | None, at: datetime) -> Charge:
    if renewal is not None and renewal.pending is not None:
        renewal.pending.order = order
        return Charge(renewal.pending, found=True, tries=renewal.tries)
    tries = (renewal.tries if renewal else 0) + 1
    key = renewal_key(invoice, tries)
    return Charge(attempt_new(invoice, order, key=key, at=at), tries=tries)
