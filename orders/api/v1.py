"""Tally's own additions under /api/v1/: an order's payments, invoices and timeline.

Same authentication and error envelope as the Wix paths. Apps that may read orders (any of
``scopes.ORDER_READERS``) see any order; a member (READ_OWN_ORDERS) sees only their own, and
another member's order is 404.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from accounts.caller import caller_of
from accounts.models import User
from orders import selectors
from orders.api import docs
from orders.api.base import WixView
from orders.wire import invoice_to_wire, payment_to_wire, timeline_to_wire

TAG = "Tally v1"


class OrderRecordsView(WixView):
    """GET the records of one order, rendered as ``{key: [...]}``."""

    key = ""
    select = staticmethod(selectors.order_payments)
    render = staticmethod(payment_to_wire)

    @property
    def required_scopes(self) -> str | tuple[str, ...]:
        caller = caller_of(self.request)
        return scopes.READ_OWN_ORDERS if caller and caller.is_member else scopes.ORDER_READERS

    def member_of(self, request: Request) -> User | None:
        caller = self.caller(request)
        return caller.member if caller.is_member else None

    def get(self, request: Request, order_id: str) -> Response:
        order = selectors.order_get(self.order_id(order_id), buyer=self.member_of(request))
        return Response({self.key: [self.render(item) for item in self.select(order)]})


@extend_schema_view(
    get=extend_schema(
        operation_id="getOrderPayments",
        tags=[TAG],
        parameters=[docs.ORDER_ID],
        responses=docs.reply(docs.PAYMENTS),
    )
)
class OrderPaymentsView(OrderRecordsView):
    key = "payments"
    select = staticmethod(selectors.order_payments)
    render = staticmethod(payment_to_wire)


@extend_schema_view(
    get=extend_schema(
        operation_id="getOrderInvoices",
        tags=[TAG],
        parameters=[docs.ORDER_ID],
        responses=docs.reply(docs.INVOICES),
    )
)
class OrderInvoicesView(OrderRecordsView):
    key = "invoices"
    select = staticmethod(selectors.order_invoices)
    render = staticmethod(invoice_to_wire)


@extend_schema_view(
    get=extend_schema(
        operation_id="getOrderTimeline",
        tags=[TAG],
        parameters=[docs.ORDER_ID],
        responses=docs.reply(docs.TIMELINE),
    )
)
class OrderTimelineView(OrderRecordsView):
    key = "timeline"
    select = staticmethod(selectors.order_timeline)
    render = staticmethod(timeline_to_wire)
