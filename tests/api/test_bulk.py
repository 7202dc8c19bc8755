"""/api/v1 helpers from the orders typings: bulk pause and resume, stats, available actions."""

from __future__ import annotations

import uuid

import pytest

from accounts import scopes
from accounts.actors import Actor
from orders.models import Order, OrderEvent
from orders.services.checkout import order_create_offline, order_create_online

BULK = "/api/v1/orders/bulk/"
STATS = "/api/v1/orders/stats"
ACTIONS = "/api/v1/orders/{}/available-actions"


def offline(plan, buyer, **kwargs):
    return order_create_offline(
        plan=plan, buyer=buyer, actor=Actor.system("test"), paid=True, **kwargs
    )


@pytest.fixture
def two_active(monthly, member, clock):
    return [offline(monthly, member), offline(monthly, member)]


@pytest.mark.parametrize("flag", [0, 1, "true"])
def test_return_full_entity_is_a_json_boolean_only(api, app_token, two_active, flag):
    ids = [str(o.id) for o in two_active]
    reply = api.post(BULK + "pause", {"ids": ids, "returnFullEntity": flag}, token=app_token)
    assert reply.status == 400
    violations = reply.body["details"]["validationError"]["fieldViolations"]
    assert [v["field"] for v in violations] == ["returnFullEntity"]
    assert not Order.objects.filter(status="PAUSED").exists()


def test_bulk_pause_pauses_each_order_and_reports_each_result(api, app_token, two_active):
    ids = [str(o.id) for o in two_active]
    # when
    reply = api.post(BULK + "pause", {"ids": ids, "returnFullEntity": True}, token=app_token)
    # then
    assert reply.status == 200
    results = reply.body["results"]
    assert [r["itemMetadata"] for r in results] == [
        {"id": ids[0], "originalIndex": 0, "success": True},
        {"id": ids[1], "originalIndex": 1, "success": True},
    ]
    assert [r["order"]["status"] for r in results] == ["PAUSED", "PAUSED"]
    assert reply.body["bulkActionMetadata"] == {
        "totalSuccesses": 2,
        "totalFailures": 0,
        "undetailedFailures": 0,
    }
    assert set(Order.objects.values_list("status", flat=True)) == {"PAUSED"}


def test_bulk_pause_refuses_some_items_and_changes_the_others(api, app_token, two_active):
    # given one order already paused and an id that names no order
    api.post(BULK + "pause", {"ids": [str(two_active[0].id)]}, token=app_token)
    missing = str(uuid.uuid4())
    ids = [str(two_active[0].id), missing, str(two_active[1].id)]
    # when
    reply = api.post(BULK + "pause", {"ids": ids}, token=app_token)
    # then
    items = [r["itemMetadata"] for r in reply.body["results"]]
    assert [i["success"] for i in items] == [False, False, True]
    assert [i.get("error", {}).get("code") for i in items] == [
        "ORDER_NOT_ACTIVE",
        "ORDER_NOT_FOUND",
        None,
    ]
    assert "order" not in reply.body["results"][2]  # returnFullEntity defaults to false
    assert reply.body["bulkActionMetadata"]["totalFailures"] == 2
    assert Order.objects.get(pk=two_active[1].id).status == "PAUSED"


def test_bulk_resume_resumes_paused_orders(api, app_token, two_active):
    ids = [str(o.id) for o in two_active]
    api.post(BULK + "pause", {"ids": ids}, token=app_token)
    reply = api.post(BULK + "resume", {"ids": ids}, token=app_token)
    assert reply.body["bulkActionMetadata"]["totalSuccesses"] == 2
    assert set(Order.objects.values_list("status", flat=True)) == {"ACTIVE"}


@pytest.mark.parametrize(
    ("ids", "rule"),
    [
        ([], "MIN_LENGTH"),
        ([str(uuid.uuid4()) for _ in range(101)], "MAX_LENGTH"),
        (["x"], "FORMAT"),
    ],
)
def test_bulk_body_out_of_bounds_is_refused_and_nothing_changes(
    api, app_token, two_active, ids, rule
):
    events = OrderEvent.objects.count()
    reply = api.post(BULK + "pause", {"ids": ids}, token=app_token)
    assert reply.status == 400
    violations = reply.body["details"]["validationError"]["fieldViolations"]
    assert [v["violatedRule"] for v in violations][:1] == [rule]
    assert OrderEvent.objects.count() == events


def test_bulk_pause_needs_manage_orders(api, token_with, two_active):
    token = token_with(scopes.READ_ORDERS)
    reply = api.post(BULK + "pause", {"ids": [str(two_active[0].id)]}, token=token)
    assert reply.status == 403


def test_stats_count_every_order_and_the_active_ones(api, token_with, two_active, monthly, member):
    order_create_online(plan=monthly, buyer=member, actor=Actor.member(member))  # a draft
    reply = api.get(STATS, token=token_with(scopes.READ_ORDERS))
    assert (reply.status, reply.body) == (200, {"totalOrderCount": 3, "activeOrderCount": 2})


def test_available_actions_of_an_active_order(api, app_token, two_active):
    reply = api.get(ACTIONS.format(two_active[0].id), token=app_token)
    assert (reply.status, reply.body) == (200, {"suspendable": True, "cancelableByBuyer": True})


def test_available_actions_name_the_reason_an_order_cannot_be_paused(
    api, app_token, plan_factory, member, clock
):
    trial = offline(plan_factory(free_trial_days=7), member)
    reply = api.get(ACTIONS.format(trial.id), token=app_token)
    assert reply.body == {
        "suspendable": False,
        "notSuspendableReason": "TRIAL",
        "cancelableByBuyer": True,
    }


def test_available_actions_of_a_canceled_order(api, app_token, two_active):
    order = two_active[0]
    api.post(
        f"/pricing-plans/v2/orders/{order.id}/cancel",
        {"effectiveAt": "IMMEDIATELY"},
        token=app_token,
    )
    reply = api.get(ACTIONS.format(order.id), token=app_token)
    assert reply.body == {
        "suspendable": False,
        "notSuspendableReason": "CANCELED",
        "cancelableByBuyer": False,
    }


def test_a_member_asks_only_about_their_own_orders(
    api, member_token, other_member_token, two_active
):
    path = ACTIONS.format(two_active[0].id)
    assert api.get(path, token=member_token).status == 200
    assert api.get(path, token=other_member_token).status == 404
