"""The orders list and the order page. Nothing here changes an order: actions do, via services.

The list is built to stay fast at a million orders: one query for the page (buyer joined,
plan name read from the order's snapshot), one for the pause periods the next-payment column
needs, a bounded count (``EstimatedCountPaginator``) and no facet counts.
"""

from __future__ import annotations

import uuid

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.urls import path

from config import clock
from config.adminlists import TitledListAdmin
from orders.admin import actions, dashboard_page, export, offline, order_page, refund
from orders.admin.display import day, money, next_payment_date, order_label
from orders.admin.filters import DateRangeFilter, PastDueFilter
from orders.admin.paging import EstimatedCountPaginator
from orders.admin.search import MAX_BUYERS, order_search
from orders.models import Order
from orders.selectors import orders_for_rendering

NOTABLE_PAYMENT = {"FAILED", "UNPAID", "REFUNDED"}


@admin.register(Order)
class OrderAdmin(TitledListAdmin, admin.ModelAdmin):
    # The columns an owner scans, narrow enough for a 1366 px screen with the filters beside
    # them; everything else is on the order page.
    list_display = ("buyer_email", "plan_bought", "status_text", "next_or_end", "total_amount")
    list_display_links = ("buyer_email",)
    list_filter = (
        "status",
        "last_payment_status",
        PastDueFilter,
        "plan",
        "type",
        "auto_renew_canceled",
        ("created_date", DateRangeFilter),
        ("start_date", DateRangeFilter),
        ("end_date", DateRangeFilter),
    )
    list_per_page = 50
    list_max_show_all = 500
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # The search box is replaced by order_search; one field keeps Django showing the box.
    search_fields = ("buyer__email",)
    search_help_text = "Search by buyer email, member id, order id or invoice number."
    # The same order as the order_created_idx index (created_date DESC, id), so a page is an
    # index range scan, never a sort of the whole table.
    ordering = ("-created_date", "id")
    sortable_by = ()
    actions = actions.ORDER_ACTIONS
    fieldsets = order_page.FIELDSETS
    readonly_fields = order_page.READONLY_FIELDS
    object_history_template = "admin/orders/order/object_history.html"

    # ---- the list ----------------------------------------------------------------------

    def get_queryset(self, request):
        return orders_for_rendering().order_by(*self.get_ordering(request))

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        search = order_search(search_term)
        if search.too_many_buyers:
            self.message_user(
                request,
                f"More than {MAX_BUYERS:,} members' emails contain '{search_term.strip()}': "
                f"showing the orders of the first {MAX_BUYERS:,}. Type more of the email.",
                messages.WARNING,
            )
        return queryset.filter(search.q), False

    @admin.display(description="buyer")
    def buyer_email(self, order: Order) -> str:
        return order.buyer.email or order.buyer.get_username()

    @admin.display(description="plan")
    def plan_bought(self, order: Order) -> str:
        return order.plan_name  # the plan as bought; no join

    @admin.display(description="status")
    def status_text(self, order: Order) -> str:
        """The status, and the payment's only when it needs the owner's eye."""
        text = order.get_status_display()
        if order.last_payment_status in NOTABLE_PAYMENT:
            text += f", {order.get_last_payment_status_display()}"
        return text

    @admin.display(description="next payment or end")
    def next_or_end(self, order: Order) -> str:
        if order.payment_retry_at is not None:  # past due: the next try at the open invoice
            return f"retries {day(order.payment_retry_at)}"
        payment = next_payment_date(order)
        if payment is not None:
            return f"pays {day(payment)}"
        if order.end_date is None:
            return "no end"
        verb = "ended" if order.end_date <= clock.now() else "ends"
        return f"{verb} {day(order.end_date)}"

    @admin.display(description="total")
    def total_amount(self, order: Order) -> str:
        return money(order.total, order.currency)

    def response_action(self, request, queryset):
        """Refuse selections that are not order ids before Django filters by them."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        try:
            [uuid.UUID(value) for value in selected]
        except ValueError:
            self.message_user(request, "That selection is not a list of orders.", messages.ERROR)
            return None
        return super().response_action(request, queryset)

    # ---- permissions: the order page is read-only; changes go through actions ----------

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None:
            return False  # no form edits: every change is an action calling a service
        return super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # orders are records; they end or are canceled, never deleted

    # ---- the order page ----------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = dict(extra_context or {})
        order = self.get_object(request, object_id)
        if order is not None:
            extra.update(order_page.sections(order))
            extra["order_actions"] = actions.buttons_for(self, request, order)
            extra["subtitle"] = order_label(order)
        return super().change_view(request, object_id, form_url, extra_context=extra)

    def history_view(self, request, object_id, extra_context=None):
        """An order's history is its timeline: every change, by anyone, not only admin edits."""
        extra = dict(extra_context or {})
        order = self.get_object(request, object_id)
        if order is not None:
            extra["timeline"] = order_page.timeline_rows(order)
            extra["subtitle"] = order_label(order)
        return super().history_view(request, object_id, extra_context=extra)

    # ---- extra pages: add offline order, price preview, CSV export, charts --------------

    def add_view(self, request, form_url="", extra_context=None):
        return offline.offline_order_view(self, request)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("price-preview/", wrap(self._price_preview), name=f"{prefix}_price_preview"),
            path("export.csv", wrap(self._export), name=f"{prefix}_export"),
            path("dashboard/", wrap(self._dashboard), name=f"{prefix}_dashboard"),
            path("dashboard/charts/", wrap(self._charts), name=f"{prefix}_charts"),
            path(
                "payments/<uuid:payment_id>/refund/",
                wrap(self._refund),
                name=f"{prefix}_refund",
            ),
            path(
                "credit-notes/<uuid:credit_note_id>/retry-refund/",
                wrap(self._refund_retry),
                name=f"{prefix}_refund_retry",
            ),
            *super().get_urls(),
        ]

    def _refund(self, request, payment_id):
        return refund.refund_view(self, request, payment_id)

    def _refund_retry(self, request, credit_note_id):
        return refund.refund_retry_view(self, request, credit_note_id)

    def _price_preview(self, request):
        return offline.price_preview_view(self, request)

    def _export(self, request):
        return export.export_view(self, request)

    def _dashboard(self, request):
        return dashboard_page.charts_view(self, request, fragment=False)

    def _charts(self, request):
        return dashboard_page.charts_view(self, request, fragment=True)
