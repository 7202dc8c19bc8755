"""The Wix Pricing Plans v2 paths (no trailing slash) and Tally's /api/v1 additions.

Order ids are matched as any path segment and parsed by the view, so a malformed id is a
validation error (400) like any other bad field, not a missing route.
"""

from django.urls import include, path

from orders.api import bulk, checkout, management, member, plans, refunds, start_date, v1

ORDER = "orders/<str:order_id>"
CHECKOUT = "checkout/orders"
MEMBER = "member/orders"

PLAN = "plans/<str:plan_id>"

pricing_plans_v2 = [
    path("plans/public", plans.PublicPlanListView.as_view(), name="plans-public"),
    path("plans/public/query", plans.PublicPlanQueryView.as_view(), name="plans-public-query"),
    path("plans/stats", plans.PlanStatsView.as_view(), name="plans-stats"),
    path("plans/clear-primary", plans.ClearPrimaryView.as_view(), name="plans-clear-primary"),
    path("plans", plans.PlanListView.as_view(), name="plans-list"),
    path(PLAN, plans.PlanDetailView.as_view(), name="plans-detail"),
    path(f"{PLAN}/visibility", plans.VisibilityView.as_view(), name="plans-visibility"),
    path(f"{PLAN}/make-primary", plans.MakePrimaryView.as_view(), name="plans-make-primary"),
    path(f"{PLAN}/archive", plans.ArchiveView.as_view(), name="plans-archive"),
    path("orders", management.OrderListView.as_view(), name="orders-list"),
    path(ORDER, management.OrderView.as_view(), name="orders-detail"),
    path(f"{ORDER}/cancel", management.CancelView.as_view(), name="orders-cancel"),
    path(f"{ORDER}/mark-as-paid", management.MarkAsPaidView.as_view(), name="orders-mark-as-paid"),
    path(f"{ORDER}/pause", management.PauseView.as_view(), name="orders-pause"),
    path(f"{ORDER}/resume", management.ResumeView.as_view(), name="orders-resume"),
    path(f"{CHECKOUT}/online", checkout.CreateOnlineOrderView.as_view(), name="checkout-online"),
    path(f"{CHECKOUT}/offline", checkout.CreateOfflineOrderView.as_view(), name="checkout-offline"),
    path(
        f"{CHECKOUT}/preview-online",
        checkout.OnlinePreviewView.as_view(),
        name="checkout-preview-online",
    ),
    path(
        f"{CHECKOUT}/preview-offline",
        checkout.OfflinePreviewView.as_view(),
        name="checkout-preview-offline",
    ),
    path(f"{CHECKOUT}/price-preview", checkout.PricePreviewView.as_view(), name="checkout-price"),
    path(MEMBER, member.MemberOrderListView.as_view(), name="member-orders-list"),
    path(f"{MEMBER}/<str:order_id>", member.MemberOrderView.as_view(), name="member-orders-detail"),
    path(
        f"{MEMBER}/<str:order_id>/cancel",
        member.RequestCancellationView.as_view(),
        name="member-orders-cancel",
    ),
]

api_v1 = [
    path("orders/bulk/pause", bulk.BulkPauseView.as_view(), name="v1-orders-bulk-pause"),
    path("orders/bulk/resume", bulk.BulkResumeView.as_view(), name="v1-orders-bulk-resume"),
    path("orders/stats", bulk.OrderStatsView.as_view(), name="v1-orders-stats"),
    path(
        f"{ORDER}/start-date", start_date.ChangeStartDateView.as_view(), name="v1-order-start-date"
    ),
    path(
        f"{ORDER}/available-actions",
        bulk.AvailableActionsView.as_view(),
        name="v1-order-available-actions",
    ),
    path(f"{ORDER}/payments", v1.OrderPaymentsView.as_view(), name="v1-order-payments"),
    path(f"{ORDER}/invoices", v1.OrderInvoicesView.as_view(), name="v1-order-invoices"),
    path(f"{ORDER}/timeline", v1.OrderTimelineView.as_view(), name="v1-order-timeline"),
    path(
        f"{ORDER}/credit-notes",
        refunds.OrderCreditNotesView.as_view(),
        name="v1-order-credit-notes",
    ),
    path(
        "payments/<str:payment_id>/refund",
        refunds.PaymentRefundView.as_view(),
        name="v1-payment-refund",
    ),
    path(
        "credit-notes/<str:credit_note_id>/retry-refund",
        refunds.RefundRetryView.as_view(),
        name="v1-credit-note-retry-refund",
    ),
]

urlpatterns = [
    path("pricing-plans/v2/", include(pricing_plans_v2)),
    path("api/v1/", include(api_v1)),
]
