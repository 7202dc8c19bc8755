"""Switching plans from the order page: the other public plans with what each costs now (the
order-session switch rules), confirm, then pay if the new order needs it."""

from __future__ import annotations

import uuid

import pytest

from orders.models import Order, OrderStatus
from tests.members.conftest import buy

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_monthly(client, clock, member, monthly) -> Order:
    client.force_login(member)
    buy(client, monthly)
    order = Order.objects.get(buyer=member)
    client.post(f"/account/orders/{order.pk}/pay/", {"card_number": "4242424242424242"})
    order.refresh_from_db()
    return order


def test_switch_page_shows_each_other_plan_with_what_it_costs_now(
    client, clock, paid_monthly, plan_factory
):
    plan_factory(name="Premium", price="31.00")
    plan_factory(name="Basic", price="5.00")
    clock.set(clock.now.replace(day=30))  # half of January's cycle is left
    page = client.get(f"/account/orders/{paid_monthly.pk}/switch/").content.decode()
    assert "Monthly</h2>" not in page
    assert "An upgrade" in page and "A downgrade: it starts on 15 Feb 2026" in page
    assert "To pay now: 5.00 EUR" in page  # Basic, from 15 Feb
    assert "credited" in page


def test_an_upgrade_ends_the_old_order_and_goes_to_pay_the_new_one(
    client, clock, member, paid_monthly, plan_factory
):
    premium = plan_factory(name="Premium", price="30.00")
    response = client.post(
        f"/account/orders/{paid_monthly.pk}/switch/",
        {"plan_id": str(premium.pk), "submission_id": str(uuid.uuid4())},
    )
    new = Order.objects.get(buyer=member, plan=premium)
    assert response["Location"] == f"/account/orders/{new.pk}/pay/"
    paid_monthly.refresh_from_db()
    assert paid_monthly.status == OrderStatus.ENDED
    assert new.invoices.get().total < 30


def test_a_downgrade_starts_at_the_next_payment_date(
    client, clock, member, paid_monthly, plan_factory
):
    basic = plan_factory(name="Basic", price="5.00")
    client.post(
        f"/account/orders/{paid_monthly.pk}/switch/",
        {"plan_id": str(basic.pk), "submission_id": str(uuid.uuid4())},
    )
    new = Order.objects.get(buyer=member, plan=basic)
    assert new.start_date.date().isoformat() == "2026-02-15"
    paid_monthly.refresh_from_db()
    assert paid_monthly.auto_renew_canceled is True


def test_switching_a_draft_is_refused_with_the_reason(client, clock, member, monthly, plan_factory):
    client.force_login(member)
    buy(client, monthly)
    draft = Order.objects.get(buyer=member)
    basic = plan_factory(name="Basic", price="5.00")
    response = client.post(
        f"/account/orders/{draft.pk}/switch/",
        {"plan_id": str(basic.pk), "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert "This order cannot be switched: it is not an active order of this member." in (
        response.content.decode()
    )
    assert not Order.objects.filter(plan=basic).exists()


def test_another_members_order_cannot_be_switched(client, paid_monthly, other_member, plan_factory):
    basic = plan_factory(name="Basic", price="5.00")
    client.force_login(other_member)
    response = client.post(
        f"/account/orders/{paid_monthly.pk}/switch/",
        {"plan_id": str(basic.pk), "submission_id": str(uuid.uuid4())},
    )
    assert response.status_code == 404
    assert not Order.objects.filter(plan=basic).exists()
