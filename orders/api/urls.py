"""The Wix Pricing Plans v2 paths (no trailing slash) and Tally's /api/v1 additions.

Order ids are matched as any path segment and parsed by the view, so a malformed id is a
validation error (400) like any other bad field, not a missing route.
"""

from django.urls import path

from orders.api import checkout, management, member, v1

ORDERS = "pricing-plans/v2/orders"
CHECKOUT = "pricing-plans/v2/checkout/orders"
MEMBER = "pricing-plans/v2/member/orders"

urlpatterns = [
    path(ORDERS, management.OrderListView.as_view(), name="orders-list"),
    path(f"{ORDERS}/<str:order_id>", management.OrderView.as_view(), name="orders-detail"),
    path(f"{ORDERS}/<str:order_id>/cancel", management.CancelView.as_view(), name="orders-cancel"),
    path(
        f"{ORDERS}/<str:order_id>/mark-as-paid",
        management.MarkAsPaidView.as_view(),
        name="orders-mark-as-paid",
    ),
    path(f"{ORDERS}/<str:order_id>/pause", management.PauseView.as_view(), name="orders-pause"),
    path(f"{ORDERS}/<str:order_id>/resume", management.ResumeView.as_view(), name="orders-resume"),
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
    path(
        "api/v1/orders/<str:order_id>/payments",
        v1.OrderPaymentsView.as_view(),
        name="v1-order-payments",
    ),
    path(
        "api/v1/orders/<str:order_id>/invoices",
        v1.OrderInvoicesView.as_view(),
        name="v1-order-invoices",
    ),
    path(
        "api/v1/orders/<str:order_id>/timeline",
        v1.OrderTimelineView.as_view(),
        name="v1-order-timeline",
    ),
]
