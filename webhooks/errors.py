"""The webhook errors the API, the admin and commands show (codes are part of the contract)."""

from __future__ import annotations

from config.errors import ConflictError, DomainError, NotFoundError


class EndpointNotFound(NotFoundError):
    code = "WEBHOOK_ENDPOINT_NOT_FOUND"
    message = "No such webhook endpoint."


class EventNotFound(NotFoundError):
    code = "EVENT_NOT_FOUND"
    message = "No such order event."


class EndpointDisabled(ConflictError):
    code = "WEBHOOK_ENDPOINT_DISABLED"
    message = "The endpoint is disabled: enable it before replaying events to it."


class OrdersScopeMissing(DomainError):
    """Deliveries carry whole orders, so only an app that may read orders may receive them."""

    status = 403
    code = "PERMISSION_DENIED"
    message = "A webhook endpoint needs the scope PRICING_PLANS.READ_ORDERS."
