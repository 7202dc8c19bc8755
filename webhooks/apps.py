from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    """Order events delivered to apps: endpoints, deliveries, signing keys and the relay job.

    ``orders`` knows nothing of this app: the relay reads the outbox (``OrderEvent``) and
    registers itself as a worker job here, in a thread of its own: another job's long tick
    (a burst of member emails, a large clock sweep) does not stop its rounds.
    """

    name = "webhooks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orders.worker import register_job
        from webhooks import system_checks  # noqa: F401 - registers the check
        from webhooks.relay import relay_job

        register_job("webhooks", relay_job, own_thread=True)
