"""Deployment check: ``TALLY_WEBHOOK_ALLOW_PRIVATE=1`` lets anyone who may create an endpoint
make the worker post to the server's own network (loopback, private addresses, cloud metadata).
It is meant for ``make run`` and the tests; ``check --deploy`` warns when it is on outside
debug mode."""

from __future__ import annotations

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def private_addresses_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if settings.TALLY_WEBHOOK_ALLOW_PRIVATE and not settings.DEBUG:
        return [
            checks.Warning(
                "TALLY_WEBHOOK_ALLOW_PRIVATE=1 lets webhook endpoints reach http:// URLs and "
                "private or loopback addresses (this server's own network).",
                hint="Unset it in production; it is for development and tests.",
                id="webhooks.W001",
            )
        ]
    return []
