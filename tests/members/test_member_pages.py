"""A member's own order pages: they see and cancel only their own orders."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from orders.models import CancellationCause, Order, OrderStatus, PricingModel
from orders.services.checkout import order_create_offline

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(clock, member, plan_factory) -> Order:
    plan = plan_factory(name="Monthly", cycle_count=12)
    return order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)


@pytest.fixture
def one_time(clock, member, plan_factory) -> Order:
    plan = plan_factory(name="Lifetime", pricing_model=PricingModel.SINGLE_PAYMENT_UNLIMITED)
    return order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)


def test_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/account/orders/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_member_sees_their_own_orders_only(
    client, member, other_member, subscription, plan_factory
):
    other_plan = plan_factory(name="Someone else's plan")
    order_create_offline(plan=other_plan, buyer=other_member, actor=Actor.system())
    client.force_login(member)
    page = client.get("/account/orders/").content.decode()
    assert "Monthly" in page
    assert "Someone else" not in page


def test_another_members_order_page_is_not_found(client, other_member, subscription):
    client.force_login(other_member)
    assert client.get(f"/account/orders/{subscription.pk}/").status_code == 404


def test_order_page_shows_status_and_invoices(client, member, subscription):
    client.force_login(member)
    page = client.get(f"/account/orders/{subscription.pk}/").content.decode()
    assert "Active" in page
    assert "Invoices" in page
    assert "Cancel at the next payment date" in page


def test_member_cancels_at_the_next_payment_date(client, member, subscription):
    client.force_login(member)
    response = client.post(
        f"/account/orders/{subscription.pk}/cancel", {"effective_at": "NEXT_PAYMENT_DATE"}
    )
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.auto_renew_canceled is True
    assert subscription.status == OrderStatus.ACTIVE
    assert subscription.timeline.filter(actor_kind="MEMBER").exists()


def test_member_cancels_now_with_member_action_as_the_cause(client, member, subscription):
    client.force_login(member)
    client.post(f"/account/orders/{subscription.pk}/cancel", {"effective_at": "IMMEDIATELY"})
    subscription.refresh_from_db()
    assert subscription.status == OrderStatus.CANCELED
    assert subscription.cancellation_cause == CancellationCause.MEMBER_ACTION


def test_one_time_order_offers_only_cancel_now(client, member, one_time):
    client.force_login(member)
    page = client.get(f"/account/orders/{one_time.pk}/").content.decode()
    assert "Cancel now" in page
    assert "Cancel at the next payment date" not in page


def test_refused_cancellation_shows_why_and_changes_nothing(client, member, one_time):
    client.force_login(member)
    response = client.post(
        f"/account/orders/{one_time.pk}/cancel", {"effective_at": "NEXT_PAYMENT_DATE"}, follow=True
    )
    one_time.refresh_from_db()
    assert one_time.status == OrderStatus.ACTIVE
    assert not one_time.auto_renew_canceled
    assert any(m.level_tag == "error" for m in response.context["messages"])


def test_member_cannot_cancel_another_members_order(client, other_member, subscription):
    client.force_login(other_member)
    response = client.post(
        f"/account/orders/{subscription.pk}/cancel", {"effective_at": "IMMEDIATELY"}
    )
    assert response.status_code == 404
    subscription.refresh_from_db()
    assert subscription.status == OrderStatus.ACTIVE


def test_cancel_needs_a_post(client, member, subscription):
    client.force_login(member)
    assert client.get(f"/account/orders/{subscription.pk}/cancel").status_code == 405


def test_home_sends_owner_to_dashboard_and_member_to_their_plans(client, owner, member):
    client.force_login(owner)
    assert client.get("/")["Location"] == "/admin/"
    client.force_login(member)
    assert client.get("/")["Location"] == "/account/orders/"


def test_member_cannot_take_an_action_not_offered_to_members(client, member, subscription):
    client.force_login(member)
    response = client.post(f"/account/orders/{subscription.pk}/act", {"action": "pause"})
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.status == OrderStatus.ACTIVE


def test_member_button_applies_the_declared_action(client, member, subscription):
    client.force_login(member)
    client.post(f"/account/orders/{subscription.pk}/act", {"action": "cancel_now"})
    subscription.refresh_from_db()
    assert subscription.status == OrderStatus.CANCELED
