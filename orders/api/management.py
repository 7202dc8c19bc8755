"""OrderManagementService: the site's apps read and change any order.

Each action parses, calls one lifecycle service, and answers ``{}``; the rules (which states
allow what, what the change does) are the services'.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from config.api import parsed
from orders.api import docs, serializers
from orders.api.base import OrderListMixin, WixView
from orders.services import lifecycle

TAG = "Order management"


class OrderListView(OrderListMixin, WixView):
    required_scopes = scopes.READ_ORDERS

    @extend_schema(
        operation_id="managementListOrders",
        tags=[TAG],
        parameters=[serializers.ListOrdersQuery, *docs.COMPLEX_QUERY],
        responses=docs.reply(docs.ORDER_LIST),
    )
    def get(self, request: Request) -> Response:
        return self.list_orders(request, buyer=None)


class OrderView(WixView):
    required_scopes = {"GET": scopes.READ_ORDERS, "PATCH": scopes.MANAGE_ORDERS}

    @extend_schema(
        operation_id="managementGetOrder",
        tags=[TAG],
        parameters=[docs.ORDER_ID, serializers.GetOrderQuery, docs.ID_QUERY],
        responses=docs.reply(docs.ORDER),
    )
    def get(self, request: Request, order_id: str) -> Response:
        return self.get_order(request, order_id)

    @extend_schema(
        operation_id="postponeEndDate",
        parameters=[docs.ORDER_ID],
        tags=[TAG],
        request=serializers.PostponeEndDateBody,
        responses=docs.reply(docs.EMPTY),
    )
    def patch(self, request: Request, order_id: str) -> Response:
        order_id = self.order_id(order_id)
        body = parsed(serializers.PostponeEndDateBody, request.data)
        lifecycle.order_postpone_end_date(
            order_id, end_date=body["endDate"], actor=self.caller(request).actor
        )
        return self.done()


class CancelView(WixView):
    required_scopes = scopes.MANAGE_ORDERS

    @extend_schema(
        operation_id="cancelOrder",
        parameters=[docs.ORDER_ID],
        tags=[TAG],
        request=serializers.CancelBody,
        responses=docs.reply(docs.EMPTY),
    )
    def post(self, request: Request, order_id: str) -> Response:
        order_id = self.order_id(order_id)
        body = parsed(serializers.CancelBody, request.data)
        lifecycle.order_cancel(
            order_id,
            effective_at=body["effectiveAt"],
            actor=self.caller(request).actor,
            buyer=self.member_of(request),
        )
        return self.done()


class OrderActionView(WixView):
    """POST with only the id (pause, resume, mark as paid): one lifecycle service each."""

    required_scopes = scopes.MANAGE_ORDERS
    service_name = ""

    def post(self, request: Request, order_id: str) -> Response:
        service = getattr(lifecycle, self.service_name)
        service(self.order_id(order_id), actor=self.caller(request).actor)
        return self.done()


def _documented(operation_id: str):
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id,
            parameters=[docs.ORDER_ID],
            tags=[TAG],
            request=docs.ID_BODY,
            responses=docs.reply(docs.EMPTY),
        )
    )


@_documented("markAsPaid")
class MarkAsPaidView(OrderActionView):
    service_name = "order_mark_paid"


@_documented("pauseOrder")
class PauseView(OrderActionView):
    service_name = "order_pause"


@_documented("resumeOrder")
class ResumeView(OrderActionView):
    service_name = "order_resume"
