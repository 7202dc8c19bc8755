from django.apps import AppConfig


class ReceiptsConfig(AppConfig):
    """Receipts of payments: images, order lines and order metadata."""

    name = "receipts"
    default_auto_field = "django.db.models.BigAutoField"
