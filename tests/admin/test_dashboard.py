"""The dashboard home: active orders, new orders and cancellations, revenue by plan, as charts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from orders import dashboard

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday
THIS_MONDAY = NOW.date() - timedelta(days=2)


def test_active_orders_counts_orders_in_their_term_at_each_week_end(order_factory, clock):
    # given: one order running all along, one that ended two weeks ago, a draft, a future one
    clock.set(NOW)
    order_factory(created=NOW - timedelta(days=200), end_date=None)
    order_factory(created=NOW - timedelta(days=60), end_date=NOW - timedelta(days=12))
    order_factory(created=NOW - timedelta(days=30), status="DRAFT")
    order_factory(created=NOW, start_date=NOW + timedelta(days=3), status="PENDING")
    # when
    points = dict(dashboard.active_orders(NOW))
    # then
    assert points[THIS_MONDAY] == 1
    assert points[THIS_MONDAY - timedelta(weeks=3)] == 2
    assert len(points) == dashboard.WEEKS


def test_new_orders_and_cancellations_are_counted_per_week(order_factory, clock):
    clock.set(NOW)
    order_factory(created=NOW - timedelta(days=1))
    order_factory(created=NOW - timedelta(days=1))
    order_factory(created=NOW - timedelta(days=8), cancellation_requested_date=NOW)
    weeks = {w.week: w for w in dashboard.orders_per_week(NOW)}
    assert (weeks[THIS_MONDAY].new, weeks[THIS_MONDAY].canceled) == (2, 1)
    last_week = weeks[THIS_MONDAY - timedelta(weeks=1)]
    assert (last_week.new, last_week.canceled) == (1, 0)


@override_settings(TIME_ZONE="Pacific/Auckland")
def test_weeks_are_cut_in_the_site_time_zone(order_factory, clock):
    # 20:00 UTC on Sunday 15 March is Monday 16 March, 09:00 in Auckland
    order_factory(created=datetime(2026, 3, 15, 20, 0, tzinfo=UTC))
    weeks = {w.week: w.new for w in dashboard.orders_per_week(NOW)}
    assert weeks[THIS_MONDAY] == 1


def test_revenue_is_summed_per_month_and_plan(order_factory, invoice_for, plan_factory, clock):
    # given
    gold = plan_factory(name="Gold", price="30.00")
    invoice_for(order_factory(), paid_at=datetime(2026, 3, 2, tzinfo=UTC))
    invoice_for(order_factory(), paid_at=datetime(2026, 3, 9, tzinfo=UTC))
    invoice_for(order_factory(plan=gold), paid_at=datetime(2026, 2, 9, tzinfo=UTC))
    invoice_for(order_factory())  # issued, not paid: no revenue
    # when
    [revenue] = dashboard.revenue_per_month(NOW)
    # then
    march, february = datetime(2026, 3, 1).date(), datetime(2026, 2, 1).date()
    assert revenue.currency == "EUR"
    assert revenue.plans == ["Gold", "Monthly"]
    assert revenue.amounts[(march, "Monthly")] == Decimal("20.00")
    assert revenue.amounts[(february, "Gold")] == Decimal("30.00")
    assert revenue.total(march) == Decimal("20.00")


def test_charts_page_draws_three_svg_charts(owner_client, order_factory, invoice_for, clock):
    clock.set(NOW)
    invoice_for(order_factory(created=NOW - timedelta(days=3)), paid_at=NOW)
    page = owner_client.get("/admin/orders/order/dashboard/").content.decode()
    assert page.count('<svg class="tally-chart"') == 3
    for figure in ("chart-active", "chart-weeks", "chart-revenue-EUR"):
        assert f'id="{figure}"' in page


def test_admin_home_loads_the_charts_from_tally_itself(owner_client):
    page = owner_client.get("/admin/").content.decode()
    assert 'id="tally-charts"' in page
    assert 'data-src="/admin/orders/order/dashboard/charts/"' in page
    assert "/static/orders/dashboard.js" in page
    assert "http://" not in page.split("<body")[0].replace("http://www.w3.org", "")
    fragment = owner_client.get("/admin/orders/order/dashboard/charts/")
    assert fragment.status_code == 200
    assert "<svg" in fragment.content.decode()


def test_charts_need_the_view_permission(client, member):
    member.is_staff = True
    member.save()
    client.force_login(member)
    assert 'id="tally-charts"' not in client.get("/admin/").content.decode()
    assert client.get("/admin/orders/order/dashboard/charts/").status_code == 403


def test_the_charts_are_computed_once_then_reused(
    owner_client, order_factory, django_assert_max_num_queries
):
    # given: the charts were drawn once
    order_factory()
    owner_client.get("/admin/orders/order/dashboard/charts/")
    # when / then: drawing them again reads only the session and the user
    with django_assert_max_num_queries(2):
        owner_client.get("/admin/orders/order/dashboard/charts/")
