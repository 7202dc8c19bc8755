"""The Vipps Order Management v1 (draft) paths, declared from the site root."""

from django.urls import include, path

from receipts.api import views
from receipts.api.access_token import AccessTokenView

app_name = "receipts"

order_management_v1 = [
    path("image", views.ImageUploadView.as_view(), name="image-upload"),
    path("image/<str:image_id>", views.ImageFileView.as_view(), name="image"),
    path("receipt/<str:transaction_id>", views.ReceiptView.as_view(), name="receipt"),
    path(
        "receipt/<str:transaction_id>/versions",
        views.ReceiptVersionsView.as_view(),
        name="receipt-versions",
    ),
    path("order/<str:transaction_id>", views.OrderView.as_view(), name="order"),
]

urlpatterns = [
    path("accessToken/get", AccessTokenView.as_view(), name="access-token"),
    path("order-management/v1/", include(order_management_v1)),
]
