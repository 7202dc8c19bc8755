"""Refunds: a credit note for what is given back of a payment, then the provider's refund.

Like a charge, a refund is two transactions around the provider's call. The first writes the
credit note, with the payment row locked, so the sum of a payment's credit notes never
exceeds it, however many refunds arrive at once. It gets the next gap-free number (``CN-1``,
``CN-2`` ...), its line, its reason, the invoice and the payment; the invoice itself never
changes; with ``end_order`` the order ends now. Its refund is PENDING. The provider is then
asked to refund, outside the transaction, under the credit note's idempotency key, so a
repeated call refunds once. The second transaction records the answer: refunded money makes
the payment REFUNDED or PARTIALLY_REFUNDED and the order's ``lastPaymentStatus`` REFUNDED
when its last payment is refunded in full; a decline leaves the payment as it was, and the
credit note's refund FAILED, on the order's timeline, until it is tried again
(``refund_retry``) under a new key.
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
from orders.errors import (
    CreditNoteNotFound,
    FieldError,
    PaymentNotFound,
    RefundNotRetryable,
    RefundRefused,
)
from orders.models import (
    CreditNote,
    CreditNoteLine,
    CreditNoteNumber,
    Order,
    Payment,
    RefundReason,
    RefundStatus,
)
from orders.services import transitions
from orders.services.changes import Changes
from orders.services.lifecycle import order_locked
from orders.services.payments import INTERRUPTED_AFTER, payment_provider

log = logging.getLogger(__name__)
REFUNDABLE = (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED)


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
            raise _refused(payment)
        value = _checked(requested, payment)
        if end_order:
            actions.END_NOW.check(order)
        note = _credit_note(payment, value, reason)
        if end_order:
            changes = Changes(note.created_date)
            actions.END_NOW.apply(order, changes, actor=actor, reason=f"refund {note.label}")
            changes.flush()
    return _refund_send(note, payment, actor)


def refund_retry(*, credit_note_id: str | uuid.UUID, actor: Actor) -> Refunded:
    """Ask the provider again for the refund of a credit note: one it declined (under a new
    key: a declined key stays declined), or one still pending ``INTERRUPTED_AFTER`` after its
    last try (the process died before the answer was recorded: under the same key, so the
    provider refunds once). Anything else is refused (``REFUND_NOT_RETRYABLE``)."""
    with transaction.atomic():
        note = _note(credit_note_id, actor)
        order_locked(note.order_id)
        payment = Payment.objects.select_for_update().get(pk=note.payment_id)
        note = CreditNote.objects.select_for_update().get(pk=note.pk)
        now = clock.now()
        if note.refund_status == RefundStatus.FAILED:
            note.refund_tries += 1
            note.idempotency_key = f"refund:{note.pk}:{note.refund_tries}"
        elif not (
            note.refund_status == RefundStatus.PENDING
            and (note.refund_tried_date or note.created_date) < now - INTERRUPTED_AFTER
        ):
            raise RefundNotRetryable(
                data={"creditNoteId": str(note.pk), "refundStatus": note.refund_status}
            )
        note.refund_status, note.refund_failure_reason = RefundStatus.PENDING, ""
        note.refund_tried_date = now
        note.save(update_fields=[*TRIED_FIELDS, "refund_tries", "idempotency_key"])
    return _refund_send(note, payment, actor)


TRIED_FIELDS = ("refund_status", "refund_failure_reason", "refund_tried_date")


def _refund_send(note: CreditNote, payment: Payment, actor: Actor) -> Refunded:
    """Call the provider (outside any transaction) and record its answer. A call that raises
    leaves the refund PENDING: whether money moved is unknown, so it is retried with the same
    key once ``INTERRUPTED_AFTER`` has passed."""
    try:
        answer = payment_provider().refund(
            payment=payment, amount=note.amount, idempotency_key=note.idempotency_key
        )
    except Exception:
        log.exception("refund %s: the provider's answer is unknown", note.label)
        order = Order.objects.get(pk=note.order_id)
        return Refunded(CreditNote.objects.get(pk=note.pk), payment, order)
    return _refund_record(note, actor, *answer)


def _refund_record(note: CreditNote, actor: Actor, status: str, failure: str) -> Refunded:
    """The second transaction: the provider's answer on the credit note, the payment and the
    order, unless another request recorded it first."""
    with transaction.atomic():
        order = order_locked(note.order_id)
        payment = Payment.objects.select_for_update().get(pk=note.payment_id)
        note = CreditNote.objects.select_for_update().get(pk=note.pk)
        if note.refund_status != RefundStatus.PENDING:
            return Refunded(note, payment, order)
        changes = Changes(clock.now())
        if status == Payment.Status.SUCCEEDED:
            note.refund_status, note.refund_failure_reason = RefundStatus.SUCCEEDED, ""
            full = _refunded_money(payment) + note.amount >= payment.amount
            payment.status = Payment.Status.REFUNDED if full else Payment.Status.PARTIALLY_REFUNDED
            payment.save(update_fields=["status"])
            last = (
                order.payments.filter(status__in=Payment.TAKEN)
                .order_by("created_date", "id")
                .last()
            )
            in_full = full and last is not None and last.pk == payment.pk
            transitions.refunded(order, changes, actor=actor, credit_note=note, in_full=in_full)
        else:
            note.refund_status = RefundStatus.FAILED
            note.refund_failure_reason = (failure or REFUND_DECLINED)[:200]
            transitions.refund_failed(order, changes, actor=actor, credit_note=note)
            log.warning("refund %s declined: %s", note.label, note.refund_failure_reason)
        note.save(update_fields=list(TRIED_FIELDS))
        changes.flush()
    return Refunded(note, payment, order)


REFUND_DECLINED = "The provider declined the refund."


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


def _note(credit_note_id, actor: Actor) -> CreditNote:
    """The credit note, if ``actor`` may refund its payment (the rule of ``_payment``)."""
    try:
        note = CreditNote.objects.get(pk=credit_note_id)
    except (CreditNote.DoesNotExist, ValidationError, ValueError, TypeError):
        raise CreditNoteNotFound(data={"creditNoteId": str(credit_note_id)}) from None
    try:
        _payment(note.payment_id, actor)
    except PaymentNotFound:
        raise CreditNoteNotFound(data={"creditNoteId": str(credit_note_id)}) from None
    return note


def _refunded_money(payment: Payment) -> Decimal:
    """What the provider has refunded of ``payment`` so far."""
    notes = payment.credit_notes.filter(refund_status=RefundStatus.SUCCEEDED)
    return notes.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _credited(payment: Payment) -> Decimal:
    """What the credit notes of ``payment`` give back, whatever became of their refunds (a
    declined one is owed still, and can be retried)."""
    return payment.credit_notes.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _refused(payment: Payment) -> RefundRefused:
    return RefundRefused(data={"paymentId": str(payment.pk), "status": payment.status})


def _checked(requested: Decimal | None, payment: Payment) -> Decimal:
    """The amount to refund: all that is left by default, never more, in the currency's units."""
    left = payment.amount - _credited(payment)
    if left <= 0:  # credit notes cover it all (their refunds pending or failed)
        raise _refused(payment)
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
        created_date=(now := clock.now()),
        refund_tried_date=now,
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
