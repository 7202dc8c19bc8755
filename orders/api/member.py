"""MemberOrdersService: a member reads and cancels their own orders, and no one else's.

Another member's order answers 404 exactly as a missing one does, so ids cannot be probed.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from orders.api import docs, serializers
from orders.api.base import MemberView, OrderListMixin
from orders.api.management import CancelView

TAG = "Member orders"


class MemberOrderListView(OrderListMixin, MemberView):
    required_scopes = scopes.READ_OWN_ORDERS
    query_serializer = serializers.MemberListOrdersQuery
    default_order = "ASC"

    @extend_schema(
        operation_id="memberListOrders",
        tags=[TAG],
        parameters=[serializers.MemberListOrdersQuery, *docs.COMPLEX_QUERY],
        responses=docs.reply(docs.ORDER_LIST),
    )
    def get(self, request: Request) -> Response:
        return self.list_orders(request, buyer=self.member_of(request))


class MemberOrderView(MemberView):
    required_scopes = scopes.READ_OWN_ORDERS

    @extend_schema(
        operation_id="memberGetOrder",
        tags=[TAG],
        parameters=[docs.ORDER_ID, serializers.GetOrderQuery, docs.ID_QUERY],
        responses=docs.reply(docs.ORDER),
    )
    def get(self, request: Request, order_id: str) -> Response:
        return self.get_order(request, order_id)


class RequestCancellationView(MemberView, CancelView):
    required_scopes = scopes.MANAGE_OWN_ORDERS

    @extend_schema(
        operation_id="requestCancellation",
        parameters=[docs.ORDER_ID],
        tags=[TAG],
        request=serializers.CancelBody,
        responses=docs.reply(docs.EMPTY),
    )
    def post(self, request: Request, order_id: str) -> Response:
        return super().post(request, order_id)
