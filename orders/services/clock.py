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
from datetime import datetime, timedelta

from django.db import transaction

from accounts.actors import Actor
from config import clock
from orders.models import Order, OrderStatus
from orders.services import schedule, transitions
from orders.services.changes import Changes
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


def clock_batch(*, batch_size: int = 500, at: datetime | None = None) -> tuple[int, int]:
    """One batch in one transaction: (transitions applied, orders claimed)."""
    at = at or clock.now()
    actor = Actor.clock()
    provider = payment_provider()
    with transaction.atomic():
        orders = list(
            Order.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(next_transition_at__lte=at)
            .order_by("next_transition_at")
            .select_related("buyer")[:batch_size]
        )
        schedule.pauses_load(orders)
        batch = Changes(at)
        applied = 0
        failed = []
        for order in orders:
            one = Changes(at)
            try:
                applied += order_advance(order, one, actor=actor, provider=provider)
            except Exception:  # one broken order must not hold up the others
                log.exception("clock: order %s failed; retrying later", order.pk)
                failed.append(order.pk)  # its half-applied changes are dropped with ``one``
                continue
            batch.merge(one)
        batch.flush()
        if failed:
            Order.objects.filter(pk__in=failed).update(next_transition_at=at + RETRY_AFTER)
    return applied, len(orders)


def order_advance(order: Order, changes: Changes, *, actor: Actor, provider) -> int:
    """Apply each transition of ``order`` due at ``changes.at``, in time order."""
    steps = 0
    at = changes.at
    due = schedule.next_transition(order, at)  # the stored moment may be stale
    while steps < MAX_STEPS_PER_ORDER:
        if steps:  # each transition has just set the next moment
            due = order.next_transition_at
        if due is None or due > at:
            break
        if order.status == OrderStatus.PENDING:
            transitions.start(order, changes, actor=actor)
        elif order.end_date is not None and order.end_date <= due:
            transitions.end(order, changes, actor=actor)
        else:
            transitions.renew(order, changes, actor=actor, provider=provider)
        steps += 1
    if steps == 0:  # the stored moment was stale: store the right one
        transitions.settle(order, changes)
    return steps
