"""The dashboard home: active orders, new orders and cancellations, revenue by plan, as charts."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from accounts.actors import Actor
from orders import dashboard
from orders.admin import charts
from orders.models import DashboardPeriod
from orders.services.refunds import payment_refund
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)  # a Wednesday
THIS_MONDAY = NOW.date() - timedelta(days=2)


def test_active_orders_counts_orders_in_their_term_at_each_week_end(order_factory, clock):
    # given: one order running all along, one that ended two weeks ago, a draft, a future one
    clock.set(NOW)
    order_factory(created=NOW - timedelta(days=200), end_date=None)
    order_factory(
        created=NOW - timedelta(days=60), end_date=NOW - timedelta(days=12), status="ENDED"
    )
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


def test_a_refund_later_leaves_the_month_of_the_payment_as_it_was(
    order_factory, invoice_for, clock
):
    # given a payment in February, refunded in full in March (a credit note of March)
    february = date(2026, 2, 1)
    invoice = invoice_for(order_factory(), paid_at=datetime(2026, 2, 9, tzinfo=UTC))
    clock.set(NOW)
    payment_refund(
        payment_id=invoice.payments.get().pk,
        actor=Actor.system(),
        reason="REQUESTED_BY_CUSTOMER",
    )
    # when February is computed afresh (nothing stored yet)
    assert not DashboardPeriod.objects.exists()
    [revenue] = dashboard.revenue_per_month(NOW)
    # then it still counts the money taken that month, as a stored February would
    assert invoice.payments.get().status == "REFUNDED"
    assert revenue.total(february) == Decimal("10.00")


def test_charts_page_draws_every_chart_with_its_as_of_time(
    owner_client, order_factory, invoice_for, clock
):
    clock.set(NOW)
    invoice_for(order_factory(created=NOW - timedelta(days=3)), paid_at=NOW)
    page = owner_client.get("/admin/orders/order/dashboard/").content.decode()
    figures = ("chart-mrr-EUR", "chart-members", "chart-churn", "chart-trials")
    for figure in (*figures, "chart-active", "chart-weeks", "chart-revenue-EUR"):
        assert f'id="{figure}"' in page
    assert page.count('<svg class="tally-chart"') == 7
    assert "As of 18 Mar 2026, 12:00 (UTC)" in page
    assert "<style" not in page.split("<body")[1]  # styles come from static files (CSP)


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


MARCH, FEBRUARY = date(2026, 3, 1), date(2026, 2, 1)


def measures_of(month: date) -> dashboard.MonthMeasures:
    return {m.month: m for m in dashboard.subscription_measures(NOW)}[month]


def test_mrr_counts_each_cycle_price_as_a_monthly_amount(order_factory, plan_factory, clock):
    # given: a monthly order of 10 and a yearly one of 120, both running
    yearly = plan_factory(name="Yearly", price="120.00", duration_unit="YEAR")
    order_factory(created=NOW - timedelta(days=40), end_date=None)
    order_factory(plan=yearly, created=NOW - timedelta(days=40), end_date=None)
    # then: 10 + 120 / 12
    assert measures_of(MARCH).mrr == {"EUR": Decimal("20.00")}


def test_mrr_leaves_out_orders_still_in_their_free_trial(order_factory, plan_factory, clock):
    trial = plan_factory(name="Trial", price="15.00", free_trial_days=14)
    in_trial = {"end_date": None, "free_trial_days": 14, "current_cycle_index": 0}
    order_factory(plan=trial, created=NOW - timedelta(days=3), **in_trial)
    order_factory(plan=trial, created=NOW - timedelta(days=30), end_date=None, free_trial_days=14)
    assert measures_of(MARCH).mrr == {"EUR": Decimal("15.00")}


def test_active_members_counts_each_member_once(order_factory, clock):
    ida = make_member("ida")
    order_factory(buyer=ida, created=NOW - timedelta(days=40), end_date=None)
    order_factory(buyer=ida, created=NOW - timedelta(days=40), end_date=None)
    order_factory(
        created=NOW - timedelta(days=40), end_date=NOW - timedelta(days=1), status="ENDED"
    )
    assert measures_of(MARCH).active_members == 1
    assert measures_of(FEBRUARY).active_members == 2


def test_churn_rate_is_cancellations_over_subscriptions_running_when_the_month_began(
    order_factory, clock
):
    # given: four subscriptions running on 1 March, one canceled on 10 March
    for _ in range(3):
        order_factory(created=NOW - timedelta(days=60), end_date=None)
    order_factory(
        created=NOW - timedelta(days=60),
        status="CANCELED",
        end_date=datetime(2026, 3, 10, tzinfo=UTC),
    )
    march = measures_of(MARCH)
    assert (march.canceled, march.subscriptions_at_start) == (1, 4)
    assert march.churn_rate == Decimal("0.25")


def test_trial_conversion_counts_trials_that_reached_a_paid_cycle(
    order_factory, plan_factory, clock
):
    # given: two February trials, one paid on and one dropped; a March trial still running
    trial = plan_factory(name="Trial", price="15.00", free_trial_days=14)

    def trial_order(created, cycle, status="ACTIVE"):
        return order_factory(
            plan=trial,
            created=created,
            end_date=None,
            free_trial_days=14,
            current_cycle_index=cycle,
            status=status,
        )

    trial_order(datetime(2026, 2, 2, tzinfo=UTC), 2)
    trial_order(datetime(2026, 2, 3, tzinfo=UTC), 0, status="CANCELED")
    trial_order(datetime(2026, 3, 12, tzinfo=UTC), 0)  # its trial is not over yet
    february, march = measures_of(FEBRUARY), measures_of(MARCH)
    assert (february.trials_ended, february.trials_converted) == (2, 1)
    assert february.trial_conversion == Decimal("0.5")
    assert march.trial_conversion is None


def test_today_counts_the_day_in_the_site_time_zone(order_factory, invoice_for, clock):
    clock.set(NOW)
    invoice_for(order_factory(created=NOW - timedelta(hours=1)), paid_at=NOW)
    order_factory(created=NOW - timedelta(days=1), cancellation_requested_date=NOW)
    today = dashboard.today_numbers(NOW)
    assert (today.new_orders, today.cancellations, today.active_orders) == (1, 1, 2)
    assert today.received == {"EUR": Decimal("10.00")}


def test_y_ticks_are_round_numbers():
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(130) == [0, 50, 100, 150]
    assert charts.nice_ticks(0.19, whole=False) == pytest.approx([0, 0.05, 0.1, 0.15, 0.2])


def test_x_labels_are_thinned_so_they_never_touch():
    room = (charts.WIDTH - charts.LEFT - charts.RIGHT) / 52
    stride = charts.label_stride(52)
    assert room * stride >= charts.LABEL_SPACE
    assert charts.label_stride(12) == 1


def test_rates_read_as_whole_percentages_unless_a_decimal_says_something():
    assert [charts.percent(v) for v in (0.1 + 0.2, 0.125, 0, 1)] == ["30%", "12.5%", "0%", "100%"]


def test_finished_months_and_weeks_are_computed_once_and_kept(order_factory, clock):
    # given
    clock.set(NOW)
    order_factory(created=NOW - timedelta(days=90), end_date=None)
    # when
    first = dashboard.subscription_measures(NOW)
    dashboard.orders_per_week(NOW)
    # then: every finished period is kept, the current ones are not
    kept = DashboardPeriod.objects.exclude(kind="trials").values_list("kind", "start")
    assert sorted(k for k, _ in kept) == ["month"] * 11 + ["week"] * 11
    assert ("month", MARCH) not in set(kept)
    # and reading them back gives the same figures
    assert dashboard.subscription_measures(NOW) == first
