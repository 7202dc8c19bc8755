"""Postpone, cancel, mark as paid, pause, resume, request cancellation: `{}` and the effect."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from accounts.actors import Actor
from orders.models import PricingModel
from orders.services.checkout import order_create_offline
from orders.wire import timestamp

ORDER = "/pricing-plans/v2/orders/{}"
MEMBER_CANCEL = "/pricing-plans/v2/member/orders/{}/cancel"


def offline(plan, buyer, *, paid: bool = True):
    return order_create_offline(plan=plan, buyer=buyer, actor=Actor.system("test"), paid=paid)


@pytest.fixture
def active(monthly, member, clock):
    return offline(monthly, member)


def read(api, token, order) -> dict:
    reply = api.get(ORDER.format(order.id), token=token)
    assert reply.status == 200
    return reply.body["order"]


def code_of(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


def test_pause_answers_empty_json_and_pauses(api, app_token, active):
    # when
    reply = api.post(ORDER.format(active.id) + "/pause", {"id": str(active.id)}, token=app_token)
    # then
    assert (reply.status, reply.body, reply.raw) == (200, {}, b"{}")
    order = read(api, app_token, active)
    assert order["status"] == "PAUSED"
    assert [p["status"] for p in order["pausePeriods"]] == ["ACTIVE"]


def test_resume_closes_the_pause_and_pushes_the_end_date(api, app_token, active, clock):
    # given an order paused for three days
    before = read(api, app_token, active)["endDate"]
    api.post(ORDER.format(active.id) + "/pause", {"id": str(active.id)}, token=app_token)
    clock.advance(days=3)
    # when
    reply = api.post(ORDER.format(active.id) + "/resume", {"id": str(active.id)}, token=app_token)
    # then
    assert (reply.status, reply.body) == (200, {})
    order = read(api, app_token, active)
    assert order["status"] == "ACTIVE"
    assert order["pausePeriods"][0]["status"] == "ENDED"
    assert order["endDate"] > before


def test_resume_of_an_active_order_is_a_conflict(api, app_token, active):
    reply = api.post(ORDER.format(active.id) + "/resume", {"id": str(active.id)}, token=app_token)
    assert reply.status == 409 and code_of(reply) == "ORDER_NOT_PAUSED"


def test_pause_of_a_paused_order_is_a_conflict(api, app_token, active):
    api.post(ORDER.format(active.id) + "/pause", {}, token=app_token)
    reply = api.post(ORDER.format(active.id) + "/pause", {}, token=app_token)
    assert reply.status == 409 and code_of(reply) == "ORDER_NOT_ACTIVE"


def test_postpone_moves_the_end_date(api, app_token, active):
    # given
    new_end = timestamp(active.end_date + timedelta(days=10))
    # when
    reply = api.patch(
        ORDER.format(active.id), {"id": str(active.id), "endDate": new_end}, token=app_token
    )
    # then
    assert (reply.status, reply.body) == (200, {})
    assert read(api, app_token, active)["endDate"] == new_end


def test_postpone_to_an_earlier_date_is_a_conflict(api, app_token, active):
    earlier = timestamp(active.end_date - timedelta(days=1))
    reply = api.patch(ORDER.format(active.id), {"endDate": earlier}, token=app_token)
    assert reply.status == 409 and code_of(reply) == "END_DATE_NOT_LATER"


@pytest.mark.parametrize(
    ("body", "field", "rule"),
    [
        ({}, "endDate", "REQUIRED_FIELD"),
        ({"endDate": "next tuesday"}, "endDate", "FORMAT"),
        ({"endDate": 17}, "endDate", "FORMAT"),
        ({"endDate": "9999-12-31T00:00:00.000Z"}, "endDate", "FORMAT"),
    ],
)
def test_postpone_with_a_bad_end_date_is_a_field_violation(
    api, app_token, active, body, field, rule
):
    reply = api.patch(ORDER.format(active.id), body, token=app_token)
    assert reply.status == 400
    violation = reply.body["details"]["validationError"]["fieldViolations"][0]
    assert (violation["field"], violation["violatedRule"]) == (field, rule)


def test_cancel_immediately_cancels_as_the_owner(api, app_token, active):
    # when
    reply = api.post(
        ORDER.format(active.id) + "/cancel",
        {"id": str(active.id), "effectiveAt": "IMMEDIATELY"},
        token=app_token,
    )
    # then
    assert (reply.status, reply.body) == (200, {})
    order = read(api, app_token, active)
    assert order["status"] == "CANCELED"
    assert order["cancellation"]["cause"] == "OWNER_ACTION"
    assert order["cancellation"]["effectiveAt"] == "IMMEDIATELY"


def test_cancel_at_next_payment_date_stops_auto_renewal(api, app_token, active):
    reply = api.post(
        ORDER.format(active.id) + "/cancel", {"effectiveAt": "NEXT_PAYMENT_DATE"}, token=app_token
    )
    assert reply.status == 200
    order = read(api, app_token, active)
    assert order["autoRenewCanceled"] is True and order["status"] == "ACTIVE"


@pytest.mark.parametrize("effective_at", [None, "UNDEFINED", "TOMORROW", 3])
def test_cancel_needs_a_known_effective_moment(api, app_token, active, effective_at):
    body = {} if effective_at is None else {"effectiveAt": effective_at}
    reply = api.post(ORDER.format(active.id) + "/cancel", body, token=app_token)
    assert reply.status == 400
    assert reply.body["details"]["validationError"]["fieldViolations"][0]["field"] == "effectiveAt"


def test_one_time_order_cancels_only_immediately(api, app_token, plan_factory, member):
    # given
    plan = plan_factory(price="25", pricing_model=PricingModel.SINGLE_PAYMENT_FOR_DURATION)
    order = offline(plan, member)
    # when
    reply = api.post(
        ORDER.format(order.id) + "/cancel", {"effectiveAt": "NEXT_PAYMENT_DATE"}, token=app_token
    )
    # then
    assert reply.status == 409
    assert code_of(reply) == "NEXT_PAYMENT_DATE_NOT_ALLOWED_FOR_ONE_TIME_ORDER"


def test_mark_as_paid_pays_an_unpaid_offline_order(api, app_token, monthly, member):
    # given
    order = offline(monthly, member, paid=False)
    # when
    reply = api.post(
        ORDER.format(order.id) + "/mark-as-paid", {"id": str(order.id)}, token=app_token
    )
    # then
    assert (reply.status, reply.body) == (200, {})
    assert read(api, app_token, order)["lastPaymentStatus"] == "PAID"


def test_mark_as_paid_twice_is_a_conflict(api, app_token, active):
    reply = api.post(ORDER.format(active.id) + "/mark-as-paid", {}, token=app_token)
    assert reply.status == 409 and code_of(reply) == "ORDER_ALREADY_PAID"


@pytest.mark.parametrize("action", ["pause", "resume", "mark-as-paid", "cancel"])
def test_actions_on_an_unknown_order_are_not_found(api, app_token, action):
    body = {"effectiveAt": "IMMEDIATELY"}
    reply = api.post(ORDER.format(uuid.uuid4()) + f"/{action}", body, token=app_token)
    assert reply.status == 404 and code_of(reply) == "ORDER_NOT_FOUND"


@pytest.mark.parametrize("action", ["pause", "resume", "mark-as-paid", "cancel"])
def test_actions_with_a_malformed_id_are_field_violations(api, app_token, action):
    reply = api.post(ORDER.format("12345") + f"/{action}", {}, token=app_token)
    assert reply.status == 400
    assert reply.body["details"]["validationError"]["fieldViolations"][0]["field"] == "id"


@pytest.mark.parametrize("action", ["pause", "resume", "mark-as-paid", "cancel"])
def test_actions_need_the_manage_orders_scope(api, token_with, active, action):
    token = token_with("PRICING_PLANS.READ_ORDERS")
    reply = api.post(ORDER.format(active.id) + f"/{action}", {}, token=token)
    assert reply.status == 403


def test_postpone_needs_the_manage_orders_scope(api, token_with, active):
    token = token_with("PRICING_PLANS.READ_ORDERS")
    assert api.patch(ORDER.format(active.id), {}, token=token).status == 403


def test_actions_need_credentials(api, active):
    assert api.post(ORDER.format(active.id) + "/pause", {}).status == 401


def test_body_that_is_not_an_object_is_a_field_violation(api, app_token, active):
    reply = api.post(ORDER.format(active.id) + "/cancel", [1, 2], token=app_token)
    assert reply.status == 400


def test_broken_json_is_a_bad_request(api, app_token, active):
    reply = api.request(
        "POST",
        ORDER.format(active.id) + "/cancel",
        data=b"{not json",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {app_token}"},
    )
    assert reply.status == 400 and code_of(reply) == "INVALID_JSON"


def test_huge_body_is_refused(api, app_token, active):
    body = {"effectiveAt": "IMMEDIATELY", "padding": "x" * (2 * 1024 * 1024)}
    reply = api.post(ORDER.format(active.id) + "/cancel", body, token=app_token)
    assert reply.status == 413


def test_member_request_cancellation_is_a_member_action(api, member_token, app_token, active):
    # when
    reply = api.post(
        MEMBER_CANCEL.format(active.id),
        {"id": str(active.id), "effectiveAt": "IMMEDIATELY"},
        token=member_token,
    )
    # then
    assert (reply.status, reply.body) == (200, {})
    order = read(api, app_token, active)
    assert order["status"] == "CANCELED" and order["cancellation"]["cause"] == "MEMBER_ACTION"


def test_member_cannot_cancel_another_members_order(api, other_member_token, app_token, active):
    # when bob cancels alice's order
    reply = api.post(
        MEMBER_CANCEL.format(active.id), {"effectiveAt": "IMMEDIATELY"}, token=other_member_token
    )
    # then it does not exist for him, and nothing changed
    assert reply.status == 404 and code_of(reply) == "ORDER_NOT_FOUND"
    assert read(api, app_token, active)["status"] == "ACTIVE"


def test_member_cancel_is_for_members_not_apps(api, app_token, active):
    reply = api.post(
        MEMBER_CANCEL.format(active.id), {"effectiveAt": "IMMEDIATELY"}, token=app_token
    )
    assert reply.status == 403
