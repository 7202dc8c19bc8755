"""/api/v1/orders/{id}/payments, /invoices, /timeline: Tally's additions to the Wix paths."""

from __future__ import annotations

import uuid

import pytest

from accounts.actors import Actor
from orders.services.checkout import order_create_offline

V1 = "/api/v1/orders/{}/{}"


@pytest.fixture
def paid(monthly, member, clock):
    return order_create_offline(plan=monthly, buyer=member, actor=Actor.system("test"), paid=True)


def test_payments_list_transaction_ids_amounts_and_status(api, app_token, paid):
    # when
    reply = api.get(V1.format(paid.id, "payments"), token=app_token)
    # then
    assert reply.status == 200
    (payment,) = reply.body["payments"]
    assert payment["transactionId"] == paid.payments.get().transaction_id
    assert (payment["amount"], payment["currency"], payment["status"]) == (
        "10.00",
        "EUR",
        "SUCCEEDED",
    )
    assert payment["createdDate"].endswith("Z")


def test_invoices_list_numbered_invoices_with_lines(api, app_token, paid):
    reply = api.get(V1.format(paid.id, "invoices"), token=app_token)
    (invoice,) = reply.body["invoices"]
    assert invoice["status"] == "PAID" and invoice["total"] == "10.00"
    assert invoice["lines"] and invoice["lines"][0]["kind"] == "PLAN"


def test_timeline_tells_who_did_what(api, app_token, paid):
    # given the order is paused through the API
    api.post(f"/pricing-plans/v2/orders/{paid.id}/pause", {}, token=app_token)
    # when
    timeline = api.get(V1.format(paid.id, "timeline"), token=app_token).body["timeline"]
    # then
    last = timeline[-1]
    assert (last["statusBefore"], last["statusAfter"]) == ("ACTIVE", "PAUSED")
    assert last["actor"]["kind"] == "APP"


@pytest.mark.parametrize("records", ["payments", "invoices", "timeline"])
def test_member_reads_the_records_of_their_own_order(api, member_token, paid, records):
    reply = api.get(V1.format(paid.id, records), token=member_token)
    assert reply.status == 200 and reply.body[records]


@pytest.mark.parametrize("records", ["payments", "invoices", "timeline"])
def test_another_members_order_records_are_not_found(api, other_member_token, paid, records):
    reply = api.get(V1.format(paid.id, records), token=other_member_token)
    assert reply.status == 404
    assert reply.body["details"]["applicationError"]["code"] == "ORDER_NOT_FOUND"


@pytest.mark.parametrize("records", ["payments", "invoices", "timeline"])
def test_records_need_the_read_orders_scope(api, token_with, paid, records):
    reply = api.get(V1.format(paid.id, records), token=token_with("RECEIPTS.READ"))
    assert reply.status == 403


@pytest.mark.parametrize("records", ["payments", "invoices", "timeline"])
def test_records_of_unknown_or_malformed_ids(api, app_token, records):
    assert api.get(V1.format(uuid.uuid4(), records), token=app_token).status == 404
    assert api.get(V1.format("x", records), token=app_token).status == 400


def test_records_need_credentials(api, paid):
    assert api.get(V1.format(paid.id, "payments")).status == 401
