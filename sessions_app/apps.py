from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    """Order sessions: per-app JWE checkout tokens, their keys, and submitting them."""

    name = "sessions_app"
    label = "sessions_app"
    verbose_name = "Order sessions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from sessions_app import system_checks  # noqa: F401 - registers the check
