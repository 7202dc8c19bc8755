"""Member pages (signed-in members see and cancel their own orders)."""

from django.urls import include, path

from orders import views

app_name = "members"

account_orders = [
    path("", views.my_orders, name="orders"),
    path("<uuid:order_id>/", views.my_order, name="order"),
    path("<uuid:order_id>/cancel", views.my_order_cancel, name="cancel"),
]

urlpatterns = [path("account/orders/", include(account_orders))]
