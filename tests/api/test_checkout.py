"""Checkout: online and offline orders, order and price previews, and their refusals."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from orders.models import Order, PricingModel
from orders.services.catalogue import coupon_upsert
from orders.wire import ZERO_GUID, timestamp

CHECKOUT = "/pricing-plans/v2/checkout/orders/"


def code_of(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


def violation_of(reply) -> tuple[str, str]:
    v = reply.body["details"]["validationError"]["fieldViolations"][0]
    return v["field"], v["ruleName"]


@pytest.fixture
def save10(db):
    return coupon_upsert(code="SAVE10", discount_type="PERCENT", value=10, enabled=True)


def test_member_buys_online_and_gets_a_draft_order(api, member_token, monthly, member):
    # when
    reply = api.post(CHECKOUT + "online", {"planId": str(monthly.id)}, token=member_token)
    # then
    assert reply.status == 200
    order = reply.body["order"]
    assert (order["status"], order["type"]) == ("DRAFT", "ONLINE")
    assert order["buyer"]["memberId"] == str(member.member_id)
    assert Order.objects.filter(pk=order["id"]).exists()


def test_app_buys_online_on_behalf_of_a_member(api, app_token, monthly, member, save10):
    # when
    body = {
        "planId": str(monthly.id),
        "couponCode": "SAVE10",
        "onBehalf": {"memberId": str(member.member_id), "orderMethod": "MOTO"},
    }
    reply = api.post(CHECKOUT + "online", body, token=app_token)
    # then
    assert reply.status == 200
    order = reply.body["order"]
    assert order["orderMethod"] == "MOTO"
    assert order["priceDetails"]["coupon"]["code"] == "SAVE10"
    assert order["priceDetails"]["total"] == "9.00"


def test_app_without_on_behalf_is_member_required(api, app_token, monthly):
    reply = api.post(CHECKOUT + "online", {"planId": str(monthly.id)}, token=app_token)
    assert reply.status == 400 and code_of(reply) == "MEMBER_REQUIRED"


def test_on_behalf_of_an_unknown_member_is_member_not_found(api, app_token, monthly):
    body = {"planId": str(monthly.id), "onBehalf": {"memberId": str(uuid.uuid4())}}
    reply = api.post(CHECKOUT + "online", body, token=app_token)
    assert reply.status == 400 and code_of(reply) == "member_not_found"


def test_member_cannot_buy_on_behalf_of_another(api, member_token, monthly, other_member):
    body = {"planId": str(monthly.id), "onBehalf": {"memberId": str(other_member.member_id)}}
    reply = api.post(CHECKOUT + "online", body, token=member_token)
    assert reply.status == 403


def test_point_of_sale_cannot_sell_a_recurring_plan(api, app_token, monthly, member):
    body = {
        "planId": str(monthly.id),
        "onBehalf": {"memberId": str(member.member_id), "orderMethod": "POS"},
    }
    reply = api.post(CHECKOUT + "online", body, token=app_token)
    assert reply.status == 400
    assert violation_of(reply) == ("onBehalf.orderMethod", "RECURRING_POS_UNSUPPORTED")


def test_unknown_plan_is_plan_not_found(api, member_token):
    reply = api.post(CHECKOUT + "online", {"planId": str(uuid.uuid4())}, token=member_token)
    assert reply.status == 400 and code_of(reply) == "PLAN_NOT_FOUND"


def test_archived_plan_cannot_be_bought(api, member_token, plan_factory):
    plan = plan_factory(archived=True)
    reply = api.post(CHECKOUT + "online", {"planId": str(plan.id)}, token=member_token)
    assert code_of(reply) == "archived_plan"


def test_unknown_coupon_is_a_coupon_error_naming_code_and_plan(api, member_token, monthly):
    # when
    body = {"planId": str(monthly.id), "couponCode": "NOPE"}
    reply = api.post(CHECKOUT + "online", body, token=member_token)
    # then
    assert reply.status == 400 and code_of(reply) == "ERROR_COUPON_DOES_NOT_EXIST"
    data = reply.body["details"]["applicationError"]["data"]
    assert data == {"couponCode": "NOPE", "planId": str(monthly.id)}


def test_start_in_the_past_is_invalid_start_date(api, member_token, monthly, clock):
    body = {"planId": str(monthly.id), "startDate": timestamp(clock.now - timedelta(days=2))}
    reply = api.post(CHECKOUT + "online", body, token=member_token)
    assert code_of(reply) == "invalid_start_date"


def test_purchase_limit_is_enforced_online(api, member_token, plan_factory):
    # given a plan one buyer may hold once, already bought
    plan = plan_factory(price="0", purchase_limit=1, cycle_count=1)
    api.post(CHECKOUT + "online", {"planId": str(plan.id)}, token=member_token)
    # when
    reply = api.post(CHECKOUT + "online", {"planId": str(plan.id)}, token=member_token)
    # then
    assert code_of(reply) == "purchases_limit_reached"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "planId"),
        ({"planId": "abc"}, "planId"),
        ({"planId": 42}, "planId"),
        ({"planId": "{plan}", "couponCode": ""}, "couponCode"),
        ({"planId": "{plan}", "couponCode": "X" * 21}, "couponCode"),
        ({"planId": "{plan}", "startDate": "tomorrow"}, "startDate"),
        ({"planId": "{plan}", "onBehalf": {}}, "onBehalf.memberId"),
        ({"planId": "{plan}", "onBehalf": "alice"}, "onBehalf"),
        ({"planId": "{plan}", "submissionId": "form-1"}, "submissionId"),
    ],
)
def test_malformed_online_orders_are_field_violations(api, member_token, monthly, body, field):
    body = {k: (str(monthly.id) if v == "{plan}" else v) for k, v in body.items()}
    reply = api.post(CHECKOUT + "online", body, token=member_token)
    assert reply.status == 400
    assert violation_of(reply)[0] == field


def test_offline_paid_order_is_active_and_paid(api, app_token, monthly, member):
    # when
    body = {"planId": str(monthly.id), "memberId": str(member.member_id), "paid": True}
    reply = api.post(CHECKOUT + "offline", body, token=app_token)
    # then
    assert reply.status == 200
    order = reply.body["order"]
    assert (order["type"], order["status"], order["lastPaymentStatus"]) == (
        "OFFLINE",
        "ACTIVE",
        "PAID",
    )


def test_offline_order_is_unpaid_by_default(api, app_token, monthly, member):
    body = {"planId": str(monthly.id), "memberId": str(member.member_id)}
    order = api.post(CHECKOUT + "offline", body, token=app_token).body["order"]
    assert order["lastPaymentStatus"] == "UNPAID"


def test_offline_order_for_an_unknown_member_is_member_doesnt_exist(api, app_token, monthly):
    body = {"planId": str(monthly.id), "memberId": str(uuid.uuid4())}
    reply = api.post(CHECKOUT + "offline", body, token=app_token)
    assert reply.status == 400
    assert violation_of(reply) == ("memberId", "MEMBER_DOESNT_EXIST")


def test_offline_order_needs_manage_orders_or_the_register_scope(api, token_with, monthly, member):
    body = {"planId": str(monthly.id), "memberId": str(member.member_id)}
    reply = api.post(CHECKOUT + "offline", body, token=token_with("PRICING_PLANS.READ_ORDERS"))
    assert reply.status == 403


def test_online_preview_stores_nothing_and_has_zero_ids(api, member_token, monthly):
    # when
    reply = api.post(CHECKOUT + "preview-online", {"planId": str(monthly.id)}, token=member_token)
    # then
    assert reply.status == 200
    assert reply.body["purchaseLimitExceeded"] is False
    assert reply.body["order"]["id"] == ZERO_GUID
    assert reply.body["order"]["subscriptionId"] == ZERO_GUID
    assert not Order.objects.exists()


def test_online_preview_reports_a_reached_limit_without_the_order(api, member_token, plan_factory):
    # given
    plan = plan_factory(price="0", purchase_limit=1, cycle_count=1)
    api.post(CHECKOUT + "online", {"planId": str(plan.id)}, token=member_token)
    # when
    reply = api.post(CHECKOUT + "preview-online", {"planId": str(plan.id)}, token=member_token)
    # then
    assert reply.body == {"purchaseLimitExceeded": True, "freeTrialEligible": False}


def test_offline_preview_shows_the_order_for_the_member(api, app_token, monthly, member):
    body = {"planId": str(monthly.id), "memberId": str(member.member_id)}
    reply = api.post(CHECKOUT + "preview-offline", body, token=app_token)
    assert reply.status == 200
    assert reply.body["order"]["type"] == "OFFLINE"
    assert reply.body["order"]["buyer"]["memberId"] == str(member.member_id)


def test_offline_preview_needs_the_manage_orders_scope(api, token_with, monthly, member):
    body = {"planId": str(monthly.id), "memberId": str(member.member_id)}
    token = token_with("PRICING_PLANS.REGISTER_OFFLINE_ORDERS")
    assert api.post(CHECKOUT + "preview-offline", body, token=token).status == 403


def test_price_preview_gives_spanned_prices(api, app_token, monthly, save10):
    # when
    body = {"planId": str(monthly.id), "couponCode": "save10"}
    reply = api.post(CHECKOUT + "price-preview", body, token=app_token)
    # then
    assert reply.status == 200
    price = reply.body["prices"][0]["price"]
    assert (price["subtotal"], price["discount"], price["total"]) == ("10.00", "1.00", "9.00")
    assert reply.body["price"]["currency"] == "EUR"


def test_price_preview_of_a_single_payment_plan(api, app_token, plan_factory):
    plan = plan_factory(price="300", pricing_model=PricingModel.SINGLE_PAYMENT_UNLIMITED)
    reply = api.post(CHECKOUT + "price-preview", {"planId": str(plan.id)}, token=app_token)
    assert reply.body["prices"][0]["duration"]["numberOfCycles"] == 1


def test_price_preview_with_a_disabled_coupon_is_refused(api, app_token, monthly):
    coupon_upsert(code="OFF", discount_type="PERCENT", value=5, enabled=False)
    body = {"planId": str(monthly.id), "couponCode": "OFF"}
    reply = api.post(CHECKOUT + "price-preview", body, token=app_token)
    assert code_of(reply) == "ERROR_COUPON_IS_DISABLED"


def test_checkout_needs_credentials(api, monthly):
    assert api.post(CHECKOUT + "price-preview", {"planId": str(monthly.id)}).status == 401
