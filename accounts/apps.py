from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Who calls Tally: members, apps and their tokens."""

    name = "accounts"
    verbose_name = "Members and apps"
    default_auto_field = "django.db.models.BigAutoField"
