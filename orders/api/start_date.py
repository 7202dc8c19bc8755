"""``POST /api/v1/orders/{id}/start-date``: a draft order's new start date (the typings'
``ChangeStartDate``, which the client does not export). An app needs Manage Orders; a member
may move only their own draft (another's is 404). Answers ``{order}`` as it is after.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from accounts.caller import caller_of
from config.api import parsed
from orders import actions, selectors
from orders.api import docs
from orders.api.base import WixView
from orders.api.serializers import Timestamp
from orders.services import lifecycle
from orders.wire import order_to_wire


class StartDateBody(serializers.Serializer):
    startDate = Timestamp()


class ChangeStartDateView(WixView):
    declared_actions = (actions.CHANGE_START_DATE,)

    @property
    def required_scopes(self) -> str:
        caller = caller_of(self.request)
        return scopes.MANAGE_OWN_ORDERS if caller and caller.is_member else scopes.MANAGE_ORDERS

    @extend_schema(
        operation_id="changeStartDate",
        tags=["Tally v1"],
        parameters=[docs.ORDER_ID],
        request=StartDateBody,
        responses=docs.reply(docs.ORDER),
    )
    def post(self, request: Request, order_id: str) -> Response:
        order_id = self.order_id(order_id)
        body = parsed(StartDateBody, request.data)
        caller = self.caller(request)
        lifecycle.order_change_start_date(
            order_id,
            start_date=body["startDate"],
            actor=caller.actor,
            buyer=caller.member if caller.is_member else None,
        )
        return Response({"order": order_to_wire(selectors.order_get(order_id))})
