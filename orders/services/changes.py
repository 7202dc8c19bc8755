"""What one change (or one clock batch) writes: collected in memory, written in a few inserts.

Every service builds its rows here (timeline entries, events, invoices and their lines,
payments, pause periods) and calls ``flush()`` once, inside its transaction. A single call
(pause, cancel, ...) thus costs one statement per table it touches, and the clock writes a
whole batch of orders with the same handful of statements.

Invoice numbers are taken last, just before the transaction commits: the one counter row
is then locked only for the few statements that follow, and a rolled-back change returns
its numbers, so numbering has no gaps.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max

from accounts.actors import Actor
from orders.bulk import insert_many, update_many
from orders.models import (
    Invoice,
    InvoiceLine,
    InvoiceNumber,
    Order,
    OrderEvent,
    OrderTimelineEntry,
    PausePeriod,
    Payment,
)
from orders.services.events import build_event, order_body
from orders.services.timeline import timeline_entry

# Fields every change of an order rewrites, whatever else it touches.
ALWAYS = ("updated_date", "next_transition_at", "last_event_sequence")


class Changes:
    """Rows to write for the orders changed at ``at``. ``dry_run`` renders no events."""

    def __init__(self, at: datetime, *, dry_run: bool = False) -> None:
        self.at = at
        self.dry_run = dry_run
        self.created: list[Order] = []
        self.changed: dict[Any, tuple[Order, set[str]]] = {}
        self.timeline: list[OrderTimelineEntry] = []
        self.events: list[OrderEvent] = []
        self.invoices: list[Invoice] = []
        self.lines: list[InvoiceLine] = []
        self.payments: list[Payment] = []
        self.invoices_paid: list[Invoice] = []
        self.pauses_opened: list[PausePeriod] = []
        self.pauses_closed: list[PausePeriod] = []

    # -- collecting -------------------------------------------------------------------
    def touch(self, order: Order, *fields: str) -> None:
        """Note that ``fields`` of ``order`` changed (saved in ``flush``)."""
        order.updated_date = self.at
        if order._state.adding:
            if order not in self.created:
                self.created.append(order)
            return
        _, known = self.changed.setdefault(order.pk, (order, set(ALWAYS)))
        known.update(fields)

    def log(self, order: Order, *, actor: Actor, action: str, before: str, **kwargs: Any) -> None:
        self.timeline.append(
            timeline_entry(
                order,
                actor=actor,
                action=action,
                status_before=before,
                status_after=order.status,
                at=self.at,
                **kwargs,
            )
        )

    def emit(self, order: Order, *slugs: str, extra: dict[str, dict] | None = None) -> None:
        """Events ``slugs`` of ``order`` as it is now (rendered once, shared by all)."""
        if self.dry_run:
            return
        entity = order_body(order)
        for slug in slugs:
            self.events.append(
                build_event(order, slug, extra=(extra or {}).get(slug), entity=entity, at=self.at)
            )

    def merge(self, other: Changes) -> None:
        """Take over everything ``other`` collected (the clock: one order into its batch)."""
        self.created += other.created
        for pk, (order, fields) in other.changed.items():
            self.changed.setdefault(pk, (order, set()))[1].update(fields)
        for name in ("timeline", "events", "invoices", "lines", "payments"):
            getattr(self, name).extend(getattr(other, name))
        self.invoices_paid += other.invoices_paid
        self.pauses_opened += other.pauses_opened
        self.pauses_closed += other.pauses_closed

    # -- writing ----------------------------------------------------------------------
    def flush(self) -> None:
        """Write everything; call inside the transaction that locked the orders."""
        if self.dry_run:
            raise RuntimeError("a dry run writes nothing")
        for order in self.created:
            order.save(force_insert=True)
        self._save_changed()
        if self.pauses_opened:
            PausePeriod.objects.bulk_create(self.pauses_opened)
        if self.pauses_closed:
            PausePeriod.objects.bulk_update(self.pauses_closed, ["status", "resume_date"])
        if self.invoices_paid:
            _mark_invoices_paid(self.invoices_paid)
        insert_many(OrderTimelineEntry, self.timeline)
        insert_many(OrderEvent, self.events)
        # Invoices last: numbering locks the counter row until commit, so keep that short.
        # (Lines and payments may go first: foreign keys are checked at commit.)
        insert_many(InvoiceLine, self.lines)
        insert_many(Payment, self.payments)
        if self.invoices:
            number_invoices(self.invoices)
            insert_many(Invoice, self.invoices)

    def _save_changed(self) -> None:
        if len(self.changed) == 1:
            ((order, fields),) = self.changed.values()
            order.save(update_fields=sorted(fields))
        elif self.changed:
            names = sorted(set().union(*(f for _, f in self.changed.values())))
            orders = [order for order, _ in self.changed.values()]
            update_many(Order, orders, names)


def _mark_invoices_paid(invoices: Iterable[Invoice]) -> None:
    by_date: dict[datetime | None, list] = {}
    for invoice in invoices:
        by_date.setdefault(invoice.paid_date, []).append(invoice.pk)
    for paid_date, ids in by_date.items():
        Invoice.objects.filter(pk__in=ids).update(status=Invoice.Status.PAID, paid_date=paid_date)


def number_invoices(invoices: list[Invoice]) -> None:
    """Give ``invoices`` the next numbers, in order. Locks the counter row until commit."""
    count = len(invoices)
    if not InvoiceNumber.objects.filter(pk=1).update(last=F("last") + count):
        _create_counter()
        InvoiceNumber.objects.filter(pk=1).update(last=F("last") + count)
    last = InvoiceNumber.objects.filter(pk=1).values_list("last", flat=True).get()
    for offset, invoice in enumerate(invoices):
        invoice.number = last - count + 1 + offset


def _create_counter() -> None:
    """The counter row, created on first use (two first uses at once: one wins, both go on)."""
    try:
        with transaction.atomic():
            InvoiceNumber.objects.create(
                pk=1, last=Invoice.objects.aggregate(last=Max("number"))["last"] or 0
            )
    except IntegrityError:
        pass
