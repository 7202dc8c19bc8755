"""Endpoints and deliveries in the shape of the API (contract section 1)."""

from __future__ import annotations

from typing import Any

from orders.wire import timestamp
from webhooks.models import Attempt, Delivery, Endpoint


def endpoint_to_wire(endpoint: Endpoint) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "id": str(endpoint.pk),
        "url": endpoint.url,
        "eventTypes": list(endpoint.event_types),
        "format": endpoint.format,
        "description": endpoint.description,
        "enabled": endpoint.enabled,
        "createdDate": timestamp(endpoint.created_date),
        "updatedDate": timestamp(endpoint.updated_date),
    }
    if endpoint.disabled_reason:
        wire["disabledReason"] = endpoint.disabled_reason
    return wire


def attempt_to_wire(attempt: Attempt) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "date": timestamp(attempt.at),
        "durationMs": attempt.duration_ms,
        "responseExcerpt": attempt.response_excerpt,
    }
    if attempt.http_status is not None:
        wire["httpStatus"] = attempt.http_status
    if attempt.error:
        wire["error"] = attempt.error
    return wire


def delivery_to_wire(delivery: Delivery) -> dict[str, Any]:
    wire: dict[str, Any] = {
        "id": str(delivery.pk),
        "eventId": str(delivery.event_id),
        "eventType": delivery.event_type,
        "orderId": str(delivery.order_id),
        "sequence": str(delivery.sequence),
        "status": delivery.status,
        "attempts": delivery.attempts,
    }
    if delivery.status == Delivery.Status.PENDING and delivery.next_attempt_at:
        wire["nextAttemptDate"] = timestamp(delivery.next_attempt_at)
    log = list(delivery.attempt_log.all())  # prefetched, oldest first
    if log:
        wire["lastAttempt"] = attempt_to_wire(log[-1])
    return wire
