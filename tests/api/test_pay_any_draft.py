"""POST /api/v1/invoices/{id}/pay pays any online draft for its member, the app that created
it, or an app that manages orders; to anyone else the invoice does not exist."""

from __future__ import annotations

from accounts.scopes import MANAGE_ORDERS, PURCHASE_PLANS, READ_ORDERS
from orders.models import TestProviderRecord

CHECKOUT = "/pricing-plans/v2/checkout/orders/online"
APPROVED = {"cardNumber": "4242 4242 4242 4242"}


def bought_by_app(api, token, plan, member) -> dict:
    body = {"planId": str(plan.id), "onBehalf": {"memberId": str(member.member_id)}}
    reply = api.post(CHECKOUT, body, token=token)
    assert reply.status == 200, reply.body
    return reply.body["order"]


def pay(api, order, token, body=None):
    return api.post(f"/api/v1/invoices/{order['wixPayOrderId']}/pay", body or APPROVED, token=token)


def code_of(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


def test_an_online_draft_carries_the_id_of_the_invoice_to_pay(api, member_token, monthly):
    reply = api.post(CHECKOUT, {"planId": str(monthly.id)}, token=member_token)
    order = reply.body["order"]
    assert order["status"] == "DRAFT"
    invoices = api.get(f"/api/v1/orders/{order['id']}/invoices", token=member_token)
    assert [i["id"] for i in invoices.body["invoices"]] == [order["wixPayOrderId"]]


def test_the_member_pays_their_own_draft_through_the_provider(api, member_token, monthly):
    order = api.post(CHECKOUT, {"planId": str(monthly.id)}, token=member_token).body["order"]
    reply = pay(api, order, member_token)
    assert reply.status == 200, reply.body
    assert (reply.body["order"]["status"], reply.body["payment"]["status"]) == (
        "ACTIVE",
        "SUCCEEDED",
    )
    assert TestProviderRecord.objects.count() == 1


def test_a_member_cannot_name_the_outcome(api, member_token, monthly):
    order = api.post(CHECKOUT, {"planId": str(monthly.id)}, token=member_token).body["order"]
    reply = pay(api, order, member_token, {"outcome": "SUCCEEDED"})
    assert reply.status == 400 and code_of(reply) == "INVALID_PAYMENT"
    assert not TestProviderRecord.objects.exists()


def test_the_app_that_created_the_draft_pays_it(api, token_with, monthly, member):
    token = token_with(PURCHASE_PLANS)
    order = bought_by_app(api, token, monthly, member)
    reply = pay(api, order, token)
    assert reply.status == 200, reply.body
    assert reply.body["order"]["status"] == "ACTIVE"


def test_an_app_that_manages_orders_pays_any_draft(api, member_token, token_with, monthly):
    order = api.post(CHECKOUT, {"planId": str(monthly.id)}, token=member_token).body["order"]
    reply = pay(api, order, token_with(MANAGE_ORDERS))
    assert reply.status == 200, reply.body


def test_anyone_else_finds_no_such_invoice(api, token_with, other_member_token, monthly, member):
    order = bought_by_app(api, token_with(PURCHASE_PLANS), monthly, member)
    for token in (token_with(PURCHASE_PLANS), token_with(READ_ORDERS), other_member_token):
        reply = pay(api, order, token)
        assert reply.status == 404 and code_of(reply) == "INVOICE_NOT_FOUND"
    assert not TestProviderRecord.objects.exists()
