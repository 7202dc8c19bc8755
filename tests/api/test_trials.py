"""Free trials over the API: a buyer's cancellation during one, and eligibility for one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from accounts.actors import Actor
from orders.models import Order
from orders.services.checkout import order_create_offline
from orders.services.clock import clock_run
from orders.wire import timestamp

ORDER = "/pricing-plans/v2/orders/{}"
MEMBER_CANCEL = "/pricing-plans/v2/member/orders/{}/cancel"
TRIAL_DAYS = 7


@pytest.fixture
def trial_plan(plan_factory):
    return plan_factory(price="10.00", free_trial_days=TRIAL_DAYS)


@pytest.fixture
def in_trial(trial_plan, member, clock) -> Order:
    order = order_create_offline(
        plan=trial_plan, buyer=member, actor=Actor.system("test"), paid=True
    )
    assert (order.status, order.current_cycle_index) == ("ACTIVE", 0)
    return order


def read(api, token, order) -> dict:
    return api.get(ORDER.format(order.id), token=token).body["order"]


@pytest.mark.parametrize("effective_at", ["IMMEDIATELY", "NEXT_PAYMENT_DATE"])
def test_member_cancelling_during_the_trial_keeps_it_to_the_trial_end_never_billed(
    api, app_token, member_token, in_trial, clock, effective_at
):
    trial_end = in_trial.start_date + timedelta(days=TRIAL_DAYS)
    # when the member cancels during the trial
    reply = api.post(
        MEMBER_CANCEL.format(in_trial.id), {"effectiveAt": effective_at}, token=member_token
    )
    # then the order runs on to the trial's end
    assert (reply.status, reply.body) == (200, {})
    order = read(api, app_token, in_trial)
    assert order["status"] == "ACTIVE"
    assert order["endDate"] == timestamp(trial_end)
    assert order["cancellation"]["effectiveAt"] == "NEXT_PAYMENT_DATE"
    assert order["cancellation"]["cause"] == "MEMBER_ACTION"
    # and ends there without a charge
    clock.set(trial_end + timedelta(days=1))
    clock_run()
    order = read(api, app_token, in_trial)
    assert order["status"] == "CANCELED"
    assert not in_trial.invoices.filter(total__gt=0).exists()


def test_owner_cancelling_immediately_during_the_trial_ends_it_at_once(
    api, app_token, in_trial, clock
):
    # when
    reply = api.post(
        ORDER.format(in_trial.id) + "/cancel", {"effectiveAt": "IMMEDIATELY"}, token=app_token
    )
    # then
    assert reply.status == 200
    order = read(api, app_token, in_trial)
    assert order["status"] == "CANCELED"
    assert order["endDate"] == timestamp(clock.now)


CHECKOUT = "/pricing-plans/v2/checkout/orders/"


def test_a_member_who_had_the_trial_gets_later_orders_of_the_plan_paid_from_the_start(
    api, member_token, in_trial, trial_plan
):
    # when the member orders the plan again
    reply = api.post(CHECKOUT + "online", {"planId": str(trial_plan.id)}, token=member_token)
    # then the order has no free trial and its first invoice is a paid cycle
    assert reply.status == 200
    order = reply.body["order"]
    assert "freeTrialDays" not in order
    assert "freeTrialDays" not in order["priceDetails"]
    first = Order.objects.get(pk=order["id"]).invoices.get()
    assert (first.cycle_index, str(first.total)) == (1, "10.000")


def test_preview_says_a_member_who_had_the_trial_is_not_eligible(
    api, member_token, in_trial, trial_plan
):
    reply = api.post(
        CHECKOUT + "preview-online", {"planId": str(trial_plan.id)}, token=member_token
    )
    assert reply.status == 200
    assert reply.body["freeTrialEligible"] is False
    assert "freeTrialDays" not in reply.body["order"]


def test_preview_offers_the_trial_to_a_member_who_never_had_the_plan(
    api, app_token, member_token, trial_plan, other_member
):
    online = api.post(
        CHECKOUT + "preview-online", {"planId": str(trial_plan.id)}, token=member_token
    )
    body = {"planId": str(trial_plan.id), "memberId": str(other_member.member_id)}
    offline = api.post(CHECKOUT + "preview-offline", body, token=app_token)
    for reply in (online, offline):
        assert reply.body["freeTrialEligible"] is True
        assert reply.body["order"]["freeTrialDays"] == TRIAL_DAYS


def test_a_draft_never_paid_does_not_use_the_trial_up(api, member_token, trial_plan):
    # given a draft the member left unpaid
    api.post(CHECKOUT + "online", {"planId": str(trial_plan.id)}, token=member_token)
    # when / then the next order still has the trial
    reply = api.post(CHECKOUT + "online", {"planId": str(trial_plan.id)}, token=member_token)
    assert reply.body["order"]["freeTrialDays"] == TRIAL_DAYS


def test_trial_eligibility_is_false_for_a_plan_without_a_trial(api, member_token, monthly):
    reply = api.post(CHECKOUT + "preview-online", {"planId": str(monthly.id)}, token=member_token)
    assert reply.body["freeTrialEligible"] is False
