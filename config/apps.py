from django.apps import AppConfig


class ConfigConfig(AppConfig):
    """Project plumbing shared by every app: the clock, error envelopes, body limits."""

    name = "config"
    verbose_name = "Site settings"
    default_auto_field = "django.db.models.BigAutoField"
