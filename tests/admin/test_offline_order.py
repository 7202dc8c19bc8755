"""Adding an offline order: plan, member, start date, paid, coupon, with a live price preview."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.models import Order, OrderStatus, OrderType
from orders.services.catalogue import coupon_upsert, tax_set

pytestmark = pytest.mark.django_db

ADD = "/admin/orders/order/add/"
PREVIEW = "/admin/orders/order/price-preview/"


def test_the_form_creates_a_paid_offline_order(owner_client, plan_factory, member, clock):
    plan = plan_factory(name="Yearly", price="100.00")
    response = owner_client.post(
        ADD, {"plan": str(plan.pk), "member": member.email.upper(), "paid": "on"}
    )
    order = Order.objects.get(buyer=member)
    assert response["Location"] == f"/admin/orders/order/{order.pk}/change/"
    assert (order.type, order.status, order.last_payment_status) == (
        OrderType.OFFLINE,
        OrderStatus.ACTIVE,
        "PAID",
    )


def test_a_future_start_date_makes_a_pending_order(owner_client, plan_factory, member, clock):
    plan = plan_factory(price="10.00")
    form = {"plan": str(plan.pk), "member": str(member.member_id), "start_date": "2026-03-01T09:00"}
    owner_client.post(ADD, form)
    order = Order.objects.get(buyer=member)
    assert order.status == OrderStatus.PENDING
    assert order.last_payment_status == "UNPAID"


def test_an_unknown_member_is_reported_on_the_form(owner_client, plan_factory, clock):
    plan = plan_factory()
    response = owner_client.post(ADD, {"plan": str(plan.pk), "member": "nobody@example.com"})
    assert "No member has this email or member id." in response.content.decode()
    assert not Order.objects.exists()


def test_a_coupon_the_service_refuses_is_reported_on_the_form(
    owner_client, plan_factory, member, clock
):
    plan = plan_factory()
    response = owner_client.post(
        ADD, {"plan": str(plan.pk), "member": member.email, "coupon": "NOPE"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Order.objects.exists()


def test_price_preview_applies_the_coupon_and_tax(owner_client, plan_factory, clock):
    plan = plan_factory(price="100.00")
    coupon_upsert(code="TENOFF", discount_type="PERCENT", value=Decimal("10"))
    tax_set(name="VAT", rate=Decimal("20"), included_in_price=False)
    body = owner_client.get(PREVIEW, {"plan": str(plan.pk), "coupon": "tenoff"}).json()
    assert body["ok"] is True
    assert (body["subtotal"], body["discount"], body["currency"]) == ("100.00", "10.00", "EUR")
    assert body["total"] == "108.00"


def test_price_preview_explains_a_bad_coupon_or_a_missing_plan(owner_client, plan_factory, clock):
    plan = plan_factory()
    refused = owner_client.get(PREVIEW, {"plan": str(plan.pk), "coupon": "NOPE"}).json()
    no_plan = owner_client.get(PREVIEW, {"plan": "not-a-plan"}).json()
    assert refused["ok"] is False and refused["message"]
    assert no_plan == {"ok": False, "message": "Choose a plan."}


def test_the_form_page_uses_tallys_own_script(owner_client, plan_factory):
    page = owner_client.get(ADD).content.decode()
    assert "/static/orders/offline-order.js" in page
    assert 'data-preview-url="/admin/orders/order/price-preview/"' in page


def test_an_inactive_member_cannot_buy_through_the_offline_form(
    owner_client, plan_factory, member, clock
):
    # given a member whose account is disabled
    type(member).objects.filter(pk=member.pk).update(is_active=False)
    # when the owner registers an offline order for them
    response = owner_client.post(ADD, {"plan": str(plan_factory().pk), "member": member.email})
    # then the checkout refuses it, and the form says so
    assert response.status_code == 200
    assert "No member with this id." in response.content.decode()
    assert not Order.objects.exists()
