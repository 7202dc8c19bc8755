"""Reads shared by the API and the admin."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from accounts.models import App
from webhooks.models import Delivery, Endpoint


def endpoint_list(*, app: App | None) -> QuerySet[Endpoint]:
    endpoints = Endpoint.objects.select_related("app").order_by("created_date")
    return endpoints if app is None else endpoints.filter(app=app)


def delivery_list(
    endpoint: Endpoint,
    *,
    status: str | None = None,
    order_id: uuid.UUID | None = None,
    event_type: str | None = None,
) -> QuerySet[Delivery]:
    """The endpoint's deliveries, newest first, with their attempts."""
    deliveries = Delivery.objects.filter(endpoint=endpoint)
    if status:
        deliveries = deliveries.filter(status=status)
    if order_id:
        deliveries = deliveries.filter(order_id=order_id)
    if event_type:
        deliveries = deliveries.filter(event_type=event_type)
    return deliveries.order_by("-created_date", "-sequence").prefetch_related("attempt_log")
