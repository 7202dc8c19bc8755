"""POST /api/v1/orders/{id}/start-date: a draft order's new start date, over real HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts import scopes
from accounts.actors import Actor
from orders.models import Order, OrderEvent
from orders.services.checkout import order_create_offline, order_create_online
from orders.wire import timestamp

PATH = "/api/v1/orders/{}/start-date"


@pytest.fixture
def draft(monthly, member, clock) -> Order:
    return order_create_online(plan=monthly, buyer=member, actor=Actor.member(member))


def code_of(reply) -> str:
    return reply.body["details"]["applicationError"]["code"]


def test_an_app_moves_a_drafts_start_and_its_end_follows(api, token_with, draft, clock):
    later = clock.now + timedelta(days=10)
    token = token_with(scopes.MANAGE_ORDERS)
    # when
    reply = api.post(PATH.format(draft.id), {"startDate": timestamp(later)}, token=token)
    # then
    assert reply.status == 200
    order = reply.body["order"]
    assert (order["status"], order["startDate"]) == ("DRAFT", timestamp(later))
    stored = Order.objects.get(pk=draft.id)
    assert stored.end_date - stored.start_date == draft.end_date - draft.start_date
    event = OrderEvent.objects.filter(order=draft).order_by("sequence").last()
    assert event.event_type == "wix.pricing_plans.v2.order_start_date_changed"
    assert stored.timeline.order_by("id").last().action == "start_date_changed"


def test_the_buyer_moves_their_own_draft_and_no_one_elses(
    api, member_token, other_member_token, draft, clock
):
    body = {"startDate": timestamp(clock.now + timedelta(days=3))}
    assert api.post(PATH.format(draft.id), body, token=other_member_token).status == 404
    assert api.post(PATH.format(draft.id), body, token=member_token).status == 200


def test_a_paid_orders_start_date_cannot_change(api, app_token, monthly, member, clock):
    paid = order_create_offline(plan=monthly, buyer=member, actor=Actor.system("t"), paid=True)
    body = {"startDate": timestamp(clock.now + timedelta(days=3))}
    reply = api.post(PATH.format(paid.id), body, token=app_token)
    assert (reply.status, code_of(reply)) == (409, "START_DATE_NOT_CHANGEABLE")
    assert Order.objects.get(pk=paid.id).start_date == paid.start_date


def test_a_start_date_in_the_past_is_refused(api, app_token, draft, clock):
    body = {"startDate": timestamp(clock.now - timedelta(days=1))}
    reply = api.post(PATH.format(draft.id), body, token=app_token)
    assert (reply.status, code_of(reply)) == (409, "START_DATE_IN_THE_PAST")
    assert Order.objects.get(pk=draft.id).start_date == draft.start_date


@pytest.mark.parametrize("body", [{}, {"startDate": "tomorrow"}, {"startDate": 5}])
def test_a_malformed_start_date_is_a_field_violation(api, app_token, draft, body):
    reply = api.post(PATH.format(draft.id), body, token=app_token)
    assert reply.status == 400
    violation = reply.body["details"]["validationError"]["fieldViolations"][0]
    assert violation["field"] == "startDate"
    assert Order.objects.get(pk=draft.id).start_date == draft.start_date


def test_changing_a_start_date_needs_manage_orders(api, token_with, draft, clock):
    body = {"startDate": timestamp(clock.now + timedelta(days=3))}
    assert api.post(PATH.format(draft.id), body, token=token_with(scopes.READ_ORDERS)).status == 403
