"""Emails to members, sent by the worker after the change that causes them has committed.

Two sources, both read by ``member_emails_job`` on each worker tick:

* the outbox (``OrderEvent`` rows), through the email job's own marker: each event has an
  ``EmailMark`` until it is read, written with the event in its transaction, so an event
  whose transaction commits late is read when it commits, and one rolled back never is.
  purchased -> order confirmation, auto-renew canceled -> cancellation scheduled, ended ->
  order ended, and for "updated" and "canceled" events the timeline entry of the same change
  tells a cancellation undone or a payment failure from the rest;
* due dates: 7 days before each charge a renewal reminder, 7 days before a trial ends a
  trial-ending notice (checked once a minute).

At most once per order, kind, cycle (and dunning try): each send first inserts its
``SentEmail`` claim, in the same transaction as the send, under a unique constraint, and that
transaction removes the event's mark, held with ``SKIP LOCKED`` so a second worker passes it
by. Two workers, or one restarted, cannot both send it; a send that fails rolls back its claim
and keeps the mark, so it is tried again next tick. A kind the owner turned off is claimed as
skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse

from config import clock
from members.models import EmailCursor, EmailKind, EmailMark, EmailSetting, SentEmail
from members.selectors import next_payment
from orders.models import (
    CancellationCause,
    Invoice,
    Order,
    OrderEvent,
    OrderStatus,
    OrderTimelineEntry,
    OrderType,
    PricingModel,
)
from orders.services import schedule

log = logging.getLogger("tally.members.emails")

BATCH = 500
REMINDER_DAYS = timedelta(days=7)
REMINDER_EVERY = timedelta(minutes=1)
SLUGS = ("purchased", "auto_renew_canceled", "ended", "updated", "canceled")
DIRECT = {
    "purchased": EmailKind.ORDER_CONFIRMATION,
    "auto_renew_canceled": EmailKind.CANCELLATION_SCHEDULED,
    "ended": EmailKind.ORDER_ENDED,
}
# Timeline actions that make an "updated" or "canceled" event worth an email.
TIMELINE_ACTIONS = ("cancellation_undone", "payment_failed", "canceled")


@dataclass(frozen=True)
class Due:
    order: Order
    kind: str
    cycle: int
    event_id: Any = None
    attempt: int = 0  # the dunning try a "payment failed" tells of; 0 otherwise


def member_emails_job() -> int:
    """One worker tick: the emails the outbox and the due dates call for. Returns how many
    were sent (or skipped because their kind is off)."""
    done = _from_outbox()
    if _reminders_due(_cursor()):
        done += sum(_deliver(due) for due in _reminders())
    return done


# -- the outbox ---------------------------------------------------------------------------
def _cursor() -> EmailCursor:
    cursor, _ = EmailCursor.objects.get_or_create(pk=1)
    return cursor


def _from_outbox() -> int:
    """Read the marked events batch after batch, until a batch sends an email or reads no
    mark (none left, or all held by another worker), so that 0 means the outbox has nothing
    more for this job now."""
    while True:
        sent, read = _outbox_batch()
        if sent or not read:
            return sent


def _outbox_batch() -> tuple[int, int]:
    """The next marked events (in the order they were written): send each one's email, and
    unmark at once those that call for none. Returns (emails sent, marks removed)."""
    marks = dict(EmailMark.objects.order_by("id").values_list("event_id", "id")[:BATCH])
    if not marks:
        return 0, 0
    fields = ("id", "order_id", "slug", "created_date")
    events = list(OrderEvent.objects.filter(pk__in=marks, slug__in=SLUGS).only(*fields))
    dues: dict[Any, list[Due]] = {}
    for due in _dues_of(events):
        dues.setdefault(due.event_id, []).append(due)
    idle = [mark for event_id, mark in marks.items() if event_id not in dues]
    EmailMark.objects.filter(pk__in=idle).delete()
    sent = read = 0
    for event_id, found in dues.items():
        outcome = _deliver_event(marks[event_id], found)
        if outcome is not None:
            sent, read = sent + outcome, read + 1
    return sent, len(idle) + read


def _deliver_event(mark_id: int, dues: list[Due]) -> int | None:
    """Send an event's emails and remove its mark in one transaction: how many were sent
    (0 when claimed before); None when another worker holds or removed the mark, or the send
    failed (its claim and the mark roll back: tried again next tick)."""
    try:
        with transaction.atomic():
            mark = EmailMark.objects.select_for_update(skip_locked=True).filter(pk=mark_id)
            if not mark.exists():
                return None
            sent = sum(_claim_and_send(due) for due in dues)
            mark.delete()
    except Exception:
        log.exception("member emails of event %s not sent", dues[0].event_id)
        return None
    return sent


def _dues_of(events: list[OrderEvent]) -> list[Due]:
    orders = Order.objects.select_related("buyer").in_bulk({e.order_id for e in events})
    actions = _timeline_actions(events)
    dues = []
    for event in events:
        order = orders.get(event.order_id)
        if order is None:
            continue
        direct = DIRECT.get(event.slug)
        kind, attempt = (
            (direct, 0) if direct else actions.get((event.order_id, event.created_date), ("", 0))
        )
        if kind:
            dues.append(Due(order, kind, _cycle_of(order, kind), event.id, attempt))
    return dues


def _timeline_actions(events: list[OrderEvent]) -> dict[tuple, tuple[str, int]]:
    """(order id, moment) -> (email kind, dunning try), from the timeline entries of the same
    changes. Each automatic retry of a renewal is its own email; a failure without a try
    number (a member paying by hand) is told once per cycle."""
    wanted = [e for e in events if e.slug in ("updated", "canceled")]
    if not wanted:
        return {}
    entries = OrderTimelineEntry.objects.filter(
        order_id__in={e.order_id for e in wanted},
        at__in={e.created_date for e in wanted},
        action__in=TIMELINE_ACTIONS,
    ).values_list("order_id", "at", "action", "data")
    kinds: dict[tuple[Any, ...], tuple[str, int]] = {}
    for order_id, at, action, data in entries:
        data = data or {}
        if action == "cancellation_undone":
            kinds[(order_id, at)] = (EmailKind.CANCELLATION_UNDONE, 0)
        elif action == "payment_failed" or (
            action == "canceled" and data.get("cause") == CancellationCause.PAYMENT_FAILURE
        ):
            kinds[(order_id, at)] = (EmailKind.PAYMENT_FAILED, int(data.get("try") or 0))
    return kinds


def _cycle_of(order: Order, kind: str) -> int:
    """The cycle an email is about: the one charged next for reminders and failed renewals,
    the current one for cancellations, 0 for what happens once per order."""
    index = order.current_cycle_index or 0
    if kind == EmailKind.PAYMENT_FAILED:
        return 0 if order.status == OrderStatus.DRAFT else index + 1
    if kind in (EmailKind.CANCELLATION_SCHEDULED, EmailKind.CANCELLATION_UNDONE):
        return index
    return 0


# -- due dates ----------------------------------------------------------------------------
def _reminders_due(cursor: EmailCursor) -> bool:
    """Reminders are looked for once a minute (by whichever worker gets there first)."""
    now = clock.now()
    last = cursor.reminders_checked
    if last is not None and now - last < REMINDER_EVERY:
        return False
    stale = Q(reminders_checked__isnull=True) | Q(reminders_checked__lte=now - REMINDER_EVERY)
    return bool(EmailCursor.objects.filter(stale, pk=1).update(reminders_checked=now))


def _reminders() -> list[Due]:
    """Active online subscriptions whose next charge (or trial end) is within 7 days, reminded of
    it not yet; an order whose next moment is its end, not a charge, is claimed as skipped."""
    now = clock.now()
    reminded = SentEmail.objects.filter(
        order=OuterRef("pk"),
        kind__in=(EmailKind.RENEWAL_REMINDER, EmailKind.TRIAL_ENDING),
        cycle=OuterRef("current_cycle_index") + 1,
    )
    orders = (
        Order.objects.filter(
            status=OrderStatus.ACTIVE,
            type=OrderType.ONLINE,  # an offline order's renewals are billed, never charged
            pricing_model=PricingModel.SUBSCRIPTION,
            auto_renew_canceled=False,
            plan_price__gt=0,
            next_transition_at__gt=now,
            next_transition_at__lte=now + REMINDER_DAYS,
        )
        .exclude(Exists(reminded))
        .select_related("buyer")
        .order_by("next_transition_at")[:BATCH]
    )
    due_orders = list(orders)
    schedule.pauses_load(due_orders)
    dues = []
    for order in due_orders:
        index = order.current_cycle_index or 0
        kind = EmailKind.TRIAL_ENDING if index == 0 else EmailKind.RENEWAL_REMINDER
        dues.append(Due(order, kind, index + 1))
    return dues


# -- sending ------------------------------------------------------------------------------
def kind_enabled(kind: str) -> bool:
    setting = EmailSetting.objects.filter(kind=kind).values_list("enabled", flat=True).first()
    return setting is None or setting


def _deliver(due: Due) -> int:
    """Claim and send one email in one transaction; 0 when it was claimed before or the
    send failed (its claim rolled back: tried again next tick)."""
    try:
        with transaction.atomic():
            return _claim_and_send(due)
    except Exception:
        log.exception("member email %s for order %s not sent", due.kind, due.order.pk)
        return 0


def _claim_and_send(due: Due) -> int:
    """Insert the email's claim, then send it, inside the caller's transaction; 0 when it
    was claimed before (another worker, or before a restart). A failed send raises."""
    order = due.order
    enabled = kind_enabled(due.kind)
    message = _message(due) if enabled and order.buyer.email else None
    try:
        with transaction.atomic():
            SentEmail.objects.create(
                order=order,
                kind=due.kind,
                cycle=due.cycle,
                attempt=due.attempt,
                to=order.buyer.email or "",
                skipped=message is None,
                event=due.event_id,
                sent_date=clock.now(),
            )
    except IntegrityError:
        return 0
    if message is not None:
        message.send()
    return 1


def _message(due: Due) -> EmailMultiAlternatives | None:
    order = due.order
    context = _context(due)
    if context is None:
        return None
    base = f"members/emails/{due.kind}"
    subject = " ".join(render_to_string(f"{base}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string(f"{base}.txt", context),
        to=[order.buyer.email],
    )
    message.attach_alternative(render_to_string(f"{base}.html", context), "text/html")
    return message


def _context(due: Due) -> dict[str, Any] | None:
    """What the templates show; None when the reason for the email is gone (a reminder for
    a charge that is no longer due, say)."""
    order = due.order
    now = clock.now()
    context: dict[str, Any] = {
        "order": order,
        "member": order.buyer,
        "kind": due.kind,
        "site_url": site_url(),
        "order_url": site_url(reverse("members:order", args=[order.pk])),
        "plans_url": site_url(reverse("members:plans")),
        "next_payment": next_payment(order, now),
    }
    if due.kind == EmailKind.ORDER_CONFIRMATION:
        invoice = (
            Invoice.objects.filter(order=order).prefetch_related("lines").order_by("number").first()
        )
        context["invoice"] = invoice
        if invoice is not None:
            context["invoice_url"] = site_url(reverse("members:invoice", args=[invoice.pk]))
    if due.kind == EmailKind.CANCELLATION_SCHEDULED and not order.auto_renew_canceled:
        return None  # undone before this was sent: the undo's email says all
    if due.kind in (EmailKind.RENEWAL_REMINDER, EmailKind.TRIAL_ENDING):
        upcoming = context["next_payment"]
        if upcoming is None or upcoming.date is None or upcoming.date > now + REMINDER_DAYS:
            return None
    return context


def site_url(path: str = "") -> str:
    """An absolute link for an email (``TALLY_SITE_URL``, the address members use)."""
    return settings.TALLY_SITE_URL.rstrip("/") + path
