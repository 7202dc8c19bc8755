"""Checkout on the site: an order session of the site's own app, created and submitted by the
same services as the API's; one order per form however often it is sent."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from accounts.actors import Actor
from accounts.models import App
from orders.models import Order, OrderStatus
from orders.services.catalogue import coupon_upsert, tax_set
from orders.services.checkout import order_create_offline
from sessions_app.models import SubmittedSession
from tests.members.conftest import buy, checkout_form

pytestmark = pytest.mark.django_db


def test_anonymous_buyer_is_sent_to_sign_in_and_back(client, monthly):
    response = client.get(f"/plans/{monthly.pk}/checkout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/plans/")


def test_confirm_creates_a_draft_through_an_order_session_of_the_site_app(
    client, clock, member, monthly
):
    client.force_login(member)
    response = buy(client, monthly)
    order = Order.objects.get(buyer=member)
    assert response["Location"] == f"/account/orders/{order.pk}/pay/"
    assert order.status == OrderStatus.DRAFT
    session = SubmittedSession.objects.get(order=order)
    assert session.app == App.objects.get(is_site=True)
    assert order.invoices.count() == 1


def test_the_same_form_sent_twice_makes_one_order(client, clock, member, monthly):
    client.force_login(member)
    form = checkout_form()
    first = client.post(f"/plans/{monthly.pk}/checkout/", form)
    second = client.post(f"/plans/{monthly.pk}/checkout/", form)
    assert Order.objects.filter(buyer=member).count() == 1
    assert first["Location"] == second["Location"]


def test_two_forms_make_two_orders(client, clock, member, monthly):
    client.force_login(member)
    buy(client, monthly)
    buy(client, monthly)
    assert Order.objects.filter(buyer=member).count() == 2


def test_a_coupon_lowers_the_price_of_the_order(client, clock, member, monthly):
    coupon_upsert(code="HALF", value=50)
    client.force_login(member)
    buy(client, monthly, coupon_code="half")
    order = Order.objects.get(buyer=member)
    assert (order.coupon_code, str(order.total)) == ("HALF", "5.000")


def test_a_refused_coupon_is_a_sentence_and_no_order(client, clock, member, monthly):
    client.force_login(member)
    response = buy(client, monthly, coupon_code="NOPE")
    assert response.status_code == 400
    assert "No coupon with this code." in response.content.decode()
    assert not Order.objects.filter(buyer=member).exists()


def test_price_preview_json_follows_the_coupon_typed(client, clock, monthly):
    coupon_upsert(code="TWO", value=2, discount_type="FIXED_AMOUNT")
    reply = client.get(f"/plans/{monthly.pk}/price", {"coupon": "TWO"})
    assert json.loads(reply.content)["total"] == "8.00 EUR"
    refused = client.get(f"/plans/{monthly.pk}/price", {"coupon": "GONE"})
    assert refused.status_code == 400
    assert json.loads(refused.content)["error"] == "No coupon with this code."


def test_checkout_page_shows_the_tax(client, clock, member, monthly):
    tax_set(name="VAT", rate=25, included_in_price=False)
    client.force_login(member)
    page = client.get(f"/plans/{monthly.pk}/checkout/").content.decode()
    assert "VAT 25% (added)" in page
    assert "2.50 EUR" in page
    assert "12.50 EUR" in page


def test_checkout_page_states_the_trial_and_the_first_payment_date(
    client, clock, member, plan_factory
):
    plan = plan_factory(name="Trial", free_trial_days=14)
    client.force_login(member)
    page = client.get(f"/plans/{plan.pk}/checkout/").content.decode()
    assert "14-day free trial" in page
    assert "29 Jan 2026" in page  # the clock stands at 15 Jan 2026


def test_checkout_page_says_a_trial_already_had_is_not_given_again(
    client, clock, member, plan_factory
):
    plan = plan_factory(name="Trial", free_trial_days=14)
    order_create_offline(plan=plan, buyer=member, actor=Actor.system("test"), paid=True)
    client.force_login(member)
    page = client.get(f"/plans/{plan.pk}/checkout/").content.decode()
    assert "had this plan's free trial on an earlier order" in page
    assert "29 Jan 2026" not in page


def test_purchase_limit_is_stated_and_enforced_before_paying(client, clock, member, plan_factory):
    plan = plan_factory(name="Once", purchase_limit=1)
    client.force_login(member)
    assert (
        "may hold 1 order of this plan"
        in client.get(f"/plans/{plan.pk}/checkout/").content.decode()
    )
    buy(client, plan)
    page = client.get(f"/plans/{plan.pk}/checkout/").content.decode()
    assert "you cannot buy another now" in page
    response = buy(client, plan)
    assert response.status_code == 400
    assert Order.objects.filter(buyer=member).count() == 1


def test_a_later_start_date_is_kept(client, clock, member, monthly):
    client.force_login(member)
    day = (clock.now + timedelta(days=10)).date()
    buy(client, monthly, start_date=day.isoformat())
    assert Order.objects.get(buyer=member).start_date.date() == day


def test_a_start_date_in_the_past_is_refused(client, clock, member, monthly):
    client.force_login(member)
    day = (clock.now - timedelta(days=3)).date()
    response = buy(client, monthly, start_date=day.isoformat())
    assert response.status_code == 400
    assert "cannot be in the past" in response.content.decode()
    assert not Order.objects.exists()


def test_archived_plan_has_no_checkout(client, clock, member, plan_factory):
    plan = plan_factory(archived=True)
    client.force_login(member)
    assert client.get(f"/plans/{plan.pk}/checkout/").status_code == 404


def test_a_free_plan_needs_no_payment(client, clock, member, plan_factory):
    plan = plan_factory(name="Free", price="0")
    client.force_login(member)
    response = buy(client, plan)
    order = Order.objects.get(buyer=member)
    assert order.status == OrderStatus.ACTIVE
    assert response["Location"] == f"/account/orders/{order.pk}/"


def test_checkout_page_reads_a_fixed_number_of_queries(
    client, clock, member, plan_factory, django_assert_max_num_queries
):
    plan = plan_factory(name="Limited", free_trial_days=7, purchase_limit=100)
    client.force_login(member)
    order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)
    with django_assert_max_num_queries(6) as few:
        client.get(f"/plans/{plan.pk}/checkout/")
    for _ in range(30):
        order_create_offline(plan=plan, buyer=member, actor=Actor.system(), paid=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/plans/{plan.pk}/checkout/")
