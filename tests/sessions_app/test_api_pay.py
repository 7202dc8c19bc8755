"""POST /api/v1/invoices/{invoiceId}/pay: the built-in test provider pays what was submitted."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from orders.models import Order, OrderStatus, Payment
from orders.wire import timestamp
from tests.sessions_app.conftest import create_session, error_code, violated_fields


def submitted(api, token, plan, member, **extra) -> dict:
    session_id = create_session(api, token, plan, member, **extra)
    reply = api.post(
        f"/billing/v2/order-sessions/{quote(session_id, safe='')}/submit", {}, token=token
    )
    assert reply.status == 200, reply.body
    return reply.body


def pay(api, token, invoice_id, outcome="SUCCEEDED"):
    return api.post(f"/api/v1/invoices/{invoice_id}/pay", {"outcome": outcome}, token=token)


def test_paid_invoice_activates_the_order_and_records_the_payment(
    api, session_app, plan, member, clock
):
    # given: a submitted session (a DRAFT order and its invoice)
    _, token = session_app
    body = submitted(api, token, plan, member)
    # when
    reply = pay(api, token, body["invoice"]["id"])
    # then
    assert reply.status == 200, reply.body
    assert reply.body["order"]["status"] == "ACTIVE"
    assert reply.body["order"]["lastPaymentStatus"] == "PAID"
    assert reply.body["invoice"]["status"] == "PAID"
    payment = reply.body["payment"]
    assert payment["status"] == "SUCCEEDED" and payment["amount"] == "30.00"
    assert (
        Payment.objects.get(transaction_id=payment["transactionId"]).order_id
        == Order.objects.get().pk
    )


def test_paid_invoice_of_a_future_start_leaves_the_order_pending(
    api, session_app, plan, member, clock
):
    _, token = session_app
    start = timestamp(clock.now + timedelta(days=5))
    body = submitted(api, token, plan, member, startDate=start)
    reply = pay(api, token, body["invoice"]["id"])
    assert reply.body["order"]["status"] == "PENDING"


def test_failed_payment_leaves_the_order_draft(api, session_app, plan, member, clock):
    _, token = session_app
    body = submitted(api, token, plan, member)
    reply = pay(api, token, body["invoice"]["id"], outcome="FAILED")
    assert reply.status == 200, reply.body
    assert reply.body["payment"]["status"] == "FAILED"
    assert reply.body["order"]["status"] == "DRAFT"
    assert reply.body["order"]["lastPaymentStatus"] == "FAILED"
    assert Order.objects.get().status == OrderStatus.DRAFT


def test_paid_invoice_cannot_be_paid_again(api, session_app, plan, member, clock):
    _, token = session_app
    invoice_id = submitted(api, token, plan, member)["invoice"]["id"]
    pay(api, token, invoice_id)
    reply = pay(api, token, invoice_id)
    assert reply.status == 409
    assert Payment.objects.filter(status="SUCCEEDED").count() == 1


def test_another_apps_invoice_is_not_found(api, session_app, other_app, plan, member, clock):
    _, token = session_app
    _, other_token = other_app
    invoice_id = submitted(api, token, plan, member)["invoice"]["id"]
    reply = pay(api, other_token, invoice_id)
    assert (reply.status, error_code(reply)) == (404, "INVOICE_NOT_FOUND")
    assert not Payment.objects.exists()


def test_unknown_invoice_is_not_found(api, session_app, clock):
    _, token = session_app
    reply = pay(api, token, "6b0f4bd5-07b3-4d6e-9d9a-3c7b1d2e4f5a")
    assert (reply.status, error_code(reply)) == (404, "INVOICE_NOT_FOUND")


def test_outcome_must_be_succeeded_or_failed(api, session_app, plan, member, clock):
    _, token = session_app
    invoice_id = submitted(api, token, plan, member)["invoice"]["id"]
    reply = pay(api, token, invoice_id, outcome="MAYBE")
    assert reply.status == 400 and violated_fields(reply) == ["outcome"]


def test_paying_needs_credentials(api, session_app, plan, member, clock):
    _, token = session_app
    invoice_id = submitted(api, token, plan, member)["invoice"]["id"]
    assert pay(api, None, invoice_id).status == 401
