from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """The pricing-plans domain: plans, coupons, orders and everything that happens to them."""

    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"
