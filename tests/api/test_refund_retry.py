"""A refund the provider declines stays owed: visible, not counted as refunded, retryable.

Through the real test provider: it declines refunds to ``+decline`` buyers (the card on file
declines), and approves once the buyer's address no longer says so.
"""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from accounts.scopes import MANAGE_ORDERS, READ_ORDERS
from orders.errors import RefundNotRetryable
from orders.models import CreditNote, TestProviderRecord
from orders.services.refunds import payment_refund, refund_retry
from tests.api.conftest import paid_by_card
from tests.conftest import make_member

REFUNDS = "/api/v1/payments/{}/refund"
RETRY = "/api/v1/credit-notes/{}/retry-refund"


def code_of(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


@pytest.fixture
def declining(db):
    return make_member("dora", email="dora+decline@example.com")


@pytest.fixture
def paid(clock, declining, monthly):
    """10.00 paid by hand with an approved test card by a buyer whose refunds are declined."""
    return paid_by_card(monthly, declining)


@pytest.fixture
def manager(token_with) -> str:
    return token_with(MANAGE_ORDERS, READ_ORDERS)


def declined_refund(api, manager, paid, **body):
    body.setdefault("reason", "REQUESTED_BY_CUSTOMER")
    reply = api.post(REFUNDS.format(paid.pk), body, token=manager)
    assert reply.status == 200, reply.body
    return reply


def approve_refunds_of(buyer) -> None:
    buyer.email = "dora@example.com"
    buyer.save(update_fields=["email"])


def test_a_declined_refund_is_failed_on_its_credit_note_and_not_counted_as_refunded(
    api, manager, paid
):
    reply = declined_refund(api, manager, paid)
    note = reply.body["creditNote"]
    assert (note["number"], note["refundStatus"], note["refundTries"]) == ("CN-1", "FAILED", 1)
    assert "declined" in note["refundFailureReason"]
    assert reply.body["payment"]["status"] == "SUCCEEDED"
    assert reply.body["order"]["lastPaymentStatus"] == "PAID"
    entry = paid.order.timeline.get(action="refund_failed")
    assert (entry.data["creditNote"], entry.data["try"]) == ("CN-1", 1)
    assert not paid.order.timeline.filter(action="refunded").exists()


def test_a_declined_refund_is_retried_under_a_new_key_and_then_refunds_the_payment(
    api, manager, paid, declining
):
    declined_refund(api, manager, paid)
    note = CreditNote.objects.get()
    approve_refunds_of(declining)
    reply = api.post(RETRY.format(note.pk), {}, token=manager)
    assert reply.status == 200, reply.body
    assert (reply.body["creditNote"]["refundStatus"], reply.body["creditNote"]["refundTries"]) == (
        "SUCCEEDED",
        2,
    )
    assert reply.body["payment"]["status"] == "REFUNDED"
    assert reply.body["order"]["lastPaymentStatus"] == "REFUNDED"
    refunds = TestProviderRecord.objects.filter(kind="REFUND")
    keys = dict(refunds.values_list("idempotency_key", "status"))
    assert keys == {f"refund:{note.pk}": "FAILED", f"refund:{note.pk}:2": "SUCCEEDED"}
    assert paid.order.timeline.filter(action="refunded").count() == 1


def test_a_refund_that_succeeded_is_not_retried(api, manager, paid, declining):
    approve_refunds_of(declining)
    declined_refund(api, manager, paid)  # approved this time
    note = CreditNote.objects.get()
    reply = api.post(RETRY.format(note.pk), {}, token=manager)
    assert (reply.status, code_of(reply)) == (409, "REFUND_NOT_RETRYABLE")
    assert TestProviderRecord.objects.filter(kind="REFUND").count() == 1


def test_a_refund_whose_answer_is_awaited_is_retried_only_after_2_minutes_and_once(
    clock, paid, declining
):
    # given a credit note whose refund was sent but whose answer was never recorded
    approve_refunds_of(declining)
    note = payment_refund(payment_id=paid.pk, actor=Actor.system(), reason="OTHER").credit_note
    CreditNote.objects.filter(pk=note.pk).update(refund_status="PENDING")
    # then a retry at once is refused, and one after 2 minutes asks under the same key
    with pytest.raises(RefundNotRetryable):
        refund_retry(credit_note_id=note.pk, actor=Actor.system())
    clock.advance(minutes=3)
    retried = refund_retry(credit_note_id=note.pk, actor=Actor.system()).credit_note
    assert (retried.refund_status, retried.idempotency_key) == ("SUCCEEDED", f"refund:{note.pk}")
    assert TestProviderRecord.objects.filter(kind="REFUND").count() == 1


def test_what_a_declined_refund_owes_cannot_be_credited_again(api, manager, paid):
    declined_refund(api, manager, paid)  # all 10.00, declined
    reply = api.post(REFUNDS.format(paid.pk), {"reason": "OTHER"}, token=manager)
    assert (reply.status, code_of(reply)) == (409, "PAYMENT_NOT_REFUNDABLE")
    assert CreditNote.objects.count() == 1


def test_retrying_an_unknown_credit_note_is_not_found(api, manager, paid):
    reply = api.post(RETRY.format("8d0f4b8e-0000-4000-8000-000000000000"), {}, token=manager)
    assert (reply.status, code_of(reply)) == (404, "CREDIT_NOTE_NOT_FOUND")


def test_retrying_a_refund_needs_the_manage_orders_scope(api, token_with, manager, paid):
    declined_refund(api, manager, paid)
    note = CreditNote.objects.get()
    reply = api.post(RETRY.format(note.pk), {}, token=token_with(READ_ORDERS))
    assert reply.status == 403
    assert CreditNote.objects.get().refund_tries == 1
