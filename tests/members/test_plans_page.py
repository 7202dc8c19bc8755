"""The plans page: public plans on sale, in words, for anyone."""

from __future__ import annotations

import pytest

from orders.models import PricingModel

pytestmark = pytest.mark.django_db


def test_plans_page_lists_public_plans_with_price_cycle_trial_and_duration(client, plan_factory):
    plan_factory(name="Monthly", price="10.00", cycle_count=12, free_trial_days=14)
    page = client.get("/plans/").content.decode()
    assert "Monthly" in page
    assert "10.00 EUR every month" in page
    assert "14-day free trial" in page
    assert "12 payments (12 months)" in page
    assert "Buy" in page


def test_archived_and_hidden_plans_are_not_on_the_plans_page(client, plan_factory):
    plan_factory(name="Old plan", archived=True)
    plan_factory(name="Secret plan", is_public=False)
    page = client.get("/plans/").content.decode()
    assert "Old plan" not in page
    assert "Secret plan" not in page


def test_site_root_shows_the_plans(client, plan_factory):
    plan_factory(name="Lifetime", price="99", pricing_model=PricingModel.SINGLE_PAYMENT_UNLIMITED)
    page = client.get("/")
    assert page.status_code == 200
    assert "99.00 EUR once" in page.content.decode()


def test_money_is_shown_by_the_currency_minor_unit(client, plan_factory):
    plan_factory(name="Yen plan", price="1000", currency="JPY")
    assert "1,000 JPY every month" in client.get("/plans/").content.decode()


def test_plans_page_reads_a_fixed_number_of_queries(
    client, plan_factory, member, django_assert_max_num_queries
):
    client.force_login(member)
    plan_factory(name="First", free_trial_days=7)
    with django_assert_max_num_queries(4) as few:
        client.get("/plans/")
    for index in range(20):
        plan_factory(name=f"Plan {index}", cycle_count=12, free_trial_days=index % 2 * 7 or None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/plans/")
