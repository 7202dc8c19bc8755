"""Refunds: a credit note for what is given back of a payment, then the provider's refund.

The credit note is written with the payment row locked, so the sum of a payment's credit notes
never exceeds it, however many refunds arrive at once. It gets the next gap-free number
(``CN-1``, ``CN-2`` ...), its line, its reason, the invoice and the payment; the invoice itself
never changes. The payment becomes REFUNDED or PARTIALLY_REFUNDED, the order's
``lastPaymentStatus`` REFUNDED when its last payment is refunded in full, and with
``end_order`` the order ends now. The provider is then asked to refund, outside the
transaction, under the credit note's own idempotency key, so a repeated call refunds once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from accounts.actors import Actor, ActorKind
from config import clock
from config.money import exponent, to_wire
from orders import actions
from orders.errors import FieldError, PaymentNotFound, RefundRefused
from orders.models import (
    CreditNote,
    CreditNoteLine,
    CreditNoteNumber,
    Order,
    Payment,
    RefundReason,
)
from orders.services import transitions
from orders.services.changes import Changes
from orders.services.lifecycle import order_locked
from orders.services.payments import payment_provider

log = logging.getLogger(__name__)
REFUNDABLE = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)
KEPT = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED, Payment.Status.REFUNDED)


@dataclass(frozen=True)
class Refunded:
    credit_note: CreditNote
    payment: Payment
    order: Order


def payment_refund(
    *,
    payment_id: str | uuid.UUID,
    actor: Actor,
    reason: str,
    amount: str | None = None,
    end_order: bool = False,
) -> Refunded:
    """Refund ``amount`` (a decimal string; all that is left when None) of a payment.

    Refused, with nothing written: an unknown reason, an amount that is not a positive number
    with at most the currency's decimals or exceeds what is left, a payment that did not
    succeed or is refunded already, and (for an app) a payment of an order another app made.
    """
    if reason not in RefundReason.values:
        raise FieldError("reason", "is not a refund reason", rule="UNKNOWN_REFUND_REASON")
    requested = _amount(amount)
    with transaction.atomic():
        payment = _payment(payment_id, actor)
        order = order_locked(payment.order_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        # A credit note refers to the invoice the payment paid; every charge has one.
        if payment.status not in REFUNDABLE or payment.amount <= 0 or payment.invoice_id is None:
            raise RefundRefused(data={"paymentId": str(payment.pk), "status": payment.status})
        value = _checked(requested, payment)
        if end_order:
            actions.END_NOW.check(order)
        note = _credit_note(payment, value, reason)
        full = value == payment.amount - _refunded_before(payment, note)
        payment.status = Payment.Status.REFUNDED if full else Payment.Status.PARTIALLY_REFUNDED
        payment.save(update_fields=["status"])
        changes = Changes(note.created_date)
        last = order.payments.filter(status__in=KEPT).order_by("created_date", "id").last()
        transitions.refunded(
            order,
            changes,
            actor=actor,
            credit_note=note,
            in_full=full and last is not None and last.pk == payment.pk,
        )
        if end_order:
            actions.END_NOW.apply(order, changes, actor=actor, reason=f"refund {note.label}")
        changes.flush()
    status, failure = payment_provider().refund(
        payment=payment, amount=value, idempotency_key=note.idempotency_key
    )
    if status != Payment.Status.SUCCEEDED:  # the credit note stands; the owner follows it up
        log.error("refund %s: the provider answered %s (%s)", note.label, status, failure)
    return Refunded(note, payment, order)


def _amount(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise FieldError("amount", "is not a decimal number", rule="FORMAT") from None
    if not value.is_finite() or value <= 0:
        raise FieldError("amount", "must be more than 0", rule="AMOUNT_NOT_POSITIVE")
    return value


def _payment(payment_id, actor: Actor) -> Payment:
    """The payment, if ``actor`` may refund it: an app only those of orders it did not leave to
    another app (a payment of an order another app created does not exist for it)."""
    try:
        payment = Payment.objects.get(pk=payment_id)
    except (Payment.DoesNotExist, ValidationError, ValueError, TypeError):
        raise PaymentNotFound(data={"paymentId": str(payment_id)}) from None
    if actor.kind == ActorKind.APP:
        creator = (
            payment.order.timeline.filter(action="created")
            .values_list("actor_kind", "actor_id")
            .first()
        )
        if creator and creator[0] == ActorKind.APP and creator[1] != actor.id:
            raise PaymentNotFound(data={"paymentId": str(payment_id)})
    return payment


def _refunded_before(payment: Payment, note: CreditNote | None = None) -> Decimal:
    notes = payment.credit_notes.all()
    if note is not None:
        notes = notes.exclude(pk=note.pk)
    return notes.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _checked(requested: Decimal | None, payment: Payment) -> Decimal:
    """The amount to refund: all that is left by default, never more, in the currency's units."""
    left = payment.amount - _refunded_before(payment)
    if requested is None:
        return left
    places = requested.as_tuple().exponent  # an int: the amount is finite (``_amount``)
    if isinstance(places, int) and -places > exponent(payment.currency):
        raise FieldError(
            "amount",
            f"has more decimals than {payment.currency} allows",
            rule="TOO_MANY_DECIMALS",
        )
    if requested > left:
        raise FieldError(
            "amount",
            f"is more than the {to_wire(left, payment.currency)} left to refund",
            rule="AMOUNT_TOO_LARGE",
        )
    return requested


def _credit_note(payment: Payment, amount: Decimal, reason: str) -> CreditNote:
    assert payment.invoice_id is not None  # refused before, in payment_refund
    note_id = uuid.uuid4()
    note = CreditNote.objects.create(
        id=note_id,
        number=_next_number(),
        order_id=payment.order_id,
        invoice_id=payment.invoice_id,
        payment=payment,
        amount=amount,
        currency=payment.currency,
        reason=reason,
        idempotency_key=f"refund:{note_id}",
        created_date=clock.now(),
    )
    label = RefundReason(reason).label
    CreditNoteLine.objects.create(
        credit_note=note,
        position=1,
        description=f"Refund of payment {payment.transaction_id}: {label}"[:200],
        amount=-amount,
    )
    return note


def _next_number() -> int:
    """The next credit-note number; the counter row stays locked until the commit (no gaps)."""
    if not CreditNoteNumber.objects.filter(pk=1).update(last=F("last") + 1):
        try:
            with transaction.atomic():
                CreditNoteNumber.objects.create(pk=1, last=0)
        except IntegrityError:  # created by a refund at the same moment
            pass
        CreditNoteNumber.objects.filter(pk=1).update(last=F("last") + 1)
    return CreditNoteNumber.objects.filter(pk=1).values_list("last", flat=True).get()
