"""What the relay tidies now and then: old delivery records and expired keys and secrets."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from config import clock
from webhooks.models import Delivery, Endpoint
from webhooks.services.keys import signing_keys_drop_expired

CHUNK = 1000


def deliveries_prune() -> int:
    """Delete finished deliveries (and their attempts) older than the retention period;
    the events stay, they are the orders' history."""
    cutoff = clock.now() - timedelta(days=settings.TALLY_WEBHOOK_RETENTION_DAYS)
    old = Delivery.objects.filter(updated_date__lt=cutoff).exclude(status=Delivery.Status.PENDING)
    deleted = 0
    while True:  # in chunks, so no one transaction holds many rows
        ids = list(old.values_list("pk", flat=True)[:CHUNK])
        if not ids:
            return deleted
        deleted += Delivery.objects.filter(pk__in=ids).delete()[1].get("webhooks.Delivery", 0)


def secrets_drop_expired() -> int:
    """Forget rotated Standard Webhooks secrets once their 24 hours are over."""
    return Endpoint.objects.filter(previous_secret_until__lte=clock.now()).update(
        previous_secret="", previous_secret_until=None
    )


def webhooks_tidy() -> int:
    return deliveries_prune() + signing_keys_drop_expired() + secrets_drop_expired()
