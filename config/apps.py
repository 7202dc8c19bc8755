from django.apps import AppConfig
from django.db.backends.signals import connection_created


class ConfigConfig(AppConfig):
    """Project plumbing shared by every app: the clock, error envelopes, body limits."""

    name = "config"
    verbose_name = "Site settings"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from config.db import use_fast_timestamp_loader

        connection_created.connect(use_fast_timestamp_loader, dispatch_uid="tally-fast-timestamps")
