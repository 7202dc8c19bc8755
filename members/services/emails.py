"""Emails to members, sent by the worker after the change that causes them has committed.

Two sources, both read by ``member_emails_job`` on each worker tick:

* the outbox (``OrderEvent`` rows), read in time order from a cursor of our own
  (``EmailCursor``): purchased -> order confirmation, auto-renew canceled -> cancellation
  scheduled, ended -> order ended, and for "updated" and "canceled" events the timeline entry
  of the same change tells a cancellation undone or a payment failure from the rest;
* due dates: 7 days before each charge a renewal reminder, 7 days before a trial ends a
  trial-ending notice (checked once a minute).

At most once per order, kind, cycle (and dunning try): each send first inserts its
``SentEmail`` claim, in the same transaction as the send, under a unique constraint. Two
workers, or one restarted, cannot both insert it; a send that fails rolls its claim back and
is tried again next tick. A kind the owner turned off is claimed as skipped. Events are read
once they are ``SETTLE`` old, so a change still committing is not passed by the cursor.
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
from members.models import EmailCursor, EmailKind, EmailSetting, SentEmail
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

SETTLE = timedelta(seconds=5)
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
    cursor = _cursor()
    done = sum(_deliver(due) for due in _from_outbox(cursor))
    if _reminders_due(cursor):
        done += sum(_deliver(due) for due in _reminders())
    return done


# -- the outbox ---------------------------------------------------------------------------
def _cursor() -> EmailCursor:
    cursor, _ = EmailCursor.objects.get_or_create(pk=1)
    return cursor


def _from_outbox(cursor: EmailCursor) -> list[Due]:
    """The next events after the cursor (in time, then id order), and the cursor moved past
    them. A clock batch writes hundreds of events with one timestamp: the id orders them."""
    now = clock.now()
    events = OrderEvent.objects.filter(slug__in=SLUGS, created_date__lte=now - SETTLE)
    if cursor.read_until is not None:
        events = events.filter(
            Q(created_date__gt=cursor.read_until)
            | Q(created_date=cursor.read_until, id__gt=cursor.read_id)
        )
    fields = ("id", "order_id", "slug", "created_date")
    batch = list(events.order_by("created_date", "id").only(*fields)[:BATCH])
    if not batch:
        return []
    dues = _dues_of(batch)
    last = batch[-1]
    behind = Q(read_until__isnull=True) | Q(read_until__lt=last.created_date)
    behind |= Q(read_until=last.created_date, read_id__lt=last.id)
    EmailCursor.objects.filter(behind, pk=1).update(read_until=last.created_date, read_id=last.id)
    return dues


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
    """Claim and send one email in one transaction; 0 when it was claimed before."""
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
            if message is not None:
                message.send()
    except IntegrityError:
        return 0  # claimed by another worker, or before a restart
    except Exception:  # a send that failed is retried next tick: its claim rolled back
        log.exception("member email %s for order %s not sent", due.kind, order.pk)
        return 0
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
