"""The order page shows everything about one order, in the site's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import override_settings

from accounts.actors import Actor
from orders.models import Invoice, OrderEvent, OrderTimelineEntry, PausePeriod
from orders.services.checkout import order_create_online
from orders.services.payments import invoice_pay
from orders.services.refunds import payment_refund
from tests.conftest import START

pytestmark = pytest.mark.django_db


def page_of(client, order) -> str:
    response = client.get(f"/admin/orders/order/{order.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def test_order_page_shows_status_dates_and_pricing(owner_client, order_factory, clock):
    order = order_factory(coupon_code="SPRING", discount="2.00", total="8.00")
    page = page_of(owner_client, order)
    for text in ("active", "Monthly", "10.00 EUR", "2.00 EUR (coupon SPRING)", "8.00 EUR"):
        assert text in page
    assert order.buyer.email in page


@override_settings(TIME_ZONE="Asia/Tokyo")
def test_order_page_shows_times_in_the_site_time_zone(owner_client, order_factory, clock):
    order = order_factory(created=datetime(2026, 1, 15, 20, 0, tzinfo=UTC))
    page = page_of(owner_client, order)
    assert "16 Jan 2026, 05:00" in page  # 20:00 UTC is 05:00 the next day in Tokyo


def test_order_page_lists_pause_periods_timeline_and_events(owner_client, order_factory, clock):
    # given
    order = order_factory()
    PausePeriod.objects.create(
        order=order,
        status="ENDED",
        pause_date=START + timedelta(days=3),
        resume_date=START + timedelta(days=5),
    )
    OrderTimelineEntry.objects.create(
        order=order,
        at=START,
        actor_kind="OWNER",
        actor_label="owner",
        action="paused",
        status_before="ACTIVE",
        status_after="PAUSED",
    )
    OrderEvent.objects.create(
        order=order,
        sequence=1,
        event_type="wix.pricing_plans.v2.order_paused",
        slug="paused",
        body={"id": str(order.pk)},
        created_date=START,
    )
    # when
    page = page_of(owner_client, order)
    # then
    assert "resumed" in page
    assert "active &rarr; paused" in page
    assert "wix.pricing_plans.v2.order_paused" in page


def test_order_page_lists_invoices_with_their_payments(
    owner_client, order_factory, invoice_for, clock
):
    order = order_factory()
    invoice = invoice_for(order, paid_at=START)
    page = page_of(owner_client, order)
    assert f"<td>{invoice.number}</td>" in page
    payment = invoice.payments.get()
    assert payment.transaction_id in page
    assert "succeeded" in page


def test_order_page_shows_the_cycles_of_a_started_order(owner_client, order_factory, clock):
    order = order_factory(created=START - timedelta(days=40))
    page = page_of(owner_client, order)
    assert 'id="cycles"' in page
    assert "No cycle has started." not in page


def test_order_page_costs_a_fixed_number_of_queries(
    owner_client, order_factory, invoice_for, django_assert_max_num_queries, clock
):
    order = order_factory()
    for day in range(5):
        invoice_for(order, paid_at=START + timedelta(days=day))
    owner_client.get(f"/admin/orders/order/{order.pk}/change/")
    with django_assert_max_num_queries(16):  # independent of the number of payments
        owner_client.get(f"/admin/orders/order/{order.pk}/change/")


def test_the_timeline_names_who_made_a_change_once(owner_client, order_factory, clock):
    order = order_factory()
    for kind, label in (("OWNER", "owner"), ("MEMBER", "ida"), ("CLOCK", "clock")):
        OrderTimelineEntry.objects.create(
            order=order, at=START, actor_kind=kind, actor_label=label, action="changed"
        )
    page = page_of(owner_client, order)
    assert "owner owner" not in page and "clock clock" not in page
    assert "<td>site owner</td>" in page and "<td>member: ida</td>" in page


def test_the_history_link_shows_the_orders_timeline(owner_client, order_factory, clock):
    order = order_factory()
    OrderTimelineEntry.objects.create(
        order=order, at=START, actor_kind="MEMBER", actor_label="ida", action="paused"
    )
    page = owner_client.get(f"/admin/orders/order/{order.pk}/history/").content.decode()
    assert "member: ida" in page and "paused" in page
    assert "doesn’t have a change history" not in page


def test_durations_read_in_words(owner_client, order_factory, clock):
    order = order_factory(paused_total=timedelta(seconds=2.98), postponed_total=timedelta(days=41))
    page = page_of(owner_client, order)
    assert "0:00:02" not in page and "days, 0:" not in page
    assert "41 days" in page and "less than a minute" in page


def test_postponements_are_not_shown_as_current_after_a_cancellation(
    owner_client, order_factory, clock
):
    order = order_factory(
        status="CANCELED",
        cancellation_cause="OWNER_ACTION",
        postponed_total=timedelta(days=41),
    )
    page = page_of(owner_client, order)
    assert "41 days before the cancellation" in page


def test_plan_and_coupon_lists_show_money_like_the_order_page(owner_client, plan_factory, clock):
    from orders.models import Coupon

    plan_factory(name="Gold", price="10.00")
    Coupon.objects.create(code="TEN", discount_type="PERCENT", value="10")
    plans = owner_client.get("/admin/orders/plan/").content.decode()
    coupons = owner_client.get("/admin/orders/coupon/").content.decode()
    assert "10.00 EUR" in plans and "10.000" not in plans
    assert "10 % off" in coupons and "10.000" not in coupons


def test_order_page_lists_credit_notes(owner_client, owner, clock, member, plan_factory):
    plan = plan_factory(name="Monthly", price="10.00")
    order = order_create_online(plan=plan, buyer=member, actor=Actor.member(member))
    payment = invoice_pay(invoice=Invoice.objects.get(order=order), actor=Actor.system())
    payment_refund(payment_id=payment.pk, actor=Actor.owner(owner), reason="OTHER")
    page = owner_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "CN-1" in page and "Credit notes" in page
