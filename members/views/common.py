"""What every member view shares: the member's own order (or a 404 page), refusals as sentences."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from config.errors import DomainError, FieldError
from members import selectors
from orders.errors import OrderNotFound
from orders.models import Order


def own_order(request: HttpRequest, order_id) -> Order:
    """The member's own order; another member's is a 404 page, as a missing one is."""
    try:
        return selectors.member_order(request.user, order_id)
    except OrderNotFound as exc:
        raise Http404("No such order.") from exc


def reason(exc: DomainError) -> str:
    """A refusal as a sentence for a page: a field error's message names no field ("is not
    an active order of this member"), so the page says what it is about."""
    if isinstance(exc, FieldError):
        return f"This order cannot be switched: it {exc.message}."
    return exc.message
