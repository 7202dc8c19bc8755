from django.apps import AppConfig


class OrdersConfig(AppConfig):
    """The pricing-plans domain: plans, coupons, orders and everything that happens to them."""

    name = "orders"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from config.idempotency import keys_purge
        from orders.checklist import register_order_steps
        from orders.worker import register_job

        register_order_steps()
        register_job("idempotency_keys", keys_purge)  # forget Idempotency-Keys after 24 h
