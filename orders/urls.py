"""Member pages (signed-in members see their own orders and take the actions offered)."""

from django.urls import include, path

from orders import views

app_name = "members"

account_orders = [
    path("", views.my_orders, name="orders"),
    path("<uuid:order_id>/", views.my_order, name="order"),
    path("<uuid:order_id>/cancel", views.my_order_cancel, name="cancel"),
    path("<uuid:order_id>/act", views.my_order_act, name="act"),
]

urlpatterns = [path("account/orders/", include(account_orders))]
