"""Order sessions (contract paths, no trailing slash) and paying an invoice (/api/v1).

The token travels in the path: any segment (up to the next "/"), judged by the codec.
"""

from django.urls import path

from sessions_app.api import views

SESSION = "billing/v2/order-sessions/<str:token>"

urlpatterns = [
    path("billing/v2/order-sessions", views.OrderSessionCreateView.as_view()),
    path(SESSION, views.OrderSessionDetailView.as_view()),
    path(f"{SESSION}/submit", views.OrderSessionSubmitView.as_view()),
    path("api/v1/invoices/<uuid:invoice_id>/pay", views.InvoicePayView.as_view()),
]
