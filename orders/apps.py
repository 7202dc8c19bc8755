from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """The pricing-plans domain: plans, coupons, orders and everything that happens to them."""

    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orders.checklist import register_order_steps

        register_order_steps()
