"""OrderManagementService: the site's apps read and change any order.

Each action parses, applies the action ``orders.actions`` declares (named by the view's
``declared_actions``) through the lifecycle service, and answers ``{}``; the rules (which
states allow what, what the change does) are the declaration's and the services'.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from config.api import parsed
from orders import actions
from orders.actions import OrderAction
from orders.api import docs, serializers
from orders.api.base import OrderListMixin, WixView
from orders.services import lifecycle

TAG = "Order management"


class OrderListView(OrderListMixin, WixView):
    required_scopes = scopes.ORDER_READERS

    @extend_schema(
        operation_id="managementListOrders",
        tags=[TAG],
        parameters=[serializers.ListOrdersQuery, *docs.COMPLEX_QUERY],
        responses=docs.reply(docs.ORDER_LIST),
    )
    def get(self, request: Request) -> Response:
        return self.list_orders(request, buyer=None)


class OrderView(WixView):
    declared_actions = (actions.POSTPONE_END_DATE,)  # PATCH
    required_scopes = {"GET": scopes.ORDER_READERS, "PATCH": scopes.MANAGE_ORDERS}

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
        lifecycle.order_act(
            actions.POSTPONE_END_DATE,
            order_id,
            end_date=body["endDate"],
            actor=self.caller(request).actor,
        )
        return self.done()


class CancelView(WixView):
    declared_actions = tuple(actions.CANCEL_BY_EFFECTIVE_AT.values())  # effectiveAt picks one
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
    """POST with only the id (pause, resume, mark as paid): the declared action, applied."""

    required_scopes = scopes.MANAGE_ORDERS
    declared_actions: tuple[OrderAction, ...] = ()  # one, set by each subclass

    def post(self, request: Request, order_id: str) -> Response:
        (action,) = self.declared_actions
        lifecycle.order_act(action, self.order_id(order_id), actor=self.caller(request).actor)
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
    declared_actions = (actions.MARK_PAID,)


@_documented("pauseOrder")
class PauseView(OrderActionView):
    declared_actions = (actions.PAUSE,)


@_documented("resumeOrder")
class ResumeView(OrderActionView):
    declared_actions = (actions.RESUME,)
