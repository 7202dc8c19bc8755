"""Charging in two steps, so that a charge happens once whatever crashes.

1. In a transaction of its own, a ``PaymentAttempt`` is written with an idempotency key, and
   committed.
2. Outside any transaction, the provider is called with that key.
3. In a second transaction, the answer is recorded on the attempt (and the payment, the
   invoice and the order changed accordingly) unless someone else recorded it first.

A process that dies between 1 and 3 leaves the attempt PENDING. Whoever finds it (the clock
rerunning, or a buyer paying again) settles it by asking the provider what became of that key
(``lookup``); only a key the provider never received is charged, with the same key, so the
provider itself turns any repeat into the first answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from orders.bulk import insert_many, update_many
from orders.models import Invoice, Order, Payment, PaymentAttempt

if TYPE_CHECKING:
    from orders.services.payments import PaymentProvider

Answer = tuple[str, str]


@dataclass(frozen=True)
class ChargeRequest:
    invoice: Invoice
    order: Order
    idempotency_key: str


def charge_many(provider: PaymentProvider, requests: list[ChargeRequest]) -> list[Answer]:
    """Charge each request: in one call when the provider takes batches, else one by one."""
    batch = getattr(provider, "charge_many", None)
    if batch is not None:
        return batch(requests)
    return [
        provider.charge(invoice=r.invoice, order=r.order, idempotency_key=r.idempotency_key)
        for r in requests
    ]


def attempt_new(invoice: Invoice, order: Order, *, key: str, at: datetime) -> PaymentAttempt:
    """An attempt to charge ``invoice`` under ``key`` (written by the caller)."""
    return PaymentAttempt(
        idempotency_key=key,
        order=order,
        invoice=invoice,
        amount=invoice.total,
        currency=invoice.currency,
        created_date=at,
    )


RENEWAL_KEY_PREFIX = "renewal:"


def renewal_key(invoice: Invoice, tries: int) -> str:
    """The key of try ``tries`` (1, 2, ...) at charging a renewal invoice: the same on every
    rerun, so a rerun can never be a second charge of the same try."""
    return f"{RENEWAL_KEY_PREFIX}{invoice.pk}:{tries}"


def made_by_clock(attempt: PaymentAttempt) -> bool:
    """Whether the clock made ``attempt`` (a renewal try). Only the clock settles such an
    attempt, under its own key: a clock run may still be calling the provider with it (a slow
    provider and a large batch), so nobody else may call it lost and charge under a new key."""
    return attempt.idempotency_key.startswith(RENEWAL_KEY_PREFIX)


def attempts_answer(
    provider: PaymentProvider, fresh: list[PaymentAttempt], found: list[PaymentAttempt]
) -> dict[str, Answer]:
    """The provider's answer for each attempt, by key; call outside any transaction.

    ``fresh`` attempts were just written and are charged. ``found`` attempts were left
    unresolved by an earlier run: the provider is asked about their key first, and only a key
    it never received is charged (under the same key)."""
    answers: dict[str, Answer] = {}
    unsent = []
    for attempt in found:
        known = provider.lookup(attempt.idempotency_key)
        if known is None:
            unsent.append(attempt)
        else:
            answers[attempt.idempotency_key] = known
    to_charge = [*fresh, *unsent]
    requests = [ChargeRequest(a.invoice, a.order, a.idempotency_key) for a in to_charge]
    for attempt, answer in zip(to_charge, charge_many(provider, requests), strict=True):
        answers[attempt.idempotency_key] = answer
    return answers


def attempts_still_pending(attempts: Iterable[PaymentAttempt]) -> set:
    """Lock the attempts that nobody has recorded yet; return their ids. Call inside the
    transaction that records the answers: an attempt recorded meanwhile is skipped."""
    ids = [a.pk for a in attempts]
    rows = PaymentAttempt.objects.select_for_update().filter(
        pk__in=ids, status=PaymentAttempt.Status.PENDING
    )
    return set(rows.values_list("pk", flat=True))


def attempt_resolve(attempt: PaymentAttempt, payment: Payment | None, at: datetime) -> None:
    """Copy the recorded payment's outcome onto ``attempt`` (saved by ``attempts_save``)."""
    if payment is None:  # a zero invoice or an order closed meanwhile: nothing was charged
        attempt.status = PaymentAttempt.Status.SUCCEEDED
    else:
        attempt.status = payment.status
        attempt.failure_reason = payment.failure_reason
        attempt.payment = payment
    attempt.resolved_date = at


def attempts_insert(attempts: list[PaymentAttempt]) -> None:
    insert_many(PaymentAttempt, attempts)


def attempts_save(attempts: list[PaymentAttempt]) -> None:
    update_many(PaymentAttempt, attempts, ["status", "failure_reason", "payment", "resolved_date"])
