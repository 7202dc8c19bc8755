"""Contract switch types (contract section 3), submitted over real HTTP."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest

from accounts.actors import Actor
from orders.models import Order, OrderStatus, PeriodUnit
from orders.services.checkout import order_create_online
from orders.services.payments import invoice_pay
from sessions_app.data import ContractSwitchType, SessionData
from sessions_app.services.switching import per_day_price, switch_decide
from tests.sessions_app.conftest import create_session, error_code, session_data, violated_fields

URL = "/billing/v2/order-sessions"


def active_order(plan, member) -> Order:
    """A paid, started order of ``plan`` for ``member``."""
    order = order_create_online(plan=plan, buyer=member, actor=Actor.member(member))
    invoice_pay(invoice=order.invoices.get(), outcome="SUCCEEDED", actor=Actor.member(member))
    order.refresh_from_db()
    assert order.status == OrderStatus.ACTIVE
    return order


def submit(api, token, session_id):
    return api.post(f"{URL}/{quote(session_id, safe='')}/submit", {}, token=token)


@pytest.fixture
def monthly(plan_factory):
    return plan_factory(price="30.00", duration_unit=PeriodUnit.MONTH)


@pytest.fixture
def premium(plan_factory):
    return plan_factory(price="60.00", duration_unit=PeriodUnit.MONTH)


def test_upgrade_credits_the_unused_part_and_ends_the_old_order_now(
    api, session_app, monthly, premium, member, clock
):
    # given: a 30.00 monthly order started on Jan 15, a third of its cycle gone... roughly
    _, token = session_app
    old = active_order(monthly, member)
    clock.advance(days=10)  # Jan 25: 21 of the cycle's 31 days unused
    session_id = create_session(
        api, token, premium, member, contractSwitchType="UPGRADE", switchFromOrderId=str(old.pk)
    )
    # when
    reply = submit(api, token, session_id)
    # then: the new order starts now, with a proration line of -30.00 x 21/31
    assert reply.status == 200, reply.body
    invoice = reply.body["invoice"]
    credit = [line for line in invoice["lines"] if line["kind"] == "PRORATION"]
    assert [line["amount"] for line in credit] == ["-20.32"]
    assert invoice["total"] == "39.68"
    old.refresh_from_db()
    assert old.status == OrderStatus.ENDED and old.end_date == clock.now
    assert old.timeline.filter(reason__icontains="UPGRADE").exists()


def test_downgrade_starts_at_the_next_payment_date_and_ends_the_old_order_then(
    api, session_app, monthly, premium, member, clock
):
    # given
    _, token = session_app
    old = active_order(premium, member)
    clock.advance(days=10)
    session_id = create_session(
        api, token, monthly, member, contractSwitchType="DOWNGRADE", switchFromOrderId=str(old.pk)
    )
    # when
    reply = submit(api, token, session_id)
    # then: no credit; starts Feb 15 (the next payment date); the old order stops renewing
    assert reply.status == 200, reply.body
    assert reply.body["order"]["startDate"] == "2026-02-15T12:00:00.000Z"
    assert not [line for line in reply.body["invoice"]["lines"] if line["kind"] == "PRORATION"]
    old.refresh_from_db()
    assert old.status == OrderStatus.ACTIVE and old.auto_renew_canceled is True


def test_full_amount_period_starts_now_at_full_price_and_ends_the_old_order(
    api, session_app, monthly, premium, member, clock
):
    _, token = session_app
    old = active_order(monthly, member)
    clock.advance(days=10)
    session_id = create_session(
        api,
        token,
        premium,
        member,
        contractSwitchType="FULL_AMOUNT_PERIOD",
        switchFromOrderId=str(old.pk),
    )
    reply = submit(api, token, session_id)
    assert reply.status == 200, reply.body
    assert reply.body["invoice"]["total"] == "60.00"
    old.refresh_from_db()
    assert old.status == OrderStatus.ENDED


def test_regular_switch_to_a_dearer_plan_is_an_upgrade(
    api, session_app, monthly, premium, member, clock
):
    _, token = session_app
    old = active_order(monthly, member)
    session_id = create_session(api, token, premium, member, switchFromOrderId=str(old.pk))
    reply = submit(api, token, session_id)
    assert reply.status == 200, reply.body
    old.refresh_from_db()
    assert old.status == OrderStatus.ENDED


def test_regular_switch_to_a_cheaper_plan_is_a_downgrade(
    api, session_app, monthly, premium, member, clock
):
    _, token = session_app
    old = active_order(premium, member)
    session_id = create_session(api, token, monthly, member, switchFromOrderId=str(old.pk))
    assert submit(api, token, session_id).status == 200
    old.refresh_from_db()
    assert old.status == OrderStatus.ACTIVE and old.auto_renew_canceled is True


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        (("10.00", PeriodUnit.MONTH), ("100.00", PeriodUnit.YEAR), ContractSwitchType.DOWNGRADE),
        (("100.00", PeriodUnit.YEAR), ("10.00", PeriodUnit.MONTH), ContractSwitchType.UPGRADE),
        (("100.00", PeriodUnit.YEAR), ("5.00", PeriodUnit.MONTH), ContractSwitchType.DOWNGRADE),
        (("7.00", PeriodUnit.WEEK), ("25.00", PeriodUnit.MONTH), ContractSwitchType.DOWNGRADE),
    ],
    ids=[
        "monthly-to-cheaper-yearly",
        "yearly-to-dearer-monthly",
        "yearly-to-cheap-monthly",
        "weekly-to-monthly",
    ],
)
def test_regular_compares_prices_per_day_not_per_cycle(plan_factory, member, clock, old, new, kind):
    # given
    old_plan = plan_factory(price=old[0], duration_unit=old[1])
    new_plan = plan_factory(price=new[0], duration_unit=new[1])
    order = active_order(old_plan, member)
    data = SessionData(
        plan_id=new_plan.pk, member_id=member.member_id, switch_from_order_id=order.pk
    )
    # when / then
    assert switch_decide(data, old=order, plan=new_plan, at=clock.now).kind == kind


def test_a_year_costs_per_day_what_twelve_months_cost(plan_factory):
    monthly = plan_factory(price="10.00", duration_unit=PeriodUnit.MONTH)
    yearly = plan_factory(price="120.00", duration_unit=PeriodUnit.YEAR)
    assert per_day_price(monthly.price, monthly) == per_day_price(yearly.price, yearly)


@pytest.mark.parametrize("kind", ["UPGRADE", "DOWNGRADE", "FULL_AMOUNT_PERIOD"])
def test_switch_types_need_switch_from_order_id(kind, api, session_app, plan, member, clock):
    _, token = session_app
    body = {"sessionData": session_data(plan, member, contractSwitchType=kind)}
    reply = api.post(URL, body, token=token)
    assert reply.status == 400
    assert violated_fields(reply) == ["sessionData.switchFromOrderId"]


def test_switch_from_another_members_order_is_refused(
    api, session_app, monthly, premium, member, other_member, clock
):
    _, token = session_app
    theirs = active_order(monthly, other_member)
    body = {
        "sessionData": session_data(
            premium, member, contractSwitchType="UPGRADE", switchFromOrderId=str(theirs.pk)
        )
    }
    reply = api.post(URL, body, token=token)
    assert violated_fields(reply) == ["sessionData.switchFromOrderId"]


def test_switch_from_an_order_no_longer_active_is_refused_at_submit(
    api, session_app, monthly, premium, member, clock
):
    # given: a valid upgrade session, then the old order ends before submit
    from orders.services.lifecycle import order_end_now

    _, token = session_app
    old = active_order(monthly, member)
    session_id = create_session(
        api, token, premium, member, contractSwitchType="UPGRADE", switchFromOrderId=str(old.pk)
    )
    order_end_now(old.pk, actor=Actor.system(), reason="test")
    # when
    reply = submit(api, token, session_id)
    # then
    assert reply.status == 400
    assert violated_fields(reply) == ["sessionData.switchFromOrderId"]
    assert Order.objects.count() == 1


def test_start_date_cannot_be_combined_with_a_switch(
    api, session_app, monthly, premium, member, clock
):
    from orders.wire import timestamp

    _, token = session_app
    old = active_order(monthly, member)
    data = session_data(
        premium,
        member,
        switchFromOrderId=str(old.pk),
        startDate=timestamp(clock.now + timedelta(days=1)),
    )
    reply = api.post(URL, {"sessionData": data}, token=token)
    assert violated_fields(reply) == ["sessionData.startDate"]


def test_upgrade_from_a_free_trial_credits_nothing(
    api, session_app, plan_factory, premium, member, clock
):
    _, token = session_app
    trial = plan_factory(price="30.00", free_trial_days=14)
    old = active_order(trial, member)
    session_id = create_session(
        api, token, premium, member, contractSwitchType="UPGRADE", switchFromOrderId=str(old.pk)
    )
    reply = submit(api, token, session_id)
    assert reply.status == 200, reply.body
    assert not [x for x in reply.body["invoice"]["lines"] if x["kind"] == "PRORATION"]
    assert error_code(reply) is None


def test_upgrade_across_currencies_is_refused_at_create(
    api, session_app, plan_factory, monthly, member, clock
):
    _, token = session_app
    old = active_order(monthly, member)
    dollars = plan_factory(price="60.00", currency="USD")
    body = {
        "sessionData": session_data(
            dollars, member, contractSwitchType="UPGRADE", switchFromOrderId=str(old.pk)
        )
    }
    reply = api.post(URL, body, token=token)
    assert violated_fields(reply) == ["sessionData.switchFromOrderId"]
