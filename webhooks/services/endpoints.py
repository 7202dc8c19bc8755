"""Webhook endpoints: create, change, rotate the secret, delete (contract section 1).

``app`` is the calling app, whose endpoints these must be (another app's endpoint is "not
found"); ``app=None`` is the site owner in the admin, who manages every endpoint.
"""

from __future__ import annotations

import base64
import secrets
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction

from accounts.models import App
from accounts.scopes import READ_ORDERS
from config import clock
from config.errors import FieldError
from orders.services.events import EVENT_TYPES
from webhooks.errors import EndpointNotFound, OrdersScopeMissing
from webhooks.models import Delivery, Endpoint
from webhooks.services.addresses import AddressRefused, target_of
from webhooks.services.chains import chains_release

MAX_DESCRIPTION = 500
SECRET_PREFIX = "whsec_"
# After a rotation the old secret signs beside the new one this long (contract section 3).
SECRET_OVERLAP = timedelta(hours=24)


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def endpoint_get(endpoint_id: uuid.UUID | str, *, app: App | None) -> Endpoint:
    """The endpoint, if ``app`` may see it (any, for the owner)."""
    try:
        query = Endpoint.objects.filter(pk=uuid.UUID(str(endpoint_id)))
    except ValueError as exc:
        raise EndpointNotFound() from exc
    if app is not None:
        query = query.filter(app=app)
    endpoint = query.select_related("app").first()
    if endpoint is None:
        raise EndpointNotFound()
    return endpoint


def clean_app(app: App) -> App:
    """Deliveries carry whole orders: only an app that may read orders may receive them."""
    if READ_ORDERS not in app.scopes:
        raise OrdersScopeMissing()
    return app


def clean_url(url: Any) -> str:
    if not isinstance(url, str) or not url.strip():
        raise FieldError("url", "is required.", rule="REQUIRED_FIELD")
    url = url.strip()
    try:
        target_of(url)
    except AddressRefused as exc:
        raise FieldError("url", str(exc)) from exc
    return url


def clean_event_types(event_types: Iterable[Any] | None) -> list[str]:
    """Full Wix names, each known; empty means every event."""
    clean: list[str] = []
    for index, name in enumerate(event_types or []):
        if name not in EVENT_TYPES:
            raise FieldError(f"eventTypes[{index}]", f"'{name}' is not an order event type.")
        if name not in clean:
            clean.append(name)
    return clean


def clean_description(description: Any) -> str:
    description = (description or "").strip()
    if len(description) > MAX_DESCRIPTION:
        raise FieldError(
            "description", f"must be at most {MAX_DESCRIPTION} characters.", rule="MAX_LENGTH"
        )
    return description


def clean_format(value: Any) -> str:
    if value not in Endpoint.Format.values:
        raise FieldError("format", f"must be one of: {', '.join(Endpoint.Format.values)}.")
    return value


def webhook_endpoint_create(
    *,
    app: App,
    url: str,
    event_types: Iterable[str] | None = None,
    format: str = Endpoint.Format.WIX,
    description: str = "",
    enabled: bool = True,
) -> tuple[Endpoint, str | None]:
    """A new endpoint of ``app``; it receives events written from now on.

    Returns the Standard Webhooks secret too (``None`` for the Wix format): it is shown once.
    """
    clean_app(app)
    fields = {
        "url": clean_url(url),
        "event_types": clean_event_types(event_types),
        "format": clean_format(format),
        "description": clean_description(description),
    }
    secret = new_secret() if fields["format"] == Endpoint.Format.STANDARD_WEBHOOKS else ""
    now = clock.now()
    endpoint = Endpoint.objects.create(
        app=app,
        enabled=bool(enabled),
        disabled_reason="" if enabled else Endpoint.DisabledReason.MANUAL,
        secret=secret,
        created_date=now,
        enabled_date=now,
        updated_date=now,
        **fields,
    )
    return endpoint, secret or None


@transaction.atomic
def webhook_endpoint_update(
    endpoint_id: uuid.UUID | str,
    *,
    app: App | None,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    description: str | None = None,
    enabled: bool | None = None,
) -> Endpoint:
    """Change the given fields (``None`` keeps one). Disabling drops pending deliveries;
    enabling resumes with events written from then on (a replay sends what was missed)."""
    endpoint = endpoint_get(endpoint_id, app=app)
    Endpoint.objects.select_for_update().filter(pk=endpoint.pk).first()  # one change at a time
    endpoint.refresh_from_db()
    if url is not None:
        endpoint.url = clean_url(url)
    if event_types is not None:
        endpoint.event_types = clean_event_types(event_types)
    if description is not None:
        endpoint.description = clean_description(description)
    if enabled is not None and bool(enabled) != endpoint.enabled:
        if enabled:
            endpoint_enable(endpoint)
        else:
            endpoint_disable(endpoint, reason=Endpoint.DisabledReason.MANUAL)
    endpoint.updated_date = clock.now()
    endpoint.save()
    return endpoint


def endpoint_enable(endpoint: Endpoint) -> None:
    """Resume (unsaved): ``wants()`` then takes events written from now on only."""
    endpoint.enabled = True
    endpoint.enabled_date = clock.now()
    endpoint.disabled_reason = ""
    endpoint.failing_since = None


def endpoint_disable(endpoint: Endpoint, *, reason: str) -> int:
    """Stop deliveries to ``endpoint`` (unsaved); its pending deliveries are canceled."""
    endpoint.enabled = False
    endpoint.disabled_reason = reason
    return deliveries_cancel(endpoint_id=endpoint.pk)


def deliveries_cancel(
    *, endpoint_id: uuid.UUID, event_ids: Iterable[uuid.UUID] | None = None
) -> int:
    """Cancel the endpoint's pending deliveries (of ``event_ids`` only, when given); the
    chains they held up move on."""
    pending = Delivery.objects.filter(endpoint_id=endpoint_id, status=Delivery.Status.PENDING)
    if event_ids is not None:
        pending = pending.filter(event_id__in=list(event_ids))
    chains = set(pending.values_list("endpoint_id", "order_id")) if event_ids is not None else ()
    now = clock.now()
    count = pending.update(
        status=Delivery.Status.CANCELED, next_attempt_at=None, claim=None, updated_date=now
    )
    chains_release(chains, now=now)
    return count


@transaction.atomic
def webhook_endpoint_rotate_secret(
    endpoint_id: uuid.UUID | str, *, app: App | None
) -> tuple[Endpoint, str]:
    """A new Standard Webhooks secret (returned once); the old one also signs for 24 hours."""
    endpoint = endpoint_get(endpoint_id, app=app)
    Endpoint.objects.select_for_update().filter(pk=endpoint.pk).first()
    endpoint.refresh_from_db()
    if endpoint.format != Endpoint.Format.STANDARD_WEBHOOKS:
        raise FieldError("format", "only standard-webhooks endpoints have a secret.")
    now = clock.now()
    endpoint.previous_secret, endpoint.secret = endpoint.secret, new_secret()
    endpoint.previous_secret_until = now + SECRET_OVERLAP
    endpoint.updated_date = now
    endpoint.save()
    return endpoint, endpoint.secret


def webhook_endpoint_delete(endpoint_id: uuid.UUID | str, *, app: App | None) -> None:
    """Delete the endpoint with its deliveries: nothing more is sent to it.

    A post already in flight may still arrive; its answer is then dropped.
    """
    endpoint_get(endpoint_id, app=app).delete()
