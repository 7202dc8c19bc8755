"""The invariants the tests hold, checked over a live database (``manage.py doctor``).

The services keep these true in every transaction; a finding means something changed the
data outside them (SQL by hand, a restore, a bug), and names the order so it can be looked at.

Orders are read in keyset batches by primary key, and every check is one query per batch that
returns only what is wrong, so memory stays flat and the database does the counting, however
many orders there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
)

from orders.dashboard import running
from orders.models import (
    CreditNote,
    Invoice,
    Order,
    OrderStatus,
    PausePeriod,
    Payment,
    PricingModel,
)
from orders.models.invoice import InvoiceNumber

BATCH_SIZE = 10_000
# The worker applies what is due every second; only what has waited longer is a finding.
GRACE = timedelta(minutes=5)


@dataclass(frozen=True)
class Finding:
    check: str
    order_id: UUID | None
    detail: str


def findings(
    *, now: datetime, batch_size: int = BATCH_SIZE, grace: timedelta = GRACE
) -> Iterator[Finding]:
    """Everything wrong in the database, order by order, then the invoice numbering."""
    for ids in order_ranges(batch_size):
        batch = Order.objects.filter(ids.of("pk"))
        yield from event_sequences(batch)
        yield from statuses_and_schedule(batch, now=now, grace=grace)
        yield from pause_periods(batch, ids)
        yield from payments_within_invoices(ids)
        yield from credit_notes_within_payments(ids)
        yield from payment_plan_names(ids)
    yield from invoice_numbers(batch_size)
    yield from running_figures()


@dataclass(frozen=True)
class IdRange:
    """Order ids after ``after`` up to ``upto`` (None: no bound). Tables that refer to orders
    are read by the same range of their ``order_id``: no join back to the orders' rows, which
    lie scattered over the whole table since ids are random."""

    after: UUID | None
    upto: UUID | None

    def of(self, field: str) -> Q:
        bounds = Q()
        if self.after is not None:
            bounds &= Q(**{f"{field}__gt": self.after})
        if self.upto is not None:
            bounds &= Q(**{f"{field}__lte": self.upto})
        return bounds


def order_ranges(batch_size: int) -> Iterator[IdRange]:
    """Ranges of ``batch_size`` order ids (keyset paging over the primary key's index)."""
    ordered = Order.objects.order_by("pk").values_list("pk", flat=True)
    after: UUID | None = None
    while True:
        rest = ordered if after is None else ordered.filter(pk__gt=after)
        upto = rest[batch_size - 1 : batch_size].first()
        yield IdRange(after, upto)
        if upto is None:
            return
        after = upto


def event_sequences(batch: QuerySet[Order]) -> Iterator[Finding]:
    """Each order's events are numbered 1, 2, 3 ... up to its ``last_event_sequence``.

    With (order, sequence) unique, a count, lowest and highest that agree mean no gap."""
    wrong = (
        batch.annotate(n=Count("events"), lo=Min("events__sequence"), hi=Max("events__sequence"))
        .filter(
            ~Q(n=F("last_event_sequence"))
            | Q(n__gt=0) & (~Q(lo=1) | ~Q(hi=F("last_event_sequence")))
        )
        .values_list("pk", "n", "lo", "hi", "last_event_sequence")
    )
    for pk, n, lo, hi, last in wrong:
        numbered = f"{lo}..{hi}" if n else "none"
        yield Finding(
            "event-sequence",
            pk,
            f"{n} event(s) numbered {numbered}; the order counts {last}",
        )


def statuses_and_schedule(
    batch: QuerySet[Order], *, now: datetime, grace: timedelta
) -> Iterator[Finding]:
    """Status consistent with the dates, and everything time will change scheduled.

    Every rule is a column of one query, so each batch of orders is read once."""
    late = now - grace
    renews = Q(pricing_model=PricingModel.SUBSCRIPTION) & ~Q(auto_renew_canceled=True)
    rules = {
        "pending_late": (
            "status-dates",
            Q(status=OrderStatus.PENDING, start_date__lte=late),
            "PENDING though its start date has passed",
        ),
        "active_early": (
            "status-dates",
            Q(status=OrderStatus.ACTIVE, start_date__gt=now),
            "ACTIVE before its start date",
        ),
        "active_ended": (
            "status-dates",
            Q(status=OrderStatus.ACTIVE, end_date__lte=late),
            "ACTIVE after its end date",
        ),
        "start_unscheduled": (
            "schedule",
            Q(status=OrderStatus.PENDING, next_transition_at=None),
            "PENDING, but its start is not scheduled",
        ),
        "change_unscheduled": (
            "schedule",
            Q(status=OrderStatus.ACTIVE, next_transition_at=None)
            & (Q(end_date__isnull=False) | renews),
            "ACTIVE with an end or a renewal ahead, but nothing scheduled",
        ),
        "overdue": (
            "schedule",
            Q(next_transition_at__lte=late),
            "due for more than the grace period: is the worker running?",
        ),
    }
    flags = {name: ExpressionWrapper(rule, BooleanField()) for name, (_, rule, _) in rules.items()}
    broken = Q()
    for _, rule, _ in rules.values():
        broken |= rule
    for row in batch.filter(broken).annotate(**flags).values("pk", *flags):
        for name, (check, _, detail) in rules.items():
            if row[name]:
                yield Finding(check, row["pk"], detail)


def pause_periods(batch: QuerySet[Order], ids: IdRange) -> Iterator[Finding]:
    """One open pause period while PAUSED, none otherwise; as many as ``times_paused``."""
    open_pause = Q(pause_periods__status="ACTIVE", pause_periods__resume_date=None)
    # Only orders ever paused, or with pause periods all the same, can be wrong: a few.
    with_pauses = PausePeriod.objects.filter(ids.of("order_id")).values("order_id")
    candidates = batch.filter(
        Q(times_paused__gt=0) | Q(status=OrderStatus.PAUSED) | Q(pk__in=with_pauses)
    )
    wrong = (
        candidates.annotate(
            open=Count("pause_periods", filter=open_pause), n=Count("pause_periods")
        )
        .filter(
            Q(status=OrderStatus.PAUSED) & ~Q(open=1)
            | ~Q(status=OrderStatus.PAUSED) & Q(open__gt=0)
            | ~Q(n=F("times_paused"))
        )
        .values_list("pk", "status", "open", "n", "times_paused")
    )
    for pk, status, open_count, n, times in wrong:
        yield Finding(
            "pause-periods",
            pk,
            f"{status} with {open_count} open pause period(s); {n} in all, "
            f"the order counts {times}",
        )


def payments_within_invoices(ids: IdRange) -> Iterator[Finding]:
    """No invoice is paid more than its total by successful payments."""
    succeeded = Q(payments__status=Payment.Status.SUCCEEDED)
    wrong = (
        Invoice.objects.filter(ids.of("order_id"))
        .annotate(paid=Sum("payments__amount", filter=succeeded))
        .filter(paid__gt=F("total"))
        .values_list("order_id", "number", "paid", "total", "currency")
    )
    for order_id, number, paid, total, currency in wrong:
        yield Finding(
            "payments",
            order_id,
            f"invoice {number} has {paid} {currency} paid of a {total} {currency} total",
        )


def credit_notes_within_payments(ids: IdRange) -> Iterator[Finding]:
    """No payment is refunded more than it paid, over all its credit notes."""
    wrong = (
        CreditNote.objects.filter(ids.of("order_id"))
        .values("payment_id")
        .annotate(refunded=Sum("amount"))
        .filter(refunded__gt=F("payment__amount"))
        .values_list("order_id", "payment__transaction_id", "refunded", "payment__amount")
    )
    for order_id, transaction_id, refunded, paid in wrong:
        yield Finding(
            "credit-notes",
            order_id,
            f"payment {transaction_id} has {refunded} refunded of {paid} paid",
        )


def invoice_numbers(batch_size: int) -> Iterator[Finding]:
    """Invoice numbers run 1, 2, 3 ... with no gap, up to the last number handed out."""
    summary = Invoice.objects.aggregate(n=Count("pk"), hi=Max("number"))
    count, highest = summary["n"], summary["hi"] or 0
    handed_out = InvoiceNumber.objects.values_list("last", flat=True).first() or 0
    if handed_out != highest:
        yield Finding(
            "invoice-numbers",
            None,
            f"the last number handed out is {handed_out}, the highest invoice is {highest}",
        )
    if count != highest:
        yield from _number_gaps(batch_size)


def _number_gaps(batch_size: int) -> Iterator[Finding]:
    expected = 1
    after = 0
    while True:
        rows = list(
            Invoice.objects.filter(number__gt=after)
            .order_by("number")
            .values_list("number", "order_id")[:batch_size]
        )
        for number, order_id in rows:
            if number != expected:
                yield Finding(
                    "invoice-numbers",
                    order_id,
                    f"numbers {expected}..{number - 1} are missing before invoice {number}",
                )
            expected = number + 1
        if len(rows) < batch_size:
            return
        after = rows[-1][0]


def payment_plan_names(ids: IdRange) -> Iterator[Finding]:
    """A payment carries its order's plan name (revenue per plan reads it)."""
    wrong = (
        Payment.objects.filter(ids.of("order_id"))
        .exclude(plan_name=F("order__plan_name"))
        .values_list("order_id", "transaction_id", "plan_name")
    )
    for order_id, transaction_id, plan_name in wrong:
        yield Finding(
            "payment-plan-names",
            order_id,
            f"payment {transaction_id} says plan {plan_name!r}, not its order's",
        )


def running_figures() -> Iterator[Finding]:
    """The running figures the dashboard reads equal a count from the orders."""
    for detail in running.differences():
        yield Finding("running-figures", None, detail)
