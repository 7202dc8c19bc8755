"""What every member view shares: the signed-in member's own order, or a 404 page."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from members import selectors
from orders.errors import OrderNotFound
from orders.models import Order


def own_order(request: HttpRequest, order_id) -> Order:
    """The member's own order; another member's is a 404 page, as a missing one is."""
    try:
        return selectors.member_order(request.user, order_id)
    except OrderNotFound as exc:
        raise Http404("No such order.") from exc
