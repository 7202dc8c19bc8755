"""Order sessions (contract paths, no trailing slash) and paying an invoice (/api/v1)."""

from django.urls import include, path, re_path

from sessions_app.api import views

# The token travels in the path: anything up to the next "/", judged by the codec.
TOKEN = r"(?P<token>[^/]+)"

order_sessions = [
    path("", views.OrderSessionCreateView.as_view()),
    re_path(rf"^/{TOKEN}$", views.OrderSessionDetailView.as_view()),
    re_path(rf"^/{TOKEN}/submit$", views.OrderSessionSubmitView.as_view()),
]

urlpatterns = [
    path("billing/v2/order-sessions", include(order_sessions)),
    path("api/v1/invoices/<uuid:invoice_id>/pay", views.InvoicePayView.as_view()),
]
