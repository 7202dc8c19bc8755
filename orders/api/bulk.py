"""Tally's /api/v1 helpers from the Wix orders typings that the client does not export:
bulk pause and resume, orders stats, and the available actions of one order (contract
section 6). Same authentication and error envelope as the Wix paths.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from accounts import scopes
from config.api import application_error, parsed
from config.fields import StrictBooleanField
from orders import selectors
from orders.api import docs
from orders.api.base import WixView
from orders.api.serializers import Guid
from orders.api.v1 import OrderRecordsView
from orders.services import order_bulk
from orders.wire import order_to_wire

TAG = "Tally v1"


class BulkBody(serializers.Serializer):
    ids = serializers.ListField(child=Guid(), min_length=1, max_length=order_bulk.MAX_BULK)
    returnFullEntity = StrictBooleanField(required=False, default=False)


def bulk_reply(result: order_bulk.BulkResult, *, full: bool) -> dict[str, Any]:
    """``{results: [{itemMetadata, order?}], bulkActionMetadata}`` as the typings declare."""
    results = []
    for item in result.items:
        metadata: dict[str, Any] = {
            "id": str(item.id),
            "originalIndex": item.index,
            "success": item.success,
        }
        entry: dict[str, Any] = {"itemMetadata": metadata}
        if item.error is not None:
            error = item.error
            envelope = application_error(error.status, error.code, error.message, error.data)
            metadata["error"] = envelope["details"]["applicationError"]
        elif full:
            entry["order"] = order_to_wire(item.order)
        results.append(entry)
    return {
        "results": results,
        "bulkActionMetadata": {
            "totalSuccesses": result.successes,
            "totalFailures": result.failures,
            "undetailedFailures": 0,
        },
    }


class BulkActionView(WixView):
    required_scopes = scopes.MANAGE_ORDERS
    service = staticmethod(order_bulk.orders_bulk_pause)

    def post(self, request: Request) -> Response:
        body = parsed(BulkBody, request.data)
        result = self.service(body["ids"], actor=self.caller(request).actor)
        return Response(bulk_reply(result, full=body["returnFullEntity"]))


BULK_DOC = dict(tags=[TAG], request=BulkBody, responses=docs.reply(docs.BULK))


class BulkPauseView(BulkActionView):
    service = staticmethod(order_bulk.orders_bulk_pause)

    @extend_schema(operation_id="bulkPauseOrder", **BULK_DOC)
    def post(self, request: Request) -> Response:
        return super().post(request)


class BulkResumeView(BulkActionView):
    service = staticmethod(order_bulk.orders_bulk_resume)

    @extend_schema(operation_id="bulkResumeOrder", **BULK_DOC)
    def post(self, request: Request) -> Response:
        return super().post(request)


class OrderStatsView(WixView):
    required_scopes = scopes.ORDER_READERS

    @extend_schema(operation_id="getOrdersStats", tags=[TAG], responses=docs.reply(docs.STATS))
    def get(self, request: Request) -> Response:
        return Response(order_bulk.order_stats())


class AvailableActionsView(OrderRecordsView):
    """An app that reads orders asks about any order; a member only about their own."""

    @extend_schema(
        operation_id="getAvailableOrderActions",
        tags=[TAG],
        parameters=[docs.ORDER_ID],
        responses=docs.reply(docs.AVAILABLE_ACTIONS),
    )
    def get(self, request: Request, order_id: str) -> Response:
        order = selectors.order_get(self.order_id(order_id), buyer=self.member_of(request))
        return Response(order_bulk.order_available_actions(order))
