"""The dashboard's charts and the day's numbers: a page, and a fragment for the home.

Everything is computed together, at one moment ("as of"), and kept for a few minutes.
"""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import formats, timezone

from config import clock
from orders import dashboard
from orders.admin import charts
from orders.admin.display import money

# The charts aggregate every order and payment, and an owner does not need them to the
# second: they are recomputed at most this often, and each says when it was computed.
CACHE_SECONDS = 300


def cached_chart_context() -> dict:
    key = f"tally:dashboard-charts:{timezone.get_current_timezone_name()}"
    return cache.get_or_set(key, chart_context, CACHE_SECONDS)


def month_label(month: date) -> str:
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def week_label(week: date) -> str:
    return formats.date_format(week, "MONTH_DAY_FORMAT")


def chart_context() -> dict:
    at = clock.now()
    now = dashboard.running_now()
    measures, revenues = dashboard.monthly(at, now=now)
    return {
        "as_of": at,
        "time_zone": timezone.get_current_timezone_name(),
        "cache_minutes": CACHE_SECONDS // 60,
        "today": _today(dashboard.today_numbers(at, now=now)),
        "now": _now_numbers(measures[-1]),
        **_subscription_charts(measures),
        **_order_charts(at, now),
        "revenues": [_revenue_chart(revenue) for revenue in revenues],
    }


def _today(today: dashboard.Today) -> dict:
    received = [money(amount, currency) for currency, amount in today.received.items()]
    return {**today.__dict__, "received": received}


def _now_numbers(latest: dashboard.MonthMeasures) -> dict:
    return {
        "active_members": latest.active_members,
        "mrr": [money(amount, currency) for currency, amount in latest.mrr.items()],
    }


def _subscription_charts(measures: list[dashboard.MonthMeasures]) -> dict:
    labels = [month_label(m.month) for m in measures]
    currencies = sorted({c for m in measures for c in m.mrr})
    rows = [
        {
            "month": m.month,
            "mrr": [money(m.mrr.get(c, 0), c) for c in currencies],
            "active_members": m.active_members,
            "churn": charts.percent(float(m.churn_rate)) if m.churn_rate is not None else "–",
            "canceled": m.canceled,
            "running": m.subscriptions_at_start,
            "conversion": (
                charts.percent(float(m.trial_conversion)) if m.trial_conversion is not None else "–"
            ),
            "trials": m.trials_ended,
            "converted": m.trials_converted,
        }
        for m in measures
    ]
    return {
        "measure_rows": rows,
        "currencies": currencies,
        "mrr_charts": [
            {
                "currency": c,
                "chart": charts.line_chart(
                    f"Monthly recurring revenue in {c}",
                    labels,
                    [m.mrr.get(c, 0) for m in measures],
                    whole_ticks=False,
                ),
            }
            for c in currencies
        ],
        "members_chart": charts.line_chart(
            "Active members at the end of each month",
            labels,
            [m.active_members for m in measures],
        ),
        "churn_chart": _rate_chart("Churn rate per month", labels, measures, "churn_rate"),
        "trials_chart": _rate_chart(
            "Trial conversion, by the month the trial began", labels, measures, "trial_conversion"
        ),
    }


def _rate_chart(title: str, labels: list[str], measures, attribute: str):
    values = [getattr(m, attribute) for m in measures]
    return charts.line_chart(title, labels, values, fmt=charts.percent, whole_ticks=False)


def _order_charts(at, now: dict) -> dict:
    weeks = dashboard.orders_per_week(at, now=now)
    active = [(w.week, w.active) for w in weeks]
    return {
        "active": active,
        "active_chart": charts.line_chart(
            "Active orders at the end of each week",
            [week_label(w) for w, _ in active],
            [n for _, n in active],
        ),
        "weeks": weeks,
        "weeks_chart": charts.bar_chart(
            "New orders and cancellations per week",
            [week_label(w.week) for w in weeks],
            [("new", [w.new for w in weeks]), ("canceled", [w.canceled for w in weeks])],
        ),
        "weeks_legend": charts.legend(["new orders", "cancellations"]),
    }


def _revenue_chart(revenue: dashboard.Revenue) -> dict:
    def amount(m, plan):
        return revenue.amounts.get((m, plan), 0)

    return {
        "revenue": revenue,
        "chart": charts.bar_chart(
            f"Revenue per month in {revenue.currency}, by plan",
            [month_label(m) for m in revenue.months],
            [(plan, [amount(m, plan) for m in revenue.months]) for plan in revenue.plans],
            stacked=True,
        ),
        "legend": charts.legend(revenue.plans),
        "rows": [
            (
                m,
                [money(amount(m, plan), revenue.currency) for plan in revenue.plans],
                money(revenue.total(m), revenue.currency),
            )
            for m in revenue.months
        ],
    }


def charts_view(model_admin, request, *, fragment: bool):
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    context = cached_chart_context()
    if fragment:
        return TemplateResponse(request, "admin/orders/dashboard_charts.html", context)
    context = dict(
        context,
        **model_admin.admin_site.each_context(request),
        title="Orders at a glance",
        opts=model_admin.opts,
    )
    return TemplateResponse(request, "admin/orders/dashboard.html", context)
