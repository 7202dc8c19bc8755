"""Member pages (signed-in members see and cancel their own orders)."""

from django.urls import path

from orders import views

app_name = "members"

urlpatterns = [
    path("account/orders/", views.my_orders, name="orders"),
    path("account/orders/<uuid:order_id>/", views.my_order, name="order"),
    path("account/orders/<uuid:order_id>/cancel", views.my_order_cancel, name="cancel"),
]
