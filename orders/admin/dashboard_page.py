"""The dashboard home's charts: a full page, and the same charts as a fragment for the index."""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils import timezone

from config import clock
from orders import dashboard
from orders.admin import charts

# The charts aggregate every order and payment (seconds with a million orders), and an owner
# does not need them to the second: they are recomputed at most this often.
CACHE_SECONDS = 300


def cached_chart_context() -> dict:
    key = f"tally:dashboard-charts:{timezone.get_current_timezone_name()}"
    return cache.get_or_set(key, chart_context, CACHE_SECONDS)


def chart_context() -> dict:
    at = clock.now()
    active = dashboard.active_orders(at)
    weeks = dashboard.orders_per_week(at)
    revenues = dashboard.revenue_per_month(at)
    week_labels = [w.week.strftime("%d %b") for w in weeks]
    return {
        "active": active,
        "active_chart": charts.line_chart(
            "Active orders at the end of each week",
            [w.strftime("%d %b") for w, _ in active],
            [n for _, n in active],
        ),
        "weeks": weeks,
        "weeks_chart": charts.bar_chart(
            "New orders and cancellations per week",
            week_labels,
            [("new", [w.new for w in weeks]), ("canceled", [w.canceled for w in weeks])],
        ),
        "weeks_legend": charts.legend(["new orders", "cancellations"]),
        "revenues": [
            {
                "revenue": revenue,
                "chart": charts.bar_chart(
                    f"Revenue per month in {revenue.currency}, by plan",
                    [m.strftime("%b %Y") for m in revenue.months],
                    [
                        (plan, [revenue.amounts.get((m, plan), 0) for m in revenue.months])
                        for plan in revenue.plans
                    ],
                    stacked=True,
                ),
                "legend": charts.legend(revenue.plans),
                "rows": [
                    (
                        m,
                        [revenue.amounts.get((m, plan), 0) for plan in revenue.plans],
                        revenue.total(m),
                    )
                    for m in revenue.months
                ],
            }
            for revenue in revenues
        ],
        "palette_css": charts.palette_css(),
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
