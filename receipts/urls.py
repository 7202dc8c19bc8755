"""The Vipps Order Management v1 (draft) paths, declared from the site root."""

from django.urls import path

from receipts.api import views

app_name = "receipts"

urlpatterns = [
    path("order-management/v1/image", views.ImageUploadView.as_view(), name="image-upload"),
    path("order-management/v1/image/<str:image_id>", views.ImageFileView.as_view(), name="image"),
    path(
        "order-management/v1/receipt/<str:transaction_id>",
        views.ReceiptView.as_view(),
        name="receipt",
    ),
    path(
        "order-management/v1/order/<str:transaction_id>",
        views.OrderView.as_view(),
        name="order",
    ),
]
