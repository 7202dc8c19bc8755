from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    """Receipts of payments: images, order lines and order metadata."""

    name = "receipts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orders.panels import register_payment_panel
        from receipts.panels import RECEIPT_PANEL

        register_payment_panel(RECEIPT_PANEL)
