"""Startup check: a malformed TALLY_ORDER_SESSION_KEYS stops manage.py (and runserver) with a
clear message, instead of failing the first request that needs a key."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from sessions_app.keys import parse_master_secrets


@checks.register(checks.Tags.security)
def order_session_keys_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    try:
        parse_master_secrets(tuple(settings.TALLY_ORDER_SESSION_KEYS))
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="sessions_app.E001")]
    return []
