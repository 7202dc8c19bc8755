from django.apps import AppConfig


class MembersConfig(AppConfig):
    """The member side of the site: plans, accounts, checkout, paying, my plans, emails."""

    name = "members"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from members.services.emails import member_emails_job
        from orders.worker import register_job

        register_job("member_emails", member_emails_job)
