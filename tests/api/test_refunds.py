"""POST /api/v1/payments/{id}/refund: credit notes CN-1, CN-2 ..., never more than was paid."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from accounts.scopes import MANAGE_ORDERS, PURCHASE_PLANS, READ_ORDERS
from orders.models import CreditNote, Invoice, Payment, TestProviderRecord
from orders.services.checkout import order_create_online
from orders.services.payments import invoice_pay
from tests.api.conftest import paid_by_card

REFUNDS = "/api/v1/payments/{}/refund"


def code_of(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


@pytest.fixture
def paid(clock, member, monthly):
    """A member's order paid 10.00 through the test provider: its payment."""
    return paid_by_card(monthly, member)


@pytest.fixture
def manager(token_with) -> str:
    return token_with(MANAGE_ORDERS, READ_ORDERS)


def refund(api, token, payment, **body):
    body.setdefault("reason", "REQUESTED_BY_CUSTOMER")
    return api.post(REFUNDS.format(payment.pk), body, token=token)


def nothing_written(payment) -> bool:
    fresh = Payment.objects.get(pk=payment.pk)
    refunds = TestProviderRecord.objects.filter(kind="REFUND")
    return fresh.status == "SUCCEEDED" and not CreditNote.objects.exists() and not refunds.exists()


def test_a_partial_refund_writes_credit_note_cn_1_and_refunds_through_the_provider(
    api, manager, paid
):
    reply = refund(api, manager, paid, amount="4.00")
    assert reply.status == 200, reply.body
    note = reply.body["creditNote"]
    assert (note["number"], note["amount"], note["reason"]) == (
        "CN-1",
        "4.00",
        "REQUESTED_BY_CUSTOMER",
    )
    assert (note["invoiceId"], note["paymentId"]) == (str(paid.invoice_id), str(paid.pk))
    assert [line["amount"] for line in note["lines"]] == ["-4.00"]
    assert reply.body["payment"]["status"] == "PARTIALLY_REFUNDED"
    assert reply.body["order"]["lastPaymentStatus"] == "PAID"
    record = TestProviderRecord.objects.get(kind="REFUND")
    assert record.idempotency_key == CreditNote.objects.get().idempotency_key
    assert Invoice.objects.get(pk=paid.invoice_id).status == "PAID"  # the invoice never changes


def test_refunding_what_is_left_refunds_the_payment_and_the_orders_last_payment(api, manager, paid):
    refund(api, manager, paid, amount="4.00")
    reply = refund(api, manager, paid)  # no amount: all that is left
    assert reply.status == 200, reply.body
    assert (reply.body["creditNote"]["number"], reply.body["creditNote"]["amount"]) == (
        "CN-2",
        "6.00",
    )
    assert reply.body["payment"]["status"] == "REFUNDED"
    assert reply.body["order"]["lastPaymentStatus"] == "REFUNDED"
    assert reply.body["order"]["status"] == "ACTIVE"


def test_end_order_ends_the_order_now(api, manager, paid):
    reply = refund(api, manager, paid, endOrder=True)
    assert reply.status == 200, reply.body
    assert reply.body["order"]["status"] == "ENDED"


def test_credit_notes_of_an_order_are_listed(api, manager, paid, member_token):
    refund(api, manager, paid, amount="1.00")
    refund(api, manager, paid, amount="2.00", reason="OTHER")
    for token in (manager, member_token):
        reply = api.get(f"/api/v1/orders/{paid.order_id}/credit-notes", token=token)
        assert reply.status == 200, reply.body
        assert [n["number"] for n in reply.body["creditNotes"]] == ["CN-1", "CN-2"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "-1.00"}, "amount"),
        ({"amount": "10.01"}, "amount"),
        ({"amount": "1.001"}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"reason": "BORED"}, "reason"),
    ],
)
def test_bad_refund_input_is_refused_and_nothing_is_written(api, manager, paid, body, field):
    reply = refund(api, manager, paid, **body)
    assert reply.status == 400, reply.body
    assert reply.body["details"]["validationError"]["fieldViolations"][0]["field"] == field
    assert nothing_written(paid)


def test_a_failed_payment_cannot_be_refunded(api, manager, clock, member, monthly):
    order = order_create_online(plan=monthly, buyer=member, actor=Actor.member(member))
    failed = invoice_pay(
        invoice=Invoice.objects.get(order=order),
        actor=Actor.member(member),
        details={"card_number": "4000000000000002"},
    )
    reply = refund(api, manager, failed)
    assert reply.status == 409 and code_of(reply) == "PAYMENT_NOT_REFUNDABLE"
    assert not CreditNote.objects.exists()


def test_a_payment_of_another_apps_order_does_not_exist(
    api, manager, token_with, app_factory, clock, member, monthly
):
    creator, creator_token = app_factory(scopes=[PURCHASE_PLANS, MANAGE_ORDERS])
    body = {"planId": str(monthly.id), "onBehalf": {"memberId": str(member.member_id)}}
    order = api.post("/pricing-plans/v2/checkout/orders/online", body, token=creator_token)
    invoice_id = order.body["order"]["wixPayOrderId"]
    api.post(f"/api/v1/invoices/{invoice_id}/pay", {}, token=creator_token)
    payment = Payment.objects.get(invoice_id=invoice_id)
    reply = refund(api, manager, payment)
    assert reply.status == 404 and code_of(reply) == "PAYMENT_NOT_FOUND"
    assert nothing_written(payment)
    assert refund(api, creator_token, payment).status == 200


def test_refunds_need_the_manage_orders_scope(api, member_token, token_with, paid):
    assert refund(api, member_token, paid).status == 403
    assert refund(api, token_with(READ_ORDERS), paid).status == 403
    assert nothing_written(paid)
