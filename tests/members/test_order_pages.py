"""A member's own order pages: they see and cancel only their own orders."""

from __future__ import annotations

import pytest

from accounts.actors import Actor
from orders.models import CancellationCause, Order, OrderStatus, PricingModel
from orders.services import lifecycle
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


def test_cancel_page_says_when_access_ends_and_changes_nothing(client, member, subscription):
    client.force_login(member)
    page = client.get(
        f"/account/orders/{subscription.pk}/cancel", {"effective_at": "NEXT_PAYMENT_DATE"}
    ).content.decode()
    assert "access ends on <strong>15 Feb 2026" in page
    subscription.refresh_from_db()
    assert not subscription.auto_renew_canceled


def test_cancel_page_states_the_trial_rule(client, clock, member, plan_factory):
    plan = plan_factory(name="Trial", free_trial_days=14, cycle_count=12)
    order = order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)
    client.force_login(member)
    page = client.get(
        f"/account/orders/{order.pk}/cancel", {"effective_at": "NEXT_PAYMENT_DATE"}
    ).content.decode()
    assert "You are in your free trial" in page
    assert "29 Jan 2026" in page


def test_member_undoes_a_scheduled_cancellation(client, member, subscription):
    client.force_login(member)
    client.post(f"/account/orders/{subscription.pk}/cancel", {"effective_at": "NEXT_PAYMENT_DATE"})
    page = client.get(f"/account/orders/{subscription.pk}/").content.decode()
    assert "Undo the cancellation" in page
    undo = {"action": "undo_cancellation"}
    confirm = client.get(f"/account/orders/{subscription.pk}/act", undo).content.decode()
    assert "It renews at its next payment date as before." in confirm
    response = client.post(f"/account/orders/{subscription.pk}/act", undo)
    assert response.status_code == 302
    subscription.refresh_from_db()
    assert subscription.auto_renew_canceled is False
    assert subscription.timeline.filter(action="cancellation_undone").exists()


def test_undo_without_a_scheduled_cancellation_shows_why(client, member, subscription):
    client.force_login(member)
    response = client.post(
        f"/account/orders/{subscription.pk}/act", {"action": "undo_cancellation"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["This order has no cancellation at its next payment date to undo."]


def test_member_cannot_undo_another_members_cancellation(
    client, member, other_member, subscription
):
    client.force_login(member)
    client.post(f"/account/orders/{subscription.pk}/cancel", {"effective_at": "NEXT_PAYMENT_DATE"})
    client.force_login(other_member)
    undo = {"action": "undo_cancellation"}
    assert client.post(f"/account/orders/{subscription.pk}/act", undo).status_code == 404
    subscription.refresh_from_db()
    assert subscription.auto_renew_canceled is True


def test_order_page_shows_the_next_payment_and_the_member_timeline(client, member, subscription):
    client.force_login(member)
    page = client.get(f"/account/orders/{subscription.pk}/").content.decode()
    assert "10.00 EUR on 15 Feb 2026" in page
    assert "Order placed" in page


def test_invoice_page_is_printable_and_only_the_members(client, member, other_member, subscription):
    invoice = subscription.invoices.get()
    client.force_login(member)
    page = client.get(f"/account/invoices/{invoice.pk}/").content.decode()
    assert f"Invoice {invoice.number}" in page
    assert "@media print" in page
    client.force_login(other_member)
    assert client.get(f"/account/invoices/{invoice.pk}/").status_code == 404


def test_my_plans_pages_past_fifty_orders(client, member, plan_factory):
    plan = plan_factory(name="Many")
    for _ in range(51):
        order_create_offline(plan=plan, buyer=member, actor=Actor.system())
    client.force_login(member)
    first = client.get("/account/orders/").content.decode()
    assert "Page 1 of 3 (51 orders)" in first
    third = client.get("/account/orders/", {"page": 3}).content.decode()
    assert third.count("/account/orders/") >= 5


def test_my_plans_filters_by_status(client, member, subscription, one_time):
    lifecycle.order_cancel(
        one_time.pk, effective_at="IMMEDIATELY", actor=Actor.member(member), buyer=member
    )
    client.force_login(member)
    page = client.get("/account/orders/", {"status": "CANCELED"}).content.decode()
    assert "Lifetime" in page
    assert "Monthly" not in page


def test_my_plans_reads_a_fixed_number_of_queries(
    client, member, plan_factory, django_assert_max_num_queries
):
    plan = plan_factory(name="Counted", cycle_count=12)
    client.force_login(member)
    for _ in range(3):
        order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)
    with django_assert_max_num_queries(6) as few:
        client.get("/account/orders/")
    for _ in range(30):
        order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/account/orders/")


def test_order_page_reads_a_fixed_number_of_queries(
    client, member, subscription, django_assert_max_num_queries
):
    client.force_login(member)
    with django_assert_max_num_queries(14) as few:
        client.get(f"/account/orders/{subscription.pk}/")
    lifecycle.order_pause(subscription.pk, actor=Actor.member(member))
    lifecycle.order_resume(subscription.pk, actor=Actor.member(member))
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # + the pause periods
        client.get(f"/account/orders/{subscription.pk}/")


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


def test_another_members_order_is_the_sites_not_found_page(
    client, settings, other_member, subscription
):
    settings.DEBUG = False
    client.force_login(other_member)
    response = client.get(f"/account/orders/{subscription.pk}/")
    assert response.status_code == 404
    assert "There is nothing here, or it is not yours to see." in response.content.decode()
