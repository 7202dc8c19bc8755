"""Paying invoices through a payment provider.

A provider charges an invoice and answers SUCCEEDED or FAILED (with a reason); the clock uses
it for renewals, and ``invoice_pay`` for a buyer paying by hand with the payment ``details``
the provider's form collected. The built-in ``TestPaymentProvider`` moves no money. Given a
card number it answers as card networks' test cards do (``4242 4242 4242 4242`` approved,
``4000 0000 0000 0002`` declined); without one (renewals, refunds) it approves, except for
buyers whose e-mail address has ``+decline`` before the ``@``, so a failing renewal or refund
can be tried. ``settings.TALLY_PAYMENT_PROVIDER`` (a dotted path) selects another provider.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.utils.module_loading import import_string

from accounts.actors import Actor
from accounts.caller import Caller
from accounts.scopes import MANAGE_ORDERS
from config import clock
from orders import actions
from orders.errors import IllegalTransition, InvoiceNotFound, PaymentError
from orders.models import (
    Invoice,
    Order,
    OrderType,
    Payment,
    PaymentAttempt,
    TestProviderRecord,
)
from orders.services import rules, transitions
from orders.services.attempts import ChargeRequest, attempt_new, attempt_resolve, made_by_clock
from orders.services.changes import Changes
from orders.services.invoicing import invoice_settle, payment_record
from orders.services.lifecycle import order_locked

DEFAULT_PROVIDER = "orders.services.payments.TestPaymentProvider"
DECLINED = "The card was declined (test payment provider)."
REFUND_DECLINED = "The refund was declined (test payment provider)."
UNKNOWN_TEST_CARD = (
    "This is not a test card: use 4242 4242 4242 4242 (approved) or 4000 0000 0000 0002 (declined)."
)
# The exit status of ``CrashingTestPaymentProvider``'s deliberate crash.
CRASH_EXIT_CODE = 75
TEST_CARDS = {
    "4242424242424242": (Payment.Status.SUCCEEDED, ""),
    "4000000000000002": (Payment.Status.FAILED, DECLINED),
}


class PaymentProvider(Protocol):
    """What a payment provider implements (``TALLY_PAYMENT_PROVIDER`` names the class).

    Every call carries an idempotency key: the provider charges (or refunds) once per key and
    answers a repeated key with the first answer, so a call retried after a crash moves money
    once. Answers are (``Payment.Status`` value, failure reason or ""). We call the provider
    outside any database transaction of ours.
    """

    method: str

    def charge(
        self,
        *,
        invoice: Invoice,
        order: Order,
        idempotency_key: str,
        details: Mapping[str, str] | None = None,
    ) -> tuple[str, str]:
        """Charge ``invoice`` once for ``idempotency_key``. ``details`` is what the provider's
        payment form collected (none for renewals)."""

    def lookup(self, idempotency_key: str) -> tuple[str, str] | None:
        """What became of the charge or refund sent with ``idempotency_key``; None if the
        provider never received it."""

    def refund(self, *, payment: Payment, amount: Decimal, idempotency_key: str) -> tuple[str, str]:
        """Give back ``amount`` of ``payment`` once for ``idempotency_key``."""


class TestPaymentProvider:
    """Test cards decide a charge by hand; renewals fail only for ``...+decline@...`` buyers.

    It remembers every key it was given in ``TestProviderRecord`` (our database standing in for
    the provider's own), so it answers a repeated key as a real provider would, even from
    another process."""

    method = Payment.Method.TEST_PROVIDER

    def decide(self, *, order: Order, details: Mapping[str, str] | None) -> tuple[str, str]:
        card = (details or {}).get("card_number", "")
        if card:
            return TEST_CARDS.get(card, (Payment.Status.FAILED, UNKNOWN_TEST_CARD))
        email = (order.buyer.email or "").split("@")[0]
        if email.endswith("+decline"):
            return Payment.Status.FAILED, DECLINED
        return Payment.Status.SUCCEEDED, ""

    def charge(
        self,
        *,
        invoice: Invoice,
        order: Order,
        idempotency_key: str,
        details: Mapping[str, str] | None = None,
    ) -> tuple[str, str]:
        status, reason = self.decide(order=order, details=details)
        return self._remember(
            idempotency_key,
            TestProviderRecord.Kind.CHARGE,
            invoice.total,
            invoice.currency,
            status,
            reason,
        )

    def charge_many(self, requests: list[ChargeRequest]) -> list[tuple[str, str]]:
        """Many renewals at once (the clock's batches); same answers as ``charge``."""
        now = clock.now()
        rows = [
            (
                r.idempotency_key,
                TestProviderRecord.Kind.CHARGE,
                r.invoice.total,
                r.invoice.currency,
                *self.decide(order=r.order, details=None),
                now,
            )
            for r in requests
        ]
        known = self._remember_rows(rows)
        return [known[r.idempotency_key] for r in requests]

    def lookup(self, idempotency_key: str) -> tuple[str, str] | None:
        return self._answers([idempotency_key]).get(idempotency_key)

    def refund(self, *, payment: Payment, amount: Decimal, idempotency_key: str) -> tuple[str, str]:
        """Refunds succeed, except to ``+decline`` buyers (the card on file declines)."""
        status, _ = self.decide(order=payment.order, details=None)
        reason = REFUND_DECLINED if status == Payment.Status.FAILED else ""
        kind = TestProviderRecord.Kind.REFUND
        return self._remember(idempotency_key, kind, amount, payment.currency, status, reason)

    def _answers(self, keys: list[str]) -> dict[str, tuple[str, str]]:
        rows = TestProviderRecord.objects.filter(idempotency_key__in=keys)
        return {
            key: (status, reason)
            for key, status, reason in rows.values_list(
                "idempotency_key", "status", "failure_reason"
            )
        }

    def _remember(
        self, key: str, kind: str, amount: Decimal, currency: str, status: str, reason: str
    ) -> tuple[str, str]:
        """The first answer given for ``key`` (two callers with one key: one record wins)."""
        return self._remember_rows([(key, kind, amount, currency, status, reason, clock.now())])[
            key
        ]

    def _remember_rows(self, rows: list[tuple]) -> dict[str, tuple[str, str]]:
        """Store ``rows`` (in ``RECORD_COLUMNS`` order) whose key is new; answer each key with
        its first answer. On PostgreSQL one statement, which answers the keys it stored; only
        keys given before are read again."""
        rows = [(*row[:5], row[5][:200], row[6]) for row in rows]
        if not rows:
            return {}
        if connection.vendor != "postgresql":
            fields = [dict(zip(RECORD_COLUMNS, row, strict=True)) for row in rows]
            records = [TestProviderRecord(**f) for f in fields]
            TestProviderRecord.objects.bulk_create(records, ignore_conflicts=True)
            return self._answers([r[0] for r in rows])
        with connection.cursor() as cursor:
            cursor.execute(_RECORD_SQL, [list(column) for column in zip(*rows, strict=True)])
            known = {key: (status, reason) for key, status, reason in cursor.fetchall()}
        repeated = [r[0] for r in rows if r[0] not in known]
        if repeated:
            known.update(self._answers(repeated))
        return known


RECORD_COLUMNS = (
    "idempotency_key",
    "kind",
    "amount",
    "currency",
    "status",
    "failure_reason",
    "created_date",
)
_RECORD_SQL = (
    f"INSERT INTO {TestProviderRecord._meta.db_table} ({', '.join(RECORD_COLUMNS)}) "
    "SELECT * FROM unnest(%s::varchar[], %s::varchar[], %s::numeric[], %s::varchar[], "
    "%s::varchar[], %s::varchar[], %s::timestamptz[]) "
    "ON CONFLICT (idempotency_key) DO NOTHING "
    "RETURNING idempotency_key, status, failure_reason"
)


class CrashingTestPaymentProvider(TestPaymentProvider):
    """The test provider, but the process dies right after each charge, before its answer is
    recorded: what a crash (or a deploy) between the two transactions of a charge looks like.
    Only for tests of that recovery; never configure it for a site."""

    def charge(self, **kwargs) -> tuple[str, str]:
        super().charge(**kwargs)
        os._exit(CRASH_EXIT_CODE)

    def charge_many(self, requests: list[ChargeRequest]) -> list[tuple[str, str]]:
        super().charge_many(requests)
        os._exit(CRASH_EXIT_CODE)


@lru_cache(maxsize=4)
def _provider(path: str) -> PaymentProvider:
    return import_string(path)()


def payment_provider() -> PaymentProvider:
    return _provider(getattr(settings, "TALLY_PAYMENT_PROVIDER", DEFAULT_PROVIDER))


def invoice_pay(
    *,
    invoice: Invoice,
    actor: Actor,
    outcome: str | None = None,
    reason: str = "",
    details: Mapping[str, str] | None = None,
) -> Payment:
    """Pay ``invoice``: who may pay it is decided here (``rules.guard_payer``: a member pays
    only their own draft), then the configured provider charges it with ``details``.

    An app testing its integration names the ``outcome`` instead (the test provider's answer).
    Paying a draft order's first invoice purchases it (PENDING or ACTIVE by its start date);
    a failed payment leaves the draft waiting, with ``lastPaymentStatus`` FAILED.

    The charge is made in two steps (``orders.services.attempts``): an attempt is committed,
    the provider is called outside the transaction with the attempt's key, and its answer is
    recorded in a second transaction. While one payment of the invoice is under way another
    is refused (``PAYMENT_IN_PROGRESS``), so a payment sent twice charges once.
    """
    if outcome is not None and outcome not in (Payment.Status.SUCCEEDED, Payment.Status.FAILED):
        raise PaymentError("The outcome must be SUCCEEDED or FAILED.", data={"outcome": outcome})
    provider = payment_provider()
    if outcome is not None:  # nothing is charged: the answer is named
        with transaction.atomic():
            order, invoice = _payable(invoice, actor)
            return _answer_record(
                order, invoice, actor, outcome, reason, TestPaymentProvider.method
            )
    _settle_interrupted(invoice, provider)
    with transaction.atomic():
        order, invoice = _payable(invoice, actor)
        if invoice.attempts.filter(status=PaymentAttempt.Status.PENDING).exists():
            raise IllegalTransition("PAYMENT_IN_PROGRESS", status=order.status)
        attempt = attempt_new(invoice, order, key=f"pay:{uuid.uuid4()}", at=clock.now())
        attempt.save(force_insert=True)
    outcome, reason = provider.charge(
        invoice=invoice, order=order, idempotency_key=attempt.idempotency_key, details=details
    )
    payment = _attempt_record(attempt, actor, outcome, reason, provider.method)
    if payment is None:  # another request settled this attempt first: its answer stands
        raise IllegalTransition("PAYMENT_IN_PROGRESS", status=order.status)
    return payment


def payable_invoice_get(*, invoice_id: uuid.UUID, caller: Caller) -> Invoice:
    """The invoice ``caller`` may pay: of an online order that is the member's own, that the
    app created (through the API or an order session), or of any online order for an app that
    manages orders (``PRICING_PLANS.MANAGE_ORDERS``). Any other invoice does not exist for the
    caller (one answer, 404, so nobody can probe for invoices)."""
    invoice = (
        Invoice.objects.select_related("order__buyer")
        .filter(pk=invoice_id, order__type=OrderType.ONLINE)
        .first()
    )
    if invoice is None or not _may_pay(invoice.order, caller):
        raise InvoiceNotFound(data={"invoiceId": str(invoice_id)})
    return invoice


def _may_pay(order: Order, caller: Caller) -> bool:
    if caller.app is None:
        return caller.member is not None and order.buyer_id == caller.member.pk
    if MANAGE_ORDERS in caller.scopes:
        return True
    creator = Actor.app(caller.app)
    return order.timeline.filter(
        action="created", actor_kind=creator.kind, actor_id=creator.id
    ).exists()


def _payable(invoice: Invoice, actor: Actor) -> tuple[Order, Invoice]:
    """Lock the invoice's order and the invoice; refuse unless ``actor`` may pay it now."""
    order = order_locked(invoice.order_id)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    invoice.order = order
    rules.guard_payer(order, actor)
    actions.PAY.check(order, invoice=invoice)
    return order, invoice


def _attempt_record(
    attempt: PaymentAttempt, actor: Actor, outcome: str, reason: str, method: str
) -> Payment | None:
    """The second transaction: record the provider's answer, unless it was recorded already."""
    with transaction.atomic():
        order = order_locked(attempt.order_id)
        attempt = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != PaymentAttempt.Status.PENDING:
            return attempt.payment
        invoice = Invoice.objects.select_for_update().get(pk=attempt.invoice_id)
        invoice.order = order
        payment = _answer_record(order, invoice, actor, outcome, reason, method)
        attempt_resolve(attempt, payment, clock.now())
        attempt.save(update_fields=["status", "failure_reason", "payment", "resolved_date"])
    return payment


def _answer_record(
    order: Order, invoice: Invoice, actor: Actor, outcome: str, reason: str, method: str
) -> Payment:
    """Record a charge's answer on the locked order and invoice.

    Money that moved is always recorded; the order only changes if the invoice is still
    payable (a draft canceled while its payment was under way keeps its state)."""
    changes = Changes(clock.now())
    payable = invoice.status == Invoice.Status.ISSUED and order.status in actions.PAY.allowed
    if outcome == Payment.Status.SUCCEEDED:
        if payable:
            invoice_settle(changes, invoice, method=method, new=False)
            actions.PAY.apply(order, changes, actor=actor, invoice=invoice)
        elif invoice.total > 0:
            payment_record(changes, invoice, status=outcome, method=method)
        payment = changes.payments[-1] if changes.payments else None
    else:
        payment = payment_record(
            changes,
            invoice,
            status=Payment.Status.FAILED,
            method=method,
            failure_reason=reason or DECLINED,
        )
        if payable:
            transitions.payment_failed(order, changes, actor=actor, reason=reason or DECLINED)
    if payment is None:  # a zero invoice: record the (empty) authorisation all the same
        payment = payment_record(changes, invoice, status=outcome, method=method)
    changes.flush()
    return payment


# A payment under way for longer than this is taken as interrupted (its process died).
INTERRUPTED_AFTER = timedelta(minutes=2)
INTERRUPTED = "The payment was interrupted before the provider received it."


def _settle_interrupted(invoice: Invoice, provider: PaymentProvider) -> None:
    """Settle an attempt on ``invoice`` left unresolved by a process that died: record what
    the provider says became of its key, or, if the provider never received it, that it
    failed (nothing was charged, and the card details are not kept to charge again).

    A renewal try the clock made is left to the clock (``attempts.made_by_clock``): until the
    clock records it, a payment by hand is refused as ``PAYMENT_IN_PROGRESS``."""
    stale = invoice.attempts.filter(
        status=PaymentAttempt.Status.PENDING, created_date__lt=clock.now() - INTERRUPTED_AFTER
    ).first()
    if stale is None or made_by_clock(stale):
        return
    known = provider.lookup(stale.idempotency_key)
    if known is not None:
        _attempt_record(stale, Actor.system(), *known, provider.method)
        return
    PaymentAttempt.objects.filter(pk=stale.pk, status=PaymentAttempt.Status.PENDING).update(
        status=PaymentAttempt.Status.FAILED, failure_reason=INTERRUPTED, resolved_date=clock.now()
    )
