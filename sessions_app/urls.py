"""Order sessions (contract paths, no trailing slash) and paying an invoice (/api/v1).

One flat list: each call is matched in one step, without building a match for a group first.
"""

from django.urls import path, re_path

from sessions_app.api import views

# The token travels in the path: anything up to the next "/", judged by the codec.
SESSION = r"^billing/v2/order-sessions/(?P<token>[^/]+)"

urlpatterns = [
    path("billing/v2/order-sessions", views.OrderSessionCreateView.as_view()),
    re_path(rf"{SESSION}$", views.OrderSessionDetailView.as_view()),
    re_path(rf"{SESSION}/submit$", views.OrderSessionSubmitView.as_view()),
    path("api/v1/invoices/<uuid:invoice_id>/pay", views.InvoicePayView.as_view()),
]
